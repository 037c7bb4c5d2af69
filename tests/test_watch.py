"""The hot folder: only whole workbooks are taken, lock files and dotfiles never, originals archived."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from evaluator.cli import main
from evaluator.runner.manifest import MANIFEST_NAME
from evaluator.runner.watch import Watcher, WatchOptions, archive_path, opens

REPO = Path(__file__).resolve().parent.parent
SAMPLES = REPO / "sample_workbooks"


def _run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


@pytest.fixture
def folders(tmp_path) -> tuple[Path, Path, Path]:
    inbox, out, archive = tmp_path / "inbox", tmp_path / "out", tmp_path / "archive"
    inbox.mkdir()
    return inbox, out, archive


def _half_written(path: Path) -> Path:
    """The first part of a real workbook, as a copy still under way leaves it."""
    data = (SAMPLES / "planted-rate-score.xlsx").read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path


def test_once_takes_whole_workbooks_and_leaves_the_rest(folders):
    inbox, out, archive = folders
    shutil.copy(SAMPLES / "correct-form.xlsx", inbox / "correct.xlsx")
    _half_written(inbox / "arriving.xlsx")
    (inbox / "~$correct.xlsx").write_bytes(b"\x00" * 165)  # Excel's lock file beside an open workbook
    shutil.copy(SAMPLES / "correct-form.xlsx", inbox / ".hidden.xlsx")
    (inbox / ".sync").mkdir()
    shutil.copy(SAMPLES / "correct-form.xlsx", inbox / ".sync" / "partial.xlsx")

    result = _run("watch", str(inbox), "--out", str(out), "--archive", str(archive), "--once",
                  "--interval", "0.05")
    assert result.exit_code == 0, result.output
    assert "correct.xlsx" in result.stdout and "arriving.xlsx" not in result.stdout
    assert "arriving.xlsx" in result.stderr  # said to be left for the next run

    assert sorted(p.name for p in archive.iterdir()) == ["correct.xlsx"]
    assert sorted(p.name for p in inbox.iterdir()) == [".hidden.xlsx", ".sync", "arriving.xlsx", "~$correct.xlsx"]
    assert (out / "correct.checked.xlsx").is_file()
    report = json.loads((out / "report.json").read_text("utf-8"))
    assert [Path(entry["path"]).name for entry in report["files"]] == ["correct.xlsx"]
    frame = pd.read_excel(out / "summary.xlsx", engine="openpyxl")
    assert list(frame["状态"]) == ["通过"]


def test_the_summary_covers_every_file_the_folder_holds(folders):
    inbox, out, archive = folders
    shutil.copy(SAMPLES / "correct-form.xlsx", inbox / "first.xlsx")
    _run("watch", str(inbox), "--out", str(out), "--archive", str(archive), "--once", "--interval", "0.05")
    shutil.copy(SAMPLES / "planted-total-mismatch.xlsx", inbox / "second.xlsx")
    result = _run("watch", str(inbox), "--out", str(out), "--archive", str(archive), "--once", "--interval", "0.05")
    assert result.exit_code == 1  # the new file has an error
    assert "second.xlsx" in result.stdout and "first.xlsx" not in result.stdout
    report = json.loads((out / "report.json").read_text("utf-8"))
    assert {Path(e["path"]).name: e["status"] for e in report["files"]} == {"first.xlsx": "ok", "second.xlsx": "findings"}
    for entry in report["files"]:
        assert Path(entry["annotated"]).is_file()


def test_a_file_still_growing_is_not_taken(folders, definitions):
    inbox, out, _ = folders
    target = inbox / "form.xlsx"
    shutil.copy(SAMPLES / "correct-form.xlsx", target)
    watcher = Watcher(WatchOptions(inbox=inbox, out_dir=out, interval=0), definitions)
    watcher.seen = watcher.scan()
    with target.open("ab") as stream:  # the copy is still going on
        stream.write(b"\x00" * 10)
    assert watcher.poll() is None
    batch = watcher.poll()  # unchanged since the last look: taken
    assert batch is not None and batch.checked == 1
    assert watcher.poll() is None  # and only once


def test_a_file_that_never_becomes_whole_is_reported_once_settled(folders):
    inbox, out, archive = folders
    broken = _half_written(inbox / "broken.xlsx")
    assert not opens(broken)
    an_hour_ago = time.time() - 3600
    os.utime(broken, (an_hour_ago, an_hour_ago))
    result = _run("watch", str(inbox), "--out", str(out), "--archive", str(archive), "--once",
                  "--interval", "0.05", "--settle", "60")
    assert result.exit_code == 1
    report = json.loads((out / "report.json").read_text("utf-8"))
    assert [entry["status"] for entry in report["files"]] == ["unreadable"]
    assert (archive / "broken.xlsx").is_file()


def test_archive_never_overwrites(tmp_path):
    archive = tmp_path / "archive"
    (archive / "sub").mkdir(parents=True)
    (archive / "sub" / "form.xlsx").write_bytes(b"older")
    (archive / "sub" / "form-2.xlsx").write_bytes(b"older still")
    assert archive_path(archive, Path("sub/form.xlsx")) == archive / "sub" / "form-3.xlsx"
    assert archive_path(archive, Path("new.xlsx")) == archive / "new.xlsx"


def test_the_same_content_again_is_archived_without_a_new_check(folders):
    inbox, out, archive = folders
    shutil.copy(SAMPLES / "correct-form.xlsx", inbox / "form.xlsx")
    _run("watch", str(inbox), "--out", str(out), "--archive", str(archive), "--once", "--interval", "0.05")
    shutil.copy(SAMPLES / "correct-form.xlsx", inbox / "form.xlsx")
    result = _run("watch", str(inbox), "--out", str(out), "--archive", str(archive), "--once", "--interval", "0.05")
    assert "未变化" in result.stdout
    assert sorted(p.name for p in archive.iterdir()) == ["form-2.xlsx", "form.xlsx"]
    assert len(json.loads((out / MANIFEST_NAME).read_text("utf-8"))["files"]) == 1


@pytest.mark.skipif(os.name != "posix", reason="signals")
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_watch_stops_cleanly_on_a_signal(folders, signum):
    inbox, out, archive = folders
    process = subprocess.Popen(
        [sys.executable, "-m", "evaluator", "watch", str(inbox), "--out", str(out), "--archive", str(archive),
         "--interval", "0.05"], cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        shutil.copy(SAMPLES / "correct-form.xlsx", inbox / "form.xlsx")
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not (archive / "form.xlsx").exists():
            time.sleep(0.05)
        assert (archive / "form.xlsx").exists()
        process.send_signal(signum)
        stdout, stderr = process.communicate(timeout=30)
    finally:
        process.kill()
    assert process.returncode == 0, stderr
    assert "form.xlsx" in stdout and "已停止监视" in stderr
    assert (out / "summary.xlsx").is_file() and not list(out.rglob(".~tmp-*"))


def test_the_archive_cannot_be_the_inbox(folders):
    inbox, out, _ = folders
    assert _run("watch", str(inbox), "--out", str(out), "--archive", str(inbox), "--once").exit_code == 2


def test_each_batch_ends_with_its_counts_and_what_report_json_holds(folders):
    inbox, out, archive = folders
    shutil.copy(SAMPLES / "correct-form.xlsx", inbox / "first.xlsx")
    first = _run("watch", str(inbox), "--out", str(out), "--archive", str(archive), "--once", "--interval", "0.05")
    shutil.copy(SAMPLES / "planted-total-mismatch.xlsx", inbox / "second.xlsx")
    second = _run("watch", str(inbox), "--out", str(out), "--archive", str(archive), "--once", "--interval", "0.05")
    assert first.stdout.splitlines()[-1] == (
        f"本批 1 份表：1 份通过，0 份有错误，0 份有警告，0 份无法读取；"
        f"{out / 'report.json'} 现共 1 份表：1 份通过，0 份有错误，0 份有警告，0 份无法读取")
    assert second.stdout.splitlines()[-1] == (
        f"本批 1 份表：0 份通过，1 份有错误，0 份有警告，0 份无法读取；"
        f"{out / 'report.json'} 现共 2 份表：1 份通过，1 份有错误，0 份有警告，0 份无法读取")
    # The batch's own closing count is not printed: it read as if it were the whole folder's.
    assert sum("份表：" in line for line in second.stdout.splitlines()) == 1
    assert second.stderr.splitlines()[-1] == "已更新 " + "、".join(
        str(out / name) for name in ("report.json", "report.html", "summary.xlsx"))


def _line(process: subprocess.Popen, seconds: float = 60) -> str:
    """The next line the process prints, or a failure (not a hung suite) if none comes in time."""
    import select

    ready, _, _ = select.select([process.stdout], [], [], seconds)
    assert ready, "no line from the watcher"
    return process.stdout.readline()


@pytest.mark.skipif(os.name != "posix", reason="signals")
def test_watch_prints_one_json_object_per_batch_one_per_line(folders):
    inbox, out, _ = folders
    process = subprocess.Popen(
        [sys.executable, "-m", "evaluator", "watch", str(inbox), "--out", str(out), "--interval", "0.05",
         "--format", "json", "--quiet"], cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    lines = []
    try:
        for name, sample in (("first.xlsx", "correct-form.xlsx"), ("second.xlsx", "planted-rate-score.xlsx")):
            shutil.copy(SAMPLES / sample, inbox / name)
            lines.append(_line(process))   # each batch's line comes as the batch is done
        process.send_signal(signal.SIGTERM)
        rest, stderr = process.communicate(timeout=30)
    finally:
        process.kill()
    assert process.returncode == 0, stderr
    assert rest == ""
    first, second = (json.loads(line) for line in lines)
    assert [Path(e["path"]).name for e in first["files"]] == ["first.xlsx"]
    assert [Path(e["path"]).name for e in second["files"]] == ["second.xlsx"]
    assert first["contract"] == second["contract"] and second["summary"]["with_errors"] == 1
    assert (first["totals"]["files"], second["totals"]["files"]) == (1, 2)
    assert second["totals"] == json.loads((out / "report.json").read_text("utf-8"))["summary"]


def test_watch_takes_every_stdout_format_of_check(folders):
    inbox, out, _ = folders
    shutil.copy(SAMPLES / "correct-form.xlsx", inbox / "form.xlsx")
    result = _run("watch", str(inbox), "--out", str(out), "--once", "--interval", "0.05", "--format", "html")
    assert result.exit_code == 0 and result.stdout.lstrip().lower().startswith("<!doctype html")
    assert _run("watch", str(inbox), "--out", str(out), "--once", "--format", "xml").exit_code == 2


def test_an_empty_inbox_says_so_and_exits_0(folders):
    inbox, out, _ = folders
    result = _run("watch", str(inbox), "--out", str(out), "--once", "--interval", "0.05", "--quiet")
    assert result.exit_code == 0 and result.stdout == ""
    assert f"{inbox}：没有找到可检查的工作簿" in result.stderr
