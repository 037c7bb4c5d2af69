"""The rules of coefficient forms, one module each, keyed by slug; an edition lists the ones it
applies."""

from __future__ import annotations

from types import ModuleType
from typing import TYPE_CHECKING

from evaluator.families.department.coefficient.checks import (
    coefficient_review,
    coefficient_score,
    execution_rate,
    rate_score,
    total_mismatch,
    weight_sum,
)

if TYPE_CHECKING:
    from evaluator.families.department.coefficient.model import CoefficientForm
    from evaluator.findings import Finding

MODULES: tuple[ModuleType, ...] = (
    execution_rate,
    rate_score,
    coefficient_score,
    coefficient_review,
    weight_sum,
    total_mismatch,
)

COEFFICIENT_CHECKS: dict[str, ModuleType] = {module.RULE.slug: module for module in MODULES}


def run_checks(form: "CoefficientForm") -> list["Finding"]:
    findings = [finding for slug in form.edition.model.rules for finding in COEFFICIENT_CHECKS[slug].check(form)]
    return sorted(findings, key=lambda finding: finding.sort_key)
