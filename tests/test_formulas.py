"""The formula evaluator, as a table: a formula written on sheet 表 and the value it must give, or
``None`` when it must be left unevaluated (reported as formula-no-value, never guessed); then the
formulas of a sheet's XML, as different writers spell it."""

from __future__ import annotations

import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from evaluator.intake.formulas import FormulaBook, Unevaluable, evaluate, text_to_number
from evaluator.intake.workbook import a1, load_grids

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


# ---------------------------------------------------------------------------------------------
# Finding the formulas in the sheet XML, however the writer spelled it. Each case is the
# sheetData of a one-sheet workbook, and the cells expected: computed, undecided, or read as is.

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
XML_CASES = {
    "no cached value (a script's formula)": (
        '<row r="1"><c r="A1"><v>2</v></c><c r="B1"><f>A1*3</f><v/></c></row>',
        {"computed": {"B1": "6"}}),
    "a cached result is used, never recomputed": (
        '<row r="1"><c r="A1"><v>2</v></c><c r="B1"><f>A1*3</f><v>7</v></c></row>',
        {"values": {"B1": 7.0}, "computed": {}}),
    "shared formulas are expanded from their first cell": (
        '<row r="1"><c r="A1"><v>1</v></c><c r="B1"><f t="shared" ref="B1:B3" si="0">A1*2</f></c></row>'
        '<row r="2"><c r="A2"><v>2</v></c><c r="B2"><f t="shared" si="0"/></c></row>'
        '<row r="3"><c r="A3"><v>3</v></c><c r="B3"><f t="shared" si="0"/></c></row>',
        {"computed": {"B1": "2", "B2": "4", "B3": "6"}}),
    "cells without addresses are counted": (
        '<row><c><v>2</v></c><c><f>A1*3</f></c></row><row><c><v>5</v></c><c><f>SUM(A1:A2)</f></c></row>',
        {"computed": {"B1": "6", "B2": "7"}}),
    "a namespace prefix": (
        '<x:row r="1"><x:c r="A1"><x:v>2</x:v></x:c><x:c r="B1"><x:f>A1+1</x:f></x:c></x:row>',
        {"computed": {"B1": "3"}, "prefix": "x"}),
    "escaped text in a formula": (
        '<row r="1"><c r="A1"><v>2</v></c><c r="B1"><f>IF(A1&gt;1,1,0)</f></c></row>',
        {"undecided": {"B1": "=IF(A1>1,1,0)"}}),
    "a cached error is the cell's value": (
        '<row r="1"><c r="A1" t="e"><f>1/0</f><v>#DIV/0!</v></c></row>',
        {"values": {"A1": "#DIV/0!"}, "computed": {}}),
    "a cached empty text stays blank": (
        '<row r="1"><c r="A1" t="str"><f>""</f><v></v></c></row>',
        {"values": {"A1": None}, "computed": {}, "undecided": {}}),
    "an array formula over several cells is not evaluated": (
        '<row r="1"><c r="A1"><f t="array" ref="A1:A2">B1:B2*2</f></c></row>',
        {"undecided": {"A1": "=B1:B2*2"}}),
    "a formula on a text cell that is not a number": (
        '<row r="1"><c r="A1" t="inlineStr"><is><t>满分</t></is></c><c r="B1"><f>A1+1</f></c></row>',
        {"undecided": {"B1": "=A1+1"}}),
}


def _workbook(tmp_path, sheet_data: str, prefix: str | None) -> Path:
    base = tmp_path / "base.xlsx"
    book = openpyxl.Workbook()
    book.active.title = "表"
    book.save(base)
    tag = f"{prefix}:" if prefix else ""
    xmlns = f'xmlns:{prefix}="{MAIN}"' if prefix else f'xmlns="{MAIN}"'
    sheet = f"<{tag}worksheet {xmlns}><{tag}sheetData>{sheet_data}</{tag}sheetData></{tag}worksheet>"
    path = tmp_path / "form.xlsx"
    with zipfile.ZipFile(base) as source, zipfile.ZipFile(path, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = sheet.encode("utf-8")
            target.writestr(info, data)
    return path


@pytest.mark.parametrize("name", list(XML_CASES))
def test_formulas_in_sheet_xml(name, tmp_path):
    sheet_data, expected = XML_CASES[name]
    grid = load_grids(_workbook(tmp_path, sheet_data, expected.get("prefix"))).sheets[0]
    by_a1 = lambda cells: {a1(*rc): v for rc, v in cells.items()}  # noqa: E731
    values = by_a1(grid.cells)
    for cell, value in expected.get("computed", {}).items():
        assert values[cell] == Decimal(value)
    if "computed" in expected:
        assert set(by_a1(grid.computed)) == set(expected["computed"])
    for cell, value in expected.get("values", {}).items():
        assert values.get(cell) == value
    assert by_a1(grid.formulas) == expected.get("undecided", {})
