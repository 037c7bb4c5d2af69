"""The run summary files: summary.xlsx read back with pandas, report.html parsed, report.json."""

from __future__ import annotations

import shutil
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote

import openpyxl
import pandas as pd
import pytest

from evaluator.reporters import REPORTERS, write_reports
from evaluator.reporters import html as html_reporter
from evaluator.reporters.json import assemble

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
