"""An indicator's 得分 fits none of the documented scoring methods for its target and outcome.

The 年度指标值 and 实际完成值 are read as written (``≥50个``, ``≤202.6万元``, ``100%``,
``2023年12月``, ``达成预期指标``; see ``evaluator/values/targets.py``) and compared; whatever cannot
be read or compared with certainty (个 against %, other words) is not judged. Then, with B the
完成值, A the 指标值 and w the 分值, a score is accepted when it fits any documented method of the
form's edition (form-xiangmu §2.3, §2.4):

- target met (≥ reached, ≤ kept, date not later): w. A met target scored lower with a 偏差原因 that
  says why is ``met-target-reduced``'s (the reason is quoted there), not this rule's;
- ≥ (and =, judged as ≥) missed: B / A × w;
- ≤ (and a bare target under 成本指标) missed: A / B × w and (1 − (B − A) / A) × w (0 from
  B ≥ 2A), in the edition's order;
- qualitative: 达成 (or a 完成值 repeating its target) 80–100% of w, 部分达成 and 未达成 the
  edition's bands (national 60–80% and 0–60%; Hubei 50–80% and 0–50%).

A score is compared at 0.01, half-up; integer rounding is not a method (3 for 2.92 is a finding).
A 偏差原因 that works out its own row's score (``完成率97.3%，97.3%×10=9.73``) is accepted when its
arithmetic holds; where the values cannot be read (``基本完成``), a score that differs from the one
the 偏差原因 works out is a finding. A finding gives the edition's first method as ``expected`` and the others as
``alternatives``; a band gives ``expected_range``. Rows without a 分值, with a score that is not a
number or out of range (other rules' findings), or a missed date (no documented method), are not
judged.

Why it matters: an indicator's score follows from the values written beside it; a score that no
method gives is either a typing error or a judgement the form does not explain.

Passing: ``居民健康档案 | 38508 | 37442 | 3 | 2.92``.
Failing: ``居民健康档案 | 38508 | 37442 | 3 | 3`` (37442 / 38508 × 3 = 2.92).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Iterator

from evaluator.checks.base import Rule
from evaluator.families.project.derive import (
    corrected_weights,
    has_reason,
    indicator_weight,
    judgement,
    number,
    policy,
    scored_indicators,
)
from evaluator.families.project.model import IndicatorRow, ProjectForm
from evaluator.findings import Finding, Severity
from evaluator.values.numbers import round_half_up
from evaluator.values.targets import score_methods
from evaluator.values.textmath import find_rate, statements

RULE = Rule(
    slug="target-score",
    severity=Severity.ERROR,
    title="指标得分与完成情况不符",
    message="{indicator}：{arithmetic}，申报 {actual}{others}",
    passing="居民健康档案 | 38508 | 37442 | 3 | 2.92",
    failing="居民健康档案 | 38508 | 37442 | 3 | 3（37442 / 38508 × 3 = 2.92）",
    catches="指标得分不符合其指标值与完成值对应的任何一种计分方法（完成得满分；未完成按比例；反向指标两种算法；定性指标分档）",
    why="指标得分应由同一行的指标值和完成值算出；没有任何方法能得出的得分，要么是笔误，要么是表中没有说明的主观判断",
)
REDUCED = "；完成指标值应得满分，如因指标值设定偏低而调减，须在偏差原因中说明"


def _reads_as_score(statement) -> bool:
    """A statement whose result is a score: no unit but 分 after it (``10×0.5=5公里``, ``10×120=1200元``
    work out quantities, not the row's score)."""
    return (statement.final_unit or statement.result_unit) in (None, "分") and not statement.measured


def _stated_by_reason(row: IndicatorRow, weight: Decimal, score: Decimal) -> bool:
    """The row's 偏差原因 works out this very score from a rate of its own, and its arithmetic holds."""
    text = row.reason.text if row.reason.ref is not None else ""
    if not text:
        return False
    for statement in statements(text):
        if statement.holds and statement.multiplies(weight) and _reads_as_score(statement) and round_half_up(statement.result) == round_half_up(score):
            return True
    found = find_rate(text, weight)
    return found is not None and round_half_up(min(found[0], Decimal(1)) * weight) == round_half_up(score)


def _stated_elsewhere(row: IndicatorRow, weight: Decimal, score: Decimal) -> Iterator[Finding]:
    """Where the values cannot be judged, the 偏差原因 may work out the row's score itself
    (``完成率92%，92%×10=9.2``): one such statement that holds and gives another score is a finding."""
    text = row.reason.text if row.reason.ref is not None else ""
    worked = [s for s in statements(text) if s.holds and s.multiplies(weight) and _reads_as_score(s)]
    results = {round_half_up(s.result) for s in worked}
    if len(results) != 1:
        return
    result = results.pop()
    if result == round_half_up(score) or result < 0 or result > weight:
        return
    yield RULE.emit(row.score.ref, indicator=row.label, expected=result, actual=score,
                    arithmetic=f"偏差原因写明 {worked[0].arithmetic}", expected_of="score",
                    related=[row.reason.ref, row.weight.ref], others="")


def check(form: ProjectForm) -> Iterator[Finding]:
    rules = policy(form)
    fixed = corrected_weights(form)
    for row in scored_indicators(form):
        weight, score = fixed.get(id(row), indicator_weight(row)), number(row.score)
        if weight is None or score is None or weight <= 0 or score < 0 or score > weight:
            continue
        outcome = judgement(row)
        if outcome is None:
            yield from _stated_elsewhere(row, weight, score)
            continue
        methods = score_methods(outcome, weight, reverse=rules.reverse, bands=rules.bands)
        if not methods or any(method.fits(score) for method in methods):
            continue
        if outcome.met and outcome.kind != "words" and has_reason(row):
            continue                    # a reduction with a reason: met-target-reduced's
        if _stated_by_reason(row, weight, score):
            continue
        first, others = methods[0], methods[1:]
        note = "".join(f"；或按{method.name}：{method.arithmetic}" for method in others)
        if outcome.met and outcome.kind != "words" and score < weight:
            note += REDUCED
        related = [row.target.ref, row.actual.ref, row.weight.ref]
        if first.expected is not None:
            yield RULE.emit(row.score.ref, indicator=row.label, expected=first.expected, actual=score,
                            arithmetic=first.arithmetic, expected_of="score", related=related,
                            alternatives=[(m.name, m.expected) for m in others if m.expected is not None],
                            others=note)
        else:
            yield RULE.emit(row.score.ref, indicator=row.label, actual=score, arithmetic=first.arithmetic,
                            expected_of="score", related=related, expected_range=(first.low, first.high),
                            others=note)

