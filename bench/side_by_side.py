"""The speed figures side by side, in one run, and the table for docs/speed.md.

Every figure is a ratio against a floor measured in the same run, alternately with it (pairs,
median of the pairs' ratios), so that a loaded machine slows both sides alike:

  per family, in process, one core (the Guangzhou department form, a project form, and a 30-sheet
  workbook of Guangzhou forms):
    check + annotated copy     against openpyxl load + save of the same file
    check only                 against an openpyxl read-only load reading every value
  as a command:
    ``evaluator check FORM.xlsx``   against ``python -c "import openpyxl"``
  a batch of N mixed forms (department and project samples, round-robin) with ``--out``:
    ``--jobs 1`` against the serial floor (openpyxl load + save per form, measured above, times N),
    and ``--jobs C`` (C: the cores this process may use) beside it; the peak memory of the largest
    process of each run.

``python bench/side_by_side.py [--repeat 15] [--n 1000] [--before DIR] [--write docs/speed.md]``.
With ``--write`` the markdown table is written there (the figures of this run, with the machine's
load noted). With ``--before DIR`` (a checkout of earlier code, e.g. ``git archive main | tar -x -C
DIR``), the command and the batch are also timed with that code, alternately with ours in the same
run, so that a change is shown before and after under the same load.

The code is byte-compiled first (as an installed package is; ``PYTHONDONTWRITEBYTECODE`` would
otherwise make every start-up compile the sources), and the command runs with its own definitions
cache (``EVALUATOR_CACHE_DIR``, in the run's temporary folder) filled by the warm-up run, as a
user's second check finds it.
"""

from __future__ import annotations

import argparse
import compileall
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SAMPLES = REPO / "sample_workbooks"
sys.path.insert(0, str(REPO))

GUANGZHOU = SAMPLES / "2022-广州市工业和信息化局.xlsx"
PROJECT = SAMPLES / "project-national.xlsx"
GOALS = {"check + copy": 0.5, "check only": 1.0, "check only (30 sheets)": 1.5, "command": 0.75}


def _median_ratio(ours, floor, repeat: int) -> tuple[float, float, float]:
    """(median seconds of ours, of the floor, median of the pairs' ratios), alternating."""
    ours(), floor()   # warm-up
    pairs = []
    for _ in range(repeat):
        started = time.perf_counter()
        ours()
        middle = time.perf_counter()
        floor()
        pairs.append((middle - started, time.perf_counter() - middle))
    return (statistics.median(a for a, _ in pairs), statistics.median(b for _, b in pairs),
            statistics.median(a / b for a, b in pairs))


def thirty_sheets(folder: Path) -> Path:
    from openpyxl import load_workbook

    workbook = load_workbook(GUANGZHOU)
    first = workbook.worksheets[0]
    for number in range(2, 31):
        workbook.copy_worksheet(first).title = f"{first.title[:24]}{number}"
    path = folder / "thirty.xlsx"
    workbook.save(path)
    return path


def in_process(repeat: int, folder: Path) -> list[tuple[str, str, float, float, float]]:
    from openpyxl import load_workbook

    from evaluator.families import load_definitions
    from evaluator.runner.engine import check_file
    from evaluator.runner.run import Job, process

    definitions = load_definitions()
    rows = []
    forms = [("广州市部门整体", GUANGZHOU), ("项目支出（全国）", PROJECT), ("30 张广州表", thirty_sheets(folder))]
    for label, path in forms:
        out = folder / "out"
        out.mkdir(exist_ok=True)
        job = Job(path=path, display=path.name, relative=Path(path.name))

        def ours_copy():
            process(job, definitions, out / "copy.checked.xlsx")

        def floor_copy():
            load_workbook(path).save(out / "floor.xlsx")

        def ours_check():
            check_file(path, definitions)

        def floor_check():
            book = load_workbook(path, read_only=True)
            for sheet in book.worksheets:
                for row in sheet.iter_rows(values_only=True):
                    pass
            book.close()

        if label != "30 张广州表":
            rows.append((label, "check + copy", *_median_ratio(ours_copy, floor_copy, repeat)))
        rows.append((label, "check only" if label != "30 张广州表" else "check only (30 sheets)",
                     *_median_ratio(ours_check, floor_check, repeat)))
    return rows


def command(repeat: int, before: Path | None = None) -> list[tuple[str, str, float, float, float]]:
    """The command against ``import openpyxl`` (and, with ``before``, that code's command too, each
    pair timed alternately with its own floor run)."""
    ours = [sys.executable, "-m", "evaluator", "check", str(GUANGZHOU)]
    floor = [sys.executable, "-c", "import openpyxl"]

    def run(argv, cwd=REPO):
        return lambda: subprocess.run(argv, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    if before is None:
        return [("广州市部门整体", "command", *_median_ratio(run(ours), run(floor), repeat))]
    def timed(call) -> float:
        started = time.perf_counter()
        call()
        return time.perf_counter() - started

    pairs: dict[str, list[tuple[float, float]]] = {"command": [], "command (before)": []}
    for round_ in range(repeat + 1):   # interleaved: ours, floor, before, floor; the first round warms up
        now = (timed(run(ours)), timed(run(floor))), (timed(run(ours, before)), timed(run(floor)))
        if round_:
            pairs["command"].append(now[0])
            pairs["command (before)"].append(now[1])
    return [("广州市部门整体", what, statistics.median(a for a, _ in timings), statistics.median(b for _, b in timings),
             statistics.median(a / b for a, b in timings)) for what, timings in pairs.items()]


def batch(count: int, folder: Path, per_form_floor: float,
          before: Path | None = None) -> list[tuple[str, float, float, int, float]]:
    """(label, seconds, ratio to the serial floor, peak MB of the largest process, CPU seconds of the
    run and its workers) per --jobs; with
    ``before``, that code's run right after ours at each --jobs."""
    samples = sorted(SAMPLES.glob("*.xlsx"))
    inbox = folder / "inbox"
    inbox.mkdir()
    for number in range(count):
        source = samples[number % len(samples)]
        shutil.copyfile(source, inbox / f"{number:04d}-{source.name}")
    from evaluator.runner.parallel import available_cores

    results = []
    floor = per_form_floor * count
    codes = [("", REPO)] + ([(" (before)", before)] if before is not None else [])
    for jobs in sorted({1, available_cores()}):
        for label, code in codes:
            out = folder / f"out-{jobs}{label.strip()}"
            cpu_before = _children_cpu()
            started = time.perf_counter()
            done = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--child", str(code), str(inbox),
                                   str(out), str(jobs)], cwd=code, capture_output=True, text=True)
            seconds = time.perf_counter() - started
            cpu = _children_cpu() - cpu_before
            if done.returncode not in (0, 1):
                raise SystemExit(done.stderr)
            peak = int(done.stdout.strip().splitlines()[-1])
            results.append((f"--jobs {jobs}{label}", seconds, seconds / floor, peak, cpu))
    return results


def _children_cpu() -> float:
    """CPU seconds (user + system) of the finished child processes and theirs (the run's workers)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def child(code: str, inbox: str, out: str, jobs: str) -> None:
    """Run the batch in this process with the code in ``code``; print the peak memory (MB) of it
    and of its workers."""
    sys.path.insert(0, code)
    from evaluator.cli import main

    try:
        main(["check", inbox, "--out", out, "--jobs", jobs, "--quiet", "--format", "json"], standalone_mode=False)
    except SystemExit:
        pass
    peak = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
    sys.stdout = sys.__stdout__
    print(peak // 1024)


def loadavg() -> str:
    try:
        return " / ".join(f"{value:.1f}" for value in os.getloadavg())
    except OSError:
        return "?"


def table(rows, command_rows, batches, count: int, cores: int, load_before: str, load_after: str) -> str:
    lines = ["# Speed", "",
             "Generated by `python bench/side_by_side.py --write docs/speed.md`; every ratio is ours ÷ a floor "
             "timed alternately with it in the same run (median of pairs), on one core unless said. The command "
             "runs byte-compiled, with the validated editions in its cache (a user's second check).", "",
             f"Machine: {cores} cores; load average before the run {load_before}, after {load_after} "
             "(other work was running: compare the ratios, not the seconds).", "",
             "| 表 | 测量 | 本工具 (ms) | 基线 (ms) | 比值 | 目标 |", "|---|---|---:|---:|---:|---:|"]
    for label, what, ours, floor, ratio in [*rows, *command_rows]:
        floor_name = {"check + copy": "openpyxl 读+存", "command": "import openpyxl",
                      "command (before)": "import openpyxl"}.get(what, "openpyxl 只读")
        lines.append(f"| {label} | {what}（基线：{floor_name}） | {ours * 1000:.1f} | {floor * 1000:.1f} | "
                     f"{ratio:.2f} | ≤ {GOALS[what.removesuffix(' (before)')]} |")
    lines += ["", f"{count} 份混合表（部门 + 项目样例轮换）带 --out：", "",
              "| 运行 | 秒 | CPU 秒（主进程 + 工作进程） | 对单核串行基线（openpyxl 读+存 × 份数） | 最大进程内存 (MB) |",
              "|---|---:|---:|---:|---:|"]
    for label, seconds, ratio, peak, cpu in batches:
        lines.append(f"| {label} | {seconds:.1f} | {cpu:.1f} | {ratio:.2f} | {peak} |")
    if any("(before)" in row[1] for row in command_rows):
        lines += ["", "Rows marked (before) time the code given with `--before` (an earlier checkout) in the "
                  "same run, alternately with ours: the change measured under the same load."]
    lines += ["", "Where a one-file check's start-up goes: `python -X importtime -m evaluator check FORM.xlsx`. "
              "The editions are validated once and kept in the definitions cache (`EVALUATOR_CACHE_DIR`, "
              "`off` to turn it off); `tests/test_one_file_imports.py` guards what a one-file check imports."]
    return "\n".join(lines) + "\n"


def main() -> None:
    if len(sys.argv) == 6 and sys.argv[1] == "--child":
        child(*sys.argv[2:])
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--n", type=int, default=1000, help="forms in the batch (default 1000)")
    parser.add_argument("--before", type=Path, help="a checkout of earlier code, timed beside ours")
    parser.add_argument("--write", type=Path, help="write the markdown table here")
    args = parser.parse_args()
    from evaluator.runner.parallel import available_cores

    for code in [REPO, *([args.before] if args.before else [])]:
        compileall.compile_dir(str(code / "evaluator"), quiet=1)
    load = loadavg()
    with tempfile.TemporaryDirectory(prefix="evaluator-bench-") as temporary:
        folder = Path(temporary)
        os.environ["EVALUATOR_CACHE_DIR"] = str(folder / "cache")
        rows = in_process(args.repeat, folder)
        command_rows = command(args.repeat, args.before.resolve() if args.before else None)
        floor = statistics.mean(floor for label, what, _, floor, _ in rows if what == "check + copy")
        batches = batch(args.n, folder, floor, args.before.resolve() if args.before else None)
    text = table(rows, command_rows, batches, args.n, available_cores(), load, loadavg())
    print(text)
    if args.write:
        args.write.parent.mkdir(parents=True, exist_ok=True)
        args.write.write_text(text, "utf-8")


if __name__ == "__main__":
    main()
