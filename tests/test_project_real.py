"""Project forms laid out as budget units really fill them (tests/fixtures/project-real/, built
with openpyxl directly by its build.py, not by the form builder): each consistent workbook gives no
error or warning, and each planted error is found at its cell, exactly once. Informations
(weight-standard) are not counted: they are not alarms.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from evaluator.runner.engine import check_file

HERE = Path(__file__).parent / "fixtures" / "project-real"
EXPECTED: dict[str, list[dict[str, str]]] = yaml.safe_load((HERE / "expected.yaml").read_text("utf-8"))


def test_every_workbook_has_its_expectation():
    assert sorted(path.stem for path in HERE.glob("*.xlsx")) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_real_layout(name, definitions):
    result = check_file(HERE / f"{name}.xlsx", definitions)
    assert result.forms and all(form.family == "project" for form in result.forms), result.error
    # Each planted error once; the figures that follow it (consequence_of) are the round-trip test's.
    found = sorted((f.rule, f.sheet, f.cell) for f in result.findings if f.severity.rank > 0 and not f.consequence_of)
    assert found == sorted((e["rule"], e["sheet"], e["cell"]) for e in EXPECTED[name])
