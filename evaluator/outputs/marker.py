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

PROPERTY = "evaluator-written"
AUTHOR = "evaluator"
LEGACY_SUMMARY_KEYWORD = "evaluator-run-summary"   # summary.xlsx of earlier versions: keywords only
RESULT_SHEET = "校验结果"                          # the sheet an annotated copy adds (校验结果2, … on a clash)
TOLERANCE = timedelta(seconds=60)
PART_MAX = 64 * 1024
_RESULT_SHEET = re.compile(rf"{RESULT_SHEET}\d*")
_CUSTOM = "docProps/custom.xml"
_CORE = "docProps/core.xml"


def stamp(workbook: Any) -> None:
    """Mark an openpyxl workbook as written by this tool, now (call it just before saving)."""
    from openpyxl.packaging.custom import StringProperty

    written = datetime.now(timezone.utc).isoformat(timespec="seconds")
    props = workbook.custom_doc_props
    props.props = [prop for prop in props.props if prop.name != PROPERTY]
    props.append(StringProperty(name=PROPERTY, value=written))
    workbook.properties.lastModifiedBy = AUTHOR


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
            return _mark_of(handle, info.st_size, limits)
    except Exception:  # noqa: BLE001 - anything odd: not marked; the real check will say what it is
        return None
    finally:
        os.close(descriptor)


def _mark_of(handle, size: int, limits: Limits) -> Mark | None:
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
    saved = _time(core_fields.get("modified") or "")
    modified = (core_fields.get("lastModifiedBy") or "") != AUTHOR or (
        saved is not None and saved - written > TOLERANCE)
    return Mark(written=written, modified=modified)


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
