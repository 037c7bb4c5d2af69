"""Tables saved as text under a spreadsheet's name: the HTML "xls" that web systems export, and CSV.

Both become one :class:`~evaluator.workbook.SheetGrid`, laid out as Excel lays them out when it
opens such a file: an HTML table's ``rowspan`` / ``colspan`` become merged ranges, several tables
follow each other down the sheet with a blank row between them, and every value is the text shown
(numbers written as text are read as numbers by the form reader, as they are in any workbook).
The size limits apply as the table is read; a table beyond them is refused, not truncated.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from html.parser import HTMLParser
from pathlib import Path

from evaluator.intake.limits import DEFAULT_LIMITS, Limits
from evaluator.intake.files import read_file
from evaluator.intake.refusals import Refused
from evaluator.intake.textcheck import decode_text
from evaluator.intake.workbook import SheetGrid
from evaluator.values.patterns import lazy

# The caps HTML itself puts on spans; anything above is a typo or an attack.
MAX_COLSPAN = 1000
MAX_ROWSPAN = 65534
_SPACE = lazy(r"[ \t\r\n\f\u00a0]+")
_META_CHARSET = lazy(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_BLOCKS = {"p", "div", "li", "tr", "td", "th"}


def sheet_name(path: Path) -> str:
    """The name Excel gives the one sheet of a text table: the file's stem, made a legal sheet name."""
    name = re.sub(r"[\[\]:*?/\\]", "_", path.stem).strip("'")[:31]
    return name or "Sheet1"


def decode_html(data: bytes) -> str:
    """HTML text: a BOM, else the declared ``<meta charset>``, else UTF-8, else GB18030."""
    if not data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        declared = _META_CHARSET.search(data[:8192])
        if declared:
            try:
                return data.decode(codecs.lookup(declared.group(1).decode("ascii")).name, "replace")
            except LookupError:
                pass
    decoded = decode_text(data)
    return decoded[0] if decoded is not None else data.decode("gb18030", "replace")


class _Tables(HTMLParser):
    """Lays every top-level ``<table>`` of a page out on one grid."""

    def __init__(self, grid: SheetGrid, limits: Limits) -> None:
        super().__init__(convert_charrefs=True)
        self.grid = grid
        self.limits = limits
        self.depth = 0            # nesting of <table>; only the outermost tables give cells
        self.hidden = 0           # inside <script> or <style>
        self.row = 0              # the current row of the sheet (1-based)
        self.col = 1
        self.bottom = 0           # the lowest row used so far
        self.right = 0
        self.merged_area = 0
        self.below: dict[int, int] = {}   # column → last row a rowspan from above covers
        self.cell: tuple[int, int, int, int] | None = None   # row, col, rowspan, colspan
        self.text: list[str] = []

    # -- structure
    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self.hidden += 1
        elif tag == "table":
            self.depth += 1
            if self.depth == 1:
                self.row = self.bottom + 1 if self.bottom else 0
                self.below.clear()
            elif self.cell is not None:
                self.text.append("\n")   # a table inside a cell: its text on lines of its own
        elif self.depth == 1 and tag == "tr":
            self._close_cell()
            self.row += 1
            self.col = 1
            self._check(self.row, 0)
        elif self.depth == 1 and tag in ("td", "th"):
            self._close_cell()
            if self.row == 0:
                self.row, self.col = 1, 1
            while self.below.get(self.col, 0) >= self.row:
                self.col += 1
            values = dict(attrs)
            rowspan = _span(values.get("rowspan"), MAX_ROWSPAN)
            colspan = _span(values.get("colspan"), MAX_COLSPAN)
            self.cell = (self.row, self.col, rowspan, colspan)
            if rowspan > 1:
                for col in range(self.col, self.col + colspan):
                    self.below[col] = self.row + rowspan - 1
            if rowspan > 1 or colspan > 1:
                self.merged_area += rowspan * colspan
            self._check(self.row + rowspan - 1, self.col + colspan - 1)
        elif self.cell is not None and tag == "br":
            self.text.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self.hidden = max(0, self.hidden - 1)
        elif tag == "table":
            if self.depth == 1:
                self._close_cell()
            self.depth = max(0, self.depth - 1)
        elif self.depth == 1 and tag in ("td", "th", "tr"):
            self._close_cell()
        elif self.cell is not None and tag in _BLOCKS:
            self.text.append("\n")

    def handle_data(self, data: str) -> None:
        if self.cell is not None and not self.hidden:
            self.text.append(_SPACE.sub(" ", data))

    def close(self) -> None:
        super().close()
        self._close_cell()

    # -- cells
    def _close_cell(self) -> None:
        if self.cell is None:
            return
        row, col, rowspan, colspan = self.cell
        lines = [line.strip() for line in "".join(self.text).split("\n")]
        value = "\n".join(line for line in lines if line)
        if value:
            self.grid.cells[(row, col)] = value
        if rowspan > 1 or colspan > 1:
            self.grid.merged.append((row, col, row + rowspan - 1, col + colspan - 1))
        self.col = col + colspan
        self.cell = None
        self.text = []

    def _check(self, bottom: int, right: int) -> None:
        self.bottom = max(self.bottom, bottom)
        self.right = max(self.right, right)
        if self.bottom > self.limits.max_rows:
            raise Refused("table-too-large", limit=f"{self.limits.max_rows:,} 行")
        if self.bottom * self.right + self.merged_area > self.limits.max_cells:
            raise Refused("table-too-large", limit=f"{self.limits.max_cells:,} 个单元格")


def _span(raw: str | None, cap: int) -> int:
    try:
        value = int(str(raw).strip())
    except (TypeError, ValueError):
        return 1
    return min(max(value, 1), cap)


def read_html(path: Path, limits: Limits = DEFAULT_LIMITS, *, data: bytes | None = None) -> list[SheetGrid]:
    """The tables of an HTML file as one sheet (rowspan and colspan as merged ranges); ``data``:
    the file's bytes as inspected (read from ``path`` when not given)."""
    grid = SheetGrid(name=sheet_name(path))
    parser = _Tables(grid, limits)
    parser.feed(decode_html(read_file(path, limits) if data is None else data))
    parser.close()
    grid.index_merges()
    return [grid]


def read_csv(path: Path, limits: Limits = DEFAULT_LIMITS, *, data: bytes | None = None) -> list[SheetGrid]:
    """A delimited text file (comma, tab, semicolon or bar; UTF-8 or GB18030) as one sheet;
    ``data``: the file's bytes as inspected (read from ``path`` when not given)."""
    decoded = decode_text(read_file(path, limits) if data is None else data)
    if decoded is None:
        raise Refused("unknown-content")
    text = decoded[0]
    sample = text[:65536]
    try:
        delimiter = csv.Sniffer().sniff(sample, delimiters=",\t;|").delimiter
    except csv.Error:
        first = sample.split("\n", 1)[0]
        delimiter = max(",\t;|", key=first.count)
    grid = SheetGrid(name=sheet_name(path))
    right = 0
    try:
        for row, fields in enumerate(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), start=1):
            if row > limits.max_rows:
                raise Refused("table-too-large", limit=f"{limits.max_rows:,} 行")
            right = max(right, len(fields))
            if row * right > limits.max_cells:
                raise Refused("table-too-large", limit=f"{limits.max_cells:,} 个单元格")
            for col, value in enumerate(fields, start=1):
                if value.strip():
                    grid.cells[(row, col)] = value.strip()
    except csv.Error as exc:
        raise Refused("damaged", detail=f"CSV 格式有误：{exc}") from exc
    return [grid]
