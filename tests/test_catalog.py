"""The catalog is data, validated when it loads: a bad catalog fails at once, saying where."""

import copy

import pytest
import yaml

from evaluator.families.department.catalog import load_catalog, parse_catalog
from evaluator.families.schema import CatalogError


def _text(data) -> str:
    return yaml.safe_dump(data, allow_unicode=True)


def test_bundled_catalog(catalog):
    assert len(catalog.indicators) == 28
    assert sum(ind.weight for ind in catalog.indicators) == 100
    assert [ind.weight for ind in catalog.indicators if ind.name == "采购意向公开合规性"] == [0.5, 1.5]
    assert {ind.name for ind in catalog.indicators if ind.scoring == "rate"} == {
        "专项资金支出率", "部门预算资金支出率", "采购政策效能"}


def test_unknown_key_fails(catalog_data):
    data = copy.deepcopy(catalog_data)
    data["indicators"][0]["children"][0]["children"][0]["wieght"] = 3
    with pytest.raises(CatalogError, match="wieght"):
        parse_catalog(_text(data))


def test_weights_must_add_up(catalog_data):
    data = copy.deepcopy(catalog_data)
    data["indicators"][0]["children"][0]["children"][0]["weight"] = 19
    with pytest.raises(CatalogError, match="专项效能"):
        parse_catalog(_text(data))


def test_grade_bands_without_gap(catalog_data):
    data = copy.deepcopy(catalog_data)
    data["grades"][1]["min"] = 81
    with pytest.raises(CatalogError, match="评价等级"):
        parse_catalog(_text(data))


def test_duplicate_ids(catalog_data):
    data = copy.deepcopy(catalog_data)
    leaves = data["indicators"][0]["children"][0]["children"]
    leaves[1]["id"] = leaves[0]["id"]
    with pytest.raises(CatalogError, match="不能重复"):
        parse_catalog(_text(data))


def test_unknown_scoring_method(catalog_data):
    data = copy.deepcopy(catalog_data)
    data["indicators"][0]["children"][0]["children"][0]["scoring"] = "guess"
    with pytest.raises(CatalogError, match="scoring"):
        parse_catalog(_text(data))


def test_budget_identity_names_an_item(catalog_data):
    data = copy.deepcopy(catalog_data)
    data["budget"]["identities"][0]["right"].append("其他支出")
    with pytest.raises(CatalogError, match="其他支出"):
        parse_catalog(_text(data))


def test_not_yaml_and_missing_file(tmp_path):
    with pytest.raises(CatalogError, match="不是有效的 YAML"):
        parse_catalog("form: [unclosed")
    with pytest.raises(CatalogError, match="无法读取"):
        load_catalog(tmp_path / "none.yaml")
