"""Workbooks as grids of values: what the reader sees, whatever program saved the file.

A :class:`SheetGrid` holds the non-empty cells of a sheet by 1-based (row, column), its merged
ranges, and the formulas of cells that have no cached value. The reader locates the form in grids;
it never touches a file format.

Values come from python-calamine for every format (.xlsx, .xlsm, .xls, .ods). Office programs
store each formula's last result, and that is the value read. A file written by a script stores
formulas without results; calamine shows such a cell as empty, so the formulas of .xlsx/.xlsm
sheets are read from the sheet XML (only when the sheet has any) and evaluated by
:mod:`evaluator.formulas`. A formula that cannot be evaluated is kept in ``SheetGrid.formulas``:
its cell is undecided, never blank. Legacy .xls always stores results; its column widths, needed
only for the annotated copy, are read on first use.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Collection

import python_calamine
from defusedxml import ElementTree
from evaluator.intake.files import read_file
from evaluator.intake.parts import Names, sheet_parts, workbook_part
from evaluator.intake.zipcheck import ods_merges
from evaluator.intake.olecheck import OLE_MAGIC
from evaluator.values.cells import column_index, column_letter, split_a1
from evaluator.values.text import strip_invisible
from evaluator.values.patterns import lazy

Coord = tuple[int, int]


def a1(row: int, col: int) -> str:
    """(12, 7) → G12."""
    return f"{column_letter(col)}{row}"


@dataclass
class SheetGrid:
    """The values of one sheet. Rows and columns are 1-based, as in Excel."""

    name: str
    cells: dict[Coord, Any] = field(default_factory=dict)
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)
    #: Formulas (with their ``=``) of cells that have no value: no cached result, not evaluable.
    formulas: dict[Coord, str] = field(default_factory=dict)
    #: Formulas of cells whose value was computed here because the file stored none.
    computed: dict[Coord, str] = field(default_factory=dict)
    #: Column widths (1-based column → Excel width), where the file says; read lazily for .xls.
    widths: Mapping[int, float] = field(default_factory=dict)
    #: (row, col) → the cell's number format code (None: General, or a file that keeps none);
    #: read lazily from the file (:mod:`evaluator.intake.numformats`), for the cells a reader asks.
    number_format: Any = None
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
        # Zero-width and bidi controls are no part of what a cell says (evaluator.values.text).
        value = strip_invisible(value)
        return value if value.strip() else None
    return value


def load_grids(path: Path, skip: Collection[str] = (), *, data: bytes | None = None,
               parts: Mapping[str, str] | None = None, ods: bool | None = None) -> WorkbookGrids:
    """Read every worksheet of an .xlsx, .xlsm, .xls or .ods file into grids, except those named in
    ``skip`` (sheets :mod:`evaluator.intake.safety` found too large to read).

    ``data`` is the file's bytes as the inspection read them (``Inspection.data``), which are
    parsed instead of opening ``path`` again; without it the file is read from ``path`` (never
    through a link, :func:`~evaluator.intake.files.read_file`). The format comes from the bytes,
    whatever the name says. ``parts`` (worksheet name → its part in an .xlsx, ``Inspection.parts``)
    saves finding the sheets' parts again, as the inspection already found them (the same
    functions of :mod:`evaluator.intake.parts`). ``ods``: whether the bytes are an OpenDocument
    spreadsheet, as the inspection told (``Inspection.kind``); None: told from the bytes here.
    Raises the reader's own exceptions; the engine turns them into ``unreadable``.
    """
    if data is None:
        data = read_file(path, limits=None)
    book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
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
    finally:
        book.close()
    if ods is None:
        ods = _is_ods(data)
    _add_number_formats(data, sheets, ods, parts)
    if data.startswith(b"PK"):
        _add_formulas(data, sheets, parts)
        if ods:
            _add_ods_merges(data, sheets)
    elif data.startswith(OLE_MAGIC):
        widths = _XlsWidths(data)
        for grid in sheets:
            last = max([grid.max_col] + [c1 for _, _, _, c1 in grid.merged])
            grid.widths = _SheetWidths(widths, grid.name, last)
    return WorkbookGrids(path=path, sheets=sheets)


def _add_ods_merges(data: bytes, sheets: list[SheetGrid]) -> None:
    """The reader gives no merged ranges for an OpenDocument spreadsheet: they come from the scan
    that measured its tables (:func:`~evaluator.intake.zipcheck.ods_merges`)."""
    if not sheets or any(grid.merged for grid in sheets):
        return
    found = ods_merges(data)
    for grid in sheets:
        grid.merged = [tuple(rng) for rng in found.get(grid.name, [])]
        grid.index_merges()


def _is_ods(data: bytes) -> bool:
    """An OpenDocument spreadsheet's bytes: a zip package with ``content.xml`` and no
    ``[Content_Types].xml`` (as the inspection tells them apart)."""
    if not data.startswith(b"PK"):
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except (OSError, zipfile.BadZipFile):
        return False
    return "content.xml" in names and "[Content_Types].xml" not in names


def _add_number_formats(data: bytes, sheets: list[SheetGrid], ods: bool,
                        known: Mapping[str, str] | None = None) -> None:
    from evaluator.intake.numformats import lookups

    def parts() -> dict[str, str]:
        if known is not None:
            return dict(known)
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return _sheet_parts(archive)

    found = lookups(data, [grid.name for grid in sheets], parts, ods=ods)
    for grid in sheets:
        grid.number_format = found.get(grid.name)


# ---------------------------------------------------------------------------------------------
# Formulas without cached results (.xlsx, .xlsm)

# Any element named f (with or without a namespace prefix) in a sheet part: a formula.
_FORMULA_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?f[\s>/]")
# The parts of sheetData that matter here. The sheet XML is matched, not parsed: the elements are
# few and flat, a match never expands an entity, and a sheet without formulas costs one search.
_P = rb"(?:[A-Za-z_][\w.-]*:)?"
_SHEET_DATA = lazy(rb"<" + _P + rb"sheetData\b[^>]*?(/?)>")
_CELL = lazy(rb"<" + _P + rb"c\b(?P<attrs>[^>]*?)(?:/>|>(?P<body>.*?)</" + _P + rb"c>)", re.S)
_ROW = lazy(rb"<" + _P + rb"row\b(?P<attrs>[^>]*?)/?>", re.S)
_F = lazy(rb"<" + _P + rb"f\b(?P<attrs>[^>]*?)(?:/>|>(?P<text>.*?)</" + _P + rb"f>)", re.S)
_V = lazy(rb"<" + _P + rb"v\b[^>]*?(?:/>|>(?P<text>.*?)</" + _P + rb"v>)", re.S)
_ATTR = lazy(rb"""([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")


def _attributes(raw: bytes) -> dict[str, str]:
    import html   # here, not at the top: only a sheet with formulas is read this way

    return {name.decode().rpartition(":")[2]: html.unescape((double or single).decode("utf-8"))
            for name, double, single in _ATTR.findall(raw)}


def _text(raw: bytes | None) -> str | None:
    import html   # here, not at the top: only a sheet with formulas is read this way

    return None if raw is None else html.unescape(raw.decode("utf-8"))


def _sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Worksheet name → its part in the archive, found as the inspection finds it
    (:mod:`evaluator.intake.parts`)."""
    names = Names(archive.namelist())

    def parse(name: str):
        return ElementTree.fromstring(archive.read(name))

    workbook = workbook_part(names, parse)
    if workbook is None:
        return {}
    return {sheet.name: sheet.part for sheet in sheet_parts(workbook, names, parse) if sheet.part is not None}


def _formula_cells(data: bytes) -> Iterator[tuple[Coord, str | None, str | None, dict[str, str], str | None]]:
    """Every cell of a sheet part that holds a formula: (row, col), the cell type, the formula
    text, the formula's attributes and the cached value text (None when absent).

    A formula is the first child of its cell, so each is found from its own tag; cells are walked
    one by one only when a cell does not carry its address (``r``), which the format allows.
    """
    found = _SHEET_DATA.search(data)
    if not found or found.group(1):
        return
    block = data[found.end():data.rfind(b"sheetData>")]  # up to the closing tag
    cells = []
    for match in _FORMULA_TAG.finditer(block):
        start = block.rfind(b"<", 0, match.start())
        cell = _CELL.match(block, start)
        if cell is None or b"r=" not in cell.group("attrs"):
            yield from _walk_cells(block)
            return
        cells.append(cell)
    for cell in cells:
        attrs = _attributes(cell.group("attrs"))
        letters, row = split_a1(attrs["r"])
        yield _cell_entry((row, column_index(letters)), attrs, cell.group("body") or b"")


def _walk_cells(block: bytes) -> Iterator[tuple[Coord, str | None, str | None, dict[str, str], str | None]]:
    """:func:`_formula_cells` for sheets whose cells may lack their address: count rows and cells."""
    row_number, col_number = 0, 0
    position = 0
    while True:
        row = _ROW.search(block, position)
        cell = _CELL.search(block, position)
        if cell is None:
            return
        if row is not None and row.start() < cell.start():
            attrs = _attributes(row.group("attrs"))
            row_number = int(attrs["r"]) if attrs.get("r", "").isdigit() else row_number + 1
            col_number = 0
            position = row.end()
            continue
        position = cell.end()
        attrs = _attributes(cell.group("attrs"))
        if attrs.get("r"):
            letters, row_number = split_a1(attrs["r"])
            col_number = column_index(letters)
        else:
            col_number += 1
        body = cell.group("body") or b""
        if _F.search(body):
            yield _cell_entry((row_number, col_number), attrs, body)


def _cell_entry(at: Coord, attrs: dict[str, str], body: bytes) -> tuple[Coord, str | None, str | None,
                                                                       dict[str, str], str | None]:
    formula = _F.search(body)
    value = _V.search(body)
    return (at, attrs.get("t"),
            None if formula is None else (_text(formula.group("text")) or ""),
            {} if formula is None else _attributes(formula.group("attrs")),
            None if value is None else (_text(value.group("text")) or ""))


@dataclass
class _Pending:
    """One sheet's formulas without cached values: the evaluable ones and those never evaluated
    here (multi-cell arrays, data tables, a shared formula whose master is missing)."""

    formulas: dict[Coord, str] = field(default_factory=dict)
    blocked: set[Coord] = field(default_factory=set)


def _pending_formulas(data: bytes, cells: dict[Coord, Any]) -> _Pending:
    """Formulas of one sheet's cells that have no cached value (shared formulas expanded).

    A cached error (#DIV/0!), which calamine shows as empty, becomes the cell's value instead.
    """
    pending = _Pending()
    masters: dict[str, tuple[str, Coord]] = {}
    followers: list[tuple[Coord, str]] = []
    for at, kind, formula, attrs, cached in _formula_cells(data):
        shape = attrs.get("t")
        if shape == "shared" and formula and "si" in attrs:
            masters[attrs["si"]] = (formula, at)
        if at in cells:
            continue  # the reader has its cached value
        if cached:
            if kind == "e":
                cells[at] = cached  # a cached error such as #DIV/0!
            continue
        if formula is None or (kind in ("str", "inlineStr") and cached is not None):
            continue  # a formula whose cached result is the empty text
        if shape == "shared" and not formula:
            followers.append((at, attrs.get("si", "")))
            continue
        pending.formulas[at] = formula
        if shape == "dataTable" or (shape == "array" and _spans(attrs.get("ref", ""))):
            pending.blocked.add(at)
    if followers:
        # openpyxl (the whole package) is loaded only for a workbook that has shared formulas
        # without cached values.
        from openpyxl.formula.translate import Translator, TranslatorError
    for at, si in followers:
        master = masters.get(si)
        if master is not None:
            text, origin = master
            try:
                pending.formulas[at] = Translator("=" + text, origin=a1(*origin)).translate_formula(a1(*at))[1:]
                continue
            except TranslatorError:
                pass
        pending.formulas[at] = SHARED_UNKNOWN
        pending.blocked.add(at)
    return pending


#: The text shown for a shared formula whose defining cell could not be found.
SHARED_UNKNOWN = "（共享公式）"


def _spans(ref: str) -> bool:
    first, _, last = ref.partition(":")
    return bool(last) and first != last


def _add_formulas(data: bytes, sheets: list[SheetGrid], known: Mapping[str, str] | None = None) -> None:
    """Find formulas without cached values, evaluate them, and record the rest as undecided."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (OSError, zipfile.BadZipFile):
        return
    pending: dict[str, _Pending] = {}
    with archive:
        try:
            parts = known if known is not None else _sheet_parts(archive)
        except (KeyError, ElementTree.ParseError, ValueError):
            return
        for grid in sheets:
            part = parts.get(grid.name)
            if part is None:
                continue
            try:
                data = archive.read(part)
            except KeyError:
                continue
            if not _FORMULA_TAG.search(data):
                continue
            found = _pending_formulas(data, grid.cells)
            if found.formulas:
                pending[grid.name] = found
    if not pending:
        return
    from evaluator.intake.formulas import FormulaBook   # only for formulas without cached values

    by_name = {grid.name: grid for grid in sheets}
    extents = {}
    for grid in sheets:
        coords = list(grid.cells) + list(pending[grid.name].formulas if grid.name in pending else ())
        extents[grid.name] = (max((r for r, _ in coords), default=0), max((c for _, c in coords), default=0))
    book = FormulaBook(
        values={grid.name: grid.cells for grid in sheets},
        pending={name: one.formulas for name, one in pending.items()},
        extents=extents,
        blocked={(name, *at) for name, one in pending.items() for at in one.blocked},
    )
    done, failed = book.run()
    for (name, row, col), value in done.items():
        grid = by_name[name]
        grid.cells[(row, col)] = value
        grid.computed[(row, col)] = "=" + pending[name].formulas[(row, col)]
    for name, row, col in failed:
        formula = pending[name].formulas[(row, col)]
        by_name[name].formulas[(row, col)] = formula if formula == SHARED_UNKNOWN else "=" + formula
    for grid in sheets:
        grid._rows = None


# ---------------------------------------------------------------------------------------------
# Column widths of legacy .xls (for the annotated copy only)


class _XlsWidths:
    """The column widths of every sheet of an .xls, read with xlrd on first use.

    Widths are cosmetic: a file whose formatting xlrd cannot read keeps its values and merges,
    and its annotated copy gets default widths.
    """

    def __init__(self, data: bytes):
        self.data = data
        self._sheets: dict[str, dict[int, float]] | None = None

    def sheet(self, name: str) -> dict[int, float]:
        if self._sheets is None:
            self._sheets = {}
            try:
                import xlrd

                book = xlrd.open_workbook(file_contents=self.data, formatting_info=True, on_demand=True)
                try:
                    for index, sheet_name in enumerate(book.sheet_names()):
                        sheet = book.sheet_by_index(index)
                        self._sheets[sheet_name] = {
                            col + 1: info.width / 256 for col, info in sheet.colinfo_map.items()
                        }
                finally:
                    book.release_resources()
            except Exception:  # noqa: BLE001 - widths are cosmetic; any failure means defaults
                self._sheets = {}
            self.data = b""   # read once: the file's bytes are not kept with the grids
        return self._sheets.get(name, {})


class _SheetWidths(Mapping[int, float]):
    """One sheet's column widths, up to the last used column, loaded when first looked at."""

    def __init__(self, source: _XlsWidths, name: str, last_col: int):
        self.source = source
        self.name = name
        self.last_col = last_col

    def _data(self) -> dict[int, float]:
        return {col: width for col, width in self.source.sheet(self.name).items() if col <= self.last_col}

    def __getitem__(self, col: int) -> float:
        return self._data()[col]

    def __iter__(self) -> Iterator[int]:
        return iter(self._data())

    def __len__(self) -> int:
        return len(self._data())
