"""The rules of scored trees, one module each, keyed by slug. An edition lists the ones it applies
(``rules:``); a slug means what it means on every other form (weight-sum is a level that does not
add up, score-out-of-range a score outside 0…分值)."""

from __future__ import annotations

from types import ModuleType
from typing import TYPE_CHECKING

from evaluator.families.department.tree.checks import (
    basic_data,
    criteria_unjudged,
    grade_mismatch,
    missing_explanation,
    score_not_allowed,
    score_not_number,
    score_out_of_range,
    total_mismatch,
    weight_sum,
)

if TYPE_CHECKING:
    from evaluator.families.department.tree.model import TreeForm
    from evaluator.findings import Finding

MODULES: tuple[ModuleType, ...] = (
    score_not_number,
    score_out_of_range,
    weight_sum,
    score_not_allowed,
    criteria_unjudged,
    missing_explanation,
    total_mismatch,
    grade_mismatch,
    basic_data,
)

TREE_CHECKS: dict[str, ModuleType] = {module.RULE.slug: module for module in MODULES}


def run_checks(form: "TreeForm") -> list["Finding"]:
    """Every finding of the edition's rules on one form, in the order of the sheet."""
    findings = [finding for slug in form.edition.model.rules for finding in TREE_CHECKS[slug].check(form)]
    return sorted(findings, key=lambda finding: finding.sort_key)
