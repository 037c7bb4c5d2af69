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


# ---------------------------------------------------------------------------------------------
# .ods: percentage cells (tests/fixtures/ods-percent/, each saved by LibreOffice from an .xlsx)

FIXTURES = Path(__file__).resolve().parent / "fixtures"
ODS_PERCENT = {
    "percent-format-clean": FIXTURES / "layouts" / "percent-format-clean.xlsx",
    "percent-format-plant": FIXTURES / "layouts" / "percent-format-plant.xlsx",
    "yn-yongde-2022-yingyang": FIXTURES / "published" / "yn-yongde-2022-yingyang.xlsx",
    "national-rate-as-fraction": FIXTURES / "project-real" / "national-rate-as-fraction.xlsx",
}


def _finding_data(result) -> list[tuple]:
    return [(f.rule, f.severity.name, f.sheet, f.cell, f.indicator, f.expected, f.actual, f.message)
            for f in result.findings]


def test_every_ods_percent_fixture_is_listed():
    assert sorted(path.stem for path in (FIXTURES / "ods-percent").glob("*.ods")) == sorted(ODS_PERCENT)


@pytest.mark.parametrize("stem", sorted(ODS_PERCENT))
def test_an_ods_shows_its_percent_cells_as_its_xlsx_does(stem):
    """Every number the .xlsx shows as a percentage is one in the .ods, to as many decimals."""
    ods = load_grids(FIXTURES / "ods-percent" / f"{stem}.ods").sheets
    xlsx = load_grids(ODS_PERCENT[stem]).sheets
    compared = 0
    for one, other in zip(ods, xlsx, strict=True):
        for (row, col), value in other.cells.items():
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                expected = percent_places(other.number_format(row, col))
                assert percent_places(one.number_format(row, col)) == expected, (stem, row, col)
                compared += expected is not None
    assert compared >= 2


@pytest.mark.parametrize("stem", sorted(ODS_PERCENT))
def test_an_ods_form_is_judged_exactly_as_its_xlsx(stem, definitions):
    from evaluator.runner.engine import check_file

    ods = check_file(FIXTURES / "ods-percent" / f"{stem}.ods", definitions)
    xlsx = check_file(ODS_PERCENT[stem], definitions)
    assert ods.error is None and xlsx.error is None
    assert _finding_data(ods) == _finding_data(xlsx)
    assert [form.coverage.indicators_read for form in ods.forms] == [form.coverage.indicators_read
                                                                    for form in xlsx.forms]


def test_the_planted_percent_row_of_an_ods_is_found(definitions):
    """1 shown as 100% against 指标值 95 (%) with a planted score: the fault is found at its row,
    and nothing else (read as the bare 1, the row would be judged missed or not at all)."""
    from evaluator.runner.engine import check_file

    found = check_file(FIXTURES / "ods-percent" / "percent-format-plant.ods", definitions).findings
    assert [(f.rule, f.cell, f.expected) for f in found if f.severity.rank > 0] == [("target-score", "J15", "9.47")]


def _rewritten(source: Path, target: Path, edit) -> Path:
    """``source`` with its content.xml passed through ``edit`` (the mimetype kept first, stored)."""
    import zipfile

    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            data = old.read(info)
            if info.filename == "content.xml":
                changed = edit(data.decode("utf-8"))
                assert changed != data.decode("utf-8"), "the edit changed nothing"
                data = changed.encode("utf-8")
            new.writestr(info, data, compress_type=info.compress_type)
    return target


# The percent-format fixture's two percentage styles: N11 (0.00%) for 执行率, N10 (0%) for 完成值.
_N10 = ('<number:percentage-style style:name="N10"><number:number number:decimal-places="0" '
        'number:min-decimal-places="0" number:min-integer-digits="1"/><number:text>%</number:text>'
        '</number:percentage-style>')


@pytest.mark.parametrize(("name", "edit"), [
    ("scientific", lambda text: text.replace(_N10, _N10.replace("number:number ", "number:scientific-number "
                                                                  "number:min-exponent-digits=\"1\" ")
                                                  .replace("number:number", "number:scientific-number"))),
    ("no decimals given", lambda text: text.replace(_N10, _N10.replace('number:decimal-places="0" ', ""))),
    ("no data style", lambda text: text.replace(' style:data-style-name="N10"', "")),
    ("not a percentage style", lambda text: text.replace(_N10, _N10.replace("percentage-style", "number-style")
                                                          .replace("<number:text>%</number:text>", ""))),
])
def test_an_ods_percentage_whose_format_is_not_certain_leaves_its_rows_unjudged(name, edit, tmp_path, definitions):
    from evaluator.runner.engine import check_file

    source = FIXTURES / "ods-percent" / "percent-format-plant.ods"
    assert _N10 in zipfile_text(source)
    path = _rewritten(source, tmp_path / "form.ods", edit)
    grid = load_grids(path).sheets[0]
    assert percent_places(grid.number_format(15, 8)) == -1
    assert percent_places(grid.number_format(6, 8)) == 2       # 执行率, in N11, read as before
    found = check_file(path, definitions).findings
    unread = sorted(f.cell for f in found if f.rule == "format-unread")
    assert "H15" in unread and all(f.severity.name == "INFO" for f in found if f.rule == "format-unread")
    assert not [f for f in found if f.rule == "target-score"], "a row whose percentage is not known was judged"


def zipfile_text(path: Path) -> str:
    import zipfile

    with zipfile.ZipFile(path) as archive:
        return archive.read("content.xml").decode("utf-8")


_CONTENT = """<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0"
 xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"
 xmlns:number="urn:oasis:names:tc:opendocument:xmlns:datastyle:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.3">
<office:automatic-styles>
<number:percentage-style style:name="P1"><number:number number:decimal-places="1" number:min-integer-digits="1"/><number:text>%</number:text></number:percentage-style>
<style:style style:name="pc" style:family="table-cell" style:parent-style-name="Percent"/>
<style:style style:name="plain" style:family="table-cell"/>
</office:automatic-styles>
<office:body><office:spreadsheet>
<table:table table:name="一">
<table:table-column table:number-columns-repeated="2"/><table:table-column table:default-cell-style-name="pc"/>
<table:table-row table:number-rows-repeated="3">
<table:table-cell table:number-columns-repeated="2" table:style-name="pc" office:value-type="percentage" office:value="0.953"/>
<table:table-cell office:value-type="percentage" office:value="0.5"/>
</table:table-row>
<table:table-row table:default-cell-style-name="pc"><table:covered-table-cell/><table:table-cell office:value-type="float" office:value="0.25"/>
<table:table-cell table:style-name="plain" office:value-type="float" office:value="0.5"/></table:table-row>
</table:table>
<table:table table:name="二"><table:table-row><table:table-cell table:style-name="pc" office:value-type="string"/>
<table:table-cell table:style-name="plain" office:value-type="percentage" office:value="0.1"/></table:table-row></table:table>
</office:spreadsheet></office:body></office:document-content>"""
# A common style in styles.xml, the parent of the automatic one: its data style is found through it.
_STYLES = """<?xml version="1.0" encoding="UTF-8"?>
<office:document-styles xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" office:version="1.3">
<office:styles><style:style style:name="Percent" style:family="table-cell" style:data-style-name="P1"/></office:styles>
</office:document-styles>"""


def test_ods_percent_cells_are_found_through_repeats_parents_and_default_styles():
    """Repeated rows and cells, a covered cell, a row's and a column's default cell style, a parent
    style in styles.xml, and a second table read after the first."""
    import io
    import zipfile

    from evaluator.intake.numformats import lookups

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", _CONTENT)
        archive.writestr("styles.xml", _STYLES)
    found = lookups(buffer.getvalue(), ["一", "二"], ods=True)
    first, second = found["一"], found["二"]
    assert [first(row, col) for row in (1, 2, 3) for col in (1, 2, 3)] == ["0.0%"] * 9
    assert (first(4, 1), first(4, 2), first(4, 3), first(5, 1)) == (None, "0.0%", None, None)
    # a percentage cell in a style without a data style: shown as a percentage, decimals unknown
    assert second(1, 2) == "%" and percent_places(second(1, 2)) == -1
    assert second(1, 1) is None and found["一"](9, 9) is None
