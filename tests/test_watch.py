"""The hot folder: only whole workbooks are taken, lock files and dotfiles never, originals archived."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from evaluator.cli import main
from evaluator.runner.manifest import MANIFEST_NAME
from evaluator.runner.parallel import Stop
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
    # (first.xlsx is named only as the last round of the same form, not as a file of this batch)
    assert "second.xlsx" in result.stdout and "first.xlsx [" not in result.stdout
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


NAME = "部门整体支出绩效自评表.xlsx"   # what every unit calls its file


def test_two_files_dropped_under_one_name_keep_both_results_with_an_archive(folders):
    inbox, out, archive = folders
    shutil.copy(SAMPLES / "planted-rate-score.xlsx", inbox / NAME)
    _run("watch", str(inbox), "--out", str(out), "--archive", str(archive), "--once", "--interval", "0.05")
    shutil.copy(SAMPLES / "correct-form.xlsx", inbox / NAME)
    _run("watch", str(inbox), "--out", str(out), "--archive", str(archive), "--once", "--interval", "0.05")
    stem = NAME.removesuffix(".xlsx")
    assert sorted(p.name for p in archive.iterdir()) == sorted([NAME, f"{stem}-2.xlsx"])
    assert sorted(p.name for p in out.glob("*.checked.xlsx")) == sorted(
        [f"{stem}.checked.xlsx", f"{stem}-2.checked.xlsx"])
    report = json.loads((out / "report.json").read_text("utf-8"))
    entries = {Path(entry["path"]).name: entry for entry in report["files"]}
    assert set(entries) == {NAME, f"{stem}-2.xlsx"}
    assert entries[NAME]["status"] == "findings" and entries[f"{stem}-2.xlsx"]["status"] == "ok"
    for name, entry in entries.items():
        assert Path(entry["path"]) == archive / name and entry["dropped_as"] == str(inbox / NAME)
        assert Path(entry["annotated"]).name == name.replace(".xlsx", ".checked.xlsx")
        assert "replaced" not in entry
    first = load_workbook(out / f"{stem}.checked.xlsx")["部门整体支出绩效自评表"]["G13"].value
    second = load_workbook(out / f"{stem}-2.checked.xlsx")["部门整体支出绩效自评表"]["G13"].value
    assert (first, second) == (4.52, 4.62)
    assert len(json.loads((out / MANIFEST_NAME).read_text("utf-8"))["files"]) == 2
    assert len(pd.read_excel(out / "summary.xlsx", engine="openpyxl")) == 2


def test_the_same_content_again_is_archived_and_reported_again(folders):
    inbox, out, archive = folders
    for _ in range(2):
        shutil.copy(SAMPLES / "correct-form.xlsx", inbox / "form.xlsx")
        _run("watch", str(inbox), "--out", str(out), "--archive", str(archive), "--once", "--interval", "0.05")
    assert sorted(p.name for p in archive.iterdir()) == ["form-2.xlsx", "form.xlsx"]
    assert sorted(p.name for p in out.glob("*.checked.xlsx")) == ["form-2.checked.xlsx", "form.checked.xlsx"]
    assert len(json.loads((out / MANIFEST_NAME).read_text("utf-8"))["files"]) == 2


def test_without_an_archive_a_later_file_replaces_the_earlier_result_and_says_so(folders):
    inbox, out, _ = folders
    shutil.copy(SAMPLES / "planted-rate-score.xlsx", inbox / NAME)
    _run("watch", str(inbox), "--out", str(out), "--once", "--interval", "0.05")
    earlier = json.loads((out / MANIFEST_NAME).read_text("utf-8"))["files"][NAME]
    shutil.copy(SAMPLES / "correct-form.xlsx", inbox / NAME)
    _run("watch", str(inbox), "--out", str(out), "--once", "--interval", "0.05")
    (entry,) = json.loads((out / "report.json").read_text("utf-8"))["files"]
    assert entry["status"] == "ok" and "dropped_as" not in entry
    assert entry["replaced"] == {"sha256": earlier["sha256"], "checked_at": earlier["checked"]}
    assert load_workbook(Path(entry["annotated"]))["部门整体支出绩效自评表"]["G13"].value == 4.62


def test_watch_never_reads_a_link_out_of_its_inbox(folders, tmp_path):
    inbox, out, archive = folders
    secret = tmp_path / "passwd"
    secret.write_text("root:x:0:0:外部机密:/root:/bin/sh\n", "utf-8")
    (inbox / "x.xlsx").symlink_to(secret)
    (inbox / "elsewhere").symlink_to(tmp_path, target_is_directory=True)
    shutil.copy(SAMPLES / "correct-form.xlsx", inbox / "form.xlsx")
    result = _run("watch", str(inbox), "--out", str(out), "--archive", str(archive), "--once", "--interval", "0.05")
    assert result.exit_code == 0
    assert sorted(p.name for p in out.glob("*.checked.xlsx")) == ["form.checked.xlsx"]
    assert sorted(p.name for p in archive.iterdir()) == ["form.xlsx"]   # links are never archived
    assert (inbox / "x.xlsx").is_symlink()
    report = json.loads((out / "report.json").read_text("utf-8"))
    assert sorted(Path(item["path"]).name for item in report["skipped"]) == ["elsewhere", "x.xlsx"]
    assert report["summary"] == {**report["summary"], "files": 1, "skipped": 2}
    assert result.stderr.count("x.xlsx") == 1
    for path in out.rglob("*"):
        if path.is_file():
            assert "外部机密".encode() not in path.read_bytes()
    # nothing new in the inbox but the links: the reports still say what is skipped, once
    again = _run("watch", str(inbox), "--out", str(out), "--archive", str(archive), "--once", "--interval", "0.05")
    assert again.exit_code == 0 and again.stderr.count("x.xlsx") == 1


@pytest.mark.skipif(not Path("/etc/passwd").is_file(), reason="needs /etc/passwd")
def test_the_reported_reproduction_a_link_to_etc_passwd(folders):
    inbox, out, _ = folders
    wout = out
    (inbox / "x.xlsx").symlink_to("/etc/passwd")
    result = _run("watch", str(inbox), "--out", str(wout), "--once", "--interval", "0.05")
    assert result.exit_code == 0
    assert not (wout / "x.checked.xlsx").exists()
    report = json.loads((wout / "report.json").read_text("utf-8"))
    assert report["files"] == [] and [Path(item["path"]).name for item in report["skipped"]] == ["x.xlsx"]
    first_line = Path("/etc/passwd").read_text("utf-8", "replace").splitlines()[0].encode()
    for path in wout.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            if zipfile.is_zipfile(path):
                with zipfile.ZipFile(path) as package:
                    data = b"".join(package.read(name) for name in package.namelist())
            assert first_line not in data


def test_a_watcher_logs_a_skipped_path_once_per_version(folders, tmp_path, definitions, caplog):
    inbox, out, _ = folders
    (inbox / "x.xlsx").symlink_to(tmp_path / "one")
    watcher = Watcher(WatchOptions(inbox=inbox, out_dir=out, interval=0), definitions)
    with caplog.at_level("WARNING", logger="evaluator"):
        for _ in range(3):
            watcher.poll()
        (inbox / "x.xlsx").unlink()
        (inbox / "x.xlsx").symlink_to(tmp_path / "another")
        watcher.poll()
        watcher.poll()
    assert sum("x.xlsx" in record.getMessage() for record in caplog.records) == 2


def test_an_unmodified_output_dropped_into_the_inbox_is_left_alone(folders, tmp_path):
    inbox, out, archive = folders
    _run("check", str(SAMPLES / "correct-form.xlsx"), "--out", str(tmp_path / "earlier"))
    shutil.copy(tmp_path / "earlier" / "correct-form.checked.xlsx", inbox / "returned.xlsx")
    result = _run("watch", str(inbox), "--out", str(out), "--archive", str(archive), "--once", "--interval", "0.05",
                  "--verbose")
    assert result.exit_code == 0 and "returned.xlsx" in result.stderr and "未修改" in result.stderr
    assert (inbox / "returned.xlsx").is_file()
    assert list(archive.iterdir()) == [] and not list(out.glob("*.checked.xlsx"))


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
    assert "已停止监视" in stderr and not list(out.rglob(".~tmp-*"))
    # The file taken is finished (checked, its results written) or, when the signal came after it was
    # archived and before its check began, given back to the inbox for the next run: never lost.
    if "form.xlsx" in stdout:
        assert (out / "summary.xlsx").is_file() and (archive / "form.xlsx").is_file()
    else:
        assert (inbox / "form.xlsx").is_file() and not (archive / "form.xlsx").exists()


def test_the_archive_cannot_be_the_inbox(folders):
    inbox, out, _ = folders
    assert _run("watch", str(inbox), "--out", str(out), "--archive", str(inbox), "--once").exit_code == 2


def test_files_not_checked_before_a_stop_go_back_to_the_inbox(folders, definitions):
    inbox, out, archive = folders
    archive.mkdir()
    for name in ("a.xlsx", "b.xlsx"):
        shutil.copy(SAMPLES / "correct-form.xlsx", inbox / name)
    stop = Stop()
    watcher = Watcher(WatchOptions(inbox=inbox, out_dir=out, archive=archive, interval=0), definitions, stop)
    now = watcher.scan()
    stop.set()   # asked to stop just as the batch begins: nothing is started
    batch = watcher.process(sorted(now), now)
    assert batch.checked == 0
    assert sorted(p.name for p in inbox.iterdir()) == ["a.xlsx", "b.xlsx"]
    assert list(archive.iterdir()) == [] and not watcher.handled   # taken again by the next run


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
