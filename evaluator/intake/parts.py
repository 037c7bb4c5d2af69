"""Where each sheet of an .xlsx lives: the one way the intake finds a sheet's part.

An .xlsx is a zip of parts. The package's relationships (``_rels/.rels``) name the workbook part;
the workbook part lists the sheets, each with a relationship id; the workbook's relationships
(``xl/_rels/workbook.xml.rels``) give each id a target, the sheet's part. Writers spell targets
differently, and both the safety inspection (which measures every sheet before a reader sees it)
and the reader (which looks for formulas without results) must land on the same part as the
value reader does, or a sheet goes unmeasured:

* Excel, WPS: ``worksheets/sheet1.xml`` (relative to the workbook's folder);
* openpyxl: ``/xl/worksheets/sheet1.xml`` (absolute, from the package root);
* some libraries: ``xl/worksheets/sheet1.xml`` (from the root without the leading slash; taken
  relative first, as the readers do, and from the root only when no such part exists),
  or ``../xl/worksheets/sheet1.xml`` and ``./worksheets/sheet1.xml`` (normalised);
* part names are case-insensitive (ECMA-376 Part 2): a target ``worksheets/Sheet1.xml`` finds the
  part stored as ``xl/worksheets/sheet1.xml``, and the part is named as stored. The value reader
  looks parts up the same way; a package holding two names that differ only in case is ambiguous
  (readers pick different ones) and :func:`case_twins` finds it.

Everything here works on the names in the zip and on parsed XML handed in by the caller, who
decides how a part is read (the inspection inflates it with its own checks).
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from typing import Callable, Iterable
from xml.etree.ElementTree import Element

RELS_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
DEFAULT_WORKBOOK = "xl/workbook.xml"

#: Reads a stored part by its exact name and returns its XML root, or None when there is no such part.
Parse = Callable[[str], "Element | None"]


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


class Names:
    """The part names stored in a package, looked up as the readers look them up: exactly, then
    ignoring (ASCII) case. Lookups return the name as stored."""

    def __init__(self, names: Iterable[str]) -> None:
        self.stored = list(names)
        self.exact = set(self.stored)
        self.folded: dict[str, str] = {}
        for name in self.stored:
            self.folded.setdefault(name.lower(), name)

    def find(self, name: str) -> str | None:
        if name in self.exact:
            return name
        return self.folded.get(name.lower())

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and self.find(name) is not None


def case_twins(names: Iterable[str]) -> tuple[str, str] | None:
    """Two stored names that differ only in case (the first pair found), or None."""
    seen: dict[str, str] = {}
    for name in names:
        other = seen.setdefault(name.lower(), name)
        if other != name:
            return other, name
    return None


def rels_part(owner: str) -> str:
    """The relationships part of ``owner``: ``xl/workbook.xml`` → ``xl/_rels/workbook.xml.rels``;
    the package itself (``""``) → ``_rels/.rels``."""
    folder, name = posixpath.split(owner)
    return posixpath.join(folder, "_rels", f"{name}.rels")


def _inside(name: str) -> str | None:
    name = posixpath.normpath(name)
    if name in (".", "") or name == ".." or name.startswith("../"):
        return None   # the package itself, or outside it
    return name


def target_names(owner: str, target: str) -> list[str]:
    """The part names a relationship target of ``owner`` may mean, the likeliest first: an absolute
    target (a leading slash) from the package root; otherwise relative to the owner's folder, then
    from the root (a target written from the root without its slash)."""
    target = target.strip()
    if not target:
        return []
    if target.startswith("/"):
        candidates = [target.lstrip("/")]
    else:
        candidates = [posixpath.join(posixpath.dirname(owner), target), target]
    found: list[str] = []
    for candidate in candidates:
        name = _inside(candidate)
        if name is not None and name not in found:
            found.append(name)
    return found


def resolve(owner: str, target: str, names: Names) -> str | None:
    """The stored part a relationship target of ``owner`` points at, or None if none exists."""
    for candidate in target_names(owner, target):
        stored = names.find(candidate)
        if stored is not None:
            return stored
    return None


def relationships(owner: str, names: Names, parse: Parse) -> dict[str, tuple[str, str | None]]:
    """Relationship id → (type, the stored part it points at, or None) of ``owner``'s
    relationships part; external targets (links to other files or web addresses) are left out."""
    stored = names.find(rels_part(owner))
    root = parse(stored) if stored is not None else None
    found: dict[str, tuple[str, str | None]] = {}
    for node in root.iter() if root is not None else ():
        if _local(node.tag) != "Relationship" or (node.get("TargetMode") or "").lower() == "external":
            continue
        kind = (node.get("Type") or "").rstrip("/").rsplit("/", 1)[-1]
        found.setdefault(node.get("Id") or "", (kind, resolve(owner, node.get("Target") or "", names)))
    return found


def workbook_part(names: Names, parse: Parse) -> str | None:
    """The stored workbook part: the package's ``officeDocument`` relationship, else
    ``xl/workbook.xml``; None when neither exists."""
    for kind, part in relationships("", names, parse).values():
        if kind == "officeDocument" and part is not None:
            return part
    return names.find(DEFAULT_WORKBOOK)


#: The content types of a workbook part, in the order openpyxl looks for them.
WORKBOOK_TYPES = tuple(
    f"application/vnd.{kind}.main+xml" for kind in (
        "ms-excel.template.macroEnabled", "openxmlformats-officedocument.spreadsheetml.template",
        "ms-excel.sheet.macroEnabled", "openxmlformats-officedocument.spreadsheetml.sheet"))


def declared_workbook(names: Names, parse: Parse) -> str | None:
    """The workbook part as ``[Content_Types].xml`` declares it, which is where openpyxl (the
    annotated copy) looks instead of the package relationship; None when it declares none that
    is stored."""
    stored = names.find("[Content_Types].xml")
    root = parse(stored) if stored is not None else None
    if root is None:
        return None
    overrides: dict[str, str] = {}
    defaults: set[str] = set()
    for node in root.iter():
        kind = (node.get("ContentType") or "").strip()
        if _local(node.tag) == "Override" and kind in WORKBOOK_TYPES:
            overrides.setdefault(kind, node.get("PartName") or "")
        elif _local(node.tag) == "Default":
            defaults.add(kind)
    for kind in WORKBOOK_TYPES:
        if kind in overrides:
            return names.find(overrides[kind].lstrip("/"))
    return names.find(DEFAULT_WORKBOOK) if defaults & set(WORKBOOK_TYPES) else None


@dataclass(frozen=True)
class SheetPart:
    """One sheet of the workbook part, in tab order: its name and its stored part (None when its
    relationship is missing or points at no stored part)."""

    name: str
    part: str | None


def sheet_parts(workbook: str, names: Names, parse: Parse) -> list[SheetPart]:
    """Every sheet the workbook part lists, with its part."""
    root = parse(workbook)
    if root is None:
        return []
    targets = relationships(workbook, names, parse)
    sheets: list[SheetPart] = []
    for node in root.iter():
        if _local(node.tag) != "sheet":
            continue
        rid = node.get(f"{{{RELS_NS}}}id")
        if rid is None:   # the id under another namespace (strict OOXML) or none: any attribute named id
            rid = next((value for key, value in node.attrib.items() if key.startswith("{") and _local(key) == "id"), "")
        sheets.append(SheetPart(name=node.get("name") or "", part=targets.get(rid, ("", None))[1]))
    return sheets
