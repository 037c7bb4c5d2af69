"""Nothing dropped is lost: `watch --archive` killed (SIGKILL) at random moments and restarted
answers every file exactly once. Seeds are printed; WATCH_KILL_SEED=N replays one."""

from __future__ import annotations

import os
import random
from pathlib import Path

import pytest

from watchkill import run_round

BASE = int(os.environ.get("WATCH_KILL_SEED") or random.SystemRandom().randrange(2**31))


@pytest.mark.skipif(os.name != "posix", reason="SIGKILL")
@pytest.mark.parametrize("turn", range(2))
def test_a_killed_watcher_answers_every_file_once(tmp_path, turn):
    seed = BASE + turn
    print(f"\nwatch kill seed {seed} (WATCH_KILL_SEED={seed} replays it)")
    result = run_round(tmp_path, seed, drops=10, kills=3, limit=45.0)
    print(f"killed at {result.killed_at} s, {result.answered}/{result.drops} answered in {result.seconds:.1f} s")
    assert result.killed_at and len(result.killed_at) == 3
    assert not result.problems, "\n".join(result.problems)


def _watch_once(inbox, out, archive):
    from click.testing import CliRunner

    from evaluator.cli import main

    return CliRunner().invoke(main, ["watch", str(inbox), "--out", str(out), "--archive", str(archive), "--once",
                                     "--interval", "0.05"], catch_exceptions=False)


def _folders(tmp_path):
    inbox, out, archive = tmp_path / "inbox", tmp_path / "out", tmp_path / "archive"
    for folder in (inbox, out, archive):
        folder.mkdir()
    return inbox, out, archive


def test_a_file_taken_and_never_answered_is_answered_from_the_archive(tmp_path):
    import json
    import shutil

    from evaluator.runner.journal import Journal
    from watchkill import SAMPLES

    inbox, out, archive = _folders(tmp_path)
    # What a watcher killed between the move and the answer leaves: a take, the file in the archive.
    shutil.copy(SAMPLES / "planted-rate-score.xlsx", archive / "form.xlsx")
    Journal(out).take("form.xlsx", inbox / "form.xlsx", archive / "form.xlsx", 0o644)
    # and one killed between the take and the move: the file still in the inbox
    shutil.copy(SAMPLES / "correct-form.xlsx", inbox / "other.xlsx")
    Journal(out).take("other.xlsx", inbox / "other.xlsx", archive / "other.xlsx", 0o644)
    result = _watch_once(inbox, out, archive)
    assert result.exit_code == 1, result.output   # the planted error
    report = json.loads((out / "report.json").read_text("utf-8"))
    assert sorted((Path(e["path"]).name, e["dropped_as"]) for e in report["files"]) == [
        ("form.xlsx", str(inbox / "form.xlsx")), ("other.xlsx", str(inbox / "other.xlsx"))]
    assert sorted(p.name for p in archive.iterdir()) == ["form.xlsx", "other.xlsx"]
    assert not (out / ".evaluator-journal").exists()   # compacted: nothing is open
    again = _watch_once(inbox, out, archive)             # and answered once: nothing more to do
    assert "form.xlsx" not in again.stdout


def test_a_move_across_file_systems_cut_short_is_finished_not_answered_twice(tmp_path):
    import json
    import shutil

    from evaluator.runner.journal import Journal
    from watchkill import SAMPLES

    inbox, out, archive = _folders(tmp_path)
    shutil.copy(SAMPLES / "correct-form.xlsx", inbox / "form.xlsx")
    shutil.copy(inbox / "form.xlsx", archive / "form.xlsx")     # copied whole, original not yet removed
    Journal(out).take("form.xlsx", inbox / "form.xlsx", archive / "form.xlsx", 0o644)
    result = _watch_once(inbox, out, archive)
    assert result.exit_code == 0, result.output
    assert list(inbox.iterdir()) == [] and [p.name for p in archive.iterdir()] == ["form.xlsx"]
    assert len(json.loads((out / "report.json").read_text("utf-8"))["files"]) == 1


def test_a_torn_last_line_is_ignored_and_earlier_answers_kept(tmp_path):
    from evaluator.runner.journal import Journal
    from evaluator.runner.manifest import Manifest

    journal = Journal(tmp_path)
    journal.answer("a.xlsx", {"sha256": "x", "entries": [{"status": "ok"}]})
    journal.take("b.xlsx", tmp_path / "in" / "b.xlsx", tmp_path / "arch" / "b.xlsx", 0o600)
    with journal.path.open("ab") as stream:
        stream.write(b'{"answer":"b.xlsx","rec')     # killed in the middle of a write
    manifest = Manifest.load(tmp_path)
    assert manifest.records["a.xlsx"]["sha256"] == "x"
    assert list(manifest.open_takes) == ["b.xlsx"]
    manifest.save()
    assert Manifest.load(tmp_path).records["a.xlsx"]["sha256"] == "x"
    assert list(Journal(tmp_path).read().open_takes) == ["b.xlsx"]   # still open after compaction


@pytest.mark.skipif(os.name != "posix", reason="SIGKILL")
def test_a_killed_check_keeps_every_answer_it_logged(tmp_path):
    import re
    import shutil
    import signal
    import subprocess
    import sys
    import time

    from evaluator.runner.manifest import Manifest
    from watchkill import REPO, SOURCES

    folder, out, log = tmp_path / "in", tmp_path / "out", tmp_path / "check.log"
    folder.mkdir()
    for number in range(60):
        shutil.copy(SOURCES[number % len(SOURCES)], folder / f"{number:02d}.xlsx")
    process = subprocess.Popen([sys.executable, "-m", "evaluator", "check", str(folder), "--out", str(out),
                                "--jobs", "2", "--log", str(log), "-q"], cwd=REPO,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        if log.exists() and log.read_text("utf-8").count(" 秒）") >= 10:
            break
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.wait()
    logged = {Path(match[1]).name for match in re.finditer(r"(\S+\.xlsx)：[a-z_, ]+（[\d.]+ 秒）", log.read_text("utf-8"))}
    assert len(logged) >= 10
    kept = set(Manifest.load(out).records)   # the manifest as saved, with the journal replayed
    assert logged <= kept
