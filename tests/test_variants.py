"""Every variant of every sample gives the findings of the sample itself, at that file's cells.

The original findings come from the committed ``sample_workbooks/*.xlsx``; each finding's cell is
followed to the variant through the builder's cell maps (see ``tests/variants.py``). The same rule,
severity and indicator must be found at the mapped cell and nothing else: a planted error must
survive every variant, and a correct form must stay silent in every variant.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import openpyxl
import pytest
from openpyxl.utils.cell import coordinate_from_string, column_index_from_string

import variants
from evaluator.outputs.annotate import write_annotated
from evaluator.runner.engine import check_file
from evaluator.outputs.reporters.json import report
from evaluator.intake.workbook import a1, load_grids

SAMPLE_DIR = Path(__file__).resolve().parent.parent / "sample_workbooks"
SAMPLES = list(variants.samples())


def _position(sheet: str, cell: str) -> tuple[str, int, int]:
    letters, row = coordinate_from_string(cell)
    return sheet, row, column_index_from_string(letters)


def _findings_by_key(samples: dict, cell_map, definitions) -> dict[str, list[tuple]]:
    """Each sample's findings, as (rule, severity, indicator, builder key of the cell)."""
    result = {}
    for sample, data in samples.items():
        keys = {where: key for key, where in cell_map(data).items()}
        found = []
        for finding in check_file(SAMPLE_DIR / f"{sample}.xlsx", definitions).findings:
            key = keys.get(_position(finding.sheet, finding.cell)) if finding.cell else None
            assert finding.cell is None or key is not None, f"{sample}: no cell key for {finding}"
            found.append((finding.rule, finding.severity.value, finding.indicator, key))
        result[sample] = found
    return result


@pytest.fixture(scope="session")
def originals(definitions):
    """Each department sample's findings, by the builder key of their cells."""
    return _findings_by_key(variants.samples(), variants.cell_map, definitions)


def expected_findings(originals, sample: str, built: variants.Built) -> list[tuple]:
    """The original findings at the variant's cells; a second form has the seed's findings."""
    expected = []
    for index, cells in enumerate(built.forms):
        source = sample if index == 0 else variants.seed_sample()
        for rule, severity, indicator, key in originals[source]:
            sheet, row, col = cells[key] if key is not None else (None, None, None)
            expected.append((rule, severity, indicator, sheet, a1(row, col) if row else None))
    return sorted(expected, key=repr)


def found_findings(result) -> list[tuple]:
    return sorted(((f.rule, f.severity.value, f.indicator, f.sheet, f.cell) for f in result.findings), key=repr)


@pytest.mark.parametrize("sample", SAMPLES)
@pytest.mark.parametrize("variant", variants.VARIANTS, ids=[variant.name for variant in variants.VARIANTS])
def test_variant_gives_the_same_findings(variant, sample, originals, definitions, catalog_data, tmp_path):
    built = variants.build(variant, sample, tmp_path, catalog_data)
    result = check_file(built.path, definitions)
    assert result.error is None, result.error
    assert len(result.forms) == len(built.forms)
    assert found_findings(result) == expected_findings(originals, sample, built)


def test_the_samples_have_the_findings_they_were_planted_with(originals):
    """The comparison above is only as good as its originals: every planted error is there."""
    assert originals["correct-form"] == []
    assert [rule for rule, *_ in originals[variants.seed_sample()]] == ["deduction-mismatch"]
    for name in SAMPLES:
        if name.startswith("planted-"):
            # the planted error, and the 总分 that follows a planted score (随之应为)
            assert [rule for rule, *_ in originals[name]][:1] == [name.removeprefix("planted-")]
            assert {rule for rule, *_ in originals[name][1:]} <= {"total-mismatch"}


def test_two_forms_are_two_json_entries_each_with_its_sheet(definitions, catalog_data, tmp_path):
    built = variants.build(variants.BY_NAME["two-forms"], "planted-total-mismatch", tmp_path, catalog_data)
    entries = report([check_file(built.path, definitions)])["files"]
    assert [(e["sheet"], e["department"]) for e in entries] == [
        ("部门整体支出绩效自评表", "广州市工业和信息化局"), (variants.SECOND_SHEET, variants.SECOND_DEPARTMENT)]
    assert [[f["rule"] for f in e["findings"]] for e in entries] == [["total-mismatch"], ["deduction-mismatch"]]
    assert {f["sheet"] for e in entries for f in e["findings"]} == {"部门整体支出绩效自评表", variants.SECOND_SHEET}
    json.dumps(entries, ensure_ascii=False)


def test_formulas_without_results_are_evaluated_not_read_as_blank(catalog_data, tmp_path):
    built = variants.build(variants.BY_NAME["formulas"], "planted-total-mismatch", tmp_path, catalog_data)
    grid = load_grids(built.path).sheets[0]
    cells = built.forms[0]
    _, row, col = cells[("total", "score")]
    assert grid.computed[(row, col)] == "=SUM(G12:G39)+1"
    assert str(grid.cells[(row, col)]) == "95.31"
    assert not grid.formulas


def test_formulas_with_results_use_the_stored_result(catalog_data):
    variant = variants.BY_NAME["libreoffice-formulas-xlsx"]
    path = variants.fixture_path(variant, "planted-total-mismatch")
    grid = load_grids(path).sheets[0]
    assert grid.computed == {} and grid.formulas == {}
    assert "<f" in _sheet_xml(path)  # the fixture does hold formulas, with their results
    _, row, col = variants.cell_map(variants.samples()["planted-total-mismatch"], variant.layout)[("total", "score")]
    assert grid.cells[(row, col)] == 95.31


def _sheet_xml(path: Path) -> str:
    with zipfile.ZipFile(path) as archive:
        return archive.read("xl/worksheets/sheet1.xml").decode("utf-8")


def test_annotated_copy_of_an_xls_keeps_values_merges_and_widths(definitions, tmp_path):
    source = variants.fixture_path(variants.BY_NAME["libreoffice-formulas-xls"], "planted-total-mismatch")
    result = check_file(source, definitions, keep_grids=True)
    destination = tmp_path / "copy.checked.xlsx"
    write_annotated(result, destination)
    sheet = openpyxl.load_workbook(destination).worksheets[0]
    original = load_grids(source).sheets[0]
    for (row, col), value in original.cells.items():
        assert sheet.cell(row, col).value == value
    merged = {(r.min_row, r.min_col, r.max_row, r.max_col) for r in sheet.merged_cells.ranges}
    assert merged == {m for m in original.merged if m[:2] != m[2:]}
    widths = {column: dimension.width for column, dimension in sheet.column_dimensions.items()}
    assert widths["E"] == 26 and widths["H"] == 40 and widths["A"] == 12
    total = next(f for f in result.findings if f.rule == "total-mismatch")
    assert sheet[total.cell].comment is not None


def test_a_form_that_is_not_found_says_which_labels_were_seen(make_form, definitions):
    path = make_form(layout={"headers": {"score": "分数"}, "cover_sheet": True})
    [finding] = check_file(path, definitions).findings
    assert finding.rule == "form-not-found"
    assert "“三级指标”在 部门整体支出绩效自评表!E11" in finding.message
    assert "没有找到：“得分”（也可写作：自评分" in finding.message


# --------------------------------------------------------------------------------------------
# Project forms

PROJECT_CASES = [(variant, sample) for variant in variants.PROJECT_VARIANTS
                 for sample in variants.project_samples_of(variant)]


@pytest.fixture(scope="session")
def project_originals(definitions):
    """Each project sample's findings, by the edit key of their cells."""
    return _findings_by_key(variants.project_samples(), variants.project_cell_map, definitions)


@pytest.mark.parametrize(("variant", "sample"), PROJECT_CASES,
                         ids=[f"{variant.name}-{sample}" for variant, sample in PROJECT_CASES])
def test_project_variant_gives_the_same_findings(variant, sample, project_originals, definitions, tmp_path):
    built = variants.build_project_variant(variant, sample, tmp_path)
    result = check_file(built.path, definitions)
    assert result.error is None, result.error
    assert [form.family for form in result.forms] == ["project"] * len(built.forms)
    expected = []
    for index, cells in enumerate(built.forms):
        source = sample if index == 0 else variants.SECOND_PROJECT
        for rule, severity, indicator, key in project_originals[source]:
            sheet, row, col = cells[key] if key is not None else (None, None, None)
            expected.append((rule, severity, indicator, sheet, a1(row, col) if row else None))
    assert found_findings(result) == sorted(expected, key=repr)
    originals = check_file(SAMPLE_DIR / f"{sample}.xlsx", definitions).forms[0]
    assert result.forms[0].edition == originals.edition
    assert result.forms[0].facts == originals.facts


def test_the_project_samples_have_the_findings_they_were_planted_with(project_originals):
    for name, found in project_originals.items():
        planted = [name.removeprefix("project-planted-")] if name.startswith("project-planted-") else []
        # the planted error, and the 总分 that follows a planted score (随之应为)
        assert [rule for rule, *_ in found if rule != "total-mismatch" or planted == ["total-mismatch"]] == planted


def test_project_fixtures_hold_formula_results(definitions):
    variant = variants.PROJECT_BY_NAME["libreoffice-formulas-xlsx"]
    path = variants.project_fixture_path(variant, "project-national")
    grid = load_grids(path).sheets[0]
    assert grid.computed == {} and grid.formulas == {}
    assert "<f" in _sheet_xml(path)
