"""An arithmetic statement written in a text cell does not hold, or its result is not the 得分.

Reads ``a op b … = result`` in the row's 未达标原因 and 改进措施 (full-width digits and operators
included) and evaluates it exactly, comparing at the precision the text wrote its result with:
``92.31%*5=4.62`` holds (4.6155 → 4.62); ``92.31%*5=4.65`` does not. When the statement multiplies
by the row's 分值, its result is a score and must equal the declared 得分 (for rate-scored
indicators that comparison is ``rate-score``'s, so it is not made twice).

Why it matters: the text is the department's own justification of the score; arithmetic that does
not hold undermines it.
"""

from __future__ import annotations

from typing import Iterator

from evaluator.families.department.catalog import Catalog
from evaluator.families.department.derive import row_weight
from evaluator.findings import Finding, Severity
from evaluator.families.department.model import Form
from evaluator.values.numbers import fmt
from evaluator.values.textmath import statements
from evaluator.checks.base import Rule

RULE = Rule(
    slug="text-arithmetic",
    severity=Severity.ERROR,
    title="文字中的算式不成立",
    message="{indicator}：{where}写道“{statement}”，但 {arithmetic}",
    passing="专项资金支出率 | 5.00 | 4.62 | 专项资金支出进度=92.31%*5=4.62",
    failing="专项资金支出率 | 5.00 | 4.62 | 专项资金支出进度=92.31%*5=4.65",
    catches=(
        "未达标原因或改进措施中写的算式不成立（例如“92.31%*5=4.65”），或者算式的结果是得分，"
        "却与申报的得分不符；按文字写出的精度精确计算。"
    ),
    why="文字是部门对得分的说明，算式不成立，这个说明就站不住。",
)
RESULT_NOT_SCORE = "{indicator}：{where}算得 {expected}（{arithmetic}），申报得分 {actual}"


def check(form: Form, catalog: Catalog) -> Iterator[Finding]:
    for row in form.rows:
        weight = row_weight(row)
        for text in row.texts:
            where = f"{text.ref.a1} " if text.ref else ""
            for statement in statements(text.text):
                if not statement.holds:
                    yield RULE.emit(row.score.ref if row.score.ref else text.ref, indicator=row.label,
                                    expected=statement.rounded, actual=statement.result,
                                    arithmetic=statement.arithmetic, statement=statement.text, where=where)
                    continue
                rate_scored = row.indicator is not None and row.indicator.scoring == "rate"
                score = row.score.number
                if (rate_scored or weight is None or score is None or not statement.multiplies(weight)
                        or statement.result == score):
                    continue
                yield RULE.emit(row.score.ref, indicator=row.label, expected=statement.result, actual=score,
                                arithmetic=statement.arithmetic, message=RESULT_NOT_SCORE, where=where)
