"""Load an .xlsx to annotate it, keeping the style every cell of a merged range has in the file.

When openpyxl loads a merged range it replaces every cell but the top-left one with an empty
``MergedCell``, then copies the top-left cell's border sides onto the range's edges (its
``MergedCellRange.format``). That both rewrites borders (on the sample forms, 151 cells come back
with other borders than the file gives them) and is most of the time a load takes: two thirds, on a
form with 36 merged ranges, spent building and hashing border objects.

:func:`load_for_annotation` has each covered cell keep the style the file stores for it instead:
the copy's borders are the original's, byte for byte, and loading takes a third of the time. It
swaps openpyxl's ``Worksheet._clean_merge_range`` for the duration of one load, under a lock; if a
later openpyxl lacks that hook, or the hook fails, it loads the ordinary way.
"""

from __future__ import annotations

import copy
import threading
from pathlib import Path
from typing import BinaryIO

from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import MergedCell
from openpyxl.worksheet.worksheet import Worksheet

_HOOK = "_clean_merge_range"
_LOCK = threading.Lock()


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
    if not callable(getattr(Worksheet, _HOOK, None)):
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
