"""The annotated copy keeps every cell's borders exactly as the original file stores them."""

from __future__ import annotations

import inspect
import shutil
import zipfile
import xml.etree.ElementTree as ET
from pathlib import Path

import openpyxl
import pytest
from openpyxl import load_workbook
from openpyxl.cell.cell import MergedCell
from openpyxl.worksheet.worksheet import Worksheet

from evaluator.outputs import xlsx_load
from evaluator.outputs.annotate import write_annotated
from evaluator.runner.engine import check_file

SAMPLES = Path(__file__).resolve().parent.parent / "sample_workbooks"
MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
RELATIONSHIP = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


def _borders(path: Path, sheet: str) -> dict[str, str]:
    """Cell → its border sides, read from the file's XML (not through openpyxl)."""
    with zipfile.ZipFile(path) as archive:
        styles = ET.fromstring(archive.read("xl/styles.xml"))
        book = ET.fromstring(archive.read("xl/workbook.xml"))
        rels = ET.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
        borders = [",".join(sorted(f"{side.tag.removeprefix(MAIN)}:{side.get('style')}"
                                   for side in border if side.get("style")))
                   for border in styles.find(f"{MAIN}borders")]
        border_of_style = [int(xf.get("borderId", 0)) for xf in styles.find(f"{MAIN}cellXfs")]
        targets = {rel.get("Id"): rel.get("Target") for rel in rels}
        entry = next(item for item in book.find(f"{MAIN}sheets") if item.get("name") == sheet)
        target = targets[entry.get(RELATIONSHIP)].lstrip("/")
        cells = ET.fromstring(archive.read(target if target.startswith("xl/") else f"xl/{target}"))
    found = {}
    for cell in cells.iter(f"{MAIN}c"):
        sides = borders[border_of_style[int(cell.get("s", 0))]]
        if sides:
            found[cell.get("r")] = sides
    return found


@pytest.mark.parametrize("name", ["planted-rate-score.xlsx", "2022-广州市工业和信息化局.xlsx"])
def test_the_annotated_copy_keeps_every_border(name, tmp_path, definitions):
    source = tmp_path / name
    shutil.copy(SAMPLES / name, source)
    result = check_file(source, definitions)
    copy = write_annotated(result, tmp_path / "copy.xlsx")
    sheet = result.forms[0].sheet
    original = _borders(source, sheet)
    assert len(original) > 100
    assert _borders(copy, sheet) == original


def test_the_hook_is_put_back(tmp_path):
    ordinary = Worksheet._clean_merge_range
    xlsx_load.load_for_annotation(SAMPLES / "correct-form.xlsx")
    assert Worksheet._clean_merge_range is ordinary


def test_a_failing_hook_means_an_ordinary_load(monkeypatch):
    def broken(self, merged_range):
        raise TypeError("another openpyxl")

    monkeypatch.setattr(xlsx_load, "_keep_styles", broken)
    book = xlsx_load.load_for_annotation(SAMPLES / "correct-form.xlsx")
    assert book.worksheets[0].merged_cells.ranges


def _merged_with_stored_styles(path: Path) -> Path:
    """A merged range B2:D4 whose covered cells store styles of their own: C3 (inside) a yellow
    fill, D2 (the top edge) no border although the top-left cell B2 has a thick one."""
    from openpyxl import Workbook
    from openpyxl.styles import Border, PatternFill, Side

    book = Workbook()
    sheet = book.active
    sheet["B2"] = "合并"
    thick = Side(style="thick")
    sheet["B2"].border = Border(left=thick, right=thick, top=thick, bottom=thick)
    sheet.merge_cells("B2:D4")
    sheet["C3"].fill = PatternFill("solid", fgColor="FFFFFF00")
    sheet["D2"].border = Border()
    book.save(path)
    with zipfile.ZipFile(path) as archive:
        stored = archive.read("xl/worksheets/sheet1.xml")
    assert b'r="C3" s=' in stored   # the file really stores a style for the covered cell
    return path


def test_the_hook_applies_to_the_installed_openpyxl():
    # Fails on an openpyxl the hook was not checked against: read openpyxl's reader (it must call
    # ws._clean_merge_range(MergedCellRange) once per merged range, and MergedCell must take a
    # style), check that the tests of this file pass with the hook, then add the version to
    # HOOKED_VERSIONS and move the cap in pyproject.toml.
    assert openpyxl.__version__ in xlsx_load.HOOKED_VERSIONS, (
        f"openpyxl {openpyxl.__version__} is not a version the merged-range hook was checked on")
    assert xlsx_load.hook_applies()
    assert list(inspect.signature(Worksheet._clean_merge_range).parameters) == ["self", "mcr"]


def test_the_hook_takes_effect(tmp_path):
    path = _merged_with_stored_styles(tmp_path / "merged.xlsx")
    ordinary = load_workbook(path).active
    hooked = xlsx_load.load_for_annotation(path).active
    # openpyxl alone drops the covered cells' styles and spreads B2's border over the edges ...
    assert ordinary["C3"].fill.fgColor.rgb != "FFFFFF00"
    assert ordinary["D2"].border.top.style == "thick"
    # ... the hook keeps what the file stores.
    assert hooked["C3"].fill.fgColor.rgb == "FFFFFF00"
    assert hooked["D2"].border.top is None or hooked["D2"].border.top.style is None
    assert isinstance(hooked["C3"], MergedCell) and hooked.merged_cells.ranges


def test_an_openpyxl_not_checked_loads_the_ordinary_way(tmp_path, monkeypatch):
    path = _merged_with_stored_styles(tmp_path / "merged.xlsx")
    monkeypatch.setattr(openpyxl, "__version__", "3.2.0")
    assert not xlsx_load.hook_applies()
    assert xlsx_load.load_for_annotation(path).active["D2"].border.top.style == "thick"
