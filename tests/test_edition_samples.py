"""The samples of the department editions beyond Guangzhou (sample_workbooks/editions/): each
correct sample has no error or warning and is read by its own edition; each planted sample has its
rule's finding and nothing else; the committed files are what the build script makes of the data."""

from __future__ import annotations


import openpyxl
import pytest

import build_edition_samples
from evaluator.findings import Severity
from evaluator.runner.engine import check_file
from findingsets import independent, stray_consequences

FOLDER = build_edition_samples.FOLDER
SPECS = build_edition_samples.specs()
PLANTED = [(edition, rule) for edition, spec in SPECS.items() for rule in spec.get("planted") or {}]


def test_every_new_department_edition_has_a_correct_and_a_planted_sample(definitions):
    department = {edition.id for edition in definitions.of("department")} - {"guangzhou-department-2022"}
    assert department <= set(SPECS)
    assert all(SPECS[edition].get("planted") for edition in department)


@pytest.mark.parametrize("edition", sorted(SPECS))
def test_the_correct_sample_passes(edition, definitions):
    [form] = check_file(FOLDER / edition / "correct.xlsx", definitions).forms
    assert form.edition == edition
    assert [(f.rule, f.cell) for f in form.findings if f.severity is not Severity.INFO] == []


@pytest.mark.parametrize(("edition", "rule"), PLANTED)
def test_the_planted_sample_yields_its_finding_and_nothing_else(edition, rule, definitions):
    [form] = check_file(FOLDER / edition / f"planted-{rule}.xlsx", definitions).forms
    assert form.edition == edition
    assert [f.rule for f in independent(form.findings)] == [rule]
    assert stray_consequences(form.findings, independent(form.findings)) == []


def test_the_committed_samples_are_what_the_script_builds(tmp_path):
    for built in build_edition_samples.build(tmp_path):
        committed = FOLDER / built.relative_to(tmp_path)
        ours = [[cell.value for cell in row] for row in openpyxl.load_workbook(built).active.iter_rows()]
        theirs = [[cell.value for cell in row] for row in openpyxl.load_workbook(committed).active.iter_rows()]
        assert ours == theirs, f"rebuild {committed.name}: python tests/sample_sources/build_edition_samples.py"
