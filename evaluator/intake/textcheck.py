"""The inspection of anything that is neither a zip package nor an OLE2 file: a format sent by
mistake (by its magic bytes), an HTML table or delimited text (as web systems export "xls"
files), or something unknown. Text is decoded as its BOM says, else UTF-8, else GB18030."""

from __future__ import annotations

import codecs
import re

from evaluator.intake.inspection import Kind
from evaluator.intake.refusals import Refused
from evaluator.values.patterns import lazy

HEAD = 64 * 1024         # bytes read to tell the format of a file

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


_HTML = lazy(r"<\s*(!doctype\s+html|html|table|tr)[\s>]", re.IGNORECASE)


def sniff_other(head: bytes) -> Kind:
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

