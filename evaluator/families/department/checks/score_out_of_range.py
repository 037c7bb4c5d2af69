"""A 得分 (score) is below 0 or above its 分值 (weight).

The row's 分值 is the catalog's; a row that prints another is ``weight-mismatch``'s alone. The
finding gives the allowed range (``expected_range`` 0 to the 分值), not a single expected score.

Why it matters: a score above its weight inflates the total and the grade; a negative score is
never possible on this form.

The row loop is the one every family shares (``evaluator/checks/rows.py``).
"""

from __future__ import annotations

from typing import Iterator

from evaluator.checks import rows
from evaluator.checks.base import Rule
from evaluator.families.department.catalog import Catalog
from evaluator.families.department.derive import scored_rows
from evaluator.families.department.model import Form
from evaluator.findings import Finding, Severity

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
    yield from rows.score_out_of_range(RULE, scored_rows(form), expect="range")
