"""A printed 执行率 is not 全年执行数 / 全年预算数.

Checked on every row of the 项目资金 block that prints a rate (年度资金总额 and each 其中 row). The
rate is compared at the precision it is written with, rounded half-up or truncated (86% and 86.20%
both stand for 86.2037…%; 95.47% for 95.4768% is accepted). A bare number is read both as a
fraction (a cell formatted as %) and as a percentage without its sign; either reading may fit.
A rate shown as 100% when more than the budget was spent is accepted (a display cap). 年初预算数
is never the denominator: a rate that equals 执行数 / 年初预算数 is a finding, and says so. A rate
that agrees once a figure ``budget-sum`` reports is corrected is not reported again. A row
with 预算数 0 and 执行数 above 0 cannot have a rate: that is a finding on the 预算数; 0 / 0 is
not judged.

Why it matters: the 执行率 is the headline figure of the form; a rate that does not follow from
the amounts beside it misleads whoever reads only the rate.

Passing: ``年度资金总额 | 43.2 | 43.2 | 37.24 | 10 | 86% | 8.62``.
Failing: ``年度资金总额 | 43.2 | 43.2 | 37.24 | 10 | 82% | 8.62`` (37.24 / 43.2 = 86.20%).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Iterator

from evaluator.checks.base import Rule, shown
from evaluator.families.project.derive import corrected_figures, number, rate_agrees, read_rates
from evaluator.families.project.model import ProjectForm
from evaluator.findings import Finding, Severity
from evaluator.values.numbers import fmt, round_half_up
from evaluator.values.targets import percent

RULE = Rule(
    slug="execution-rate",
    severity=Severity.ERROR,
    title="执行率与执行数、预算数不符",
    message="{indicator}：执行率应为 {arithmetic}，表中为 {actual}{note}",
    passing="年度资金总额 | 43.2 | 43.2 | 37.24 | 10 | 86% | 8.62",
    failing="年度资金总额 | 43.2 | 43.2 | 37.24 | 10 | 82% | 8.62（37.24 / 43.2 = 86.20%）",
    catches="项目资金各行填写的执行率不等于 全年执行数 ÷ 全年预算数（按填写的小数位比较，四舍五入或截断均可）",
    why="执行率是表中最醒目的数字，与金额不符会误导只看执行率的读者；年初预算数不能作分母",
)
NO_BUDGET = "{indicator}：全年预算数为 0，全年执行数为 {spent}，执行率无法成立（表中执行率 {actual}）"


def _expected_text(row, readings, computed: Decimal) -> str:
    """The computed rate at the precision of the printed one, as a percentage: ``92%`` for a cell
    showing 82% (text, or 0.82 formatted as %), ``92.40`` for one holding 82.00 (a percentage
    written without its sign)."""
    shown = round_half_up(computed * 100, max(readings[0].places - 2, 0))
    bare_percent = len(readings) == 1 and not str(row.rate.raw).strip().endswith(("%", "％"))
    return f"{shown}" if bare_percent else f"{shown}%"


def check(form: ProjectForm) -> Iterator[Finding]:
    for row in form.funds:
        readings = read_rates(row.rate)
        if not readings:
            continue
        budget, spent = number(row.budget), number(row.spent)
        if budget is None or spent is None or budget < 0 or spent < 0:
            continue
        label = row.name or "项目资金"
        if budget == 0:
            if spent > 0:
                yield RULE.emit(row.budget.ref, indicator=label, actual=shown(row.rate.raw), message=NO_BUDGET,
                                spent=fmt(spent), expected_of="amount",
                                related=[row.spent.ref, row.rate.ref])
            continue
        computed = spent / budget
        if rate_agrees(readings, budget, spent):
            continue
        fixed_budget, fixed_spent = corrected_figures(form, row)
        if (fixed_budget, fixed_spent) != (budget, spent) and fixed_budget and fixed_spent is not None \
                and rate_agrees(readings, fixed_budget, fixed_spent):
            continue                    # the figure is budget-sum's finding, the rate is right
        expected = _expected_text(row, readings, computed)
        note = ""
        initial = number(row.initial)
        if initial and any(reading.agrees(spent / initial) for reading in readings):
            note = f"（表中执行率是按年初预算数 {fmt(initial)} 计算的，分母应为全年预算数）"
        actual = f"{fmt(readings[0].fraction * 100)}%" if len(readings) == 2 else shown(row.rate.raw)
        yield RULE.emit(row.rate.ref, indicator=label, expected=expected, actual=actual,
                        arithmetic=f"{fmt(spent)} / {fmt(budget)} = {percent(computed)}", expected_of="rate",
                        related=[row.spent.ref, row.budget.ref], note=note)

