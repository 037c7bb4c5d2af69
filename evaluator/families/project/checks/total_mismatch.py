"""The declared 总分 is not the 年度资金总额 得分 + Σ indicator 得分.

Recomputed exactly from the scores as declared. A wrong score is its own rule's finding: when the
declared total is what the scores add up to once those findings' expected scores (or any of their
alternatives, or within their bands) are in place, the total is right and nothing is said here
(one error, one finding). Repeats of the funds
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
from evaluator.families.project.checks import rate_score, score_not_number, score_out_of_range, target_score
from evaluator.families.project.derive import arithmetic, recomputed_total, total_explained
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


def score_findings(form: ProjectForm) -> list[Finding]:
    """The findings that say a score is wrong and what it should be."""
    return [finding for module in (rate_score, target_score, score_out_of_range, score_not_number)
            for finding in module.check(form)]


def check(form: ProjectForm) -> Iterator[Finding]:
    if form.total.ref is None or form.total.undecided or form.total.is_empty_text:
        return
    total = recomputed_total(form)
    if total is None:
        return
    declared = form.total.number
    if declared is not None and round_half_up(declared) == round_half_up(total):
        return
    if declared is not None and total_explained(form, declared, score_findings(form)):
        return
    yield RULE.emit(form.total.ref, indicator="总分", expected=total,
                    actual=declared if declared is not None else shown(form.total.raw),
                    arithmetic=arithmetic(form), expected_of="total")
