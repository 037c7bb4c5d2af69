"""The department family: finds the Guangzhou 部门整体支出绩效自评表 and checks it against its catalog."""

from __future__ import annotations

from typing import TYPE_CHECKING

from decimal import Decimal

from evaluator.families.base import CheckedForm, Coverage, Grades, Totals
from evaluator.families.department.checks import run_checks
from evaluator.families.department.derive import (
    computed_grade, corrected_grade, corrected_total, declared_grade, recomputed_total)
from evaluator.families.department.reader import diagnose, read_forms

if TYPE_CHECKING:
    from evaluator.families import Definitions
    from evaluator.intake.workbook import SheetGrid

ID = "department"


def _coverage(form) -> Coverage:
    """What the reader read: its indicator rows, their 分值 against the form's 总分 分值 (else 100)."""
    weights = [row.weight.number for row in form.rows if not row.weight.undecided and row.weight.number is not None]
    judged = [row for row in form.rows if not row.weight.undecided and row.weight.number is not None
              and not row.score.undecided and row.score.number is not None]
    total = form.total_weight.number if not form.total_weight.undecided else None
    return Coverage(indicators_read=len(form.rows), indicators_judged=len(judged),
                    points_read=sum(weights, Decimal(0)) if weights else None,
                    points_total=total if total is not None and total > 0 else Decimal(100))


class DepartmentFamily:
    id = ID
    title = "部门整体支出绩效自评表"

    def check(self, grids: "list[SheetGrid]", definitions: "Definitions") -> list[CheckedForm]:
        catalog = definitions.department
        results = []
        for form in read_forms(grids, catalog):
            band = computed_grade(form, catalog)
            findings = run_checks(form, catalog)
            corrected = corrected_total(form, findings)
            corrected_band = corrected_grade(corrected, catalog)
            results.append(CheckedForm(
                family=ID,
                edition=catalog.id,
                title=form.title,
                sheet=form.sheet,
                department=form.department,
                year=form.year,
                findings=findings,
                total=Totals(declared=form.total.number, recomputed=recomputed_total(form), corrected=corrected),
                grade=Grades(declared=declared_grade(form), computed=band.name if band else None,
                             corrected=corrected_band.name if corrected_band else None),
                coverage=_coverage(form),
                model=form,
            ))
        return results

    def seen(self, grids: "list[SheetGrid]", definitions: "Definitions") -> str:
        return diagnose(grids, definitions.department).describe()


FAMILY = DepartmentFamily()
