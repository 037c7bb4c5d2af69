"""Build the samples of the department editions other than Guangzhou's, from data.

Each ``tests/sample_sources/editions/<edition-id>.yaml`` holds one correct form, cell by cell (``rows``,
a list of rows of values from A1 on; ``merge``, ranges to merge; ``sheet``, the sheet's name), and
``planted``: for each rule, the cells to change to plant that rule's fault (``{F5: 8, F12: 99}``).
This script writes ``sample_workbooks/editions/<edition-id>/correct.xlsx`` and one ``planted-<rule>.xlsx`` per entry;
``tests/test_edition_samples.py`` checks that the correct one has no error or warning and that each
planted one has its rule's finding and nothing else. Adding a province's sample is a YAML file and
one run of this script: ``python tests/sample_sources/build_edition_samples.py``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import yaml
from openpyxl import Workbook

HERE = Path(__file__).resolve().parent       # tests/sample_sources
SPECS = HERE / "editions"                    # the data: one YAML file per edition
FOLDER = HERE.parent.parent / "sample_workbooks" / "editions"   # the samples written from it


def _write(spec: dict, edits: dict, path: Path) -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = spec.get("sheet", "Sheet1")
    for r, row in enumerate(spec["rows"], start=1):
        for c, value in enumerate(row, start=1):
            if value is not None and value != "":
                sheet.cell(r, c, value)
    for cell, value in edits.items():
        sheet[cell] = value
    for area in spec.get("merge", []):
        sheet.merge_cells(area)
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)


def specs() -> dict[str, dict]:
    return {path.stem: yaml.safe_load(path.read_text("utf-8")) for path in sorted(SPECS.glob("*.yaml"))}


def build(target: Path = FOLDER) -> list[Path]:
    written = []
    for edition, spec in specs().items():
        folder = target / edition
        _write(spec, {}, folder / "correct.xlsx")
        written.append(folder / "correct.xlsx")
        for rule, edits in (spec.get("planted") or {}).items():
            _write(spec, edits, folder / f"planted-{rule}.xlsx")
            written.append(folder / f"planted-{rule}.xlsx")
    return written


if __name__ == "__main__":
    for path in build(Path(sys.argv[1]) if len(sys.argv) > 1 else FOLDER):
        print(path.relative_to(FOLDER.parent.parent) if path.is_relative_to(FOLDER.parent.parent) else path)
