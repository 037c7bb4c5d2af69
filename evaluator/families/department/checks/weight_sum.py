"""A parent's 分值 is not the sum of its children's, or the 一级 weights do not sum to 100.

The sums are those of the workbook's own figures. A discrepancy that a cell already flagged by
``weight-mismatch`` or ``missing-indicator`` explains (the sum holds once those cells take their
catalog values) is not reported again: the accountant is sent to the cell to fix, once. What
remains are sums broken by rows and groups the catalog does not know.

Why it matters: weights that do not add up make a total out of 100 meaningless.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Iterator

from evaluator.families.department.catalog import Catalog
from evaluator.findings import Finding, Severity
from evaluator.families.department.model import Form, GroupCell
from evaluator.values.numbers import fmt
from evaluator.values.text import norm_label
from evaluator.checks.base import Rule

RULE = Rule(
    slug="weight-sum",
    severity=Severity.ERROR,
    title="分值合计不符",
    message="{indicator}：分值 {actual} 不等于下级分值合计 {arithmetic}",
    passing="资产管理 10 = 2 + 1 + 1 + 2 + 2 + 2",
    failing="资产管理 10，下级另有一行“其他” 1 分：2 + 1 + 1 + 2 + 2 + 2 + 1 = 11",
    catches=(
        "上级指标的分值不等于下级分值之和，或一级指标的分值合计不是 100；"
        "已由分值与指标体系不符或缺少指标解释的差额不再重复报告。"
    ),
    why="分值加不上，满分 100 的总分就失去了意义。",
)


def _sum(values: list[Decimal]) -> Decimal:
    return sum(values, Decimal(0))


def _arithmetic(values: list[Decimal]) -> str:
    return " + ".join(fmt(v) for v in values) + f" = {fmt(_sum(values))}"


def _group_weight(group: GroupCell, catalog: Catalog) -> Decimal | None:
    known = catalog.group(group.level, group.name)
    return known.weight if known else group.weight.number


def check(form: Form, catalog: Catalog) -> Iterator[Finding]:
    matched = {row.indicator.id for row in form.rows if row.indicator}
    present = {(g.level, norm_label(g.name)) for one in form.groups for g in [one, *one.children]}

    def missing_weight(level: int, name: str) -> Decimal:
        """Catalog weight of the children of a group that have no row or group in the form."""
        known = catalog.group(level, name)
        if not known:
            return Decimal(0)
        if level == 2:
            return _sum([ind.weight for ind in catalog.indicators
                         if norm_label(ind.level2) == norm_label(name) and ind.id not in matched])
        return _sum([catalog.group(2, child).weight for child in known.children
                     if (2, norm_label(child)) not in present])

    for one in form.groups:
        for two in one.children:
            written = [row.weight.number for row in two.children]
            parent = two.weight.number
            if parent is None or any(w is None for w in written) or _sum(written) == parent:
                continue
            effective = _sum([row.indicator.weight if row.indicator else row.weight.number for row in two.children])
            if _group_weight(two, catalog) == effective + missing_weight(2, two.name):
                continue
            yield RULE.emit(two.weight.ref, indicator=two.name, expected=_sum(written), actual=parent,
                            arithmetic=_arithmetic(written), expected_of="weight",
                            related=[row.weight.ref for row in two.children])
        written = [two.weight.number for two in one.children]
        parent = one.weight.number
        if parent is None or any(w is None for w in written) or _sum(written) == parent:
            continue
        effective = _sum([_group_weight(two, catalog) for two in one.children])
        if _group_weight(one, catalog) == effective + missing_weight(1, one.name):
            continue
        yield RULE.emit(one.weight.ref, indicator=one.name, expected=_sum(written), actual=parent,
                        arithmetic=_arithmetic(written), expected_of="weight",
                        related=[two.weight.ref for two in one.children])

    written = [one.weight.number for one in form.groups]
    if not written or any(w is None for w in written) or _sum(written) == catalog.total_weight:
        return
    effective = _sum([_group_weight(one, catalog) for one in form.groups])
    absent = _sum([node.weight for node in catalog.model.indicators if (1, norm_label(node.name)) not in present])
    if effective + absent == catalog.total_weight:
        return
    ref = form.total_weight.ref if form.total_weight.ref else form.groups[0].weight.ref
    yield RULE.emit(ref, indicator="一级指标", expected=catalog.total_weight, actual=_sum(written),
                    arithmetic=_arithmetic(written), expected_of="weight",
                    related=[one.weight.ref for one in form.groups if one.weight.ref != ref],
                    message="一级指标分值合计 {arithmetic}，应为 {expected}")
