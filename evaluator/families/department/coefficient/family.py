"""Check every coefficient form of one edition in a workbook (the rules are imported once a form
of the edition was read)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from evaluator.families.base import CheckedForm, Totals
from evaluator.families.department.coverage import (
    coefficient_coverage, corrected_total, judged, unjudged_when_partly_read)
from evaluator.families.department.coefficient.edition import CoefficientEdition
from evaluator.families.department.coefficient.reader import read_forms

if TYPE_CHECKING:
    from evaluator.intake.workbook import SheetGrid


def check_coefficient(grids: "list[SheetGrid]", edition: CoefficientEdition) -> list[tuple[CheckedForm, float]]:
    results = []
    for form in read_forms(grids, edition):
        from evaluator.checks.consequences import with_consequences
        from evaluator.families.department.coefficient.checks import run_checks
        from evaluator.families.department.coefficient.checks.total_mismatch import recomputed

        coverage = coefficient_coverage(form)
        findings = judged(with_consequences(form, run_checks(form), run_checks), coverage, form.header_ref)
        total = recomputed(form)
        scores = ([form.funds.score] if form.funds else []) + [row.score for row in form.rows]
        corrected = corrected_total(total, scores, findings)
        results.append((unjudged_when_partly_read(CheckedForm(
            family="department", edition=edition.id, title=form.title, sheet=form.sheet,
            department=form.department, year=form.year, findings=findings,
            total=Totals(declared=form.total.number, recomputed=total, corrected=corrected),
            grade=None, coverage=coverage, model=form)), 1.0))
    return results
