"""The styles of an OpenDocument spreadsheet (.ods): cell styles with their parents and the default
style, data styles (number formats) and page styles, read from ``styles.xml`` and the automatic
styles of ``content.xml``.

Shared by the intake, which reads the number format of a cell to know what it shows
(:mod:`evaluator.intake.numformats`), and by the annotated copy of an .ods, which carries the whole
look over (:mod:`evaluator.outputs.ods_copy`). Elements come from a safe parser (defusedxml); this
module only reads them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from xml.etree.ElementTree import Element

NS = {
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    "style": "urn:oasis:names:tc:opendocument:xmlns:style:1.0",
    "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
    "fo": "urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0",
    "number": "urn:oasis:names:tc:opendocument:xmlns:datastyle:1.0",
    "svg": "urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0",
    "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
}


def q(name: str) -> str:
    prefix, local = name.split(":")
    return f"{{{NS[prefix]}}}{local}"


def prefixed(key: str) -> str:
    """"{ns}name" → "prefix:name", the prefix as this module names the namespace."""
    if key.startswith("{"):
        uri, name = key[1:].split("}", 1)
        for prefix, known in NS.items():
            if known == uri:
                return f"{prefix}:{name}"
        return name
    return key


@dataclass
class Styles:
    """The styles of both parts, by family and name, and the data styles and page styles."""

    cell: dict[str, Element] = field(default_factory=dict)
    column: dict[str, Element] = field(default_factory=dict)
    row: dict[str, Element] = field(default_factory=dict)
    table: dict[str, Element] = field(default_factory=dict)
    data: dict[str, Element] = field(default_factory=dict)
    layouts: dict[str, Element] = field(default_factory=dict)
    masters: dict[str, Element] = field(default_factory=dict)
    fonts: dict[str, str] = field(default_factory=dict)
    default_cell: Element | None = None
    resolved: dict[str | None, dict[str, dict[str, str]]] = field(default_factory=dict)

    def add(self, root: Element) -> None:
        for face in root.iter(q("style:font-face")):
            family = face.get(q("svg:font-family"), "").strip("'\"")
            self.fonts[face.get(q("style:name"), "")] = family or face.get(q("style:name"), "")
        by_family = {"table-cell": self.cell, "table-column": self.column, "table-row": self.row, "table": self.table}
        for element in root.iter(q("style:style")):
            target = by_family.get(element.get(q("style:family"), ""))
            if target is not None:
                target[element.get(q("style:name"), "")] = element
        for element in root.iter(q("style:default-style")):
            if element.get(q("style:family")) == "table-cell":
                self.default_cell = element
        for element in root.iter():
            if isinstance(element.tag, str) and element.tag.startswith(f"{{{NS['number']}}}") \
                    and element.tag.endswith("-style"):
                self.data[element.get(q("style:name"), "")] = element
        for element in root.iter(q("style:page-layout")):
            self.layouts[element.get(q("style:name"), "")] = element
        for element in root.iter(q("style:master-page")):
            self.masters[element.get(q("style:name"), "")] = element

    def properties(self, name: str | None) -> dict[str, dict[str, str]]:
        """A cell style's properties, its parents' and the default style's merged under them:
        {"table-cell": {...}, "paragraph": {...}, "text": {...}, "data-style": {"name": ...}}."""
        if name in self.resolved:
            return self.resolved[name]
        chain: list[Element] = []
        seen: set[str] = set()
        current = name
        while current and current not in seen and current in self.cell:
            seen.add(current)
            chain.append(self.cell[current])
            current = self.cell[current].get(q("style:parent-style-name"))
        if self.default_cell is not None:
            chain.append(self.default_cell)
        merged: dict[str, dict[str, str]] = {"table-cell": {}, "paragraph": {}, "text": {}, "data-style": {}}
        for element in reversed(chain):
            for kind in ("table-cell", "paragraph", "text"):
                for props in element.findall(q(f"style:{kind}-properties")):
                    merged[kind].update({prefixed(key): value for key, value in props.attrib.items()})
            data = element.get(q("style:data-style-name"))
            if data:
                merged["data-style"]["name"] = data
        self.resolved[name] = merged
        return merged


def number_format(data_styles: dict[str, Element], name: str) -> str:
    """The Excel format code of ODF data style ``name`` (its first section; "General" for what is
    not understood)."""
    element = data_styles.get(name)
    if element is None:
        return "General"
    kind = element.tag.split("}", 1)[1]
    if kind == "text-style":
        return "@"
    code = ""
    for child in element:
        local = child.tag.split("}", 1)[1] if isinstance(child.tag, str) and "}" in child.tag else ""
        if local == "number":
            code += _digits(child)
        elif local == "scientific-number":
            code += _digits(child) + "E+" + "0" * max(1, int(child.get(q("number:min-exponent-digits"), "2")))
        elif local == "text":
            literal = child.text or ""
            code += literal if literal in ("%", " ", "-", "(", ")", ":", "/", ".", ",") else (f'"{literal}"' if literal else "")
        elif local == "currency-symbol":
            code += f'"{child.text}"' if child.text else "¥"
        elif local in ("year", "month", "day", "hours", "minutes", "seconds"):
            long = child.get(q("number:style")) == "long"
            code += {"year": "yyyy" if long else "yy", "month": ("mmmm" if child.get(q("number:textual")) == "true" else "mm")
                     if long else ("mmm" if child.get(q("number:textual")) == "true" else "m"),
                     "day": "dd" if long else "d", "hours": "hh" if long else "h", "minutes": "mm" if long else "m",
                     "seconds": "ss" if long else "s"}[local]
        elif local == "am-pm":
            code += "AM/PM"
    if kind == "percentage-style" and "%" not in code:
        code += "%"
    return code or "General"


def _digits(element: Element) -> str:
    places = int(element.get(q("number:decimal-places"), "0") or 0)
    integers = max(1, int(element.get(q("number:min-integer-digits"), "1") or 1))
    whole = "0" * integers
    if element.get(q("number:grouping")) == "true" and integers <= 3:
        whole = "#,##" + whole if integers == 1 else "#," + "#" * (3 - integers) + whole
    return whole + ("." + "0" * places if places > 0 else "")
