"""The second score column (自评分 | 复核分) of a project form, as published before its review.

Real published copies print the 复核分 column empty (tests/fixtures/published/
hub-guangshui-2021-xiangcundaolu: the county finance bureau had not yet reviewed the form): an
empty column is a review not yet made, not ten scores missing. A column the reviewer filled in part
is checked row by row like the 自评分 column, its blanks included.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from openpyxl.cell.cell import MergedCell

from evaluator.runner.engine import check_file

LAYOUT = Path(__file__).parent / "fixtures" / "layouts" / "two-score-columns-clean.xlsx"
FUNDS_ROW, FUNDS_REVIEW = 6, 10          # 年度资金总额 | … | 自评分 I6 | 复核分 J6
FIRST, LAST, REVIEW = 13, 22, 9          # indicator rows 13–21, 总分 row 22; 自评分 H, 复核分 I


def _without_review(tmp_path: Path, rows: range, with_funds: bool) -> Path:
    wb = openpyxl.load_workbook(LAYOUT)
    ws = wb.active
    assert ws.cell(12, REVIEW).value == "复核分" and ws.cell(5, FUNDS_REVIEW).value == "复核分"
    cells = [(row, REVIEW) for row in rows] + ([(FUNDS_ROW, FUNDS_REVIEW)] if with_funds else [])
    for row, col in cells:
        cell = ws.cell(row, col)
        if not isinstance(cell, MergedCell):
            cell.value = None
    target = tmp_path / "review.xlsx"
    wb.save(target)
    return target


def _alarms(path: Path, definitions) -> list[tuple[str, str]]:
    result = check_file(path, definitions)
    assert result.error is None
    return sorted((f.rule, f.cell) for f in result.findings if f.severity.rank > 0)


def test_the_layout_is_consistent_as_built(definitions):
    assert _alarms(LAYOUT, definitions) == []


def test_a_review_column_printed_empty_is_a_review_not_yet_made(tmp_path, definitions):
    path = _without_review(tmp_path, range(FIRST, LAST + 1), with_funds=True)
    assert _alarms(path, definitions) == []


@pytest.mark.parametrize("blank", [14, 18])
def test_a_review_column_filled_in_part_is_checked_row_by_row(tmp_path, definitions, blank):
    path = _without_review(tmp_path, range(blank, blank + 1), with_funds=False)
    alarms = _alarms(path, definitions)
    assert ("score-not-number", f"I{blank}") in alarms


def _edited(tmp_path: Path, edits: dict) -> Path:
    wb = openpyxl.load_workbook(LAYOUT)
    ws = wb.active
    assert ws.cell(LAST, 1).value == "总分"
    for ref, value in edits.items():
        ws[ref] = value
    target = tmp_path / "edited.xlsx"
    wb.save(target)
    return target


@pytest.mark.parametrize(("cell", "expected"), [("H22", "98.72"), ("I22", "97.72")])
def test_each_columns_total_is_checked_against_its_own_scores(tmp_path, definitions, cell, expected):
    # 自评分: 9.55 + 10 × 7 + 9.17 + 10 = 98.72; 复核分 scores 道路使用年限 9, so 97.72
    result = check_file(_edited(tmp_path, {cell: 99}), definitions)
    alarms = [(f.rule, f.cell, str(f.expected)) for f in result.findings if f.severity.rank > 0]
    assert alarms == [("total-mismatch", cell, expected)]


def test_a_review_score_is_judged_by_the_same_rules(tmp_path, definitions):
    result = check_file(_edited(tmp_path, {"I13": 12}), definitions)     # 12 of 分值 10
    assert [(f.rule, f.cell) for f in result.findings if f.severity.rank > 0] == [("score-out-of-range", "I13")]
