"""Make the README's screenshots from the sample workbooks, so that they never go stale.

    python docs/screenshots/make.py

Checks sample_workbooks/ into a temporary folder (as the quick start does), then renders:

* annotated-copy.png — the first printed page of planted-rate-score.checked.xlsx (the cell to
  change filled in red);
* summary-xlsx.png — the printed page of summary.xlsx (汇总) with the totals and their differences;
* report-html.png — report.html at 1366 px, and report-html-phone.png at 390 px;
* layouts/<layout>.png — the first printed page of each consistent project-form layout the reader
  reads (tests/fixtures/layouts/<layout>-clean.xlsx), shown in docs/project-layouts.md.

Needs LibreOffice (soffice), pdftoppm (poppler-utils) and chromium; the tests never run it. The PNGs
are committed: rerun this script after changing an output and commit what it writes.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
DPI = 110


def _pdf_pages(workbook: Path, work: Path) -> list[Path]:
    """The printed pages of a workbook as PNGs, through LibreOffice and pdftoppm."""
    subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(work), str(workbook)],
                   check=True, capture_output=True, timeout=300)
    pdf = work / f"{workbook.stem}.pdf"
    prefix = work / workbook.stem
    subprocess.run(["pdftoppm", "-png", "-r", str(DPI), str(pdf), str(prefix)], check=True, timeout=300)
    return sorted(work.glob(f"{workbook.stem}-*.png"))


def _page_with(pages: list[Path], work: Path, text: str) -> Path:
    """The first page whose text (pdftotext) holds ``text``; the first page when none does."""
    pdf = next(work.glob("*.pdf"))
    for number, page in enumerate(pages, start=1):
        shown = subprocess.run(["pdftotext", "-f", str(number), "-l", str(number), str(pdf), "-"],
                               capture_output=True, text=True).stdout
        if text in shown:
            return page
    return pages[0]


def _browser(html: Path, width: int, height: int, target: Path) -> None:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                    f"--window-size={width},{height}", f"--screenshot={target}", html.as_uri()],
                   check=True, capture_output=True, timeout=300)


def layouts() -> None:
    """The first printed page of every layout fixture, for docs/project-layouts.md."""
    target = HERE / "layouts"
    target.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        import openpyxl

        for fixture in sorted((REPO / "tests" / "fixtures" / "layouts").glob("*-clean.xlsx")):
            work = Path(folder) / fixture.stem
            work.mkdir()
            # The first sheet printed as a reader sees the grid: landscape, one page wide, gridlines.
            book = openpyxl.load_workbook(fixture)
            sheet = book.worksheets[0]
            sheet.page_setup.orientation = "landscape"
            sheet.sheet_properties.pageSetUpPr.fitToPage = True
            sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
            sheet.print_options.gridLines = sheet.print_options.headings = True
            workbook = work / fixture.name
            book.save(workbook)
            pages = _pdf_pages(workbook, work)
            shutil.copy(pages[0], target / f"{fixture.stem.removesuffix('-clean')}.png")


def main() -> None:
    sys.path.insert(0, str(REPO))
    import os

    import evaluator

    os.chdir(REPO)   # paths in the outputs as a user sees them: sample_workbooks/…
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "out"
        evaluator.check("sample_workbooks", out=out, jobs=None)
        for name, workbook in (("annotated", out / "planted-rate-score.checked.xlsx"),
                               ("summary", out / "summary.xlsx")):
            work = Path(folder) / name
            work.mkdir()
            pages = _pdf_pages(workbook, work)
            if name == "annotated":
                shutil.copy(pages[0], HERE / "annotated-copy.png")
            else:   # the page of 汇总 with the totals, their differences and the status colours
                shutil.copy(_page_with(pages, work, "差额"), HERE / "summary-xlsx.png")
        _browser(out / "report.html", 1366, 1500, HERE / "report-html.png")
        _browser(out / "report.html", 390, 1400, HERE / "report-html-phone.png")
    layouts()
    for png in sorted(HERE.glob("**/*.png")):
        print(png.relative_to(REPO))


if __name__ == "__main__":
    main()
