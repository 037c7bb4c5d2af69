"""校验结果 written as sheet XML: the writer tells formats apart by the style objects cells share
(built once per process) before comparing them by value. Sharing must not change a byte: the same
sheet written with every cell holding its own fresh copies of its font, fill, border and alignment,
no object known by its identity and nothing remembered between sheets (formats told apart by value
only, as before), gives the same sheet XML, the same styles appended and the
same defined names, on every sample."""

from __future__ import annotations

import copy
import itertools
import zipfile

import pytest

from conftest import SAMPLES
from evaluator.families import load_definitions
from evaluator.outputs import sheetxml
from evaluator.outputs.annotate import recorded_result_sheet
from evaluator.outputs.package import Styles
from evaluator.runner.engine import check_file

SAMPLE_FILES = sorted(SAMPLES.glob("*.xlsx"))


@pytest.fixture(scope="module")
def definitions():
    return load_definitions()


def _written(sheet, styles_text: str):
    styles = Styles(styles_text)
    xml, tables, names = sheet.xml(styles)
    return xml, {kind: list(items) for kind, items in styles.added.items()}, names, [t.ref for t in tables]


@pytest.mark.parametrize("path", SAMPLE_FILES, ids=lambda p: p.name)
def test_shared_style_objects_write_the_same_sheet_as_fresh_ones(path, definitions, monkeypatch):
    result = check_file(path, definitions, display=path.name, keep_grids=True)
    styles_text = zipfile.ZipFile(path).read("xl/styles.xml").decode("utf-8")
    sheetnames = [name for name in (result.grids and [grid.name for grid in result.grids]) or []]

    shared = recorded_result_sheet(result, "校验结果", sheetnames, set())
    assert any(cell.font is not None for cell in shared._cells.values())
    ours = _written(shared, styles_text)

    fresh = recorded_result_sheet(result, "校验结果", sheetnames, set())
    for cell in fresh._cells.values():
        for name in ("font", "fill", "border", "alignment"):
            value = getattr(cell, name)
            if value is not None:
                setattr(cell, name, copy.deepcopy(value))
    monkeypatch.setattr(sheetxml, "_SHARED_XML", {})
    monkeypatch.setattr(sheetxml, "_SHARED_MAX", 0)   # nothing remembered between objects
    unique = itertools.count()   # no two objects (nor two Nones) ever look the same by identity
    monkeypatch.setattr(sheetxml, "id", lambda _: next(unique), raising=False)
    assert _written(fresh, styles_text) == ours
