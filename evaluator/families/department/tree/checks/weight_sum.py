"""A level of a scored tree does not add up: Σ三级 分值 ≠ its 二级's points, Σ二级 ≠ its 一级's,
or Σ一级 ≠ the printed total 分值 (else the edition's, 100) where the form prints a total row (a copy
cut off before it, or one part of a larger form, is not judged on Σ一级).

A group's points are read where the edition says (a column, or the bracket in its label
``投入(15分)``); a group that prints none is not judged. Each sum is reported once, on the group's
points cell, with the children's cells in ``related``.

Why it matters: points that do not add up make a total out of 100 meaningless.

Passing: ``预算执行(20分)`` over 10 + 10. Failing: ``预算执行(20分)`` over 10 + 8.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Iterator

from evaluator.checks.base import Rule
from evaluator.families.department.tree.model import TreeForm
from evaluator.findings import Finding, Severity
from evaluator.values.numbers import fmt

RULE = Rule(
    slug="weight-sum",
    severity=Severity.ERROR,
    title="分值合计不符",
    message="{indicator}：分值 {actual} 不等于下级分值合计 {arithmetic}",
    passing="预算执行(20分)：10 + 10 = 20",
    failing="预算执行(20分)：10 + 8 = 18",
    catches="评分表上级指标的分值（分值列或标签括号内）不等于下级分值之和，或一级分值合计不是总分值。",
    why="分值加不上，满分 100 的总分就失去了意义。",
)


def _arithmetic(values: list[Decimal]) -> str:
    return " + ".join(fmt(v) for v in values) + f" = {fmt(sum(values, Decimal(0)))}"


def _sum(children) -> Decimal | None:
    weights = [child.weight.number for child in children]
    return sum(weights, Decimal(0)) if weights and None not in weights else None


def _adds_up(points: Decimal | None, weights: list[Decimal | None]) -> bool:
    return points is not None and bool(weights) and None not in weights and sum(weights, Decimal(0)) == points


def check(form: TreeForm) -> Iterator[Finding]:
    def judge(name, parent, children, fits_above: bool, corrected=None) -> Iterator[Finding]:
        written = [child.weight.number for child in children]
        points = parent.number
        if points is None or not written or any(value is None for value in written):
            return
        total = sum(written, Decimal(0))
        if total == points or (corrected is not None and _adds_up(points, corrected)):
            return   # adds up, or will once a child reported with its value is corrected
        if fits_above:
            # The group's points agree with the level above: one of its children is wrong, and
            # which one is not known; the group's cell is named, with no value to write into it.
            yield RULE.emit(parent.ref, indicator=name, actual=points, arithmetic=_arithmetic(written),
                            message="{indicator}：下级分值合计 {arithmetic}，与本级分值 {actual} 不符"
                                    "（本级分值与上级相符，请核对下级分值）",
                            related=[child.weight.ref for child in children])
        else:
            yield RULE.emit(parent.ref, indicator=name, expected=total, actual=points,
                            arithmetic=_arithmetic(written), expected_of="weight",
                            related=[child.weight.ref for child in children])

    top = _top_weights(form)
    top_fits = top is not None and _adds_up(top[1], top[0])
    for one in form.groups:
        siblings = [two.weight.number for two in one.children]
        fits = _adds_up(one.weight.number, siblings)
        for two in one.children:
            yield from judge(two.name, two.weight, two.children, fits)
        # A 二级 reported with its value (its points disagree with its children and with 一级) is
        # counted at that value, so that one wrong figure is not also reported on the level above.
        corrected = [_sum(two.children) if not fits and _sum(two.children) is not None else two.weight.number
                     for two in one.children]
        yield from judge(one.name, one.weight, one.children, top_fits, corrected)
    if top is None:
        return
    written, expected = top
    if not written or any(value is None for value in written):
        return
    total = sum(written, Decimal(0))
    if total != expected:
        ref = form.total_weight.ref or (form.groups[0].weight.ref if form.groups else None)
        # A sum, not a cell: which 一级 points are wrong is not known, so no value is given to write.
        yield RULE.emit(ref, indicator="一级指标", actual=total, arithmetic=_arithmetic(written),
                        message=f"一级指标分值合计 {{arithmetic}}，应为 {fmt(expected)}")


def _top_weights(form: TreeForm) -> tuple[list[Decimal | None], Decimal] | None:
    """The 一级 points (else the 二级 ones, where 一级 prints none) and the total they must make;
    None on a form without a total row (a copy cut off, or a part of a larger form)."""
    if form.total.ref is None and form.total_weight.ref is None:
        return None
    written = [one.weight.number for one in form.groups]
    if not written or any(value is None for value in written):
        written = [two.weight.number for one in form.groups for two in one.children]
    expected = form.total_weight.number if form.total_weight.number is not None else form.edition.model.total_weight
    return written, expected
