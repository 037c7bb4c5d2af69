"""The rules of the department form, imported explicitly, in the order they are documented.

Adding a rule means adding its module here and its case file under ``tests/cases/``.
"""

from __future__ import annotations

from dataclasses import replace
from types import ModuleType
from typing import Callable, Iterator

from evaluator.families.department.catalog import Catalog
from evaluator.families.department.checks import (
    budget_sum,
    deduction_mismatch,
    form_partly_read,
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


def __getattr__(name: str) -> tuple[ModuleType, ...]:
    """``MODULES``: every rule of the family — the catalog's, the scored trees', the coefficient
    forms' (a slug may appear in several); form-partly-read, last, is every edition's: the catalog
    runs it with its checks, the scored trees and coefficient forms after theirs (``judge``).
    Imported when asked for (the registry, the rule reference): checking a catalog form does not
    load the scored trees' and coefficient forms' rules."""
    if name != "MODULES":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from evaluator.families.department.coefficient.checks import MODULES as COEFFICIENT_MODULES
    from evaluator.families.department.tree.checks import MODULES as TREE_MODULES

    modules = CATALOG_MODULES + TREE_MODULES + COEFFICIENT_MODULES + (form_partly_read,)
    globals()["MODULES"] = modules
    return modules


CHECKS: dict[str, Callable[[Form, Catalog], Iterator[Finding]]] = {
    module.RULE.slug: module.check for module in (*CATALOG_MODULES, form_partly_read)
}


#: The rules that judge the table as a whole (its rows against the catalog, its sums, its total and
#: grade): on a table recognised only in part they would report what was not read as errors.
WHOLE_TABLE = frozenset({"missing-indicator", "unknown-indicator", "weight-sum", "total-mismatch", "grade-mismatch"})


def run_checks(form: Form, catalog: Catalog) -> list[Finding]:
    """Every finding of every check on one form, in the order of the sheet. A table recognised
    only in part (:func:`~evaluator.families.department.coverage.wholly_recognised`) has its
    catalog rows judged one by one, and form-partly-read says what was not read: never a
    missing-indicator per absent row."""
    from evaluator.families.department.coverage import wholly_recognised

    checks = CHECKS
    if not wholly_recognised(form, catalog):
        checks = {slug: check for slug, check in CHECKS.items() if slug not in WHOLE_TABLE}
        form = replace(form, rows=[row for row in form.rows if row.indicator is not None])
    findings = [finding for check in checks.values() for finding in check(form, catalog)]
    return sorted(findings, key=lambda finding: finding.sort_key)
