"""The annotated copy keeps every cell's borders exactly as the original file stores them."""

from __future__ import annotations

import shutil
import zipfile
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
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
