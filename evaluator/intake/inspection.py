"""What the inspection of a file found: its real kind, the size of every sheet, the sheets too large
to read, and the bytes inspected (which the readers parse). Data only; the inspecting is done by
:mod:`evaluator.intake.safety` and its checks by concern."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import BinaryIO, Iterable

from evaluator.intake.limits import MB, Limits
from evaluator.intake.refusals import Refused


class Kind(str, Enum):
    """The real format of a file, whatever its name says."""

    XLSX = "xlsx"   # Office Open XML workbook (.xlsx, .xlsm)
    XLS = "xls"     # BIFF8 workbook in an OLE2 compound file
    ODS = "ods"     # OpenDocument spreadsheet
    HTML = "html"   # an HTML table, as web systems export "xls" files
    CSV = "csv"     # delimited text

    @property
    def label(self) -> str:
        return {
            "xlsx": "Excel 工作簿（.xlsx）", "xls": "Excel 97-2003 工作簿（.xls）", "ods": "OpenDocument 表格（.ods）",
            "html": "网页（HTML）表格", "csv": "CSV 文本表格",
        }[self.value]


#: The format a file name promises.
EXPECTED_KIND: dict[str, Kind] = {
    ".xlsx": Kind.XLSX, ".xlsm": Kind.XLSX, ".xls": Kind.XLS, ".ods": Kind.ODS,
    ".csv": Kind.CSV, ".txt": Kind.CSV, ".htm": Kind.HTML, ".html": Kind.HTML,
}


@dataclass
class SheetSize:
    """How much of a sheet the readers would hold: the used range of its filled cells, and the
    cells its merged ranges cover (each is indexed one by one)."""

    name: str
    rows: int = 0
    cols: int = 0
    merged: int = 0
    elements: int = 0       # cell tags, empty styled ones included (a full workbook model holds each)
    complete: bool = True   # False when the scan stopped early, the sheet being over a limit

    @property
    def cells(self) -> int:
        return self.rows * self.cols + self.merged


@dataclass
class Inspection:
    """What a file really is, and which of its sheets are too large to read (name → why)."""

    kind: Kind
    sheets: list[SheetSize] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)
    parts: dict[str, str] = field(default_factory=dict)   # sheet name → its part in an .xlsx
    #: The bytes inspected, which the readers parse (the file is never opened by name again).
    data: bytes = field(default=b"", repr=False, compare=False)

    def open(self) -> BinaryIO:
        """The bytes inspected, as a file object."""
        return io.BytesIO(self.data)

    def cells_to_copy(self) -> int:
        """The cell objects a full model of the workbook would hold for the sheets that are read:
        one per cell tag (empty styled ones too) and one per cell of a merged range."""
        return sum(sheet.elements + sheet.merged for sheet in self.sheets if sheet.name not in self.skipped)

    def wrong_extension(self, path: Path) -> str | None:
        """What the name promised, when it promised another format than the content's."""
        expected = EXPECTED_KIND.get(path.suffix.lower())
        return path.suffix if expected is not None and expected is not self.kind else None


def sheet_notes(sheets: Iterable[SheetSize], limits: Limits) -> dict[str, str]:
    """The sheets not to read, each with why: too many rows, or the workbook over its cell budget
    (then the largest go first)."""
    skipped: dict[str, str] = {}
    kept = []
    for sheet in sheets:
        if sheet.rows > limits.max_rows:
            rows = f"有 {sheet.rows:,} 行，" if sheet.complete else ""
            skipped[sheet.name] = f"{rows}超过上限 {limits.max_rows:,} 行（--max-rows）"
        else:
            kept.append(sheet)
    total = sum(sheet.cells for sheet in kept)
    for sheet in sorted(kept, key=lambda s: s.cells, reverse=True):
        if total <= limits.max_cells:
            break
        cells = f"有约 {sheet.cells:,} 个单元格，" if sheet.complete else ""
        skipped[sheet.name] = f"{cells}超过每个工作簿上限 {limits.max_cells:,} 个单元格（--max-cells）"
        total -= sheet.cells
    return skipped



def mb(size: int) -> str:
    return f"{size / MB:,.1f}"


def checked(inspection: Inspection) -> Inspection:
    """Only an .xlsx can be read sheet by sheet: the reader builds every sheet of an .xls or .ods
    when it opens the file (an .xls with one cell at the last row and column takes 560 MB even
    with that sheet skipped), so a sheet over the limits refuses the whole file."""
    if inspection.kind is not Kind.XLSX and inspection.skipped:
        sheet, why = next(iter(inspection.skipped.items()))
        raise Refused("sheet-too-large", sheet=sheet, why=why, kind=inspection.kind.label)
    return inspection

