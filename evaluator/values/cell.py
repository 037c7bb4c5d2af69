"""A cell's value as a form reader hands it to the checks: the raw value, its number if it is one,
and the cell it came from. Every family's model is built of these.

Nothing here knows about files or openpyxl.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property
from typing import Any

from evaluator.findings import CellRef
from evaluator.values.numbers import parse_number
from evaluator.values.text import is_blank_text


@dataclass(frozen=True)
class Value:
    """A cell's value as read (``raw``), its number if it is one, and where it sits.

    ``formula`` is set when the cell holds a formula whose value the reader could not obtain;
    such a value is undecided, not blank.
    """

    raw: Any
    ref: CellRef | None
    formula: str | None = None
    #: A percent number format the reader cannot read with certainty (``0.0E+0%``): what the cell
    #: shows is not known, so its value is undecided too.
    unread_format: str | None = None

    @cached_property
    def number(self) -> Decimal | None:
        if self.formula is not None or self.unread_format is not None:
            return None
        return parse_number(self.raw, percent_as_fraction=False)

    @property
    def text(self) -> str:
        return "" if self.raw is None else str(self.raw).strip()

    @property
    def is_blank(self) -> bool:
        return self.formula is None and (self.raw is None or self.text == "")

    @cached_property   # the rules ask it of the same cells many times (a Value is frozen)
    def is_empty_text(self) -> bool:
        """Blank, or a word meaning nothing (无, /, —)."""
        return self.formula is None and is_blank_text(self.raw)

    @property
    def undecided(self) -> bool:
        """A formula without a value, or a number in a format that cannot be read: checks that
        need it say nothing rather than guess."""
        return self.formula is not None or self.unread_format is not None


#: The value of a cell the form does not have (or the reader did not find).
MISSING = Value(raw=None, ref=None)
