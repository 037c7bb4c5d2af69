"""An arithmetic statement written in a 偏差原因 does not hold, or its result is not the 得分.

Reads the arithmetic in each indicator row's 偏差原因分析及改进措施 (未完成原因分析) and in the
funds row's own 原因 where the edition has one (Sichuan), and evaluates it exactly at the precision
the text wrote its result with, in every notation :func:`evaluator.values.textmath.statements`
reads (``× * x X ＊ · 乘以``, ``= ＝ ≈ 等于 得``, numbers with units and thousands separators, the
weight before or after the rate, brackets, chains, a 执行率 beside the two amounts it comes from).

Arithmetic wrong on its face is a finding at the text cell, with the 得分 cell in ``related``.
Arithmetic that holds, computes a score from the row's 分值 (``92%×10=9.2``, ``10−0.8=9.2``) and
is not the 得分 is a finding at the 得分 cell, with the text cell in ``related`` — unless a score
rule already reports that 得分 (``rate-score`` on the funds row, ``target-score`` on an
indicator, which also reads a 偏差原因 that works out a score where the values cannot be read):
one error, one finding. Where the row's own figures give exactly the 得分 (the funds row's
执行数 / 预算数 × 分值, or a written 执行率 × 分值, both ``rate-score``'s methods; an indicator's
完成值 / 指标值 × 分值), the text is the one to change: the finding sits on the text cell. A row without a 分值 (Hubei), a 其中 funds row, and a reason cell merged over several
rows (which ties no figure to one of them) are judged on their arithmetic only, once. Target values, amounts and
counts (``计划完成50个，实际完成46个``) are not arithmetic and are not read.
Ranges (``90%-100%``, ``第3-5项``), dates (``2023-2025年``, ``2023-12``) and codes
(``GB/T 50-2019``) are not arithmetic either; percent, per mille and 个百分点 mix as
docs/text-arithmetic.md sets out (``100-5‰=99.5%`` holds).

Why it matters: the 偏差原因 is the unit's own justification of the score; arithmetic that does
not hold undermines it.

Passing: ``带动当地就业人数 | ≥50人 | 46人 | 10 | 9.2 | 完成率92%，92%×10=9.2``.
Failing: ``带动当地就业人数 | ≥50人 | 46人 | 10 | 9.2 | 完成率92%，92%×10=9.5`` (at the text cell).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Iterator

from evaluator.checks import texts
from evaluator.checks.base import Rule
from evaluator.checks.texts import TextRow
from evaluator.families.project.checks import rate_score, score_out_of_range, target_score
from evaluator.families.project.derive import (
    corrected_weights,
    findings_of,
    funds_weight,
    indicator_weight,
    judgement,
    number,
    once,
    policy,
    scored_indicators,
)
from evaluator.families.project.model import IndicatorRow, ProjectForm
from evaluator.findings import Finding, Severity
from evaluator.values.cell import MISSING, Value
from evaluator.values.targets import score_methods

RULE = Rule(
    slug="text-arithmetic",
    severity=Severity.ERROR,
    title="文字中的算式不成立",
    message="{indicator}：{where}写道“{statement}”，但 {arithmetic}",
    passing="带动当地就业人数 | ≥50人 | 46人 | 10 | 9.2 | 完成率92%，92%×10=9.2",
    failing="带动当地就业人数 | ≥50人 | 46人 | 10 | 9.2 | 完成率92%，92%×10=9.5",
    catches=(
        "偏差原因分析及改进措施（或预算执行的原因）中写的算式不成立（例如“92%×10=9.5”，各种乘号、等号和带单位的数字"
        "都能读），或者算式算出的是本行得分，却与申报的得分不符，而得分又没有其他规则评判；按文字写出的精度精确计算。"
    ),
    why="偏差原因是单位对得分的说明，算式不成立，这个说明就站不住。",
)


#: Words naming the funds block in an indicator's text (预算执行得8.5分 is not the indicator's score).
FUNDS_WORDS = ("预算执行", "资金执行", "项目资金")


def _texts(value: Value) -> tuple[Value, ...]:
    return (value,) if value.ref is not None and not value.is_blank else ()


def _key(value: Value) -> tuple[str, str] | None:
    return (value.ref.sheet, value.ref.a1) if value.ref is not None else None


def _exact(form: ProjectForm, row: IndicatorRow, weight: Decimal, score: Decimal) -> bool:
    """The row's values give exactly this score under a documented method (not a band)."""
    outcome = judgement(row)
    if outcome is None:
        return False
    rules = policy(form)
    methods = score_methods(outcome, weight, reverse=rules.reverse, bands=rules.bands)
    return any(method.expected is not None and method.fits(score) for method in methods)


def text_rows(form: ProjectForm) -> list[TextRow]:
    """The form's rows with a 偏差原因 / 原因 text, as :mod:`evaluator.checks.texts` sees them.

    A score rule's finding on the row's 得分 (``rate-score``, ``target-score``,
    ``score-out-of-range``) owns the comparison of that score: its expected scores are passed on,
    so a stated score or deduction that agrees with them is not reported again. Worked out once a
    form: text-arithmetic, deduction-mismatch and text-score all read them (each gets its own list
    of the same frozen rows)."""
    return list(once(form, "text_rows", lambda: _text_rows(form)))


def _text_rows(form: ProjectForm) -> list[TextRow]:
    if not any(_texts(funds.reason) for funds in form.funds) and not any(_texts(row.reason) for row in form.indicators):
        return []                       # no text to read (most forms): the score rules need not run again
    flagged: dict[tuple[str, str], list[Finding]] = {}
    for module in (rate_score, target_score, score_out_of_range):
        for finding in findings_of(form, module):
            flagged.setdefault((finding.sheet or "", finding.cell or ""), []).append(finding)
    names = ([row.label for row in form.indicators] + [row.level1_name for row in form.indicators]
             + [row.level2_name for row in form.indicators] + [group.name for group in form.groups])
    names = list(dict.fromkeys(name for name in names if name))

    def owned(score: Value) -> dict:
        found = flagged.get(_key(score) or ("", ""), [])
        values = tuple(Decimal(v) for f in found for v in
                       ([f.expected] if f.expected is not None else []) + [v for _, v in f.alternatives if v is not None])
        ranges = [f.expected_range for f in found if f.expected_range is not None]
        low_high = (Decimal(ranges[0][0]), Decimal(ranges[0][1])) if ranges else None
        return {"expected_scores": values, "expected_range": low_high}

    rows = []
    total = form.funds_total
    for funds in form.funds:
        found = _texts(funds.reason)
        if not found:
            continue
        if funds is not total:      # a 其中 row is not scored: its arithmetic only
            rows.append(TextRow(label=funds.name, score=MISSING, texts=found, compare_result=False))
            continue
        claims = owned(funds.score)
        judged = rate_score.expected_scores(form) is not None
        rows.append(TextRow(
            label=funds.name or "年度资金总额", score=funds.score, weight=funds_weight(funds, form), texts=found,
            others=tuple(names), compare_result=not claims["expected_scores"], score_confirmed=judged, **claims))
    fixed = corrected_weights(form)
    scored = scored_indicators(form)
    # A reason cell merged over several rows ties no figure to one of them: its arithmetic only, once.
    sharing: dict[tuple[str, str], list[IndicatorRow]] = {}
    for row in scored:
        if _texts(row.reason):
            sharing.setdefault(_key(row.reason) or ("", ""), []).append(row)
    # Another row, a group or the funds block named in an indicator's text states their score.
    funds_names = [funds.name for funds in form.funds if funds.name] + list(FUNDS_WORDS)
    for row in scored:
        found = _texts(row.reason)
        if not found:
            continue
        shared = sharing[_key(row.reason) or ("", "")]
        if len(shared) > 1:
            if row is shared[0]:
                rows.append(TextRow(label="、".join(r.label for r in shared), score=MISSING, texts=found,
                                    compare_result=False))
            continue
        weight = fixed.get(id(row), indicator_weight(row))
        score = number(row.score)
        claims = owned(row.score)
        rows.append(TextRow(
            label=row.label, score=row.score, weight=weight, texts=found,
            others=tuple(name for name in names + funds_names if name != row.label),
            compare_result=not (claims["expected_scores"] or claims["expected_range"]),
            score_confirmed=weight is not None and score is not None and _exact(form, row, weight, score), **claims))
    return rows


def check(form: ProjectForm) -> Iterator[Finding]:
    seen: set[tuple[str | None, str | None, str]] = set()
    for finding in texts.text_arithmetic(RULE, text_rows(form)):
        key = (finding.sheet, finding.cell, finding.message)
        if key not in seen:             # one reason cell merged over several rows: said once
            seen.add(key)
            yield finding
