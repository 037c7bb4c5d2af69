"""The annotated copy of an .xlsx/.xlsm is the original package with only what the annotation
changes: every other part byte for byte, the marked cells' own formats kept (only the fill is
the mark's), existing comments, drawings, charts, validation, names, hidden sheets and VBA kept;
and a copy sent back is put back as the author left it before the new marks go on."""

from __future__ import annotations

import io
import re
import shutil
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from conftest import SAMPLES
from evaluator.families import load_definitions
from evaluator.findings import Finding, Severity
from evaluator.outputs.annotate import annotated_workbook, patchable, write_annotated
from evaluator.outputs.xlsx_load import load_for_annotation
from evaluator.outputs.marker import is_result_sheet, read_mark, values_digest
from evaluator.runner.engine import check_file
from evaluator.runner.run import Job, process

CORPUS = Path(__file__).resolve().parent / "fixtures" / "faithful"
FORM = "部门整体支出绩效自评表"
COLOURS = {Severity.ERROR: "FFFFC7CE", Severity.WARNING: "FFFFEB9C", Severity.INFO: "FFDDEBF7"}
#: Parts the annotation may change (the marked sheet's own parts are matched by the test).
MAY_CHANGE = {"[Content_Types].xml", "xl/styles.xml", "xl/workbook.xml", "xl/_rels/workbook.xml.rels",
              "docProps/custom.xml", "_rels/.rels"}


@pytest.fixture(scope="module")
def definitions():
    return load_definitions()


def _checked(path: Path, definitions, **kwargs):
    result = check_file(path, definitions, keep_grids=True, **kwargs)
    result.values_digest = values_digest(result.grids)
    return result


def _parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as package:
        return {name: package.read(name) for name in package.namelist()}


def _sheet_parts(path: Path, sheet: str) -> set[str]:
    """The part of ``sheet``, its relationships and its comments and their drawing."""
    from evaluator.outputs.package import open_package, relationships, rels_name, workbook_sheets

    with path.open("rb") as handle:
        package = open_package(handle)
        (part,) = [found.part for found in workbook_sheets(package) if found.name == sheet]
        own = {part, rels_name(part)}
        own |= {rel["Part"] for rel in relationships(package, part)
                if not rel["External"] and rel["Type"].rsplit("/", 1)[-1] in ("comments", "vmlDrawing")}
    return own


@pytest.mark.parametrize("name", ["faithful.xlsx", "faithful.xlsm", "faithful-libreoffice.xlsx"])
def test_every_part_the_annotation_does_not_touch_is_byte_identical(name, tmp_path, definitions):
    source = CORPUS / name
    result = _checked(source, definitions)
    assert patchable(result) and any(finding.sheet == FORM for finding in result.findings)
    copy = write_annotated(result, tmp_path / f"copy{source.suffix}")
    before, after = _parts(source), _parts(copy)
    touched = MAY_CHANGE | _sheet_parts(source, FORM)
    assert set(before) <= set(after)
    for part, content in before.items():
        if part not in touched:
            assert after[part] == content, part
    # Kept: the chart, the image, the VBA project, the link, the hidden sheets, names, validation.
    workbook = load_workbook(copy, keep_vba=name.endswith(".xlsm"), keep_links=True)
    assert workbook.sheetnames[-1] == "校验结果"
    states = {sheet.title: sheet.sheet_state for sheet in load_workbook(source)}
    assert {sheet.title: sheet.sheet_state for sheet in workbook if sheet.title != "校验结果"} == states
    assert states["隐藏"] == "hidden" and states["很隐藏"] in ("hidden", "veryHidden")  # LibreOffice: hidden
    assert workbook["图表数据"]._charts and workbook["图表数据"].protection.sheet
    assert workbook[FORM].data_validations.dataValidation
    assert workbook[FORM].conditional_formatting
    if name != "faithful-libreoffice.xlsx":
        assert "总分" in workbook.defined_names and "xl/media/image1.png" in after
        assert after["xl/externalLinks/externalLink1.xml"] == before["xl/externalLinks/externalLink1.xml"]
    if name.endswith(".xlsm"):
        assert after["xl/vbaProject.bin"] == before["xl/vbaProject.bin"]
        assert b"macroEnabled" in after["[Content_Types].xml"]
    # The author's own comment on the flagged cell stays, ours after it; the other one untouched.
    form = workbook[FORM]
    assert form["A1"].comment.text.startswith("作者原有的批注")
    assert form["G40"].comment.text.startswith("作者原有的批注：总分由财务复核")
    assert "total-mismatch" in form["G40"].comment.text
    # The existing styles.xml is a prefix of the new one's lists: nothing edited in place.
    old_xfs = re.search(rb"<cellXfs\b.*?</cellXfs>", before["xl/styles.xml"], re.DOTALL).group(0)
    new_xfs = re.search(rb"<cellXfs\b.*?</cellXfs>", after["xl/styles.xml"], re.DOTALL).group(0)
    assert new_xfs[new_xfs.index(b">"):].startswith(old_xfs[old_xfs.index(b">"):-len(b"</cellXfs>")])


def _style(cell):
    return tuple(repr(part) for part in (cell.font, cell.border, cell.number_format, cell.alignment, cell.protection))


cells = st.lists(st.tuples(st.sampled_from("ABCDEFGHIJ"), st.integers(1, 45),
                           st.sampled_from(list(Severity))), min_size=1, max_size=12)


@pytest.fixture(scope="module")
def corpus_form(definitions):
    source = CORPUS / "faithful.xlsx"
    return source, _checked(source, definitions), load_for_annotation(source)[FORM]


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(marks=cells)
def test_random_marks_change_only_the_marked_cells_fill(marks, tmp_path_factory, corpus_form):
    source, result, original = corpus_form
    findings = [Finding(rule="total-mismatch", severity=severity, message="随机标记", sheet=FORM, cell=f"{col}{row}")
                for col, row, severity in marks]
    result = replace(result, forms=[replace(result.forms[0], findings=findings)])
    copy = write_annotated(result, tmp_path_factory.mktemp("copy") / "copy.xlsx")
    sheet = load_for_annotation(copy)[FORM]
    marked: dict[str, Severity] = {}
    for col, row, severity in marks:
        anchor = _anchor_of(original, f"{col}{row}")
        marked[anchor] = max(marked.get(anchor, severity), severity, key=lambda s: s.rank)
    for row in original.iter_rows(min_row=1, max_row=45, max_col=10):
        for cell in row:
            copied = sheet[cell.coordinate]
            assert copied.value == cell.value
            if cell.coordinate in marked:
                assert copied.fill.fgColor.rgb == COLOURS[marked[cell.coordinate]], cell.coordinate
                assert _style(copied) == _style(cell)
                assert copied.comment is not None and copied.comment.text.count("随机标记") == sum(
                    1 for c, r, _ in marks if _anchor_of(original, f"{c}{r}") == cell.coordinate)
            else:
                assert _style(copied) == _style(cell) and repr(copied.fill) == repr(cell.fill), cell.coordinate


def _anchor_of(sheet, address: str) -> str:
    for merged in sheet.merged_cells.ranges:
        if address in merged:
            return merged.start_cell.coordinate
    return address


def test_the_openpyxl_writer_and_the_package_writer_say_the_same(tmp_path, definitions):
    result = _checked(SAMPLES / "project-planted-weight-sum.xlsx", definitions)
    patched = load_workbook(write_annotated(result, tmp_path / "patched.xlsx"))
    stream = io.BytesIO()
    annotated_workbook(result).save(stream)
    rebuilt = load_workbook(stream)
    ours, theirs = patched["校验结果"], rebuilt["校验结果"]
    assert [[c.value for c in row] for row in ours.iter_rows()] == [[c.value for c in row] for row in theirs.iter_rows()]
    assert ours.freeze_panes == theirs.freeze_panes and ours.auto_filter.ref == theirs.auto_filter.ref
    assert list(ours.tables) == list(theirs.tables)
    assert [c.hyperlink.location for row in ours.iter_rows() for c in row if c.hyperlink] == \
        [c.hyperlink.location for row in theirs.iter_rows() for c in row if c.hyperlink]
    assert ours["A1"].font.b and ours.print_title_rows == theirs.print_title_rows
    look = lambda c: (c.font.b, c.font.sz, c.font.color.rgb if c.font.color else None, c.fill.patternType,  # noqa: E731
                      c.fill.fgColor.rgb, c.number_format, c.alignment.wrap_text, c.alignment.vertical,
                      c.border.bottom.style, c.quotePrefix)
    assert [[look(c) for c in row] for row in ours.iter_rows()] == [[look(c) for c in row] for row in theirs.iter_rows()]
    assert {k: d.width for k, d in ours.column_dimensions.items()} == {k: d.width for k, d in theirs.column_dimensions.items()}
    assert {k: d.height for k, d in ours.row_dimensions.items() if d.height} == \
        {k: d.height for k, d in theirs.row_dimensions.items() if d.height}
    printing = lambda ws: (ws.page_setup.orientation, ws.page_setup.paperSize, ws.page_setup.scale,  # noqa: E731
                           ws.page_setup.fitToWidth, ws.page_setup.fitToHeight, ws.page_setup.pageOrder,
                           ws.sheet_properties.pageSetUpPr.fitToPage, ws.print_title_cols,
                           [getattr(ws.page_margins, side) for side in ("left", "right", "top", "bottom")],
                           [[part.text for part in (footer.left, footer.center, footer.right)]
                            for footer in (ws.oddFooter, ws.evenFooter)])
    assert printing(ours) == printing(theirs)
    assert ours.sheet_properties.pageSetUpPr.fitToPage and "&P" in ours.oddFooter.center.text
    assert sorted(map(str, ours.merged_cells.ranges)) == sorted(map(str, theirs.merged_cells.ranges))
    assert ours.merged_cells.ranges
    for sheet in ("项目支出绩效自评表",):
        for row in rebuilt[sheet].iter_rows():
            for cell in row:
                if cell.comment is not None:
                    assert patched[sheet][cell.coordinate].comment.text == cell.comment.text


@pytest.mark.parametrize("save", ["openpyxl", "libreoffice"])
def test_a_corrected_copy_sent_back_comes_out_as_the_author_left_it(save, tmp_path, definitions):
    if save == "libreoffice" and shutil.which("soffice") is None:
        pytest.skip("LibreOffice is not installed")
    first = tmp_path / "first"
    job = Job(path=CORPUS / "faithful.xlsx", display="faithful.xlsx", relative=Path("faithful.xlsx"))
    process(job, definitions, first / "faithful.checked.xlsx")
    workbook = load_workbook(first / "faithful.checked.xlsx")
    workbook[FORM]["G40"] = 94.31          # the correction the report asked for
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    back = inbox / "faithful.xlsx"
    workbook.save(back)
    if save == "libreoffice":
        import subprocess

        subprocess.run(["soffice", "--headless", "--convert-to", "xlsx", "--outdir", str(tmp_path / "lo"), str(back)],
                       check=True, capture_output=True, timeout=180)
        shutil.copy(tmp_path / "lo" / "faithful.xlsx", back)
    mark = read_mark(back)
    assert mark is not None and mark.modified
    again = tmp_path / "again"
    result = process(Job(path=back, display="faithful.xlsx", relative=Path("faithful.xlsx"), own_output=True),
                     definitions, again / "faithful.checked.xlsx")
    assert result.status == "ok", [f.rule for f in result.findings]
    copy = load_workbook(again / "faithful.checked.xlsx")
    assert [name for name in copy.sheetnames if is_result_sheet(name)] == ["校验结果"]
    original = load_workbook(CORPUS / "faithful.xlsx")[FORM]
    cell, before = copy[FORM]["G40"], original["G40"]
    assert cell.fill.fgColor.rgb == before.fill.fgColor.rgb and cell.fill.patternType == before.fill.patternType
    assert cell.comment is not None and cell.comment.text == before.comment.text   # the author's, alone
    assert copy[FORM]["A1"].comment.text == original["A1"].comment.text


def test_a_cell_still_wrong_carries_its_finding_once(tmp_path, definitions):
    first = tmp_path / "first"
    job = Job(path=SAMPLES / "planted-total-mismatch.xlsx", display="x", relative=Path("x.xlsx"))
    process(job, definitions, first / "x.checked.xlsx")
    workbook = load_workbook(first / "x.checked.xlsx")
    workbook[FORM]["A1"] = workbook[FORM]["A1"].value   # saved again, the total still wrong
    workbook[FORM]["B3"] = "改过的单位名称"
    back = tmp_path / "back.xlsx"
    workbook.save(back)
    result = process(Job(path=back, display="back", relative=Path("back.xlsx"), own_output=True),
                     definitions, tmp_path / "again" / "back.checked.xlsx")
    assert result.annotated and not (tmp_path / "again" / "back.checked.checked.xlsx").exists()
    copy = load_workbook(tmp_path / "again" / "back.checked.xlsx")
    assert copy[FORM]["G40"].comment.text.count("total-mismatch") == 1
    assert copy[FORM]["G40"].fill.fgColor.rgb == COLOURS[Severity.ERROR]
    assert [name for name in copy.sheetnames if is_result_sheet(name)] == ["校验结果"]


def test_an_annotated_copy_sent_back_under_its_own_name_is_annotated_under_the_same_name(tmp_path):
    from click.testing import CliRunner

    from evaluator.cli import main

    first = tmp_path / "first"
    CliRunner().invoke(main, ["check", str(SAMPLES / "planted-total-mismatch.xlsx"), "--out", str(first)],
                       catch_exceptions=False)
    workbook = load_workbook(first / "planted-total-mismatch.checked.xlsx")
    workbook[FORM]["G40"] = 94.31
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    workbook.save(inbox / "planted-total-mismatch.checked.xlsx")
    again = tmp_path / "again"
    result = CliRunner().invoke(main, ["check", str(inbox), "--out", str(again)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert sorted(path.name for path in again.glob("*.checked*.xlsx")) == ["planted-total-mismatch.checked.xlsx"]
    copy = load_workbook(again / "planted-total-mismatch.checked.xlsx")
    assert copy[FORM]["G40"].comment is None and copy[FORM]["G40"].fill.patternType is None


@pytest.mark.parametrize(("sheet", "styles", "expected"), [
    ('<worksheet><sheetData/></worksheet>', {(2, 3): 7},
     '<worksheet><sheetData><row r="2"><c r="C2" s="7"/></row></sheetData></worksheet>'),
    ('<worksheet><sheetData><row r="1" spans="1:2"><c r="A1" s="1"><v>1</v></c><c r="C1"/></row>'
     '<row r="4"><c r="B4" t="s"><v>0</v></c></row></sheetData></worksheet>',
     {(1, 2): 9, (1, 3): 8, (3, 1): 5, (4, 2): 6, (5, 1): 4},
     '<worksheet><sheetData><row r="1"><c r="A1" s="1"><v>1</v></c><c r="B1" s="9"/><c r="C1" s="8"/></row>'
     '<row r="3"><c r="A3" s="5"/></row><row r="4"><c r="B4" t="s" s="6"><v>0</v></c></row>'
     '<row r="5"><c r="A5" s="4"/></row></sheetData></worksheet>'),
], ids=["empty sheet", "cells and rows inserted in order"])
def test_restyle_changes_only_style_attributes_and_inserts_in_order(sheet, styles, expected):
    from evaluator.outputs.package import restyle

    assert restyle(sheet, styles) == expected


@pytest.mark.parametrize("name, label", [
    ("planted-rate-score.xlsx", "部门整体支出绩效自评表（guangzhou-department-2022）"),
    ("project-planted-weight-sum.xlsx", "项目支出绩效自评表（全国通用）（project-national）")])
def test_the_result_sheet_names_the_edition_in_chinese_beside_its_id(name, label, tmp_path, definitions):
    """An edition id only beside its Chinese name, as summary.xlsx shows it; a fixed finding of the
    last round is named by its rule in Chinese, not by its slug alone."""
    result = _checked(SAMPLES / name, definitions)
    for book in (load_workbook(write_annotated(result, tmp_path / "patched.xlsx")),
                 annotated_workbook(result)):
        values = [str(c.value) for row in book["校验结果"].iter_rows() for c in row if c.value is not None]
        edition = label.rpartition("（")[2].rstrip("）")
        assert any(f"· {label} ·" in value for value in values)
        assert any(value == label for value in values)           # the forms table's 版本
        assert not any(value == edition or f"· {edition} ·" in value for value in values)
