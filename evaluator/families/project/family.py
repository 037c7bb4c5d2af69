"""The project family: finds every 项目支出绩效自评表 of a workbook (one project per sheet), reads
each with its edition, runs the project rules and states the facts the outputs show.

Facts (JSON-ready, keyed in English): ``project_name``, ``department`` (主管部门), ``unit``
(实施单位), ``money_unit`` (万元/元) and ``funds``: the 年度资金总额 row's ``initial`` (年初预算数),
``budget`` (全年预算数), ``spent`` (全年执行数), ``rate`` (执行率 as a fraction: 0.924 for 92.40%),
``weight`` (分值) and ``score`` (得分), as decimal strings (None where blank or not a number).
"""

from __future__ import annotations

from decimal import Decimal, localcontext
from typing import TYPE_CHECKING, Any

from evaluator.checks.consequences import with_consequences
from evaluator.families.base import CheckedForm, Grades, Totals
from evaluator.families.project import detector
from evaluator.findings import Finding
from evaluator.values.cell import Value
from evaluator.values.numbers import fmt, parse_number

if TYPE_CHECKING:
    from evaluator.families import Definitions
    from evaluator.families.project.model import ProjectForm
    from evaluator.intake.workbook import SheetGrid

ID = "project"


def _run_checks(form: ProjectForm) -> list[Finding]:
    try:
        from evaluator.families.project.checks import run_checks
    except ImportError:   # the rules are not installed: a form is read and shown, not judged
        return []
    return with_consequences(form, run_checks(form), run_checks)


def _totals(form: ProjectForm, findings: list[Finding]) -> Totals | None:
    try:
        from evaluator.families.project.derive import totals
    except ImportError:
        return Totals(declared=form.total.number) if form.total.ref is not None else None
    return totals(form, findings)


def _said(finding: Finding) -> tuple:
    """What a finding says, to say it once: its rule at its cell (a cell asks one question per
    rule), or its message where it has no cell."""
    return (finding.rule, finding.sheet, finding.cell) if finding.cell else (finding.rule, finding.message)


def _coverage(form: ProjectForm):
    try:
        from evaluator.families.project.derive import coverage
    except ImportError:
        return None
    return coverage(form)


def _grades(form: ProjectForm, findings: list[Finding]) -> Grades | None:
    if not form.edition.grade_printed:
        return None
    try:
        from evaluator.families.project.derive import grades
    except ImportError:
        return Grades(declared=form.grade.text or None) if form.grade.ref is not None else None
    return grades(form, findings)


def _decimal(value: Value, *, rate: bool = False) -> str | None:
    if value.undecided:
        return None
    number = parse_number(value.raw, percent_as_fraction=True) if rate else value.number
    if not isinstance(number, Decimal):
        return None
    with localcontext() as context:   # a binary float's noise (0.9239999999999999) is not a figure
        context.prec = 15
        return fmt(+number)


def _text(value: Value) -> str | None:
    text = "".join(value.text.split()) if "\n" in value.text else value.text
    return text or None


def facts(form: ProjectForm) -> dict[str, Any]:
    """What the outputs show of a project form (see the module docstring)."""
    total = form.funds_total
    funds: dict[str, Any] | None = None
    if total is not None:
        weight = total.weight
        weight_text = _decimal(weight)
        if weight_text is None and weight.is_empty_text and total.weight_from_label is not None:
            weight_text = fmt(total.weight_from_label)
        funds = {
            "initial": _decimal(total.initial), "budget": _decimal(total.budget),
            "spent": _decimal(total.spent), "rate": _decimal(total.rate, rate=True),
            "weight": weight_text, "score": _decimal(total.score),
        }
    return {
        "project_name": _text(form.project_name),
        "department": _text(form.department),
        "unit": _text(form.unit),
        "money_unit": form.money_unit,
        "funds": funds,
    }


def _total_rows(editions) -> tuple[str, ...]:
    return tuple(label for edition in editions for label in edition.funds.total_rows)


class ProjectFamily:
    id = ID
    title = "项目支出绩效自评表"

    def read(self, grids: "list[SheetGrid]", definitions: "Definitions") -> list[ProjectForm]:
        """Every project form of the workbook, read (one per sheet)."""
        editions = definitions.project_editions
        if not editions:
            return []
        forms = []
        previous: ProjectForm | None = None   # the form on the sheet before, whose table may go on
        for sheet in grids:
            title = detector.find_title(sheet, editions)
            if title is None and previous is not None and detector.continues(sheet, previous.edition):
                from evaluator.families.project.reader import read_continuation

                if read_continuation(previous, sheet):
                    if previous.review is not None:
                        read_continuation(previous.review, sheet, review=True)
                else:
                    previous.not_read.append({"where": sheet.name, "why": "续表的指标表头未能识别，未读取"})
                continue
            previous = None
            if title is None and not detector.has_label(sheet, _total_rows(editions)):
                continue   # no title and no funds total row: not a project form (cheap test first)
            for grid, title in detector.segments(sheet, editions) if title else [(sheet, None)]:
                edition = detector.choose_edition(grid, editions, definitions.forced_edition)
                if title is None and detector.foreign_title(grid):
                    # titled as a department-wide form: read only on the project layout itself
                    title = detector.department_title(grid, edition)
                    if title is None:
                        continue
                elif title is None and not detector.looks_like_project(grid, edition):
                    continue
                # the reader and the model load once a sheet is claimed: a workbook of other forms never needs them
                from evaluator.families.project.reader import read_form

                form = read_form(grid, edition, title)
                if form is not None:
                    forms.append(form)
                    previous = form
                    if form.review_column is not None:
                        form.review = read_form(grid, edition, title, review=True)
        return forms

    def check(self, grids: "list[SheetGrid]", definitions: "Definitions") -> list[CheckedForm]:
        results = []
        for form in self.read(grids, definitions):
            findings = _run_checks(form)
            review = getattr(form, "review", None)
            if review is not None:   # 自评分 | 复核分: each column checked; a finding said once
                seen = {_said(f) for f in findings}
                findings = sorted(findings + [f for f in _run_checks(review) if _said(f) not in seen],
                                  key=lambda finding: finding.sort_key)
            results.append(CheckedForm(
                family=ID,
                edition=form.edition.id,
                title=form.title,
                sheet=form.sheet,
                department=_text(form.department),
                year=form.year,
                findings=findings,
                total=_totals(form, findings),
                grade=_grades(form, findings),
                facts=facts(form),
                coverage=_coverage(form),
                model=form,
            ))
        return results

    def seen(self, grids: "list[SheetGrid]", definitions: "Definitions") -> str:
        """The titles and headers looked for, and which were seen where."""
        editions = definitions.project_editions
        if not editions:
            return "没有加载项目支出绩效自评表的版本"
        national = definitions.project_edition(detector.NATIONAL) or editions[0]
        probes = {
            "标题（" + "、".join(national.titles[:3]) + "…）": None,
            national.funds.total_rows[0]: national.funds.total_rows,
            national.indicators.columns.name[0]: national.indicators.columns.name,
            national.indicators.columns.target[0]: national.indicators.columns.target,
            national.indicators.columns.actual[0]: national.indicators.columns.actual,
            national.indicators.columns.score[0]: national.indicators.columns.score,
        }
        seen: dict[str, str] = {}
        for grid in grids:
            for name, labels in probes.items():
                if name in seen:
                    continue
                if labels is None:
                    title = detector.find_title(grid, editions)
                    if title:
                        seen[name] = f"{grid.name}!{CellRefA1(title.row, title.col)}"
                    continue
                where = detector.has_label(grid, labels)
                if where:
                    seen[name] = f"{grid.name}!{CellRefA1(*where)}"
        wanted = "、".join(f"“{name}”" for name in probes)
        found = "，".join(f"“{name}”在 {where}" for name, where in seen.items()) or "一个也没有"
        return f"查找的标签：{wanted}；找到的：{found}"


def CellRefA1(row: int, col: int) -> str:  # noqa: N802 - reads as the cell address it returns
    from evaluator.intake.workbook import a1

    return a1(row, col)


FAMILY = ProjectFamily()
