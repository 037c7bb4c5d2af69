"""What can be derived from a form: the recomputed total (总分) and the grade (评价等级) it earns."""

from __future__ import annotations

from decimal import Decimal

from evaluator.families.department.catalog import Catalog, GradeBand
from evaluator.families.department.model import Form, IndicatorRow, Value


def weight_differs(value: Value, expected: Decimal | None) -> bool:
    """The form prints a 分值 other than ``expected`` (a formula without a value is undecided, and a
    form without a 分值 column prints none)."""
    if value.undecided or value.ref is None:
        return False
    return value.number != expected


def row_weight(row: IndicatorRow) -> Decimal | None:
    """The weight a row is scored against: the catalog's, else the one written on the row.

    None when the row prints a 分值 other than the catalog's: ``weight-mismatch`` reports that cell,
    and the row's score is not judged against a 分值 the form does not print (one error, one finding).
    """
    if row.indicator is None:
        return row.weight.number
    if weight_differs(row.weight, row.indicator.weight):
        return None
    return row.indicator.weight


def recomputed_total(form: Form) -> Decimal | None:
    """Σ 三级 得分; None when any score is missing, not a number or an unevaluated formula."""
    scores = [row.score.number for row in form.rows]
    if not scores or any(score is None for score in scores):
        return None
    return sum(scores, Decimal(0))


def subtotals(form: Form) -> list[tuple[str, Decimal]]:
    """Σ 得分 per 一级指标 in form order (rows with a non-number score count as 0)."""
    sums: dict[str, Decimal] = {}
    for row in form.rows:
        sums[row.level1] = sums.get(row.level1, Decimal(0)) + (row.score.number or Decimal(0))
    return list(sums.items())


def grading_total(form: Form) -> Decimal | None:
    """The total a grade is judged on: the recomputed one, else the declared one."""
    total = recomputed_total(form)
    return total if total is not None else form.total.number


def computed_grade(form: Form, catalog: Catalog) -> GradeBand | None:
    total = grading_total(form)
    return catalog.grade_for(total) if total is not None else None


def declared_grade(form: Form) -> str | None:
    ticked = [mark.name for mark in form.grade_marks if mark.ticked]
    return ticked[0] if len(ticked) == 1 else None
