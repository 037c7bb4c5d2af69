"""Read coverage where people read results, and a form not wholly read is never 通过 (issue 15):
the text line, the JSON entry and summary, summary.xlsx, report.html and the annotated copy's
校验结果 sheet."""

from __future__ import annotations

import json
import random
import shutil
from pathlib import Path

import openpyxl
from click.testing import CliRunner

from evaluator.cli import main
from test_project_layouts import random_form, render

SAMPLES = Path(__file__).resolve().parent.parent / "sample_workbooks"


def _inbox(tmp_path: Path) -> Path:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copy(SAMPLES / "project-national.xlsx", inbox / "whole.xlsx")
    path = inbox / "partly.xlsx"
    render(random_form(random.Random(3), "plain"), "plain", path)
    wb = openpyxl.load_workbook(path)
    for cell in wb.active[9]:
        if cell.value == "得分":
            cell.value = "评分结果"          # a score column no edition knows: the table is not read
    wb.save(path)
    return inbox


def _run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_coverage_in_json_and_text_and_a_partly_read_form_never_passes(tmp_path):
    inbox = _inbox(tmp_path)
    report = json.loads(_run("check", str(inbox), "--format", "json").stdout)
    entries = {Path(entry["path"]).name: entry for entry in report["files"]}
    whole, partly = entries["whole.xlsx"], entries["partly.xlsx"]
    assert whole["status"] == "ok"
    assert whole["coverage"] == {"indicators_read": 9, "indicators_judged": 9, "points_read": "100",
                                 "points_total": "100", "not_read": []}
    assert partly["status"] == "findings" and partly["counts"]["warning"] >= 1
    assert partly["coverage"]["indicators_read"] == 0 and partly["coverage"]["points_read"] == "10"
    assert "评分结果" in partly["coverage"]["not_read"][0]["why"]
    assert report["summary"]["ok"] == 1
    text = _run("check", str(inbox)).stdout
    assert "读取 9 项指标，计 100/100 分" in text
    assert "读取 0 项指标，计 10/100 分" in text
    assert text.count("通过：未发现问题") == 1


def test_coverage_in_summary_report_and_annotated_copy(tmp_path):
    inbox, out = _inbox(tmp_path), tmp_path / "out"
    _run("check", str(inbox), "--out", str(out), "-q")
    summary = openpyxl.load_workbook(out / "summary.xlsx")["汇总"]
    header = [cell.value for cell in summary[1]]
    rows = {row[header.index("文件")]: row for row in summary.iter_rows(min_row=2, values_only=True)}
    partly = next(row for name, row in rows.items() if name.endswith("partly.xlsx"))
    assert partly[header.index("状态")] != "通过"
    assert partly[header.index("读取情况")].startswith("读取 0 项指标，计 10/100 分；未读取：")
    html = (out / "report.html").read_text("utf-8")
    assert "读取情况" in html and "读取 9 项指标，计 100/100 分" in html
    copy = next(out.rglob("partly*.checked.xlsx"))
    sheet = openpyxl.load_workbook(copy)["校验结果"]
    values = [cell.value for row in sheet.iter_rows() for cell in row if cell.value is not None]
    assert "读取情况" in values and any(str(v).startswith("读取 0 项指标") for v in values)
    assert "form-partly-read" in values
