"""How long does the command line take to start? ``evaluator --help`` against ``python -c "import click"``.

The floor is the interpreter starting and importing click, which every run of the command line
pays; the rest is the tool's own start-up. Both run as subprocesses, alternately, in this one run
(``--repeat`` pairs, default 20, after one warm-up pair that fills the disk cache); the script
prints the median wall-clock time of each and the median of the pairs' ratios (evaluator ÷ floor;
lower is better). ``evaluator rules`` is timed the same way, and so is checking one sample without
``--out`` (reading and checking a form, and the worker that runs it, on top of start-up; no
workbook is written, so neither openpyxl nor pandas is loaded). Run it from anywhere:
``python bench/startup.py [--repeat 20]``.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
FLOOR = [sys.executable, "-c", "import click"]
COMMANDS = {
    "evaluator --help": [sys.executable, "-m", "evaluator", "--help"],
    "evaluator rules": [sys.executable, "-m", "evaluator", "rules"],
    "evaluator check (one sample)": [sys.executable, "-m", "evaluator", "check",
                                     str(REPO / "sample_workbooks" / "correct-form.xlsx"), "--format", "json"],
}


def seconds(command: list[str]) -> float:
    started = time.perf_counter()
    done = subprocess.run(command, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed ({done.returncode}):\n{done.stderr}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20, help="pairs timed per command (default 20)")
    args = parser.parse_args()
    width = max(len(name) for name in COMMANDS)
    print(f"{'run':<{width}} {'median s':>9} {'floor s':>8} {'ratio':>6}")
    for name, command in COMMANDS.items():
        seconds(command), seconds(FLOOR)   # warm-up: the disk cache, the bytecode cache
        pairs = []
        for _ in range(args.repeat):
            pairs.append((seconds(command), seconds(FLOOR)))
        ratio = statistics.median(ours / floor for ours, floor in pairs)
        ours = statistics.median(pair[0] for pair in pairs)
        floor = statistics.median(pair[1] for pair in pairs)
        print(f"{name:<{width}} {ours:>9.3f} {floor:>8.3f} {ratio:>6.2f}")


if __name__ == "__main__":
    main()
