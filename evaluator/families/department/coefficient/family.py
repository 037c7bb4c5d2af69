"""Check every coefficient form of one edition in a workbook (the rules are imported once a form
of the edition was read)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from evaluator.families.base import CheckedForm, Totals
from evaluator.families.department.coverage import coefficient_coverage, unjudged_when_partly_read
from evaluator.families.department.coefficient.edition import CoefficientEdition
from evaluator.families.department.coefficient.reader import read_forms

if TYPE_CHECKING:
    from evaluator.intake.workbook import SheetGrid


def check_coefficient(grids: "list[SheetGrid]", edition: CoefficientEdition) -> list[tuple[CheckedForm, float]]:
    results = []
    for form in read_forms(grids, edition):
        from evaluator.checks.consequences import with_consequences
        from evaluator.families.department.checks import form_partly_read
        from evaluator.families.department.coefficient.checks import run_checks
        from evaluator.families.department.coefficient.checks.total_mismatch import recomputed

        findings = with_consequences(form, run_checks(form), run_checks)
        coverage = coefficient_coverage(form)
        sums_hold = not any(finding.rule == "weight-sum" for finding in findings)
        findings = sorted(findings + list(form_partly_read.judge(coverage, form.header_ref, sums_hold)),
                          key=lambda finding: finding.sort_key)
        total = recomputed(form)
        corrected = total
        for finding in findings:
            if finding.expected_of == "score":
                corrected = None if finding.expected is None or corrected is None else corrected
        if corrected is not None:
            cells = {(cell.ref.sheet, cell.ref.a1): cell.number for cell in
                     ([form.funds.score] if form.funds else []) + [row.score for row in form.rows] if cell.ref}
            from decimal import Decimal

            for finding in findings:
                if finding.expected_of == "score" and (finding.sheet, finding.cell) in cells:
                    corrected += Decimal(str(finding.expected)) - cells[(finding.sheet, finding.cell)]
        results.append((unjudged_when_partly_read(CheckedForm(
            family="department", edition=edition.id, title=form.title, sheet=form.sheet,
            department=form.department, year=form.year, findings=findings,
            total=Totals(declared=form.total.number, recomputed=total, corrected=corrected),
            grade=None, coverage=coverage, model=form)), 1.0))
    return results
