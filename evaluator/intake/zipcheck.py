"""The inspection of a zip package (.xlsx, .xlsm, .ods), with bounded memory and time.

The zip is measured from its directory (number of parts, uncompressed sizes, compression ratios)
before anything is inflated; then every part is inflated as a stream, never more than a megabyte
at a time, refused the moment it grows past the size its directory declared, its XML prolog
checked (:mod:`evaluator.intake.xmlcheck`) and every sheet measured as it streams by (the used
range of its filled cells and the area of its merged ranges). Where a sheet lives in an .xlsx
comes from :mod:`evaluator.intake.parts`, as the reader finds it.
"""

from __future__ import annotations

import io
import posixpath
import re
import struct
import zipfile
import zlib
from dataclasses import replace
from typing import BinaryIO, Iterator

from evaluator.intake.inspection import Inspection, Kind, SheetSize, checked, mb, sheet_notes
from evaluator.intake.limits import MB, Limits
from evaluator.intake.parts import Names, case_twins, declared_workbook, sheet_parts, workbook_part
from evaluator.intake.refusals import Refused
from evaluator.intake.xmlcheck import Prolog, parse_structural
from evaluator.values.patterns import lazy

CHUNK = 1 << 20          # inflate and scan a part a megabyte at a time
RATIO_FLOOR = MB         # parts smaller than this are not held to the ratio limit
SMALL_PART = 8 * MB      # the structural parts read whole (workbook.xml, relationships)


def zip_entry_count(handle: BinaryIO, size: int) -> int | None:
    """The number of parts the end of the zip directory announces (zip64 too), without reading it."""
    tail_len = min(size, 22 + 65535)
    handle.seek(size - tail_len)
    tail = handle.read(tail_len)
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or len(tail) - at < 22:
        return None
    count, directory_size = struct.unpack_from("<HL", tail, at + 10)
    if count == 0xFFFF or directory_size == 0xFFFFFFFF:
        locator = at - 20
        if locator >= 0 and tail[locator:locator + 4] == b"PK\x06\x07":
            offset = struct.unpack_from("<Q", tail, locator + 8)[0]
            handle.seek(offset)
            record = handle.read(56)
            if len(record) == 56 and record[:4] == b"PK\x06\x06":
                count = struct.unpack_from("<Q", record, 32)[0]
    return count


def inspect_zip(handle: BinaryIO, size: int, limits: Limits) -> Inspection:
    count = zip_entry_count(handle, size)
    if count is None:
        raise Refused("damaged", detail="找不到压缩目录，文件被截断了")
    if count > limits.max_entries:
        raise Refused("too-many-entries", count=f"{count:,}", limit=f"{limits.max_entries:,}")
    try:
        archive = zipfile.ZipFile(handle)
    except Exception as exc:  # noqa: BLE001 - any failure to read the directory means a damaged file
        raise Refused("damaged", detail=f"压缩目录无法读取：{exc}") from exc
    with archive:
        infos = archive.infolist()
        _check_directory(infos, limits)
        parts = {info.filename: info for info in infos}
        if "[Content_Types].xml" in parts:
            kind, names_of = Kind.XLSX, _ooxml_sheets(handle, parts)
        elif "content.xml" in parts and _is_ods(handle, parts):
            kind, names_of = Kind.ODS, {}
        else:
            raise Refused("not-a-workbook", what=_zip_what(parts))
        sheets: list[SheetSize] = []
        for info in infos:
            names = names_of.get(info.filename, []) if kind is Kind.XLSX else []
            if names:
                scan: _Scan | None = _OoxmlSheetScan(names[0], limits)
            elif kind is Kind.ODS and info.filename == "content.xml":
                scan = _OdsScan()
            else:
                scan = None
            _stream_part(handle, info, scan)
            if scan is not None:
                measured = scan.sheets()
                sheets.extend(measured)
                # Sheets sharing a part: each is read, so each holds what the part holds.
                sheets.extend(replace(measured[0], name=name) for name in names[1:])
    return checked(Inspection(kind=kind, sheets=sheets, skipped=sheet_notes(sheets, limits),
                               parts={name: part for part, names in names_of.items() for name in names}))



def _check_directory(infos: list[zipfile.ZipInfo], limits: Limits) -> None:
    """Refuse from the zip directory alone: encrypted or odd parts, ratios, total size."""
    names: set[str] = set()
    total = 0
    for info in infos:
        if info.filename in names:
            raise Refused("damaged", detail=f"压缩包内有两个同名部件 {info.filename}")
        names.add(info.filename)
        if info.flag_bits & 0x1:
            raise Refused("encrypted")
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise Refused("unsupported-compression", part=info.filename, method=info.compress_type)
        if info.file_size > RATIO_FLOOR and info.file_size > limits.max_ratio * max(info.compress_size, 1):
            ratio = info.file_size // max(info.compress_size, 1)
            raise Refused("zip-bomb", part=info.filename, ratio=f"{ratio:,}", limit=limits.max_ratio)
        total += info.file_size
    if total > limits.max_unzipped_bytes:
        raise Refused("unzipped-too-large", size=mb(total), limit=limits.max_unzipped_mb)


def _zip_what(parts: dict[str, zipfile.ZipInfo]) -> str:
    if "word/document.xml" in parts:
        return "Word 文档（.docx）"
    if "ppt/presentation.xml" in parts:
        return "PowerPoint 演示文稿（.pptx）"
    if "xl/workbook.bin" in parts:
        return "Excel 二进制工作簿（.xlsb）"
    return "一个普通的 zip 压缩包（如工作簿在压缩包里，请先解压）"


def _is_ods(handle: BinaryIO, parts: dict[str, zipfile.ZipInfo]) -> bool:
    mimetype = parts.get("mimetype")
    if mimetype is None or mimetype.file_size > 200:
        return False
    text = _read_part(handle, mimetype).decode("ascii", "replace").strip()
    if text != "application/vnd.oasis.opendocument.spreadsheet":
        raise Refused("not-a-workbook", what=f"OpenDocument 文件（{text[:60]}），不是表格")
    return True


def _read_part(handle: BinaryIO, info: zipfile.ZipInfo) -> bytes:
    """A small part, whole (inflated with the same checks as every other part)."""
    if info.file_size > SMALL_PART:
        raise Refused("damaged", detail=f"部件 {info.filename} 大得异常")
    return b"".join(_inflate(handle, info))


def _parse_small(handle: BinaryIO, parts: dict[str, zipfile.ZipInfo], name: str):
    info = parts.get(name)
    return None if info is None else parse_structural(_read_part(handle, info), name)


def _ooxml_sheets(handle: BinaryIO, parts: dict[str, zipfile.ZipInfo]) -> dict[str, list[str]]:
    """Worksheet part → the names of the sheets it holds (one, unless a hostile workbook points
    several sheets at one part), found as the reader finds them (:mod:`evaluator.intake.parts`)."""
    names = Names(parts)

    def parse(name: str):
        return _parse_small(handle, parts, name)

    twins = case_twins(parts)
    if twins is not None:
        # Readers look parts up ignoring case, and each picks its own of the two.
        raise Refused("damaged", detail=f"压缩包内有两个仅大小写不同的部件 {twins[0]} 与 {twins[1]}")
    workbook = workbook_part(names, parse)
    if workbook is not None and workbook.lower().endswith(".bin"):
        raise Refused("unsupported-format", what="Excel 二进制工作簿（.xlsb）")
    if workbook is None or not posixpath.basename(workbook).lower().startswith("workbook"):
        raise Refused("not-a-workbook", what=_zip_what(parts))
    declared = declared_workbook(names, parse)
    if declared is not None and declared != workbook:
        # The annotated copy's reader takes the declared one: the sheets measured would not be its sheets.
        raise Refused("damaged", detail=f"工作簿主部件不明确：包关系指向 {workbook}，内容类型声明为 {declared}")
    found: dict[str, list[str]] = {}
    for sheet in sheet_parts(workbook, names, parse):
        if sheet.part is not None:
            found.setdefault(sheet.part, []).append(sheet.name)
    return found


def _inflate(handle: BinaryIO, info: zipfile.ZipInfo) -> Iterator[bytes]:
    """The bytes of one part, a megabyte at a time; refused the moment it outgrows its declared size."""
    name = info.filename
    handle.seek(info.header_offset)
    local = handle.read(30)
    if len(local) < 30 or local[:4] != b"PK\x03\x04":
        raise Refused("damaged", detail=f"部件 {name} 的位置无效")
    name_length, extra_length = struct.unpack_from("<HH", local, 26)
    local_name = handle.read(name_length).decode("utf-8" if info.flag_bits & 0x800 else "cp437", "replace")
    if local_name != info.orig_filename:
        # Readers differ on which of the two names they trust: refuse rather than guess.
        raise Refused("damaged", detail=f"部件 {name} 的文件头与压缩目录不一致")
    handle.seek(info.header_offset + 30 + name_length + extra_length)
    produced, crc = 0, 0
    try:
        for data in _pieces(handle, info):
            produced += len(data)
            if produced > info.file_size:
                raise Refused("size-mismatch", part=name)
            crc = zlib.crc32(data, crc)
            if data:
                yield data
    except zlib.error as exc:
        raise Refused("damaged", detail=f"部件 {name} 的压缩数据无效") from exc
    if produced != info.file_size or crc != info.CRC:
        raise Refused("damaged", detail=f"部件 {name} 的校验和不符")


def _pieces(handle: BinaryIO, info: zipfile.ZipInfo) -> Iterator[bytes]:
    """The part's data as it is inflated from ``handle`` (at its data's start), never more than
    :data:`CHUNK` read or inflated at a time; :func:`_inflate` checks what comes out."""
    name = info.filename
    inflater = zlib.decompressobj(-15) if info.compress_type == zipfile.ZIP_DEFLATED else None
    left = info.compress_size
    while left > 0 or (inflater is not None and not inflater.eof and inflater.unconsumed_tail):
        if left > 0:
            raw = handle.read(min(CHUNK, left))
            if not raw:
                raise Refused("damaged", detail=f"部件 {name} 不完整")
            left -= len(raw)
        else:
            raw = b""
        if inflater is None:
            yield raw
            continue
        yield inflater.decompress(raw, CHUNK)
        while inflater.unconsumed_tail:
            yield inflater.decompress(inflater.unconsumed_tail, CHUNK)
    if inflater is not None:
        yield inflater.flush()
        if not inflater.eof:
            raise Refused("damaged", detail=f"部件 {name} 不完整")


def _stream_part(handle: BinaryIO, info: zipfile.ZipInfo, scan: "_Scan | None") -> None:
    """Inflate one part through its checks: its XML prolog, and its sheets' sizes."""
    prolog: Prolog | None = None
    first = True
    for chunk in _inflate(handle, info):
        if first:
            first = False
            if chunk.lstrip()[:1] == b"<" or chunk.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
                prolog = Prolog(info.filename, utf8_only=scan is not None)
        if prolog is not None and not prolog.done:
            prolog.feed(chunk)
        if scan is not None:
            scan.feed(chunk)
    if prolog is not None:
        prolog.close()
    if scan is not None:
        scan.close()


class _Scan:
    """Measures sheets as their XML streams by, whole tags at a time."""

    carry = b""
    too_long = "工作表中有超长的标签"

    def feed(self, chunk: bytes) -> None:
        """Scan the complete tags of a chunk; a tag cut at its end waits for the next chunk."""
        buffer = self.carry + chunk
        cut = buffer.rfind(b"<")
        if cut < 0:
            self.carry = b""
            return
        self.carry = buffer[cut:]
        if len(self.carry) > CHUNK:
            raise Refused("damaged", detail=self.too_long)
        self._body(buffer[:cut])

    def _body(self, body: bytes) -> None:
        raise NotImplementedError

    def close(self) -> None:
        pass

    def sheets(self) -> list[SheetSize]:
        raise NotImplementedError


def column_number(letters: bytes | str) -> int:
    """b"A" → 1, b"XFD" → 16384."""
    number = 0
    for letter in letters.upper() if isinstance(letters, str) else letters.decode("ascii").upper():
        number = number * 26 + ord(letter) - 64
    return number


_TAG_PREFIX = rb"<(?:[A-Za-z_][\w.-]*:)?"
# A cell whose r attribute comes first and that is not self-closing: it has a value or a formula.
_FILLED_CELL = re.compile(rb'<c r="([A-Z]{1,3})([0-9]{1,7})"[^>/]*>')
_ANY_TAG = lazy(_TAG_PREFIX + rb"(row|c)(?=[\s/>])([^>]*)>")
_REF = re.compile(rb"""\br\s*=\s*["']([A-Za-z]{0,3})([0-9]{0,7})["']""")
_MERGE = re.compile(_TAG_PREFIX + rb"""mergeCell\b[^>]*?\bref\s*=\s*["']([A-Za-z]{1,3})([0-9]{1,7})(?::([A-Za-z]{1,3})([0-9]{1,7}))?["']""")


class _OoxmlSheetScan(_Scan):
    """The used range of the filled cells of one worksheet part, and its merged area.

    Cells are found by byte patterns, a megabyte at a time. Excel, WPS, LibreOffice and openpyxl
    write ``<c r="A1" …>`` with ``r`` first; a part where some cell lacks it, or with prefixed
    tags, is followed tag by tag, counting positions as a reader does.
    """

    def __init__(self, name: str, limits: Limits) -> None:
        self.size = SheetSize(name=name)
        self.limits = limits
        self.carry = b""
        self.row = 0
        self.col = 0
        self.top = self.left = 1 << 30
        self.bottom = self.right = 0
        self.stopped = False

    def _body(self, body: bytes) -> None:
        # Merged ranges sit after the cells: the search starts at the tag of the first one (a
        # prefix holds no "<"), not at every tag of the sheet.
        merge = body.find(b"mergeCell")
        start = body.rfind(b"<", 0, merge) if merge >= 0 else len(body)
        for first, first_row, last, last_row in _MERGE.findall(body, max(start, 0)):
            rows = abs(int(last_row or first_row) - int(first_row)) + 1
            cols = abs(column_number(last or first) - column_number(first)) + 1
            self.size.merged += rows * cols
        if self.stopped:
            return
        cells = body.count(b"<c ") + body.count(b"<c>")
        if cells == body.count(b'<c r="') and b":c " not in body and b":row" not in body:
            self.size.elements += cells
            self._fast(body)
        else:
            self._exact(body)
        self._update()

    def _fast(self, body: bytes) -> None:
        found = _FILLED_CELL.findall(body)
        if found:
            rows = {int(row) for row in {row for _, row in found}}
            cols = {column_number(col) for col in {col for col, _ in found}}
            self._extend(min(rows), max(rows), min(cols), max(cols))
        last_row = body.rfind(b"<row")
        if last_row >= 0:
            ref = _REF.search(body, last_row, body.find(b">", last_row) + 1 or len(body))
            if ref and ref.group(2):
                self.row = int(ref.group(2))

    def _exact(self, body: bytes) -> None:
        for tag, attributes in _ANY_TAG.findall(body):
            ref = _REF.search(attributes)
            if tag == b"row":
                self.row = int(ref.group(2)) if ref and ref.group(2) else self.row + 1
                self.col = 0
                continue
            self.size.elements += 1
            if ref and ref.group(1):
                self.col = column_number(ref.group(1))
                if ref.group(2):
                    self.row = int(ref.group(2))
            else:
                self.col += 1
            if not attributes.endswith(b"/"):
                self._extend(self.row, self.row, self.col, self.col)

    def _extend(self, top: int, bottom: int, left: int, right: int) -> None:
        self.top, self.bottom = min(self.top, top), max(self.bottom, bottom)
        self.left, self.right = min(self.left, left), max(self.right, right)

    def _update(self) -> None:
        if self.bottom:
            self.size.rows = self.bottom - self.top + 1
            self.size.cols = self.right - self.left + 1
        if self.size.rows > self.limits.max_rows or self.size.cells > self.limits.max_cells:
            self.stopped = True   # over a limit already: skip measuring the rest, keep checking it
            self.size.complete = False

    def sheets(self) -> list[SheetSize]:
        return [self.size]


_ODS_TAG = lazy(rb"<(/?)(?:[A-Za-z_][\w.-]*:)?(table|table-row|table-cell|covered-table-cell)(?=[\s/>])([^>]*)>")
_ODS_ATTRIBUTE = lazy(rb"""(?:[\w.-]+:)?([\w-]+)\s*=\s*["']([^"']*)["']""")
_REPEAT_CAP = 1 << 24


class _OdsScan(_Scan):
    """The used range and merged area of every table of an OpenDocument ``content.xml``.

    Rows and cells may be repeated (``number-rows-repeated``, ``number-columns-repeated``); a
    reader expands the repetitions that hold values, so they count as often as they repeat.
    """

    def __init__(self, ranges: bool = False) -> None:
        self.found: list[SheetSize] = []
        #: With ``ranges``: every table's merged ranges (1-based first row, col, last row, col).
        self.ranges: dict[str, list[tuple[int, int, int, int]]] | None = {} if ranges else None
        self.carry = b""
        self.current: SheetSize | None = None
        self.row = self.col = 0
        self.row_repeat = 1
        self.row_filled = False
        self.bottom = self.right = 0

    too_long = "表格中有超长的标签"

    def _body(self, body: bytes) -> None:
        for closing, tag, attributes in _ODS_TAG.findall(body):
            self._tag(closing == b"/", tag, attributes)

    def _tag(self, closing: bool, tag: bytes, attributes: bytes) -> None:
        values = {key: value for key, value in _ODS_ATTRIBUTE.findall(attributes)} if attributes else {}
        empty = attributes.endswith(b"/")
        if tag == b"table":
            if closing:
                self._finish()
            else:
                from xml.sax.saxutils import unescape  # imports urllib.request: only when a name is read

                name = unescape(values.get(b"name", b"").decode("utf-8", "replace"), {"&quot;": '"', "&apos;": "'"})
                self._finish()
                self.current = SheetSize(name=name)
                self.row = self.bottom = self.right = 0
        elif tag == b"table-row":
            if closing:
                self._end_row()
            else:
                self.row_repeat = _count(values.get(b"number-rows-repeated"))
                self.col = 0
                self.row_filled = False
                if empty:
                    self._end_row()
        elif not closing:
            repeat = _count(values.get(b"number-columns-repeated"))
            if self.current is not None:
                spanned = _count(values.get(b"number-columns-spanned")) * _count(values.get(b"number-rows-spanned"))
                if spanned > 1:
                    self.current.merged += spanned * self.row_repeat
                    if self.ranges is not None:
                        self._range(values)
            if b"value-type" in values or not empty:
                self.right = max(self.right, self.col + repeat)
                self.row_filled = True
            self.col += repeat

    def _range(self, values: dict[bytes, bytes]) -> None:
        cols = _count(values.get(b"number-columns-spanned"))
        rows = _count(values.get(b"number-rows-spanned"))
        found = self.ranges.setdefault(self.current.name, [])
        for repeat in range(min(self.row_repeat, MAX_RANGES - len(found))):
            top, left = self.row + 1 + repeat, self.col + 1
            found.append((top, left, top + rows - 1, left + cols - 1))

    def _end_row(self) -> None:
        if self.row_filled:
            self.bottom = self.row + self.row_repeat
        self.row += self.row_repeat
        self.row_filled = False

    def _finish(self) -> None:
        if self.current is not None:
            self.current.rows, self.current.cols = self.bottom, self.right
            self.found.append(self.current)
            self.current = None

    def close(self) -> None:
        self._finish()

    def sheets(self) -> list[SheetSize]:
        return self.found


MAX_RANGES = 100_000   # merged ranges recorded per table at most


def ods_merges(data: bytes) -> dict[str, list[tuple[int, int, int, int]]]:
    """The merged ranges of every table of an OpenDocument spreadsheet's bytes (which passed the
    inspection), by table name, found by the same scan that measured them."""
    scan = _OdsScan(ranges=True)
    for chunk in part_chunks(data, "content.xml"):
        scan.feed(chunk)
    scan.close()
    return scan.ranges or {}


def part_chunks(data: bytes, name: str, most: int | None = None) -> Iterator[bytes]:
    """The bytes of part ``name`` of a package's bytes, inflated a megabyte at a time with the
    inspection's checks (refused the moment it outgrows its declared size). ``most``: a part whose
    directory declares more bytes than this is refused before anything is inflated. Raises KeyError
    for a part the package does not have."""
    handle = io.BytesIO(data)
    with zipfile.ZipFile(handle) as archive:
        info = archive.getinfo(name)
    if most is not None and info.file_size > most:
        raise Refused("damaged", detail=f"部件 {name} 大得异常")
    yield from _inflate(handle, info)


def _count(raw: bytes | None) -> int:
    if not raw or not raw.isdigit():
        return 1
    return max(1, min(int(raw[:9]), _REPEAT_CAP))

