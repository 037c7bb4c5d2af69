"""What can be derived from a form: the recomputed total (总分), the grade (评价等级) it earns, and
both again once every finding's expected score is put in place."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Iterable

from evaluator.checks.rows import ScoredRow
from evaluator.checks.texts import TextRow
from evaluator.families.department.catalog import Catalog, GradeBand
from evaluator.families.department.model import Form, GroupCell, IndicatorRow, Value
from evaluator.findings import Finding
from evaluator.values.patterns import lazy


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


def scored_rows(form: Form) -> list[ScoredRow]:
    """The form's rows as the rules shared by every family see them (``evaluator/checks/rows.py``).

    Each row is scored against :func:`row_weight` (None where it prints another 分值: its score is
    then not judged) and explained by its 未达标原因 and 改进措施, or by the one cell of a combined
    偏差原因分析及改进措施 column. No ``weight_cell``: the 分值 is the catalog's, and a 分值 the row
    prints is ``weight-mismatch``'s alone.
    """
    scored = []
    for row in form.rows:
        explanations = [("未达标原因", row.reason)]
        if row.remedy.ref != row.reason.ref:       # one combined column is one cell to fill
            explanations.append(("改进措施", row.remedy))
        scored.append(ScoredRow(label=row.label, score=row.score, weight=row_weight(row),
                                explanations=tuple(explanations)))
    return scored


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


_ROW_NUMBER = lazy(r"^[A-Z]+([0-9]+)$")


def corrected_total(form: Form, findings: Iterable[Finding]) -> Decimal | None:
    """Σ 三级 得分 with every finding's expected score put in place of the declared one.

    A finding about a score (``expected_of == "score"``) replaces the score of the row it sits on.
    None when the total cannot be recomputed, or when some finding about a score gives no single
    expected score: none at all (not a number, an unevaluated formula), a range (out of range),
    several accepted methods, two findings on one row that disagree, or a cell on no row of the
    table. With no finding about a score, the corrected total is the recomputed one.
    """
    if recomputed_total(form) is None:
        return None
    rows = {(row.name.ref.sheet, row.name.ref.row): index
            for index, row in enumerate(form.rows) if row.name.ref is not None}
    scores = [row.score.number for row in form.rows]
    placed: dict[int, Decimal] = {}
    for finding in findings:
        if finding.expected_of != "score":
            continue
        if finding.expected is None or finding.alternatives or finding.expected_range is not None:
            return None
        number = _ROW_NUMBER.match(finding.cell or "")
        index = rows.get((finding.sheet, int(number.group(1)))) if number else None
        try:
            expected = Decimal(finding.expected)
        except InvalidOperation:
            return None
        if index is None or placed.get(index, expected) != expected:
            return None
        placed[index] = expected
    for index, expected in placed.items():
        scores[index] = expected
    return sum(scores, Decimal(0))


def corrected_grade(total: Decimal | None, catalog: Catalog) -> GradeBand | None:
    """The band the corrected total earns (None without a corrected total)."""
    return catalog.grade_for(total) if total is not None else None


def _group_names(groups) -> list[str]:
    """The 一级 and 二级 labels: a sentence naming one (专项效能得分24.12分) is about that group."""
    names = []
    for group in groups:
        if isinstance(group, GroupCell):
            names.append(group.name)
            names.extend(_group_names(group.children))
    return names


_TEXT_ROWS = "_text_rows"


def text_rows(form: Form) -> list[TextRow]:
    """The form's rows as the text rules see them (:mod:`evaluator.checks.texts`): a rate-scored
    row's score is ``rate-score``'s to compare, so a result its text computes is not compared here.

    Worked out once a form (text-arithmetic, deduction-mismatch and text-score each read them; a
    form is not changed once read): kept on the form, tagged with its identity, so that a copy of
    it (the consequences' corrected forms) works them out afresh. Each caller gets its own list of
    the same frozen rows."""
    memo = form.__dict__.get(_TEXT_ROWS)
    if memo is None or memo[0] != id(form):
        memo = form.__dict__[_TEXT_ROWS] = (id(form), _text_rows(form))
    return list(memo[1])


def _text_rows(form: Form) -> list[TextRow]:
    labels = [row.label for row in form.rows] + _group_names(form.groups)
    result = []
    for row in form.rows:
        rate_scored = row.indicator is not None and row.indicator.scoring == "rate"
        result.append(TextRow(
            label=row.label, score=row.score, weight=row_weight(row), texts=tuple(row.texts),
            others=tuple(label for label in labels if label != row.label),
            compare_result=not rate_scored, rate_scored=rate_scored))
    return result
