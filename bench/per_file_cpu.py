"""CPU milliseconds per form of one tree, in process: check + annotated copy, and check only, of the
Guangzhou department sample and the national project sample (60 of each after 5 to warm up).

CPU time (``time.process_time``) is what the work costs, which a machine loaded by other work does
not move much; run it for two trees in turns to compare them::

    for round in 1 2 3; do for tree in OLD NEW; do python bench/per_file_cpu.py $tree; done; done
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

tree = Path(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).resolve().parent.parent).resolve()
sys.path.insert(0, str(tree))

from evaluator.families import load_definitions  # noqa: E402
from evaluator.runner.engine import check_file  # noqa: E402
from evaluator.runner.run import Job, process  # noqa: E402

FORMS = ("2022-广州市工业和信息化局.xlsx", "project-national.xlsx")


def main() -> None:
    definitions = load_definitions()
    figures = []
    with tempfile.TemporaryDirectory() as folder:
        for name in FORMS:
            source = tree / "sample_workbooks" / name
            job = Job(path=source, display=name, relative=Path(name))
            for _ in range(5):
                process(job, definitions, Path(folder) / "copy.xlsx")
            started = time.process_time()
            for _ in range(60):
                process(job, definitions, Path(folder) / "copy.xlsx")
            copy = (time.process_time() - started) / 60
            started = time.process_time()
            for _ in range(60):
                check_file(source, definitions)
            only = (time.process_time() - started) / 60
            figures.append(f"{name}: check + copy {copy * 1000:.2f} ms, check only {only * 1000:.2f} ms")
    print(f"{tree}: " + "; ".join(figures))


if __name__ == "__main__":
    main()
