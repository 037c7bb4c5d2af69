"""Rules that mean the same in every family, written once against a small row interface.

A family turns its own rows into :class:`ScoredRow` (a label, the weight the row is scored
against, the score cell, the cells that explain lost points) and calls these functions with its
own :class:`~evaluator.checks.base.Rule` (same slug in every family; its title, template and
examples may speak of the family's form). The family owns the loop over its forms; no rule here
knows any form's layout.

The rule templates may use ``{indicator}``, ``{expected}``, ``{actual}``, ``{cell}`` and the
fields each function names (the three score rules name ``{weight}``). Where families state a
finding differently, the function takes a keyword for it (``expect``, ``relate_score``, …), never a
family's name.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Callable, Iterable, Iterator, Literal

from evaluator.checks.base import Rule, shown
from evaluator.findings import CellRef, Finding
from evaluator.values.cell import MISSING, Value
from evaluator.values.numbers import fmt, too_large
from evaluator.values.text import is_blank_text

#: What an explanation cell may say and still explain nothing (beside 无, /, —): a lone 0.
_EMPTY_EXPLANATIONS = frozenset({"0", "0.0", "没有", "无偏差", "无。"})


@dataclass(frozen=True)
class ScoredRow:
    """One scored row of any family's form.

    ``weight`` is the weight the row is scored against (None when the form gives none: then
    nothing is judged against it); ``weight_cell`` is where it is written, if anywhere.
    ``explanations`` are the cells that must say why points were lost, with their names
    (``未达标原因``, ``偏差原因``); ``missed`` says the row missed its target even where the score
    does not show it (``shortfall`` says how); ``skip_explanation`` is set when another finding on the row already sends
    the author to the score (no cascade).
    """

    label: str
    score: Value
    weight: Decimal | None = None
    weight_cell: Value = MISSING
    explanations: tuple[tuple[str, Value], ...] = ()
    missed: bool = False
    skip_explanation: bool = False
    #: How the target was missed, for messages (``完成值 46人，指标值 ≥50人``).
    shortfall: str = ""


def is_empty_explanation(value: Value) -> bool:
    """A blank cell, or a word that explains nothing (无, /, —, 0)."""
    if value.formula is not None:
        return False
    if is_blank_text(value.raw):
        return True
    return "".join(value.text.split()) in _EMPTY_EXPLANATIONS


#: What a finding on a score that cannot stand gives as expected: ``weight`` names the row's
#: weight (``expected``), ``range`` gives no single expected score, only 0 to the weight
#: (``expected_range``, ``expected_of="score"``), so that no corrected total is stated from it.
Expect = Literal["weight", "range"]


def score_not_number(rule: Rule, rows: Iterable[ScoredRow], *, expect: Expect = "weight",
                     message_without_weight: str | None = None) -> Iterator[Finding]:
    """``score-not-number``: a score cell that is blank or holds no number (formulas without a
    value are ``formula-no-value``'s). ``message_without_weight`` is the template for a row that
    has no weight to name (the rule's own otherwise). Templates may use ``{weight}``."""
    for row in rows:
        if row.score.ref is None or row.score.undecided or row.score.number is not None:
            continue
        weight, ranged = row.weight, expect == "range"
        why = "超出可计算的范围（绝对值须小于 10^15）" if too_large(row.score.raw) else "不是数字"
        yield rule.emit(row.score.ref, indicator=row.label, expected=None if ranged else weight,
                        actual=shown(row.score.raw), arithmetic=f"得分“{shown(row.score.raw)}”{why}，无法计入总分",
                        expected_of="score" if ranged else None,
                        expected_range=(Decimal(0), weight) if ranged and weight is not None else None,
                        message=message_without_weight if weight is None else None, weight=weight)


def score_out_of_range(rule: Rule, rows: Iterable[ScoredRow], *, expect: Expect = "weight") -> Iterator[Finding]:
    """``score-out-of-range``: a score below 0 or above the row's weight. The finding names the
    cell the weight is written in (``weight_cell``) in ``related``, where the row has one.
    Templates may use ``{weight}``."""
    for row in rows:
        score, weight = row.score.number, row.weight
        if score is None or weight is None:
            continue
        if score < Decimal(0) or score > weight:
            arithmetic = f"{fmt(score)} > {fmt(weight)}" if score > weight else f"{fmt(score)} < 0"
            yield rule.emit(row.score.ref, indicator=row.label, expected=weight if expect == "weight" else None,
                            actual=score, arithmetic=arithmetic, expected_range=(Decimal(0), weight),
                            expected_of="score", related=[row.weight_cell.ref], weight=weight)


def missing_explanation(rule: Rule, rows: Iterable[ScoredRow], *,
                        empty: Callable[[Value], bool] = is_empty_explanation, relate_score: bool = True,
                        once_per_cell: bool = True) -> Iterator[Finding]:
    """``missing-explanation``: points lost (score below weight) or a target missed, and an
    explanation cell empty. The finding points at the first empty explanation cell, the cell to
    fill in; the other empty cells are named in ``related``, and the score too unless
    ``relate_score`` is off. ``empty`` says what counts as an
    empty explanation. An explanation cell shared by several rows (merged) is reported once, on
    the first of them, unless ``once_per_cell`` is off (then once per row that needs it).
    Templates may use ``{missing}`` (the empty cells' names), ``{why}``, ``{score}``, ``{weight}``."""
    said: set[CellRef] = set()
    for row in rows:
        if row.skip_explanation:
            continue
        score, weight = row.score.number, row.weight
        lost = score is not None and weight is not None and score < weight
        if not lost and not row.missed:
            continue
        blank = [(name, cell) for name, cell in row.explanations if cell.ref is not None and empty(cell)]
        if not blank:
            continue
        names = "和".join(dict.fromkeys(name for name, _ in blank))
        why = (f"得分 {fmt(score)} 低于分值 {fmt(weight)}" if lost else (row.shortfall or "未完成年度指标值"))
        ref: CellRef | None = blank[0][1].ref
        related = ([row.score.ref] if relate_score else []) + [cell.ref for _, cell in blank]
        related = [r for r in related if r is not None and r != ref]
        if once_per_cell and ref is not None and ref in said:
            continue                    # one reason cell merged over several rows: said once
        if ref is not None:
            said.add(ref)
        yield rule.emit(ref, indicator=row.label, actual=shown(blank[0][1].raw), expected_of="text",
                        missing=names, why=why, related=related, arithmetic=why, score=score, weight=weight)


def formula_no_value(rule: Rule, values: Iterable[tuple[str, Value] | tuple[str, Value, str | None]]
                     ) -> Iterator[Finding]:
    """``formula-no-value``: a cell whose formula has no saved result and could not be evaluated,
    once per cell, in the order given. Each value comes as ``(label, value)`` or ``(label, value,
    kind)``, where ``kind`` is what the cell holds (``score``, ``weight``, ``amount``, ``total``)
    and becomes the finding's ``expected_of``."""
    seen: set[CellRef] = set()
    for label, value, *kind in values:
        if value.formula is not None and value.ref is not None and value.ref not in seen:
            seen.add(value.ref)
            yield rule.emit(value.ref, indicator=label, formula=value.formula,
                            expected_of=kind[0] if kind else None,
                            arithmetic=f"{value.formula} 无保存的结果，且无法计算")
