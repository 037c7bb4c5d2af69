"""Annotated copies of files that are not .xlsx (.xls, .ods) as the tests make and print them."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from openpyxl import load_workbook

from evaluator.runner.run import Job, process


def annotated_copy(path: Path, folder: Path, definitions) -> Path:
    """The annotated copy of ``path`` written into ``folder`` (it must be written)."""
    destination = folder / f"{path.stem}.checked.xlsx"
    result = process(Job(path=path, display=path.name, relative=Path(path.name)), definitions, destination)
    assert result.annotated, result.error
    return destination


def _pages(pdf: Path) -> int:
    return len(re.findall(rb"/Type\s*/Page[^s]", pdf.read_bytes()))


def printed_pages(path: Path, folder: Path, definitions) -> tuple[int, int]:
    """How many pages ``path`` and the form of its annotated copy (without 校验结果) print on, through
    LibreOffice."""
    copy = load_workbook(annotated_copy(path, folder, definitions))
    del copy["校验结果"]          # the form alone, as the original holds it
    alone = folder / "form-only.xlsx"
    copy.save(alone)
    for source in (path, alone):
        subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(folder / "pdf"), str(source)],
                       check=True, capture_output=True, timeout=300)
    return _pages(folder / "pdf" / f"{path.stem}.pdf"), _pages(folder / "pdf" / "form-only.pdf")
