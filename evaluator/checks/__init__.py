"""The rule registry: every rule, imported explicitly, keyed by its stable slug.

Adding a rule means adding its module here and its case file under ``tests/cases/``.
"""

from __future__ import annotations

from types import ModuleType
from typing import Callable, Iterator

from ..catalog import Catalog
from ..findings import Finding
from ..model import Form
from . import (
    budget_sum,
    deduction_mismatch,
    form_not_found,
    formula_no_value,
    grade_mismatch,
    missing_explanation,
    missing_indicator,
    rate_score,
    score_not_number,
    score_out_of_range,
    sheet_skipped,
    text_arithmetic,
    total_mismatch,
    unknown_indicator,
    unreadable,
    weight_mismatch,
    weight_sum,
    wrong_extension,
)
from .base import Rule

_MODULES: tuple[ModuleType, ...] = (
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
    missing_indicator,
    unknown_indicator,
    formula_no_value,
    form_not_found,
    unreadable,
    sheet_skipped,
    wrong_extension,
)

RULES: dict[str, Rule] = {module.RULE.slug: module.RULE for module in _MODULES}
DOCS: dict[str, str] = {module.RULE.slug: (module.__doc__ or "").strip() for module in _MODULES}
CHECKS: dict[str, Callable[[Form, Catalog], Iterator[Finding]]] = {
    module.RULE.slug: module.check for module in _MODULES if hasattr(module, "check")
}
FORM_NOT_FOUND = form_not_found.RULE
UNREADABLE = unreadable.RULE
SHEET_SKIPPED = sheet_skipped.RULE
WRONG_EXTENSION = wrong_extension.RULE


def run_checks(form: Form, catalog: Catalog) -> list[Finding]:
    """Every finding of every check on one form, in the order of the sheet."""
    findings = [finding for check in CHECKS.values() for finding in check(form, catalog)]
    return sorted(findings, key=lambda finding: finding.sort_key)
