"""The 自评总分 at the top of a coefficient form is not 执行率得分 + Σ指标得分.

Why it matters: the total is the form's result, published as such.

Not judged while the weights do not add up to 100 (``weight-sum``'s finding): a list cut off before
its last rows, as public copies often are, cannot be summed to its printed total.

Passing: ``7.6 + 2 + 5 + 83 = 97.6``. Failing: 自评总分 98 over the same scores.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Iterator

from evaluator.checks.base import Rule
from evaluator.families.department.coefficient.model import CoefficientForm
from evaluator.findings import Finding, Severity
from evaluator.values.numbers import fmt

RULE = Rule(
    slug="total-mismatch",
    severity=Severity.ERROR,
    title="总分不等于各项得分之和",
    message="自评总分 {actual} 不等于 执行率得分与各指标得分之和 {expected}",
    passing="自评总分 97.6 = 7.6 + 2 + 5 + 83",
    failing="自评总分 98，7.6 + 2 + 5 + 83 = 97.6",
    catches="表头的自评总分不等于执行率得分加各指标得分。",
    why="总分是这张表的结论，也是公开的数字。",
)


def scores(form: CoefficientForm) -> list:
    return ([form.funds.score] if form.funds is not None else []) + [row.score for row in form.rows]


def recomputed(form: CoefficientForm) -> Decimal | None:
    numbers = [cell.number for cell in scores(form)]
    if not numbers or any(number is None for number in numbers):
        return None
    return sum(numbers, Decimal(0))


def check(form: CoefficientForm) -> Iterator[Finding]:
    from evaluator.families.department.coefficient.checks.weight_sum import weights_add_up

    if not weights_add_up(form):
        return   # rows are missing (a copy cut off) or a weight is wrong: weight-sum says so, once
    declared, total = form.total.number, recomputed(form)
    if declared is None or total is None or declared == total:
        return
    numbers = [cell.number for cell in scores(form)]
    yield RULE.emit(form.total.ref, indicator="自评总分", expected=total, actual=declared, expected_of="total",
                    arithmetic=" + ".join(fmt(number) for number in numbers) + f" = {fmt(total)}",
                    related=[cell.ref for cell in scores(form)])
