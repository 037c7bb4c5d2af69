"""A report that cannot replace its file (open in Excel, no permission, a full disk) stops nothing:
the other reports are written, stdout carries the report, one message says what happened, exit 3."""

from __future__ import annotations

import errno
import json
import os
from pathlib import Path

import openpyxl
from click.testing import CliRunner

from conftest import SAMPLES
from evaluator.cli import REPORT_NOT_REPLACED, main
from evaluator.outputs import atomic


def _check(out: Path, *extra: str):
    return CliRunner().invoke(main, ["check", str(SAMPLES / "planted-rate-score.xlsx"), "--out", str(out),
                                     "--format", "json", *extra], catch_exceptions=False)


def _refuse(monkeypatch, name: str, error: int):
    real = os.replace

    def replace(source, destination, *args, **kwargs):
        if Path(destination).name == name or (error == errno.ENOSPC and Path(destination).stem.startswith(
                Path(name).stem)):
            raise OSError(error, os.strerror(error), str(destination))
        return real(source, destination, *args, **kwargs)

    monkeypatch.setattr(atomic.os, "replace", replace)


def test_a_summary_held_open_is_written_beside_it_and_said_once(tmp_path, monkeypatch):
    out = tmp_path / "out"
    first = _check(out)
    assert first.exit_code == 1
    before = (out / "summary.xlsx").read_bytes()
    _refuse(monkeypatch, "summary.xlsx", errno.EACCES)   # what Windows says of a file open in Excel
    result = _check(out)
    assert result.exit_code == REPORT_NOT_REPLACED == 3
    report = json.loads(result.stdout)                    # stdout still carries the report
    assert report == json.loads((out / "report.json").read_text("utf-8"))
    assert (out / "summary.xlsx").read_bytes() == before
    beside = out / "summary (1).xlsx"
    rows = list(openpyxl.load_workbook(beside)["汇总"].iter_rows(min_row=2, values_only=True))
    assert len(rows) == len(report["files"])
    lines = [line for line in result.stderr.splitlines() if "无法替换" in line]
    assert len(lines) == 1 and "summary.xlsx" in lines[0] and "summary (1).xlsx" in lines[0]
    assert ".~tmp" not in result.stderr and "Error" not in result.stderr
    assert not list(out.glob(".~tmp-*"))


def test_a_full_disk_keeps_the_other_reports_and_says_which_one_is_missing(tmp_path, monkeypatch):
    out = tmp_path / "out"
    _refuse(monkeypatch, "summary.xlsx", errno.ENOSPC)
    result = _check(out, "--quiet")
    assert result.exit_code == 3
    assert json.loads(result.stdout)["summary"]["forms"] == 1
    assert (out / "report.json").is_file() and (out / "report.html").is_file()
    assert not (out / "summary.xlsx").exists() and not (out / "summary (1).xlsx").exists()
    assert "summary.xlsx 未能写入（磁盘已满）" in result.stderr
    assert not list(out.glob(".~tmp-*"))


def test_a_folder_in_the_way_of_a_report_is_a_real_case_of_the_same(tmp_path):
    out = tmp_path / "out"
    (out / "report.html").mkdir(parents=True)
    result = _check(out)
    assert result.exit_code == 3
    assert (out / "report (1).html").is_file() and (out / "summary.xlsx").is_file()
    assert "report (1).html" in result.stderr
