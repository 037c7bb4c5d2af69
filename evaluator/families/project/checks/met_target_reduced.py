"""A quantitative target was met, yet the 得分 is below the 分值 and a reason says why (warning).

The 办法 gives a met target its full 分值; it allows a reduction only where the 完成值 is well
above a target set too low at the start of the year ("对完成值高于指标值较多的…如果是由于年初
指标值设定明显偏低造成的，要按照偏离度适度调减分值"). A met quantitative or date target scored
below its 分值 *without* a reason is ``target-score``'s (full marks due). With a reason:

- the 完成值 is well above a ≥ target (at least 130% of it, the threshold a provincial system uses
  to require the reason): the reduction is what the 办法 allows, said as information;
- otherwise (met but not clearly exceeded, a ceiling kept, a date kept): a warning that quotes the
  reason, for the reviewer to accept or not.

Qualitative rows keep their bands (达成 80–100% of 分值 …): a score inside its band is no finding.

Why it matters: a point taken from a met target changes the total; the reviewer must see the
reason the unit gave and decide whether the 办法 allows it.

Passing: ``新建村级道路长度 | ≥12公里 | 12.5公里 | 15 | 15``.
Failing: ``新建村级道路长度 | ≥12公里 | 12.5公里 | 15 | 14 | 年初指标值设定偏低，调减1分``.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from typing import Iterator

from evaluator.checks.base import Rule
from evaluator.families.project.derive import (
    corrected_weights,
    has_reason,
    indicator_weight,
    judgement,
    number,
    scored_indicators,
)
from evaluator.families.project.model import ProjectForm
from evaluator.findings import Finding, Severity
from evaluator.values.numbers import fmt

RULE = Rule(
    slug="met-target-reduced",
    severity=Severity.WARNING,
    title="完成指标值却未得满分",
    message="{indicator}：{outcome}，已完成指标值，得分 {actual} 低于分值 {expected}；偏差原因写明“{reason}”{note}",
    passing="新建村级道路长度 | ≥12公里 | 12.5公里 | 15 | 15",
    failing="新建村级道路长度 | ≥12公里 | 12.5公里 | 15 | 14 | 年初指标值设定偏低，调减1分",
    catches="定量（或时间）指标已完成指标值，得分却低于分值，偏差原因写了调减理由；完成值明显高于指标值（≥130%）时仅提示",
    why="完成指标值应得满分；只有完成值远高于设定偏低的指标值时才允许按偏离度调减，调减理由须经审核认可",
)
#: The same finding as information: the 完成值 is well above the target, as the 办法 allows.
INFO = replace(RULE, severity=Severity.INFO)
#: A 完成值 at least this multiple of a ≥ target is "well above" it.
WELL_ABOVE = Decimal("1.3")
ALLOWED = "；完成值明显高于指标值，按偏离度调减为《办法》所允许，请确认指标值确属设定偏低"
REVIEW = "；完成值并未明显高于指标值，《办法》规定完成指标值得满分，请核实调减理由"
LONGEST_QUOTE = 60


def _well_above(outcome) -> bool:
    return (outcome.kind == "quantity" and outcome.direction == "up" and outcome.target is not None
            and outcome.actual is not None and outcome.target > 0 and outcome.actual >= outcome.target * WELL_ABOVE)


def check(form: ProjectForm) -> Iterator[Finding]:
    fixed = corrected_weights(form)
    for row in scored_indicators(form):
        weight, score = fixed.get(id(row), indicator_weight(row)), number(row.score)
        if weight is None or score is None or score < 0 or score >= weight or not has_reason(row):
            continue
        outcome = judgement(row)
        if outcome is None or not outcome.met or outcome.kind == "words":
            continue
        reason = " ".join(row.reason.text.split())
        if len(reason) > LONGEST_QUOTE:
            reason = reason[:LONGEST_QUOTE] + "…"
        allowed = _well_above(outcome)
        rule = INFO if allowed else RULE
        yield rule.emit(row.score.ref, indicator=row.label, expected=weight, actual=score, expected_of="score",
                        outcome=outcome.shown or f"完成值 {row.actual.text}",
                        reason=reason, note=ALLOWED if allowed else REVIEW,
                        related=[row.reason.ref, row.target.ref, row.actual.ref],
                        arithmetic=f"完成指标值应得满分 {fmt(weight)}，申报 {fmt(score)}")
