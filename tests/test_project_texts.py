"""The text rules on project forms where a case file cannot say it: a 偏差原因 cell merged over
several indicator rows ties no stated figure to one of them."""

from __future__ import annotations

from pathlib import Path

import openpyxl

from evaluator.runner.engine import check_file
from projectbuilder import make_project

TEXT_RULES = {"text-arithmetic", "text-score", "deduction-mismatch"}


def _merged(tmp_path: Path, text: str) -> Path:
    """The national sample with b1 and b2's 偏差原因 (I18:I19) merged into one cell holding ``text``."""
    path = make_project("project-national", path=tmp_path / "f.xlsx")
    book = openpyxl.load_workbook(path)
    sheet = book.active
    sheet["I19"] = None
    sheet["I18"] = text
    sheet.merge_cells("I18:I19")
    book.save(path)
    return path


def _text_findings(path: Path, definitions) -> list[tuple[str, str]]:
    return [(f.rule, f.cell) for f in check_file(path, definitions).findings if f.rule in TEXT_RULES]


def test_a_merged_reason_states_no_score_of_either_row(tmp_path, definitions):
    path = _merged(tmp_path, "部分路段冬季停工，用工减少，得9.2分，扣0.8分。")
    assert _text_findings(path, definitions) == []


def test_a_merged_reason_with_wrong_arithmetic_is_reported_once(tmp_path, definitions):
    path = _merged(tmp_path, "完成率92%，92%×10=9.5。")
    assert _text_findings(path, definitions) == [("text-arithmetic", "I18")]
