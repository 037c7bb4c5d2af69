"""The printed 评价等级 of a scored tree is not the band its recomputed total earns (on editions that
print grade bands).

Why it matters: the grade is the form's verdict; a wrong band misstates the result.

Passing: 95.5 → 优. Failing: 85 with 优 written.
"""

from __future__ import annotations

from typing import Iterator

from evaluator.checks.base import Rule
from evaluator.families.department.tree.checks.total_mismatch import recomputed
from evaluator.families.department.tree.model import TreeForm
from evaluator.findings import Finding, Severity
from evaluator.values.numbers import fmt

RULE = Rule(
    slug="grade-mismatch",
    severity=Severity.ERROR,
    title="评价等级与总分不符",
    message="评价等级“{actual}”与总分 {total} 不符，应为“{expected}”",
    passing="总分 95.5，评价等级 优",
    failing="总分 85，评价等级 优",
    catches="评分表写明的评价等级不是按总分应得的等级。",
    why="评价等级是这张表的结论；等级错了，结论就错了。",
)


def check(form: TreeForm) -> Iterator[Finding]:
    edition = form.edition
    declared = "".join(form.grade.text.split())
    total = recomputed(form)
    if not declared or total is None or not edition.model.grades:
        return
    band = edition.grade_for(total)
    names = [b.name for b in edition.model.grades]
    written = next((name for name in names if name == declared or declared.startswith(name)), None)
    if band is None or written is None or written == band.name:
        return
    yield RULE.emit(form.grade.ref, indicator="评价等级", expected=band.name, actual=written, expected_of="grade",
                    arithmetic=f"{fmt(total)} → {band.name}（{band.describe()}）", total=total)
