"""Every rule's cases, as data: tests/cases/<slug>.yaml (the department form and the rules about
files) and tests/cases/project/<slug>.yaml (the project form).

A case names edits to the correct sample form (and optionally a layout, or raw file content, or
limits) and the exact findings expected: every expected finding must be found and nothing else.
An expected finding names the fields it asserts; ``related`` is a list of ``{sheet, cell}``,
``alternatives`` a list of ``{method, expected}`` and ``expected_range`` a ``{min, max}``, as in the
JSON report. ``message`` and ``arithmetic`` are the texts the accountant reads, compared whole (a
rule's ``why`` and ``missing`` are read through its message); every rule states them in at least
one failing case (:func:`test_every_rule_states_its_texts_in_a_case`). A case may also assert the form's
``total`` ({declared, recomputed, corrected}) and ``grade`` ({declared, computed, corrected}) on the
keys it names, as the JSON report gives them (decimal strings, null).
A finding that follows from another (``consequence_of``: the next round's finding once the other is
corrected, see evaluator/checks/consequences.py) must be found only where the case lists it (with
``consequence_of: {rule, sheet, cell}``); that every consequence is there is the round-trip test's
(tests/test_round_trip.py).
A project case starts from a project sample (``base: project-national``, the default, or
``project-ab``, ``project-sichuan``, ``project-yunnan``, ``project-hubei``) built by
tests/projectbuilder.py.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from evaluator.outputs.reporters.json import report
from evaluator.rules import FAMILY_RULES, FILE_MODULES, RULES
from evaluator.runner.engine import check_file
from evaluator.intake.limits import Limits
from projectbuilder import make_project

CASES_DIR = Path(__file__).parent / "cases"
PROJECT_CASES_DIR = CASES_DIR / "project"
FIELDS = ("rule", "severity", "sheet", "cell", "indicator", "expected", "actual", "expected_of", "related",
          "expected_range", "message", "arithmetic", "alternatives", "consequence_of")
#: Where each family's case files are.
CASE_DIRS = {"department": CASES_DIR, "project": PROJECT_CASES_DIR}


def _load_cases(directory: Path, family: str) -> list[Any]:
    params = []
    for path in sorted(directory.glob("*.yaml")):
        spec = yaml.safe_load(path.read_text("utf-8"))
        for case in spec["cases"]:
            params.append(pytest.param(spec["rule"], case, id=f"{family}/{path.stem}: {case['name']}"))
    return params


def _assert_case(result, case: dict[str, Any]) -> None:
    """The findings of ``result`` are exactly the case's; its total and grade are as the case says."""
    _assert_found([finding.to_dict() for finding in result.findings], case["expect"])
    for key in ("total", "grade"):
        if key in case:
            (entry,) = report([result])["files"]
            shown = {name: (entry[key] or {}).get(name) for name in case[key]}
            assert shown == case[key], f"{key}: expected {case[key]}, found {entry[key]}"


def _assert_found(found: list[dict[str, Any]], expected: list[dict[str, Any]]) -> None:
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
    remaining = [f for f in remaining if not f.get("consequence_of")]
    assert not remaining, f"unexpected findings: {[(f['rule'], f['cell'], f['message']) for f in remaining]}"


def _flatten(finding: dict[str, Any], keys) -> tuple:
    return tuple((key, finding.get(key)) for key in keys)


@pytest.mark.parametrize(("rule", "case"), _load_cases(CASES_DIR, "department"))
def test_case(rule, case, make_form, tmp_path, definitions, seed_data):
    if "content" in case:
        path = tmp_path / case.get("file", "form.xlsx")
        path.write_bytes(case["content"].encode("utf-8"))
    else:
        base = seed_data if case.get("base") == "seed" else None
        path = make_form(case.get("edits"), case.get("layout"), base=base)
    result = check_file(path, definitions, limits=Limits(**case.get("limits", {})))
    _assert_case(result, case)


@pytest.mark.parametrize(("rule", "case"), _load_cases(PROJECT_CASES_DIR, "project"))
def test_project_case(rule, case, tmp_path, definitions):
    path = make_project(case.get("base", "project-national"), case.get("edits"), case.get("layout"),
                        path=tmp_path / case.get("file", "form.xlsx"))
    result = check_file(path, definitions)
    _assert_case(result, case)


def _covered(directory: Path, known: set[str]) -> dict[str, set[str]]:
    covered: dict[str, set[str]] = {}
    for path in directory.glob("*.yaml"):
        spec = yaml.safe_load(path.read_text("utf-8"))
        assert spec["rule"] in known, f"{path} names a rule its family does not have: {spec['rule']}"
        assert path.stem == spec["rule"], f"{path.name} should be named {spec['rule']}.yaml"
        for case in spec["cases"]:
            fires = any(item["rule"] == spec["rule"] for item in case["expect"])
            covered.setdefault(spec["rule"], set()).add("fail" if fires else "pass")
    return covered


@pytest.mark.parametrize("family", sorted(CASE_DIRS))
def test_every_rule_has_cases_that_pass_and_fail(family):
    """A rule without a passing and a failing case for each family that uses it is not done (the
    meta-test of the rule set). The rules about files are covered once, with the department's."""
    rules = set(FAMILY_RULES[family])
    if family == "department":
        rules |= {module.RULE.slug for module in FILE_MODULES}
    covered = _covered(CASE_DIRS[family], rules)
    for slug in sorted(rules):
        assert covered.get(slug, set()) >= {"pass", "fail"}, f"{family}: {slug} needs a passing and a failing case"


@pytest.mark.parametrize("family", sorted(CASE_DIRS))
def test_every_rule_states_its_texts_in_a_case(family):
    """Each rule's message (with its why and missing parts) and arithmetic are read by people: a
    blanked or garbled field must fail some case. Every rule states the message of at least one
    of its findings, and its arithmetic too where its findings have one."""
    stated: dict[str, set[str]] = {}
    for path in CASE_DIRS[family].glob("*.yaml"):
        spec = yaml.safe_load(path.read_text("utf-8"))
        for case in spec["cases"]:
            for item in case["expect"]:
                if item["rule"] == spec["rule"]:
                    stated.setdefault(spec["rule"], set()).update(key for key in ("message", "arithmetic") if key in item)
    for slug, keys in sorted(_covered(CASE_DIRS[family], set(RULES)).items()):
        assert "message" in stated.get(slug, set()), f"{family}: no case of {slug} states its message"
        if slug not in WITHOUT_ARITHMETIC:
            assert "arithmetic" in stated.get(slug, set()), f"{family}: no case of {slug} states its arithmetic"


#: Rules whose findings carry no arithmetic (a text, a missing row, a file).
WITHOUT_ARITHMETIC = {"coefficient-review", "criteria-unjudged", "form-not-found", "form-unsupported", "grade-mismatch", "missing-indicator", "sheet-skipped",
                      "unknown-indicator", "unreadable", "weight-mismatch", "wrong-extension"}


def test_every_registered_rule_belongs_to_a_family_or_to_files():
    owned = set().union(*FAMILY_RULES.values()) | {module.RULE.slug for module in FILE_MODULES}
    assert set(RULES) == owned
