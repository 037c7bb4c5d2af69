"""A worksheet written straight as sheet XML, for the package writer's 校验结果.

:class:`RecordingSheet` takes the calls the shared writer (:func:`evaluator.outputs.annotate.fill_result_sheet`
and the helpers of :mod:`evaluator.outputs.reporters.common`) makes on an openpyxl worksheet — cells
with values, fonts, fills, borders, alignments, number formats and links, merged ranges, column
widths, row heights, a frozen pane, a filter, a table, the print set-up (paper, orientation, scale
or fit, margins, repeated rows and columns, footers) — and :meth:`RecordingSheet.xml` writes
them as sheet XML, each distinct format appended once to the workbook's styles. There is one writer
of what 校验结果 says; this only saves building and saving an openpyxl workbook for it.
"""

from __future__ import annotations

import html
from datetime import date, datetime
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

from evaluator.outputs.package import MAIN, REL, Styles, letters


def _xml(element: Any) -> str:
    from openpyxl.xml.functions import tostring

    return tostring(element.to_tree()).decode("utf-8")


#: The XML of style objects the writers share between sheets (they are built once per process:
#: see reporters.common and annotate), by identity; the object is kept, so its id is not reused.
_SHARED_XML: dict[int, tuple[str, Any]] = {}
_SHARED_MAX = 256


def _style_xml(element: Any) -> str:
    known = _SHARED_XML.get(id(element))
    if known is not None:
        return known[0]
    text = _xml(element)
    if len(_SHARED_XML) < _SHARED_MAX:   # an object made per sheet would otherwise pile up
        _SHARED_XML[id(element)] = (text, element)
    return text


class RecordedCell:
    """What the shared writer sets on a cell."""

    __slots__ = ("row", "column", "value", "data_type", "quotePrefix", "number_format", "font", "fill",
                 "alignment", "border", "hyperlink")

    def __init__(self, row: int, column: int) -> None:
        self.row, self.column = row, column
        self.value = None
        self.data_type = "n"
        self.quotePrefix = False
        self.number_format = "General"
        self.font = self.fill = self.alignment = self.border = self.hyperlink = None

    @property
    def coordinate(self) -> str:
        return f"{letters(self.column)}{self.row}"


class _Dimensions(dict):
    def __init__(self, **defaults: Any) -> None:
        super().__init__()
        self.defaults = defaults

    def __missing__(self, key: Any) -> SimpleNamespace:
        value = SimpleNamespace(**self.defaults)
        self[key] = value
        return value


class RecordingSheet:
    """The part of openpyxl's Worksheet interface the shared writer uses, recorded."""

    PAPERSIZE_A4 = "9"

    def __init__(self, title: str) -> None:
        self.title = title
        self._cells: dict[tuple[int, int], RecordedCell] = {}
        self.column_dimensions = _Dimensions(width=None)
        self.row_dimensions = _Dimensions(height=None)
        self.auto_filter = SimpleNamespace(ref=None)
        self.freeze_panes: str | None = None
        self.tables: dict[str, Any] = {}
        self.page_setup = SimpleNamespace(orientation=None, paperSize=None, scale=None, fitToWidth=None,
                                          fitToHeight=None, pageOrder=None)
        self.sheet_properties = SimpleNamespace(pageSetUpPr=SimpleNamespace(fitToPage=None))
        self.print_options = SimpleNamespace(gridLines=None)
        # openpyxl's default margins (inches), which it writes when none is set
        self.page_margins = SimpleNamespace(left=0.75, right=0.75, top=1, bottom=1, header=0.5, footer=0.5)
        self.oddFooter, self.evenFooter = _footer(), _footer()
        self.print_title_rows: str | None = None
        self.print_title_cols: str | None = None
        self.merged: list[str] = []

    def cell(self, row: int, column: int, value: Any = None) -> RecordedCell:
        cell = self._cells.get((row, column))
        if cell is None:
            cell = self._cells[row, column] = RecordedCell(row, column)
        if value is not None:
            cell.value = value
            cell.data_type = "s" if isinstance(value, str) else "n"
        return cell

    def add_table(self, table: Any) -> None:
        self.tables[table.displayName] = table

    def merge_cells(self, range_string: str) -> None:
        """Merge a range (as ``A2:L2``): its first cell shows; the other cells of the range are not
        written (openpyxl too keeps nothing of them)."""
        self.merged.append(range_string)

    # -- writing ----------------------------------------------------------------------------

    def xml(self, styles: Styles) -> tuple[str, list[Any], list[tuple[str, str, bool]]]:
        """(sheet XML, the tables, the defined names as (name, formula, hidden)). The sheet XML's
        table parts say ``r:id="{table0}"``, … for the caller to fill in."""
        formats: dict[Any, Any] = {}
        rows: dict[int, list[RecordedCell]] = {}
        for (row, _), cell in sorted(self._cells.items()):
            rows.setdefault(row, []).append(cell)
        body = []
        links = []
        covered = {f"{letters(col)}{row}" for ref in self.merged for row, col in _cells_of(ref)[1:]}
        for row in sorted(set(rows) | {r for r, d in self.row_dimensions.items() if d.height}):
            height = self.row_dimensions[row].height if row in self.row_dimensions else None
            attrs = f' ht="{height:g}" customHeight="1"' if height else ""
            cells = []
            for cell in rows.get(row, []):
                if cell.coordinate in covered:
                    continue
                style = self._style(cell, styles, formats)
                cells.append(_cell_xml(cell, style))
                if cell.hyperlink is not None:
                    links.append(cell)
            body.append(f'<row r="{row}"{attrs}>{"".join(cells)}</row>')
        last_row = max((row for row, _ in self._cells), default=1)
        last_col = max((col for _, col in self._cells), default=1)
        parts = [f'<worksheet xmlns="{MAIN}" xmlns:r="{REL}">']
        if self.sheet_properties.pageSetUpPr.fitToPage:
            parts.append('<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>')
        parts.append(f'<dimension ref="A1:{letters(last_col)}{last_row}"/>')
        parts.append(self._views())
        parts.append('<sheetFormatPr defaultRowHeight="15"/>')
        columns = sorted((column_index(letter), dims.width) for letter, dims in self.column_dimensions.items()
                         if dims.width)
        if columns:
            parts.append("<cols>" + "".join(f'<col min="{c}" max="{c}" width="{w:g}" customWidth="1"/>'
                                             for c, w in columns) + "</cols>")
        parts.append("<sheetData>" + "".join(body) + "</sheetData>")
        if self.auto_filter.ref:
            parts.append(f'<autoFilter ref="{self.auto_filter.ref}"/>')
        if self.merged:
            parts.append(f'<mergeCells count="{len(self.merged)}">'
                         + "".join(f'<mergeCell ref="{ref}"/>' for ref in self.merged) + "</mergeCells>")
        if links:
            parts.append("<hyperlinks>" + "".join(_link_xml(cell) for cell in links) + "</hyperlinks>")
        if self.print_options.gridLines:
            parts.append('<printOptions gridLines="1"/>')
        margins = self.page_margins
        parts.append(f'<pageMargins left="{margins.left:g}" right="{margins.right:g}" top="{margins.top:g}" '
                     f'bottom="{margins.bottom:g}" header="{margins.header:g}" footer="{margins.footer:g}"/>')
        setup = {"paperSize": self.page_setup.paperSize, "orientation": self.page_setup.orientation,
                 "scale": self.page_setup.scale, "fitToWidth": self.page_setup.fitToWidth,
                 "fitToHeight": self.page_setup.fitToHeight, "pageOrder": self.page_setup.pageOrder}
        setup_attrs = "".join(f' {key}="{value}"' for key, value in setup.items() if value is not None)
        if setup_attrs:
            parts.append(f"<pageSetup{setup_attrs}/>")
        footers = [(tag, _footer_text(footer)) for tag, footer in (("oddFooter", self.oddFooter),
                                                                   ("evenFooter", self.evenFooter))]
        if any(text for _, text in footers):
            parts.append("<headerFooter>" + "".join(f"<{tag}>{html.escape(text, quote=False)}</{tag}>"
                                                    for tag, text in footers if text) + "</headerFooter>")
        tables = list(self.tables.values())
        if tables:
            parts.append(f'<tableParts count="{len(tables)}">'
                         + "".join(f'<tablePart r:id="{{table{n}}}"/>' for n in range(len(tables))) + "</tableParts>")
        parts.append("</worksheet>")
        for table in tables:
            _name_columns(table, self)
        names = []
        quoted = "'" + self.title.replace("'", "''") + "'"
        if self.auto_filter.ref:
            first, _, last = self.auto_filter.ref.partition(":")
            names.append(("_xlnm._FilterDatabase", f"{quoted}!{_absolute(first)}:{_absolute(last or first)}", True))
        titles = []
        if self.print_title_cols:
            first, _, last = self.print_title_cols.partition(":")
            titles.append(f"{quoted}!${first}:${last or first}")
        if self.print_title_rows:
            top, _, bottom = self.print_title_rows.partition(":")
            titles.append(f"{quoted}!${top}:${bottom or top}")
        if titles:
            names.append(("_xlnm.Print_Titles", ",".join(titles), False))
        return "".join(parts), tables, names

    def _views(self) -> str:
        if not self.freeze_panes:
            return '<sheetViews><sheetView workbookViewId="0"/></sheetViews>'
        row = int("".join(ch for ch in self.freeze_panes if ch.isdigit()))
        return (f'<sheetViews><sheetView workbookViewId="0"><pane ySplit="{row - 1}" topLeftCell="{self.freeze_panes}" '
                f'activePane="bottomLeft" state="frozen"/><selection pane="bottomLeft" activeCell="A1" sqref="A1"/>'
                f"</sheetView></sheetViews>")

    @staticmethod
    def _style(cell: RecordedCell, styles: Styles, formats: dict[Any, Any]) -> int:
        # Cells mostly share their style objects (see reporters.common): by the objects' identity
        # first (``formats`` keeps them, so an id is not reused while it is a key), then by value.
        same = (id(cell.font), id(cell.fill), id(cell.border), id(cell.alignment), cell.number_format,
                cell.quotePrefix)
        known = formats.get(same)
        if known is not None:
            return known[0]
        key = (_key(cell.font, _FONT), _key(cell.fill, _FILL), _border_key(cell.border),
               _key(cell.alignment, _ALIGNMENT), cell.number_format, cell.quotePrefix)
        if key == (None, None, None, None, "General", False):
            style = 0
        else:
            style = formats.get(key)
            if style is None:
                style = formats[key] = RecordingSheet._new_style(cell, styles)
        formats[same] = (style, cell.font, cell.fill, cell.border, cell.alignment)
        return style

    @staticmethod
    def _new_style(cell: RecordedCell, styles: Styles) -> int:
        from openpyxl.styles.numbers import BUILTIN_FORMATS_REVERSE

        font = styles.add("fonts", _style_xml(cell.font)) if cell.font else 0
        fill = styles.fill(_style_xml(cell.fill)) if cell.fill else 0
        border = styles.add("borders", _style_xml(cell.border)) if cell.border else 0
        code = cell.number_format or "General"
        number = BUILTIN_FORMATS_REVERSE.get(code)
        if number is None:
            number = styles.number_format(code)
        attrs = (f'numFmtId="{number}" fontId="{font}" fillId="{fill}" borderId="{border}" xfId="0"'
                 + (' applyNumberFormat="1"' if number else "") + (' applyFont="1"' if font else "")
                 + (' applyFill="1"' if fill else "") + (' applyBorder="1"' if border else "")
                 + (' quotePrefix="1"' if cell.quotePrefix else ""))
        if cell.alignment:
            return styles.xf(f'<xf {attrs} applyAlignment="1">{_style_xml(cell.alignment)}</xf>')
        return styles.xf(f"<xf {attrs}/>")


#: What tells two formats apart (comparing openpyxl's objects whole costs a third of the sheet's time).
_FONT = ("name", "sz", "b", "i", "u", "strike", "vertAlign", "color")
_FILL = ("patternType", "fgColor", "bgColor")
_ALIGNMENT = ("horizontal", "vertical", "wrap_text", "shrink_to_fit", "indent", "text_rotation")


def _colour_key(value: Any) -> Any:
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return (getattr(value, "rgb", None), getattr(value, "theme", None), getattr(value, "indexed", None),
            getattr(value, "tint", None))


def _key(value: Any, names: tuple[str, ...]) -> Any:
    if value is None:
        return None
    return (type(value).__name__, *(_colour_key(getattr(value, name, None)) for name in names))


def _border_key(border: Any) -> Any:
    if border is None:
        return None
    return tuple((side.style, _colour_key(side.color)) if side is not None else None
                 for side in (border.left, border.right, border.top, border.bottom))


def _footer() -> SimpleNamespace:
    return SimpleNamespace(left=SimpleNamespace(text=None), center=SimpleNamespace(text=None),
                           right=SimpleNamespace(text=None))


def _footer_text(footer: SimpleNamespace) -> str:
    """A footer's three parts as one text (``&L…&C…&R…``), as openpyxl writes them."""
    return "".join(f"&{code}{part.text}" for code, part in (("L", footer.left), ("C", footer.center),
                                                            ("R", footer.right)) if part.text)


def _cells_of(ref: str) -> list[tuple[int, int]]:
    """The cells of a range ``A2:L3`` as (row, column), row by row, its first cell first."""
    first, _, last = ref.partition(":")
    last = last or first
    split = lambda at: (int("".join(ch for ch in at if ch.isdigit())),  # noqa: E731
                        column_index("".join(ch for ch in at if ch.isalpha())))
    (r0, c0), (r1, c1) = split(first), split(last)
    return [(row, col) for row in range(r0, r1 + 1) for col in range(c0, c1 + 1)]


def column_index(letter: str) -> int:
    number = 0
    for ch in letter:
        number = number * 26 + ord(ch.upper()) - 64
    return number


def _absolute(ref: str) -> str:
    column = "".join(ch for ch in ref if ch.isalpha())
    return f"${column}${ref[len(column):]}"


def _text(value: str) -> str:
    space = ' xml:space="preserve"' if value != value.strip() or "\n" in value else ""
    return f"<t{space}>{html.escape(value, quote=False)}</t>"


def _cell_xml(cell: RecordedCell, style: int) -> str:
    ref = cell.coordinate
    s = f' s="{style}"' if style else ""
    value = cell.value
    if value is None or value == "":
        return f'<c r="{ref}"{s}/>'
    if isinstance(value, bool):
        return f'<c r="{ref}"{s} t="b"><v>{int(value)}</v></c>'
    if isinstance(value, (int, float, Decimal)):
        return f'<c r="{ref}"{s}><v>{_number(value)}</v></c>'
    if isinstance(value, (datetime, date)):
        value = value.isoformat()
    return f'<c r="{ref}"{s} t="inlineStr"><is>{_text(str(value))}</is></c>'


def _number(value: Any) -> str:
    if isinstance(value, Decimal):
        text = format(value, "f")
        return text.rstrip("0").rstrip(".") if "." in text else text
    return repr(value)


def _link_xml(cell: RecordedCell) -> str:
    link = cell.hyperlink
    attrs = f' ref="{cell.coordinate}"'
    if link.location:
        attrs += f' location="{html.escape(link.location, quote=True)}"'
    if link.tooltip:
        attrs += f' tooltip="{html.escape(link.tooltip, quote=True)}"'
    return f"<hyperlink{attrs}/>"


def _name_columns(table: Any, sheet: RecordingSheet) -> None:
    """The table's columns named after its header cells, as Excel requires."""
    from openpyxl.worksheet.table import TableColumn

    first, _, last = table.ref.partition(":")
    row = int("".join(ch for ch in first if ch.isdigit()))
    start = column_index("".join(ch for ch in first if ch.isalpha()))
    end = column_index("".join(ch for ch in last if ch.isalpha()))
    table.tableColumns = [TableColumn(id=n, name=str(sheet.cell(row, col).value))
                          for n, col in enumerate(range(start, end + 1), start=1)]


def table_xml(table: Any, number: int) -> str:
    table.id = number
    return _xml(table)
