"""The number formats of cells, for the few cells whose shown value differs from the stored one.

What a cell shows is its value: a fiscal system's export stores 100% as the number 1 with a percent
format, and a person reads 100%. The values come from calamine, which gives no formats; this
module reads the format of a cell from the file itself, lazily, and only when a reader asks:

- .xlsx/.xlsm: the package's ``xl/styles.xml`` (``cellXfs`` → ``numFmtId``, custom ``numFmts``)
  and the sheet part's ``s`` attribute of the cell. The XML is matched, not parsed (as
  :mod:`evaluator.intake.workbook` does for formulas), so nothing is ever expanded;
- .xls: xlrd with ``formatting_info`` (the cell's XF record → its format string);
- .ods: the cell's style → its data style, for the cells shown as percentages
  (:mod:`evaluator.intake.odsformats`);
- anything else (text, HTML): no formats (``code`` gives None, and the reader leaves a value
  whose meaning depends on its format unjudged).

:func:`percent_places` tells whether a format code shows a percentage and to how many decimals.
"""

from __future__ import annotations

import re
import zipfile
from io import BytesIO
from typing import Callable

from evaluator.values.patterns import lazy

#: Built-in format ids that show a percentage (ECMA-376 §18.8.30).
BUILTIN = {9: "0%", 10: "0.00%"}
_P = rb"(?:[A-Za-z_][\w.-]*:)?"
_NUMFMT = lazy(rb"<" + _P + rb"numFmt\b(?P<attrs>[^>]*?)/?>", re.S)
_CELLXFS = lazy(rb"<" + _P + rb"cellXfs\b[^>]*>(?P<body>.*?)</" + _P + rb"cellXfs>", re.S)
_XF = lazy(rb"<" + _P + rb"xf\b(?P<attrs>[^>]*?)(?:/>|>)", re.S)
_CELL = lazy(rb"<" + _P + rb"c\b(?P<attrs>[^>]*?)(?:/>|>)", re.S)
_ATTR = lazy(rb"""([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_REF = lazy(r"^([A-Z]{1,3})(\d+)$")
#: A format's first section (positive numbers), without literal text, colours and conditions.
_SECTION = lazy(r'"[^"]*"|\[[^\]]*\]|\\.|_.|\*.')   # literals, [colour], escapes, padding, fill

Lookup = Callable[[int, int], "str | None"]


def percent_places(code: str | None) -> int | None:
    """Decimals of a format that shows a percentage (``0%`` → 0, ``0.00%`` → 2); None when the
    format shows no percentage or cannot be read with certainty."""
    if not code:
        return None
    section = _SECTION.sub("", code.split(";")[0])
    if "%" not in section:
        return None
    # 0 # ? are digit places (a # or ? decimal shows at most that many digits: the same rounding).
    match = re.fullmatch(r"[#,0?]*[0#?](?:\.([0#?]+))?%", section.strip())
    if match is None:
        return -1                   # a percent format this module cannot read: not certain
    return len(match.group(1) or "")


def _attributes(raw: bytes) -> dict[str, str]:
    import html   # here, not at the top: only a workbook whose styles are read needs it

    return {name.decode().rpartition(":")[2]: html.unescape((double or single).decode("utf-8", "replace"))
            for name, double, single in _ATTR.findall(raw)}


def _column(letters: str) -> int:
    number = 0
    for char in letters:
        number = number * 26 + ord(char) - 64
    return number


class PackageFormats:
    """The number formats of an .xlsx package's cells, read sheet by sheet on first use."""

    def __init__(self, data: bytes, parts: Callable[[], dict[str, str]]) -> None:
        self._data = data
        self._find_parts = parts
        self._parts: dict[str, str] | None = None
        self._styles: list[str | None] | None = None
        self._sheets: dict[str, dict[tuple[int, int], str]] = {}

    def _archive(self) -> zipfile.ZipFile:
        return zipfile.ZipFile(BytesIO(self._data))

    def styles(self) -> list[str | None]:
        if self._styles is None:
            self._styles = []
            try:
                with self._archive() as archive:
                    name = next((n for n in archive.namelist() if n.lower().endswith("styles.xml")), None)
                    text = archive.read(name) if name else b""
            except (KeyError, OSError, zipfile.BadZipFile):
                text = b""
            custom = {}
            for match in _NUMFMT.finditer(text):
                attrs = _attributes(match.group("attrs"))
                if attrs.get("numFmtId", "").isdigit():
                    custom[int(attrs["numFmtId"])] = attrs.get("formatCode")
            block = _CELLXFS.search(text)
            for match in _XF.finditer(block.group("body") if block else b""):
                attrs = _attributes(match.group("attrs"))
                ident = int(attrs["numFmtId"]) if attrs.get("numFmtId", "").isdigit() else 0
                self._styles.append(custom.get(ident, BUILTIN.get(ident)))
        return self._styles

    def sheet(self, name: str) -> dict[tuple[int, int], str]:
        """(row, col) → format code of the sheet's cells whose format is not General."""
        if name not in self._sheets:
            found: dict[tuple[int, int], str] = {}
            styles = self.styles()
            if self._parts is None:
                try:
                    self._parts = self._find_parts()
                except Exception:  # noqa: BLE001 - an unreadable workbook part: no formats
                    self._parts = {}
            part = self._parts.get(name)
            if part and any(styles):
                try:
                    with self._archive() as archive:
                        text = archive.read(part)
                except (KeyError, OSError, zipfile.BadZipFile):
                    text = b""
                for match in _CELL.finditer(text):
                    raw = match.group("attrs")
                    if b" s=" not in raw and b"\ts=" not in raw and b"\ns=" not in raw:
                        continue
                    attrs = _attributes(raw)
                    style, ref = attrs.get("s", ""), _REF.match(attrs.get("r", ""))
                    if style.isdigit() and ref and int(style) < len(styles) and styles[int(style)]:
                        found[(int(ref.group(2)), _column(ref.group(1)))] = styles[int(style)]
            self._sheets[name] = found
        return self._sheets[name]

    def lookup(self, name: str) -> Lookup:
        return lambda row, col: self.sheet(name).get((row, col))


class XlsFormats:
    """The number formats of an .xls file's cells (xlrd, formatting_info), read on first use."""

    def __init__(self, data: bytes) -> None:
        self._data = data
        self._sheets: dict[str, Lookup] | None = None

    def _load(self) -> dict[str, Lookup]:
        if self._sheets is None:
            self._sheets = {}
            try:
                import xlrd

                book = xlrd.open_workbook(file_contents=self._data, formatting_info=True, on_demand=True)
                for index, name in enumerate(book.sheet_names()):
                    sheet = book.sheet_by_index(index)
                    codes: dict[tuple[int, int], str] = {}
                    for r in range(sheet.nrows):
                        for c in range(sheet.ncols):
                            if sheet.cell_type(r, c) != xlrd.XL_CELL_NUMBER:
                                continue
                            xf = book.xf_list[sheet.cell_xf_index(r, c)]
                            shown = book.format_map.get(xf.format_key)
                            if shown is not None and "%" in shown.format_str:
                                codes[(r + 1, c + 1)] = shown.format_str
                    self._sheets[name] = codes.get
                    book.unload_sheet(index)
                book.release_resources()
            except Exception:  # noqa: BLE001 - formats are optional: without them, values stay unjudged
                self._sheets = {}
            self._data = b""
        return self._sheets

    def lookup(self, name: str) -> Lookup:
        return lambda row, col: (self._load().get(name) or (lambda rc: None))((row, col))


def lookups(data: bytes, names: list[str], parts: Callable[[], dict[str, str]] | None = None,
            *, ods: bool = False) -> dict[str, Lookup]:
    """sheet name → (row, col) → format code, for the sheets of a workbook's bytes (``ods``: an
    OpenDocument spreadsheet's); {} for a format that keeps no number formats (then the reader
    does not know what a cell shows)."""
    if ods:
        from evaluator.intake.odsformats import OdsFormats

        formats = OdsFormats(data)
        return {name: formats.lookup(name) for name in names}
    if data.startswith(b"PK") and parts is not None:
        formats = PackageFormats(data, parts)
        return {name: formats.lookup(name) for name in names}
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        xls = XlsFormats(data)
        return {name: xls.lookup(name) for name in names}
    return {}
