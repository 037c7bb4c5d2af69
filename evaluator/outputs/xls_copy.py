"""The look of a legacy .xls carried onto its annotated .xlsx copy.

The copy of an .xls is an .xlsx built from the values read (an .xls cannot be patched in place);
without this it kept only values, merges and widths, and printed on 25 pages where the original
prints on 3. Here every cell gets its format from the .xls (font, fill, borders, alignment, number
format, read with xlrd), every row its height, and every sheet its print set-up: paper, orientation,
scale or fit to pages, margins, centring, grid lines, print area and print titles (the SETUP,
WSBOOL, margin and centring records, which xlrd does not read, are read from the sheet's records).

Formats are cosmetic: anything xlrd cannot read leaves the copy as it was built. An .ods gets the
same from its own XML (:mod:`evaluator.outputs.ods_copy`); either copy says once, on 校验结果, that
it is an .xlsx and why (:func:`rebuilt_note`).
"""

from __future__ import annotations

import copy
import logging
import struct
from typing import Any

log = logging.getLogger("evaluator")

BORDERS = {1: "thin", 2: "medium", 3: "dashed", 4: "dotted", 5: "thick", 6: "double", 7: "hair",
           8: "mediumDashed", 9: "dashDot", 10: "mediumDashDot", 11: "dashDotDot", 12: "mediumDashDotDot",
           13: "slantDashDot"}
HORIZONTAL = {1: "left", 2: "center", 3: "right", 4: "fill", 5: "justify", 6: "centerContinuous", 7: "distributed"}
VERTICAL = {0: "top", 1: "center", 2: "bottom", 3: "justify", 4: "distributed"}
# BIFF8 records of a sheet's print set-up.
SETUP, WSBOOL, HCENTER, VCENTER, PRINTGRIDLINES = 0x00A1, 0x0081, 0x0083, 0x0084, 0x002B
MARGINS = {0x0026: "left", 0x0027: "right", 0x0028: "top", 0x0029: "bottom"}
BOF, EOF = 0x0809, 0x000A


#: Said once, on 校验结果, of a copy rebuilt as .xlsx: what it is and why.
REBUILT_NOTES = {
    "xls": "注：原文件是 Excel 97-2003 工作簿（.xls），这种格式无法在原文件上直接加批注，所以此副本是按读到的值和格式"
           "另建的 .xlsx：保留了边框、字体、填充、合并单元格、列宽、行高、数字格式和打印设置，未保留公式。",
    "ods": "注：原文件是 OpenDocument 表格（.ods），这种格式无法在原文件上直接加批注，所以此副本是按读到的值和格式"
           "另建的 .xlsx：保留了边框、字体、填充、合并单元格、列宽、行高、数字格式和打印设置，未保留公式。",
}
REBUILT_FROM_VALUES = "注：此副本按读到的值重建，未保留原文件的格式和公式。"


def rebuilt_note(kind: Any) -> str:
    """The note on 校验结果 of a copy rebuilt from what was read (``kind``: the input's real kind)."""
    return REBUILT_NOTES.get(getattr(kind, "value", kind), REBUILT_FROM_VALUES)


def apply_look(kind: Any, workbook: Any, data: bytes) -> None:
    """Give ``workbook`` (rebuilt from the grids of an .xls or .ods) the original's look."""
    if getattr(kind, "value", kind) == "ods":
        from evaluator.outputs.ods_copy import apply_ods_look

        apply_ods_look(workbook, data)
    else:
        apply_xls_look(workbook, data)


def apply_xls_look(workbook: Any, data: bytes) -> None:
    """Give the sheets of ``workbook`` (built from the .xls ``data``, same sheet names) the .xls's look."""
    try:
        import xlrd

        book = xlrd.open_workbook(file_contents=data, formatting_info=True, on_demand=True)
    except Exception:  # noqa: BLE001 - the look is cosmetic
        log.debug("xls formats not read", exc_info=True)
        return
    try:
        for index, name in enumerate(book.sheet_names()):
            if name[:31] not in workbook.sheetnames:
                continue
            ws = workbook[name[:31]]
            try:
                _cells(book, book.sheet_by_index(index), ws)
                _print_setup(book, index, ws)
            except Exception:  # noqa: BLE001
                log.debug("xls formats of %s not read", name, exc_info=True)
    finally:
        book.release_resources()


def _colour(book: Any, index: int | None) -> str | None:
    rgb = book.colour_map.get(index) if index is not None else None
    return None if rgb is None else "FF%02X%02X%02X" % rgb


def _style(book: Any, xf_index: int, cache: dict[int, Any], scratch: Any) -> None:
    """Give ``scratch`` (a cell of the copy) the format of XF record ``xf_index``; the first cell of a
    format builds it, the others copy its style indexes."""
    if xf_index in cache:
        scratch._style = copy.copy(cache[xf_index])
        return
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

    xf = book.xf_list[xf_index]
    font = book.font_list[xf.font_index]
    colour = _colour(book, font.colour_index)
    scratch.font = Font(name=font.name, sz=font.height / 20, b=bool(font.bold), i=bool(font.italic),
                        strike=bool(font.struck_out), u={1: "single", 2: "double"}.get(font.underline_type),
                        color=colour if colour and colour != "FF000000" else None)
    border = xf.border

    def side(style: int, colour_index: int) -> Side:
        name = BORDERS.get(style)
        tint = _colour(book, colour_index)
        return Side(style=name, color=tint if name and tint and tint != "FF000000" else None)

    scratch.border = Border(left=side(border.left_line_style, border.left_colour_index),
                            right=side(border.right_line_style, border.right_colour_index),
                            top=side(border.top_line_style, border.top_colour_index),
                            bottom=side(border.bottom_line_style, border.bottom_colour_index))
    background = xf.background
    if background.fill_pattern == 1:
        colour = _colour(book, background.pattern_colour_index)
        scratch.fill = PatternFill("solid", start_color=colour, end_color=colour) if colour else PatternFill()
    else:
        scratch.fill = PatternFill()
    alignment = xf.alignment
    rotation = alignment.rotation if 0 <= alignment.rotation <= 180 else (255 if alignment.rotation == 255 else 0)
    scratch.alignment = Alignment(horizontal=HORIZONTAL.get(alignment.hor_align),
                                  vertical=VERTICAL.get(alignment.vert_align), wrap_text=bool(alignment.text_wrapped),
                                  shrink_to_fit=bool(alignment.shrink_to_fit), indent=alignment.indent_level,
                                  text_rotation=rotation)
    number = book.format_map.get(xf.format_key)
    scratch.number_format = number.format_str if number is not None and number.format_str else "General"
    cache[xf_index] = copy.copy(scratch._style)


def _cells(book: Any, sheet: Any, ws: Any) -> None:
    cache: dict[Any, Any] = {}
    default = None
    for row in range(sheet.nrows):
        for col in range(sheet.row_len(row)):
            xf = sheet.cell_xf_index(row, col)
            if default is None:
                default = 15   # the default cell format of BIFF8
            if xf == default and sheet.cell_type(row, col) == 0:
                continue
            # a MergedCell too: the borders of a merged range are its cells' own
            _style(book, xf, cache, ws.cell(row=row + 1, column=col + 1))
    for row, info in sheet.rowinfo_map.items():
        if info.height:
            ws.row_dimensions[row + 1].height = info.height / 20
        if getattr(info, "hidden", 0):
            ws.row_dimensions[row + 1].hidden = True
    for col, info in sheet.colinfo_map.items():
        if info.hidden:
            from openpyxl.utils import get_column_letter

            ws.column_dimensions[get_column_letter(col + 1)].hidden = True


def _records(book: Any, index: int):
    """(code, data) of every record of sheet ``index``, up to its EOF (embedded BOFs skipped whole)."""
    mem, position = book.mem, book._sh_abs_posn[index]
    depth = 0
    while position + 4 <= len(mem):
        code, length = struct.unpack_from("<HH", mem, position)
        data = mem[position + 4:position + 4 + length]
        position += 4 + length
        if code == BOF:
            depth += 1
            continue
        if code == EOF:
            depth -= 1
            if depth <= 0:
                return
            continue
        if depth == 1:
            yield code, data


def _print_setup(book: Any, index: int, ws: Any) -> None:
    setup = None
    fit = False
    for code, data in _records(book, index):
        if code == SETUP and len(data) >= 34:
            setup = struct.unpack_from("<HHhHHH", data, 0), struct.unpack_from("<dd", data, 16)
        elif code == WSBOOL and len(data) >= 2:
            fit = bool(struct.unpack_from("<H", data)[0] & 0x0100)
        elif code in MARGINS and len(data) >= 8:
            setattr(ws.page_margins, MARGINS[code], struct.unpack_from("<d", data)[0])
        elif code == HCENTER and len(data) >= 2:
            ws.print_options.horizontalCentered = bool(struct.unpack_from("<H", data)[0])
        elif code == VCENTER and len(data) >= 2:
            ws.print_options.verticalCentered = bool(struct.unpack_from("<H", data)[0])
        elif code == PRINTGRIDLINES and len(data) >= 2:
            ws.print_options.gridLines = bool(struct.unpack_from("<H", data)[0])
    if setup is not None:
        (paper, scale, _, fit_width, fit_height, options), (header, footer) = setup
        if not options & 0x0004:   # fNoPls clear: paper, scale and orientation are given
            if paper:
                ws.page_setup.paperSize = paper
            if scale:
                ws.page_setup.scale = scale
            ws.page_setup.orientation = "portrait" if options & 0x0002 else "landscape"
        ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = fit_width, fit_height
        ws.page_margins.header, ws.page_margins.footer = header, footer
    ws.sheet_properties.pageSetUpPr.fitToPage = fit
    for name in book.name_obj_list:
        if name.scope != index or not name.builtin:
            continue
        try:
            _, rlo, rhi, clo, chi = name.area2d()
        except Exception:  # noqa: BLE001 - a name that is not one area
            continue
        from openpyxl.utils import get_column_letter

        if name.name == "Print_Area":
            ws.print_area = f"{get_column_letter(clo + 1)}{rlo + 1}:{get_column_letter(chi)}{rhi}"
        elif name.name == "Print_Titles" and clo == 0 and chi >= 256:
            ws.print_title_rows = f"{rlo + 1}:{rhi}"
