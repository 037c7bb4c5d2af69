"""The corrected total: every finding's expected score put in place, or None when that is not one figure."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from evaluator.families.department.derive import corrected_total
from evaluator.findings import CellRef, Finding, Severity
from evaluator.runner.engine import check_file

SAMPLES = Path(__file__).resolve().parent.parent / "sample_workbooks"
SHEET = "部门整体支出绩效自评表"


@pytest.fixture(scope="module")
def form(definitions):
    (checked,) = check_file(SAMPLES / "planted-rate-score.xlsx", definitions).forms
    return checked.model


def _score(cell: str, expected: object = "4.62", **fields) -> Finding:
    row, col = int(cell[1:]), ord(cell[0]) - ord("A") + 1
    return Finding.make("rate-score", Severity.ERROR, "…", ref=CellRef(SHEET, row, col), expected=expected,
                        expected_of="score", **fields)


def test_no_finding_about_a_score_leaves_the_recomputed_total(form):
    weight = Finding.make("weight-mismatch", Severity.ERROR, "…", ref=CellRef(SHEET, 19, 6), expected=Decimal(1),
                          expected_of="weight")
    assert corrected_total(form, [weight]) == Decimal("94.21")


def test_the_expected_score_replaces_the_declared_one(form):
    assert corrected_total(form, [_score("G13")]) == Decimal("94.31")


def test_a_finding_on_the_rows_text_cell_corrects_that_rows_score(form):
    assert corrected_total(form, [_score("H13"), _score("G13")]) == Decimal("94.31")


@pytest.mark.parametrize("findings", [
    pytest.param([_score("G13", expected=None)], id="no expected score"),
    pytest.param([_score("G13", alternatives=[("线性", Decimal("4.6"))])], id="several methods"),
    pytest.param([_score("G13", expected=None, expected_range=(Decimal(0), Decimal(5)))], id="a range"),
    pytest.param([_score("G13"), _score("H13", expected="4.6")], id="two findings on a row disagree"),
    pytest.param([_score("G11")], id="a score finding on no row of the table"),
])
def test_no_single_expected_score_means_no_corrected_total(form, findings):
    assert corrected_total(form, findings) is None
