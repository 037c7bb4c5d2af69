"""The year a project form reports on is its 年度, never the date it was filled in: published
copies print ``填报日期:2022年8月10日`` for a 2021 form (tests/fixtures/published/
hub-guangshui-2021-xiangcundaolu), and a form that prints no 年度 has no year rather than a wrong one.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl

from evaluator.runner.engine import check_file

FIXTURES = Path(__file__).parent / "fixtures"


def _year(path: Path, definitions) -> int | None:
    (form,) = check_file(path, definitions).forms
    return form.year


def test_a_filling_date_is_not_the_forms_year(tmp_path, definitions):
    wb = openpyxl.load_workbook(FIXTURES / "layouts" / "two-score-columns-clean.xlsx")
    ws = wb.active
    assert "2023年度" in ws["A2"].value
    ws.unmerge_cells("A2:J2")
    ws["A2"] = "填报日期：2024年1月5日"     # the date first, the 年度 after it on the same row
    ws["E2"] = "（2023年度）"
    wb.save(tmp_path / "dated.xlsx")
    assert _year(tmp_path / "dated.xlsx", definitions) == 2023


def test_a_form_with_only_a_filling_date_has_no_year(definitions):
    assert _year(FIXTURES / "published" / "hub-guangshui-2021-xiangcundaolu.xlsx", definitions) is None
