"""Every rule's cases, as data: tests/cases/<slug>.yaml.

A case names edits to the correct sample form (and optionally a layout, or raw file content, or
limits) and the exact findings expected: every expected finding must be found and nothing else.
An expected finding names the fields it asserts; ``related`` is a list of ``{sheet, cell}`` and
``expected_range`` a ``{min, max}``, as in the JSON report. A case may also assert the form's
``total`` ({declared, recomputed, corrected}) and ``grade`` ({declared, computed, corrected}) on the
keys it names, as the JSON report gives them (decimal strings, null).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from evaluator.outputs.reporters.json import report
from evaluator.rules import RULES
from evaluator.runner.engine import check_file
from evaluator.intake.limits import Limits

CASES_DIR = Path(__file__).parent / "cases"
FIELDS = ("rule", "severity", "sheet", "cell", "indicator", "expected", "actual", "expected_of", "related",
          "expected_range")


def _load_cases() -> list[Any]:
    params = []
    for path in sorted(CASES_DIR.glob("*.yaml")):
        spec = yaml.safe_load(path.read_text("utf-8"))
        for case in spec["cases"]:
            params.append(pytest.param(spec["rule"], case, id=f"{path.stem}: {case['name']}"))
    return params


def _flatten(finding: dict[str, Any], keys) -> tuple:
    return tuple((key, finding.get(key)) for key in keys)


@pytest.mark.parametrize(("rule", "case"), _load_cases())
def test_case(rule, case, make_form, tmp_path, definitions, seed_data):
    if "content" in case:
        path = tmp_path / case.get("file", "form.xlsx")
        path.write_bytes(case["content"].encode("utf-8"))
    else:
        base = seed_data if case.get("base") == "seed" else None
        path = make_form(case.get("edits"), case.get("layout"), base=base)
    result = check_file(path, definitions, limits=Limits(**case.get("limits", {})))
    found = [finding.to_dict() for finding in result.findings]
    expected = case["expect"]
    for item in expected:
        unknown = set(item) - set(FIELDS)
        assert not unknown, f"unknown keys in the case: {unknown}"
    # Every expected finding matches one found finding on the keys it names, one to one.
    remaining = list(found)
    for item in expected:
        keys = [key for key in FIELDS if key in item]
        match = next((f for f in remaining if _flatten(f, keys) == _flatten(item, keys)), None)
        assert match is not None, f"expected {item}, found {[_flatten(f, FIELDS) for f in remaining]}"
        remaining.remove(match)
    assert not remaining, f"unexpected findings: {[(f['rule'], f['cell'], f['message']) for f in remaining]}"
    for key in ("total", "grade"):
        if key in case:
            (entry,) = report([result])["files"]
            shown = {name: (entry[key] or {}).get(name) for name in case[key]}
            assert shown == case[key], f"{key}: expected {case[key]}, found {entry[key]}"


def test_every_rule_has_cases_that_pass_and_fail():
    """A rule without a passing and a failing case is not done (the meta-test of the rule set)."""
    covered: dict[str, set[str]] = {}
    for path in CASES_DIR.glob("*.yaml"):
        spec = yaml.safe_load(path.read_text("utf-8"))
        assert spec["rule"] in RULES, f"{path.name} names an unknown rule {spec['rule']}"
        assert path.stem == spec["rule"], f"{path.name} should be named {spec['rule']}.yaml"
        for case in spec["cases"]:
            fires = any(item["rule"] == spec["rule"] for item in case["expect"])
            covered.setdefault(spec["rule"], set()).add("fail" if fires else "pass")
    for slug in RULES:
        assert covered.get(slug, set()) >= {"pass", "fail"}, f"{slug} needs a passing and a failing case"
