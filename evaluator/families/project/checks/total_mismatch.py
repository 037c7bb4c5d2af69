"""The declared 总分 is not the 年度资金总额 得分 + Σ indicator 得分.

Recomputed exactly from the scores as declared (a wrong score is its own rule's finding; this
one fires only when the total is also inconsistent with the declared scores). Repeats of the funds
score on 其中 rows (Anhui, Yunnan) are not added; rows that do not apply ("/" and no score) add
nothing. When a score is not a number or a formula has no value, the total is undecided and
nothing is said here. Compared at 0.01.

Why it matters: the total decides the grade and is what gets published.

Passing: ``总分 | 100 | 98`` with 9 (预算执行) + 50 + 30 + 9 = 98.
Failing: ``总分 | 100 | 100`` with 9 + 50 + 30 + 9 = 98.
"""

from __future__ import annotations

from typing import Iterator

from evaluator.checks.base import Rule, shown
from evaluator.families.project.derive import arithmetic, recomputed_total
from evaluator.families.project.model import ProjectForm
from evaluator.findings import Finding, Severity
from evaluator.values.numbers import round_half_up

RULE = Rule(
    slug="total-mismatch",
    severity=Severity.ERROR,
    title="总分与各项得分合计不符",
    message="总分：预算执行得分与各指标得分合计 {arithmetic}，申报 {actual}",
    passing="总分 | 100 | 98（9 + 50 + 30 + 9 = 98）",
    failing="总分 | 100 | 100（9 + 50 + 30 + 9 = 98）",
    catches="总分不等于 预算执行（年度资金总额）得分 + 各三级指标得分之和（其中各行重复的得分不计）",
    why="总分决定评价等级，也是公开的结果",
)


def check(form: ProjectForm) -> Iterator[Finding]:
    if form.total.ref is None or form.total.undecided or form.total.is_empty_text:
        return
    total = recomputed_total(form)
    if total is None:
        return
    declared = form.total.number
    if declared is not None and round_half_up(declared) == round_half_up(total):
        return
    yield RULE.emit(form.total.ref, indicator="总分", expected=total,
                    actual=declared if declared is not None else shown(form.total.raw),
                    arithmetic=arithmetic(form), expected_of="total")
