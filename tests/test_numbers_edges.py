"""Edges of evaluator/values/numbers.py that mutation testing found untested: a power-of-ten
result (``100`` normalizes to ``1E+2``), negative zero, a blank figure, a percent, a unit after
a space. Each of these reaches a message or a comparison."""

from __future__ import annotations

from decimal import Decimal

import pytest

from evaluator.values.numbers import decimal_places, fmt, fmt_percent, parse_number


@pytest.mark.parametrize(("value", "places"), [
    ("100", 0), ("1E+2", 0), ("1E+5", 0), ("4.62", 2), ("4.6200", 4), ("5", 0), ("0.001", 3),
])
def test_decimal_places_of_whole_and_normalized_numbers(value, places):
    assert decimal_places(Decimal(value)) == places
    assert decimal_places(Decimal(value).normalize()) == max(0, -Decimal(value).normalize().as_tuple().exponent)


@pytest.mark.parametrize(("value", "shown"), [
    (Decimal("-0"), "0"), (Decimal("-0.00"), "0"), (Decimal("0.000"), "0"), (Decimal("1E+2"), "100"),
    (Decimal("5.00"), "5"), (Decimal("-1.50"), "-1.5"), (None, ""),
])
def test_fmt_shows_the_shortest_plain_number(value, shown):
    assert fmt(value) == shown


def test_fmt_percent():
    assert fmt_percent(Decimal("0.9231")) == "92.31%"
    assert fmt_percent(Decimal("1")) == "100%"


@pytest.mark.parametrize(("raw", "expected"), [
    ("4.62 分", "4.62"), ("303,054.14 万元", "303054.14"), ("9 4 %", "0.94"), ("1 5", "15"),
])
def test_spaces_inside_a_figure_are_dropped(raw, expected):
    assert parse_number(raw) == Decimal(expected)
