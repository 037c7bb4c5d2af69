"""A 得分 (score) is below 0 or above its 分值 (weight).

The row's 分值 is the catalog's; a row that prints another is ``weight-mismatch``'s alone. The
finding gives the allowed range (``expected_range`` 0 to the 分值), not a single expected score.

Why it matters: a score above its weight inflates the total and the grade; a negative score is
never possible on this form.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Iterator

from evaluator.families.department.catalog import Catalog
from evaluator.families.department.derive import row_weight
from evaluator.findings import Finding, Severity
from evaluator.families.department.model import Form
from evaluator.checks.base import Rule

RULE = Rule(
    slug="score-out-of-range",
    severity=Severity.ERROR,
    title="得分超出分值范围",
    message="{indicator}：得分 {actual} 超出 0 至 {weight} 的范围（分值 {weight}）",
    passing="资产配置合规性 | 2.00 | 2",
    failing="资产配置合规性 | 2.00 | 2.5",
    catches="得分小于 0，或大于该指标的分值。",
    why="超过分值的得分会虚增总分，甚至抬高评价等级；这张表上不可能有负分。",
)


def check(form: Form, catalog: Catalog) -> Iterator[Finding]:
    for row in form.rows:
        score, weight = row.score.number, row_weight(row)
        if score is None or weight is None:
            continue
        if score < Decimal(0) or score > weight:
            yield RULE.emit(row.score.ref, indicator=row.label, actual=score, expected_of="score",
                            expected_range=(Decimal(0), weight), weight=weight)
