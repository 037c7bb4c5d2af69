"""The mark every workbook this tool writes carries, so that its own outputs are never taken as input.

An annotated copy and summary.xlsx carry a custom document property, ``evaluator-written``, holding
the time they were written (UTC, ISO 8601), and name the tool as the last to modify them. A run that
finds such a workbook anywhere (an output folder of an earlier run inside the folder being checked)
skips it while it is unmodified. A marked workbook that someone has saved since (an accountant
correcting the annotated copy and sending it back) is checked, without its 校验结果 sheet.

"Saved since" is read from the package's core properties, which every office suite rewrites on
save: the last author is no longer this tool (Excel, WPS and LibreOffice put the user's name there),
or the modification time is later than the marked write time by more than :data:`TOLERANCE` (a
script that keeps the author field still sets the time).

Reading the mark is cheap and safe: two small parts of the zip, read only when the file is a
regular file within the size and part-count limits, inflated to at most :data:`PART_MAX` bytes and
parsed with defusedxml, no DOCTYPE allowed. Anything unexpected means "not marked": the file is
then checked like any other, with all of :mod:`evaluator.intake.safety`'s checks.
"""

from __future__ import annotations

import os
import re
import stat
import zipfile
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from defusedxml.ElementTree import fromstring as safe_fromstring

from evaluator.intake.limits import DEFAULT_LIMITS, Limits
from evaluator.values.digest import sha256

PROPERTY = "evaluator-written"
AUTHOR = "evaluator"
LEGACY_SUMMARY_KEYWORD = "evaluator-run-summary"   # summary.xlsx of earlier versions: keywords only
RESULT_SHEET = "校验结果"                          # the sheet an annotated copy adds (校验结果2, … on a clash)
TOLERANCE = timedelta(seconds=60)
PART_MAX = 64 * 1024
_RESULT_SHEET = re.compile(rf"{RESULT_SHEET}\d*")
_CORE = "docProps/core.xml"


def stamp(workbook: Any, digest: str | None = None) -> None:
    """Mark an openpyxl workbook as written by this tool, now (call it just before saving)."""
    from openpyxl.packaging.custom import StringProperty

    props = workbook.custom_doc_props
    props.props = [prop for prop in props.props if not prop.name.startswith(OURS)]
    for name, value in mark_properties([], digest):
        props.append(StringProperty(name=name, value=value))
    workbook.properties.lastModifiedBy = AUTHOR


# ------------------------------------------------------------------------------------------------
# What the mark holds: when it was written, a digest of the form's values (modified or not is
# decided from it), and the original look of every cell it marked (its fill and its comment), so
# that a re-check of the copy sent back restores them first. Custom document properties survive a
# save by Excel, WPS, LibreOffice and openpyxl; a text property is kept short (Excel cuts longer
# ones), so the looks are split over evaluator-looks-1, -2, …

OURS = "evaluator-"
DIGEST = "evaluator-digest"
LOOKS = "evaluator-looks-"
CHUNK = 240
CUSTOM_PART = _CUSTOM = "docProps/custom.xml"
_CUSTOM_NS = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
_VT_NS = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
_FMTID = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"


def values_digest(grids: Any) -> str:
    """A digest of the values of every sheet but this tool's 校验结果 (the form as its author wrote it)."""
    digest = sha256()
    for grid in sorted(grids, key=lambda grid: grid.name):
        if is_result_sheet(grid.name):
            continue
        digest.update(f"\x00{grid.name}\x00".encode("utf-8", "surrogatepass"))
        for (row, col), value in sorted(grid.cells.items()):
            if value is None or value == "":
                continue
            digest.update(f"{row},{col}:{type(value).__name__}:{value!r}\x01".encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def mark_properties(looks: list, digest: str | None) -> list[tuple[str, str]]:
    """(name, text) of each property of the mark. ``looks``: (sheet, A1, fill XML or None, comment
    or None) of each marked cell, as it was before it was marked."""
    written = datetime.now(timezone.utc).isoformat(timespec="seconds")
    properties = [(PROPERTY, written)]
    if digest:
        properties.append((DIGEST, digest))
    if looks:
        fills: list[str | None] = []
        cells: dict[str, dict[str, list]] = {}
        for sheet, ref, fill, comment in looks:
            if fill not in fills:
                fills.append(fill)
            cells.setdefault(sheet, {})[ref] = [fills.index(fill), comment]
        import json   # here, not at the top: only a copy being written or read back needs it

        text = json.dumps({"v": 1, "fills": fills, "cells": cells}, ensure_ascii=False, separators=(",", ":"))
        properties += [(f"{LOOKS}{n}", text[start:start + CHUNK])
                       for n, start in enumerate(range(0, len(text), CHUNK), start=1)]
    return properties


def _property_xml(name: str, value: str, pid: int) -> str:
    from html import escape

    return (f'<property fmtid="{_FMTID}" pid="{pid}" name="{escape(name)}"><vt:lpwstr xmlns:vt="{_VT_NS}">'
            f"{escape(value, quote=False)}</vt:lpwstr></property>")


def new_custom_part(properties: list[tuple[str, str]]) -> str:
    body = "".join(_property_xml(name, value, pid) for pid, (name, value) in enumerate(properties, start=2))
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Properties xmlns="{_CUSTOM_NS}" '
            f'xmlns:vt="{_VT_NS}">{body}</Properties>')


def replace_properties(text: str, properties: list[tuple[str, str]]) -> str:
    """custom.xml with this tool's properties replaced by ``properties`` (the others kept)."""
    text = re.sub(r'<property\b[^>]*\sname="evaluator-[^"]*"[^>]*>.*?</property>', "", text, flags=re.DOTALL)
    pids = [int(n) for n in re.findall(r'<property\b[^>]*\spid="(\d+)"', text)]
    start = max(pids, default=1) + 1
    body = "".join(_property_xml(name, value, pid) for pid, (name, value) in enumerate(properties, start=start))
    if re.search(r"<Properties\b[^>]*/>", text):
        return re.sub(r"<Properties\b([^>]*)/>", lambda m: f"<Properties{m.group(1)}>{body}</Properties>", text, count=1)
    return text.replace("</Properties>", body + "</Properties>", 1)


def looks_of(custom_xml: str) -> dict | None:
    """The looks an earlier mark recorded: {"cells": {sheet: {A1: (fill XML or None, comment or None)}}}."""
    try:
        root = safe_fromstring(custom_xml.encode("utf-8"), forbid_dtd=True)
    except Exception:  # noqa: BLE001 - an unreadable mark records nothing
        return None
    properties = _properties(root)
    chunks = sorted(((int(name[len(LOOKS):]), value) for name, value in properties.items()
                     if name.startswith(LOOKS) and name[len(LOOKS):].isdigit()))
    if not chunks:
        return None
    import json   # here, not at the top: only a copy being written or read back needs it

    try:
        data = json.loads("".join(value for _, value in chunks))
        fills = data["fills"]
        return {"cells": {sheet: {ref: (fills[entry[0]], entry[1]) for ref, entry in cells.items()}
                          for sheet, cells in data["cells"].items()}}
    except (ValueError, KeyError, IndexError, TypeError):
        return None


def is_result_sheet(name: str) -> bool:
    """Whether a sheet of a marked workbook is one this tool added (校验结果, 校验结果2, …)."""
    return _RESULT_SHEET.fullmatch(name) is not None


@dataclass(frozen=True)
class Mark:
    """What a marked workbook says about itself."""

    written: datetime | None      # None: a summary of an earlier version (keywords only)
    modified: bool                # saved by someone else since it was written


def read_mark(path: Path, limits: Limits = DEFAULT_LIMITS) -> Mark | None:
    """The mark of the workbook at ``path``, or None when it carries none (or cannot be read)."""
    try:
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return None
    try:
        info = os.fstat(descriptor)
        if not stat.S_ISREG(info.st_mode) or info.st_size > limits.max_file_bytes:
            return None
        with os.fdopen(descriptor, "rb", closefd=False) as handle:
            return _mark_of(handle, info.st_size, limits, path)
    except Exception:  # noqa: BLE001 - anything odd: not marked; the real check will say what it is
        return None
    finally:
        os.close(descriptor)


def _mark_of(handle, size: int, limits: Limits, path: Path) -> Mark | None:
    from evaluator.intake.safety import _zip_entry_count

    count = _zip_entry_count(handle, size)
    if count is None or count > limits.max_entries:
        return None
    handle.seek(0)
    with zipfile.ZipFile(handle) as package:
        custom = _part(package, _CUSTOM)
        core = _part(package, _CORE)
    properties = _properties(custom) if custom is not None else {}
    core_fields = _core(core) if core is not None else {}
    if PROPERTY not in properties:
        if LEGACY_SUMMARY_KEYWORD in (core_fields.get("keywords") or ""):
            return Mark(written=None, modified=False)
        return None
    written = _time(properties[PROPERTY])
    if written is None:
        return None
    if DIGEST in properties:   # modified or not: the form's values, whatever the time or author say
        return Mark(written=written, modified=_digest_of(path, limits) != properties[DIGEST])
    saved = _time(core_fields.get("modified") or "")
    modified = (core_fields.get("lastModifiedBy") or "") != AUTHOR or (
        saved is not None and saved - written > TOLERANCE)
    return Mark(written=written, modified=modified)


def _digest_of(path: Path, limits: Limits) -> str | None:
    """The values digest of a marked workbook, read through the intake's one door as a check reads
    it (None: it cannot be read)."""
    from evaluator import intake

    try:
        return values_digest(intake.open(path, limits).grids)
    except Exception:  # noqa: BLE001 - unreadable: modified (it is then checked and says why)
        return None


def _part(package: zipfile.ZipFile, name: str):
    try:
        info = package.getinfo(name)
    except KeyError:
        return None
    if info.file_size > PART_MAX or info.compress_size > PART_MAX:
        return None
    with package.open(info) as stream:
        data = stream.read(PART_MAX + 1)
    if len(data) > PART_MAX:
        return None
    return safe_fromstring(data, forbid_dtd=True)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _properties(root) -> dict[str, str]:
    found = {}
    for node in root:
        if _local(node.tag) != "property":
            continue
        name = node.get("name")
        value = next((child.text for child in node), None)
        if name and value is not None:
            found[name] = value
    return found


def _core(root) -> dict[str, str]:
    return {_local(node.tag): (node.text or "") for node in root}


def _time(text: str) -> datetime | None:
    try:
        moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=timezone.utc)
