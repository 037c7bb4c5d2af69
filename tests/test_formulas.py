"""The formula evaluator, as a table: a formula written on sheet 表 and the value it must give, or
``None`` when it must be left unevaluated (reported as formula-no-value, never guessed)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from evaluator.formulas import FormulaBook, Unevaluable, evaluate, text_to_number

# Sheet 表: A1..A4 numbers (as calamine gives them, floats), A5 numeric text, A6 other text,
# B1 a formula of its own, B2/B3 a cycle; sheet 封 面 (with a space) one number.
VALUES = {
    "表": {(1, 1): 19.8, (2, 1): 4.62, (3, 1): 0.94, (4, 1): 1, (5, 1): "3", (6, 1): "满分", (7, 1): True},
    "封 面": {(1, 1): 100.0},
}
FORMULAS = {"表": {(1, 2): "SUM(A1:A4)", (2, 2): "B3+1", (3, 2): "B2+1"}}

CASES = [
    ("SUM(A1:A4)", "26.36"),
    ("A1+A2+A3+A4", "26.36"),
    ("SUM(A1:A7)", "26.36"),              # text, numeric text and TRUE in a range are skipped
    ("SUM(A1,A5,\"2\")", "21.8"),          # a reference's text is skipped, a literal's converted
    ("A1+A5", "22.8"),                     # arithmetic converts numeric text
    ("ROUND(92.31%*5,2)", "4.62"),         # 4.6155 → 4.62 (a float would give 4.61)
    ("ROUND(0.9231*A4*5,2)", "4.62"),
    ("ROUND(-2.5,0)", "-3"),               # halves away from zero, like Excel
    ("ROUND(1234.5,-2)", "1200"),
    ("-2^2", "4"),                         # unary minus binds tighter than ^ in Excel
    ("2+3*4-6/3", "12"),
    ("(2+3)*4", "20"),
    ("1/3", "0.333333333333333"),          # Excel's 15 significant digits
    ("$A$1*2", "39.6"),
    ("B1*2", "52.72"),                     # another formula, evaluated first
    ("'封 面'!A1-A1", "80.2"),
    ("SUM(A:A)", "26.36"),
    ("_xlfn.SUM(A1, A2)", "24.42"),
    ("A99+1", "1"),                        # a blank cell is 0
    # Not evaluated: left undecided rather than guessed.
    ("A6+1", None),                        # text that is not a number
    ("IF(A1>1,1,0)", None),                # a function other than SUM and ROUND
    ("A1>1", None),                        # a comparison
    ("A1&\"分\"", None),                   # text concatenation
    ("[1]Sheet1!A1", None),                # another workbook
    ("总预算*2", None),                    # a defined name
    ("无此表!A1", None),                   # a sheet that does not exist
    ("A1/0", None),                        # #DIV/0!
    ("#REF!+1", None),
    ("B2", None),                          # a circular reference
    ("SUM(A1:A4", None),                   # unbalanced
    ("A1:A4", None),                       # a range where one value is needed
    ("ROUND(A1)", None),
]


class Book(FormulaBook):
    def __init__(self):
        super().__init__(values={name: dict(cells) for name, cells in VALUES.items()},
                         pending={name: dict(cells) for name, cells in FORMULAS.items()},
                         extents={"表": (7, 2), "封 面": (1, 1)})


@pytest.mark.parametrize(("formula", "expected"), CASES, ids=[case[0] for case in CASES])
def test_formula(formula, expected):
    book = Book()
    if expected is None:
        with pytest.raises(Unevaluable):
            evaluate(formula, "表", book)
    else:
        assert evaluate(formula, "表", book) == Decimal(expected)


def test_book_evaluates_each_pending_formula_and_keeps_those_it_cannot():
    done, failed = Book().run()
    assert done == {("表", 1, 2): Decimal("26.36")}
    assert set(failed) == {("表", 2, 2), ("表", 3, 2)}


@pytest.mark.parametrize(("text", "expected"), [
    (" 4.62 ", "4.62"), ("303,054.14", "303054.14"), ("94%", "0.94"), ("-1", "-1"),
    ("4.62分", None), ("４．６２", None), ("", None), (",", None), ("1,23", None),
])
def test_text_in_arithmetic(text, expected):
    if expected is None:
        with pytest.raises(Unevaluable):
            text_to_number(text)
    else:
        assert text_to_number(text) == Decimal(expected)
