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

This module only reads the bytes and dispatches them by their magic to the checks of each concern:
:mod:`~evaluator.intake.zipcheck` (zip packages), :mod:`~evaluator.intake.xmlcheck` (their XML
parts), :mod:`~evaluator.intake.olecheck` (OLE2 compound files) and
:mod:`~evaluator.intake.textcheck` (everything else). None of them imports this module; what a
check finds is an :class:`~evaluator.intake.inspection.Inspection`, and what it refuses a
:class:`~evaluator.intake.refusals.Refused`. Most callers want :func:`evaluator.intake.open`, which
inspects and reads a file in one call.
"""

from __future__ import annotations

import io
from pathlib import Path

from evaluator.intake.files import read_file
from evaluator.intake.inspection import EXPECTED_KIND, Inspection, Kind, SheetSize, mb, sheet_notes
from evaluator.intake.limits import DEFAULT_LIMITS, Limits
from evaluator.intake.olecheck import OLE_MAGIC, inspect_ole
from evaluator.intake.refusals import REFUSALS, Refused
from evaluator.intake.textcheck import HEAD, decode_text, sniff_other
from evaluator.intake.zipcheck import CHUNK, RATIO_FLOOR, SMALL_PART, column_number, inspect_zip, zip_entry_count

__all__ = [
    "CHUNK", "EXPECTED_KIND", "HEAD", "OLE_MAGIC", "RATIO_FLOOR", "REFUSALS", "SMALL_PART", "Inspection", "Kind",
    "Refused", "SheetSize", "column_number", "decode_text", "inspect", "inspect_data", "sheet_notes",
    "zip_entry_count",
]

_zip_entry_count = zip_entry_count   # its name before the checks were split by concern

ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")


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
        raise Refused("file-too-large", size=mb(len(data)), limit=limits.max_file_mb)
    if data.startswith(ZIP_MAGIC):
        inspection = inspect_zip(io.BytesIO(data), len(data), limits)
    elif data.startswith(OLE_MAGIC):
        inspection = inspect_ole(data, limits)
    else:
        inspection = Inspection(kind=sniff_other(data[:HEAD]))
    inspection.data = data
    return inspection

