"""The text states a deduction (扣N分) that differs from 分值 − 得分.

Several stated deductions in one row are added up; a rule rather than a deduction (每项扣0.5分,
最多扣2分) is not counted.

Why it matters: the text and the number cannot both be right. A warning, not an error: the
deduction may have been weighted, but an auditor will ask.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Iterator

from evaluator.families.department.catalog import Catalog
from evaluator.families.department.derive import row_weight
from evaluator.findings import Finding, Severity
from evaluator.families.department.model import Form
from evaluator.values.numbers import fmt
from evaluator.values.textmath import stated_deductions
from evaluator.checks.base import Rule

RULE = Rule(
    slug="deduction-mismatch",
    severity=Severity.WARNING,
    title="文字所述扣分与得分不符",
    message="{indicator}：文中写“{stated}”，但 {arithmetic}",
    passing="专项资金绩效完成情况 | 20.00 | 19.8 | 存在个别指标未完成，扣0.2分",
    failing="专项资金绩效完成情况 | 20.00 | 19.8 | 存在个别指标未完成，扣1分",
    catches=(
        "文字中写明的扣分（“扣 N 分”）与分值减得分不一致；同一行写了几处扣分时相加后比较，"
        "“每项扣 0.5 分”这类扣分规则不计入。"
    ),
    why="文字和数字不可能都对。定为警告而不是错误：扣分可能另有折算，但审核时一定会被问到。",
)


def check(form: Form, catalog: Catalog) -> Iterator[Finding]:
    for row in form.rows:
        score, weight = row.score.number, row_weight(row)
        if score is None or weight is None:
            continue
        stated = [found for text in row.texts for found in stated_deductions(text.text)]
        if not stated:
            continue
        claimed = sum((amount for amount, _ in stated), Decimal(0))
        lost = weight - score
        if claimed == lost:
            continue
        yield RULE.emit(row.score.ref, indicator=row.label, expected=lost, actual=claimed,
                        arithmetic=f"{fmt(weight)} − {fmt(score)} = {fmt(lost)}",
                        stated="、".join(words for _, words in stated))
