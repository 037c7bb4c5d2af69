"""Reading figures as people write them, and rounding like Excel's ROUND."""

from decimal import Decimal

import pytest

from evaluator.values.numbers import decimal_places, fmt, parse_number, round_half_up


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (4.62, "4.62"),
        (50, "50"),
        ("50.00", "50.00"),
        ("303,054.14", "303054.14"),
        ("４．６２", "4.62"),
        (" 4.62 ", "4.62"),
        ("4.62分", "4.62"),
        ("303,054.14万元", "303054.14"),
        ("94%", "0.94"),
        ("-1", "-1"),
    ],
)
def test_numbers_as_written(raw, expected):
    assert parse_number(raw) == Decimal(expected)


@pytest.mark.parametrize("raw", [None, "", "  ", "满分", "九十四", True, "1,23", "4.6.2", float("nan")])
def test_not_numbers(raw):
    assert parse_number(raw) is None


def test_rounding_is_half_up_and_decimal():
    # 0.745 is 0.74499999… as a binary float, and Python's round() rounds 1.625 to even: both
    # give what Excel's ROUND does not. Decimal arithmetic from the written digits does.
    assert round(0.745, 2) == 0.74 and round(0.8125 * 2, 2) == 1.62
    assert round_half_up(Decimal("0.745")) == Decimal("0.75")
    assert round_half_up(Decimal("0.8125") * 2) == Decimal("1.63")
    assert round_half_up(Decimal("0.9231") * 5) == Decimal("4.62")
    assert round_half_up(Decimal("2.675")) == Decimal("2.68")
    assert round_half_up(Decimal("-2.675")) == Decimal("-2.68")


def test_formatting_and_places():
    assert fmt(Decimal("5.00")) == "5"
    assert fmt(Decimal("100")) == "100"
    assert fmt(Decimal("4.6155")) == "4.6155"
    assert decimal_places(Decimal("4.62")) == 2
    assert decimal_places(Decimal("5")) == 0
