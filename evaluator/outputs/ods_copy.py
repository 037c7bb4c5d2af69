"""The look of an OpenDocument spreadsheet (.ods) carried onto its annotated .xlsx copy.

An .ods cannot be patched in place like an .xlsx package, so its copy is an .xlsx built from the
values read (:func:`evaluator.outputs.annotate.workbook_from_grids`). Without this it kept only
values and merges. Here, read from the .ods's ``content.xml`` and ``styles.xml``:

* every cell's format: font (name, size, bold, italic, underline, strike-through, colour), fill,
  borders (each side's line and colour), alignment (horizontal, vertical, wrap, shrink, rotation)
  and number format (the data style turned into an Excel format code);
* every column's width and every row's height (a width in the .ods is a length; in the copy it is
  the Excel width that gives the same length with the copy's default font, Calibri 11);
* every sheet's print set-up from its page style: paper, orientation, scale or fit to pages,
  margins (with the header and footer heights when shown), centring, grid lines, print area
  (``table:print-ranges``) and print titles (``table:table-header-rows``).

The .ods passed the intake's checks (sizes, no DOCTYPE) before; its XML is parsed with defusedxml
all the same. Its styles are read as the intake reads them (:class:`evaluator.intake.odsstyles.Styles`,
which the intake also uses for the number formats it judges by). Formats are cosmetic: anything not understood leaves the copy as it was built.
Repeated rows and columns are followed only as far as the sheet is used (a trailing run of a
million empty rows is the format's way of saying "the rest"), and at most :data:`MAX_STYLED` cells
are styled per workbook.
"""

from __future__ import annotations

import copy
import io
import logging
import re
import zipfile
from typing import Any, Iterator
from xml.etree.ElementTree import Element

from evaluator.intake.odsstyles import Styles, number_format, q

log = logging.getLogger("evaluator")

MAX_STYLED = 100_000        # cells styled per workbook at most
FILLER = 1000               # a repeated run longer than this is the empty rest of the sheet
# Excel paper sizes by (short, long) side in millimetres.
PAPERS = {(210, 297): 9, (297, 420): 8, (148, 210): 11, (216, 279): 1, (216, 356): 5, (250, 353): 12,
          (176, 250): 13, (182, 257): 13}
HORIZONTAL = {"start": "left", "left": "left", "center": "center", "end": "right", "right": "right",
              "justify": "justify"}
VERTICAL = {"top": "top", "middle": "center", "bottom": "bottom"}
_LENGTH = re.compile(r"^\s*(-?[\d.]+)\s*(in|cm|mm|pt|pc|px)?\s*$")
_POINTS = {"in": 72.0, "cm": 72 / 2.54, "mm": 72 / 25.4, "pt": 1.0, "pc": 12.0, "px": 0.75, None: 1.0}


def points(value: str | None) -> float | None:
    """An ODF length ("0.74pt", "1.1665in", "2.5cm") in points."""
    match = _LENGTH.match(value or "")
    return float(match[1]) * _POINTS[match[2]] if match else None


def excel_width(length_pt: float) -> float:
    """The Excel column width (characters of Calibri 11, 7 px each, plus 5 px padding at 96 dpi)
    that is ``length_pt`` points wide."""
    return round(max(0.0, (length_pt * 96 / 72 - 5) / 7), 2)


def apply_ods_look(workbook: Any, data: bytes) -> None:
    """Give the sheets of ``workbook`` (built from the .ods ``data``, same sheet names) the .ods's look."""
    try:
        from defusedxml.ElementTree import fromstring

        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            content = fromstring(archive.read("content.xml"), forbid_dtd=True)
            styles_part = fromstring(archive.read("styles.xml"), forbid_dtd=True) if "styles.xml" in names else None
    except Exception:  # noqa: BLE001 - the look is cosmetic
        log.debug("ods formats not read", exc_info=True)
        return
    styles = Styles()
    if styles_part is not None:
        styles.add(styles_part)
    styles.add(content)
    budget = [MAX_STYLED]
    for table in content.iter(q("table:table")):
        name = (table.get(q("table:name")) or "")[:31]
        if name not in workbook.sheetnames:
            continue
        try:
            _sheet(table, workbook[name], styles, budget)
            _print_setup(table, workbook[name], styles)
        except Exception:  # noqa: BLE001
            log.debug("ods formats of %s not read", name, exc_info=True)


# --- cells, rows, columns ----------------------------------------------------------------------

def _columns(table: Element) -> Iterator[Element]:
    for child in table:
        if child.tag == q("table:table-column"):
            yield child
        elif child.tag in (q("table:table-column-group"), q("table:table-header-columns"), q("table:table-columns")):
            yield from _columns(child)


def _rows(table: Element, header: bool = False) -> Iterator[tuple[Element, bool]]:
    for child in table:
        if child.tag == q("table:table-row"):
            yield child, header
        elif child.tag in (q("table:table-row-group"), q("table:table-rows")):
            yield from _rows(child, header)
        elif child.tag == q("table:table-header-rows"):
            yield from _rows(child, True)


def _count(element: Element, attribute: str) -> int:
    raw = element.get(q(attribute), "1")
    return max(1, int(raw)) if raw.isdigit() else 1


def _sheet(table: Element, ws: Any, styles: Styles, budget: list[int]) -> None:
    from openpyxl.utils import get_column_letter

    last_col = max(ws.max_column, max((r.max_col for r in ws.merged_cells.ranges), default=0))
    last_row = max(ws.max_row, max((r.max_row for r in ws.merged_cells.ranges), default=0))
    column_defaults: list[str | None] = []
    col = 0
    for column in _columns(table):
        repeat = _count(column, "table:number-columns-repeated")
        style = styles.column.get(column.get(q("table:style-name"), ""))
        width = None
        if style is not None:
            props = style.find(q("style:table-column-properties"))
            width = points(props.get(q("style:column-width"))) if props is not None else None
        for _ in range(min(repeat, max(0, last_col - col))):
            col += 1
            if width is not None:
                ws.column_dimensions[get_column_letter(col)].width = excel_width(width)
        column_defaults.extend([column.get(q("table:default-cell-style-name"))] * min(repeat, FILLER))
        if repeat > FILLER:
            col = max(col, last_col)
    cache: dict[str, Any] = {}
    row = 0
    header_rows: list[int] = []
    for element, header in _rows(table):
        repeat = _count(element, "table:number-rows-repeated")
        if repeat > FILLER:
            break
        style = styles.row.get(element.get(q("table:style-name"), ""))
        height = optimal = None
        if style is not None:
            props = style.find(q("style:table-row-properties"))
            if props is not None:
                height = points(props.get(q("style:row-height")))
                optimal = props.get(q("style:use-optimal-row-height"))
        row_default = element.get(q("table:default-cell-style-name"))
        for _ in range(repeat):
            row += 1
            if header:
                header_rows.append(row)
            if height is not None and optimal != "true":
                ws.row_dimensions[row].height = round(height, 2)
            if row <= last_row + FILLER and budget[0] > 0:
                _cells(element, row, ws, styles, cache, budget, row_default, column_defaults)
    if header_rows:
        ws.print_title_rows = f"{header_rows[0]}:{header_rows[-1]}"


def _cells(element: Element, row: int, ws: Any, styles: Styles, cache: dict[str, Any], budget: list[int],
           row_default: str | None, column_defaults: list[str | None]) -> None:
    col = 0
    for cell in element:
        if cell.tag not in (q("table:table-cell"), q("table:covered-table-cell")):
            continue
        repeat = _count(cell, "table:number-columns-repeated")
        if repeat > FILLER:
            return
        own = cell.get(q("table:style-name"))
        for _ in range(repeat):
            col += 1
            name = own or row_default or (column_defaults[col - 1] if col - 1 < len(column_defaults) else None)
            if not name or name == "Default" and cell.get(q("office:value-type")) is None:
                continue
            if budget[0] <= 0:
                return
            budget[0] -= 1
            # a MergedCell too: the borders of a merged range are its cells' own
            _style(styles, name, cache, ws.cell(row=row, column=col))


def _style(styles: Styles, name: str, cache: dict[str, Any], target: Any) -> None:
    """Give ``target`` (a cell of the copy) the format of cell style ``name``; the first cell of a
    style builds it, the others copy its style indexes."""
    if name in cache:
        target._style = copy.copy(cache[name])
        return
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

    props = styles.properties(name)
    cell, paragraph, text = props["table-cell"], props["paragraph"], props["text"]
    font_name = styles.fonts.get(text.get("style:font-name", ""), text.get("style:font-name") or None)
    size = points(text.get("fo:font-size"))
    colour = _rgb(text.get("fo:color"))
    underline = text.get("style:text-underline-style")
    target.font = Font(name=font_name, sz=size, b=text.get("fo:font-weight") in ("bold", "600", "700", "800", "900"),
                       i=text.get("fo:font-style") in ("italic", "oblique"),
                       u="single" if underline and underline != "none" else None,
                       strike=bool(text.get("style:text-line-through-style") not in (None, "none")),
                       color=colour if colour and colour != "FF000000" else None)
    every = cell.get("fo:border")
    target.border = Border(**{side: _side(cell.get(f"fo:border-{side}", every), Side)
                              for side in ("left", "right", "top", "bottom")})
    background = _rgb(cell.get("fo:background-color"))
    target.fill = PatternFill("solid", start_color=background, end_color=background) if background else PatternFill()
    rotation = cell.get("style:rotation-angle", "0")
    angle = int(float(rotation)) % 360 if re.fullmatch(r"-?\d+(\.\d+)?", rotation) else 0
    angle = angle if angle <= 90 else (90 + 360 - angle if angle >= 270 else 0)
    horizontal = HORIZONTAL.get(paragraph.get("fo:text-align", "")) if cell.get("style:text-align-source") != "value-type" else None
    target.alignment = Alignment(horizontal=horizontal, vertical=VERTICAL.get(cell.get("style:vertical-align", "")),
                                 wrap_text=cell.get("fo:wrap-option") == "wrap",
                                 shrink_to_fit=cell.get("style:shrink-to-fit") == "true", text_rotation=angle)
    data = props["data-style"].get("name")
    target.number_format = number_format(styles.data, data) if data else "General"
    cache[name] = copy.copy(target._style)


def _rgb(value: str | None) -> str | None:
    if value and re.fullmatch(r"#[0-9A-Fa-f]{6}", value):
        return "FF" + value[1:].upper()
    return None


def _side(value: str | None, Side: Any) -> Any:
    """An ODF border ("0.74pt solid #000000") as an openpyxl side."""
    if not value or value.strip() in ("none", "hidden", "0", "0pt"):
        return Side()
    parts = value.split()
    width = next((points(part) for part in parts if _LENGTH.match(part)), None) or 0.74
    line = next((part for part in parts if part in ("solid", "double", "dashed", "dotted", "dash-dot",
                                                    "dash-dot-dot", "fine-dashed", "groove", "ridge", "inset",
                                                    "outset")), "solid")
    colour = next((_rgb(part) for part in parts if part.startswith("#")), None)
    if line == "double":
        style = "double"
    elif line in ("dashed", "fine-dashed"):
        style = "mediumDashed" if width > 1.0 else "dashed"
    elif line == "dotted":
        style = "dotted"
    elif line == "dash-dot":
        style = "mediumDashDot" if width > 1.0 else "dashDot"
    elif line == "dash-dot-dot":
        style = "mediumDashDotDot" if width > 1.0 else "dashDotDot"
    elif width < 0.5:
        style = "hair"
    elif width <= 1.0:
        style = "thin"
    elif width <= 2.0:
        style = "medium"
    else:
        style = "thick"
    return Side(style=style, color=colour if colour and colour != "FF000000" else None)


# --- print set-up ------------------------------------------------------------------------------

def _print_setup(table: Element, ws: Any, styles: Styles) -> None:
    ranges = table.get(q("table:print-ranges"))
    if ranges:
        area = _print_area(ranges)
        if area:
            ws.print_area = area
    style = styles.table.get(table.get(q("table:style-name"), ""))
    master = styles.masters.get(style.get(q("style:master-page-name"), "")) if style is not None else None
    layout = styles.layouts.get(master.get(q("style:page-layout-name"), "")) if master is not None else None
    if layout is None:
        return
    props = layout.find(q("style:page-layout-properties"))
    if props is None:
        return
    get = lambda name: props.get(q(name))  # noqa: E731
    width, height = points(get("fo:page-width")), points(get("fo:page-height"))
    if width and height:
        short, long = sorted((round(width / 72 * 25.4), round(height / 72 * 25.4)))
        paper = next((code for (a, b), code in PAPERS.items() if abs(a - short) <= 2 and abs(b - long) <= 2), None)
        if paper is not None:
            ws.page_setup.paperSize = paper
    orientation = get("style:print-orientation")
    if orientation in ("portrait", "landscape"):
        ws.page_setup.orientation = orientation
    fit_x, fit_y, pages = get("style:scale-to-X"), get("style:scale-to-Y"), get("style:scale-to-pages")
    if fit_x or fit_y or pages:
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.page_setup.fitToWidth = int(fit_x) if fit_x and fit_x.isdigit() else (1 if pages else 0)
        ws.page_setup.fitToHeight = int(fit_y) if fit_y and fit_y.isdigit() else (int(pages) if pages and pages.isdigit() else 0)
    else:
        scale = get("style:scale-to")
        if scale and scale.rstrip("%").replace(".", "", 1).isdigit():
            ws.page_setup.scale = max(10, min(400, round(float(scale.rstrip("%")))))
    margins = {side: points(get(f"fo:margin-{side}")) for side in ("top", "bottom", "left", "right")}
    for side in ("left", "right"):
        if margins[side] is not None:
            setattr(ws.page_margins, side, round(margins[side] / 72, 4))
    for side, part in (("top", "header"), ("bottom", "footer")):
        if margins[side] is None:
            continue
        extra = _band(layout, master, part)
        setattr(ws.page_margins, side, round((margins[side] + extra) / 72, 4))
        setattr(ws.page_margins, part, round(margins[side] / 72, 4))
    centring = get("style:table-centering") or ""
    ws.print_options.horizontalCentered = centring in ("horizontal", "both")
    ws.print_options.verticalCentered = centring in ("vertical", "both")
    ws.print_options.gridLines = "grid" in (get("style:print") or "").split()


def _band(layout: Element, master: Element | None, part: str) -> float:
    """The height (points) a shown header or footer takes above or below the page's margin."""
    if master is None:
        return 0.0
    shown = master.find(q(f"style:{part}"))
    if shown is None or shown.get(q("style:display")) == "false":
        return 0.0
    props = layout.find(f"{q(f'style:{part}-style')}/{q('style:header-footer-properties')}")
    if props is None:
        return 0.0
    height = points(props.get(q("fo:min-height"))) or 0.0
    spacing = points(props.get(q("fo:margin-bottom" if part == "header" else "fo:margin-top"))) or 0.0
    return height + spacing


def _print_area(ranges: str) -> str | None:
    """The first of ``table:print-ranges`` ("'表'.A1:'表'.J40 …") as an A1 range ("A1:J40")."""
    first = ranges.split()[0]
    cells = [part.rsplit(".", 1)[-1].replace("$", "") for part in first.split(":")]
    if len(cells) != 2 or not all(re.fullmatch(r"[A-Z]{1,3}\d+", cell) for cell in cells):
        return None
    return f"{cells[0]}:{cells[1]}"
