"""What every check shares: a rule's identity and the finding constructor that renders its message.

A check is a module with a docstring (what it catches, why an auditor cares, a passing and a
failing example), a ``RULE`` and, unless it is reported by the reader itself, a pure
``check(form, catalog)`` that yields :class:`~evaluator.findings.Finding` objects.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Iterable

from evaluator.findings import CellRef, Finding, Severity
from evaluator.values.numbers import fmt


@dataclass(frozen=True)
class Rule:
    """A rule's identity: its stable slug, severity, Chinese title, message template, a passing and
    a failing example, and (in Chinese, for ``evaluator rules``) what it catches and why it matters."""

    slug: str
    severity: Severity
    title: str
    message: str
    passing: str
    failing: str
    catches: str = ""
    why: str = ""

    def emit(self, ref: CellRef | None, *, indicator: str | None = None, expected: Any = None,
             actual: Any = None, arithmetic: str | None = None, message: str | None = None,
             expected_of: str | None = None, related: Iterable[CellRef | None] = (),
             alternatives: Iterable[tuple[str, Any]] = (), expected_range: tuple[Any, Any] | None = None,
             **fields: Any) -> Finding:
        """A finding of this rule; its message is the rule's template filled from the finding's data."""
        values = {key: _show(value) for key, value in fields.items()}
        text = (message or self.message).format(
            indicator=indicator or "",
            expected=_show(expected),
            actual=_show(actual),
            arithmetic=arithmetic or "",
            cell=ref.a1 if ref else "",
            **values,
        )
        return Finding.make(self.slug, self.severity, text, ref=ref, indicator=indicator,
                            expected=expected, actual=actual, arithmetic=arithmetic, expected_of=expected_of,
                            related=[other for other in related if other is not None],
                            alternatives=alternatives, expected_range=expected_range)


def _show(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return fmt(value)
    return str(value)


def shown(value: Any) -> str:
    """A cell's value as the accountant typed it, for messages (blank → （空）)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return "（空）"
    if isinstance(value, float):
        return fmt(Decimal(repr(value)))
    return str(value).strip()
