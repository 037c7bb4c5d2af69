"""Builders of real bad files for the tests: each writes the file it names and returns its path.

Nothing here is mocked: a zip bomb really inflates to 2 GiB, an encrypted workbook is a real OLE2
compound file, an HTML export really is the form laid out as a web system lays it out.
"""

from __future__ import annotations

import functools
import html
import io
import random
import struct
import zipfile
import zlib
from pathlib import Path
from typing import Iterable

from openpyxl.utils import get_column_letter

from evaluator.intake.workbook import load_grids

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
SHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
SHEET_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"

# --- zip packages -------------------------------------------------------------------------------


def parts_of(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def write_parts(path: Path, parts: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return path


def with_part(source: Path, target: Path, name: str, data: bytes) -> Path:
    """A copy of the workbook ``source`` with one part replaced (or added)."""
    parts = parts_of(source)
    parts[name] = data
    return write_parts(target, parts)


def add_sheet(parts: dict[str, bytes], name: str, sheet_xml: bytes, number: int = 99) -> dict[str, bytes]:
    """Add a worksheet to the parts of an .xlsx (as an extra tab after the others)."""
    part = f"xl/worksheets/sheet{number}.xml"
    parts = dict(parts)
    parts["xl/workbook.xml"] = parts["xl/workbook.xml"].replace(
        b"</sheets>", f'<sheet name="{html.escape(name)}" sheetId="{number}" r:id="rId{number}" /></sheets>'.encode())
    parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(
        b"</Relationships>",
        f'<Relationship Type="{SHEET_REL}" Target="/{part}" Id="rId{number}" /></Relationships>'.encode())
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        b"</Types>", f'<Override PartName="/{part}" ContentType="{SHEET_TYPE}" /></Types>'.encode())
    parts[part] = sheet_xml
    return parts


def sheet_xml(rows: Iterable[Iterable[tuple[str, object]]], extra: str = "") -> bytes:
    """A worksheet part from rows of (cell reference, value): numbers as numbers, the rest inline text."""
    out = [f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN_NS}"><sheetData>']
    for cells in rows:
        refs = list(cells)
        if not refs:
            continue
        row = "".join(ch for ch in refs[0][0] if ch.isdigit())
        out.append(f'<row r="{row}">')
        for ref, value in refs:
            if isinstance(value, (int, float)):
                out.append(f'<c r="{ref}"><v>{value}</v></c>')
            else:
                out.append(f'<c r="{ref}" t="inlineStr"><is><t>{html.escape(str(value))}</t></is></c>')
        out.append("</row>")
    out.append(f"</sheetData>{extra}</worksheet>")
    return "".join(out).encode()


WORKBOOK_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
PACKAGE_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"


def one_sheet_package(target: Path, sheet: bytes, rel_target: str, stored: str = "xl/worksheets/sheet1.xml",
                      name: str = "表", workbook: str = "xl/workbook.xml") -> Path:
    """A one-sheet .xlsx whose workbook names its sheet's part as ``rel_target`` (as some writer
    spells it) while the zip stores the part as ``stored``."""
    folder, base = workbook.rsplit("/", 1)
    parts = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/{workbook}" ContentType="{WORKBOOK_TYPE}"/>'
            f'<Override PartName="/{stored}" ContentType="{SHEET_TYPE}"/></Types>').encode(),
        "_rels/.rels": (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
            f'package/2006/relationships"><Relationship Id="rId1" Type="{PACKAGE_REL}" Target="{workbook}"/>'
            '</Relationships>').encode(),
        workbook: (
            f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN_NS}" xmlns:r="http://schemas.'
            f'openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="{html.escape(name)}" '
            'sheetId="1" r:id="rId1"/></sheets></workbook>').encode(),
        f"{folder}/_rels/{base}.rels": (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
            f'package/2006/relationships"><Relationship Id="rId1" Type="{SHEET_REL}" '
            f'Target="{html.escape(rel_target)}"/></Relationships>').encode(),
        stored: sheet,
    }
    return write_parts(target, parts)


def huge_workbook(form: Path, target: Path, rows: int = 100_000, cols: int = 8) -> Path:
    """The form plus a second sheet 明细 of ``rows`` honest rows (text and numbers)."""
    letters = [get_column_letter(c) for c in range(1, cols + 1)]
    out = [f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN_NS}">'
           f'<dimension ref="A1:{letters[-1]}{rows}"/><sheetData>']
    for r in range(1, rows + 1):
        out.append(f'<row r="{r}">')
        for i, letter in enumerate(letters):
            if i % 2:
                out.append(f'<c r="{letter}{r}"><v>{r * 7 + i}</v></c>')
            else:
                out.append(f'<c r="{letter}{r}" t="inlineStr"><is><t>项目{r}-{i}</t></is></c>')
        out.append("</row>")
    out.append("</sheetData></worksheet>")
    parts = add_sheet(parts_of(form), "明细", "".join(out).encode())
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return target


def _raw_zip(path: Path, entries: list[tuple[str, bytes, int, int]]) -> Path:
    """A zip written by hand from (name, deflated bytes, CRC, uncompressed size), zip64 where needed."""
    out = io.BytesIO()
    directory = []
    for name, deflated, crc, size in entries:
        offset = out.tell()
        encoded = name.encode()
        big = size >= 0xFFFFFFFF or len(deflated) >= 0xFFFFFFFF
        extra = struct.pack("<HHQQ", 1, 16, size, len(deflated)) if big else b""
        sizes = (0xFFFFFFFF, 0xFFFFFFFF) if big else (len(deflated), size)
        out.write(struct.pack("<4s5H3L2H", b"PK\x03\x04", 45 if big else 20, 0, 8, 0, 0, crc, *sizes,
                              len(encoded), len(extra)) + encoded + extra + deflated)
        central_extra = struct.pack("<HHQQQ", 1, 24, size, len(deflated), offset) if big else b""
        directory.append(struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 45, 45 if big else 20, 0, 8, 0, 0, crc, *sizes,
                                     len(encoded), len(central_extra), 0, 0, 0, 0,
                                     0xFFFFFFFF if big else offset) + encoded + central_extra)
    start = out.tell()
    for record in directory:
        out.write(record)
    length = out.tell() - start
    end = out.tell()
    out.write(struct.pack("<4sQ2H2L4Q", b"PK\x06\x06", 44, 45, 45, 0, 0, len(entries), len(entries), length, start))
    out.write(struct.pack("<4sLQL", b"PK\x06\x07", 0, end, 1))
    out.write(struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(entries), len(entries), length, start, 0))
    path.write_bytes(out.getvalue())
    return path


def _deflate(data: bytes) -> bytes:
    compressor = zlib.compressobj(6, zlib.DEFLATED, -15)
    return compressor.compress(data) + compressor.flush()


@functools.lru_cache(maxsize=2)
def _zeros(gib: int) -> tuple[bytes, int, int]:
    """``gib`` GiB of zeros as one raw deflate stream, with its CRC and size (built once per run)."""
    block = bytes(1 << 24)
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    piece = compressor.compress(block) + compressor.flush(zlib.Z_FULL_FLUSH)
    count = gib * 64
    crc = 0
    for _ in range(count):
        crc = zlib.crc32(block, crc)
    # Full-flushed blocks of the same input are the same bytes; an empty final block ends the stream.
    return piece * count + b"\x03\x00", crc, count * len(block)


def zip_bomb(form: Path, target: Path, gib: int = 2) -> Path:
    """The form's workbook whose first sheet is ``gib`` GiB of zeros, deflated about 1000:1 (a
    real stream: the file is about 2 MB per GiB and inflates to exactly what it declares)."""
    stream, crc, size = _zeros(gib)
    entries = []
    for name, data in parts_of(form).items():
        if name == "xl/worksheets/sheet1.xml":
            entries.append((name, stream, crc, size))
        else:
            entries.append((name, _deflate(data), zlib.crc32(data), len(data)))
    return _raw_zip(target, entries)


def lying_zip(form: Path, target: Path) -> Path:
    """The form's workbook whose first sheet's directory entry declares 1 KB but inflates to 50 MB."""
    data = bytes(50 << 20)
    entries = []
    for name, content in parts_of(form).items():
        if name == "xl/worksheets/sheet1.xml":
            entries.append((name, _deflate(data), zlib.crc32(data[:1024]), 1024))
        else:
            entries.append((name, _deflate(content), zlib.crc32(content), len(content)))
    return _raw_zip(target, entries)


LAUGHS = (b'<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n'
          + b"".join(f' <!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">\n'.encode()
                     for i in range(1, 10))
          + b"]>\n")


def billion_laughs(form: Path, target: Path, part: str = "xl/sharedStrings.xml") -> Path:
    """The form's workbook with the billion-laughs entity bomb at the head of ``part``."""
    parts = parts_of(form)
    if part == "xl/sharedStrings.xml" and part not in parts:   # declare it, so that every reader reads it
        parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(b"</Types>", (
            b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
            b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml" /></Types>'))
        parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(b"</Relationships>", (
            b'<Relationship Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            b'sharedStrings" Target="sharedStrings.xml" Id="rId77" /></Relationships>'))
        body = (f'<sst xmlns="{MAIN_NS}" count="1" uniqueCount="1"><si><t>&lol9;</t></si></sst>').encode()
    else:
        original = parts[part]
        body = original[original.index(b"?>") + 2:] if original.startswith(b"<?xml") else original
    parts[part] = LAUGHS + body
    return write_parts(target, parts)


def external_entity(form: Path, target: Path, part: str = "xl/workbook.xml") -> Path:
    """The form's workbook whose ``part`` declares an external entity (file:///etc/passwd)."""
    original = parts_of(form)[part]
    body = original[original.index(b"?>") + 2:] if original.startswith(b"<?xml") else original
    root = body[body.index(b"<") + 1:].split(b" ", 1)[0].split(b">", 1)[0]
    doctype = b'<?xml version="1.0"?><!DOCTYPE ' + root + b' [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    return with_part(form, target, part, doctype + body)


# --- OLE2 compound files ------------------------------------------------------------------------

_FREE, _END, _FATSECT = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD


def ole2(target: Path, streams: dict[str, bytes]) -> Path:
    """A version-3 compound file holding ``streams`` at its root (each padded to the 4096-byte
    mini-stream cutoff so that all live in regular sectors)."""
    data = {name: content.ljust(4096, b"\0") for name, content in streams.items()}
    entries = len(data) + 1
    directory_sectors = -(-entries * 128 // 512)
    stream_sectors = {name: -(-len(content) // 512) for name, content in data.items()}
    body_sectors = directory_sectors + sum(stream_sectors.values())
    fat_sectors = 1
    while fat_sectors * 128 < fat_sectors + body_sectors:
        fat_sectors += 1
    fat = [_FATSECT] * fat_sectors
    directory_start = len(fat)
    fat += [len(fat) + i + 1 for i in range(directory_sectors - 1)] + [_END]
    starts = {}
    for name, count in stream_sectors.items():
        starts[name] = len(fat)
        fat += [len(fat) + i + 1 for i in range(count - 1)] + [_END]
    fat += [_FREE] * (fat_sectors * 128 - len(fat))

    def entry(name: str, kind: int, child: int, right: int, start: int, size: int) -> bytes:
        encoded = name.encode("utf-16-le") + b"\0\0"
        return (encoded.ljust(64, b"\0") + struct.pack("<HBB3L", len(encoded), kind, 1, _FREE, right, child)
                + bytes(16) + struct.pack("<L2Q", 0, 0, 0) + struct.pack("<LQ", start, size))

    names = list(data)
    records = [entry("Root Entry", 5, 1 if names else _FREE, _FREE, _END, 0)]
    for index, name in enumerate(names, start=1):
        records.append(entry(name, 2, _FREE, index + 1 if index < len(names) else _FREE, starts[name], len(data[name])))
    directory = b"".join(records).ljust(directory_sectors * 512, b"\0")
    header = (bytes.fromhex("D0CF11E0A1B11AE1") + bytes(16)
              + struct.pack("<5H6s", 0x3E, 3, 0xFFFE, 9, 6, bytes(6))
              + struct.pack("<9L", 0, fat_sectors, directory_start, 0, 4096, _END, 0, _END, 0)
              + struct.pack("<109L", *(list(range(fat_sectors)) + [_FREE] * (109 - fat_sectors))))
    out = header + struct.pack(f"<{len(fat)}L", *fat) + directory
    for name in names:
        out += data[name].ljust(stream_sectors[name] * 512, b"\0")
    target.write_bytes(out)
    return target


def encrypted_xlsx(target: Path) -> Path:
    """What Excel writes for an .xlsx with an open password: an OLE2 file with EncryptionInfo."""
    info = struct.pack("<HHL", 4, 4, 0x40) + b"<?xml version=\"1.0\"?><encryption/>"
    return ole2(target, {"EncryptionInfo": info, "EncryptedPackage": struct.pack("<Q", 9000) + random.randbytes(9000)})


def _record(kind: int, body: bytes = b"") -> bytes:
    return struct.pack("<HH", kind, len(body)) + body


def biff8(target: Path, cells: dict[tuple[int, int], float], encrypted: bool = False, sheet: str = "Sheet1") -> Path:
    """A minimal Excel 97-2003 workbook: one sheet of numbers at 0-based (row, col); ``encrypted``
    adds the FILEPASS record that password protection writes."""
    bof_globals = _record(0x0809, struct.pack("<4H2L", 0x0600, 0x0005, 0x0DBB, 0x07CC, 0, 0x0006))
    filepass = _record(0x002F, struct.pack("<HHH", 1, 1, 1) + bytes(48)) if encrypted else b""
    codepage = _record(0x0042, struct.pack("<H", 1200))
    name = sheet.encode("utf-16-le")

    def globals_(position: int) -> bytes:
        boundsheet = _record(0x0085, struct.pack("<LBBBB", position, 0, 0, len(sheet), 1) + name)
        return bof_globals + filepass + codepage + boundsheet + _record(0x000A)

    head = len(globals_(0))
    rows = [r for r, _ in cells] or [0]
    cols = [c for _, c in cells] or [0]
    sheet_stream = (_record(0x0809, struct.pack("<4H2L", 0x0600, 0x0010, 0x0DBB, 0x07CC, 0, 0x0006))
                    + _record(0x0200, struct.pack("<2L3H", min(rows), max(rows) + 1, min(cols), max(cols) + 1, 0))
                    + b"".join(_record(0x0203, struct.pack("<3Hd", r, c, 0, v)) for (r, c), v in sorted(cells.items()))
                    + _record(0x000A))
    return ole2(target, {"Workbook": globals_(head) + sheet_stream})


# --- text tables --------------------------------------------------------------------------------


def html_export(form: Path, target: Path, encoding: str = "utf-8") -> Path:
    """The form as a web system exports it: an HTML <table> with rowspan/colspan, saved as ``target``."""
    grid = load_grids(form).sheets[0]
    spans = {(r0, c0): (r1 - r0 + 1, c1 - c0 + 1) for r0, c0, r1, c1 in grid.merged}
    covered = {(r, c) for r0, c0, r1, c1 in grid.merged for r in range(r0, r1 + 1) for c in range(c0, c1 + 1)
               if (r, c) != (r0, c0)}
    out = [f'<html><head><meta http-equiv="Content-Type" content="text/html; charset={encoding}">'
           "<style>td {border: 1px solid}</style></head><body><table>"]
    for r in range(1, grid.max_row + 1):
        out.append("<tr>")
        for c in range(1, grid.max_col + 1):
            if (r, c) in covered:
                continue
            rowspan, colspan = spans.get((r, c), (1, 1))
            attrs = (f' rowspan="{rowspan}"' if rowspan > 1 else "") + (f' colspan="{colspan}"' if colspan > 1 else "")
            value = grid.cells.get((r, c))
            text = "" if value is None else html.escape(str(value)).replace("\n", "<br>")
            out.append(f"<td{attrs}>{text}</td>")
        out.append("</tr>")
    out.append("</table></body></html>")
    target.write_bytes("".join(out).encode(encoding))
    return target


def csv_export(form: Path, target: Path, encoding: str = "utf-8-sig") -> Path:
    """The form's values as CSV (merged ranges keep their value in the top-left cell)."""
    import csv

    grid = load_grids(form).sheets[0]
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for r in range(1, grid.max_row + 1):
        writer.writerow(["" if grid.cells.get((r, c)) is None else grid.cells[(r, c)]
                         for c in range(1, grid.max_col + 1)])
    target.write_bytes(buffer.getvalue().encode(encoding))
    return target


def ods_package(target: Path, content: str) -> Path:
    """An .ods package holding ``content`` as its content.xml (with its mimetype and manifest)."""
    with zipfile.ZipFile(target, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("META-INF/manifest.xml", (
            '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
            'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
            '<manifest:file-entry manifest:full-path="/" '
            'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
            '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
            "</manifest:manifest>"), zipfile.ZIP_DEFLATED)
        archive.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
    return target
