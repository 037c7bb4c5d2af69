"""Check every scored tree of one edition in a workbook: read, run the edition's rules, and state
the totals and grades the outputs show. The rules are imported once a form of the edition was read
(a workbook without one never loads them)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from evaluator.families.base import CheckedForm, Grades, Totals
from evaluator.families.department.coverage import corrected_total, judged, tree_coverage, unjudged_when_partly_read
from evaluator.families.department.tree.edition import TreeEdition
from evaluator.families.department.tree.reader import read_forms

if TYPE_CHECKING:
    from evaluator.intake.workbook import SheetGrid


def check_tree(grids: "list[SheetGrid]", edition: TreeEdition) -> list[tuple[CheckedForm, float]]:
    results = []
    for form in read_forms(grids, edition):
        from evaluator.checks.consequences import with_consequences
        from evaluator.families.department.tree.checks import run_checks
        from evaluator.families.department.tree.checks.total_mismatch import recomputed

        if "basic-data" in edition.model.rules:
            from evaluator.families.department.tree.basic import read_basic

            form.basic = read_basic(grids)
        coverage = tree_coverage(form)
        findings = judged(with_consequences(form, run_checks(form), run_checks), coverage, form.header_ref)
        total = recomputed(form)
        corrected = corrected_total(total, [row.score for row in form.rows], findings)
        grades = None
        if edition.model.grades:
            band = edition.grade_for(total) if total is not None else None
            corrected_band = edition.grade_for(corrected) if corrected is not None else None
            grades = Grades(declared="".join(form.grade.text.split()) or None, computed=band.name if band else None,
                            corrected=corrected_band.name if corrected_band else None)
        strength = sum(row.known for row in form.rows) / len(form.rows)
        results.append((unjudged_when_partly_read(CheckedForm(
            family="department",
            edition=edition.id,
            title=form.title,
            sheet=form.sheet,
            department=form.department,
            year=form.year,
            findings=findings,
            total=Totals(declared=form.total.number, recomputed=total, corrected=corrected),
            grade=grades,
            coverage=coverage,
            model=form,
        )), strength))
    return results
