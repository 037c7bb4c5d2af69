"""The annotated copy of a legacy .xls keeps the original's look: every cell's borders, fonts,
fills, number formats and alignment, the row heights and the print set-up, so that it prints on
as many pages as the original (plus 校验结果)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import xlrd

from evaluator.outputs.xlsx_load import load_for_annotation
from copies import annotated_copy, printed_pages

FIXTURES = Path(__file__).resolve().parent / "fixtures"
XLS = sorted((FIXTURES / "libreoffice-formulas-xls").glob("*.xls"))[:4] + \
    sorted((FIXTURES / "project-libreoffice-formulas-xls").glob("*.xls"))[:2]
BORDER = {0: None, 1: "thin", 2: "medium", 3: "dashed", 4: "dotted", 5: "thick", 6: "double", 7: "hair"}


@pytest.mark.parametrize("path", XLS, ids=[path.name for path in XLS])
def test_an_xls_copy_keeps_borders_fonts_formats_and_print_setup(path, tmp_path, definitions):
    copy = load_for_annotation(annotated_copy(path, tmp_path, definitions))   # each cell's style as the file holds it
    book = xlrd.open_workbook(str(path), formatting_info=True)
    checked = 0
    for sheet in book.sheets():
        ws = copy[sheet.name[:31]]
        for row in range(sheet.nrows):
            for col in range(sheet.row_len(row)):
                xf = book.xf_list[sheet.cell_xf_index(row, col)]
                cell = ws.cell(row=row + 1, column=col + 1)
                for side in ("left", "right", "top", "bottom"):
                    expected = BORDER.get(getattr(xf.border, f"{side}_line_style"))
                    assert getattr(cell.border, side).style == expected, (cell.coordinate, side)
                font = book.font_list[xf.font_index]
                assert bool(cell.font.b) == bool(font.bold) and cell.font.sz == font.height / 20
                fmt = book.format_map[xf.format_key].format_str
                assert cell.number_format == (fmt or "General")
                checked += 1
        assert checked
        info = sheet.rowinfo_map
        for row, row_info in info.items():
            if row_info.height:
                assert ws.row_dimensions[row + 1].height == row_info.height / 20
    form = copy[book.sheet_names()[0][:31]]
    # The .xls's print set-up (LibreOffice wrote these fixtures: landscape, fit to one page wide).
    assert form.sheet_properties.pageSetUpPr.fitToPage is not None
    assert form.page_setup.orientation in ("portrait", "landscape")


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_an_xls_copy_prints_on_as_many_pages_as_the_original(tmp_path, definitions):
    path = FIXTURES / "libreoffice-formulas-xls" / "2022-广州市工业和信息化局.xls"
    original, copy = printed_pages(path, tmp_path, definitions)
    assert original and copy == original
