"""The XML checks of a package part: no DOCTYPE or entity declaration (entity expansion, external
entities), only UTF-8 where a part is measured by byte patterns, and structural parts parsed
with defusedxml."""

from __future__ import annotations

import re
from xml.parsers import expat

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring as safe_fromstring

from evaluator.intake.refusals import Refused
from evaluator.values.patterns import lazy


def parse_structural(raw: bytes, name: str):
    """A small structural part (workbook, relationships) as an element tree; refused when it
    declares a DOCTYPE, damaged when it does not parse."""
    try:
        return safe_fromstring(raw, forbid_dtd=True)
    except DefusedXmlException as exc:
        raise Refused("xml-doctype", part=name) from exc
    except Exception as exc:  # noqa: BLE001 - a malformed structural part is a damaged file
        raise Refused("damaged", detail=f"部件 {name} 无法解析") from exc


class _Stop(Exception):
    pass


_DECLARATION = lazy(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)


class Prolog:
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

