"""The 分值 (weights) do not add up to the printed total or to a printed group weight.

Three sums are checked where the form prints them: each group label that prints its points
(产出指标(50分), 数量指标(20分), Hubei's 年度绩效目标1(40分)) or a group 分值 cell, against Σ 分值 of
its rows; 绩效指标(90分) against Σ indicator 分值; and the 总分 row's 分值 (100; Sichuan's 合计 100)
against the 年度资金总额 分值 + Σ indicator 分值. A row without a 分值, a formula without a value,
or a group of rows without weights leaves that sum unjudged. A discrepancy already reported on a
smaller group is not reported again on the groups around it or the total (one error, one
finding): a 12 typed for 10 under 数量指标(20分) is one finding, on 数量指标.

Why it matters: weights that do not add up make a total out of 100 meaningless.

Passing: ``产出指标(50分)`` over rows of 10 + 10 + 10 + 10 + 10.
Failing: ``产出指标(50分)`` over rows of 10 + 10 + 10 + 10 + 20 = 60.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Iterator

from evaluator.checks.base import Rule
from evaluator.families.project.derive import funds_weight, indicator_weight, number
from evaluator.families.project.model import IndicatorRow, ProjectForm
from evaluator.findings import Finding, Severity
from evaluator.values.numbers import fmt
from evaluator.values.text import is_blank_text

RULE = Rule(
    slug="weight-sum",
    severity=Severity.ERROR,
    title="分值合计不符",
    message="{indicator}：分值 {actual} 不等于下级分值合计 {arithmetic}",
    passing="产出指标(50分)：10 + 10 + 10 + 10 + 10 = 50",
    failing="产出指标(50分)：10 + 10 + 10 + 10 + 20 = 60",
    catches="一级、二级指标标注的分值（如“产出指标(50分)”）、绩效指标(90分)或总分分值不等于其下各项分值之和",
    why="分值合计不符，满分 100 的总分就失去意义",
)
TOTAL = "{indicator}：分值 {actual} 不等于预算执行分值与各指标分值合计 {arithmetic}"


def _blank_row(row: IndicatorRow) -> bool:
    """A template row nobody filled: no 分值 and no 得分."""
    return (not row.weight.undecided and row.weight.is_empty_text and row.weight_from_label is None
            and not row.score.undecided and is_blank_text(row.score.raw))


def _weights(rows: list[IndicatorRow]) -> list[Decimal] | None:
    values = []
    for row in rows:
        if _blank_row(row):
            continue
        weight = indicator_weight(row)
        if weight is None:
            return None
        values.append(weight)
    return values or None


def _arithmetic(values: list[Decimal]) -> str:
    return " + ".join(fmt(v) for v in values) + f" = {fmt(sum(values, Decimal(0)))}"


def check(form: ProjectForm) -> Iterator[Finding]:
    # Reported discrepancies, as (rows they cover, difference), innermost groups first.
    reported: list[tuple[frozenset[int], Decimal]] = []

    def explained(rows: frozenset[int]) -> tuple[Decimal, list[tuple[frozenset[int], Decimal]]]:
        inner = [entry for entry in reported if entry[0] <= rows]
        return sum((diff for _, diff in inner), Decimal(0)), inner

    for group in sorted(form.groups, key=lambda g: -g.level):
        printed = number(group.weight)
        weights = _weights(group.rows)
        if printed is None or weights is None:
            continue
        rows = frozenset(id(row) for row in group.rows)
        diff = sum(weights, Decimal(0)) - printed
        if diff == 0:
            continue
        already, inner = explained(rows)
        for entry in inner:
            reported.remove(entry)
        reported.append((rows, diff))
        if already == diff:
            continue
        ref = group.weight.ref or group.label_ref
        yield RULE.emit(ref, indicator=group.name, expected=sum(weights, Decimal(0)), actual=printed,
                        arithmetic=_arithmetic(weights), expected_of="weight",
                        related=[row.weight.ref for row in group.rows])

    every = frozenset(id(row) for row in form.indicators)
    weights = _weights(form.indicators)
    if weights is None:
        return
    indicator_sum = sum(weights, Decimal(0))
    label_points = form.indicators_weight_from_label
    if label_points is not None and label_points != indicator_sum:
        already, _ = explained(every)
        if indicator_sum - label_points != already:
            yield RULE.emit(form.indicators_ref, indicator="绩效指标", expected=indicator_sum, actual=label_points,
                            arithmetic=_arithmetic(weights), expected_of="weight")
        reported[:] = [(every, indicator_sum - label_points)]
    printed = number(form.total_weight)
    funds = form.funds_total
    funds_points = funds_weight(funds, form) if funds is not None else None
    if printed is None or funds_points is None:
        return
    parts = [funds_points] + weights
    diff = sum(parts, Decimal(0)) - printed
    if diff == 0 or explained(every)[0] == diff:
        return
    yield RULE.emit(form.total_weight.ref, indicator="总分", expected=sum(parts, Decimal(0)), actual=printed,
                    arithmetic=_arithmetic(parts), expected_of="weight", message=TOTAL)
