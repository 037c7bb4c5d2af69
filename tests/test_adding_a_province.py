"""Adding a province is one YAML file, no code: an edition loaded from a temporary folder reads and
judges a form of a layout no bundled edition knows; an edition with an error names its file, the
key and what was expected, before any workbook is read."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from evaluator.cli import main
from evaluator.families import CatalogError, load_definitions
from evaluator.runner.engine import check_file

EDITION = """\
kind: scored-tree
id: example-province-score
name: 部门整体支出绩效考评表
province: 示例省
identify:
  titles: [部门整体支出绩效考评表]
  columns: [level1, level3, weight, criteria, score]
  indicators: [预算执行率, 资金合规, 资产管理, 信息公开, 满意度]
  share: 0.5
columns:
  level1: [考评维度]
  level2: []
  level3: [考评指标]
  weight: [标准分]
  criteria: [考评办法]
  score: [考评得分]
  reason: [失分说明]
points:
  level1: bracket
  level2: none
  level3: column
grades:
  - {name: 好, min: 85, max: 100, include_max: true}
  - {name: 一般, min: 0, max: 85}
rules: [score-out-of-range, weight-sum, score-not-allowed, missing-explanation, total-mismatch, grade-mismatch]
"""

FORM = """\
部门整体支出绩效考评表,,,,,
考评维度,考评指标,标准分,考评办法,考评得分,失分说明
管理(60分),预算执行率,30,每低1个百分点扣1分，扣完为止,28,执行率98%
管理(60分),资金合规性,20,每发现一项违规扣2分，扣完为止,20,
管理(60分),资产管理规范性,10,①账实相符得5分；②按期盘点得5分,10,
效果(40分),信息公开及时性,20,按时公开得20分，逾期不得分,20,
效果(40分),服务对象满意度,20,≥90%得20分，80%（含）-90%得15分，80%以下不得分,15,满意度86%
合计,,100,,93,
评价等级,好,,,,
"""


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    editions = tmp_path / "editions"
    editions.mkdir()
    (editions / "example-province-score.yaml").write_text(EDITION, encoding="utf-8")
    return editions


def test_an_edition_in_a_folder_reads_and_judges_a_new_layout(folder, tmp_path):
    form = tmp_path / "form.csv"
    form.write_text(FORM, encoding="utf-8")
    assert [f.rule for f in check_file(form, load_definitions()).findings] == ["form-unsupported"]
    [checked] = check_file(form, load_definitions(folders=[folder])).forms
    assert (checked.edition, checked.findings) == ("example-province-score", [])
    assert (str(checked.total.declared), checked.grade.computed) == ("93", "好")

    broken = tmp_path / "broken.csv"
    broken.write_text(FORM.replace(",15,满意度86%", ",17,").replace(",93,", ",95,"), encoding="utf-8")
    [checked] = check_file(broken, load_definitions(folders=[folder])).forms
    assert sorted((f.rule, f.cell) for f in checked.findings) == [
        ("missing-explanation", "F7"), ("score-not-allowed", "E7")]


def test_the_same_file_works_as_a_catalog_on_the_command_line(folder, tmp_path):
    form = tmp_path / "form.csv"
    form.write_text(FORM, encoding="utf-8")
    result = CliRunner().invoke(main, ["check", str(form), "--catalog", str(folder / "example-province-score.yaml"),
                                       "--format", "json"])
    assert result.exit_code == 0, result.output
    assert '"edition": "example-province-score"' in result.output
    listing = CliRunner().invoke(main, ["editions", "--catalog", str(folder / "example-province-score.yaml")])
    assert "example-province-score" in listing.output and "示例省" in listing.output


@pytest.mark.parametrize(("change", "says"), [
    (("level1: bracket", "level1: brackets"), "points.level1"),
    (("rules: [", "rules: [score-magic, "), "score-magic 不是评分树的规则"),
    (("share: 0.5", "share: 2"), "identify.share"),
    (("{name: 一般, min: 0, max: 85}", "{name: 一般, min: 10, max: 85}"), "grades：评价等级的分数段必须从 0 开始"),
    (("province: 示例省\n", "province: 示例省\ncolour: red\n"), "colour"),
])
def test_an_edition_with_an_error_names_the_file_and_the_key(tmp_path, change, says):
    path = tmp_path / "bad.yaml"
    path.write_text(EDITION.replace(*change), encoding="utf-8")
    with pytest.raises(CatalogError) as caught:
        load_definitions([path])
    assert str(path) in str(caught.value) and says in str(caught.value)
