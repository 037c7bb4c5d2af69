"""A 分值 (weight) written in the workbook differs from the catalog's.

Covers 三级, 二级 and 一级 weights and the 分值 of the 总分 row. A 三级 row with a changed weight
is reported here once: its score is not also judged against the catalog's 分值 (out of range,
points lost without a reason, rate × 分值), which the form does not print.

Why it matters: the weights are fixed by the published form; a changed weight silently changes
what every score is worth.
"""

from __future__ import annotations

from typing import Iterator

from evaluator.families.department.catalog import Catalog
from evaluator.families.department.derive import weight_differs
from evaluator.findings import Finding, Severity
from evaluator.families.department.model import Form
from evaluator.checks.base import Rule, shown

RULE = Rule(
    slug="weight-mismatch",
    severity=Severity.ERROR,
    title="分值与指标体系不符",
    message="{indicator}：分值应为 {expected}（{level}），表中为 {actual}",
    passing="资产盘点情况 | 1.00 | 1",
    failing="资产盘点情况 | 2.00 | 1",
    catches="表中填写的分值（三级、二级、一级指标以及总分行）与指标体系规定的不同。",
    why="分值由公布的表样规定；改了分值，就悄悄改变了每一项得分的分量。",
)


def check(form: Form, catalog: Catalog) -> Iterator[Finding]:
    for one in form.groups:
        group = catalog.group(1, one.name)
        if group and weight_differs(one.weight, group.weight):
            yield RULE.emit(one.weight.ref, indicator=group.name, expected=group.weight,
                            actual=shown(one.weight.raw), level="一级指标", expected_of="weight")
        for two in one.children:
            group = catalog.group(2, two.name)
            if group and weight_differs(two.weight, group.weight):
                yield RULE.emit(two.weight.ref, indicator=group.name, expected=group.weight,
                                actual=shown(two.weight.raw), level="二级指标", expected_of="weight")
    for row in form.rows:
        if row.indicator and weight_differs(row.weight, row.indicator.weight):
            yield RULE.emit(row.weight.ref, indicator=row.label, expected=row.indicator.weight,
                            actual=shown(row.weight.raw), level="三级指标", expected_of="weight")
    if not form.total_weight.is_blank and weight_differs(form.total_weight, catalog.total_weight):
        yield RULE.emit(form.total_weight.ref, indicator="总分", expected=catalog.total_weight,
                        actual=shown(form.total_weight.raw), level="总分", expected_of="weight")
