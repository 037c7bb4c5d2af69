"""A1 addresses: column letters and numbers, as Excel writes them (``G12`` is row 12, column 7).

openpyxl has the same helpers, but importing any part of it loads the whole package (and numpy,
when installed), which checking a form that has cached values never needs.
"""

from __future__ import annotations

import re
from functools import lru_cache

#: The last column of a sheet (XFD).
MAX_COLUMN = 16384
_A1 = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d+)$")


@lru_cache(maxsize=1024)
def column_letter(col: int) -> str:
    """7 → G, 27 → AA; 1 ≤ col ≤ 16384."""
    if not 1 <= col <= MAX_COLUMN:
        raise ValueError(f"column {col} is outside A…XFD")
    letters = ""
    while col:
        col, rest = divmod(col - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


@lru_cache(maxsize=1024)
def column_index(letters: str) -> int:
    """G → 7, aa → 27; letters beyond XFD are refused."""
    if not 1 <= len(letters) <= 3 or not letters.isascii() or not letters.isalpha():
        raise ValueError(f"not a column: {letters!r}")
    col = 0
    for letter in letters.upper():
        col = col * 26 + ord(letter) - 64
    if col > MAX_COLUMN:
        raise ValueError(f"column {letters} is beyond XFD")
    return col


def split_a1(ref: str) -> tuple[str, int]:
    """``G12`` or ``$G$12`` → (``G``, 12)."""
    match = _A1.match(ref)
    if match is None or int(match.group(2)) == 0:
        raise ValueError(f"not a cell address: {ref!r}")
    return match.group(1).upper(), int(match.group(2))


def coordinates(ref: str) -> tuple[int, int]:
    """``G12`` → (12, 7): row and column, 1-based."""
    letters, row = split_a1(ref)
    return row, column_index(letters)
