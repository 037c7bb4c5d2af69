"""Check every coefficient form of one edition in a workbook."""

from __future__ import annotations

from typing import TYPE_CHECKING

from evaluator.checks.consequences import with_consequences
from evaluator.families.base import CheckedForm, Totals
from evaluator.families.department.coefficient.checks import run_checks
from evaluator.families.department.coefficient.checks.total_mismatch import recomputed
from evaluator.families.department.coefficient.edition import CoefficientEdition
from evaluator.families.department.coefficient.reader import read_forms

if TYPE_CHECKING:
    from evaluator.intake.workbook import SheetGrid


def check_coefficient(grids: "list[SheetGrid]", edition: CoefficientEdition) -> list[tuple[CheckedForm, float]]:
    results = []
    for form in read_forms(grids, edition):
        findings = with_consequences(form, run_checks(form), run_checks)
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
        results.append((CheckedForm(
            family="department", edition=edition.id, title=form.title, sheet=form.sheet,
            department=form.department, year=form.year, findings=findings,
            total=Totals(declared=form.total.number, recomputed=total, corrected=corrected),
            grade=None, model=form), 1.0))
    return results
