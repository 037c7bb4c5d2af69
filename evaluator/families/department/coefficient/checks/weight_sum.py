"""The weights of a coefficient form do not add up: 执行率权重 + Σ指标权重 ≠ 100 (the edition's total).

Why it matters: a total out of 100 needs weights that add up to 100.

Passing: ``10 + 2 + 5 + 83 = 100``. Failing: ``10 + 2 + 5 + 80 = 97``.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Iterator

from evaluator.checks.base import Rule
from evaluator.families.department.coefficient.model import CoefficientForm
from evaluator.findings import Finding, Severity
from evaluator.values.numbers import fmt

RULE = Rule(
    slug="weight-sum",
    severity=Severity.ERROR,
    title="分值合计不符",
    message="执行率权重与指标权重合计 {arithmetic}，应为 {expected}",
    passing="10 + 2 + 5 + 83 = 100",
    failing="10 + 2 + 5 + 80 = 97",
    catches="执行率权重加各指标权重之和不等于 100。",
    why="权重加不上，满分 100 的总分就失去了意义。",
)


def weights_add_up(form: CoefficientForm) -> bool:
    weights = ([form.funds.weight] if form.funds is not None else []) + [row.weight for row in form.rows]
    numbers = [cell.number for cell in weights]
    return any(n is None for n in numbers) or sum((n for n in numbers), Decimal(0)) == form.edition.model.total_weight


def check(form: CoefficientForm) -> Iterator[Finding]:
    cells = ([form.funds.weight] if form.funds is not None else []) + [row.weight for row in form.rows]
    weights = [cell.number for cell in cells]
    if not weights or any(weight is None for weight in weights):
        return
    total = sum(weights, Decimal(0))
    expected = form.edition.model.total_weight
    if total == expected:
        return
    ref = cells[-1].ref
    # Which weight is wrong is not known: the finding states the sum and what it must be, and gives
    # no value for its cell (so no correction and no consequence is built on it).
    yield RULE.emit(ref, indicator="权重", actual=total, message=RULE.message.replace("{expected}", fmt(expected)),
                    arithmetic=" + ".join(fmt(weight) for weight in weights) + f" = {fmt(total)}",
                    related=[cell.ref for cell in cells[:-1]])
