"""Every file of a folder is answered: a form, a workbook without a form, or not a spreadsheet."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import openpyxl
from click.testing import CliRunner

from conftest import SAMPLES
from evaluator.cli import main


def _folder(tmp_path: Path) -> Path:
    folder = tmp_path / "unit"
    folder.mkdir()
    for name in ("correct-form.xlsx", "planted-rate-score.xlsx", "2022-广州市工业和信息化局.xlsx"):
        shutil.copy(SAMPLES / name, folder / name)
    (folder / "说明.pdf").write_bytes(b"%PDF-1.4\n%\xe2\xe3\n")
    (folder / "台账.csv").write_text("项目,金额\nA,1\n", encoding="utf-8")
    (folder / "报告.docx").write_bytes(b"PK\x03\x04 not really a document")
    return folder


def test_three_forms_and_three_other_files_are_each_answered(tmp_path):
    folder = _folder(tmp_path)
    result = CliRunner().invoke(main, ["check", str(folder), "--format", "json"], catch_exceptions=False)
    report = json.loads(result.stdout)
    assert (report["summary"]["files"], report["summary"]["forms"], report["summary"]["others"]) == (3, 3, 3)
    reasons = {Path(item["path"]).name: item["reason"] for item in report["others"]}
    assert reasons == {"说明.pdf": "不是表格文件（PDF 文档），未检查", "台账.csv": "不是表格文件（CSV 文本），未检查",
                       "报告.docx": "不是表格文件（Word 文档），未检查"}
    assert len(report["files"]) == 3 and report["skipped"] == []

    text = CliRunner().invoke(main, ["check", str(folder)], catch_exceptions=False).stdout
    assert "3 份表：" in text and "另有 3 个其他文件（不是表格文件）" in text
    for name in reasons:
        assert f"{folder / name}\n  不是表格文件" in text


def test_a_workbook_without_a_form_is_counted_apart_from_forms(tmp_path):
    folder = tmp_path / "mixed"
    folder.mkdir()
    shutil.copy(SAMPLES / "correct-form.xlsx", folder / "form.xlsx")
    book = openpyxl.Workbook()
    book.active["A1"] = "会议签到表"
    book.save(folder / "签到.xlsx")
    report = json.loads(CliRunner().invoke(main, ["check", str(folder), "--format", "json"]).stdout)
    summary = report["summary"]
    assert (summary["files"], summary["forms"], summary["no_form"], summary["ok"]) == (2, 1, 1, 1)
    text = CliRunner().invoke(main, ["check", str(folder)]).stdout
    assert "1 份表：1 份通过" in text and "另有 1 个工作簿中未找到自评表" in text


def test_other_files_are_listed_in_every_report(tmp_path):
    folder = _folder(tmp_path)
    out = tmp_path / "out"
    CliRunner().invoke(main, ["check", str(folder), "--out", str(out)], catch_exceptions=False)
    page = (out / "report.html").read_text("utf-8")
    assert 'id="other-files"' in page and "说明.pdf" in page and "另有 3 个其他文件" in page
    sheet = openpyxl.load_workbook(out / "summary.xlsx")["未读取"]
    assert {Path(row[0]).name for row in sheet.iter_rows(min_row=2, values_only=True) if row[0]} >= {
        "说明.pdf", "台账.csv", "报告.docx"}
    assert json.loads((out / "report.json").read_text("utf-8"))["summary"]["others"] == 3


def test_our_own_output_renamed_is_named_as_skipped_at_the_default_verbosity(tmp_path):
    out = tmp_path / "out"
    CliRunner().invoke(main, ["check", str(SAMPLES / "planted-rate-score.xlsx"), "--out", str(out)])
    folder = tmp_path / "returned"
    folder.mkdir()
    shutil.copy(out / "planted-rate-score.checked.xlsx", folder / "单位A-最终版.xlsx")
    result = CliRunner().invoke(main, ["check", str(folder), "--format", "json"])
    report = json.loads(result.stdout)
    assert report["files"] == []
    (item,) = report["skipped"]
    assert Path(item["path"]).name == "单位A-最终版.xlsx" and "本工具写出" in item["reason"]
    assert "单位A-最终版.xlsx" in result.stderr and "未修改" in result.stderr


def test_a_file_named_on_the_command_line_that_is_not_a_spreadsheet_is_an_other_file(tmp_path):
    """`evaluator check 说明.pdf` answers it as in a folder, not as an unreadable workbook; nothing
    failed, so the exit code is 0 (a workbook that cannot be read is still an error)."""
    folder = _folder(tmp_path)
    pdf, form = folder / "说明.pdf", folder / "planted-rate-score.xlsx"
    result = CliRunner().invoke(main, ["check", str(pdf), str(form), "--format", "json"], catch_exceptions=False)
    report = json.loads(result.stdout)
    assert report["others"] == [{"path": str(pdf), "reason": "不是表格文件（PDF 文档），未检查"}]
    assert [Path(entry["path"]).name for entry in report["files"]] == ["planted-rate-score.xlsx"]
    assert (report["summary"]["files"], report["summary"]["others"], report["summary"]["unreadable"]) == (1, 1, 0)
    assert result.exit_code == 1            # the form's error, not the PDF
    alone = CliRunner().invoke(main, ["check", str(pdf)], catch_exceptions=False)
    assert alone.exit_code == 0
    assert "不是表格文件（PDF 文档），未检查" in alone.stdout and "无法读取" not in alone.stdout.split("\n")[1]
    assert f"{pdf}：不是表格文件（PDF 文档），未检查" in alone.stderr
    broken = folder / "坏.xlsx"
    broken.write_bytes(b"not a zip")
    assert CliRunner().invoke(main, ["check", str(broken)], catch_exceptions=False).exit_code == 1
