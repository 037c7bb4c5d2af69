"""The run summary files: summary.xlsx read back with pandas, report.html parsed, report.json."""

from __future__ import annotations

import json
import shutil
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote

import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner

from evaluator.cli import main
from evaluator.outputs.reporters import REPORTERS, write_reports
from evaluator.outputs.reporters import html as html_reporter
from evaluator.outputs.reporters.json import assemble

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


def test_summary_workbook_has_one_row_per_file(checked):
    out, report = checked
    frame = pd.read_excel(out / "summary.xlsx", sheet_name="汇总", engine="openpyxl")
    assert list(frame.columns) == ["文件", "工作表", "部门", "年度", "状态", "申报总分", "复核总分",
                                   "申报等级", "应得等级", "错误", "警告", "提示", "批注副本",
                                   "版本", "项目名称", "项目资金"]
    assert len(frame) == len(report["files"]) == 4
    rows = {Path(path).name: row for path, row in zip(frame["文件"], frame.to_dict("records"))}
    rate = rows["rate score #1.xlsx"]
    assert (rate["状态"], rate["申报总分"], rate["复核总分"], rate["错误"], rate["警告"]) == ("有问题", 94.21, 94.21, 1, 0)
    assert (rate["部门"], rate["年度"], rate["申报等级"], rate["应得等级"]) == ("广州市工业和信息化局", 2022, "优", "优")
    assert rows["correct.xlsx"]["状态"] == "通过"
    assert rows["broken.xlsx"]["状态"] == "无法读取" and rows["broken.xlsx"]["错误"] == 1
    assert pd.isna(rows["broken.xlsx"]["批注副本"])
    assert rows["广州.xlsx"]["警告"] == 1

    findings = pd.read_excel(out / "summary.xlsx", sheet_name="问题清单", engine="openpyxl")
    assert len(findings) == sum(len(row["findings"]) for row in report["files"])
    assert "rate-score" in set(findings["规则"])


def test_summary_workbook_layout_and_links(checked):
    out, _ = checked
    book = openpyxl.load_workbook(out / "summary.xlsx")
    sheet = book["汇总"]
    assert sheet.freeze_panes == "A2"
    assert all(cell.font.bold for cell in sheet[1])
    widths = {letter: dim.width for letter, dim in sheet.column_dimensions.items()}
    assert 8 <= min(widths.values()) and max(widths.values()) <= 60
    assert widths["A"] > widths["L"]  # the path column is wider than a count column
    links = [cell.hyperlink.target for cell in sheet["M"][1:] if cell.hyperlink is not None]
    assert len(links) == 3
    for target in links:
        assert not target.startswith(("/", "file:")), "links are relative to the summary"
        assert (out / unquote(target)).is_file()


def test_summary_workbook_text_is_inert(tmp_path):
    data = assemble([_entry("a.xlsx", department=HOSTILE, status="findings",
                            findings=[_finding("+1 分，@SUM(A1)", indicator="-负数")],
                            counts={"error": 1, "warning": 0, "info": 0})])
    path = tmp_path / "summary.xlsx"
    with path.open("wb") as stream:
        REPORTERS["xlsx"](data, stream, tmp_path)
    book = openpyxl.load_workbook(path)
    department = book["汇总"]["C2"]
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
    assert len(overview) - 1 == len(report["files"])
    # The file cell shows the path, then the sheet of the form.
    statuses = {Path(entry["path"]).name: row[4] for entry, row in zip(report["files"], overview[1:])
                if row[1].startswith(entry["path"])}
    assert len(statuses) == 4
    assert statuses["correct.xlsx"] == "通过" and statuses["broken.xlsx"] == "无法读取"
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
    page = _parse((out / "report.html").read_text("utf-8"))
    assert "script" not in page.tags and "link" not in page.tags and "img" not in page.tags
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
    page = _parse((folder / "report.html").read_text("utf-8"))
    assert "script" not in page.tags and "b" not in page.tags
    body = "".join(page.text)
    assert hostile in body and f"说明 {hostile} & <b>粗</b>" in body


def test_unchanged_rows_say_so(tmp_path):
    data = assemble([_entry("a.xlsx", status="unchanged", previous_status="findings",
                            counts={"error": 1, "warning": 0, "info": 0}, findings=[_finding("总分不符")])])
    assert data["summary"]["with_errors"] == 1 and data["summary"]["unchanged"] == 1
    write_reports(data, tmp_path)
    frame = pd.read_excel(tmp_path / "summary.xlsx", engine="openpyxl")
    assert frame.loc[0, "状态"] == "有问题（未变化）"
    page = _parse((tmp_path / "report.html").read_text("utf-8"))
    assert page.tables["overview"][1][4] == "有问题（未变化）"


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


def test_template_is_found_in_the_checkout():
    assert "{% for row in rows %}" in html_reporter.template_text()
