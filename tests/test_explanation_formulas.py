"""A formula in an explanation cell is not an empty explanation.

Written by a script (no saved result) or pointing at another sheet, a formula's text cannot be
known; the row is not judged rather than flagged (the finding would be false whenever the formula
gives a reason, as it usually does). Each family has a row that lost points whose explanation is
such a formula: nothing is found; the same cell left blank is a finding (the test can fail).
"""

from __future__ import annotations

import openpyxl
import pytest

from evaluator.runner.engine import check_file
from projectbuilder import make_project

FORMULAS = ['=VLOOKUP("资产管理合规性",说明!A:B,2,FALSE)', '=Z99&""']


def _with(path, sheet: str, cell: str, value, target):
    book = openpyxl.load_workbook(path)
    book[sheet][cell] = value
    book.save(target)
    return target


@pytest.mark.parametrize("formula", FORMULAS)
@pytest.mark.parametrize("cell", ["H21", "I21"], ids=["reason", "remedy"])
def test_department_formula_explanation_is_not_empty(make_form, tmp_path, definitions, formula, cell):
    path = make_form()   # 资产管理合规性 (row 21) scores 1.5 of 2 and explains it in H21 and I21
    found = check_file(_with(path, "部门整体支出绩效自评表", cell, formula, tmp_path / "f.xlsx"), definitions)
    assert found.findings == []
    blank = check_file(_with(path, "部门整体支出绩效自评表", cell, None, tmp_path / "b.xlsx"), definitions)
    assert [(f.rule, f.cell) for f in blank.findings] == [("missing-explanation", cell)]


@pytest.mark.parametrize("formula", FORMULAS)
def test_project_formula_explanation_is_not_empty(tmp_path, definitions, formula):
    path = make_project("project-national", {}, path=tmp_path / "form.xlsx")  # b2 (I19) lost points, explained
    found = check_file(_with(path, "项目支出绩效自评表", "I19", formula, tmp_path / "f.xlsx"), definitions)
    assert found.findings == []
    blank = check_file(_with(path, "项目支出绩效自评表", "I19", None, tmp_path / "b.xlsx"), definitions)
    assert [(f.rule, f.cell) for f in blank.findings] == [("missing-explanation", "I19")]
