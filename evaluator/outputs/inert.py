"""Text from a workbook written anywhere else stays text: never a formula, markup or terminal control.

Cells hold whatever people (or attackers) typed: ``=HYPERLINK("http://…","点我")``, ``+cmd|' /C calc'!A0``,
``@SUM(1+1)``, ``<script>``, escape sequences. Every output writes such text through these helpers:

* an .xlsx cell: :func:`xlsx_text`, and a text that starts with "=" is stored as a string cell
  (``cell.data_type = "s"``; openpyxl, and pandas through it, otherwise store it as a formula);
* a terminal line: :func:`printable`;
* HTML: escape every value (Jinja2 ``autoescape=True``), never mark data ``|safe``;
* everywhere: no bidirectional control (:func:`neutral`; the report data is :func:`neutralised`
  once, when it is assembled, so JSON, HTML and summary.xlsx all show the text in its real order).

JSON needs nothing: the encoder escapes every control character.
"""

from __future__ import annotations

import os
import re
from typing import Any

from evaluator.values.patterns import lazy

#: The most characters an Excel cell holds.
MAX_CELL_TEXT = 32767
#: What a spreadsheet evaluates when a field starts with it (the OWASP CSV injection list).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
#: The characters XML 1.0 forbids in a cell (openpyxl's ILLEGAL_CHARACTERS_RE, kept here so that
#: the console and JSON outputs do not import openpyxl).
ILLEGAL_CHARACTERS_RE = lazy(r"[\000-\010]|[\013-\014]|[\016-\037]")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
#: The bidirectional controls (marks, embeddings, overrides, isolates): removed from every output,
#: so that a right-to-left override in a unit or a file name cannot reorder what is shown.
_BIDI = str.maketrans("", "", "\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def neutral(text: str) -> str:
    """``text`` without bidirectional controls."""
    return text.translate(_BIDI)


def neutralised(data: Any) -> Any:
    """``data`` (report entries: dicts, lists, strings) with every string :func:`neutral`."""
    if isinstance(data, str):
        return data.translate(_BIDI)
    if isinstance(data, dict):
        return {key: neutralised(value) for key, value in data.items()}
    if isinstance(data, list):
        return [neutralised(value) for value in data]
    return data


def xlsx_text(text: str) -> str:
    """A text as an .xlsx cell or comment can hold it: no character XML forbids, not too long."""
    return ILLEGAL_CHARACTERS_RE.sub("", neutral(text))[:MAX_CELL_TEXT]


def printable(text: str) -> str:
    """One line without control characters (escape sequences, newlines): safe to print."""
    return _CONTROL.sub("?", neutral(text))


def _shown_part(part: str) -> tuple[str, str | None]:
    if not any("\udc80" <= character <= "\udcff" for character in part):
        return part, None
    raw = os.fsencode(part)
    try:
        return raw.decode("gbk"), "gbk"
    except UnicodeDecodeError:
        return raw.decode("utf-8", "backslashreplace"), "escaped"


def shown_path(text: str) -> tuple[str, str | None]:
    """A path as it is shown and written anywhere (always valid UTF-8), and how its name was read.

    A file name the file system holds as bytes that are not UTF-8 (a zip made on Chinese Windows,
    unpacked on Linux: Python keeps such bytes as lone surrogates, which no UTF-8 output can
    hold) is shown, part by part, decoded as GBK when its bytes are GBK (``"gbk"``), else with
    each such byte escaped as ``\\xNN`` (``"escaped"``); a UTF-8 name is shown as it is (None).
    Bidirectional controls are removed either way (:func:`neutral`)."""
    parts = [_shown_part(part) for part in text.split(os.sep)]
    how = "escaped" if any(kind == "escaped" for _, kind in parts) else \
        "gbk" if any(kind == "gbk" for _, kind in parts) else None
    return neutral(os.sep.join(shown for shown, _ in parts)), how


def safe_path(text: str) -> str:
    """:func:`shown_path`'s text alone: what a report, a log line or a written name holds."""
    return shown_path(text)[0]
