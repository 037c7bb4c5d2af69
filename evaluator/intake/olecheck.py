"""The inspection of an OLE2 compound file: a legacy .xls (its Workbook stream measured record by
record), an encrypted .xlsx (an OLE2 file holding ``EncryptionInfo``), or another Office document."""

from __future__ import annotations

import io
import struct

from evaluator.intake.inspection import Inspection, Kind, SheetSize, checked, sheet_notes
from evaluator.intake.limits import Limits
from evaluator.intake.refusals import Refused

OLE_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")


def inspect_ole(data: bytes, limits: Limits) -> Inspection:
    """An OLE2 compound file, read with olefile (every sector index and chain checked; a defect
    the specification calls an error refuses the file): an encrypted .xlsx, a legacy .xls (its
    Workbook stream measured record by record), or another Office document."""
    import olefile   # only for an OLE2 file: an .xlsx check never loads it

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
    return checked(Inspection(kind=Kind.XLS, sheets=sheets, skipped=sheet_notes(sheets, limits)))


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
