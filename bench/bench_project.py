"""How fast is a workbook of many project forms? One workbook, 30 project sheets, one core.

A department's annual workbook often holds one 项目支出绩效自评表 per project, one per sheet. This
builds such a workbook from the project samples (every edition and every planted fault, round-robin,
``--sheets`` of them, default 30) and times, on one core and without ``--out``:

  in process   ``check_file`` on the workbook (read, detect, read every form, run every rule),
               median of ``--repeat`` runs after one warm-up;
  command      ``evaluator check FILE --jobs 1 --quiet`` as a subprocess (start-up and imports
               counted: about 0.6 CPU s of imports before any workbook is read), median of
               ``--repeat`` runs.

It prints the CPU seconds of the in-process run beside the wall clock, and the load average: on a
machine whose cores are busy with other work the wall clock says more about them than about this.

The target: under one second for 30 sheets. Run it from anywhere: ``python bench/bench_project.py``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
for folder in (REPO, REPO / "tests", REPO / "tests" / "sample_sources"):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

import build_samples  # noqa: E402
from projectbuilder import ProjectLayout, apply_project_edits, build_projects, load_project  # noqa: E402

TARGET = 1.0


def workbook(path: Path, sheets: int) -> int:
    """Write ``sheets`` project forms, one per sheet; return how many findings were planted."""
    sources = [(name, {}) for name in build_samples.PROJECT_EDITIONS]
    sources += list(build_samples.PROJECT_PLANTED.values())
    forms = []
    planted = 0
    for index in range(sheets):
        base, edits = sources[index % len(sources)]
        data = apply_project_edits(load_project(base), {**edits, "project_name": f"项目{index + 1:02d}"})
        forms.append((data, ProjectLayout(sheet_name=f"项目{index + 1:02d}")))
        planted += 1 if edits else 0
    build_projects(forms, path)
    return planted


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sheets", type=int, default=30)
    parser.add_argument("--repeat", type=int, default=5)
    options = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})   # one core, children too

    from evaluator.families import load_definitions
    from evaluator.runner.engine import check_file

    with tempfile.TemporaryDirectory(prefix="evaluator-bench-project-") as scratch:
        path = Path(scratch) / "projects.xlsx"
        planted = workbook(path, options.sheets)
        definitions = load_definitions()
        result = check_file(path, definitions)   # warm-up (imports, caches)
        forms, findings = len(result.forms), len(result.findings)
        inside, inside_cpu = [], []
        for _ in range(options.repeat):
            started, cpu = time.perf_counter(), time.process_time()
            check_file(path, definitions)
            inside.append(time.perf_counter() - started)
            inside_cpu.append(time.process_time() - cpu)
        command = [sys.executable, "-m", "evaluator", "check", str(path), "--jobs", "1", "--quiet"]
        outside = []
        for _ in range(options.repeat):
            started = time.perf_counter()
            done = subprocess.run(command, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
            outside.append(time.perf_counter() - started)
            if done.returncode not in (0, 1):
                raise SystemExit(f"{' '.join(command)} failed ({done.returncode}):\n{done.stderr}")

    print(f"{options.sheets} project sheets in one workbook, one core, median of {options.repeat}, "
          f"Python {sys.version.split()[0]}")
    print(f"forms found {forms}, findings {findings} (planted {planted})")
    load = " ".join(f"{value:.2f}" for value in os.getloadavg()) if hasattr(os, "getloadavg") else "?"
    print(f"load average {load}; in-process CPU seconds (median) {statistics.median(inside_cpu):.3f}")
    for label, values in (("in process (check_file)", inside), ("command (evaluator check --jobs 1)", outside)):
        seconds = statistics.median(values)
        verdict = "meets" if seconds < TARGET else "misses"
        print(f"{label:<36} {seconds:6.3f} s  {options.sheets / seconds:6.1f} forms/s  "
              f"({verdict} the target < {TARGET:g} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
