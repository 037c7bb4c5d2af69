"""The 年度资金总额 得分 is not ROUND(全年执行数 / 全年预算数 × 分值, 2).

The 预算执行 score of a project form follows from its own figures: 执行率 = 全年执行数 /
全年预算数 (the adjusted budget; 年初预算数 is never the denominator), and 得分 = 执行率 × 分值
(10 nationally, 20 in Hubei), rounded half-up to 0.01 like Excel's ROUND. Above 100% the expected
得分 is the 分值. The printed 执行率 × 分值 is also accepted (86% × 10 = 8.6 beside 8.62), so a form
whose rate was shown rounded is not faulted twice. Where ``budget-sum`` corrects a figure of the
total row, the score is computed from the corrected figure, and the printed figure is accepted too. Integer rounding is not a method: 9 for 8.62 is
a finding. 0 / 0, a blank or a non-number is not judged here. A 其中 row that prints a 分值 and a 得分 of
its own (濉溪: ``其中:本年财政拨款 30 30 10 100% 10``) is judged the same way on its own figures,
and a repeat of the total row's score there is accepted too. A form without a 分值 column (and no
points in a label) is judged at its edition's 分值 when the score fits under it.

Why it matters: this score is not a judgement call; it follows from figures the unit itself
reports, and an inflated 9 for 8.62 moves the total and possibly the grade.

Passing: ``年度资金总额 | 43.2 | 43.2 | 37.24 | 10 | 86.20% | 8.62``.
Failing: ``年度资金总额 | 43.2 | 43.2 | 37.24 | 10 | 86% | 9`` (37.24 / 43.2 = 86.20% × 10 = 8.62).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Iterator, NamedTuple

from evaluator.checks.base import Rule
from evaluator.families.project.derive import corrected_figures, funds_weight, number, once, read_rates
from evaluator.families.project.model import FundsRow, ProjectForm
from evaluator.findings import Finding, Severity
from evaluator.values.numbers import fmt, round_half_up
from evaluator.values.targets import percent, short

RULE = Rule(
    slug="rate-score",
    severity=Severity.ERROR,
    title="按比例计分的得分不符",
    message="{indicator}：{arithmetic}，申报 {actual}{others}",
    passing="年度资金总额 | 43.2 | 43.2 | 37.24 | 10 | 86.20% | 8.62",
    failing="年度资金总额 | 43.2 | 43.2 | 37.24 | 10 | 86% | 9（37.24 / 43.2 × 10 = 8.62）",
    catches="项目资金年度资金总额的得分不等于 全年执行数 ÷ 全年预算数 × 分值（四舍五入到 0.01；执行率超过 100% 按分值计）",
    why="预算执行得分由表中数字直接算出，不是主观评分；取整或上调都会改变总分和等级",
)
ONE = Decimal(1)


class Expected(NamedTuple):
    """The documented scores of the funds row: the first is the computed one."""

    methods: list[tuple[str, Decimal, str]]   # (method, expected score, arithmetic)


def expected_scores(form: ProjectForm, row: FundsRow | None = None) -> Expected | None:
    """The accepted scores of the funds total row (or of ``row``, a 其中 row that prints its own
    分值), or None when they cannot be computed with certainty. The total row's are worked out once
    a form (rate-score, score-out-of-range and text-arithmetic each ask)."""
    if row is None:
        return once(form, "funds_expected_scores", lambda: _expected_scores(form, form.funds_total))
    return _expected_scores(form, row)


def _expected_scores(form: ProjectForm, row: FundsRow | None) -> Expected | None:
    if row is None:
        return None
    weight = funds_weight(row, form) if row.is_total else number(row.weight)
    if weight is None and row.is_total and row.weight.ref is None:
        # No 分值 column and no points in a label: the edition's 分值 (10), when the score fits under it.
        declared_score, printed = number(row.score), form.edition.funds.weight
        if printed is not None and declared_score is not None and 0 <= declared_score <= printed:
            weight = printed
    budget, spent = corrected_figures(form, row)
    if weight is None or budget is None or spent is None or budget <= 0 or spent < 0:
        return None
    declared = (number(row.budget), number(row.spent))
    rate = spent / budget
    capped = min(rate, ONE)
    value = capped * weight
    expected = round_half_up(value)
    arithmetic = f"{fmt(spent)} / {fmt(budget)} = {percent(rate)}"
    if rate > ONE:
        arithmetic += f"，超过 100%，按 100% 计：100% × {fmt(weight)} = {fmt(expected)}"
    else:
        arithmetic += f" × {fmt(weight)} = {short(value)}" + (f" → {fmt(expected)}" if expected != value else "")
    methods = [("全年执行数/全年预算数 × 分值", expected, arithmetic)]
    if declared != (budget, spent) and None not in declared and declared[0] > 0 and declared[1] >= 0:
        # A total figure budget-sum corrects: the score may follow the figure as printed.
        as_printed = round_half_up(min(declared[1] / declared[0], ONE) * weight)
        if as_printed != expected:
            methods.append(("表中全年执行数/全年预算数 × 分值", as_printed,
                            f"{fmt(declared[1])} / {fmt(declared[0])} × {fmt(weight)} = {fmt(as_printed)}"))
    # A bare 0.86 reads as 86% or 0.86%; only the reading nearer the computed rate is a method.
    for reading in sorted(read_rates(row.rate), key=lambda r: abs(r.fraction - rate))[:1]:
        written = round_half_up(min(reading.fraction, ONE) * weight)
        if all(written != known for _, known, _ in methods):
            methods.append((f"表中执行率 {fmt(reading.fraction * 100)}% × 分值", written,
                            f"{percent(reading.fraction)} × {fmt(weight)} = {fmt(written)}"))
    return Expected(methods)


def _part_scores(form: ProjectForm, row: FundsRow) -> Expected | None:
    """A 其中 row that prints a 分值 and a 得分 of its own (濉溪 "其中:本年财政拨款 30 30 10 100% 10"):
    its own figures' score, or a repeat of the total row's score (declared or computed)."""
    total = form.funds_total
    if total is None or row.weight.undecided or not row.weight.number or number(row.score) is None:
        return None
    found = expected_scores(form, row)
    if found is None:
        return None
    repeats = [number(total.score)] + [value for _, value, _ in (expected_scores(form) or Expected([])).methods]
    return Expected(found.methods + [("重复年度资金总额得分", value, "") for value in repeats
                                     if value is not None and all(value != known for _, known, _ in found.methods)])


def check(form: ProjectForm) -> Iterator[Finding]:
    yield from _check_row(form, form.funds_total, expected_scores(form))
    for part in form.funds_parts:
        yield from _check_row(form, part, _part_scores(form, part))


def _check_row(form: ProjectForm, row: FundsRow | None, found: Expected | None) -> Iterator[Finding]:
    if found is None or row is None:
        return
    score = number(row.score)
    if score is None:
        return
    if any(round_half_up(score) == expected for _, expected, _ in found.methods):
        return
    (_, expected, arithmetic), others = found.methods[0], found.methods[1:]
    shown_others = "".join(f"；按{method}为 {fmt(value)}" for method, value, _ in others)
    yield RULE.emit(row.score.ref, indicator=row.name or "年度资金总额", expected=expected, actual=score,
                    arithmetic=arithmetic, expected_of="score",
                    alternatives=[(method, value) for method, value, _ in others],
                    related=[row.budget.ref, row.spent.ref, row.rate.ref, row.weight.ref],
                    others=f"（{shown_others[1:]}）" if shown_others else "")
