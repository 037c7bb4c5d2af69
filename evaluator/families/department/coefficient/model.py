"""A coefficient form as read: the funds row, the indicator rows and the total, with their cells."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from evaluator.findings import CellRef
from evaluator.values.cell import MISSING, Value


@dataclass
class Funds:
    initial: Value = MISSING
    budget: Value = MISSING
    spent: Value = MISSING
    rate: Value = MISSING
    weight: Value = MISSING
    score: Value = MISSING
    rate_in_points: bool = False    # the header says (%): a plain number is in percent points


@dataclass
class CoefficientRow:
    name: str
    name_ref: CellRef | None
    nature: Value = MISSING
    target: Value = MISSING
    adjusted: Value = MISSING
    actual: Value = MISSING
    coefficient: Value = MISSING
    weight: Value = MISSING
    score: Value = MISSING
    coefficient_in_points: bool = False


@dataclass
class CoefficientForm:
    sheet: str
    title: str
    anchor: CellRef
    header_ref: CellRef
    edition: Any
    year: int | None = None
    department: str | None = None
    funds: Funds | None = None
    rows: list[CoefficientRow] = field(default_factory=list)
    total: Value = MISSING


def as_fraction(value: Value, in_points: bool, near: Decimal | None = None) -> Decimal | None:
    """A rate cell as a fraction: ``76%`` is 0.76; a plain number under a header marked (%) is in
    percent points (76.23 is 76.23 %), unless it is a fraction already (0.76, as a percent-formatted
    cell stores it) and the figure it should equal (``near``) says so."""
    from evaluator.values.numbers import parse_number

    if value.undecided or value.is_blank:
        return None
    text = value.text
    if "%" in text or "％" in text:
        return parse_number(value.raw, percent_as_fraction=True)
    number = value.number
    if number is None:
        return None
    if not in_points:
        return number
    points = number / 100
    if near is not None and number <= Decimal("1.5") and abs(number - near) < abs(points - near):
        return number
    return points
