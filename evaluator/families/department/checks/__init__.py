"""The rules of the department form, imported explicitly, in the order they are documented.

Adding a rule means adding its module here and its case file under ``tests/cases/``.
"""

from __future__ import annotations

from types import ModuleType
from typing import Callable, Iterator

from evaluator.families.department.catalog import Catalog
from evaluator.families.department.checks import (
    budget_sum,
    deduction_mismatch,
    formula_no_value,
    grade_mismatch,
    missing_explanation,
    missing_indicator,
    rate_score,
    score_not_number,
    score_out_of_range,
    text_arithmetic,
    text_score,
    total_mismatch,
    unknown_indicator,
    weight_mismatch,
    weight_sum,
)
from evaluator.families.department.model import Form
from evaluator.families.department.coefficient.checks import MODULES as COEFFICIENT_MODULES
from evaluator.families.department.tree.checks import MODULES as TREE_MODULES
from evaluator.findings import Finding

CATALOG_MODULES: tuple[ModuleType, ...] = (
    score_not_number,
    score_out_of_range,
    weight_mismatch,
    weight_sum,
    rate_score,
    text_arithmetic,
    total_mismatch,
    grade_mismatch,
    budget_sum,
    missing_explanation,
    deduction_mismatch,
    text_score,
    missing_indicator,
    unknown_indicator,
    formula_no_value,
)

#: Every rule of the family: the catalog's, the scored trees', the coefficient forms' (a slug may
#: appear in several).
MODULES: tuple[ModuleType, ...] = CATALOG_MODULES + TREE_MODULES + COEFFICIENT_MODULES

CHECKS: dict[str, Callable[[Form, Catalog], Iterator[Finding]]] = {
    module.RULE.slug: module.check for module in CATALOG_MODULES
}


def run_checks(form: Form, catalog: Catalog) -> list[Finding]:
    """Every finding of every check on one form, in the order of the sheet."""
    findings = [finding for check in CHECKS.values() for finding in check(form, catalog)]
    return sorted(findings, key=lambda finding: finding.sort_key)
