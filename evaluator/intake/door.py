"""The intake's one door: a file's path in, its grids out.

:func:`open` reads the file once (:func:`~evaluator.intake.files.read_file`: never through a link
swapped in, within the size limit), inspects those bytes once (:func:`~evaluator.intake.safety.
inspect_data`: their real kind, every sheet's size, the sheets too large to read; or a
:class:`~evaluator.intake.refusals.Refused`), and hands the same bytes to the reader of their kind:

=============  ==============================================  ======================================
kind           what the bytes are                              read by
=============  ==============================================  ======================================
``XLSX``       a zip package with ``[Content_Types].xml``      :func:`~evaluator.intake.workbook.
               (.xlsx, .xlsm)                                  load_grids` (sheets over the limits
                                                               skipped)
``ODS``        a zip package with an OpenDocument mimetype     :func:`~evaluator.intake.workbook.
                                                               load_grids`
``XLS``        an OLE2 compound file with a Workbook stream    :func:`~evaluator.intake.workbook.
                                                               load_grids`
``HTML``       text holding an HTML table                      :func:`~evaluator.intake.texttables.
                                                               read_html`
``CSV``        other text (UTF-8 or GB18030, any delimiter)    :func:`~evaluator.intake.texttables.
                                                               read_csv`
=============  ==============================================  ======================================

Anything else (a PDF, a Word document, a zip that is no workbook, an encrypted workbook, a damaged
or hostile file) is refused by the inspection before any reader sees a byte. The file is never
opened by name a second time: what is parsed is what was inspected.
"""

from __future__ import annotations

import os
import sys
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from evaluator.intake.inspection import Inspection, Kind
from evaluator.intake.limits import DEFAULT_LIMITS, Limits
from evaluator.intake.safety import inspect
from evaluator.intake.workbook import SheetGrid, load_grids

_open = open   # the built-in, which this module's open() shadows


@dataclass
class Intake:
    """A file read through the door: its grids, its kind and what the inspection found (the sheets
    skipped, each sheet's size and part, the bytes read)."""

    path: Path
    inspection: Inspection
    grids: list[SheetGrid] = field(repr=False)

    @property
    def kind(self) -> Kind:
        return self.inspection.kind

    @property
    def skipped(self) -> dict[str, str]:
        """Sheets too large to read, each with why."""
        return self.inspection.skipped

    @property
    def data(self) -> bytes:
        """The bytes inspected and read."""
        return self.inspection.data


def open(path: Path, limits: Limits = DEFAULT_LIMITS) -> Intake:  # noqa: A001 - the intake's open
    """Read, inspect and parse the file at ``path`` in one pass over its bytes.

    Raises :class:`~evaluator.intake.refusals.Refused` for a file the tool will not parse,
    :class:`OSError` when it cannot be opened, and the reader's own exception for a file that
    passed the inspection but does not parse (the engine turns each into one ``unreadable`` line).
    """
    path = Path(path)
    inspection = inspect(path, limits)
    return Intake(path=path, inspection=inspection, grids=read(path, inspection, limits))


def read(path: Path, inspection: Inspection, limits: Limits | None = DEFAULT_LIMITS) -> list[SheetGrid]:
    """The grids of a file that passed the inspection, read by its real kind from the very bytes
    inspected (the file is not opened again)."""
    limits = limits if limits is not None else DEFAULT_LIMITS
    data = inspection.data or None
    if inspection.kind is Kind.HTML:
        from evaluator.intake.texttables import read_html   # html.parser: only for a file that is text

        return read_html(path, limits, data=data)
    if inspection.kind is Kind.CSV:
        from evaluator.intake.texttables import read_csv   # csv: only for a file that is text

        return read_csv(path, limits, data=data)
    with _quiet_stderr():
        return load_grids(path, skip=inspection.skipped, data=data,
                          parts=inspection.parts if inspection.kind is Kind.XLSX else None,
                          ods=inspection.kind is Kind.ODS).sheets


@contextmanager
def _quiet_stderr() -> Iterator[None]:
    """Keep the native reader's own messages off the terminal: when it panics on a damaged file it
    prints a backtrace to the process's stderr itself, although the panic is caught as an exception
    and reported as one line like any other failure."""
    try:
        sys.stderr.flush()
        saved = os.dup(2)
    except (OSError, ValueError, AttributeError):
        yield
        return
    try:
        with _open(os.devnull, "wb") as sink:
            os.dup2(sink.fileno(), 2)
            yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
