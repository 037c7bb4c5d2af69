"""The run summary files: summary.xlsx read back with pandas, report.html parsed, report.json."""

from __future__ import annotations

import io
import json
import math
import os
import re
import shutil
from dataclasses import replace
from decimal import Decimal, InvalidOperation
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote

import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner
from inert import HOSTILE as HOSTILE_TEXTS
from inert import assert_html_inert, assert_no_new_formulas
from openpyxl.utils import get_column_letter

from evaluator.cli import main
from evaluator.families import load_definitions
from evaluator.families.base import CheckedForm, Grades, Totals
from evaluator.findings import CellRef, Finding, Severity
from evaluator.outputs import annotate
from evaluator.outputs.annotate import annotated_workbook
from evaluator.outputs.reporters import common
from evaluator.outputs.reporters import REPORTERS, write_reports
from evaluator.outputs.reporters import html as html_reporter
from evaluator.outputs.reporters.json import assemble
from evaluator.runner.engine import check_file

SAMPLES = Path(__file__).resolve().parent.parent / "sample_workbooks"
HOSTILE = "=HYPERLINK(\"http://example.invalid\",\"点我\")"


def _entry(path: str, **changes) -> dict:
    entry = {
        "path": path, "status": "ok", "form": "部门整体支出绩效自评表", "sheet": "部门整体支出绩效自评表",
        "department": "广州市工业和信息化局", "year": 2022,
        "total": {"declared": "94.31", "recomputed": "94.31"}, "grade": {"declared": "优", "computed": "优"},
        "findings": [], "counts": {"error": 0, "warning": 0, "info": 0}, "annotated": None,
    }
    entry.update(changes)
    return entry


def _finding(message: str, severity: str = "error", **changes) -> dict:
    finding = {"rule": "total-mismatch", "severity": severity, "sheet": "部门整体支出绩效自评表", "cell": "G40",
               "indicator": "总分", "expected": "94.31", "actual": "95.31", "message": message, "arithmetic": None}
    finding.update(changes)
    return finding


@pytest.fixture(scope="module")
def checked(tmp_path_factory):
    """One real run over three sample forms and a file that is not a workbook."""
    root = tmp_path_factory.mktemp("run")
    inbox, out = root / "inbox", root / "out"
    (inbox / "sub").mkdir(parents=True)
    shutil.copy(SAMPLES / "correct-form.xlsx", inbox / "correct.xlsx")
    shutil.copy(SAMPLES / "planted-rate-score.xlsx", inbox / "sub" / "rate score #1.xlsx")
    shutil.copy(SAMPLES / "2022-广州市工业和信息化局.xlsx", inbox / "广州.xlsx")
    (inbox / "broken.xlsx").write_bytes(b"PK\x03\x04 a damaged workbook")
    result = CliRunner().invoke(main, ["check", str(inbox), "--out", str(out), "--format", "json"],
                                catch_exceptions=False)
    assert result.exit_code == 1, result.output
    return out, json.loads(result.stdout)


def test_report_json_is_the_stdout_contract(checked):
    out, stdout_report = checked
    assert json.loads((out / "report.json").read_text("utf-8")) == stdout_report
    summary = stdout_report["summary"]
    assert {key: summary[key] for key in ("files", "ok", "with_errors", "unreadable")} == {
        "files": 4, "ok": 1, "with_errors": 1, "unreadable": 1}


def _header(sheet, row: int = 1) -> dict[str, int]:
    """Column number of each header title of a sheet's table."""
    return {cell.value: cell.column for cell in sheet[row] if cell.value is not None}


def test_summary_workbook_has_one_row_per_file(checked):
    out, report = checked
    frame = pd.read_excel(out / "summary.xlsx", sheet_name="汇总", engine="openpyxl")
    # No project form in this run: no project columns.
    assert list(frame.columns) == ["文件", "工作表", "类别", "版本", "部门", "年度", "状态", "申报总分", "复核总分",
                                   "更正后总分", "差额（更正后 − 申报）", "差额（申报 − 复核）",
                                   "申报等级", "应得等级", "更正后等级", "读取情况", "错误", "警告", "提示", "批注副本"]
    assert len(frame) == len(report["files"]) == 4
    rows = {Path(path).name: row for path, row in zip(frame["文件"], frame.to_dict("records"))}
    rate = rows["rate score #1.xlsx"]
    assert (rate["状态"], rate["申报总分"], rate["复核总分"], rate["错误"], rate["警告"]) == ("有错误", 94.21, 94.21, 2, 0)
    # The differences, exact: 更正后 94.31 − 申报 94.21, and 申报 − 复核 (the total adds up).
    assert (rate["差额（更正后 − 申报）"], rate["差额（申报 − 复核）"]) == (0.1, 0)
    assert rows["correct.xlsx"]["差额（更正后 − 申报）"] == 0 and pd.isna(rows["broken.xlsx"]["差额（更正后 − 申报）"])
    assert (rate["部门"], rate["年度"], rate["申报等级"], rate["应得等级"]) == ("广州市工业和信息化局", 2022, "优", "优")
    assert (rate["类别"], rate["版本"]) == ("部门整体支出", "部门整体支出绩效自评表（guangzhou-department-2022）")
    assert rows["correct.xlsx"]["状态"] == "通过"
    assert rows["correct.xlsx"]["读取情况"] == "读取 28 项指标，计 100/100 分"
    assert rows["broken.xlsx"]["状态"] == "无法读取" and rows["broken.xlsx"]["错误"] == 1
    assert pd.isna(rows["broken.xlsx"]["批注副本"])
    assert rows["广州.xlsx"]["警告"] == 1 and rows["广州.xlsx"]["状态"] == "有警告"

    findings = pd.read_excel(out / "summary.xlsx", sheet_name="问题清单", engine="openpyxl")
    assert len(findings) == sum(len(row["findings"]) for row in report["files"])
    rate_rows = findings[findings["规则代号"] == "rate-score"]
    assert list(rate_rows["规则"]) == ["按比例计分的得分不符"]
    assert (rate_rows["申报值"].iloc[0], rate_rows["应为"].iloc[0]) == (4.52, 4.62)


def test_summary_workbook_layout_and_links(checked):
    out, _ = checked
    book = openpyxl.load_workbook(out / "summary.xlsx")
    assert book.sheetnames == ["汇总", "问题清单", "统计", "说明"]
    sheet = book["汇总"]
    columns = _header(sheet)
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:{get_column_letter(len(columns))}{sheet.max_row}"
    assert all(cell.font.bold for cell in sheet[1])
    widths = {letter: dim.width for letter, dim in sheet.column_dimensions.items()}
    assert 8 <= min(widths.values()) and max(widths.values()) <= 60
    assert widths["A"] > widths[get_column_letter(columns["错误"])]  # the path column is wider than a count column
    links = [row[columns["批注副本"] - 1].hyperlink for row in sheet.iter_rows(min_row=2)
             if row[columns["批注副本"] - 1].hyperlink is not None]
    assert len(links) == 3
    for link in links:
        assert not link.target.startswith(("/", "file:")), "links are relative to the summary"
        assert (out / unquote(link.target)).is_file()
    # Numbers are numbers; the status cell is coloured by what the form has.
    for row in sheet.iter_rows(min_row=2):
        total = row[columns["复核总分"] - 1]
        assert isinstance(total.value, (int, float)) or total.value in (None, "—")
        assert row[columns["错误"] - 1].data_type == "n"
        status = row[columns["状态"] - 1]
        colour = {"通过": "E2F0D9", "有错误": "FFC7CE", "有警告": "FFEB9C", "无法读取": "D9D9D9"}[status.value]
        assert status.fill.start_color.rgb.endswith(colour)
    # Every sheet prints legibly on A4 landscape: at 60 % or more (never fitted to one page wide),
    # its header rows repeated, page numbers and the run's date in the footer.
    for sheet in book.worksheets:
        assert sheet.page_setup.orientation == "landscape" and int(sheet.page_setup.paperSize) == int(sheet.PAPERSIZE_A4)
        assert not sheet.sheet_properties.pageSetUpPr.fitToPage and int(sheet.page_setup.scale) >= 60
        assert sheet.print_title_rows, sheet.title
        assert "&P" in sheet.oddFooter.center.text and "&N" in sheet.oddFooter.center.text
        assert sheet.oddFooter.right.text.startswith("运行日期 20")
    diff = sheet = book["汇总"]
    diff = sheet.cell(row=2, column=columns["差额（更正后 − 申报）"])
    assert diff.number_format == "+0.00;-0.00;0.00" and diff.style == "evaluator-diff"
    # The status legend explains 申报 / 复核 / 更正后.
    legend = [row[0] for row in book["说明"].iter_rows(min_row=5, values_only=True)]
    assert {"申报", "复核", "更正后", "差额（更正后 − 申报）", "通过", "有错误"} <= set(legend)


def test_findings_list_links_to_the_flagged_cell_of_each_copy(checked):
    out, report = checked
    sheet = openpyxl.load_workbook(out / "summary.xlsx")["问题清单"]
    columns = _header(sheet)
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:{get_column_letter(len(columns))}{sheet.max_row}"
    expected = [(entry["annotated"], finding) for entry in report["files"] for finding in entry["findings"]]
    rows = list(sheet.iter_rows(min_row=2))
    assert len(rows) == len(expected)
    for row, (annotated, finding) in zip(rows, expected):
        link = row[columns["单元格"] - 1].hyperlink
        if annotated is None:   # an unreadable file has no copy and no cell
            assert link is None
            continue
        assert link.location == f"'{finding['sheet']}'!{finding['cell']}"
        assert (out / unquote(link.target)).resolve() == Path(annotated).resolve()
        assert row[columns["规则代号"] - 1].value == finding["rule"]
        assert row[columns["规则"] - 1].value != finding["rule"]   # the Chinese title
        severity = row[columns["严重程度"] - 1]
        assert severity.fill.start_color.rgb.endswith({"错误": "FFC7CE", "警告": "FFEB9C", "提示": "DDEBF7"}[severity.value])
        for column, key in (("申报值", "actual"), ("应为", "expected")):
            value = row[columns[column] - 1].value
            try:
                number = Decimal(finding[key])
            except (InvalidOperation, TypeError):
                assert value == finding[key] or (value is None and finding[key] is None)
            else:
                assert isinstance(value, (int, float)) and Decimal(str(value)) == number


def test_summary_statistics_sheet_has_tables_and_charts(checked):
    out, report = checked
    book = openpyxl.load_workbook(out / "summary.xlsx")
    sheet = book["统计"]
    assert sheet.freeze_panes == "A4"
    assert len(sheet._charts) >= 2
    assert all(chart.tagname == "barChart" for chart in sheet._charts)
    tables = {name: sheet.tables[name].ref for name in sheet.tables}
    assert set(tables) == {"stats_rules", "stats_departments", "stats_families", "stats_totals", "stats_total_summary",
                           "stats_grades"}
    assert {ref.split(":")[0][-1] for ref in tables.values()} == {"3"}   # every header on the frozen row
    assert all(sheet.tables[name].autoFilter is not None for name in tables)
    first, last = tables["stats_rules"].split(":")
    frame = pd.read_excel(out / "summary.xlsx", sheet_name="统计", header=2, usecols="A:F",
                          nrows=int(last[1:]) - 3, engine="openpyxl")
    by_rule = {row["规则代号"]: row for row in frame.to_dict("records")}
    counted = {}
    for entry in report["files"]:
        for finding in entry["findings"]:
            counted[finding["rule"]] = counted.get(finding["rule"], 0) + 1
    assert {rule: row["合计"] for rule, row in by_rule.items()} == counted
    assert by_rule["rate-score"]["规则"] == "按比例计分的得分不符" and by_rule["rate-score"]["错误"] == 1


def _project_entry(**changes) -> dict:
    """A checked project form as the JSON contract gives it (the project family is written beside this)."""
    entry = _entry(
        "项目/2023-校园安全改造.xlsx", status="findings", family="project", edition="project-national",
        form="项目支出绩效自评表", sheet="项目自评", department="市教育局", year=2023,
        facts={"project_name": "校园安全改造工程", "department": "市教育局", "unit": "第一中学",
               "money_unit": "万元",
               "funds": {"initial": "1200", "budget": "1300.5", "spent": "1200.46", "rate": "0.9231",
                         "weight": "10", "score": "9.23"}},
        total={"declared": "88.5", "recomputed": "88.5", "corrected": "89.03"}, grade=None,
        findings=[_finding("年度资金总额：得分应为 9.23", rule="rate-score", cell="H7", sheet="项目自评",
                           indicator="年度资金总额", expected="9.23", actual="8.7", expected_of="score",
                           related=[{"sheet": "项目自评", "cell": "G7"}],
                           alternatives=[{"method": "执行率 × 分值（按填写的执行率）", "expected": "9.2"}],
                           expected_range=None),
                  _finding("满意度：得分不在 80%–100% 的分值范围内", rule="target-score", severity="warning",
                           cell="G20", sheet="项目自评", indicator="服务对象满意度", expected="8",
                           actual="5", expected_of="score", expected_range={"min": "8", "max": "10"})],
        counts={"error": 1, "warning": 1, "info": 0})
    entry.update(changes)
    return entry


def test_summary_workbook_shows_project_facts_and_corrected_totals(tmp_path):
    data = assemble([_project_entry(), _entry("a.xlsx", family="department", edition="guangzhou-department-2022",
                                              total={"declared": "95.31", "recomputed": "94.31", "corrected": "94.31"})])
    write_reports(data, tmp_path)
    book = openpyxl.load_workbook(tmp_path / "summary.xlsx")
    sheet = book["汇总"]
    columns = _header(sheet)
    for title in ("类别", "版本", "项目名称", "实施单位", "金额单位", "年初预算数", "全年预算数", "全年执行数",
                  "执行率", "资金分值", "资金得分", "更正后总分", "更正后等级"):
        assert title in columns, title
    project, department = list(sheet.iter_rows(min_row=2, values_only=False))
    value = {title: project[column - 1] for title, column in columns.items()}
    assert (value["类别"].value, value["版本"].value, value["项目名称"].value) == ("项目支出", "项目支出绩效自评表（全国通用）（project-national）", "校园安全改造工程")
    assert (value["部门"].value, value["实施单位"].value, value["金额单位"].value) == ("市教育局", "第一中学", "万元")
    assert value["全年预算数"].value == 1300.5 and value["全年预算数"].number_format == "#,##0.00"
    assert value["执行率"].value == pytest.approx(0.9231) and value["执行率"].number_format == "0.00%"
    assert value["更正后总分"].value == 89.03 and value["申报总分"].value == 88.5
    assert value["申报等级"].value == "—" and value["更正后等级"].value == "—"   # the form prints no grade
    assert department[columns["更正后总分"] - 1].value == 94.31
    assert department[columns["项目名称"] - 1].value is None
    findings = book["问题清单"]
    columns = _header(findings)
    first = [cell.value for cell in findings[2]]
    assert first[columns["应为何值"] - 1] == "得分应为" and first[columns["相关单元格"] - 1] == "G7"
    assert first[columns["其他可接受值"] - 1] == "其他方法：执行率 × 分值（按填写的执行率） → 9.20"
    assert [cell.value for cell in findings[3]][columns["其他可接受值"] - 1] == "应在 8.00 至 10.00 之间"
    assert first[columns["规则"] - 1] == "按比例计分的得分不符"


def _checked_sample(name: str, **form_changes):
    """A sample checked for real, its first form changed as given (fields the checks fill elsewhere)."""
    result = check_file(SAMPLES / name, load_definitions())
    result.forms[0] = replace(result.forms[0], **form_changes)
    return result


def _rate_score_finding(**changes) -> Finding:
    ref = CellRef("部门整体支出绩效自评表", 13, 7)
    values = dict(expected=Decimal("4.62"), actual=Decimal("4.52"), expected_of="score",
                  related=[CellRef("部门整体支出绩效自评表", 13, 8)],
                  alternatives=[("按文中写的执行率", Decimal("4.6"))], expected_range=(Decimal(0), Decimal(5)))
    values.update(changes)
    return Finding.make("rate-score", Severity.ERROR, "专项资金支出率：92.31% × 5 = 4.6155 → 4.62，申报 4.52",
                        ref=ref, indicator="专项资金支出率", arithmetic="92.31% × 5 = 4.6155 → 4.62", **values)


def test_annotated_comment_says_what_to_change_in_chinese():
    deduction = Finding.make("deduction-mismatch", Severity.WARNING, "专项资金绩效完成情况：文中写“扣1分”，但 20 − 19.8 = 0.2",
                             ref=CellRef("部门整体支出绩效自评表", 12, 8), expected=Decimal("0.2"), actual=Decimal(1),
                             expected_of="deduction", related=[CellRef("部门整体支出绩效自评表", 12, 7)])
    reason = Finding.make("missing-explanation", Severity.WARNING, "资产管理合规性：失分未说明原因",
                          ref=CellRef("部门整体支出绩效自评表", 21, 8), expected_of="text",
                          related=[CellRef("部门整体支出绩效自评表", 21, 9)])
    result = _checked_sample("planted-rate-score.xlsx", findings=[_rate_score_finding(), deduction, reason])
    sheet = annotated_workbook(result)["部门整体支出绩效自评表"]
    score = sheet["G13"].comment.text
    assert score.startswith("【错误】按比例计分的得分不符（rate-score）\n专项资金支出率：")
    for line in ("得分应为：4.62", "其他方法：按文中写的执行率 → 4.60", "应在 0.00 至 5.00 之间", "相关单元格：H13"):
        assert line in score.split("\n"), line
    assert sheet["G13"].fill.start_color.rgb.endswith("FFC7CE")
    assert sheet["H13"].comment is None and not sheet["H13"].fill.start_color.rgb.endswith("FFC7CE")
    assert "扣分应为：0.20" in sheet["H12"].comment.text.split("\n")
    assert "【警告】文字所述扣分与得分不符（deduction-mismatch）" in sheet["H12"].comment.text
    assert sheet["H12"].fill.start_color.rgb.endswith("FFEB9C")
    assert "需填写" in sheet["H21"].comment.text.split("\n") and "相关单元格：I21" in sheet["H21"].comment.text
    assert "应为" not in sheet["H21"].comment.text
    # Without expected_of (a rule that does not say yet), the comment still says what the value should be.
    plain = _checked_sample("planted-rate-score.xlsx", findings=[_rate_score_finding(expected_of=None)])
    assert "应为：4.62" in annotated_workbook(plain)["部门整体支出绩效自评表"]["G13"].comment.text.split("\n")


def test_result_sheet_is_a_table_to_work_with():
    result = _checked_sample("planted-rate-score.xlsx", findings=[_rate_score_finding()],
                             total=Totals(Decimal("94.21"), Decimal("94.21"), Decimal("94.31")),
                             grade=Grades("优", "优", "优"))
    book = annotated_workbook(result)
    sheet = book["校验结果"]
    assert sheet["A2"].value.startswith("结论：有 1 处错误")
    assert "总分 申报 94.21 / 复核 94.21 / 更正后 94.31" in sheet["A2"].value
    assert "评价等级 申报 优 / 应得 优 / 更正后 优" in sheet["A2"].value
    assert sheet["A2"].fill.start_color.rgb.endswith("FFC7CE")
    assert "部门整体支出 · 部门整体支出绩效自评表（guangzhou-department-2022） · 广州市工业和信息化局 · 2022 年度" == sheet["A3"].value
    header = next(row for row in range(1, 20) if sheet.cell(row=row, column=1).value == "严重程度")
    columns = _header(sheet, header)
    assert sheet.freeze_panes == f"A{header + 1}"
    assert sheet.auto_filter.ref == f"A{header}:{get_column_letter(len(columns))}{header + 1}"
    assert sheet.print_title_rows == f"${header}:${header}"
    assert sheet.page_setup.orientation == "landscape" and sheet.page_setup.fitToWidth == 1
    row = [cell for cell in sheet[header + 1]]
    value = {title: row[column - 1] for title, column in columns.items()}
    assert (value["规则"].value, value["规则代号"].value) == ("按比例计分的得分不符", "rate-score")
    assert value["申报值"].value == Decimal("4.52") and value["应为"].value == Decimal("4.62")
    assert value["申报值"].data_type == "n" and value["应为何值"].value == "得分应为"
    assert value["相关单元格"].value == "H13"
    assert value["严重程度"].fill.start_color.rgb.endswith("FFC7CE")
    link = value["单元格"].hyperlink
    assert link.location == "'部门整体支出绩效自评表'!G13" and link.target is None   # a place in this workbook
    # The form's facts below, with the corrected total as a number; the table has its own filter.
    table = sheet.tables["evaluator_forms"]
    assert table.autoFilter is not None
    facts = {sheet.cell(row=r, column=1).value: sheet.cell(row=r, column=2).value
             for r in range(int(table.ref.split(":")[0][1:]) + 1, int(table.ref.split(":")[1][1:]) + 1)}
    assert facts["更正后总分"] == Decimal("94.31") and facts["类别"] == "部门整体支出" and facts["更正后等级"] == "优"
    # Saved and read back, the link is still a location, not a file.
    stream = io.BytesIO()
    book.save(stream)
    again = openpyxl.load_workbook(io.BytesIO(stream.getvalue()))["校验结果"]
    assert again.cell(row=header + 1, column=columns["单元格"]).hyperlink.location == "'部门整体支出绩效自评表'!G13"
    assert again.cell(row=header + 1, column=columns["单元格"]).hyperlink.target is None


def test_result_sheet_shows_a_project_forms_facts():
    project = CheckedForm(
        family="project", edition="project-national", title="项目支出绩效自评表", sheet="部门整体支出绩效自评表",
        findings=[_rate_score_finding(expected_range=None, alternatives=())], department="市教育局", year=2023,
        facts={"project_name": "校园安全改造工程", "department": "市教育局", "unit": "第一中学", "money_unit": "万元",
               "funds": {"initial": "1200", "budget": "1300.5", "spent": "1200.46", "rate": "0.9231",
                         "weight": "10", "score": "9.23"}})
    result = check_file(SAMPLES / "planted-rate-score.xlsx", load_definitions())
    result.forms = [project]
    sheet = annotated_workbook(result)["校验结果"]
    assert "总分 —" in sheet["A2"].value   # the form prints no total
    assert sheet["A3"].value == ("项目支出 · 项目支出绩效自评表（全国通用）（project-national） · 项目名称：校园安全改造工程 · 主管部门：市教育局 · "
                                 "实施单位：第一中学 · 2023 年度 · 全年预算数 1,300.50，全年执行数 1,200.46，执行率 92.31%（万元）")
    table = sheet.tables["evaluator_forms"]
    first, last = (int(corner[1:]) for corner in table.ref.split(":"))
    facts = {sheet.cell(row=r, column=1).value: sheet.cell(row=r, column=2) for r in range(first + 1, last + 1)}
    assert facts["项目名称"].value == "校园安全改造工程" and facts["实施单位"].value == "第一中学"
    assert facts["执行率"].value == Decimal("0.9231") and facts["执行率"].number_format == "0.00%"
    assert facts["全年执行数"].value == Decimal("1200.46") and facts["全年执行数"].number_format == "#,##0.00"
    assert facts["申报总分"].value == "—" and facts["申报等级"].value == "—"


def _printed_width(sheet, cell) -> float:
    """The width a cell's text has: its column's, or its merged range's whole width."""
    widths = lambda first, last: sum(sheet.column_dimensions[get_column_letter(col)].width or 8.43  # noqa: E731
                                     for col in range(first, last + 1))
    for merged in sheet.merged_cells.ranges:
        if merged.min_row == cell.row and merged.min_col == cell.column:
            return widths(merged.min_col, merged.max_col)
    return widths(cell.column, cell.column)


def test_result_sheet_prints_legibly_on_a4():
    """校验结果 prints on A4 landscape one page wide at about 80 % or more (its columns are not too
    wide for that), its header row repeated on every page, page numbers in the footer; a text wider
    than its cell wraps in a row tall enough for its lines (it never runs over the next row), and the
    lines above the table are spread over the table's width."""
    project = CheckedForm(
        family="project", edition="project-national", title="项目支出绩效自评表", sheet="部门整体支出绩效自评表",
        findings=[_rate_score_finding(expected_range=None, alternatives=())], department="市教育局", year=2023,
        facts={"project_name": "校园安全改造工程及配套附属设施建设项目（二期）", "department": "市教育局",
               "unit": "第一中学", "money_unit": "万元",
               "funds": {"initial": "1200", "budget": "1300.5", "spent": "1200.46", "rate": "0.9231",
                         "weight": "10", "score": "9.23"}})
    result = check_file(SAMPLES / "planted-rate-score.xlsx", load_definitions())
    result.forms = [project]
    sheet = annotated_workbook(result)["校验结果"]
    header = next(row for row in range(1, 20) if sheet.cell(row=row, column=1).value == "严重程度")
    columns = _header(sheet, header)
    assert sheet.page_setup.orientation == "landscape" and int(sheet.page_setup.paperSize) == int(sheet.PAPERSIZE_A4)
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert (sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight) == (1, 0)
    width = sum(sheet.column_dimensions[get_column_letter(col)].width for col in columns.values())
    assert 100 * common.PAGE_WIDTH_UNITS / width >= 80, width
    assert sheet.print_title_rows == f"${header}:${header}"
    assert "&P" in sheet.oddFooter.center.text and "&N" in sheet.oddFooter.center.text
    assert sheet.oddFooter.right.text == "planted-rate-score.xlsx"
    assert {str(merged) for merged in sheet.merged_cells.ranges} >= {
        f"A{row}:{get_column_letter(len(columns))}{row}" for row in range(1, header - 1)}
    wide = 0
    for row in sheet.iter_rows():
        for cell in row:
            if not isinstance(cell.value, str) or type(cell).__name__ == "MergedCell":
                continue
            size = cell.font.sz or 11
            needed = math.ceil(common.display_width(cell.value) * size / 11 / _printed_width(sheet, cell))
            if needed > 1:
                wide += 1
                assert cell.alignment.wrap_text, cell.coordinate
                height = sheet.row_dimensions[cell.row].height
                assert height is not None and height >= 15 * needed * size / 11, (cell.coordinate, cell.value)
    assert wide >= 5   # the 版本, the project's name, the facts line, the message, the arithmetic
    version = next(r for r in range(1, sheet.max_row + 1) if sheet.cell(row=r, column=1).value == "版本")
    assert sheet.cell(row=version, column=2).value == "项目支出绩效自评表（全国通用）（project-national）"
    assert sheet.row_dimensions[version].height >= 45


def test_the_file_name_in_the_result_sheets_footer_is_plain_text():
    """``&`` starts a footer code (``&P`` is the page number): the name's own is doubled; a bidi
    override or a newline never reaches the footer, and a long name is cut short."""
    assert annotate._footer_name("R&D 2023.xlsx") == "R&&D 2023.xlsx"
    assert annotate._footer_name("a\u202eb\nc.xlsx") == "ab?c.xlsx"
    long = annotate._footer_name("长" * 300 + ".xlsx")
    assert len(long) == annotate.FOOTER_NAME_MAX and long.endswith("…")


def test_result_sheet_lines_up_the_facts_of_forms_of_two_families():
    result = check_file(SAMPLES / "planted-rate-score.xlsx", load_definitions())
    department = result.forms[0]
    project = CheckedForm(family="project", edition="project-national", title="项目支出绩效自评表", sheet="项目",
                          findings=[], department="市教育局", year=2023,
                          facts={"project_name": "校园安全改造工程", "department": "市教育局", "unit": "第一中学",
                                 "money_unit": "万元", "funds": {"rate": "0.9231", "score": "9.23"}})
    result.forms = [department, project]
    sheet = annotated_workbook(result)["校验结果"]
    first, last = (int(corner[1:]) for corner in sheet.tables["evaluator_forms"].ref.split(":"))
    rows = {sheet.cell(row=r, column=1).value: (sheet.cell(row=r, column=2).value, sheet.cell(row=r, column=3).value)
            for r in range(first + 1, last + 1)}
    assert rows["部门"] == ("广州市工业和信息化局", "市教育局") and rows["年度"] == (2022, 2023)
    assert rows["项目名称"] == ("—", "校园安全改造工程") and rows["执行率"] == ("—", Decimal("0.9231"))
    assert rows["复核总分"] == (Decimal("94.21"), "—") and rows["错误"] == (2, 0)
    assert list(rows)[-3:] == ["错误", "警告", "提示"]


def test_result_sheet_of_a_clean_form_and_of_several_forms(checked):
    out, _ = checked
    clean = openpyxl.load_workbook(out / "correct.checked.xlsx")["校验结果"]
    assert clean["A2"].value.startswith("结论：未发现问题")
    assert clean["A2"].fill.start_color.rgb.endswith("E2F0D9")
    header = next(row for row in range(1, 20) if clean.cell(row=row, column=1).value == "严重程度")
    assert clean.freeze_panes == f"A{header + 1}" and clean.auto_filter.ref == f"A{header}:L{header + 1}"
    assert clean.cell(row=header + 1, column=1).value == "未发现问题"

    result = check_file(SAMPLES / "planted-rate-score.xlsx", load_definitions())
    second = replace(result.forms[0], sheet="另一张表", department="广州市财政局", findings=[])
    result.forms.append(second)
    sheet = annotated_workbook(result)["校验结果"]
    assert sheet["A3"].value == "共 2 张表（部门整体支出 2 张），各表的总分和概况见问题清单下方"
    table = sheet.tables["evaluator_forms"]
    first, last = table.ref.split(":")
    assert last[0] == "C"   # 项目, then one column per form
    assert sheet["A3"].hyperlink.location == f"'校验结果'!{first}"
    assert [sheet[f"{col}{first[1:]}"].value for col in "ABC"] == ["项目", "部门整体支出绩效自评表", "另一张表"]


def test_summary_workbook_text_is_inert(tmp_path):
    data = assemble([_entry("a.xlsx", department=HOSTILE, status="findings",
                            findings=[_finding("+1 分，@SUM(A1)", indicator="-负数")],
                            counts={"error": 1, "warning": 0, "info": 0})])
    path = tmp_path / "summary.xlsx"
    with path.open("wb") as stream:
        REPORTERS["xlsx"](data, stream, tmp_path)
    book = openpyxl.load_workbook(path)
    department = book["汇总"].cell(row=2, column=_header(book["汇总"])["部门"])
    assert department.value == HOSTILE and department.data_type == "s"
    cells = {cell.value: cell for row in book["问题清单"].iter_rows(min_row=2) for cell in row if cell.value}
    for text in ("+1 分，@SUM(A1)", "-负数"):
        assert cells[text].data_type == "s"
    # No formula anywhere in the file.
    for sheet in book.worksheets:
        assert not [cell for row in sheet.iter_rows() for cell in row if cell.data_type == "f"]


class _Page(HTMLParser):
    """Collects what a test needs from a page: tags, attributes, table rows and text."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attributes: list[tuple[str, str, str]] = []
        self.ids: set[str] = set()
        self.tables: dict[str, list[list[str]]] = {}
        self._table: list[str] = []
        self._cell: list[str] | None = None
        self._row: list[str] | None = None
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        for name, value in attrs:
            self.attributes.append((tag, name, value or ""))
            if name == "id":
                self.ids.add(value)
        if tag == "table":
            self._table.append(dict(attrs).get("id") or dict(attrs).get("class") or "table")
            self.tables.setdefault(self._table[-1], [])
        elif tag == "tr":
            self._row = []
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append("".join(self._cell).strip())
            self._cell = None
        elif tag == "tr" and self._row is not None and self._table:
            self.tables[self._table[-1]].append(self._row)
            self._row = None
        elif tag == "table" and self._table:
            self._table.pop()

    def handle_data(self, data):
        self.text.append(data)
        if self._cell is not None:
            self._cell.append(data)


def _parse(text: str) -> _Page:
    page = _Page()
    page.feed(text)
    page.close()
    return page


def test_html_report_overview_and_findings(checked):
    out, report = checked
    text = (out / "report.html").read_text("utf-8")
    page = _parse(text)
    overview = page.tables["overview"]
    assert overview[0][:5] == ["#", "文件", "部门", "年度", "状态"]
    assert len(overview) - 2 == len(report["files"])   # the header, a row per form, the totals row
    assert overview[-1][0].startswith("合计 4 张表")
    # The file cell shows the path, then the sheet of the form.
    statuses = {Path(entry["path"]).name: row[4] for entry, row in zip(report["files"], overview[1:-1])
                if row[1].startswith(entry["path"])}
    assert len(statuses) == 4
    assert statuses["correct.xlsx"] == "通过" and statuses["broken.xlsx"] == "无法读取"
    assert statuses["rate score #1.xlsx"] == "有错误" and statuses["广州.xlsx"] == "有警告"
    body = "".join(page.text)
    for entry in report["files"]:
        for finding in entry["findings"]:
            assert finding["message"] in body
    assert "绩效自评表校验报告" in body and 'lang="zh-CN"' in text and '<meta charset="utf-8">' in text
    # Every in-page link has its target; every other link is a relative file beside the report.
    for tag, name, value in page.attributes:
        if name == "href" and value.startswith("#"):
            assert value[1:] in page.ids
        elif name == "href":
            assert (out / unquote(value)).is_file(), value


def test_html_report_is_self_contained(checked):
    out, _ = checked
    text = (out / "report.html").read_text("utf-8")
    page = _parse(text)
    # One inline script (filters and sorting), nothing loaded: no script source, stylesheet link or image.
    assert page.tags.count("script") == 1 and not [a for a in page.attributes if a[0] == "script"]
    assert "link" not in page.tags and "img" not in page.tags and "iframe" not in page.tags
    assert "@media print" in text and "@page" in text
    for tag, name, value in page.attributes:
        if name in ("src", "href", "action"):
            assert "//" not in value and not value.startswith(("http:", "https:", "data:")), (tag, value)


def test_html_escapes_workbook_text(tmp_path):
    hostile = "<script>alert('x')</script>"
    data = assemble([_entry(f"{hostile}.xlsx", department=hostile, status="findings",
                            findings=[_finding(f"说明 {hostile} & <b>粗</b>")],
                            counts={"error": 1, "warning": 0, "info": 0})])
    folder = tmp_path / "out"
    write_reports(data, folder)
    text = (folder / "report.html").read_text("utf-8")
    assert_html_inert(text, (hostile, "<b>粗</b>"))
    page = _parse(text)
    assert page.tags.count("script") == 1 and "b" not in page.tags
    body = "".join(page.text)
    assert hostile in body and f"说明 {hostile} & <b>粗</b>" in body


def test_html_report_tells_severities_apart_and_shows_what_people_need(tmp_path):
    data = assemble([_project_entry(), _entry("部门.xlsx", family="department", edition="guangzhou-department-2022",
                                              status="findings", findings=[_finding("总分不符", severity="error")],
                                              counts={"error": 1, "warning": 0, "info": 0},
                                              total={"declared": "95.31", "recomputed": "94.31", "corrected": "94.31"},
                                              grade={"declared": "优", "computed": "优", "corrected": "优"})])
    write_reports(data, tmp_path)
    text = (tmp_path / "report.html").read_text("utf-8")
    page = _parse(text)
    findings = page.tables["findings"]
    assert findings[0] == ["文件", "单元格", "严重程度", "规则", "指标", "申报值", "应为", "说明"]
    rows = {row[3].split()[-1][-len(slug):]: row for row in findings[1:] for slug in ("rate-score", "target-score")
            if row[3].endswith(slug)}
    # Words and colours differ by severity; the rule is named in Chinese with its slug beside it.
    assert rows["rate-score"][3] == "按比例计分的得分不符rate-score"
    assert rows["rate-score"][2] == "错误" and rows["target-score"][2] == "警告"
    assert 'class="finding sev-error"' in text and 'class="finding sev-warning"' in text
    assert ".sev-error .sev" in text and "--error:" in text and "--warning:" in text
    # Numbers in one format, the expected value said for what it is, the band and the other method shown.
    score = rows["rate-score"]
    assert (score[5], score[6]) == ("8.70", "得分应为9.23")
    assert "其他方法：执行率 × 分值（按填写的执行率） → 9.20" in score[7] and "相关单元格：G7" in score[7]
    assert "应在 8.00 至 10.00 之间" in rows["target-score"][7]
    # The overview: family, project name, 申报 / 复核 / 更正后, — where the form prints no grade, a totals row.
    overview = page.tables["overview"]
    header = overview[0]
    project = dict(zip(header, overview[1]))
    assert (project["类别"], project["项目名称"], project["部门"]) == ("项目支出", "校园安全改造工程", "市教育局")
    assert (project["申报总分"], project["复核总分"], project["更正后总分"]) == ("88.50", "88.50", "89.03")
    assert (project["申报等级"], project["更正后等级"]) == ("—", "—")
    totals = overview[-1]
    assert totals[0] == "合计 2 张表（总分为平均）" and totals[1:4] == ["91.91", "91.41", "91.67"]
    # The project's facts in its section; filters offer each family, department and rule.
    body = "".join(page.text)
    for fact in ("项目名称", "校园安全改造工程", "实施单位", "第一中学", "全年预算数", "1,300.50 万元", "执行率", "92.31%",
                 "申报 88.50 / 复核 88.50 / 更正后 89.03", "guangzhou-department-2022", "project-national"):
        assert fact in body, fact
    options = [value for tag, name, value in page.attributes if tag == "option" and name == "value"]
    assert {"error", "warning", "info", "project", "department", "市教育局", "广州市工业和信息化局",
            "rate-score", "target-score", "total-mismatch"} <= set(options)
    # Charts are inline SVG.
    assert page.tags.count("svg") == 3 and {"chart-rules", "chart-totals", "chart-grades"} <= page.ids


def test_every_hostile_text_stays_inert_in_every_report(tmp_path):
    entries = [_entry(f"{text}.xlsx", department=text, status="findings", family="project",
                      facts={"project_name": text, "department": text, "unit": text, "money_unit": text, "funds": {}},
                      findings=[_finding(text, indicator=text, actual=text, expected=text,
                                         related=[{"sheet": text, "cell": "A1"}],
                                         alternatives=[{"method": text, "expected": text}])],
                      counts={"error": 1, "warning": 0, "info": 0})
               for text in HOSTILE_TEXTS]
    write_reports(assemble(entries), tmp_path)
    assert_html_inert((tmp_path / "report.html").read_text("utf-8"))
    assert_no_new_formulas(tmp_path / "summary.xlsx")
    book = openpyxl.load_workbook(tmp_path / "summary.xlsx")
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.value.startswith("="):
                    assert cell.data_type == "s", (sheet.title, cell.coordinate)


_CJK_NEXT_TO_LATIN = re.compile(r"[\u4e00-\u9fff][A-Za-z0-9]|[A-Za-z0-9%][\u4e00-\u9fff]")


def test_the_reports_own_words_space_chinese_and_latin_alike():
    """One space between Chinese and Latin letters or digits in every line the outputs compose."""
    entry = _project_entry()
    lines = [common.verdict({"error": 2, "warning": 1, "info": 3}), common.verdict({"warning": 1, "info": 1}),
             common.verdict({}, unreadable=2), common.totals_line(entry), common.grades_line(entry),
             common.expected_text({"expected": "0.2", "expected_of": "deduction"}),
             common.range_text({"expected_range": {"min": "8", "max": "10"}, "expected_of": "score"}),
             annotate._facts_line(entry), annotate._facts_line(_entry("a.xlsx", family="department"))]
    lines += [f"{label}：{value}" for label, value in common.facts_lines(entry)]
    for line in lines:
        assert not _CJK_NEXT_TO_LATIN.search(line.replace("project-national", "")), line


@pytest.mark.parametrize("text, kind, shown", [
    ("4.6155", "score", "4.62"), ("0.745", "score", "0.75"), ("2", "weight", "2.00"), ("0.2", "deduction", "0.20"),
    ("303081.14", "amount", "303,081.14"), ("303081.1", "amount", "303,081.1"), ("0.9231", "rate", "92.31%"),
    ("92.3%", "rate", "92.30%"), ("79.27", "rate", "79.27%"), ("优", "grade", "优"), ("4.52", None, "4.52"),
    (None, "score", "—")])
def test_values_are_shown_one_way(text, kind, shown):
    assert common.show_value(text, kind) == shown


@pytest.mark.parametrize("text, kind, value, number_format", [
    ("4.52", "score", Decimal("4.52"), "0.00"), ("303,054.14", "amount", Decimal("303054.14"), "#,##0.00"),
    ("0.9231", "rate", Decimal("0.9231"), "0.00%"), ("92.31%", None, Decimal("0.9231"), "0.00%"),
    ("良", "grade", "良", None), ("=1+1", None, "=1+1", None), ("NaN", "score", "NaN", None), (None, "score", None, None)])
def test_spreadsheet_values_are_numbers_when_they_parse(text, kind, value, number_format):
    assert common.cell_value(text, kind) == (value, number_format)


def test_unchanged_rows_say_so(tmp_path):
    data = assemble([_entry("a.xlsx", status="unchanged", previous_status="findings",
                            counts={"error": 1, "warning": 0, "info": 0}, findings=[_finding("总分不符")])])
    assert data["summary"]["with_errors"] == 1 and data["summary"]["unchanged"] == 1
    write_reports(data, tmp_path)
    frame = pd.read_excel(tmp_path / "summary.xlsx", engine="openpyxl")
    assert frame.loc[0, "状态"] == "有错误（未变化）"
    page = _parse((tmp_path / "report.html").read_text("utf-8"))
    assert page.tables["overview"][1][4] == "有错误（未变化）"


def test_a_failing_report_leaves_the_previous_one_whole(tmp_path, monkeypatch):
    data = assemble([_entry("a.xlsx")])
    write_reports(data, tmp_path)
    before = {name: (tmp_path / name).read_bytes() for name in ("summary.xlsx", "report.html", "report.json")}

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(html_reporter, "_template", broken)
    with pytest.raises(RuntimeError):
        write_reports(assemble([_entry("b.xlsx")]), tmp_path)
    assert (tmp_path / "report.html").read_bytes() == before["report.html"]
    assert not list(tmp_path.glob(".~tmp-*"))


def test_an_input_named_like_a_report_is_never_overwritten(tmp_path):
    theirs = tmp_path / "summary.xlsx"
    shutil.copy(SAMPLES / "correct-form.xlsx", theirs)
    original = theirs.read_bytes()
    write_reports(assemble([_entry("a.xlsx")]), tmp_path, keep=[theirs])
    assert theirs.read_bytes() == original
    assert (tmp_path / "evaluator-summary.xlsx").is_file()


def _fake_checkout(root: Path, *, pyproject: bool) -> Path:
    """A copy of the repository's layout whose template says which copy was read."""
    module = root / "evaluator" / "outputs" / "reporters" / "html.py"
    module.parent.mkdir(parents=True)
    module.write_text("", encoding="utf-8")
    (root / "templates").mkdir()
    (root / "templates" / html_reporter.TEMPLATE).write_text("the checkout's template", encoding="utf-8")
    if pyproject:
        (root / "pyproject.toml").write_text("[project]\n", encoding="utf-8")
    return module


def test_template_is_read_from_the_checkout_when_running_from_one(tmp_path, monkeypatch):
    monkeypatch.setattr(html_reporter, "__file__", str(_fake_checkout(tmp_path, pyproject=True)))
    assert html_reporter.template_text() == "the checkout's template"


def test_template_is_read_from_the_package_outside_a_checkout(tmp_path, monkeypatch):
    # Outside a checkout (no pyproject.toml beside the package) the installed evaluator.templates is read.
    installed = tmp_path / "site-packages" / "evaluator" / "templates"
    installed.mkdir(parents=True)
    (installed / html_reporter.TEMPLATE).write_text("the installed template", encoding="utf-8")
    asked = []

    def files(package):
        asked.append(package)
        return installed

    monkeypatch.setattr(html_reporter, "__file__", str(_fake_checkout(tmp_path / "src", pyproject=False)))
    monkeypatch.setattr(html_reporter.resources, "files", files)
    assert html_reporter.template_text() == "the installed template"
    assert asked == ["evaluator.templates"]


def test_the_checkout_template_is_the_one_the_package_ships():
    template = Path(__file__).resolve().parent.parent / "templates" / html_reporter.TEMPLATE
    assert html_reporter.template_text() == template.read_text("utf-8")
    assert "{% for row in rows %}" in html_reporter.template_text()


def test_text_report_shows_the_corrected_total_where_it_differs():
    """更正后 stands beside 申报/复核 only when putting the expected scores in place changes the total."""
    from io import StringIO

    corrected = _entry("a.xlsx", total={"declared": "89.91", "recomputed": "89.91", "corrected": "90.01"},
                       grade={"declared": "良", "computed": "良", "corrected": "优"})
    unknown = _entry("b.xlsx", total={"declared": "94.81", "recomputed": "94.81", "corrected": None},
                     grade={"declared": "优", "computed": "优", "corrected": None})
    same = _entry("c.xlsx", total={"declared": "95.31", "recomputed": "94.31", "corrected": "94.31"},
                  grade={"declared": "优", "computed": "优", "corrected": "优"})
    stream = StringIO()
    REPORTERS["text"](assemble([corrected, unknown, same]), stream)
    lines = [line for line in stream.getvalue().splitlines() if "总分" in line]
    assert lines == [
        "  总分 申报 89.91 / 复核 89.91 / 更正后 90.01；评价等级 申报 良 / 应为 良 / 更正后 优",
        "  总分 申报 94.81 / 复核 94.81 / 更正后 —；评价等级 申报 优 / 应为 优 / 更正后 —",
        "  总分 申报 95.31 / 复核 94.31；评价等级 申报 优 / 应为 优",
    ]


def _skipped_section(page: _Page) -> list[list[str]]:
    return page.tables.get("skipped-paths", [])


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes")
def test_paths_found_and_not_read_are_listed_in_both_reports(tmp_path):
    """A link out of the folder and a named pipe: not forms, so not rows of 汇总 or the overview, but
    listed with the reason in report.html (未读取的路径, counted in the summary sentence) and in
    summary.xlsx (未读取, a table like the others)."""
    inbox, out, outside = tmp_path / "inbox", tmp_path / "out", tmp_path / "outside"
    inbox.mkdir()
    outside.mkdir()
    (outside / "secret.txt").write_text("not for the output folder\n", "utf-8")
    shutil.copy(SAMPLES / "correct-form.xlsx", inbox / "form.xlsx")
    (inbox / "x.xlsx").symlink_to(outside / "secret.txt")
    os.mkfifo(inbox / "pipe.xlsx")
    result = CliRunner().invoke(main, ["check", str(inbox), "--out", str(out), "--format", "json"],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    reasons = {item["path"]: item["reason"] for item in report["skipped"]}
    assert {Path(path).name for path in reasons} == {"x.xlsx", "pipe.xlsx"} and report["summary"]["skipped"] == 2

    page = _parse((out / "report.html").read_text("utf-8"))
    assert "未读取的路径" in "".join(page.text) and "skipped" in page.ids
    rows = _skipped_section(page)
    assert rows[0] == ["路径", "原因"]
    assert {path: reason for path, reason in rows[1:]} == reasons
    # The summary sentence counts them, after the forms and before the findings, linking to the list.
    assert "0 份无法读取。另有 2 个路径未读取（见未读取的路径）。问题共" in "".join(page.text)
    assert ("a", "href", "#skipped") in page.attributes
    assert len(page.tables["overview"]) - 2 == 1   # the header, the one form, the totals row

    book = openpyxl.load_workbook(out / "summary.xlsx")
    assert book.sheetnames == ["汇总", "问题清单", "统计", "未读取", "说明"]
    sheet = book["未读取"]
    assert [cell.value for cell in sheet[1]] == ["路径", "原因"] and all(cell.font.bold for cell in sheet[1])
    assert {row[0]: row[1] for row in sheet.iter_rows(min_row=2, values_only=True)} == reasons
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == f"A1:B{len(reasons) + 1}"
    assert sheet.page_setup.orientation == "landscape" and int(sheet.page_setup.scale) >= 60
    assert sheet.print_title_rows == "$1:$1"
    assert book["汇总"].max_row == 2   # one form; the paths not read are not rows
    for written in (out / "report.html", out / "summary.xlsx", out / "report.json"):
        assert b"not for the output folder" not in written.read_bytes()


def test_a_run_that_read_everything_shows_no_paths_not_read(checked):
    out, report = checked
    assert report["skipped"] == []
    text = (out / "report.html").read_text("utf-8")
    assert "未读取的路径" not in text and "个路径未读取" not in text
    assert not _skipped_section(_parse(text))
    assert "未读取" not in openpyxl.load_workbook(out / "summary.xlsx").sheetnames


def test_paths_not_read_stay_inert_in_every_report(tmp_path):
    skipped = [{"path": f"inbox/{text}.xlsx", "reason": text} for text in HOSTILE_TEXTS]
    write_reports(assemble([_entry("a.xlsx")], skipped), tmp_path)
    text = (tmp_path / "report.html").read_text("utf-8")
    assert_html_inert(text)
    page = _parse(text)
    assert page.tags.count("script") == 1 and "img" not in page.tags
    assert [row[1] for row in _skipped_section(page)[1:]] == [text.strip() for text in HOSTILE_TEXTS]
    assert f"另有 {len(HOSTILE_TEXTS)} 个路径未读取" in "".join(page.text)
    assert_no_new_formulas(tmp_path / "summary.xlsx")
    sheet = openpyxl.load_workbook(tmp_path / "summary.xlsx")["未读取"]
    cells = [cell for row in sheet.iter_rows(min_row=2) for cell in row]
    assert len(cells) == 2 * len(HOSTILE_TEXTS) and all(cell.data_type == "s" for cell in cells)
    assert [cell.value for cell in sheet["B"][1:]][:5] == list(HOSTILE_TEXTS)[:5]   # the formula-like texts, as text


def test_an_empty_findings_list_says_nothing_was_found(tmp_path):
    write_reports(assemble([_entry("a.xlsx", family="department")]), tmp_path)
    sheet = openpyxl.load_workbook(tmp_path / "summary.xlsx")["问题清单"]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert len(rows) == 1 and rows[0][0] == "未发现问题"


def test_statistics_order_rules_by_count_and_total_each_family_apart(tmp_path):
    many = [_finding("权重", rule="weight-mismatch", severity="warning") for _ in range(3)]
    entries = [_entry("a.xlsx", family="department", status="findings", findings=[_finding("总分不符")] + many,
                      counts={"error": 1, "warning": 3, "info": 0},
                      total={"declared": "90", "recomputed": "90", "corrected": "90"}),
               _project_entry()]
    write_reports(assemble(entries), tmp_path)
    frames = pd.read_excel(tmp_path / "summary.xlsx", sheet_name="统计", header=2, engine="openpyxl")
    rules = [rule for rule in frames["规则代号"].dropna()]
    assert rules[0] == "weight-mismatch"   # 3 warnings before 1 error: by count
    book = openpyxl.load_workbook(tmp_path / "summary.xlsx")
    sheet = book["统计"]
    first, last = sheet.tables["stats_families"].ref.split(":")
    cells = sheet[first:last]
    header = [cell.value for cell in cells[0]]
    by_family = {row[0].value: dict(zip(header, (cell.value for cell in row))) for row in cells[1:]}
    assert by_family["部门整体支出"]["平均复核总分"] == 90 and by_family["项目支出"]["平均复核总分"] == 88.5
    assert by_family["部门整体支出"]["表数"] == 1 and by_family["项目支出"]["错误"] == 1
    first, last = sheet.tables["stats_total_summary"].ref.split(":")
    families = {row[0].value for row in sheet[first:last][1:]}
    assert families == {"部门整体支出", "项目支出"}


def test_summary_styles_are_named_styles_not_one_per_cell(tmp_path):
    """A few named styles, one per kind of column, whatever the number of forms."""
    entries = [_entry(f"{index}.xlsx", family="department", status="findings", findings=[_finding("总分不符")],
                      counts={"error": 1, "warning": 0, "info": 0},
                      total={"declared": f"9{index % 10}.5", "recomputed": "90", "corrected": "90"})
               for index in range(200)]
    write_reports(assemble(entries), tmp_path)
    book = openpyxl.load_workbook(tmp_path / "summary.xlsx")
    assert "evaluator-score" in book.named_styles and "evaluator-fill-error" in book.named_styles
    assert len(book._cell_styles) < 60   # distinct cell formats in the whole workbook
    sheet = book["汇总"]
    columns = _header(sheet)
    assert {sheet.cell(row=r, column=columns["申报总分"]).style for r in range(2, 202)} == {"evaluator-score"}
