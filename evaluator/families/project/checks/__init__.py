"""The rules of the project family (项目支出绩效自评表), imported explicitly, in the order they are
documented.

API, for the family (``family.py``) and the registry:

- ``MODULES``: every rule module; each has ``RULE`` and a pure ``check(form)`` that yields
  :class:`~evaluator.findings.Finding` objects for one
  :class:`~evaluator.families.project.model.ProjectForm`;
- ``CHECKS``: ``{slug: check}``;
- ``run_checks(form) -> list[Finding]``: every finding of every rule on one form, in sheet order;
- the derived figures are in :mod:`evaluator.families.project.derive`:
  ``totals(form, findings) -> Totals | None`` and ``grades(form, findings) -> Grades | None``
  (None where the form prints no 总分 / no 评价等级), ``recomputed_total(form)``,
  ``corrected_total(form, findings)``, ``grade_for(form, total)``.

The rules read the form's edition (``form.edition``) for the choices where sources differ, through
``derive.policy``: ``reverse_methods`` (``["ratio", "linear"]``), ``qualitative_bands``
(``["national"]`` or ``["hubei", "national"]``), ``standard_weights`` ({一级指标: 分值}, absent
when the edition declares none) and ``grade_bands`` (one list of bands, or a list of lists, each
band a ``name`` with its ``min`` total).

Rules that mean the same in every family (score-not-number, score-out-of-range,
missing-explanation, formula-no-value) are written once in :mod:`evaluator.checks.rows`; the
modules here turn the form's rows into that interface. Adding a rule means adding its module here
and its case file under ``tests/cases/project/``.
"""

from __future__ import annotations

from types import ModuleType
from typing import Callable, Iterator

from evaluator.families.project.checks import (
    budget_sum,
    deduction_mismatch,
    execution_rate,
    form_partly_read,
    format_unread,
    formula_no_value,
    grade_mismatch,
    met_target_reduced,
    missing_explanation,
    rate_score,
    score_not_number,
    score_out_of_range,
    target_score,
    text_arithmetic,
    text_score,
    total_mismatch,
    weight_standard,
    weight_sum,
)
from evaluator.families.project.derive import once
from evaluator.families.project.model import ProjectForm
from evaluator.findings import Finding

MODULES: tuple[ModuleType, ...] = (
    score_not_number,
    score_out_of_range,
    rate_score,
    execution_rate,
    budget_sum,
    target_score,
    met_target_reduced,
    text_arithmetic,
    weight_sum,
    weight_standard,
    total_mismatch,
    grade_mismatch,
    missing_explanation,
    deduction_mismatch,
    text_score,
    formula_no_value,
    format_unread,
    form_partly_read,
)

CHECKS: dict[str, Callable[[ProjectForm], Iterator[Finding]]] = {module.RULE.slug: module.check for module in MODULES}


def run_checks(form: ProjectForm) -> list[Finding]:
    """Every finding of every rule on one form, in the order of the sheet."""
    # once: the rules that other rules consult (target-score, rate-score, …) are checked one time
    findings = [finding for slug, check in CHECKS.items()
                for finding in once(form, ("check", slug), lambda: list(check(form)))]
    return sorted(findings, key=lambda finding: finding.sort_key)
