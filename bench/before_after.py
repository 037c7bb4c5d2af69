"""Two trees of the project side by side: ``bench/side_by_side.py`` run in each, alternately.

A change that should not cost speed (the intake as one door, say) is measured by running the
side-by-side figures of the tree before it and of the tree after it in turns, several rounds, and
comparing their ratios (each already ours ÷ a floor timed in the same run, so a loaded machine
slows both alike). The table gives, per figure, the median ratio before, after, and after ÷ before
(below 1: faster).

A batch takes long enough for the machine's load to change under it, so its wall-clock ratio moves
from run to run by ±30 % on a shared machine. With ``--cpu N`` the same batch of N mixed forms is
also run by each tree in turns (``check --out --jobs 1``) and its CPU seconds (user + system, the
workers included) are compared: what the work costs, whatever else the machine is doing.

``python bench/before_after.py OLD_TREE NEW_TREE [--rounds 3] [--repeat 9] [--n 300]``; a tree is a
checkout of the repository (``git archive REV | tar -x -C DIR`` makes one).
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROW = re.compile(r"^\| (?!--jobs)(?P<label>[^|]+) \| (?P<what>[^|]+) \| [\d.]+ \| [\d.]+ \| (?P<ratio>[\d.]+) \|")
# a batch row: | --jobs N | seconds | [CPU seconds |] ratio | MB | (older tables have no CPU column)
BATCH = re.compile(r"^\| (?P<what>--jobs \d+) \| [\d.]+ \| (?:[\d.]+ \| )?(?P<ratio>[\d.]+) \| (?P<mb>\d+) \|")


def figures(tree: Path, repeat: int, count: int) -> dict[str, float]:
    """The ratios of one run of ``tree``'s side-by-side bench, by figure."""
    with tempfile.TemporaryDirectory(prefix="evaluator-before-after-") as folder:
        table = Path(folder) / "speed.md"
        env = {**os.environ, "PYTHONPATH": str(tree)}
        subprocess.run([sys.executable, str(tree / "bench" / "side_by_side.py"), "--repeat", str(repeat),
                        "--n", str(count), "--write", str(table)], cwd=tree, env=env, check=True,
                       stdout=subprocess.DEVNULL)
        found: dict[str, float] = {}
        for line in table.read_text("utf-8").splitlines():
            if (match := BATCH.match(line)) is not None:   # first: a batch row also has ROW's shape
                found[f"{count} forms · {match['what']}"] = float(match["ratio"])
            elif (match := ROW.match(line)) is not None:
                found[f"{match['label']} · {match['what'].split('（')[0]}"] = float(match["ratio"])
        return found


def batch_cpu(tree: Path, inbox: Path, out: Path) -> float:
    """CPU seconds (user + system, with the workers) of ``check INBOX --out OUT --jobs 1`` by ``tree``."""
    shutil.rmtree(out, ignore_errors=True)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run([sys.executable, "-m", "evaluator", "check", str(inbox), "--out", str(out), "--jobs", "1",
                    "--quiet", "--format", "json"], cwd=tree, env={**os.environ, "PYTHONPATH": str(tree)},
                   stdout=subprocess.DEVNULL, check=False)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("old", type=Path)
    parser.add_argument("new", type=Path)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--repeat", type=int, default=9)
    parser.add_argument("--n", type=int, default=300)
    parser.add_argument("--cpu", type=int, default=0, help="also compare the CPU seconds of a batch of N forms")
    parser.add_argument("--skip-ratios", action="store_true", help="only the CPU comparison")
    args = parser.parse_args()
    if args.cpu:
        with tempfile.TemporaryDirectory(prefix="evaluator-before-after-") as folder:
            inbox = Path(folder) / "inbox"
            inbox.mkdir()
            samples = sorted((args.new / "sample_workbooks").glob("*.xlsx"))
            for number in range(args.cpu):
                source = samples[number % len(samples)]
                shutil.copyfile(source, inbox / f"{number:04d}-{source.name}")
            cpu: dict[str, list[float]] = {"old": [], "new": []}
            for _ in range(args.rounds):
                for side in ("old", "new"):
                    cpu[side].append(batch_cpu(getattr(args, side).resolve(), inbox, Path(folder) / "out"))
        before, after = statistics.median(cpu["old"]), statistics.median(cpu["new"])
        print(f"{args.cpu} forms, check --out --jobs 1, CPU seconds (user + system), median of {args.rounds}: "
              f"before {before:.2f} ({', '.join(f'{s:.2f}' for s in cpu['old'])}), "
              f"after {after:.2f} ({', '.join(f'{s:.2f}' for s in cpu['new'])}), after ÷ before {after / before:.2f}\n")
        if args.skip_ratios:
            return
    runs: dict[str, list[dict[str, float]]] = {"old": [], "new": []}
    for _ in range(args.rounds):
        for side in ("old", "new"):
            runs[side].append(figures(getattr(args, side).resolve(), args.repeat, args.n))
    print(f"load average at the end: {' / '.join(f'{v:.1f}' for v in os.getloadavg())}; "
          f"{args.rounds} rounds, old and new alternately\n")
    print("| figure | ratio before | ratio after | after ÷ before |\n|---|---:|---:|---:|")
    for name in runs["old"][0]:
        before = statistics.median(run[name] for run in runs["old"])
        after = statistics.median(run[name] for run in runs["new"] if name in run)
        print(f"| {name} | {before:.2f} | {after:.2f} | {after / before:.2f} |")


if __name__ == "__main__":
    main()
