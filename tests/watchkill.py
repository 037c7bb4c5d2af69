"""Kill ``evaluator watch --archive`` at random moments and restart it; count what was answered.

Used by tests/test_watch_kill.py (short) and bench/soak_watch_kill.py (long). One round: ``drops``
workbooks land in the inbox at random moments (whole, by a rename, as a copying program finishes),
the watcher is killed with SIGKILL ``kills`` times at random moments while it works and started
again each time, then a last watcher runs until every file is answered (or ``limit`` seconds pass)
and is stopped with SIGTERM. Everything random comes from ``seed``.

Answered exactly once means: the inbox is empty; the archive holds each dropped file once, under
its own name (a second copy would be ``name-2.xlsx``); report.json holds one entry per dropped file
(its ``dropped_as``); and the log of all the watchers says each archived file was checked once
(at most once: the per-file log line is written just after its answer is in the journal).
"""

from __future__ import annotations

import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SAMPLES = REPO / "sample_workbooks"
SOURCES = sorted(SAMPLES.glob("*.xlsx"))
STATUS_LINE = re.compile(r"(?P<path>\S+\.xlsx)：(?P<statuses>[a-z_, ]+)（[\d.]+ 秒）")


@dataclass
class Round:
    seed: int
    drops: int
    kills: int
    killed_at: list[float] = field(default_factory=list)
    seconds: float = 0.0
    problems: list[str] = field(default_factory=list)
    answered: int = 0


def _start(inbox: Path, out: Path, archive: Path, log: Path, stderr) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "evaluator", "watch", str(inbox), "--out", str(out), "--archive", str(archive),
         "--interval", "0.1", "--settle", "30", "--jobs", "2", "--log", str(log), "--quiet"],
        cwd=REPO, stdout=subprocess.DEVNULL, stderr=stderr)


def _answered(out: Path) -> list[str]:
    try:
        report = json.loads((out / "report.json").read_text("utf-8"))
    except (OSError, ValueError):
        return []
    return [Path(entry.get("dropped_as") or entry["path"]).name for entry in report["files"]]


def run_round(folder: Path, seed: int, drops: int = 12, kills: int = 3, limit: float = 90.0) -> Round:
    rng = random.Random(seed)
    result = Round(seed=seed, drops=drops, kills=kills)
    inbox, out, archive, staging = (folder / name for name in ("inbox", "out", "archive", "staging"))
    for path in (inbox, staging):
        path.mkdir(parents=True)
    log = folder / "watch.log"
    names = [f"{number:02d}-{rng.choice(SOURCES).stem}.xlsx" for number in range(drops)]
    sources = {name: SAMPLES / (name[3:]) for name in names}
    # A third of the files are there before the first watcher starts, the rest land while it works.
    early = drops // 3
    plan = sorted((rng.uniform(0.0, 1.0 + 0.5 * kills), name) for name in names[early:])

    def drop(name: str) -> None:
        shutil.copy(sources[name], staging / name)
        os.rename(staging / name, inbox / name)

    for name in names[:early]:
        drop(name)
    begun = time.monotonic()
    with (folder / "stderr.txt").open("w") as stderr:
        for kill in range(kills + 1):
            process = _start(inbox, out, archive, log, stderr)
            try:
                if kill < kills:
                    # Killed once it is at work (a file has gone into the archive since it started), at a
                    # random moment after: in the middle of a move, a check, a report or a save.
                    before = len(list(archive.rglob("*.xlsx"))) if archive.exists() else 0
                    started = time.monotonic()
                    while time.monotonic() - started < 20:
                        while plan and plan[0][0] <= time.monotonic() - begun:
                            drop(plan.pop(0)[1])
                        if archive.exists() and len(list(archive.rglob("*.xlsx"))) > before:
                            break
                        if not plan and not any(inbox.iterdir()) and time.monotonic() - started > 1.5:
                            break   # nothing left to take: killed while it recovers, or idle
                        time.sleep(0.02)
                    time.sleep(rng.uniform(0.0, 0.6))
                    result.killed_at.append(round(time.monotonic() - begun, 2))
                    process.kill()
                    process.wait()
                    continue
                # The last watcher: drop the rest, wait until every file is answered, stop it.
                while time.monotonic() - begun < limit:
                    while plan and plan[0][0] <= time.monotonic() - begun:
                        drop(plan.pop(0)[1])
                    if not plan and len(_answered(out)) >= drops and not any(inbox.iterdir()):
                        break
                    time.sleep(0.1)
                process.send_signal(signal.SIGTERM)
                process.wait(30)
            finally:
                if process.poll() is None:
                    process.kill()
                    process.wait()
    result.seconds = time.monotonic() - begun

    left = sorted(path.name for path in inbox.rglob("*") if path.is_file())
    if left:
        result.problems.append(f"left in the inbox: {left}")
    archived = sorted(path.name for path in archive.rglob("*.xlsx"))
    if archived != sorted(names):
        result.problems.append(f"archive holds {archived}, dropped {sorted(names)}")
    answered = _answered(out)
    result.answered = len(set(answered) & set(names))
    if sorted(answered) != sorted(names):
        result.problems.append(f"report.json answers {sorted(answered)}, dropped {sorted(names)}")
    text = log.read_text("utf-8") if log.exists() else ""
    counts: dict[str, int] = {}
    for match in STATUS_LINE.finditer(text):
        counts[Path(match["path"]).name] = counts.get(Path(match["path"]).name, 0) + 1
    # At most once each (a kill between an answer's journal line and its log line leaves none).
    twice = {name: count for name, count in counts.items() if count > 1}
    if twice or not set(counts) <= set(names):
        result.problems.append(f"checked per file (log): {sorted(counts.items())}")
    errors = (folder / "stderr.txt").read_text("utf-8")
    if "Traceback" in errors:
        result.problems.append("a traceback on stderr:\n" + errors[-2000:])
    return result
