"""The comment of a finding on a merged cell lands on the range's top-left cell, the one Excel
shows and edits, in the annotated copy; never on another corner, and never dropped.

The readers name a merged range by its top-left cell (the case below, end to end). A finding may
still name a covered cell where the reader's merged ranges and the workbook's differ (overlapping
ranges are read differently by different readers): the copy then puts the comment on the top-left
cell of the range that covers it.
"""

from __future__ import annotations

import dataclasses

import openpyxl
import pytest

from evaluator.outputs.annotate import write_annotated
from evaluator.runner.engine import check_file

SHEET = "部门整体支出绩效自评表"


def _commented(path) -> dict[str, str]:
    sheet = openpyxl.load_workbook(path)[SHEET]
    return {cell.coordinate: cell.comment.text for row in sheet.iter_rows() for cell in row if cell.comment}


def _merged_form(make_form, tmp_path, merge: str):
    """The correct form with 资产管理合规性 (row 21, 1.5 of 2) left unexplained and its reason cell
    merged up over the rows above (whose reasons are blank: they lost no points)."""
    path = make_form({"rows.asset-management-compliance.reason": None})
    book = openpyxl.load_workbook(path)
    book[SHEET].merge_cells(merge)
    merged = tmp_path / "merged.xlsx"
    book.save(merged)
    return merged


@pytest.mark.parametrize(("merge", "top_left"), [("H19:H21", "H19"), ("H20:H21", "H20")])
def test_a_finding_on_a_merged_cell_is_commented_on_its_top_left(make_form, tmp_path, definitions, merge, top_left):
    result = check_file(_merged_form(make_form, tmp_path, merge), definitions)
    (finding,) = result.findings
    assert (finding.rule, finding.cell) == ("missing-explanation", top_left)
    commented = _commented(write_annotated(result, tmp_path / "copy.xlsx"))
    assert list(commented) == [top_left]
    assert "missing-explanation" in commented[top_left]


@pytest.mark.parametrize(("merge", "covered", "top_left"), [
    ("H19:H21", "H21", "H19"),       # the bottom cell of a column
    ("H19:I21", "I21", "H19"),       # the bottom-right corner of a block
    ("H19:I21", "H21", "H19"),       # its bottom-left corner
    ("H19:I21", "I19", "H19"),       # its top-right corner
])
def test_a_finding_naming_a_covered_cell_is_commented_on_the_top_left(make_form, tmp_path, definitions,
                                                                       merge, covered, top_left):
    result = check_file(_merged_form(make_form, tmp_path, merge), definitions)
    (form,) = result.forms
    (finding,) = form.findings
    form.findings[0] = dataclasses.replace(finding, cell=covered)
    commented = _commented(write_annotated(result, tmp_path / "copy.xlsx"))
    assert list(commented) == [top_left]
    assert "missing-explanation" in commented[top_left]
