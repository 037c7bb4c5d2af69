"""What the form-partly-read rules of every family share: when the points read fall short of the
total, and the one finding that says what was read and what was not (``读取 8 项指标，计 70/100 分``)."""

from __future__ import annotations

from decimal import Decimal
from typing import Iterator

from evaluator.checks.base import Rule
from evaluator.families.base import Coverage
from evaluator.findings import CellRef, Finding
from evaluator.values.numbers import fmt

#: Points short by no more than this are a rounding of evenly split points (3.33 × 3 under 10),
#: not rows left unread.
POINTS_ROUNDING = Decimal("0.05")


def short(found: Coverage) -> bool:
    """The points read fall short of the form's total by more than a rounding."""
    if found.points_total is None:
        return False
    return found.points_read is None or found.points_total - found.points_read > POINTS_ROUNDING


def partly_read(rule: Rule, where: CellRef | None, indicator: str, found: Coverage,
                reasons: list[str]) -> Iterator[Finding]:
    """The finding of a form read as ``found``, at ``where``, naming ``reasons`` (none: no finding)."""
    if not reasons:
        return
    points = fmt(found.points_read) if found.points_read is not None else "0"
    total = fmt(found.points_total) if found.points_total is not None else "—"
    yield rule.emit(where, indicator=indicator, read=found.indicators_read, points=points, total=total,
                    what="；".join(reasons), arithmetic=f"读取 {found.indicators_read} 项指标，计 {points}/{total} 分")
