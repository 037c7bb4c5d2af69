"""Text from a workbook written anywhere else stays text: never a formula, markup or terminal control.

Cells hold whatever people (or attackers) typed: ``=HYPERLINK("http://…","点我")``, ``+cmd|' /C calc'!A0``,
``@SUM(1+1)``, ``<script>``, escape sequences. Every output writes such text through these helpers:

* an .xlsx cell: :func:`xlsx_text`, and a text that starts with "=" is stored as a string cell
  (``cell.data_type = "s"``; openpyxl, and pandas through it, otherwise store it as a formula);
* a CSV field: :func:`csv_field` (a field that a spreadsheet would evaluate gets a leading ``'``);
* a terminal line: :func:`printable`;
* HTML: escape every value (Jinja2 ``autoescape=True``), never mark data ``|safe``.

JSON needs nothing: the encoder escapes every control character.
"""

from __future__ import annotations

import re
from typing import Any

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

#: The most characters an Excel cell holds.
MAX_CELL_TEXT = 32767
#: What a spreadsheet evaluates when a field starts with it (the OWASP CSV injection list).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?%?")


def xlsx_text(text: str) -> str:
    """A text as an .xlsx cell or comment can hold it: no character XML forbids, not too long."""
    return ILLEGAL_CHARACTERS_RE.sub("", text)[:MAX_CELL_TEXT]


def is_formula_like(text: str) -> bool:
    """True for a text a spreadsheet would evaluate (``-5`` and ``+3.5%`` are only numbers)."""
    return text.startswith(FORMULA_START) and not _NUMBER.fullmatch(text.strip())


def csv_field(value: Any) -> Any:
    """A value for a CSV writer: a formula-like text gets a leading apostrophe, as Excel shows it."""
    if isinstance(value, str) and is_formula_like(value):
        return "'" + value
    return value


def printable(text: str) -> str:
    """One line without control characters (escape sequences, newlines): safe to print."""
    return _CONTROL.sub("?", text)
