"""Real published department-wide forms (tests/fixtures/department-real/, transcribed with their
source): each is read by its own edition, or named as unsupported, with its true findings only."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from evaluator.runner.engine import check_file

FOLDER = Path(__file__).parent / "fixtures" / "department-real"
EXPECTED = yaml.safe_load((FOLDER / "expected.yaml").read_text("utf-8"))


def test_every_copy_has_its_provenance():
    assert sorted(EXPECTED) == sorted(path.name for path in FOLDER.glob("*.csv"))
    assert all(entry["source"].startswith("http") and entry["what"] for entry in EXPECTED.values())


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_a_real_copy_gets_its_true_findings_only(name, definitions):
    expected = EXPECTED[name]
    result = check_file(FOLDER / name, definitions)
    [form] = result.forms
    assert form.edition == expected["edition"]
    found = sorted((f.rule, f.severity.value, f.cell) for f in result.findings)
    assert found == sorted((f["rule"], f["severity"], f["cell"]) for f in expected["findings"])
    assert "form-not-found" not in {f.rule for f in result.findings}
