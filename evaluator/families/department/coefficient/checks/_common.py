"""Rounding and rates shared by the coefficient rules."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from evaluator.families.department.coefficient.model import CoefficientForm, as_fraction
from evaluator.values.numbers import fmt


def rounded(value: Decimal, places: int) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def percent(value: Decimal) -> str:
    return f"{fmt(value * 100)}%"


def funds_rate(form: CoefficientForm) -> Decimal | None:
    """The printed 执行率 as a fraction (a plain number under 执行率(%) is in percent points)."""
    funds = form.funds
    if funds is None:
        return None
    budget, spent = funds.budget.number, funds.spent.number
    near = spent / budget if budget and spent is not None else None
    return as_fraction(funds.rate, funds.rate_in_points, near)
