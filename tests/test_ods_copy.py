"""The annotated copy of an OpenDocument spreadsheet (.ods) is an .xlsx that keeps the original's
look: borders, fonts, merged ranges, column widths, row heights, number formats and print set-up,
and says once on 校验结果 that it is an .xlsx and why.

The fixtures in tests/fixtures/ods/ are two samples saved as .ods by LibreOffice
(``soffice --headless --convert-to ods sample_workbooks/<name>.xlsx``); the .xlsx each was made
from is the independent truth the copy is compared with. Printed pages are compared without
LibreOffice, from the page geometry each file declares (paper, margins, fit or scale, the widths
and heights of the used columns and rows); with LibreOffice installed, also as really printed.
"""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from conftest import SAMPLES
from evaluator import intake
from evaluator.outputs.ods_copy import excel_width, number_format, points
from evaluator.outputs.xlsx_load import load_for_annotation
import badfiles
from copies import annotated_copy, printed_pages

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "ods"
ODS = sorted(FIXTURES.glob("*.ods"))
PAPER_MM = {9: (210, 297), 8: (297, 420), 1: (215.9, 279.4), 11: (148, 210)}


def test_there_are_fixtures():
    assert [path.stem for path in ODS] == ["2022-广州市工业和信息化局", "project-national"]


@pytest.mark.parametrize("path", ODS, ids=[path.stem for path in ODS])
def test_an_ods_is_read_with_its_merged_ranges_and_checked_like_its_xlsx(path, definitions):
    from evaluator.runner.engine import check_file

    ods, xlsx = intake.open(path).grids[0], intake.open(SAMPLES / f"{path.stem}.xlsx").grids[0]
    assert ods.merged and sorted(ods.merged) == sorted(xlsx.merged)
    assert ods.cells == xlsx.cells
    found = [(f.rule, f.cell) for f in check_file(path, definitions).findings]
    assert found == [(f.rule, f.cell) for f in check_file(SAMPLES / f"{path.stem}.xlsx", definitions).findings]


@pytest.mark.parametrize("path", ODS, ids=[path.stem for path in ODS])
def test_an_ods_copy_keeps_borders_fonts_merges_formats_widths_and_heights(path, tmp_path, definitions):
    written = annotated_copy(path, tmp_path, definitions)
    copy = load_for_annotation(written)      # each cell's style as the file holds it
    original = load_for_annotation(SAMPLES / f"{path.stem}.xlsx")
    ws, truth = copy.worksheets[0], original.worksheets[0]
    assert ws.title == truth.title
    assert {str(r) for r in ws.merged_cells.ranges} == {str(r) for r in truth.merged_cells.ranges}
    checked = 0
    for row in truth.iter_rows():
        for expected in row:
            cell = ws[expected.coordinate]
            for side in ("left", "right", "top", "bottom"):
                assert getattr(cell.border, side).style == getattr(expected.border, side).style, \
                    (cell.coordinate, side)
            if expected.value is None:
                continue
            assert bool(cell.font.b) == bool(expected.font.b) and cell.font.sz == expected.font.sz, cell.coordinate
            assert cell.font.name == expected.font.name, cell.coordinate
            assert cell.number_format == expected.number_format, cell.coordinate
            assert (cell.alignment.horizontal or "general") == (expected.alignment.horizontal or "general")
            assert bool(cell.alignment.wrap_text) == bool(expected.alignment.wrap_text), cell.coordinate
            checked += 1
    assert checked > 50
    # Widths: the same proportions as the original's (the copy's unit is Calibri 11's).
    letters = sorted(truth.column_dimensions, key=lambda letter: (len(letter), letter))
    first = letters[0]
    for letter in letters:
        want = truth.column_dimensions[letter].width / truth.column_dimensions[first].width
        got = (ws.column_dimensions[letter].width * 7 + 5) / (ws.column_dimensions[first].width * 7 + 5)
        assert got == pytest.approx(want, rel=0.03), letter
    for index, dimension in truth.row_dimensions.items():
        if dimension.height is not None:
            assert ws.row_dimensions[index].height == pytest.approx(dimension.height, abs=0.6), index
    note = copy["校验结果"]["A3"].value
    assert "OpenDocument 表格（.ods）" in note and ".xlsx" in note and "打印设置" in note
    assert sum("OpenDocument" in str(cell.value) for row in copy["校验结果"].iter_rows() for cell in row) == 1


@pytest.mark.parametrize("path", ODS, ids=[path.stem for path in ODS])
def test_an_ods_copy_keeps_the_print_setup(path, tmp_path, definitions):
    ws = load_workbook(annotated_copy(path, tmp_path, definitions)).worksheets[0]
    truth = load_workbook(SAMPLES / f"{path.stem}.xlsx").worksheets[0]
    assert (ws.page_setup.paperSize or 9) == int(truth.page_setup.paperSize or 9)
    assert (ws.page_setup.orientation or "portrait") == (truth.page_setup.orientation or "portrait")
    assert bool(ws.sheet_properties.pageSetUpPr and ws.sheet_properties.pageSetUpPr.fitToPage) == \
        bool(truth.sheet_properties.pageSetUpPr and truth.sheet_properties.pageSetUpPr.fitToPage)
    if truth.sheet_properties.pageSetUpPr and truth.sheet_properties.pageSetUpPr.fitToPage:
        assert (int(ws.page_setup.fitToWidth), int(ws.page_setup.fitToHeight)) == \
            (int(truth.page_setup.fitToWidth), int(truth.page_setup.fitToHeight))
    for side in ("left", "right", "top", "bottom"):
        assert getattr(ws.page_margins, side) == pytest.approx(getattr(truth.page_margins, side), abs=0.01), side


# --- printed pages from the page geometry ------------------------------------------------------

# A geometric model, not a print engine: rows and columns are never split, and a page holds what
# fits at the scale the set-up gives. It can differ from what a print engine counts; what matters
# here is that the original and the copy, each read from its own file, give the same count.
def _pages(paper_w: float, paper_h: float, margins: tuple[float, float, float, float], fit: tuple[int, int] | None,
           scale: float, widths: list[float], heights: list[float]) -> int:
    """Pages across × pages down of a table of ``widths`` × ``heights`` (points) on a paper of
    ``paper_w`` × ``paper_h`` (points, as oriented) with ``margins`` (left, right, top, bottom)."""
    usable_w, usable_h = paper_w - margins[0] - margins[1], paper_h - margins[2] - margins[3]
    total_w, total_h = sum(widths), sum(heights)
    if fit is not None:
        wide, tall = fit
        scale = min([1.0] + ([wide * usable_w / total_w] if wide else []) + ([tall * usable_h / total_h] if tall else []))

    def count(sizes: list[float], usable: float) -> int:
        pages, used = 1, 0.0
        for size in sizes:
            if used and used + size * scale > usable + 1e-6:
                pages, used = pages + 1, 0.0
            used += size * scale
        return pages

    return count(widths, usable_w) * count(heights, usable_h)


def _ods_pages(path: Path, last_row: int, last_col: int) -> int:
    """The pages an .ods declares, read here from its XML with nothing of the tool's."""
    with zipfile.ZipFile(path) as archive:
        content, styles = archive.read("content.xml").decode(), archive.read("styles.xml").decode()
    sizes = {name: points(value) for name, value in
             re.findall(r'style:name="([^"]+)" style:family="table-(?:column|row)"><style:table-(?:column|row)-'
                        r'properties[^>]*?style:(?:column-width|row-height)="([^"]+)"', content)}
    widths: list[float] = []
    for style, repeat in re.findall(r'<table:table-column table:style-name="([^"]+)"(?: table:number-columns-repeated="(\d+)")?', content):
        widths += [sizes[style]] * min(int(repeat or 1), last_col - len(widths))
    heights: list[float] = []
    for style, repeat in re.findall(r'<table:table-row table:style-name="([^"]+)"(?: table:number-rows-repeated="(\d+)")?', content):
        heights += [sizes[style]] * min(int(repeat or 1), last_row - len(heights))
    layout = re.search(r"<style:page-layout-properties ([^>]*)/?>", styles)[1]
    attr = dict(re.findall(r'([\w:-]+)="([^"]*)"', layout))
    margins = tuple(points(attr[f"fo:margin-{side}"]) for side in ("left", "right", "top", "bottom"))
    fit = (int(attr.get("style:scale-to-X", 0)), int(attr.get("style:scale-to-Y", 0))) \
        if "style:scale-to-X" in attr or "style:scale-to-Y" in attr else None
    scale = float(attr.get("style:scale-to", "100%").rstrip("%")) / 100
    # No paper given: the default, A4 here as in the copy's estimate, turned as the page says.
    short, long = sorted((points(attr.get("fo:page-width", "8.2681in")), points(attr.get("fo:page-height", "11.6929in"))))
    width, height = (long, short) if attr.get("style:print-orientation") == "landscape" else (short, long)
    return _pages(width, height, margins, fit, scale, widths, heights)


def _xlsx_pages(ws, last_row: int, last_col: int) -> int:
    """The pages an .xlsx sheet declares (widths in Calibri 11 characters, the copy's default font)."""
    from openpyxl.utils import get_column_letter

    short, long = PAPER_MM[int(ws.page_setup.paperSize or 9)]
    paper = (long, short) if ws.page_setup.orientation == "landscape" else (short, long)
    margins = tuple(getattr(ws.page_margins, side) * 72 for side in ("left", "right", "top", "bottom"))
    fitting = ws.sheet_properties.pageSetUpPr is not None and ws.sheet_properties.pageSetUpPr.fitToPage
    fit = (int(ws.page_setup.fitToWidth), int(ws.page_setup.fitToHeight)) if fitting else None
    widths = [((ws.column_dimensions[get_column_letter(col)].width or 8.43) * 7 + 5) * 0.75 for col in range(1, last_col + 1)]
    heights = [ws.row_dimensions[row].height or 15.0 for row in range(1, last_row + 1)]
    return _pages(paper[0] / 25.4 * 72, paper[1] / 25.4 * 72, margins, fit, (ws.page_setup.scale or 100) / 100,
                  widths, heights)


def test_the_page_estimate_counts_pages():
    assert _pages(600, 800, (50, 50, 50, 50), None, 1.0, [100] * 5, [20] * 35) == 1
    assert _pages(600, 800, (50, 50, 50, 50), None, 1.0, [100] * 6, [20] * 36) == 4
    assert _pages(600, 800, (50, 50, 50, 50), (1, 0), 1.0, [100] * 10, [20] * 60) == 1


@pytest.mark.parametrize("path", ODS, ids=[path.stem for path in ODS])
def test_an_ods_copy_declares_as_many_printed_pages_as_the_original(path, tmp_path, definitions):
    ws = load_workbook(annotated_copy(path, tmp_path, definitions)).worksheets[0]
    grid = intake.open(path).grids[0]
    last_row, last_col = grid.max_row, max(grid.max_col, max(c1 for _, _, _, c1 in grid.merged))
    original = _ods_pages(path, last_row, last_col)
    assert _xlsx_pages(ws, last_row, last_col) == original


def test_the_page_estimate_tells_a_copy_without_the_look():
    from evaluator.outputs.annotate import workbook_from_grids

    path = FIXTURES / "2022-广州市工业和信息化局.ods"
    grid = intake.open(path).grids[0]
    last_row, last_col = grid.max_row, max(grid.max_col, max(c1 for _, _, _, c1 in grid.merged))
    plain = workbook_from_grids([grid]).worksheets[0]    # values and merges only, as before
    assert _xlsx_pages(plain, last_row, last_col) != _ods_pages(path, last_row, last_col)


def test_ods_data_styles_become_excel_formats():
    from defusedxml.ElementTree import fromstring

    ns = 'xmlns:number="urn:oasis:names:tc:opendocument:xmlns:datastyle:1.0" ' \
         'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0"'
    styles = {
        "N2": f'<number:number-style {ns} style:name="N2"><number:number number:decimal-places="2" number:min-integer-digits="1"/></number:number-style>',
        "N4": f'<number:number-style {ns} style:name="N4"><number:number number:decimal-places="2" number:min-integer-digits="1" number:grouping="true"/></number:number-style>',
        "P": f'<number:percentage-style {ns} style:name="P"><number:number number:decimal-places="2" number:min-integer-digits="1"/><number:text>%</number:text></number:percentage-style>',
        "T": f'<number:text-style {ns} style:name="T"><number:text-content/></number:text-style>',
        "D": f'<number:date-style {ns} style:name="D"><number:year number:style="long"/><number:text>-</number:text><number:month number:style="long"/><number:text>-</number:text><number:day number:style="long"/></number:date-style>',
    }
    parsed = {name: fromstring(text) for name, text in styles.items()}
    assert {name: number_format(parsed, name) for name in parsed} == \
        {"N2": "0.00", "N4": "#,##0.00", "P": "0.00%", "T": "@", "D": "yyyy-mm-dd"}
    assert number_format(parsed, "missing") == "General"
    assert excel_width(points("1.1665in")) == pytest.approx(15.29, abs=0.01)


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
@pytest.mark.parametrize("path", ODS, ids=[path.stem for path in ODS])
def test_an_ods_copy_prints_on_as_many_pages_as_the_original(path, tmp_path, definitions):
    original, copy = printed_pages(path, tmp_path, definitions)
    assert original and copy == original


def test_styled_runs_of_an_ods_are_followed_only_within_bounds(tmp_path, definitions):
    """A hostile .ods whose empty styled cells repeat by the hundred thousand (the intake measures
    cells with values, not styles): its copy is written in bounded time, a bounded number of cells
    styled, with the cell that holds a value styled and merged ranges read."""
    import time

    namespaces = " ".join(f'xmlns:{prefix}="{uri}"' for prefix, uri in {
        "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
        "style": "urn:oasis:names:tc:opendocument:xmlns:style:1.0",
        "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
        "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
        "fo": "urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"}.items())
    styled = '<table:table-cell table:style-name="b" table:number-columns-repeated="900"/>'
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {namespaces}><office:automatic-styles>'
        '<style:style style:name="b" style:family="table-cell"><style:table-cell-properties '
        'fo:border="0.74pt solid #000000"/></style:style></office:automatic-styles><office:body><office:spreadsheet>'
        '<table:table table:name="S"><table:table-row><table:table-cell table:style-name="b" office:value-type="string" '
        'table:number-columns-spanned="2" table:number-rows-spanned="1"><text:p>合计</text:p></table:table-cell>'
        '<table:covered-table-cell table:style-name="b"/></table:table-row>'
        f'<table:table-row table:number-rows-repeated="999">{styled}</table:table-row>'
        f'<table:table-row table:number-rows-repeated="1000000">{styled}</table:table-row>'
        "</table:table></office:spreadsheet></office:body></office:document-content>")
    path = tmp_path / "styled.ods"
    badfiles.ods_package(path, content)
    assert intake.open(path).grids[0].merged == [(1, 1, 1, 2)]
    from evaluator.outputs.annotate import workbook_from_grids
    from evaluator.outputs.ods_copy import MAX_STYLED, apply_ods_look

    workbook = workbook_from_grids(intake.open(path).grids)
    started = time.perf_counter()
    apply_ods_look(workbook, path.read_bytes())
    assert time.perf_counter() - started < 30
    ws = workbook["S"]
    assert ws["A1"].border.left.style == "thin" and ws["B1"].border.right.style == "thin"
    assert ws.max_row <= 1000 and sum(1 for row in ws.iter_rows() for cell in row if cell.has_style) <= MAX_STYLED
