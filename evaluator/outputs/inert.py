"""Text from a workbook written anywhere else stays text: never a formula, markup or terminal control.

Cells hold whatever people (or attackers) typed: ``=HYPERLINK("http://…","点我")``, ``+cmd|' /C calc'!A0``,
``@SUM(1+1)``, ``<script>``, escape sequences. Every output writes such text through these helpers:

* an .xlsx cell: :func:`xlsx_text`, and a text that starts with "=" is stored as a string cell
  (``cell.data_type = "s"``; openpyxl, and pandas through it, otherwise store it as a formula);
* a terminal line: :func:`printable`;
* HTML: escape every value (Jinja2 ``autoescape=True``), never mark data ``|safe``.

JSON needs nothing: the encoder escapes every control character.
"""

from __future__ import annotations

import re

#: The most characters an Excel cell holds.
MAX_CELL_TEXT = 32767
#: What a spreadsheet evaluates when a field starts with it (the OWASP CSV injection list).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
#: The characters XML 1.0 forbids in a cell (openpyxl's ILLEGAL_CHARACTERS_RE, kept here so that
#: the console and JSON outputs do not import openpyxl).
ILLEGAL_CHARACTERS_RE = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def xlsx_text(text: str) -> str:
    """A text as an .xlsx cell or comment can hold it: no character XML forbids, not too long."""
    return ILLEGAL_CHARACTERS_RE.sub("", text)[:MAX_CELL_TEXT]


def printable(text: str) -> str:
    """One line without control characters (escape sequences, newlines): safe to print."""
    return _CONTROL.sub("?", text)
