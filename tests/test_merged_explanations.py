"""An explanation cell merged over several rows, then a later row: the shared cell is reported as
its family says (the department form once per row that lost points, the project form once), and
the rows after it are still judged (the once-per-cell skip passes over the shared cell, it does
not stop the loop)."""

from __future__ import annotations

import openpyxl

from evaluator.runner.engine import check_file
from projectbuilder import make_project


def _merged(path, sheet: str, ranges: list[str], target):
    book = openpyxl.load_workbook(path)
    for cells in ranges:
        book[sheet].merge_cells(cells)
    book.save(target)
    return target


def test_department_a_shared_reason_cell_is_reported_per_row_and_later_rows_still_judged(make_form, tmp_path,
                                                                                        definitions):
    # 数据质量 (row 20) and 资产管理合规性 (row 21) both lose points and share one merged, blank
    # 未达标原因 and 改进措施; 合同备案时效性 (row 33) lost points further down, also unexplained.
    path = make_form({"rows.asset-data-quality.score": "1.5", "rows.asset-data-quality.reason": None,
                      "rows.asset-data-quality.remedy": None, "rows.asset-management-compliance.reason": None,
                      "rows.asset-management-compliance.remedy": None, "rows.contract-filing-timeliness.reason": None,
                      "total": "93.81"})
    merged = _merged(path, "部门整体支出绩效自评表", ["H20:H21", "I20:I21"], tmp_path / "merged.xlsx")
    found = [(f.rule, f.cell, f.indicator) for f in check_file(merged, definitions).findings]
    assert found == [("missing-explanation", "H20", "数据质量"), ("missing-explanation", "H20", "资产管理合规性"),
                     ("missing-explanation", "H33", "合同备案时效性")], found


def test_project_a_shared_reason_cell_is_reported_once_and_later_rows_still_judged(tmp_path, definitions):
    # 改善群众出行条件 (b1, partly reached) and 带动当地就业人数 (b2) share one merged, blank 偏差原因;
    # 沿线群众满意度 (s1) misses its target further down, also unexplained.
    path = make_project("project-national", {
        "indicators.b1.actual": "部分达成", "indicators.b1.score": "7", "indicators.b2.reason": None,
        "indicators.s1.actual": "85%", "indicators.s1.score": "9.44", "total.score": "94.88",
    }, path=tmp_path / "form.xlsx")
    merged = _merged(path, "项目支出绩效自评表", ["I18:I19"], tmp_path / "merged.xlsx")
    found = [(f.rule, f.cell, f.indicator) for f in check_file(merged, definitions).findings]
    assert found == [("missing-explanation", "I18", "改善群众出行条件"),
                     ("missing-explanation", "I21", "沿线群众满意度")], found
