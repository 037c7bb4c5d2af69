"""The rules every family shares (evaluator/checks/rows.py): what each keyword changes in a finding,
and that the department form, run through them, says what it said with its own loops."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from operator import attrgetter
from pathlib import Path

import pytest

from evaluator.checks import rows
from evaluator.checks.base import Rule
from evaluator.checks.rows import ScoredRow
from evaluator.families.department.checks import missing_explanation
from evaluator.findings import CellRef, Severity
from evaluator.runner.engine import check_file
from evaluator.values.cell import Value

SHEET = "表"
RULE = Rule(slug="score-out-of-range", severity=Severity.ERROR, title="t",
            message="{indicator}：{actual} / {weight}", passing="p", failing="f")
NO_WEIGHT = "{indicator}：{actual}"


def _cell(row: int, col: int, raw: object = None, formula: str | None = None) -> Value:
    return Value(raw=raw, ref=CellRef(SHEET, row, col), formula=formula)


def _row(row: int, score: object, weight: str | None = "10", **fields) -> ScoredRow:
    return ScoredRow(label=f"指标{row}", score=_cell(row, 8, score),
                     weight=Decimal(weight) if weight is not None else None, weight_cell=_cell(row, 7, weight),
                     **fields)


def test_score_not_number_names_the_weight_or_only_a_range():
    (weight,) = rows.score_not_number(RULE, [_row(5, "满分")])
    assert (weight.expected, weight.expected_of, weight.expected_range) == ("10", None, None)
    (ranged,) = rows.score_not_number(RULE, [_row(5, "满分")], expect="range")
    assert (ranged.expected, ranged.expected_of, ranged.expected_range) == (None, "score", ("0", "10"))
    assert ranged.message == "指标5：满分 / 10"
    assert ranged.arithmetic == "得分“满分”不是数字，无法计入总分"


def test_score_not_number_without_a_weight_uses_its_own_message_and_states_no_range():
    (finding,) = rows.score_not_number(RULE, [_row(5, None, weight=None)], expect="range",
                                       message_without_weight=NO_WEIGHT)
    assert finding.message == "指标5：（空）"
    assert finding.expected_range is None


def test_score_out_of_range_names_the_weight_or_only_a_range():
    (weight,) = rows.score_out_of_range(RULE, [_row(5, "12")])
    assert (weight.expected, weight.expected_range, weight.related) == ("10", ("0", "10"), ((SHEET, "G5"),))
    (ranged,) = rows.score_out_of_range(RULE, [_row(5, "-1")], expect="range")
    assert (ranged.expected, ranged.expected_range, ranged.arithmetic) == (None, ("0", "10"), "-1 < 0")
    # A row that names no cell for its weight relates none.
    (bare,) = rows.score_out_of_range(RULE, [replace(_row(5, "12"), weight_cell=Value(raw=None, ref=None))])
    assert bare.related == ()


def _explained(row: int, reason: object, remedy: object = None) -> ScoredRow:
    return _row(row, "8", explanations=(("原因", _cell(row, 9, reason)), ("措施", _cell(row, 10, remedy))))


def test_missing_explanation_points_at_the_first_empty_cell_and_relates_the_rest():
    (finding,) = rows.missing_explanation(RULE, [_explained(5, None, "/")])
    assert (finding.cell, finding.expected_of, finding.actual) == ("I5", "text", "（空）")
    assert finding.related == ((SHEET, "H5"), (SHEET, "J5"))
    (alone,) = rows.missing_explanation(RULE, [_explained(5, None, "/")], relate_score=False)
    assert alone.related == ((SHEET, "J5"),)


def test_missing_explanation_counts_as_empty_what_it_is_told():
    said = [_explained(5, "无偏差", "已整改")]
    assert [f.cell for f in rows.missing_explanation(RULE, said)] == ["I5"]
    assert list(rows.missing_explanation(RULE, said, empty=attrgetter("is_empty_text"))) == []


def test_missing_explanation_reports_a_merged_reason_cell_once_or_once_per_row():
    merged = _cell(5, 9)
    lost = [replace(_row(row, "8"), explanations=(("原因", merged),)) for row in (5, 6)]
    assert [f.indicator for f in rows.missing_explanation(RULE, lost)] == ["指标5"]
    per_row = rows.missing_explanation(RULE, lost, once_per_cell=False)
    assert [(f.cell, f.indicator) for f in per_row] == [("I5", "指标5"), ("I5", "指标6")]


def test_formula_no_value_says_what_the_cell_holds_when_told():
    values = [("甲", _cell(5, 8, formula="=X")), ("乙", _cell(6, 8, formula="=Y"), "score"),
              ("甲again", _cell(5, 8, formula="=X"))]
    rule = replace(RULE, slug="formula-no-value", message="{indicator}：{formula}")
    found = list(rows.formula_no_value(rule, values))
    assert [(f.cell, f.expected_of) for f in found] == [("H5", None), ("H6", "score")]


# ---------------------------------------------------------------------------------------------
# The department form through the shared loops

SAMPLES = Path(__file__).resolve().parent.parent / "sample_workbooks"


@pytest.fixture(scope="module")
def department(definitions, catalog):
    (checked,) = check_file(SAMPLES / "correct-form.xlsx", definitions).forms
    return checked.model


def test_department_names_every_row_under_one_merged_empty_reason(department, catalog):
    """A 未达标原因 merged over two rows that both lost points: one finding per row, as before the
    department form used the shared loop."""
    lost = [index for index, row in enumerate(department.rows)
            if row.score.number is not None and row.indicator is not None and row.score.number < row.indicator.weight]
    assert len(lost) >= 2
    first, second = lost[:2]
    merged = Value(raw=None, ref=department.rows[first].reason.ref)
    changed = list(department.rows)
    for index in (first, second):
        changed[index] = replace(changed[index], reason=merged)
    found = list(missing_explanation.check(replace(department, rows=changed), catalog))
    assert [(f.cell, f.indicator) for f in found] == [
        (merged.ref.a1, department.rows[first].label), (merged.ref.a1, department.rows[second].label)]
    assert all(f.related == () for f in found)
