"""The department family: finds the Guangzhou 部门整体支出绩效自评表 and checks it against its catalog."""

from __future__ import annotations

from typing import TYPE_CHECKING

from evaluator.checks.consequences import with_consequences
from evaluator.families.base import CheckedForm, Grades, Totals
from evaluator.families.department.checks import run_checks
from evaluator.families.department.derive import (
    computed_grade, corrected_grade, corrected_total, declared_grade, recomputed_total)
from evaluator.families.department.reader import diagnose, read_forms

if TYPE_CHECKING:
    from evaluator.families import Definitions
    from evaluator.intake.workbook import SheetGrid

ID = "department"


class DepartmentFamily:
    id = ID
    title = "部门整体支出绩效自评表"

    def check(self, grids: "list[SheetGrid]", definitions: "Definitions") -> list[CheckedForm]:
        catalog = definitions.department
        results = []
        for form in read_forms(grids, catalog):
            band = computed_grade(form, catalog)
            findings = with_consequences(form, run_checks(form, catalog), lambda model: run_checks(model, catalog))
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
                model=form,
            ))
        return results

    def seen(self, grids: "list[SheetGrid]", definitions: "Definitions") -> str:
        return diagnose(grids, definitions.department).describe()


FAMILY = DepartmentFamily()
