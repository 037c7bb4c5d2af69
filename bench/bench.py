"""How fast is a batch? The evaluator against the floor of doing the bare minimum with openpyxl.

Builds N workbooks (default 200) by copying the department sample forms in sample_workbooks/ round-robin into a
temporary folder, then times, in this one run:

  check + annotate   ``evaluator check DIR --out OUT``, as a subprocess (start-up and the worker
                     pool are counted), against the floor: openpyxl load + save of every file,
                     one after another, in this process;
  check only         ``evaluator check DIR``, as a subprocess, against the floor: an openpyxl
                     read-only load of every file, reading every cell value, one after another.

It prints wall-clock seconds, forms per second and the two ratios (evaluator ÷ floor; lower is
better; the targets on a 2-core machine are 0.8 and 1.5), and beside them the CPU seconds each side
used and, on Linux, the CPU seconds other processes took meanwhile: the ratios assume the cores are
free, and another busy process slows the two workers of the evaluator more than the one process of
the floor. With --repeat, each pair is timed that many times, back to back, and the ratio reported
is the median of the pairs' ratios.
Run it from anywhere: ``python bench/bench.py [--n 200]``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from openpyxl import load_workbook

REPO = Path(__file__).resolve().parent.parent
SAMPLES = REPO / "sample_workbooks"
TARGETS = {"check + annotate": 0.8, "check only": 1.5}


def build(folder: Path, count: int) -> list[Path]:
    """``count`` workbooks in ``folder``: the sample forms, copied round-robin."""
    # The department samples only, so the ratios stay comparable run to run (bench_project.py times
    # the project form).
    samples = sorted(path for path in SAMPLES.glob("*.xlsx") if not path.name.startswith("project-"))
    if not samples:
        raise SystemExit(f"no sample workbooks in {SAMPLES}")
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for number in range(count):
        source = samples[number % len(samples)]
        target = folder / f"{number:04d}-{source.name}"
        shutil.copyfile(source, target)
        paths.append(target)
    return paths


def floor_load_save(paths: list[Path], out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for path in paths:
        load_workbook(path).save(out / path.name)


def floor_read_only(paths: list[Path]) -> None:
    for path in paths:
        book = load_workbook(path, read_only=True)
        for sheet in book.worksheets:
            for _row in sheet.iter_rows(values_only=True):
                pass
        book.close()


def evaluator(*args: str) -> None:
    command = [sys.executable, "-m", "evaluator", "check", *args, "--quiet"]
    done = subprocess.run(command, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if done.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(command)} failed ({done.returncode}):\n{done.stderr}")


def _cpu() -> float:
    """CPU seconds used so far by this process and its finished children (this process only on Windows)."""
    try:
        import resource
    except ImportError:
        return time.process_time()
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _machine_busy() -> float | None:
    """CPU seconds the whole machine has been busy since boot (Linux), else None."""
    try:
        with open("/proc/stat", encoding="ascii") as stat:
            fields = [int(value) for value in stat.readline().split()[1:]]
    except (OSError, ValueError):
        return None
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def timed(action) -> tuple[float, float, float | None]:
    """Wall-clock and CPU seconds of ``action``, and CPU seconds other processes used meanwhile."""
    started, cpu, busy = time.perf_counter(), _cpu(), _machine_busy()
    action()
    wall, used, after = time.perf_counter() - started, _cpu() - cpu, _machine_busy()
    others = max(0.0, after - busy - used) if busy is not None and after is not None else None
    return wall, used, others


def _load() -> str:
    try:
        return " ".join(f"{value:.2f}" for value in os.getloadavg())
    except (OSError, AttributeError):
        return "?"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=200, help="how many workbooks (default 200)")
    parser.add_argument("--repeat", type=int, default=1, help="time each run this many times, use the median")
    parser.add_argument("--jobs", type=int, default=None, help="pass --jobs to the evaluator (default: every core)")
    options = parser.parse_args()
    jobs = ["--jobs", str(options.jobs)] if options.jobs else []

    with tempfile.TemporaryDirectory(prefix="evaluator-bench-") as scratch:
        root = Path(scratch)
        paths = build(root / "in", options.n)
        # Warm the file cache and the imports once, so that neither side pays for the first touch.
        floor_read_only(paths[:5])
        evaluator(str(root / "in"), *jobs)

        times: dict[str, list[float]] = {name: [] for name in ("annotate", "load+save", "check", "read-only")}
        cpu: dict[str, list[float]] = {name: [] for name in times}
        others: dict[str, list[float]] = {name: [] for name in times}
        load_before = _load()
        for attempt in range(options.repeat):
            out = root / f"out-{attempt}"
            runs = {
                "load+save": lambda: floor_load_save(paths, root / f"floor-{attempt}"),
                "annotate": lambda: evaluator(str(root / "in"), "--out", str(out), *jobs),
                "read-only": lambda: floor_read_only(paths),
                "check": lambda: evaluator(str(root / "in"), *jobs),
            }
            for name, action in runs.items():
                wall, used, elsewhere = timed(action)
                times[name].append(wall)
                cpu[name].append(used)
                if elsewhere is not None:
                    others[name].append(elsewhere)
            annotated = len(list(out.glob("*.checked.xlsx")))
            if annotated != options.n:
                raise SystemExit(f"expected {options.n} annotated copies, found {annotated}")
            shutil.rmtree(out)
            shutil.rmtree(root / f"floor-{attempt}")

    median = {name: statistics.median(values) for name, values in times.items()}
    median_cpu = {name: statistics.median(values) for name, values in cpu.items()}
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    print(f"{options.n} workbooks, {cores} cores, median of {options.repeat}, Python {sys.version.split()[0]}, "
          f"load average {load_before} before, {_load()} after")
    print(f"{'run':<44} {'seconds':>8} {'forms/s':>8} {'CPU s':>8} {'others':>8}")
    rows = [
        ("evaluator check DIR --out OUT", "annotate"),
        ("floor: openpyxl load + save, sequential", "load+save"),
        ("evaluator check DIR", "check"),
        ("floor: openpyxl read-only load, sequential", "read-only"),
    ]
    for label, name in rows:
        seconds = median[name]
        elsewhere = f"{statistics.median(others[name]):8.2f}" if others[name] else f"{'?':>8}"
        print(f"{label:<44} {seconds:8.2f} {options.n / seconds:8.1f} {median_cpu[name]:8.2f} {elsewhere}")
    pairs = {"check + annotate": ("annotate", "load+save"), "check only": ("check", "read-only")}
    ratios = {name: statistics.median(a / b for a, b in zip(times[ours], times[floor]))
              for name, (ours, floor) in pairs.items()}
    print()
    for name, ratio in ratios.items():
        verdict = "meets" if ratio <= TARGETS[name] else "misses"
        print(f"ratio {name:<18} {ratio:5.2f}  ({verdict} the target ≤ {TARGETS[name]})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
