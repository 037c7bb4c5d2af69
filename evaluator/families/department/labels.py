"""Each sheet's text cells by their normalised label, built once per sheet and shared by every
department edition that looks for its headers (so that offering a sheet to many editions costs
one pass over its cells, not one per edition)."""

from __future__ import annotations

import weakref
from typing import TYPE_CHECKING

from evaluator.values.text import norm_label

if TYPE_CHECKING:
    from evaluator.intake.workbook import SheetGrid

#: id(grid) → (its cell count when indexed, the index); an entry goes when its grid does.
_INDEX: dict[int, tuple[int, dict[str, list[tuple[int, int]]]]] = {}


def labels(grid: "SheetGrid") -> dict[str, list[tuple[int, int]]]:
    """normalised label → the cells (row, column) holding it, in sheet order, for every text cell."""
    cached = _INDEX.get(id(grid))
    if cached is not None and cached[0] == len(grid.cells):
        return cached[1]
    if cached is None:
        weakref.finalize(grid, _INDEX.pop, id(grid), None)
    index: dict[str, list[tuple[int, int]]] = {}
    for rc, value in sorted(grid.cells.items()):
        if isinstance(value, str):
            key = norm_label(value)
            if key:
                index.setdefault(key, []).append(rc)
    _INDEX[id(grid)] = (len(grid.cells), index)
    return index
