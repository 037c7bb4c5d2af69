"""One reporter per output format, chosen from :data:`REPORTERS` by name.

Every reporter formats the same data, the report of :func:`evaluator.reporters.json.report` (the
JSON contract), onto a stream; it computes nothing. ``base`` is the folder the output is written
into, so that links to annotated copies can be relative (None when writing to stdout). A reporter
with a ``filename`` is also written into the output folder of a run (``--out DIR``).
"""

from __future__ import annotations

from contextlib import ExitStack
from dataclasses import dataclass
from importlib import import_module
from pathlib import Path
from typing import IO, Any, Callable, Iterable

from evaluator.outputs.atomic import replacing

Render = Callable[[dict[str, Any], IO, "Path | None"], None]


@dataclass(frozen=True)
class Reporter:
    """An output format: ``render(report, stream, base)``; binary formats need a binary stream.

    ``module`` is the reporter's module, imported the first time it renders: a text run does not
    load the HTML template engine or the spreadsheet writer."""

    module: str
    binary: bool = False
    filename: str | None = None

    @property
    def render(self) -> Render:
        return import_module(f"evaluator.outputs.reporters.{self.module}").render

    def __call__(self, data: dict[str, Any] | Iterable, stream: IO, base: Path | None = None) -> None:
        if not isinstance(data, dict):  # file results rather than report data
            from evaluator.outputs.reporters import json as json_reporter

            data = json_reporter.report(data)
        self.render(data, stream, base)


REPORTERS: dict[str, Reporter] = {
    "text": Reporter("text"),
    "json": Reporter("json", filename="report.json"),
    "html": Reporter("html", filename="report.html"),
    "xlsx": Reporter("summary_xlsx", binary=True, filename="summary.xlsx"),
}
STREAM_FORMATS = [name for name, reporter in REPORTERS.items() if not reporter.binary]
OUTPUT_FILES = {reporter.filename for reporter in REPORTERS.values() if reporter.filename}


def write_reports(data: dict[str, Any], folder: Path, keep: Iterable[Path] = ()) -> list[Path]:
    """Write every file report (summary.xlsx, report.html, report.json) into ``folder``, atomically.

    A file in ``keep`` (an input of the run that happens to bear a report's name) is never
    overwritten: that report is written as ``evaluator-<name>`` instead.
    """
    kept = {path.resolve() for path in keep}
    written = []
    # All or none: each is rendered into a temporary file, and they replace the reports in place
    # only once every one of them is whole, so the three never disagree (one failing leaves the
    # previous three as they were).
    with ExitStack() as stack:
        for reporter in REPORTERS.values():
            if reporter.filename is None:
                continue
            destination = folder / reporter.filename
            if destination.resolve() in kept:
                destination = folder / f"evaluator-{reporter.filename}"
            stream = stack.enter_context(replacing(destination, binary=reporter.binary))
            reporter(data, stream, folder)
            written.append(destination)
    return written
