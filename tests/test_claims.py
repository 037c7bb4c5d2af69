"""An edition claims a sheet only when its own indicators are there, never on its title or a
部门名称 label alone; a performance table of no known edition is named, not checked."""

from __future__ import annotations

from pathlib import Path

from evaluator.runner.engine import check_file

NATIONAL = """部门整体支出绩效自评表,,,,,,,,
部门名称,某市生态环境局,,,,,,,
绩效指标,一级指标,二级指标,三级指标,年度指标值,实际完成值,分值,得分,偏差原因分析及改进措施
,产出指标,数量指标,监测点位数,≥50个,52个,50,50,
,效益指标,社会效益指标,环境质量改善,持续改善,改善,50,50,
总分,,,,,,100,100,
"""


def test_a_table_of_no_known_edition_is_named_with_what_was_seen(tmp_path: Path, definitions):
    path = tmp_path / "national.csv"
    path.write_text(NATIONAL, encoding="utf-8")
    [form] = check_file(path, definitions).forms
    [finding] = form.findings
    assert (finding.rule, finding.severity.value, finding.cell) == ("form-unsupported", "warning", "D3")
    assert "标题“部门整体支出绩效自评表”" in finding.message
    assert "第 3 行表头“绩效指标｜一级指标｜二级指标｜三级指标｜年度指标值｜实际完成值｜分值｜得分｜偏差原因分析及改进措施”" in finding.message
    assert "其下指标 2 个" in finding.message


def test_a_guangzhou_form_missing_most_of_its_rows_is_not_a_cascade(make_form, catalog, definitions):
    """Below the share of its own 三级 indicators a table is not claimed: one warning, no
    missing-indicator per absent row."""
    dropped = {f"rows.{indicator.id}": None for indicator in catalog.indicators[:25]}
    result = check_file(make_form(dropped), definitions)
    assert [finding.rule for finding in result.findings] == ["form-unsupported"]


def test_a_guangzhou_form_missing_a_few_rows_is_still_read(make_form, catalog, definitions):
    dropped = {f"rows.{indicator.id}": None for indicator in catalog.indicators[:3]}
    result = check_file(make_form(dropped), definitions)
    assert {finding.rule for finding in result.findings} >= {"missing-indicator"}
    assert result.forms[0].edition == "guangzhou-department-2022"
