"""The annotated copy of an .xlsx/.xlsm written by patching its package: every part of the original
is copied as it is, except the few the annotation must change.

What changes, and how:

- ``xl/styles.xml``: new fills and cell formats (xf) are *appended*; no existing style is edited.
  A marked cell gets a copy of its own format with the severity's fill, so its font, borders,
  alignment and number format stay the author's. The 校验结果 sheet's formats are appended too.
- each sheet with a marked cell: only the ``s`` (style) attribute of the marked cells changes (an
  empty cell that is not in the file is inserted, empty, with its style), and a ``legacyDrawing``
  element is added where the sheet had none.
- the comments part and its VML drawing of such a sheet: created, or, where the sheet already has
  comments (or a legacy drawing), the existing ones kept and ours appended.
- the 校验结果 sheet: its sheet XML (with its table, filter and links), added after the others; an
  earlier run's is removed (an annotated copy sent back).
- ``xl/workbook.xml``, its relationships, ``[Content_Types].xml`` and ``docProps/custom.xml``
  (the mark: :mod:`evaluator.outputs.marker`).

Anything this writer does not expect (a prefixed main namespace, a cell without its address, a
part missing) raises :class:`CannotPatch`; the caller then writes the copy the other way.
"""

from __future__ import annotations

import html
import posixpath
import re
import zipfile
from dataclasses import dataclass, field
from typing import BinaryIO

from defusedxml.ElementTree import fromstring as safe_fromstring

from evaluator.outputs.zipcopy import ZipWriter

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
COMMENTS_TYPE = f"{REL}/comments"
VML_TYPE = f"{REL}/vmlDrawing"
SHEET_TYPE = f"{REL}/worksheet"
TABLE_TYPE = f"{REL}/table"
CUSTOM_TYPE = f"{REL}/custom-properties"
CT_SHEET = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
CT_COMMENTS = "application/vnd.openxmlformats-officedocument.spreadsheetml.comments+xml"
CT_VML = "application/vnd.openxmlformats-officedocument.vmlDrawing"
CT_TABLE = "application/vnd.openxmlformats-officedocument.spreadsheetml.table+xml"
CT_CUSTOM = "application/vnd.openxmlformats-officedocument.custom-properties+xml"
DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


_SURROGATE = re.compile("[\udc80-\udcff]")


class CannotPatch(Exception):
    """The package holds something this writer does not handle; write the copy another way."""


def _escape(text: str) -> str:
    return html.escape(text, quote=True)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


_CELL_REF = re.compile(r"([A-Z]{1,3})(\d+)")


def split_ref(a1: str) -> tuple[int, int]:
    """(row, column) of an A1 reference, both from 1."""
    match = _CELL_REF.fullmatch(a1.replace("$", ""))
    if match is None:
        raise CannotPatch(f"not a cell reference: {a1}")
    col = 0
    for letter in match.group(1):
        col = col * 26 + ord(letter) - 64
    return int(match.group(2)), col


def letters(col: int) -> str:
    out = ""
    while col:
        col, rest = divmod(col - 1, 26)
        out = chr(65 + rest) + out
    return out


def _attr(tag_text: str, name: str) -> str | None:
    match = re.search(rf'\s{name}="([^"]*)"', tag_text)
    return match.group(1) if match else None


def _set_attr(tag_text: str, name: str, value: str) -> str:
    """``<c r="B5" s="3">`` with attribute ``name`` set to ``value`` (added before the tag's end)."""
    pattern = re.compile(rf'(\s{name}=")[^"]*(")')
    if pattern.search(tag_text):
        return pattern.sub(lambda m: f"{m.group(1)}{value}{m.group(2)}", tag_text, count=1)
    end = -2 if tag_text.endswith("/>") else -1
    return f'{tag_text[:end]} {name}="{value}"{tag_text[end:]}'


# ------------------------------------------------------------------------------------------------
# The package as read


@dataclass
class Package:
    """The parts of a package, read lazily; the ones to write replaced in ``changed``."""

    zip: zipfile.ZipFile
    #: the stream ``zip`` reads, from which the untouched parts are copied
    source: BinaryIO
    changed: dict[str, bytes] = field(default_factory=dict)
    removed: set[str] = field(default_factory=set)

    def names(self) -> list[str]:
        return [name for name in self.zip.namelist() if name not in self.removed] + \
            [name for name in self.changed if name not in self.zip.NameToInfo]

    def has(self, name: str) -> bool:
        return name in self.changed or (name in self.zip.NameToInfo and name not in self.removed)

    def text(self, name: str) -> str:
        if name in self.changed:
            return self.changed[name].decode("utf-8")
        try:
            data = self.zip.read(name)
        except KeyError:
            raise CannotPatch(f"no part {name}") from None
        if data.startswith(b"\xef\xbb\xbf"):
            data = data[3:]
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            raise CannotPatch(f"{name} is not UTF-8") from None

    def put(self, name: str, text: str) -> None:
        # A file name that is not UTF-8 reaches the results sheet as lone surrogates (os.fsdecode):
        # shown as \xNN escapes, as the reports show it, never an encoding error.
        self.changed[name] = _SURROGATE.sub(lambda m: f"\\x{ord(m.group()) - 0xDC00:02x}", text).encode("utf-8")
        self.removed.discard(name)

    def remove(self, name: str) -> None:
        self.changed.pop(name, None)
        self.removed.add(name)


def rels_name(part: str) -> str:
    folder, base = posixpath.split(part)
    return posixpath.join(folder, "_rels", f"{base}.rels")


def resolve(source_part: str, target: str) -> str:
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(posixpath.dirname(source_part), target))


def relationships(package: Package, part: str) -> list[dict[str, str]]:
    """The relationships of ``part``: Id, Type, Target (resolved to a part name unless external)."""
    name = rels_name(part)
    if not package.has(name):
        return []
    root = safe_fromstring(package.text(name).encode("utf-8"), forbid_dtd=True)
    found = []
    for node in root:
        entry = {"Id": node.get("Id", ""), "Type": node.get("Type", ""), "Target": node.get("Target", ""),
                 "External": node.get("TargetMode") == "External"}
        if not entry["External"]:
            entry["Part"] = resolve(part, entry["Target"])
        found.append(entry)
    return found


def add_relationship(package: Package, part: str, kind: str, target: str) -> str:
    """Add a relationship from ``part``; returns its new Id."""
    name = rels_name(part)
    text = package.text(name) if package.has(name) else \
        f'{DECLARATION}<Relationships xmlns="{PKG_REL}"></Relationships>'
    ids = set(re.findall(r'\sId="([^"]*)"', text))
    number = len(ids) + 1
    while f"rId{number}" in ids:
        number += 1
    rid = f"rId{number}"
    entry = f'<Relationship Id="{rid}" Type="{kind}" Target="{_escape(target)}"/>'
    if text.rstrip().endswith("/>") and "</Relationships>" not in text:
        text = re.sub(r"<Relationships([^>]*)/>\s*$", rf"<Relationships\1>{entry}</Relationships>", text.rstrip())
    else:
        text = text.replace("</Relationships>", entry + "</Relationships>", 1)
    package.put(name, text)
    return rid


def remove_relationship(package: Package, part: str, rid: str) -> None:
    name = rels_name(part)
    text = package.text(name)
    package.put(name, re.sub(rf'<Relationship\b[^>]*\sId="{re.escape(rid)}"[^>]*/>', "", text, count=1))


def add_override(package: Package, part: str, content_type: str) -> None:
    text = package.text("[Content_Types].xml")
    if f'PartName="/{part}"' in text:
        return
    entry = f'<Override PartName="/{_escape(part)}" ContentType="{content_type}"/>'
    package.put("[Content_Types].xml", text.replace("</Types>", entry + "</Types>", 1))


def add_default(package: Package, extension: str, content_type: str) -> None:
    text = package.text("[Content_Types].xml")
    if re.search(rf'<Default\b[^>]*Extension="{extension}"', text, re.IGNORECASE):
        return
    entry = f'<Default Extension="{extension}" ContentType="{content_type}"/>'
    package.put("[Content_Types].xml", text.replace("</Types>", entry + "</Types>", 1))


def remove_override(package: Package, part: str) -> None:
    text = package.text("[Content_Types].xml")
    package.put("[Content_Types].xml",
                re.sub(rf'<Override\b[^>]*PartName="/{re.escape(part)}"[^>]*/>', "", text, count=1))


def unused(package: Package, pattern: str) -> str:
    """The first name ``pattern % n`` (n from 1) that is not a part."""
    number = 1
    taken = {name.lower() for name in package.names()}
    while (pattern % number).lower() in taken:
        number += 1
    return pattern % number


# ------------------------------------------------------------------------------------------------
# The workbook


@dataclass
class Sheet:
    name: str
    rid: str
    part: str
    state: str | None


def workbook_sheets(package: Package) -> list[Sheet]:
    text = package.text("xl/workbook.xml")
    root = safe_fromstring(text.encode("utf-8"), forbid_dtd=True)
    if not root.tag.startswith("{%s}" % MAIN) or "<workbook" not in text:
        raise CannotPatch("workbook.xml: not the main namespace without a prefix")
    rels = {entry["Id"]: entry for entry in relationships(package, "xl/workbook.xml")}
    sheets = []
    for node in root.iter(f"{{{MAIN}}}sheet"):
        rid = node.get(f"{{{REL}}}id")
        entry = rels.get(rid or "")
        if entry is None or entry.get("External"):
            raise CannotPatch("a sheet without its part")
        sheets.append(Sheet(node.get("name", ""), rid, entry["Part"], node.get("state")))
    return sheets


# ------------------------------------------------------------------------------------------------
# Styles


class Styles:
    """``xl/styles.xml`` with fills, fonts, borders, number formats and cell formats appended."""

    def __init__(self, text: str) -> None:
        if "<styleSheet" not in text:
            raise CannotPatch("styles.xml: not the main namespace without a prefix")
        self.text = text
        self.xfs = self._items("cellXfs", "xf")
        self.added: dict[str, list[str]] = {"fills": [], "fonts": [], "borders": [], "cellXfs": [], "numFmts": []}
        self.counts = {name: len(self._items(name, child)) for name, child in
                       (("fills", "fill"), ("fonts", "font"), ("borders", "border"))}
        self.formats = {code: number for number, code in self._number_formats()}
        self.next_format = max([163, *(number for number, _ in self._number_formats())]) + 1
        self._fills: dict[str, int] = {}
        self._variants: dict[tuple[int, int], int] = {}

    def _block(self, name: str) -> re.Match | None:
        return re.search(rf"<{name}\b[^>]*?(?:/>|>.*?</{name}>)", self.text, re.DOTALL)

    def _items(self, name: str, child: str) -> list[str]:
        block = self._block(name)
        if block is None:
            return []
        return re.findall(rf"<{child}\b[^>]*?/>|<{child}\b[^>]*?[^/]>.*?</{child}>|<{child}>.*?</{child}>",
                          block.group(0), re.DOTALL)

    def _number_formats(self) -> list[tuple[int, str]]:
        found = []
        for item in self._items("numFmts", "numFmt"):
            number, code = _attr(item, "numFmtId"), _attr(item, "formatCode")
            if number is not None and code is not None:
                found.append((int(number), html.unescape(code)))
        return found

    def fill(self, xml: str) -> int:
        """The index of a fill appended (once per distinct XML)."""
        if xml not in self._fills:
            self._fills[xml] = self.counts["fills"] + len(self.added["fills"])
            self.added["fills"].append(xml)
        return self._fills[xml]

    def add(self, kind: str, xml: str) -> int:
        index = self.counts[kind] + len(self.added[kind])
        self.added[kind].append(xml)
        return index

    def number_format(self, code: str) -> int:
        if code in self.formats:
            return self.formats[code]
        number = self.next_format
        self.next_format += 1
        self.formats[code] = number
        self.added["numFmts"].append(f'<numFmt numFmtId="{number}" formatCode="{_escape(code)}"/>')
        return number

    def xf(self, xml: str) -> int:
        index = len(self.xfs) + len(self.added["cellXfs"])
        self.added["cellXfs"].append(xml)
        return index

    def with_fill(self, style: int, fill: int) -> int:
        """A copy of cell format ``style`` with ``fill`` (appended once per pair)."""
        key = (style, fill)
        if key not in self._variants:
            base = self.xfs[style] if 0 <= style < len(self.xfs) else (self.xfs[0] if self.xfs else '<xf/>')
            tag_end = base.index(">") + 1
            head = base[:tag_end]
            head = _set_attr(_set_attr(head, "fillId", str(fill)), "applyFill", "1")
            self._variants[key] = self.xf(head + base[tag_end:])
        return self._variants[key]

    def fill_of(self, style: int) -> str | None:
        """The fill XML of cell format ``style`` (None: the default fill)."""
        if not 0 <= style < len(self.xfs):
            return None
        fill = _attr(self.xfs[style][: self.xfs[style].index(">") + 1], "fillId")
        fills = self._items("fills", "fill")
        index = int(fill) if fill and fill.isdigit() else 0
        return fills[index] if 0 <= index < len(fills) else None

    def finish(self) -> str:
        text = self.text
        for name, child in (("numFmts", "numFmt"), ("fonts", "font"), ("fills", "fill"), ("borders", "border"),
                            ("cellXfs", "xf")):
            extra = self.added[name]
            if not extra:
                continue
            block = self._block_in(text, name)
            if block is None:
                if name != "numFmts":
                    raise CannotPatch(f"styles.xml has no {name}")
                text = re.sub(r"(<styleSheet\b[^>]*>)", lambda m: m.group(1) + '<numFmts count="0"></numFmts>', text,
                              count=1)
                block = self._block_in(text, name)
            old = block.group(0)
            total = len(re.findall(rf"<{child}\b", old)) + len(extra)
            if old.endswith("/>"):
                new = _set_attr(old[:-2] + ">", "count", str(total)) + "".join(extra) + f"</{name}>"
            else:
                head_end = old.index(">") + 1
                new = _set_attr(old[:head_end], "count", str(total)) + old[head_end:-len(f"</{name}>")] \
                    + "".join(extra) + f"</{name}>"
            text = text[:block.start()] + new + text[block.end():]
        return text

    @staticmethod
    def _block_in(text: str, name: str) -> re.Match | None:
        return re.search(rf"<{name}\b[^>]*?(?:/>|>.*?</{name}>)", text, re.DOTALL)


def solid_fill(rgb: str) -> str:
    return (f'<fill><patternFill patternType="solid"><fgColor rgb="FF{rgb}"/><bgColor rgb="FF{rgb}"/>'
            f'</patternFill></fill>')


# ------------------------------------------------------------------------------------------------
# A sheet's cells


_ROW = re.compile(r"<row\b[^>]*?(?:/>|>)")
_CELL = re.compile(r"<c\b[^>]*?(?:/>|>)")


def merged_ranges(sheet_xml: str) -> list[tuple[int, int, int, int]]:
    found = []
    for ref in re.findall(r'<mergeCell\b[^>]*\sref="([^"]+)"', sheet_xml):
        if ":" in ref:
            first, last = ref.split(":", 1)
            (r0, c0), (r1, c1) = split_ref(first), split_ref(last)
            found.append((r0, c0, r1, c1))
    return found


def anchor(address: str, merged: list[tuple[int, int, int, int]]) -> tuple[int, int]:
    """The cell that carries a mark for ``address``: itself, or the top-left cell of its merged range."""
    row, col = split_ref(address)
    for r0, c0, r1, c1 in sorted(merged):
        if r0 <= row <= r1 and c0 <= col <= c1:
            return r0, c0
    return row, col


def cell_styles(sheet_xml: str, cells: set[tuple[int, int]]) -> dict[tuple[int, int], int]:
    """The style index of each of ``cells`` (0 when absent or unstyled)."""
    styles = {cell: 0 for cell in cells}
    rows = {row for row, _ in cells}
    for row_match in _ROW.finditer(sheet_xml):
        row_attr = _attr(row_match.group(0), "r")
        if row_attr is None or int(row_attr) not in rows or row_match.group(0).endswith("/>"):
            continue
        end = sheet_xml.index("</row>", row_match.end())
        for cell in _CELL.finditer(sheet_xml, row_match.end(), end):
            ref = _attr(cell.group(0), "r")
            if ref is None:
                raise CannotPatch("a cell without its address")
            key = split_ref(ref)
            if key in styles:
                style = _attr(cell.group(0), "s")
                styles[key] = int(style) if style and style.isdigit() else 0
    return styles


def restyle(sheet_xml: str, styles: dict[tuple[int, int], int]) -> str:
    """``sheet_xml`` with each cell of ``styles`` given its style index: only the cells' ``s``
    attributes change, and a cell (or row) the sheet does not hold is inserted, empty."""
    if not styles:
        return sheet_xml
    data = re.search(r"<sheetData\b[^>]*?(?:/>|>)", sheet_xml)
    if data is None:
        raise CannotPatch("a sheet without sheetData (or with a namespace prefix)")
    edits: list[tuple[int, int, str]] = []   # (start, end, replacement)
    by_row: dict[int, dict[int, int]] = {}
    for (row, col), style in styles.items():
        by_row.setdefault(row, {})[col] = style
    if data.group(0).endswith("/>"):
        body = "".join(_new_row(row, by_row[row]) for row in sorted(by_row))
        return sheet_xml[:data.start()] + "<sheetData>" + body + "</sheetData>" + sheet_xml[data.end():]
    data_end = sheet_xml.index("</sheetData>", data.end())
    seen_rows: set[int] = set()
    previous_end = data.end()
    pending = sorted(by_row)
    for row_match in _ROW.finditer(sheet_xml, data.end(), data_end):
        row_attr = _attr(row_match.group(0), "r")
        if row_attr is None:
            raise CannotPatch("a row without its number")
        row = int(row_attr)
        while pending and pending[0] < row:        # rows the sheet does not hold, in order
            missing = pending.pop(0)
            edits.append((row_match.start(), row_match.start(), _new_row(missing, by_row[missing])))
        if pending and pending[0] == row:
            pending.pop(0)
            seen_rows.add(row)
            if row_match.group(0).endswith("/>"):
                cells = "".join(_new_cell(row, col, style) for col, style in sorted(by_row[row].items()))
                edits.append((row_match.start(), row_match.end(), row_match.group(0)[:-2] + ">" + cells + "</row>"))
            else:
                end = sheet_xml.index("</row>", row_match.end())
                cell_edits = _restyle_row(sheet_xml, row, row_match.end(), end, by_row[row])
                if any(start == stop for start, stop, _ in cell_edits):   # a cell inserted: the row's
                    tag = re.sub(r'\sspans="[^"]*"', "", row_match.group(0))  # spans hint no longer holds
                    edits.append((row_match.start(), row_match.end(), tag))
                edits.extend(cell_edits)
        previous_end = row_match.end()
    del previous_end
    for missing in pending:
        edits.append((data_end, data_end, _new_row(missing, by_row[missing])))
    out = []
    last = 0
    for start, end, text in sorted(edits, key=lambda edit: (edit[0], edit[1])):
        out.append(sheet_xml[last:start])
        out.append(text)
        last = end
    out.append(sheet_xml[last:])
    return "".join(out)


def _restyle_row(sheet_xml: str, row: int, start: int, end: int, wanted: dict[int, int]) -> list[tuple[int, int, str]]:
    edits = []
    pending = sorted(wanted)
    for cell in _CELL.finditer(sheet_xml, start, end):
        ref = _attr(cell.group(0), "r")
        if ref is None:
            raise CannotPatch("a cell without its address")
        _, col = split_ref(ref)
        while pending and pending[0] < col:
            missing = pending.pop(0)
            edits.append((cell.start(), cell.start(), _new_cell(row, missing, wanted[missing])))
        if pending and pending[0] == col:
            pending.pop(0)
            edits.append((cell.start(), cell.end(), _set_attr(cell.group(0), "s", str(wanted[col]))))
    for missing in pending:
        edits.append((end, end, _new_cell(row, missing, wanted[missing])))
    return edits


def _new_cell(row: int, col: int, style: int) -> str:
    return f'<c r="{letters(col)}{row}" s="{style}"/>'


def _new_row(row: int, cells: dict[int, int]) -> str:
    return f'<row r="{row}">' + "".join(_new_cell(row, col, style) for col, style in sorted(cells.items())) + "</row>"


#: Where a legacyDrawing element goes: before the first of these (the schema's order).
_AFTER_LEGACY = ("legacyDrawingHF", "drawingHF", "picture", "oleObjects", "controls", "webPublishItems",
                 "tableParts", "extLst")


def add_legacy_drawing(sheet_xml: str, rid: str) -> str:
    element = f'<legacyDrawing r:id="{rid}"/>'
    if 'xmlns:r="' not in sheet_xml[:sheet_xml.index(">", sheet_xml.index("<worksheet")) + 1]:
        element = f'<legacyDrawing xmlns:r="{REL}" r:id="{rid}"/>'
    positions = [match.start() for name in _AFTER_LEGACY
                 for match in [re.search(rf"<{name}\b", sheet_xml)] if match]
    at = min(positions) if positions else sheet_xml.rindex("</worksheet>")
    return sheet_xml[:at] + element + sheet_xml[at:]


# ------------------------------------------------------------------------------------------------
# Comments and their drawing


def comment_text_xml(text: str) -> str:
    return f'<text><r><rPr><sz val="9"/><rFont val="宋体"/><family val="3"/><charset val="134"/></rPr>' \
           f'<t xml:space="preserve">{_escape(text)}</t></r></text>'


def comments_texts(comments_xml: str) -> dict[str, str]:
    """Each comment's plain text by cell reference."""
    root = safe_fromstring(comments_xml.encode("utf-8"), forbid_dtd=True)
    found = {}
    for node in root.iter(f"{{{MAIN}}}comment"):
        found[node.get("ref", "")] = "".join(t.text or "" for t in node.iter(f"{{{MAIN}}}t"))
    return found


def _vml_shape(shape_id: int, row: int, col: int, width: int, height: int) -> str:
    return (f'<v:shape id="_x0000_s{shape_id}" type="#_x0000_t202" style="position:absolute;margin-left:59.25pt;'
            f'margin-top:1.5pt;width:{width}pt;height:{height}pt;z-index:{shape_id % 1024};visibility:hidden" '
            f'fillcolor="#ffffe1" o:insetmode="auto"><v:fill color2="#ffffe1"/><v:shadow on="t" color="black" '
            f'obscured="t"/><v:path o:connecttype="none"/><v:textbox style="mso-direction-alt:auto">'
            f'<div style="text-align:left"></div></v:textbox><x:ClientData ObjectType="Note"><x:MoveWithCells/>'
            f'<x:SizeWithCells/><x:AutoFill>False</x:AutoFill><x:Row>{row - 1}</x:Row><x:Column>{col - 1}</x:Column>'
            f'</x:ClientData></v:shape>')


_SHAPETYPE = ('<v:shapetype id="_x0000_t202" coordsize="21600,21600" o:spt="202" path="m,l,21600r21600,l21600,xe">'
              '<v:stroke joinstyle="miter"/><v:path gradientshapeok="t" o:connecttype="rect"/></v:shapetype>')


def new_vml(idmap: int) -> str:
    return ('<xml xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office" '
            'xmlns:x="urn:schemas-microsoft-com:office:excel"><o:shapelayout v:ext="edit">'
            f'<o:idmap v:ext="edit" data="{idmap}"/></o:shapelayout>{_SHAPETYPE}</xml>')


def vml_add_shapes(vml: str, shapes: list[tuple[int, int, int, int]], idmap: int) -> str:
    """Append a comment box per (row, col, width, height) to a VML drawing."""
    if "_x0000_t202" not in vml:
        vml = re.sub(r"(</o:shapelayout>)", lambda m: m.group(1) + _SHAPETYPE, vml, count=1) \
            if "</o:shapelayout>" in vml else vml.replace("</xml>", _SHAPETYPE + "</xml>", 1)
    taken = {int(n) for n in re.findall(r"_x0000_s(\d+)", vml)}
    boxes = []
    number = idmap * 1024 + 1
    for row, col, width, height in shapes:
        while number in taken:
            number += 1
        taken.add(number)
        boxes.append(_vml_shape(number, row, col, width, height))
    at = vml.rindex("</xml>")
    return vml[:at] + "".join(boxes) + vml[at:]


def vml_remove_shapes(vml: str, cells: set[tuple[int, int]]) -> str:
    """A VML drawing without the note boxes anchored on ``cells``."""
    def keep(match: re.Match) -> str:
        shape = match.group(0)
        row = re.search(r"<x:Row>\s*(\d+)\s*</x:Row>", shape)
        col = re.search(r"<x:Column>\s*(\d+)\s*</x:Column>", shape)
        if 'ObjectType="Note"' in shape and row and col and (int(row.group(1)) + 1, int(col.group(1)) + 1) in cells:
            return ""
        return shape
    return re.sub(r"<v:shape\b.*?</v:shape>", keep, vml, flags=re.DOTALL)


def vml_idmap(vml: str) -> int | None:
    match = re.search(r'<o:idmap\b[^>]*data="(\d+)', vml)
    return int(match.group(1)) if match else None


# ------------------------------------------------------------------------------------------------
# Writing


def write_package(package: Package, target: BinaryIO) -> None:
    """Every part, the changed ones as changed; the rest copied as they are, still compressed
    (:mod:`evaluator.outputs.zipcopy`: nothing untouched is inflated and deflated again)."""
    writer = ZipWriter(target)
    order = ["[Content_Types].xml"]
    order += [name for name in package.zip.namelist() if name != "[Content_Types].xml"]
    order += [name for name in package.changed if name not in package.zip.NameToInfo]
    written = set()
    try:
        for name in order:
            if name in written or name in package.removed:
                continue
            written.add(name)
            if name in package.changed:
                writer.add(name, package.changed[name])
            else:
                writer.copy(package.source, package.zip.getinfo(name))
        writer.close()
    except ValueError as exc:   # TooLarge (would need ZIP64), or a part this writer cannot copy
        raise CannotPatch(str(exc)) from None


def open_package(data: BinaryIO) -> Package:
    try:
        return Package(zipfile.ZipFile(data), source=data)
    except zipfile.BadZipFile as exc:
        raise CannotPatch(str(exc)) from None


__all__ = ["CannotPatch", "Package", "Styles", "add_default", "add_legacy_drawing", "add_override",
           "add_relationship", "anchor", "cell_styles", "comment_text_xml", "comments_texts", "letters",
           "merged_ranges", "new_vml", "open_package", "relationships", "remove_override",
           "remove_relationship", "resolve", "restyle", "solid_fill", "split_ref", "unused", "vml_add_shapes",
           "vml_idmap", "vml_remove_shapes", "workbook_sheets", "write_package"]
