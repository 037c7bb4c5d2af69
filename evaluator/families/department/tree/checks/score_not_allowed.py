"""A 三级 row's 得分 is not one its printed 评分标准 can produce.

The 评分表 rarely prints the figures a rule needs (the rates, the counts), so the question asked is
whether the score is *possible*: the 评分标准 is parsed into the set of scores it allows (a cap or a
sign rule with a step per point, bands and categories with listed points, counted deductions,
checklists of items; see ``tree/criteria.py``). A rule that scores in proportion allows any score
from 0 to the 分值; a rule that cannot be parsed leaves the row to ``criteria-unjudged``. A score
outside 0…分值 is ``score-out-of-range``'s alone.

Why it matters: a score the rule cannot produce was set by hand, not by the rule.

Passing: ``≥90%得9分，80%（含）-90%得7分，80%以下不得分`` | 9 | 7.
Failing: the same rule and a score of 8.
"""

from __future__ import annotations

from typing import Iterator

from evaluator.checks.base import Rule
from evaluator.families.department.tree.criteria import allowed_scores, show
from evaluator.families.department.tree.model import TreeForm
from evaluator.findings import Finding, Severity
from evaluator.values.numbers import fmt

RULE = Rule(
    slug="score-not-allowed",
    severity=Severity.WARNING,
    title="得分不符合评分标准",
    message="{indicator}：得分 {actual} 不是评分标准能给出的分数（可得：{allowed}）",
    passing="≥90%得9分，80%（含）-90%得7分，80%以下不得分 | 分值 9 | 得分 7",
    failing="≥90%得9分，80%（含）-90%得7分，80%以下不得分 | 分值 9 | 得分 8",
    catches="按评分表印出的评分标准（封顶扣分、区间、类别、逐项扣分、逐项得分），该得分不可能得到。",
    why="评分标准给不出的分数是手填的，不是按标准评出的；需核对标准或得分。",
)


def check(form: TreeForm) -> Iterator[Finding]:
    for row in form.rows:
        score, weight = row.score.number, row.weight.number
        if score is None or weight is None or score < 0 or score > weight or row.criteria.is_blank:
            continue
        allowed = allowed_scores(row.criteria.text, weight)
        if not allowed.parsed or allowed.allows(score):
            continue
        values = allowed.values or frozenset()
        nearest = min(values, key=lambda value: (abs(value - score), -value))
        yield RULE.emit(row.score.ref, indicator=row.name, actual=score, expected_of="score",
                        arithmetic=f"评分标准“{row.criteria.text}”，分值 {fmt(weight)}：可得 {show(values)}；"
                                   f"最接近的是 {fmt(nearest)}",
                        alternatives=[("可得分数", fmt(value)) for value in sorted(values, reverse=True)[:8]],
                        related=[row.criteria.ref], allowed=show(values))


def unjudged(form: TreeForm) -> list:
    """The rows whose 评分标准 could not be parsed (for ``criteria-unjudged``)."""
    result = []
    for row in form.rows:
        weight = row.weight.number
        if row.score.number is None or weight is None or row.criteria.is_blank or row.score.number > weight:
            continue
        if row.score.number == weight:
            continue   # full marks: every rule allows them, nothing to judge
        if not allowed_scores(row.criteria.text, weight).parsed:
            result.append(row)
    return result
