"""Workbooks as grids of values: what the reader sees, whatever program saved the file.

A :class:`SheetGrid` holds the non-empty cells of a sheet by 1-based (row, column), its merged
ranges, and the formulas of cells that have no cached value. The reader locates the form in grids;
it never touches a file format.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Collection

import python_calamine
from openpyxl.utils import get_column_letter

Coord = tuple[int, int]


def a1(row: int, col: int) -> str:
    """(12, 7) → G12."""
    return f"{get_column_letter(col)}{row}"


@dataclass
class SheetGrid:
    """The values of one sheet. Rows and columns are 1-based, as in Excel."""

    name: str
    cells: dict[Coord, Any] = field(default_factory=dict)
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)
    formulas: dict[Coord, str] = field(default_factory=dict)
    _anchor: dict[Coord, Coord] = field(default_factory=dict, repr=False)
    _extent: dict[Coord, tuple[int, int, int, int]] = field(default_factory=dict, repr=False)
    _rows: dict[int, list[tuple[int, Any]]] | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        self.index_merges()

    def index_merges(self) -> None:
        self._anchor.clear()
        self._extent.clear()
        for rng in self.merged:
            r0, c0, r1, c1 = rng
            self._extent[(r0, c0)] = rng
            for r in range(r0, r1 + 1):
                for c in range(c0, c1 + 1):
                    self._anchor[(r, c)] = (r0, c0)

    @property
    def max_row(self) -> int:
        return max((r for r, _ in self.cells), default=0)

    @property
    def max_col(self) -> int:
        return max((c for _, c in self.cells), default=0)

    def anchor(self, row: int, col: int) -> Coord:
        """The top-left cell of the merged range covering (row, col), or the cell itself."""
        return self._anchor.get((row, col), (row, col))

    def extent(self, row: int, col: int) -> tuple[int, int, int, int]:
        """The merged range that (row, col) anchors or lies in, as (r0, c0, r1, c1)."""
        r0, c0 = self.anchor(row, col)
        return self._extent.get((r0, c0), (r0, c0, r0, c0))

    def value(self, row: int, col: int) -> Any:
        """The value shown at (row, col): a merged range shows its top-left value everywhere."""
        return self.cells.get(self.anchor(row, col))

    def row_values(self, row: int) -> list[tuple[int, Any]]:
        """The non-empty cells of a row, as (column, value), left to right."""
        if self._rows is None:
            rows: dict[int, list[tuple[int, Any]]] = {}
            for (r, c), v in self.cells.items():
                rows.setdefault(r, []).append((c, v))
            for cells in rows.values():
                cells.sort(key=lambda cv: cv[0])
            self._rows = rows
        return self._rows.get(row, [])


@dataclass
class WorkbookGrids:
    path: Path
    sheets: list[SheetGrid]


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        return value if value.strip() else None
    return value


def load_grids(path: Path, skip: Collection[str] = ()) -> WorkbookGrids:
    """Read every worksheet of an .xlsx, .xlsm, .xls or .ods file into grids, except those named in
    ``skip`` (sheets :mod:`evaluator.safety` found too large to read).

    Raises the reader's own exceptions; :mod:`evaluator.engine` turns them into ``unreadable``.
    """
    book = python_calamine.CalamineWorkbook.from_path(str(path))
    try:
        sheets = []
        for meta in book.sheets_metadata:
            if meta.typ != python_calamine.SheetTypeEnum.WorkSheet or meta.name in skip:
                continue
            sheet = book.get_sheet_by_name(meta.name)
            cells: dict[Coord, Any] = {}
            # to_python() starts at the first used cell, which ``start`` gives 0-based.
            top, left = sheet.start or (0, 0)
            for r, row in enumerate(sheet.to_python(), start=top + 1):
                for c, value in enumerate(row, start=left + 1):
                    value = _clean(value)
                    if value is not None:
                        cells[(r, c)] = value
            merged = [
                (r0 + 1, c0 + 1, r1 + 1, c1 + 1)
                for (r0, c0), (r1, c1) in (sheet.merged_cell_ranges or [])
            ]
            sheets.append(SheetGrid(name=meta.name, cells=cells, merged=merged))
        return WorkbookGrids(path=path, sheets=sheets)
    finally:
        book.close()
