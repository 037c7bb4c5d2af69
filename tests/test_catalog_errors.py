"""A definition file with an error is refused at load time with a message in Chinese that says
where: the file, the path of the key in the YAML, what is wrong there (and the value found, where a
value is wrong) — for every kind of edition, for the YAML itself and for the file."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from evaluator.cli import main
from evaluator.families import CatalogError, load_definitions

EDITIONS = Path(__file__).resolve().parent.parent / "evaluator" / "families" / "department" / "editions"
PROJECT = Path(__file__).resolve().parent.parent / "evaluator" / "families" / "project" / "editions"
#: What pydantic, PyYAML and the old messages said in English: none may reach a person.
ENGLISH = re.compile(r"Field required|Extra inputs|Input should|Value error|invalid|not valid|cannot read|must |"
                     r"is not a|expected|no such|known family|mapping with keys", re.IGNORECASE)


def _edited(name: str, folder: Path, old: str, new: str, tmp_path: Path) -> Path:
    text = (folder / name).read_text("utf-8")
    assert old in text, old
    path = tmp_path / "bad.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def _refused(path: Path, **options) -> str:
    with pytest.raises(CatalogError) as caught:
        load_definitions([path], **options)
    message = str(caught.value)
    assert not ENGLISH.search(message), message
    return message


def test_a_misspelt_key_of_the_catalog_names_its_path(tmp_path):
    path = _edited("guangzhou-department-2022.yaml", EDITIONS, "weight: 20", "wieght: 20", tmp_path)
    message = _refused(path)
    assert message.startswith(f"{path}：指标目录有误：")
    assert re.search(r"indicators\[\d+\](\.children\[\d+\])*\.wieght：不认识这个键", message), message
    assert re.search(r"indicators\[\d+\](\.children\[\d+\])*\.weight：缺少这个键", message), message


def test_a_group_whose_points_do_not_add_up_names_the_group_and_the_sums(tmp_path, catalog):
    group = catalog.model.indicators[0].children[0]
    first = group.children[0]
    old = f"weight: {first.weight}"
    path = _edited("guangzhou-department-2022.yaml", EDITIONS, old, f"weight: {first.weight + 1}", tmp_path)
    message = _refused(path)
    assert f"indicators[0].children[0]：“{group.name}”：分值" in message
    assert f"不等于下级指标分值之和 {first.weight + 1 + sum(c.weight for c in group.children[1:])}" in message


def test_a_wrong_value_of_a_scored_tree_says_what_is_allowed_and_what_was_found(tmp_path):
    path = _edited("hunan-department-score.yaml", EDITIONS, "level1: bracket", "level1: brackets", tmp_path)
    message = _refused(path)
    assert message == f"{path}：评分树版本文件有误：points.level1：应为 column、bracket、column-or-bracket、none 之一，实为 “brackets”"


def test_an_unknown_rule_of_a_coefficient_edition_lists_the_rules_there_are(tmp_path):
    path = _edited("chongqing-department-coefficient.yaml", EDITIONS, "rules: [", "rules: [score-magic, ", tmp_path)
    message = _refused(path)
    assert "得分系数版本文件有误：rules：score-magic 不是得分系数表的规则（可用：" in message


def test_a_project_edition_error_is_said_the_same_way(tmp_path):
    path = _edited("project-national.yaml", PROJECT, "money_unit: 万元", "money_unit: 千元", tmp_path)
    message = _refused(path)
    assert message.startswith(f"{path}：项目支出版本文件有误：money_unit：应为 ")
    assert "实为 “千元”" in message


@pytest.mark.parametrize(("text", "says"), [
    ("form: [unclosed\n", "不是有效的 YAML：第 2 行第 1 列：方括号列表 […] 没有闭合，或其中少了逗号"),
    ("form:\n\tid: x\n", "不是有效的 YAML：第 2 行第 1 列：含有不能出现在这里的字符（常见原因：用制表符缩进，YAML 只能用空格缩进）"),
    ("- a\n- b\n", "指标目录应为一个映射（键: 值），主要的键为 form、budget、grades、indicators"),
    ("family: nowhere\n", "family：“nowhere”不是已知的表式类别（已知：department、project）"),
    ("kind: pie-chart\n", "kind：应为 catalog、scored-tree 或 coefficient 之一，实为“pie-chart”"),
])
def test_a_file_that_is_no_edition_says_why(tmp_path, text, says):
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    assert _refused(path) == f"{path}：{says}"


def test_a_missing_or_undecodable_file_and_an_unknown_edition(tmp_path):
    assert _refused(tmp_path / "none.yaml") == f"{tmp_path / 'none.yaml'}：无法读取版本文件：文件不存在"
    gbk = tmp_path / "gbk.yaml"
    gbk.write_bytes("form: {title: 部门整体}\n".encode("gbk"))
    assert "无法读取版本文件：文件不是 UTF-8 编码" in _refused(gbk)
    with pytest.raises(CatalogError) as caught:
        load_definitions(edition="guangzhou-2099")
    assert str(caught.value).startswith("--edition guangzhou-2099：没有这个版本（已知：guangzhou-department-2022、")


def test_the_command_line_prints_the_chinese_message_and_exits_2(tmp_path):
    path = _edited("hunan-department-score.yaml", EDITIONS, "level1: bracket", "level1: brackets", tmp_path)
    sample = Path(__file__).resolve().parent.parent / "sample_workbooks" / "correct-form.xlsx"
    result = CliRunner().invoke(main, ["check", str(sample), "--catalog", str(path)])
    assert result.exit_code == 2
    assert "评分树版本文件有误：points.level1：应为" in result.output
