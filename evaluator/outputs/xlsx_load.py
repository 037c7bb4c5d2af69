"""Load an .xlsx to annotate it, keeping the style every cell of a merged range has in the file.

When openpyxl loads a merged range it replaces every cell but the top-left one with an empty
``MergedCell``, then copies the top-left cell's border sides onto the range's edges (its
``MergedCellRange.format``). That both rewrites borders (on the sample forms, 151 cells come back
with other borders than the file gives them) and is most of the time a load takes: two thirds, on a
form with 36 merged ranges, spent building and hashing border objects.

:func:`load_for_annotation` has each covered cell keep the style the file stores for it instead:
the copy's borders are the original's, byte for byte, and loading takes a third of the time. It
swaps openpyxl's private ``Worksheet._clean_merge_range`` for the duration of one load, under a
lock. A private hook may change in any release, so it is used only on the openpyxl versions it
was checked against (:data:`HOOKED_VERSIONS`: the reader calls it once per merged range, as
``ws._clean_merge_range(MergedCellRange)``, and ``MergedCell(ws, row, column)`` takes a style);
pyproject.toml caps openpyxl below its next minor version, and tests/test_xlsx_load.py fails on
any other version until the hook has been checked there and the version added. On another version,
or if the hook fails, the workbook is loaded the ordinary way.
"""

from __future__ import annotations

import copy
import threading
from pathlib import Path
from typing import BinaryIO

import openpyxl
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import MergedCell
from openpyxl.worksheet.worksheet import Worksheet

_HOOK = "_clean_merge_range"
_LOCK = threading.Lock()

#: The openpyxl releases whose reader and ``_clean_merge_range`` the hook was checked against
#: (the same code in each).
HOOKED_VERSIONS = frozenset({"3.1.0", "3.1.1", "3.1.2", "3.1.3", "3.1.4", "3.1.5"})


def hook_applies(version: str | None = None) -> bool:
    """Whether the hook is used with this openpyxl (the installed one by default)."""
    version = openpyxl.__version__ if version is None else version
    return version in HOOKED_VERSIONS and callable(getattr(Worksheet, _HOOK, None))


def _keep_styles(self: Worksheet, merged_range) -> None:
    """Every cell but the top-left one becomes a MergedCell with the style the file gave it."""
    cells = merged_range.cells
    next(cells)  # the top-left cell keeps its value and style
    for row, column in cells:
        original = self._cells.get((row, column))
        merged = MergedCell(self, row, column)
        if original is not None:
            merged._style = copy.copy(original._style)
        self._cells[row, column] = merged


def load_for_annotation(path: str | Path | BinaryIO) -> Workbook:
    """openpyxl's ``load_workbook(path)``, keeping the file's styles inside merged ranges."""
    if not hook_applies():
        return load_workbook(path)
    with _LOCK:
        ordinary = getattr(Worksheet, _HOOK)
        setattr(Worksheet, _HOOK, _keep_styles)
        try:
            return load_workbook(path)
        except Exception:  # noqa: BLE001 - an openpyxl that calls the hook otherwise: load as usual
            pass
        finally:
            setattr(Worksheet, _HOOK, ordinary)
    if hasattr(path, "seek"):
        path.seek(0)  # the failed attempt read the stream
    return load_workbook(path)
