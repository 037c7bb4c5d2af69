"""Workers die with their parent: five kill -9 of a running batch, and no worker is alive 5 s later."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SAMPLES = REPO / "sample_workbooks"


def _children(pid: int) -> set[int]:
    found: set[int] = set()
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as stream:
                found |= {int(child) for child in stream.read().split()}
    except OSError:
        pass
    return found


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stream:
            state = stream.read().rpartition(")")[2].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")   # a zombie is dead, only not yet reaped by its new parent


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc and SIGKILL")
@pytest.mark.parametrize("command", ["check", "watch"])
def test_no_worker_outlives_a_killed_batch(tmp_path, command):
    folder = tmp_path / "in"
    folder.mkdir()
    sources = sorted(SAMPLES.glob("*.xlsx"))
    for number in range(60):
        shutil.copy(sources[number % len(sources)], folder / f"{number:02d}.xlsx")
    workers: set[int] = set()
    killed = 0
    for turn in range(5 if command == "check" else 2):
        args = ["check", str(folder), "--out", str(tmp_path / "out"), "--force"] if command == "check" else \
            ["watch", str(folder), "--out", str(tmp_path / "out"), "--interval", "0.1"]
        process = subprocess.Popen([sys.executable, "-m", "evaluator", *args, "--jobs", "2", "-q"], cwd=REPO,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 30
        seen: set[int] = set()
        while time.monotonic() < deadline and process.poll() is None and len(seen) < 2:
            seen |= _children(process.pid)
            time.sleep(0.05)
        time.sleep(0.3)
        seen |= _children(process.pid)
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
            killed += 1
        process.wait()
        workers |= seen
    assert killed >= 2 and workers, "the batch ended before it could be killed with workers running"
    time.sleep(5)
    assert [pid for pid in workers if _alive(pid)] == []
