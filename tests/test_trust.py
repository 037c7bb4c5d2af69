"""The folder given is a trust boundary: nothing outside it is read, nothing dropped into it is lost,
the tool's own outputs are never inputs, and no output is more readable than its input."""

from __future__ import annotations

import json
import os
import shutil
import stat
import zipfile
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import Workbook, load_workbook

from evaluator.cli import main
from evaluator.outputs.marker import is_result_sheet, read_mark
from evaluator.runner.discovery import walk
from evaluator.runner.engine import check_file
from evaluator.runner.run import find

REPO = Path(__file__).resolve().parent.parent
SAMPLES = REPO / "sample_workbooks"
SECRET = "外部机密-7f3a9c"


def _run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def no_form(path: Path, text: str = "项目清单") -> Path:
    """A workbook with no form in it: a list of projects."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["序号", "项目名称", "金额"])
    sheet.append([1, text, 100])
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)
    return path


def every_text(folder: Path) -> str:
    """Everything a folder's files say, workbooks unzipped: to look for content that must not be there."""
    texts = []
    for path in folder.rglob("*"):
        if not path.is_file():
            continue
        data = path.read_bytes()
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as package:
                data = b"".join(package.read(name) for name in package.namelist())
        texts.append(data.decode("utf-8", "replace"))
    return "\n".join(texts)


@pytest.fixture
def outside(tmp_path) -> Path:
    """A folder outside the one checked, holding what must never be read: a text and a workbook."""
    folder = tmp_path / "outside"
    folder.mkdir()
    (folder / "passwd").write_text(f"root:x:0:0:{SECRET}:/root:/bin/sh\n", "utf-8")
    no_form(folder / "other-unit.xlsx", SECRET)
    return folder


@pytest.fixture
def inbox(tmp_path, outside) -> Path:
    folder = tmp_path / "inbox"
    folder.mkdir()
    shutil.copy(SAMPLES / "correct-form.xlsx", folder / "form.xlsx")
    (folder / "x.xlsx").symlink_to(outside / "passwd")
    (folder / "linked").symlink_to(outside, target_is_directory=True)
    return folder


# --- 1. folder discovery reads only what is inside ----------------------------------------------

def test_check_does_not_follow_links_out_of_the_folder(inbox, tmp_path):
    out = tmp_path / "out"
    result = _run("check", str(inbox), "--out", str(out), "--format", "json")
    assert result.exit_code == 0, result.output   # a skipped path changes no exit code
    report = json.loads(result.stdout)
    assert [Path(entry["path"]).name for entry in report["files"]] == ["form.xlsx"]
    assert report["summary"]["files"] == 1 and report["summary"]["skipped"] == 2
    skipped = {Path(item["path"]).name: item["reason"] for item in report["skipped"]}
    assert set(skipped) == {"x.xlsx", "linked"}
    assert all("之外" in reason and "--follow-symlinks" in reason for reason in skipped.values())
    assert sorted(p.name for p in out.glob("*.checked.xlsx")) == ["form.checked.xlsx"]
    assert SECRET not in every_text(out)
    assert json.loads((out / "report.json").read_text("utf-8"))["skipped"] == report["skipped"]
    assert result.stderr.count("x.xlsx") == 1   # said once


def test_follow_symlinks_opts_in(inbox, tmp_path):
    result = _run("check", str(inbox), "--follow-symlinks", "--format", "json", "--fail-on", "never")
    report = json.loads(result.stdout)
    assert sorted(Path(entry["path"]).name for entry in report["files"]) == ["form.xlsx", "other-unit.xlsx", "x.xlsx"]
    assert report["skipped"] == []


def test_a_file_named_on_the_command_line_is_read_as_given(inbox):
    result = _run("check", str(inbox / "x.xlsx"), "--format", "json", "--fail-on", "never")
    report = json.loads(result.stdout)
    assert [Path(entry["path"]).name for entry in report["files"]] == ["x.xlsx"] and report["skipped"] == []


def test_links_inside_the_folder_are_read_once_and_loops_are_skipped(tmp_path):
    root = tmp_path / "root"
    (root / "sub").mkdir(parents=True)
    shutil.copy(SAMPLES / "correct-form.xlsx", root / "sub" / "form.xlsx")
    (root / "alias.xlsx").symlink_to(root / "sub" / "form.xlsx")     # inside: read (once)
    (root / "sub" / "up").symlink_to(root, target_is_directory=True)  # a loop through folders
    (root / "self.xlsx").symlink_to(root / "self.xlsx")               # a link to itself
    (root / "gone.xlsx").symlink_to(tmp_path / "nowhere.xlsx")
    found = walk(root)
    assert sorted(item.relative.as_posix() for item in found.found) == ["alias.xlsx", "sub/form.xlsx"]
    reasons = {Path(item.path).name: item.reason for item in found.skipped}
    assert set(reasons) == {"up", "self.xlsx", "gone.xlsx"}
    assert "循环" in reasons["up"] and "循环" in reasons["self.xlsx"] and "不存在" in reasons["gone.xlsx"]
    # a run reads the form once, although two names lead to it
    result = _run("check", str(root), "--format", "json")
    assert len(json.loads(result.stdout)["files"]) == 1


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes")
def test_pipes_and_sockets_are_never_opened(tmp_path):
    import socket

    root = tmp_path / "root"
    root.mkdir()
    os.mkfifo(root / "pipe.xlsx")
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(str(root / "socket.xlsx"))
        result = _run("check", str(root), "--format", "json")   # would block forever on the pipe
    assert result.exit_code == 0
    report = json.loads(result.stdout)
    assert report["files"] == []
    reasons = {Path(item["path"]).name: item["reason"] for item in report["skipped"]}
    assert "命名管道" in reasons["pipe.xlsx"] and "套接字" in reasons["socket.xlsx"]
    named = json.loads(_run("check", str(root / "pipe.xlsx"), "--format", "json").stdout)
    assert named["files"] == [] and len(named["skipped"]) == 1


# --- 2. no copy without a form ------------------------------------------------------------------

def test_no_annotated_copy_without_a_form(tmp_path):
    folder = tmp_path / "in"
    no_form(folder / "list.xlsx")
    (folder / "notes.xlsx").write_text("序号,项目\n1,道路\n", "utf-8")   # CSV text saved as .xlsx
    (folder / "broken.xlsx").write_bytes(b"PK\x03\x04 not really a zip")
    shutil.copy(SAMPLES / "planted-rate-score.xlsx", folder / "form.xlsx")
    out = tmp_path / "out"
    result = _run("check", str(folder), "--out", str(out), "--format", "json")
    entries = {Path(entry["path"]).name: entry for entry in json.loads(result.stdout)["files"]}
    assert set(entries) == {"list.xlsx", "notes.xlsx", "broken.xlsx", "form.xlsx"}
    for name in ("list.xlsx", "notes.xlsx"):
        assert entries[name]["annotated"] is None and "未找到自评表" in entries[name]["not_annotated"]
    assert entries["broken.xlsx"]["annotated"] is None and "无法读取" in entries["broken.xlsx"]["not_annotated"]
    assert "not_annotated" not in entries["form.xlsx"]
    assert sorted(p.name for p in out.rglob("*.checked.xlsx")) == ["form.checked.xlsx"]
    # the next run reuses those answers: still no copy, and no second look
    again = json.loads(_run("check", str(folder), "--out", str(out), "--format", "json").stdout)
    assert {entry["status"] for entry in again["files"]} == {"unchanged"}
    assert sorted(p.name for p in out.rglob("*.checked.xlsx")) == ["form.checked.xlsx"]


# --- 5. its own outputs are never inputs --------------------------------------------------------

def test_every_workbook_written_is_marked(tmp_path):
    out = tmp_path / "out"
    _run("check", str(SAMPLES / "planted-rate-score.xlsx"), "--out", str(out))
    for name in ("planted-rate-score.checked.xlsx", "summary.xlsx"):
        mark = read_mark(out / name)
        assert mark is not None and not mark.modified
        assert abs(mark.written - datetime.now(timezone.utc)) < timedelta(minutes=5)
    assert read_mark(SAMPLES / "planted-rate-score.xlsx") is None


def test_an_earlier_output_folder_inside_the_folder_is_skipped(tmp_path):
    archive = tmp_path / "archive"
    archive.mkdir()
    shutil.copy(SAMPLES / "planted-rate-score.xlsx", archive / "unit.xlsx")
    _run("check", str(archive), "--out", str(archive / "out-2026-11-28"))
    # tonight: a renamed copy of last night's output, among the archive's workbooks
    shutil.copy(archive / "out-2026-11-28" / "unit.checked.xlsx", archive / "renamed.xlsx")
    result = _run("check", str(archive), "--out", str(tmp_path / "out-2026-11-29"), "--format", "json", "--verbose")
    report = json.loads(result.stdout)
    assert [Path(entry["path"]).name for entry in report["files"]] == ["unit.xlsx"]
    # Every file is answered: the renamed copy and last night's outputs are named as skipped, with why.
    reasons = {Path(item["path"]).name: item["reason"] for item in report["skipped"]}
    assert {"renamed.xlsx", "summary.xlsx", "report.html", "unit.checked.xlsx"} <= set(reasons)
    assert "未修改" in reasons["renamed.xlsx"] and report["others"] == []
    assert "summary.xlsx" in result.stderr and "renamed.xlsx" in result.stderr and "未修改" in result.stderr


def test_an_annotated_copy_corrected_and_sent_back_is_checked_without_its_results_sheet(tmp_path, definitions):
    out = tmp_path / "out"
    _run("check", str(SAMPLES / "planted-rate-score.xlsx"), "--out", str(out))
    copy = out / "planted-rate-score.checked.xlsx"
    workbook = load_workbook(copy)
    sheet = workbook["部门整体支出绩效自评表"]
    assert sheet["G13"].value == 4.52
    sheet["G13"] = 4.62                          # the accountant's correction, and the total with it
    sheet["G40"] = 94.31
    workbook.properties.lastModifiedBy = "张会计"  # as Excel or WPS records it
    back = tmp_path / "back" / "部门整体支出绩效自评表.xlsx"
    back.parent.mkdir()
    workbook.save(back)
    assert read_mark(back).modified
    result = _run("check", str(back.parent), "--out", str(tmp_path / "out2"), "--format", "json")
    (entry,) = json.loads(result.stdout)["files"]
    assert entry["status"] == "ok" and entry["sheet"] == "部门整体支出绩效自评表", entry
    assert result.exit_code == 0
    (job,) = find([back.parent]).jobs
    assert job.own_output   # so its 校验结果 sheet is not read
    grids = check_file(back, definitions, keep_grids=True, ignore_sheet=is_result_sheet).grids
    assert "校验结果" in load_workbook(back, read_only=True).sheetnames
    assert "校验结果" not in [grid.name for grid in grids]
    # Its annotated copy holds one 校验结果, the new one, not the old one beside a 校验结果2.
    again = load_workbook(tmp_path / "out2" / "部门整体支出绩效自评表.checked.xlsx", read_only=True)
    assert [name for name in again.sheetnames if name.startswith("校验结果")] == ["校验结果"]


def test_modified_or_not_is_decided_by_the_forms_values_not_by_time_or_author(tmp_path):
    out = tmp_path / "out"
    _run("check", str(SAMPLES / "planted-total-mismatch.xlsx"), "--out", str(out))
    workbook = load_workbook(out / "planted-total-mismatch.checked.xlsx")
    workbook.properties.lastModifiedBy = "张会计"          # saved by someone, later, nothing changed
    workbook.save(tmp_path / "resaved.xlsx")
    assert not read_mark(tmp_path / "resaved.xlsx").modified
    workbook = load_workbook(out / "planted-total-mismatch.checked.xlsx")
    workbook["部门整体支出绩效自评表"]["G40"] = 94.31     # a script corrects the total within the minute,
    workbook.save(tmp_path / "edited.xlsx")               # keeping the author and the time
    assert read_mark(tmp_path / "edited.xlsx").modified


# --- 6. an output is never more readable than its input ----------------------------------------

@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_outputs_are_never_more_readable_than_the_input(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    private = folder / "private.xlsx"
    shutil.copy(SAMPLES / "planted-rate-score.xlsx", private)
    private.chmod(0o600)
    shared = folder / "shared.xlsx"
    shutil.copy(SAMPLES / "correct-form.xlsx", shared)
    shared.chmod(0o644)
    out = tmp_path / "out"
    previous = os.umask(0o022)
    try:
        _run("check", str(private), "--out", str(out))
        _run("check", str(shared), "--out", str(tmp_path / "out-shared"))
    finally:
        os.umask(previous)
    mode = lambda path: stat.S_IMODE(path.stat().st_mode)  # noqa: E731
    assert mode(out / "private.checked.xlsx") == 0o600
    for name in ("summary.xlsx", "report.json", "report.html", ".evaluator-manifest.json"):
        assert mode(out / name) == 0o600, name
    assert mode(tmp_path / "out-shared" / "shared.checked.xlsx") == 0o644
    assert mode(tmp_path / "out-shared" / "summary.xlsx") == 0o644


def test_a_changed_file_says_which_result_it_replaced(tmp_path):
    folder, out = tmp_path / "in", tmp_path / "out"
    folder.mkdir()
    shutil.copy(SAMPLES / "planted-rate-score.xlsx", folder / "form.xlsx")
    _run("check", str(folder), "--out", str(out))
    earlier = json.loads((out / ".evaluator-manifest.json").read_text("utf-8"))["files"]["form.xlsx"]
    shutil.copy(SAMPLES / "correct-form.xlsx", folder / "form.xlsx")
    (entry,) = json.loads(_run("check", str(folder), "--out", str(out), "--format", "json").stdout)["files"]
    assert entry["replaced"] == {"sha256": earlier["sha256"], "checked_at": earlier["checked"]}
    (again,) = json.loads(_run("check", str(folder), "--out", str(out), "--format", "json", "--force").stdout)["files"]
    assert "replaced" not in again   # the same content checked again replaces nothing
