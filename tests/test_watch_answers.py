"""The hot folder answers as check does: --fix writes the corrected copy, a PDF dropped in the inbox
is an other file, and a summary.xlsx held open in Excel is written beside it while the watcher goes on."""

from __future__ import annotations

import errno
import json
import logging
import os
import shutil
from pathlib import Path

import openpyxl
from click.testing import CliRunner

from conftest import SAMPLES
from evaluator.cli import REPORT_NOT_REPLACED, main
from evaluator.families import load_definitions
from evaluator.outputs import atomic
from evaluator.runner.parallel import Stop
from evaluator.runner.watch import Watcher, WatchOptions


def _watch_once(inbox: Path, out: Path, *extra: str):
    return CliRunner().invoke(main, ["watch", str(inbox), "--out", str(out), "--once", "--interval", "0",
                                     "--format", "json", *extra], catch_exceptions=False)


def _inbox(tmp_path: Path) -> tuple[Path, Path]:
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    inbox.mkdir()
    shutil.copy(SAMPLES / "planted-rate-score.xlsx", inbox / "表.xlsx")
    return inbox, out


def test_watch_fix_writes_the_corrected_copy_beside_the_annotated_one(tmp_path):
    inbox, out = _inbox(tmp_path)
    before = (inbox / "表.xlsx").read_bytes()
    result = _watch_once(inbox, out, "--fix")
    assert result.exit_code == 1, result.output
    (entry,) = json.loads(result.stdout.splitlines()[0])["files"]
    fixed = out / "表.更正稿.xlsx"
    assert entry["corrected_copy"] == str(fixed) and (out / "表.checked.xlsx").is_file()
    assert "更正说明" in openpyxl.load_workbook(fixed).sheetnames
    assert (inbox / "表.xlsx").read_bytes() == before
    # the corrected copy, dropped in again, is clean
    shutil.copy(fixed, inbox / "表.xlsx")
    again = _watch_once(inbox, out)
    assert again.exit_code == 0, again.output
    # without --fix, no corrected copy is written
    other = tmp_path / "other"
    _watch_once(inbox, other)
    assert not list(other.glob("*.更正稿.xlsx"))


def test_a_pdf_dropped_in_the_inbox_is_answered_as_an_other_file(tmp_path):
    inbox, out = _inbox(tmp_path)
    (inbox / "说明.pdf").write_bytes(b"%PDF-1.4\n")
    (inbox / "台账.csv").write_text("项目,金额\n", encoding="utf-8")
    result = _watch_once(inbox, out, "--fail-on", "never")
    assert result.exit_code == 0, result.output
    batch = json.loads(result.stdout.splitlines()[0])
    reasons = {Path(item["path"]).name: item["reason"] for item in batch["others"]}
    assert reasons == {"说明.pdf": "不是表格文件（PDF 文档），未检查", "台账.csv": "不是表格文件（CSV 文本），未检查"}
    assert (batch["summary"]["files"], batch["summary"]["others"]) == (1, 2)
    report = json.loads((out / "report.json").read_text("utf-8"))
    assert sorted(Path(item["path"]).name for item in report["others"]) == ["台账.csv", "说明.pdf"]
    assert report["summary"]["files"] == 1 and report["summary"]["others"] == 2
    assert (inbox / "说明.pdf").is_file()          # never moved, never read


def test_a_pdf_alone_makes_a_batch_of_its_own_once_and_leaves_the_reports_when_removed(tmp_path):
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    inbox.mkdir()
    watcher = Watcher(WatchOptions(inbox=inbox, out_dir=out, interval=0, workers=1), load_definitions(), Stop())
    watcher.poll()
    (inbox / "说明.pdf").write_bytes(b"%PDF-1.4\n")
    batch = watcher.poll()
    assert batch is not None and [item["reason"] for item in batch.report["others"]] == ["不是表格文件（PDF 文档），未检查"]
    assert watcher.poll() is None                  # answered once, not every poll
    (inbox / "说明.pdf").unlink()
    assert watcher.poll() is None
    assert json.loads((out / "report.json").read_text("utf-8"))["others"] == []


def _refuse(monkeypatch, name: str):
    real = os.replace

    def replace(source, destination, *args, **kwargs):
        if Path(destination).name == name:
            raise OSError(errno.EACCES, os.strerror(errno.EACCES), str(destination))
        return real(source, destination, *args, **kwargs)

    monkeypatch.setattr(atomic.os, "replace", replace)


def test_a_summary_held_open_is_written_beside_it_and_the_watcher_goes_on(tmp_path, monkeypatch, caplog):
    inbox, out = _inbox(tmp_path)
    assert _watch_once(inbox, out).exit_code == 1
    before = (out / "summary.xlsx").read_bytes()
    _refuse(monkeypatch, "summary.xlsx")           # what Windows says of a file open in Excel
    shutil.copy(SAMPLES / "correct-form.xlsx", inbox / "新.xlsx")
    result = _watch_once(inbox, out, "--quiet")
    assert result.exit_code == REPORT_NOT_REPLACED, result.output
    assert json.loads(result.stdout.splitlines()[0])["files"]          # the batch is still printed
    assert (out / "summary.xlsx").read_bytes() == before
    rows = list(openpyxl.load_workbook(out / "summary (1).xlsx")["汇总"].iter_rows(min_row=2, values_only=True))
    assert len(rows) == 2
    assert len(json.loads((out / "report.json").read_text("utf-8"))["files"]) == 2
    (line,) = [line for line in result.stderr.splitlines() if "无法替换" in line]
    assert "summary (1).xlsx" in line and ".tmp" not in line

    # A running watcher says it once, and keeps taking files.
    watcher = Watcher(WatchOptions(inbox=inbox, out_dir=out, interval=0, workers=1), load_definitions(), Stop())
    with caplog.at_level(logging.WARNING, logger="evaluator"):
        shutil.copy(SAMPLES / "correct-form.xlsx", inbox / "再.xlsx")
        watcher.poll()
        first = watcher.poll()
        shutil.copy(SAMPLES / "correct-form.xlsx", inbox / "又.xlsx")
        watcher.poll()
        second = watcher.poll()
    assert first is not None and second is not None and second.unwritten
    said = [r.getMessage() for r in caplog.records if "无法替换" in r.getMessage()]
    assert len(said) == 1
    assert len(json.loads((out / "report.json").read_text("utf-8"))["files"]) == 4
