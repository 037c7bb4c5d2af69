"""The department family: the department-wide forms of every province, each an edition — the
Guangzhou 部门整体支出绩效自评表 (a catalog of its indicators) and the scored trees of other
provinces (the tree read from the sheet). Every edition is offered every sheet; an edition claims a
table only when its own labels are there, and where two claim one table the one whose labels match
more of its rows wins (a tie goes to the edition loaded later: a ``--catalog`` file over a bundled
one)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from evaluator.families.base import CheckedForm, Grades, Totals
from evaluator.families.department.catalog import Catalog
from evaluator.families.department.coverage import catalog_coverage, unjudged_when_partly_read
from evaluator.families.department.labels import labels
from evaluator.families.department.reader import diagnose, read_forms

if TYPE_CHECKING:
    from evaluator.families import Definitions
    from evaluator.intake.workbook import SheetGrid

ID = "department"


def _check_catalog(grids: "list[SheetGrid]", catalog: Catalog) -> list[tuple[CheckedForm, float]]:
    results = []
    for form in read_forms(grids, catalog):
        # the rules are imported once a form was read: a workbook without one never loads them
        from evaluator.checks.consequences import with_consequences
        from evaluator.families.department.checks import run_checks
        from evaluator.families.department.derive import (
            computed_grade, corrected_grade, corrected_total, declared_grade, recomputed_total)

        band = computed_grade(form, catalog)
        findings = with_consequences(form, run_checks(form, catalog), lambda model: run_checks(model, catalog))
        corrected = corrected_total(form, findings)
        corrected_band = corrected_grade(corrected, catalog)
        matched = sum(1 for row in form.rows if row.indicator is not None)
        results.append((unjudged_when_partly_read(CheckedForm(
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
            coverage=catalog_coverage(form, catalog),
            model=form,
        )), matched / max(len(form.rows), 1)))
    return results


def _check_edition(grids: "list[SheetGrid]", edition: Any) -> list[tuple[CheckedForm, float]]:
    if isinstance(edition, Catalog):
        return _check_catalog(grids, edition)
    if not any(edition.may_hold(labels(grid)) for grid in grids):
        return []   # no sheet holds its labels: its reader and model are not even loaded
    from evaluator.families.department.coefficient.edition import CoefficientEdition

    if isinstance(edition, CoefficientEdition):
        from evaluator.families.department.coefficient.family import check_coefficient

        return check_coefficient(grids, edition)
    from evaluator.families.department.tree.family import check_tree

    return check_tree(grids, edition)


def _place(form: CheckedForm) -> tuple[str | None, int, int]:
    model = form.model
    ref = getattr(model, "header_ref", None) or getattr(model, "anchor", None)
    return (form.sheet, ref.row if ref else 0, ref.col if ref else 0)


class DepartmentFamily:
    id = ID
    title = "部门整体支出绩效自评表"

    def editions(self, definitions: "Definitions") -> tuple[Any, ...]:
        editions = definitions.of(ID)
        forced = [edition for edition in editions if edition.id == definitions.forced_edition]
        return tuple(forced) or editions

    def check(self, grids: "list[SheetGrid]", definitions: "Definitions") -> list[CheckedForm]:
        best: dict[tuple[str | None, int, int], tuple[CheckedForm, float]] = {}
        for edition in self.editions(definitions):
            for form, strength in _check_edition(grids, edition):
                place = _place(form)
                if place not in best or strength >= best[place][1]:
                    best[place] = (form, strength)
        order = {grid.name: index for index, grid in enumerate(grids)}
        return [form for form, _ in sorted(best.values(), key=lambda item: order.get(item[0].sheet, 0))]

    def seen(self, grids: "list[SheetGrid]", definitions: "Definitions") -> str:
        catalog = definitions.department
        return diagnose(grids, catalog).describe() if catalog is not None else "（没有指标目录版本）"


FAMILY = DepartmentFamily()
