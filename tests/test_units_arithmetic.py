"""Units in the arithmetic written in texts: ‰ is a thousandth (not a hundredth), measure words
and money units are kept apart, and each result is compared at the precision it is written with.

A ‰ read as % turns ``5‰×200=1`` into a false alarm (it would make 10) and lets ``5‰×200=10``
through; these tests fail on either. tests/cases/text-arithmetic.yaml has the same end to end.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from evaluator.values.textmath import statements


@pytest.mark.parametrize(("text", "computed", "shown"), [
    ("5‰×200=1", "1", "5‰ × 200 = 1"),
    ("200×5‰=1.0", "1", "200 × 5‰ = 1"),
    ("2.5‰×400=1", "1", "2.5‰ × 400 = 1"),
    ("1/200=5‰", "0.005", "1 ÷ 200 = 5‰"),
    ("1/300=3.3‰", "0.00333333", "1 ÷ 300 ≈ 3.333‰ → 3.3‰"),
    ("3‰+2‰=5‰", "0.005", "3‰ + 2‰ = 5‰"),
    ("1-5‰=99.5%", "0.995", "1 − 5‰ = 99.5%"),         # a fraction after 1
    ("1000-5‰=995‰", "0.995", "1000 − 5‰ = 995‰"),     # per-mille points after 1000
    ("5×(1-2‰)=4.99", "4.99", "5 × (1 − 2‰) = 4.99"),
    ("120人×95%=114人", "114", "120人 × 95% = 114"),
    ("114人÷120人=95%", "0.95", "114人 ÷ 120人 = 95%"),
    ("3项+2项=5项", "5", "3项 + 2项 = 5"),
    ("1,500万元+2,500万元=4,000万元", "4000", "1500万元 + 2500万元 = 4000"),
])
def test_units_that_hold(text, computed, shown):
    (found,) = statements(text)
    assert found.holds, found.arithmetic
    assert found.computed.quantize(Decimal("1e-8")) == Decimal(computed).quantize(Decimal("1e-8"))
    assert found.arithmetic == shown


@pytest.mark.parametrize(("text", "rounded", "result"), [
    ("5‰×200=10", "1", "10"),            # ‰ read as % would make this hold
    ("5‰×200=0.1", "1.0", "0.1"),        # … and ‰ read as a ten-thousandth this
    ("1/200=5%", "0.01", "0.05"),        # 0.5 % at the precision written
    ("1/300=3.4‰", "0.0033", "0.0034"),  # compared to a tenth of a per mille
    ("3‰+2‰=6‰", "0.005", "0.006"),
    ("3项+2项=6项", "5", "6"),
    ("1.5万元+2.5万元=4.5万元", "4.0", "4.5"),
])
def test_units_that_do_not_hold(text, rounded, result):
    (found,) = statements(text)
    assert not found.holds
    assert (found.rounded, found.result) == (Decimal(rounded), Decimal(result))


def test_per_mille_is_a_percent_like_operand():
    (found,) = statements("差错率2‰，5分×(1-2‰)=4.99分")
    assert found.percents == (Decimal("0.002"),)
    assert found.holds and found.result_unit == "分"


@pytest.mark.parametrize("text", ["1.2亿元×30%=3600万元", "2亿元+3000万元=2.3亿元"])
def test_money_in_two_units_is_left_undecided(text):
    assert statements(text) == []
