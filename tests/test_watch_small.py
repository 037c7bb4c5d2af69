"""The hot folder's smaller promises: a file still growing after --settle is checked again once
whole; a file that may not be read is not said to be still being written; two watchers without an
archive answer (and print) each file once."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from evaluator.families import load_definitions
from evaluator.runner.parallel import Stop
from evaluator.runner.watch import Watcher, WatchOptions

REPO = Path(__file__).resolve().parent.parent
SAMPLES = REPO / "sample_workbooks"


def _poll(watcher: Watcher, times: int = 2):
    batch = None
    for _ in range(times):
        batch = watcher.poll() or batch
    return batch


def test_a_file_that_stalled_past_settle_is_checked_again_once_whole(tmp_path):
    inbox, out, archive = tmp_path / "inbox", tmp_path / "out", tmp_path / "archive"
    inbox.mkdir()
    whole = (SAMPLES / "planted-rate-score.xlsx").read_bytes()
    (inbox / "slow.xlsx").write_bytes(whole[: len(whole) // 2])   # a copy that stalled
    old = time.time() - 3600
    os.utime(inbox / "slow.xlsx", (old, old))
    watcher = Watcher(WatchOptions(inbox=inbox, out_dir=out, archive=archive, interval=0, settle=1, workers=1),
                      load_definitions(), Stop())
    _poll(watcher)
    first = json.loads((out / "report.json").read_text("utf-8"))["files"]
    assert [entry["status"] for entry in first] == ["unreadable"]
    with (archive / "slow.xlsx").open("ab") as stream:   # the copy goes on, into the archived file
        stream.write(whole[len(whole) // 2:])
    _poll(watcher, 3)
    again = json.loads((out / "report.json").read_text("utf-8"))["files"]
    assert [(Path(entry["path"]).name, entry["status"]) for entry in again] == [("slow.xlsx", "findings")]
    assert (out / "slow.checked.xlsx").is_file()


def test_a_file_that_may_not_be_read_is_not_said_to_be_still_written(tmp_path, monkeypatch, caplog):
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    inbox.mkdir()
    shutil.copy(SAMPLES / "correct-form.xlsx", inbox / "locked.xlsx")
    real_open = os.open

    def refuse(path, flags, *args, **kwargs):
        if str(path).endswith("locked.xlsx"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", refuse)
    caplog.set_level("INFO", logger="evaluator")
    watcher = Watcher(WatchOptions(inbox=inbox, out_dir=out, interval=0, workers=1), load_definitions(), Stop())
    batch = watcher.once()
    messages = " ".join(record.getMessage() for record in caplog.records)
    assert "尚未写完" not in messages and "尚不完整" not in messages
    assert batch is not None and [entry["status"] for entry in batch.report["files"]] == ["unreadable"]


@pytest.mark.skipif(os.name != "posix", reason="two processes on one folder")
def test_two_watchers_without_an_archive_print_each_file_once(tmp_path):
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    inbox.mkdir()
    names = [f"{number}.xlsx" for number in range(6)]
    for name in names:
        shutil.copy(SAMPLES / "correct-form.xlsx", inbox / name)
    command = [sys.executable, "-m", "evaluator", "watch", str(inbox), "--out", str(out), "--once",
               "--interval", "0.2", "--format", "json", "--jobs", "1"]
    first = subprocess.Popen(command, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    second = subprocess.Popen(command, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    printed = []
    for process in (first, second):
        stdout, _ = process.communicate(timeout=120)
        for line in stdout.decode("utf-8").splitlines():
            printed += [Path(entry["path"]).name for entry in json.loads(line)["files"]]
    assert sorted(printed) == names


def test_a_rerun_without_an_archive_says_the_files_were_answered_not_that_there_are_none(tmp_path):
    from click.testing import CliRunner

    from evaluator.cli import main

    inbox, out = tmp_path / "inbox", tmp_path / "out"
    inbox.mkdir()
    shutil.copy(SAMPLES / "correct-form.xlsx", inbox / "form.xlsx")
    args = ["watch", str(inbox), "--out", str(out), "--once", "--interval", "0.05"]
    assert "form.xlsx" in CliRunner().invoke(main, args).stdout
    again = CliRunner().invoke(main, args)
    assert again.exit_code == 0 and "form.xlsx" not in again.stdout
    assert "1 个文件已检查过且内容未变" in again.stderr and "没有找到" not in again.stderr
