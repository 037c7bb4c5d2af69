"""Number formats read from the file: what a cell shows is its value (issue 15, item 2)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest

from evaluator.intake.numformats import percent_places
from evaluator.intake.workbook import load_grids


@pytest.mark.parametrize(("code", "places"), [
    ("0%", 0), ("0.00%", 2), ("0.0%;[Red]-0.0%", 1), ("#,##0.0%", 1), ('[$-804]0.00%', 2),
    ("General", None), ("0.00", None), (None, None), ('0.00"%"', None), ("0%%", -1), ("# ?/?%", -1),
    # padding (_) and fill (*) take no digit; # and ? are digit places like 0 (Excel's accounting styles)
    ("0.0%_)", 1), ("0.00%* ", 2), ("0.#%", 1), ("?0.0%", 1), ("#%", 0), ("0.0E+0%", -1), ("%0.0", -1),
])
def test_percent_places(code, places):
    assert percent_places(code) == places


def test_the_formats_of_an_xlsx_package_are_read_per_cell(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "表"
    ws["A1"], ws["B1"], ws["C1"], ws["D1"] = 1, 0.953, 0.5, "文字"
    ws["A1"].number_format = "0%"
    ws["B1"].number_format = "0.0%"
    ws["C1"].number_format = "0.000"
    wb.create_sheet("空表")
    path = tmp_path / "f.xlsx"
    wb.save(path)
    grids = load_grids(path).sheets
    lookup = grids[0].number_format
    assert (lookup(1, 1), lookup(1, 2), lookup(1, 3), lookup(1, 4), lookup(9, 9)) == ("0%", "0.0%", "0.000", None, None)
    assert grids[1].number_format(1, 1) is None


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_the_formats_of_an_xls_file_are_read(tmp_path, definitions):
    """A form whose 实际完成值 are fractions shown as percentages, saved as .xls by an office program,
    reads as it shows: consistent, nothing to say."""
    import random

    from evaluator.runner.engine import check_file
    from test_project_layouts import random_form, render

    form = random_form(random.Random(7), "percent-formats")
    source = tmp_path / "form.xlsx"
    render(form, "percent-formats", source)
    done = subprocess.run(["soffice", "--headless", "--convert-to", "xls", "--outdir", str(tmp_path), str(source)],
                          capture_output=True, timeout=180)
    target = tmp_path / "form.xls"
    if done.returncode != 0 or not target.exists():
        pytest.skip("LibreOffice could not convert the form")
    grid = load_grids(target).sheets[0]
    percent = [(r, c) for (r, c), value in grid.cells.items() if isinstance(value, float) and value <= 1
               and grid.number_format(r, c) and "%" in grid.number_format(r, c)]
    assert percent
    result = check_file(target, definitions)
    assert [(f.rule, f.cell) for f in result.findings] == []
    assert result.forms[0].coverage.indicators_read == len(form.rows)
