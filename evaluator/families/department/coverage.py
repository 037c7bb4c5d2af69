"""How much of a department-wide form was read (:class:`~evaluator.families.base.Coverage`), for
each of the family's editions: the Guangzhou catalog, the scored trees and the coefficient forms.

Points read are the 分值 of the indicator rows read (plus, on a coefficient form, the funds row's
执行率权重); the total is the form's printed total 分值, else its edition's (100). What was seen and
not read is named, each as ``{"where", "why"}``: an indicator row whose 分值 is not a number, a
scored row without a name, and on a catalog form recognised only in part, the catalog indicators
not found and the rows that are none of them.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from evaluator.families.base import Coverage
from evaluator.values.cell import Value

if TYPE_CHECKING:
    from evaluator.families.department.catalog import Catalog
    from evaluator.families.department.model import Form

#: At most this many names are listed in one "not read" entry (the rest are counted).
NAMES_SHOWN = 6


def _number(value: Value) -> Decimal | None:
    if value is None or value.undecided:
        return None
    number = value.number
    return number if isinstance(number, Decimal) else None


def _where(value: Value, fallback: str) -> str:
    return f"{value.ref.sheet}!{value.ref.a1}" if value is not None and value.ref is not None else fallback


def _unreadable_weights(rows: list[Any], sheet: str) -> list[dict[str, str]]:
    """The rows whose 分值 could not be read as a number: their points are not counted."""
    missing = []
    for row in rows:
        if _number(row.weight) is None:
            shown = row.weight.text if not row.weight.is_blank else "（空）"
            missing.append({"where": _where(row.weight, sheet),
                            "why": f"“{_name(row) or '（无名称）'}”的分值“{shown}”不是数字，该行的分值未计入"})
    return missing


def _name(row: Any) -> str:
    name = getattr(row, "name", "")
    return name if isinstance(name, str) else getattr(name, "text", "")


def _coverage(rows: list[Any], extra: list[Decimal], total: Decimal, not_read: list[dict[str, str]]) -> Coverage:
    weights = [w for w in (_number(row.weight) for row in rows) if w is not None] + extra
    judged = [row for row in rows if _number(row.weight) is not None and _number(row.score) is not None]
    return Coverage(indicators_read=len(rows), indicators_judged=len(judged),
                    points_read=sum(weights, Decimal(0)) if weights else None,
                    points_total=total, not_read=not_read)


def _total(printed: Value, edition_total: Decimal) -> Decimal:
    number = _number(printed)
    return number if number is not None and number > 0 else edition_total


def tree_coverage(form: Any) -> Coverage:
    """A scored tree: its 三级 rows, against the printed total 分值 (else the edition's)."""
    not_read = list(getattr(form, "not_read", []) or []) + _unreadable_weights(form.rows, form.sheet)
    return _coverage(form.rows, [], _total(form.total_weight, form.edition.model.total_weight), not_read)


def coefficient_coverage(form: Any) -> Coverage:
    """A coefficient form: its indicator rows plus the funds row's 执行率权重, against the
    edition's total (100)."""
    extra = []
    not_read = list(getattr(form, "not_read", []) or []) + _unreadable_weights(form.rows, form.sheet)
    if form.funds is not None:
        weight = _number(form.funds.weight)
        if weight is not None:
            extra.append(weight)
        else:
            not_read.append({"where": _where(form.funds.weight, form.sheet), "why": "执行率权重不是数字，未计入"})
    return _coverage(form.rows, extra, form.edition.model.total_weight, not_read)


def wholly_recognised(form: "Form", catalog: "Catalog") -> bool:
    """Whether a catalog form's rows hold enough of the catalog's 三级 indicators
    (``form.whole_share``) to be judged as the whole form; below it (and above ``claim_share``,
    or the table would not have been claimed) the rows read are judged one by one and the form is
    said to be partly read."""
    matched = sum(1 for row in form.rows if row.indicator is not None)
    return matched >= catalog.form.whole_share * len(catalog.indicators)


def _names(names: list[str]) -> str:
    shown = "、".join(names[:NAMES_SHOWN])
    return shown + (f" 等 {len(names)} 个" if len(names) > NAMES_SHOWN else "")


def catalog_coverage(form: "Form", catalog: "Catalog") -> Coverage:
    """A Guangzhou-style catalog form. Wholly recognised: every row read counts (a missing or
    unknown row is a finding of its own). Recognised in part: only the rows that are the catalog's
    indicators count, and the indicators not found and the rows that are none of them are named."""
    total = _total(form.total_weight, catalog.total_weight)
    if wholly_recognised(form, catalog):
        return _coverage(form.rows, [], total, [])
    matched = [row for row in form.rows if row.indicator is not None]
    present = {row.indicator.id for row in matched}
    absent = [indicator.name for indicator in catalog.indicators if indicator.id not in present]
    where = f"{form.header_ref.sheet}!{form.header_ref.a1}" if form.header_ref else form.sheet
    not_read = [{"where": where, "why": f"表中只认出指标目录 {len(catalog.indicators)} 个三级指标中的 "
                                        f"{len(matched)} 个，未找到：{_names(absent)}"}]
    unknown = [row for row in form.rows if row.indicator is None]
    if unknown:
        first = unknown[0].name
        not_read.append({"where": _where(first, where),
                         "why": f"{len(unknown)} 行不是目录中的三级指标，未读取："
                                f"{_names([row.name.text or '（无名称）' for row in unknown])}"})
    return _coverage(matched, [], total, not_read)


def unjudged_when_partly_read(checked: Any) -> Any:
    """A checked form said to be partly read keeps its declared total and grade but computes
    none: a sum of the scores read is not the form's total, nor the grade it would earn."""
    if any(finding.rule == "form-partly-read" for finding in checked.findings):
        if checked.total is not None:
            checked.total.recomputed = checked.total.corrected = None
        if checked.grade is not None:
            checked.grade.computed = checked.grade.corrected = None
    return checked


def judged(findings: list[Any], found: Coverage, where: Any) -> list[Any]:
    """``findings`` with form-partly-read's finding for a form read as ``found`` (at ``where``, the
    table's header cell), in the order of the sheet; a shortfall of points is weight-sum's where a
    sum of 分值 does not hold."""
    from evaluator.families.department.checks import form_partly_read

    sums_hold = not any(finding.rule == "weight-sum" for finding in findings)
    return sorted(findings + list(form_partly_read.judge(found, where, sums_hold)), key=lambda finding: finding.sort_key)


def corrected_total(total: Decimal | None, scores: list[Value], findings: list[Any]) -> Decimal | None:
    """``total`` with every finding's expected score in place on the ``scores`` it adds up; None
    where a finding on a score gives no single expected score."""
    if total is None:
        return None
    by_cell = {}
    for finding in findings:
        if finding.expected_of == "score" and finding.cell is not None:
            if finding.expected is None:
                return None
            by_cell[(finding.sheet, finding.cell)] = Decimal(str(finding.expected))
    for score in scores:
        key = (score.ref.sheet, score.ref.a1) if score.ref else None
        if key in by_cell:
            total += by_cell[key] - score.number
    return total
