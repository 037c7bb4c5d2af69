"""A 得分系数 of 100% on an indicator whose 全年完成值 falls short of its target (定量 indicators with
comparable figures; the (调整)指标值, else the 年初指标值): a note to review, not an error.

How the coefficient is set is not printed on the form, so full marks against an unmet target may
be right (a target met in substance, an agreed tolerance); the note asks a reviewer to look. A
target written ≤ / 以下 / 以内 / 不超过, or an indicator the edition lists as lower-is-better
(控制率, 调整率, 结余率 …), is met by a value at or below it.

Why it matters: full marks for a missed target are the first thing an auditor asks about.

Passing: ``≥50个 | 52个 | 100%``. Failing: ``100% | 72.74% | 100%``.
"""

from __future__ import annotations

import re
from typing import Iterator

from evaluator.checks.base import Rule
from evaluator.families.department.coefficient.model import CoefficientForm, as_fraction
from evaluator.findings import Finding, Severity
from evaluator.values.numbers import parse_number

RULE = Rule(
    slug="coefficient-review",
    severity=Severity.INFO,
    title="未达目标却得满系数",
    message="{indicator}：全年完成值 {actual} 未达到指标值 {target}，得分系数却为 100%，请复核",
    passing="年初指标值 ≥50个 | 全年完成值 52个 | 得分系数 100%",
    failing="年初指标值 100% | 全年完成值 72.74% | 得分系数 100%",
    catches="定量指标的全年完成值未达到指标值，得分系数却是 100%。",
    why="表上不印得分系数的规则：满系数未必错，但未达目标却得满分正是复核人首先要问的。",
)

_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")
_LOWER = re.compile(r"≤|<=|＜|<|以下|以内|不超过|不高于|低于")


def _figure(text: str):
    match = _NUMBER.search(text.replace(",", ""))
    return parse_number(match.group(0)) if match else None


def check(form: CoefficientForm) -> Iterator[Finding]:
    for row in form.rows:
        if "定性" in row.nature.text:
            continue
        near = row.score.number / row.weight.number if row.weight.number and row.score.number is not None else None
        coefficient = as_fraction(row.coefficient, row.coefficient_in_points, near)
        if coefficient != 1:
            continue
        target = row.adjusted if not row.adjusted.is_blank else row.target
        goal, actual = _figure(target.text), _figure(row.actual.text)
        if goal is None or actual is None:
            continue
        lower = bool(_LOWER.search(target.text)) or any(word in row.name for word in form.edition.model.lower_is_better)
        if (actual > goal) if lower else (actual < goal):
            yield RULE.emit(row.coefficient.ref, indicator=row.name, actual=row.actual.text, target=target.text,
                            related=[row.actual.ref, target.ref])
