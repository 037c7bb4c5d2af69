"""Pre-flight inspection: what a file really is, and whether it is safe to parse, before any parser
touches it.

A folder that people drop files into receives anything. :func:`inspect` looks at a file with
bounded memory and time and either says what it is (:class:`Inspection`: the real format, the
size of every sheet, the sheets too large to read) or refuses it (:class:`Refused`, with a
one-line reason and what to do, in Chinese). Nothing here trusts the file:

* it is read once, from the descriptor opened without following a link swapped in after the
  folder was walked (:mod:`evaluator.intake.files`), within the size limit; the readers parse
  those same bytes (``Inspection.data``), never the file opened again by name;
* the format comes from the magic bytes, not the name: an OOXML zip, an OLE2 compound file
  (read with olefile: a legacy .xls, or an encrypted .xlsx, which is an OLE2 file holding
  ``EncryptionInfo``), an HTML table or CSV text saved as ".xls" by a web system, or something else;
* a zip is measured from its directory (number of parts, uncompressed sizes, compression ratios)
  before anything is inflated, then every part is inflated as a stream, never more than a
  megabyte at a time, and refused the moment it grows past the size its directory declared;
* every XML part is refused if it declares a DOCTYPE (entity expansion, external entities), read
  with expat up to its root element;
* every sheet is measured as it streams by (the used range of its filled cells and the area of
  its merged ranges), because both become memory in the readers: a single filled cell at
  XFD1048576 makes a reader allocate the whole sheet and abort the process. A sheet of an .xlsx
  over the limits is skipped; an .xls or .ods, whose sheets the reader builds all at once when it
  opens the file, is refused.

The limits come from :class:`~evaluator.intake.limits.Limits`; where a sheet lives in an .xlsx,
from :mod:`evaluator.intake.parts`, as the reader finds it.
"""

from __future__ import annotations

import codecs
import io
import posixpath
import re
import struct
import zipfile
import zlib
from dataclasses import dataclass, field, replace
from enum import Enum
from pathlib import Path
from typing import BinaryIO, Iterable, Iterator
from xml.parsers import expat

import olefile
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring as safe_fromstring

from evaluator.intake.files import read_file
from evaluator.intake.limits import DEFAULT_LIMITS, MB, Limits
from evaluator.intake.parts import Names, case_twins, declared_workbook, sheet_parts, workbook_part

CHUNK = 1 << 20          # inflate and scan a part a megabyte at a time
HEAD = 64 * 1024         # bytes read to tell the format of a file
RATIO_FLOOR = MB         # parts smaller than this are not held to the ratio limit
SMALL_PART = 8 * MB      # the structural parts read whole (workbook.xml, relationships)


class Kind(str, Enum):
    """The real format of a file, whatever its name says."""

    XLSX = "xlsx"   # Office Open XML workbook (.xlsx, .xlsm)
    XLS = "xls"     # BIFF8 workbook in an OLE2 compound file
    ODS = "ods"     # OpenDocument spreadsheet
    HTML = "html"   # an HTML table, as web systems export "xls" files
    CSV = "csv"     # delimited text

    @property
    def label(self) -> str:
        return {
            "xlsx": "Excel 工作簿（.xlsx）", "xls": "Excel 97-2003 工作簿（.xls）", "ods": "OpenDocument 表格（.ods）",
            "html": "网页（HTML）表格", "csv": "CSV 文本表格",
        }[self.value]


#: The format a file name promises.
EXPECTED_KIND: dict[str, Kind] = {
    ".xlsx": Kind.XLSX, ".xlsm": Kind.XLSX, ".xls": Kind.XLS, ".ods": Kind.ODS,
    ".csv": Kind.CSV, ".txt": Kind.CSV, ".htm": Kind.HTML, ".html": Kind.HTML,
}

#: Every reason to refuse a file: slug → (reason, what to do). Rendered with the refusal's fields.
REFUSALS: dict[str, tuple[str, str]] = {
    "not-a-file": ("这不是普通文件", "请提交工作簿文件本身"),
    "symlink": ("这是一个符号链接（可能在检查之后才被换上），为安全起见没有跟随读取它指向的文件",
                "请把工作簿文件本身放进来，或直接指定链接指向的文件"),
    "lock-file": ("这是 Office 打开工作簿时留下的锁定文件（~$ 开头），不是工作簿",
                  "忽略即可，请检查去掉“~$”的同名文件"),
    "empty": ("文件是空的（0 字节）", "请向报送单位重新索取文件"),
    "file-too-large": ("文件有 {size} MB，超过上限 {limit} MB",
                       "如确为正常工作簿，可用 --max-file-mb 调高上限后重试"),
    "not-a-workbook": ("文件内容是{what}，不是工作簿", "请提交绩效自评表的 Excel 文件（.xlsx）"),
    "unsupported-format": ("文件内容是{what}，本工具不读取这种格式", "请用 Excel 或 WPS 打开后另存为 .xlsx 再提交"),
    "unknown-content": ("文件内容不是任何已知的表格格式（既不是 Excel/WPS 工作簿，也不是网页或文本表格），可能已损坏",
                        "请用 Excel 或 WPS 打开确认，另存为 .xlsx 后重新提交"),
    "damaged": ("文件已损坏或不完整（{detail}），可能是下载或复制时中断了", "请重新下载，或向报送单位重新索取文件"),
    "encrypted": ("文件已加密（设有打开密码），无法读取",
                  "请提供未加密的副本：在 Excel 中打开，清除“用密码进行加密”的密码后另存"),
    "too-many-entries": ("压缩包内有 {count} 个部件，超过上限 {limit} 个，不像正常工作簿",
                         "已拒绝读取；如确为正常工作簿，可用 --max-entries 调高上限"),
    "unzipped-too-large": ("解压后共 {size} MB，超过上限 {limit} MB",
                           "已拒绝解压；如确为正常工作簿，可用 --max-unzipped-mb 调高上限"),
    "zip-bomb": ("部件 {part} 的压缩比为 {ratio}:1（上限 {limit}:1），疑似“压缩炸弹”",
                 "已拒绝解压；请向报送单位核实文件来源"),
    "size-mismatch": ("部件 {part} 解压后超出压缩目录声明的大小，文件被篡改或已损坏",
                      "已拒绝读取；请向报送单位重新索取文件"),
    "xml-doctype": ("部件 {part} 含有 DOCTYPE/实体声明，正常工作簿不会有，疑似恶意构造（XML 实体攻击）",
                    "已拒绝读取；请用 Excel 或 WPS 重新保存后再提交"),
    "xml-encoding": ("部件 {part} 的编码为 {encoding}，正常工作簿只用 UTF-8",
                     "已拒绝读取；请用 Excel 或 WPS 重新保存后再提交"),
    "unsupported-compression": ("部件 {part} 使用了不支持的压缩方式（{method}）",
                                "请用 Excel 或 WPS 打开后另存为 .xlsx 再提交"),
    "table-too-large": ("表格超过上限（{limit}）", "可用 --max-rows / --max-cells 调高上限后重试"),
    "sheet-too-large": ("工作表“{sheet}”{why}；{kind}打开时各工作表整体读入，无法只跳过这一张",
                        "请用 Excel 或 WPS 另存为 .xlsx 后再提交（.xlsx 中过大的工作表会被跳过），或调高上限"),
}


class Refused(Exception):
    """A file the tool will not parse. ``str()`` is the one-line reason and what to do, in Chinese."""

    def __init__(self, slug: str, **fields: object) -> None:
        reason, advice = REFUSALS[slug]
        self.slug = slug
        self.fields = fields
        self.reason = reason.format(**fields)
        self.advice = advice.format(**fields)
        super().__init__(f"{self.reason}；{self.advice}")


@dataclass
class SheetSize:
    """How much of a sheet the readers would hold: the used range of its filled cells, and the
    cells its merged ranges cover (each is indexed one by one)."""

    name: str
    rows: int = 0
    cols: int = 0
    merged: int = 0
    elements: int = 0       # cell tags, empty styled ones included (a full workbook model holds each)
    complete: bool = True   # False when the scan stopped early, the sheet being over a limit

    @property
    def cells(self) -> int:
        return self.rows * self.cols + self.merged


@dataclass
class Inspection:
    """What a file really is, and which of its sheets are too large to read (name → why)."""

    kind: Kind
    sheets: list[SheetSize] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)
    parts: dict[str, str] = field(default_factory=dict)   # sheet name → its part in an .xlsx
    #: The bytes inspected, which the readers parse (the file is never opened by name again).
    data: bytes = field(default=b"", repr=False, compare=False)

    def open(self) -> BinaryIO:
        """The bytes inspected, as a file object."""
        return io.BytesIO(self.data)

    def cells_to_copy(self) -> int:
        """The cell objects a full model of the workbook would hold for the sheets that are read:
        one per cell tag (empty styled ones too) and one per cell of a merged range."""
        return sum(sheet.elements + sheet.merged for sheet in self.sheets if sheet.name not in self.skipped)

    def wrong_extension(self, path: Path) -> str | None:
        """What the name promised, when it promised another format than the content's."""
        expected = EXPECTED_KIND.get(path.suffix.lower())
        return path.suffix if expected is not None and expected is not self.kind else None


def inspect(path: Path, limits: Limits = DEFAULT_LIMITS) -> Inspection:
    """Tell what ``path`` really is and whether it may be parsed; raise :class:`Refused` if not.

    The file is read once (:func:`~evaluator.intake.files.read_file`: without following a link
    swapped in, from the descriptor opened, within the size limit); the inspection keeps the
    bytes (``Inspection.data``) for the readers, so that what is parsed is what was inspected.
    Raises :class:`OSError` when the file cannot be opened at all.
    """
    if path.name.startswith("~$"):
        raise Refused("lock-file")
    return inspect_data(read_file(path, limits), limits)


def inspect_data(data: bytes, limits: Limits = DEFAULT_LIMITS) -> Inspection:
    """:func:`inspect` of a file's bytes."""
    if not data:
        raise Refused("empty")
    if len(data) > limits.max_file_bytes:
        raise Refused("file-too-large", size=_mb(len(data)), limit=limits.max_file_mb)
    if data.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        inspection = _inspect_zip(io.BytesIO(data), len(data), limits)
    elif data.startswith(OLE_MAGIC):
        inspection = _inspect_ole(data, limits)
    else:
        inspection = Inspection(kind=_sniff_other(data[:HEAD]))
    inspection.data = data
    return inspection


def sheet_notes(sheets: Iterable[SheetSize], limits: Limits) -> dict[str, str]:
    """The sheets not to read, each with why: too many rows, or the workbook over its cell budget
    (then the largest go first)."""
    skipped: dict[str, str] = {}
    kept = []
    for sheet in sheets:
        if sheet.rows > limits.max_rows:
            rows = f"有 {sheet.rows:,} 行，" if sheet.complete else ""
            skipped[sheet.name] = f"{rows}超过上限 {limits.max_rows:,} 行（--max-rows）"
        else:
            kept.append(sheet)
    total = sum(sheet.cells for sheet in kept)
    for sheet in sorted(kept, key=lambda s: s.cells, reverse=True):
        if total <= limits.max_cells:
            break
        cells = f"有约 {sheet.cells:,} 个单元格，" if sheet.complete else ""
        skipped[sheet.name] = f"{cells}超过每个工作簿上限 {limits.max_cells:,} 个单元格（--max-cells）"
        total -= sheet.cells
    return skipped


# --- anything that is not a zip or an OLE2 file ------------------------------------------------

#: Formats people send by mistake, by their magic bytes.
OTHER_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF", "PDF 文档"),
    (b"\x89PNG", "PNG 图片"),
    (b"\xff\xd8\xff", "JPEG 图片"),
    (b"GIF8", "GIF 图片"),
    (b"Rar!", "RAR 压缩包"),
    (b"7z\xbc\xaf\x27\x1c", "7z 压缩包"),
    (b"\x1f\x8b", "gzip 压缩包"),
    (b"{\\rtf", "RTF 文档"),
)


def decode_text(data: bytes, final: bool = True) -> tuple[str, str] | None:
    """(text, encoding) of bytes that read as text: a BOM, else UTF-8, else GB18030; None if binary."""
    for bom, encoding in ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16")):
        if data.startswith(bom):
            try:
                return _decode(data, encoding, final), encoding
            except UnicodeDecodeError:
                return None
    if b"\x00" in data:
        return None
    for encoding in ("utf-8", "gb18030"):
        try:
            return _decode(data, encoding, final), encoding
        except UnicodeDecodeError:
            continue
    return None


def _decode(data: bytes, encoding: str, final: bool) -> str:
    return codecs.getincrementaldecoder(encoding)().decode(data, final=final)


_HTML = re.compile(r"<\s*(!doctype\s+html|html|table|tr)[\s>]", re.IGNORECASE)


def _sniff_other(head: bytes) -> Kind:
    for magic, what in OTHER_MAGIC:
        if head.startswith(magic):
            raise Refused("not-a-workbook", what=what)
    decoded = decode_text(head, final=False)
    if decoded is None:
        raise Refused("unknown-content")
    text = decoded[0].lstrip("\ufeff \t\r\n").lower()
    if text.startswith("<?xml") and "urn:schemas-microsoft-com:office:spreadsheet" in text:
        raise Refused("unsupported-format", what="Excel 2003 XML 电子表格")
    if text.startswith("mime-version") or "\nmime-version:" in text[:2000]:
        raise Refused("unsupported-format", what="网页归档（.mht）")
    if _HTML.search(text):
        return Kind.HTML
    if text.startswith("<"):
        raise Refused("not-a-workbook", what="XML 或其他标记文本")
    return Kind.CSV


# --- zip packages: .xlsx, .xlsm, .ods ---------------------------------------------------------

def _mb(size: int) -> str:
    return f"{size / MB:,.1f}"


def _zip_entry_count(handle: BinaryIO, size: int) -> int | None:
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


def _inspect_zip(handle: BinaryIO, size: int, limits: Limits) -> Inspection:
    count = _zip_entry_count(handle, size)
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
    return _checked(Inspection(kind=kind, sheets=sheets, skipped=sheet_notes(sheets, limits),
                               parts={name: part for part, names in names_of.items() for name in names}))


def _checked(inspection: Inspection) -> Inspection:
    """Only an .xlsx can be read sheet by sheet: the reader builds every sheet of an .xls or .ods
    when it opens the file (an .xls with one cell at the last row and column takes 560 MB even
    with that sheet skipped), so a sheet over the limits refuses the whole file."""
    if inspection.kind is not Kind.XLSX and inspection.skipped:
        sheet, why = next(iter(inspection.skipped.items()))
        raise Refused("sheet-too-large", sheet=sheet, why=why, kind=inspection.kind.label)
    return inspection


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
        raise Refused("unzipped-too-large", size=_mb(total), limit=limits.max_unzipped_mb)


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
    if info is None:
        return None
    try:
        return safe_fromstring(_read_part(handle, info), forbid_dtd=True)
    except DefusedXmlException as exc:
        raise Refused("xml-doctype", part=name) from exc
    except Exception as exc:  # noqa: BLE001 - a malformed structural part is a damaged file
        raise Refused("damaged", detail=f"部件 {name} 无法解析") from exc


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
    inflater = zlib.decompressobj(-15) if info.compress_type == zipfile.ZIP_DEFLATED else None
    left, produced, crc = info.compress_size, 0, 0
    try:
        while left > 0 or (inflater is not None and not inflater.eof and inflater.unconsumed_tail):
            if left > 0:
                raw = handle.read(min(CHUNK, left))
                if not raw:
                    raise Refused("damaged", detail=f"部件 {name} 不完整")
                left -= len(raw)
            else:
                raw = b""
            data = inflater.decompress(raw, CHUNK) if inflater is not None else raw
            while True:
                produced += len(data)
                if produced > info.file_size:
                    raise Refused("size-mismatch", part=name)
                crc = zlib.crc32(data, crc)
                if data:
                    yield data
                if inflater is None or not inflater.unconsumed_tail:
                    break
                data = inflater.decompress(inflater.unconsumed_tail, CHUNK)
        if inflater is not None:
            data = inflater.flush()
            produced += len(data)
            if produced > info.file_size:
                raise Refused("size-mismatch", part=name)
            crc = zlib.crc32(data, crc)
            if data:
                yield data
            if not inflater.eof:
                raise Refused("damaged", detail=f"部件 {name} 不完整")
    except zlib.error as exc:
        raise Refused("damaged", detail=f"部件 {name} 的压缩数据无效") from exc
    if produced != info.file_size or crc != info.CRC:
        raise Refused("damaged", detail=f"部件 {name} 的校验和不符")


def _stream_part(handle: BinaryIO, info: zipfile.ZipInfo, scan: "_Scan | None") -> None:
    """Inflate one part through its checks: its XML prolog, and its sheets' sizes."""
    prolog: _Prolog | None = None
    first = True
    for chunk in _inflate(handle, info):
        if first:
            first = False
            if chunk.lstrip()[:1] == b"<" or chunk.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
                prolog = _Prolog(info.filename, utf8_only=scan is not None)
        if prolog is not None and not prolog.done:
            prolog.feed(chunk)
        if scan is not None:
            scan.feed(chunk)
    if prolog is not None:
        prolog.close()
    if scan is not None:
        scan.close()


class _Stop(Exception):
    pass


_DECLARATION = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)


class _Prolog:
    """Reads an XML part with expat up to its root element and refuses a DOCTYPE (where entities
    are declared) or, for a part measured by byte patterns, any encoding but UTF-8."""

    def __init__(self, part: str, utf8_only: bool) -> None:
        self.part = part
        self.utf8_only = utf8_only
        self.done = False
        self.parser = expat.ParserCreate()
        self.parser.StartDoctypeDeclHandler = self._doctype
        self.parser.EntityDeclHandler = self._doctype
        self.parser.XmlDeclHandler = self._declaration
        self.parser.StartElementHandler = self._root
        self.first = True

    def _doctype(self, *args: object) -> None:
        raise Refused("xml-doctype", part=self.part)

    def _declaration(self, version: str, encoding: str | None, standalone: int) -> None:
        if self.utf8_only and encoding and encoding.lower().replace("_", "-") not in ("utf-8", "utf8", "us-ascii"):
            raise Refused("xml-encoding", part=self.part, encoding=encoding)

    def _root(self, *args: object) -> None:
        raise _Stop

    def feed(self, chunk: bytes) -> None:
        if self.first:
            self.first = False
            if self.utf8_only and (chunk.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in chunk[:4]):
                raise Refused("xml-encoding", part=self.part, encoding="UTF-16")
        try:
            self.parser.Parse(chunk, False)
        except _Stop:
            self.done = True
        except Refused:
            raise
        except Exception:  # noqa: BLE001 - ExpatError, or LookupError for an unknown encoding
            # Not well-formed: the readers will say the file is damaged. A more lenient reader might
            # still read on, so a declaration in what was seen is refused all the same.
            self.done = True
            if _DECLARATION.search(chunk):
                raise Refused("xml-doctype", part=self.part) from None

    def close(self) -> None:
        self.done = True


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
_ANY_TAG = re.compile(_TAG_PREFIX + rb"(row|c)(?=[\s/>])([^>]*)>")
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
        for first, first_row, last, last_row in _MERGE.findall(body):
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


_ODS_TAG = re.compile(rb"<(/?)(?:[A-Za-z_][\w.-]*:)?(table|table-row|table-cell|covered-table-cell)(?=[\s/>])([^>]*)>")
_ODS_ATTRIBUTE = re.compile(rb"""(?:[\w.-]+:)?([\w-]+)\s*=\s*["']([^"']*)["']""")
_REPEAT_CAP = 1 << 24


class _OdsScan(_Scan):
    """The used range and merged area of every table of an OpenDocument ``content.xml``.

    Rows and cells may be repeated (``number-rows-repeated``, ``number-columns-repeated``); a
    reader expands the repetitions that hold values, so they count as often as they repeat.
    """

    def __init__(self) -> None:
        self.found: list[SheetSize] = []
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
            if b"value-type" in values or not empty:
                self.right = max(self.right, self.col + repeat)
                self.row_filled = True
            self.col += repeat

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


def _count(raw: bytes | None) -> int:
    if not raw or not raw.isdigit():
        return 1
    return max(1, min(int(raw[:9]), _REPEAT_CAP))


# --- OLE2 compound files: legacy .xls, encrypted .xlsx ----------------------------------------

OLE_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")


def _inspect_ole(data: bytes, limits: Limits) -> Inspection:
    """An OLE2 compound file, read with olefile (every sector index and chain checked; a defect
    the specification calls an error refuses the file): an encrypted .xlsx, a legacy .xls (its
    Workbook stream measured record by record), or another Office document."""
    try:
        # A file object, never the bytes themselves: olefile takes short bytes for a file name.
        ole = olefile.OleFileIO(io.BytesIO(data), raise_defects=olefile.DEFECT_INCORRECT)
    except Exception as exc:  # noqa: BLE001 - any defect of the container is a damaged file
        raise Refused("damaged", detail="复合文档结构无效") from exc
    with ole:
        if ole.exists("EncryptionInfo") or ole.exists("EncryptedPackage"):
            raise Refused("encrypted")
        name = next((name for name in ("Workbook", "Book") if ole.exists(name)
                     and ole.get_type(name) == olefile.STGTY_STREAM), None)
        if name is None:
            if ole.exists("WordDocument"):
                raise Refused("not-a-workbook", what="Word 文档（.doc）")
            if ole.exists("PowerPoint Document"):
                raise Refused("not-a-workbook", what="PowerPoint 演示文稿（.ppt）")
            raise Refused("not-a-workbook", what="Office 复合文档（不含工作簿）")
        # A stream's sectors can be chained over and over: one larger than the file is a lie.
        if ole.get_size(name) > len(data):
            raise Refused("damaged", detail=f"复合文档中 {name} 流声明的大小超过文件本身")
        try:
            stream = ole.openstream(name).read()
        except Exception as exc:  # noqa: BLE001 - a broken chain of sectors
            raise Refused("damaged", detail=f"复合文档中 {name} 流无法读取") from exc
    sheets = _biff_sheets(stream)
    return _checked(Inspection(kind=Kind.XLS, sheets=sheets, skipped=sheet_notes(sheets, limits)))


_BIFF_BOF, _BIFF_EOF, _BIFF_FILEPASS, _BIFF_SHEET, _BIFF_MERGE = 0x0809, 0x000A, 0x002F, 0x0085, 0x00E5
_BIFF_CELLS = {0x0203, 0x027E, 0x00FD, 0x0204, 0x0006, 0x0205, 0x00D6}   # NUMBER RK LABELSST LABEL FORMULA BOOLERR RSTRING
_BIFF_MULRK = 0x00BD


def _biff_sheets(stream: bytes) -> list[SheetSize]:
    """The used range of every worksheet of a BIFF workbook stream; refuses an encrypted one."""
    names: dict[int, str] = {}
    sheets: list[SheetSize] = []
    current: SheetSize | None = None
    top = left = 1 << 30
    bottom = right = -1
    offset, length = 0, len(stream)
    in_globals, biff8, depth = True, True, 0
    while offset + 4 <= length:
        record, size = struct.unpack_from("<HH", stream, offset)
        body = offset + 4
        if in_globals:
            if record == _BIFF_FILEPASS:
                raise Refused("encrypted")
            if record == _BIFF_BOF and offset == 0 and size >= 2:
                biff8 = struct.unpack_from("<H", stream, body)[0] >= 0x0600
            elif record == _BIFF_SHEET and size >= 7:
                position, _, sheet_type, count = struct.unpack_from("<LBBB", stream, body)
                wide = biff8 and size >= 8 and stream[body + 7] & 1
                start = body + (8 if biff8 else 7)
                raw = stream[start:start + (count * 2 if wide else count)]
                if sheet_type == 0:
                    names[position] = raw.decode("utf-16-le" if wide else "latin-1", "replace")
            elif record == _BIFF_EOF:
                in_globals = False
        elif record == _BIFF_BOF:
            if current is None and offset in names:
                current = SheetSize(name=names[offset])
                top = left = 1 << 30
                bottom = right = -1
            else:
                depth += 1   # a substream inside a sheet (an embedded chart), or one that is not a sheet
        elif record == _BIFF_EOF:
            if depth:
                depth -= 1
            elif current is not None:
                if bottom >= 0:
                    current.rows, current.cols = bottom - top + 1, right - left + 1
                sheets.append(current)
                current = None
        elif current is not None and depth == 0 and size >= 4 and (record in _BIFF_CELLS or record == _BIFF_MULRK):
            row, col = struct.unpack_from("<HH", stream, body)
            last = struct.unpack_from("<H", stream, body + size - 2)[0] if record == _BIFF_MULRK and size >= 6 else col
            top, bottom = min(top, row), max(bottom, row)
            left, right = min(left, col), max(right, last)
        elif current is not None and depth == 0 and record == _BIFF_MERGE and size >= 2:
            count = struct.unpack_from("<H", stream, body)[0]
            for index in range(min(count, (size - 2) // 8)):
                first_row, last_row, first_col, last_col = struct.unpack_from("<4H", stream, body + 2 + index * 8)
                current.merged += (abs(last_row - first_row) + 1) * (abs(last_col - first_col) + 1)
        offset = body + size
    return sheets
