"""Complete probes of the department-wide layouts seen in published copies: each is read by its own
edition with no error or warning, none is checked against the Guangzhou catalog, and the
national-style body under the Guangzhou title is read by the project family."""

from __future__ import annotations

from pathlib import Path

import pytest

from evaluator.findings import Severity
from evaluator.runner.engine import check_file

PROBES = Path(__file__).parent / "fixtures" / "department-probes"
EDITIONS = {
    "hunan-web.csv": "hunan-department-score",
    "zhibiao.csv": "input-process-indicators",
    "chongqing.csv": "chongqing-department-coefficient",
    "anhui.csv": "anhui-shouxian-department",
    "sichuan2017.csv": "sichuan-department-2017",
    "sichuan2020.csv": "sichuan-department-budget",
}
GUANGZHOU_RULES = {"missing-indicator", "unknown-indicator", "weight-mismatch", "budget-sum"}


@pytest.mark.parametrize("name", sorted(EDITIONS))
def test_a_probe_is_read_by_its_own_edition_without_false_alarm(name, definitions):
    result = check_file(PROBES / name, definitions)
    [form] = result.forms
    assert form.edition == EDITIONS[name]
    assert [(f.rule, f.cell) for f in form.findings if f.severity is not Severity.INFO] == []
    assert not {f.rule for f in form.findings} & GUANGZHOU_RULES
    assert form.total.declared == form.total.recomputed


def test_a_national_style_body_under_the_guangzhou_title_is_read_as_a_project_form(definitions):
    """The project form's own layout under the title 部门整体支出绩效自评表 (as fiscal systems export
    it): read by the project rules, whole, and consistent — no finding at all, none of Guangzhou."""
    result = check_file(PROBES / "national.csv", definitions)
    [form] = result.forms
    assert (form.family, form.edition, form.title) == ("project", "project-national", "部门整体支出绩效自评表")
    assert form.findings == []
    assert (form.coverage.indicators_read, form.coverage.points_read) == (6, 100)


@pytest.mark.parametrize("name", sorted(EDITIONS))
def test_the_guangzhou_edition_alone_claims_no_probe(name):
    from evaluator.families import load_definitions

    result = check_file(PROBES / name, load_definitions(edition="guangzhou-department-2022"))
    assert all(form.edition is None for form in result.forms)
    assert {f.rule for f in result.findings} <= {"form-unsupported", "form-not-found"}
