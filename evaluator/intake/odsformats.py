"""The number formats of an OpenDocument spreadsheet's (.ods) cells, for the cells that show a
percentage.

In an .ods a number shown as a percentage is a cell ``office:value-type="percentage"`` (the value
stored as a fraction, 0.953) whose style (``table:style-name``, else its row's or its column's
``table:default-cell-style-name``) names a data style (``style:data-style-name``, on the style or a
parent) that is a ``number:percentage-style``: its ``number:number`` gives the decimals shown.
Cell styles and data styles live in ``content.xml``'s automatic styles and in ``styles.xml``; both
are read as the annotated copy reads them (:class:`~evaluator.intake.odsstyles.Styles`), and each
cell's data style becomes an Excel format code (``0.0%``) for
:func:`~evaluator.intake.numformats.percent_places`.

``content.xml`` is streamed (defusedxml's SAX reader, no DOCTYPE, no entity; each part inflated
through the inspection's checks, :func:`~evaluator.intake.zipcheck.part_chunks`), only as far as
the tables asked for, and only the cells whose format shows a percentage are kept, as runs (a
repeated row or cell is one entry). A percentage cell whose format cannot be told for certain (no
data style, a data style that is not a percentage, decimals not given, styles not read) gets
:data:`UNREAD`, which the reader turns into an unjudged row (``format-unread``), never a guess.
"""

from __future__ import annotations

from bisect import bisect_right
from xml.etree.ElementTree import Element, TreeBuilder
from xml.sax.handler import ContentHandler, feature_namespaces

from evaluator.intake.odsstyles import NS, Styles, number_format, q

#: The code given to a percentage cell whose format is not known for certain: it shows a
#: percentage, to an unknown number of decimals (percent_places reads it as uncertain).
UNREAD = "%"
#: The most elements of content.xml's automatic styles built into a tree (a real workbook has a
#: few hundred); past it the styles are not known, and every percentage cell is UNREAD.
MAX_STYLE_ELEMENTS = 100_000
#: The largest styles.xml read whole (as the inspection reads a structural part).
MAX_STYLES_PART = 8 * 1024 * 1024
_REPEAT_CAP = 1 << 24
_TABLE, _OFFICE = NS["table"], NS["office"]
_NUMERIC = ("float", "percentage", "currency")


def _count(raw: str | None) -> int:
    return max(1, min(int(raw[:9]), _REPEAT_CAP)) if raw and raw.isdigit() else 1


class _Table:
    """The percentage cells of one table: runs of rows, each with runs of cells and their code."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.columns: list[tuple[int, int, str | None]] = []   # (first column, count, default style)
        self.starts: list[int] = []                            # first row of each run in ``rows``
        self.rows: list[tuple[int, int, list[int], list[tuple[int, int, str]]]] = []

    def column_styles(self, first: int, count: int) -> list[tuple[int, int, str | None]]:
        """The columns first … first+count-1 split where their default cell style changes."""
        found, col, last = [], first, first + count - 1
        for start, width, style in self.columns:
            end = start + width - 1
            if end < col or start > last:
                continue
            if start > col:
                found.append((col, start - col, None))
                col = start
            found.append((col, min(end, last) - col + 1, style))
            col = min(end, last) + 1
        if col <= last:
            found.append((col, last - col + 1, None))
        return found

    def code(self, row: int, col: int) -> str | None:
        at = bisect_right(self.starts, row) - 1
        if at < 0:
            return None
        first, count, cell_starts, cells = self.rows[at]
        if row >= first + count:
            return None
        i = bisect_right(cell_starts, col) - 1
        if i < 0:
            return None
        start, width, code = cells[i]
        return code if col < start + width else None


class _Reader(ContentHandler):
    """Follows content.xml: builds its automatic styles into ``styles``, then keeps each table's
    percentage cells as the table streams by."""

    def __init__(self, styles: Styles, styles_known: bool) -> None:
        super().__init__()
        self.styles = styles
        self.known = styles_known
        self.builder: TreeBuilder | None = None
        self.style_depth = 0
        self.style_elements = 0
        self.tables: dict[str, _Table] = {}
        self.table: _Table | None = None
        self.depth = 0
        self.row = self.col = 0
        self.row_repeat = 1
        self.row_default: str | None = None
        self.row_cells: list[tuple[int, int, str]] = []
        self.codes: dict[tuple[str | None, str], str | None] = {}

    # automatic styles: built into a tree, the way a whole-part parse would give them
    def _style_start(self, uri: str, local: str, attrs) -> None:
        self.style_depth += 1
        if self.builder is None:
            return
        self.style_elements += 1
        if self.style_elements > MAX_STYLE_ELEMENTS:
            self.builder, self.known = None, False
            return
        self.builder.start(f"{{{uri}}}{local}" if uri else local,
                           {(f"{{{u}}}{n}" if u else n): value for (u, n), value in attrs.items()})

    def _style_end(self, uri: str, local: str) -> None:
        self.style_depth -= 1
        if self.style_depth == 0:
            if self.builder is not None:
                self.styles.add(self.builder.close())
            self.builder = None
        elif self.builder is not None:
            self.builder.end(f"{{{uri}}}{local}" if uri else local)

    def characters(self, content: str) -> None:
        if self.builder is not None:
            self.builder.data(content)

    def startElementNS(self, name, qname, attrs) -> None:
        uri, local = name
        if self.style_depth:
            self._style_start(uri, local, attrs)
            return
        if uri == _OFFICE and local == "automatic-styles":
            self.style_depth = 1
            self.builder = TreeBuilder()
            self.builder.start("automatic-styles", {})
            return
        if uri != _TABLE:
            return
        if local == "table":
            self.depth += 1
            if self.depth == 1:
                self.table = _Table(attrs.get((_TABLE, "name"), ""))
                self.row = 0
        elif self.depth != 1 or self.table is None:
            return
        elif local == "table-column":
            repeat = _count(attrs.get((_TABLE, "number-columns-repeated")))
            start = self.table.columns[-1][0] + self.table.columns[-1][1] if self.table.columns else 1
            self.table.columns.append((start, repeat, attrs.get((_TABLE, "default-cell-style-name"))))
        elif local == "table-row":
            self.row_repeat = _count(attrs.get((_TABLE, "number-rows-repeated")))
            self.row_default = attrs.get((_TABLE, "default-cell-style-name"))
            self.col = 0
            self.row_cells = []
        elif local in ("table-cell", "covered-table-cell"):
            repeat = _count(attrs.get((_TABLE, "number-columns-repeated")))
            kind = attrs.get((_OFFICE, "value-type"))
            if kind in _NUMERIC:
                own = attrs.get((_TABLE, "style-name")) or self.row_default
                parts = [(self.col + 1, repeat, own)] if own else self.table.column_styles(self.col + 1, repeat)
                for start, width, style in parts:
                    code = self.code(style, kind)
                    if code is not None and "%" in code:
                        self.row_cells.append((start, width, code))
            self.col += repeat

    def endElementNS(self, name, qname) -> None:
        uri, local = name
        if self.style_depth:
            self._style_end(uri, local)
            return
        if uri != _TABLE or self.table is None:
            return
        if local == "table":
            self.depth -= 1
            if self.depth == 0:
                self.tables.setdefault(self.table.name, self.table)
                self.table = None
        elif local == "table-row" and self.depth == 1:
            if self.row_cells:
                cells = sorted(self.row_cells)
                self.table.starts.append(self.row + 1)
                self.table.rows.append((self.row + 1, self.row_repeat, [start for start, _, _ in cells], cells))
            self.row += self.row_repeat
            self.row_cells = []

    def code(self, style: str | None, kind: str) -> str | None:
        """The format code a number of value type ``kind`` in cell style ``style`` is shown with."""
        key = (style, kind)
        if key not in self.codes:
            self.codes[key] = self._code(style, kind)
        return self.codes[key]

    def _code(self, style: str | None, kind: str) -> str | None:
        data = self.styles.properties(style)["data-style"].get("name")
        element = self.styles.data.get(data) if data else None
        percent = element is not None and element.tag == q("number:percentage-style")
        if percent and not _plain(element):
            return UNREAD
        if kind == "percentage" and (not percent or not self.known):
            return UNREAD          # shown as a percentage, its decimals not known for certain
        if element is None:
            return None
        try:
            code = number_format(self.styles.data, data)
        except ValueError:        # a digit count that is not a number
            return UNREAD if percent else None
        return None if code == "General" else code


def _plain(element: Element) -> bool:
    """A percentage style read with certainty: one ``number:number`` that gives its decimals, not
    scaled."""
    numbers = [child for child in element if child.tag == q("number:number")]
    if len(numbers) != 1:
        return False
    number = numbers[0]
    places = number.get(q("number:decimal-places"))
    factor = number.get(q("number:display-factor"))
    return places is not None and places.isdigit() and factor in (None, "1")


class OdsFormats:
    """The percentage formats of an .ods file's cells, read on first use, table by table: a table
    asked for is read up to its end, and the stream goes on from there for a later one."""

    def __init__(self, data: bytes) -> None:
        self._data = data
        self._reader: _Reader | None = None
        self._parser = None
        self._chunks = None
        self._done = False

    def _start(self) -> None:
        from defusedxml.expatreader import DefusedExpatParser
        from defusedxml.ElementTree import fromstring

        from evaluator.intake.zipcheck import part_chunks

        styles, known = Styles(), True
        try:
            styles.add(fromstring(b"".join(part_chunks(self._data, "styles.xml", MAX_STYLES_PART)), forbid_dtd=True))
        except KeyError:
            pass                   # no styles.xml: every style is in content.xml
        except Exception:  # noqa: BLE001 - an unreadable styles part: percentages are not known
            known = False
        self._reader = _Reader(styles, known)
        self._parser = DefusedExpatParser(forbid_dtd=True)
        self._parser.setFeature(feature_namespaces, True)
        self._parser.setContentHandler(self._reader)
        self._chunks = part_chunks(self._data, "content.xml")

    def table(self, name: str) -> _Table | None:
        if self._reader is None and not self._done:
            try:
                self._start()
            except Exception:  # noqa: BLE001 - formats are optional: without them, values stay unjudged
                self._done = True
        while not self._done and name not in self._reader.tables:
            try:
                chunk = next(self._chunks, None)
                if chunk is None:
                    self._parser.close()
                    self._done = True
                else:
                    self._parser.feed(chunk)
            except Exception:  # noqa: BLE001 - a part that stops parsing: the tables read so far stand
                self._done = True
        if self._done:
            self._data = b""
        return self._reader.tables.get(name) if self._reader is not None else None

    def lookup(self, name: str):
        def code(row: int, col: int) -> str | None:
            table = self.table(name)
            return table.code(row, col) if table is not None else None
        return code
