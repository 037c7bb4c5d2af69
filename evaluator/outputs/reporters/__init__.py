"""One reporter per output format, chosen from :data:`REPORTERS` by name.

Every reporter formats the same data, the report of :func:`evaluator.reporters.json.report` (the
JSON contract), onto a stream; it computes nothing. ``base`` is the folder the output is written
into, so that links to annotated copies can be relative (None when writing to stdout). A reporter
with a ``filename`` is also written into the output folder of a run (``--out DIR``).
"""

from __future__ import annotations

import errno
import io
import logging
import os
import threading
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
        from evaluator.outputs.reporters.common import paths_resolved_once

        with paths_resolved_once():
            self.render(data, stream, base)


REPORTERS: dict[str, Reporter] = {
    "text": Reporter("text"),
    "json": Reporter("json", filename="report.json"),
    "html": Reporter("html", filename="report.html"),
    "xlsx": Reporter("summary_xlsx", binary=True, filename="summary.xlsx"),
}
STREAM_FORMATS = [name for name, reporter in REPORTERS.items() if not reporter.binary]
OUTPUT_FILES = {reporter.filename for reporter in REPORTERS.values() if reporter.filename}


log = logging.getLogger("evaluator")
#: How many other names (summary (1).xlsx … summary (9).xlsx) a report that cannot replace its file tries.
OTHER_NAMES = 9


@dataclass(frozen=True)
class Unwritten:
    """A report that could not replace its file: the file kept (the previous run's, now out of step
    with the others), where this run's went instead (None: nowhere), and why."""

    path: Path
    written_as: Path | None
    reason: str
    no_space: bool = False      # the disk (or the quota) is full: no other name helps

    def message(self) -> str:
        """One line in Chinese naming the file not replaced and where the new one went."""
        if self.written_as is not None:
            return (f"{self.path} 无法替换（{self.reason}）：本次的结果已写入 {self.written_as}；"
                    f"{self.path.name} 仍是上一次的结果，与本次其他报告不一致。关闭该文件后重新运行即可替换。")
        return (f"{self.path} 未能写入（{self.reason}）：本次的结果没有写成这个文件；"
                f"{self.path.name} 如存在，仍是上一次的结果，与本次其他报告不一致。")


def _why(exc: OSError) -> str:
    if exc.errno == errno.ENOSPC:
        return "磁盘已满"
    if exc.errno == errno.EDQUOT:
        return "超出磁盘配额"
    if isinstance(exc, PermissionError) or exc.errno in (errno.EACCES, errno.EPERM, errno.EBUSY):
        return "文件可能正在 Excel 或 WPS 中打开，或没有写入权限"
    if isinstance(exc, IsADirectoryError):
        return "同名的是一个文件夹"
    return exc.strerror or type(exc).__name__


def _other_name(destination: Path, number: int) -> Path:
    return destination.with_name(f"{destination.stem} ({number}){destination.suffix}")


def _render(reporter: Reporter, data: dict[str, Any], folder: Path) -> bytes | str:
    buffer: IO = io.BytesIO() if reporter.binary else io.StringIO()
    reporter(data, buffer, folder)
    return buffer.getvalue()


def _render_beside(reporter: Reporter, data: dict[str, Any], folder: Path) -> Callable[[], bytes | None] | None:
    """Start rendering a binary report in a forked process (it has the data as this one has it);
    returns what collects its bytes (None from it: the child failed), or None when no process is
    started (no fork here, or other threads, which a fork would leave holding their locks)."""
    if not hasattr(os, "fork") or threading.active_count() > 1:
        return None
    try:
        read_end, write_end = os.pipe()
        pid = os.fork()
    except OSError:
        return None
    if pid == 0:   # the child: render, send, leave without running the parent's exit handlers
        code = 1
        try:
            os.close(read_end)
            content = _render(reporter, data, folder)
            with os.fdopen(write_end, "wb") as pipe:
                pipe.write(content)
            code = 0
        finally:
            os._exit(code)
    os.close(write_end)

    def collect() -> bytes | None:
        with os.fdopen(read_end, "rb") as pipe:
            content = pipe.read()
        _, status = os.waitpid(pid, 0)
        return content if os.waitstatus_to_exitcode(status) == 0 else None

    return collect


def write_reports(data: dict[str, Any], folder: Path, keep: Iterable[Path] = (),
                  unwritten: list[Unwritten] | None = None) -> list[Path]:
    """Write every file report (summary.xlsx, report.html, report.json) into ``folder``, atomically;
    the paths written.

    A file in ``keep`` (an input of the run that happens to bear a report's name) is never
    overwritten: that report is written as ``evaluator-<name>`` instead.

    With ``unwritten`` (a list), a report that cannot replace its file (open in Excel on a shared
    drive, no permission, a full disk) does not stop the others: it is written under the first free
    other name (``summary (1).xlsx``), or nowhere when that fails too, and an :class:`Unwritten`
    saying so is added to the list. Without it, the first failure is raised.
    """
    kept = {path.resolve() for path in keep}
    written = []
    # Every report is rendered before any file is touched: answers no report can be made from
    # leave the previous reports as they were.
    targets = []
    for reporter in REPORTERS.values():
        if reporter.filename is None:
            continue
        destination = folder / reporter.filename
        if destination.resolve() in kept:
            destination = folder / f"evaluator-{reporter.filename}"
        targets.append((reporter, destination))
    # summary.xlsx (the longest) on another core while the others are rendered here.
    beside = {id(reporter): _render_beside(reporter, data, folder) for reporter, _ in targets if reporter.binary}
    contents: dict[Path, bytes | str] = {}
    try:
        for reporter, destination in targets:
            if beside.get(id(reporter)) is None:
                contents[destination] = _render(reporter, data, folder)
    except BaseException:
        for collect in beside.values():
            if collect is not None:
                collect()   # the child reaped, its pipe closed
        raise
    for reporter, destination in targets:
        collect = beside.get(id(reporter))
        if collect is not None:
            content = collect()
            # the child failed: rendered here, where a failure is raised
            contents[destination] = content if content is not None else _render(reporter, data, folder)
    rendered = [(reporter, destination, contents[destination]) for reporter, destination in targets]
    # All or none: they replace the reports in place only once every one is written whole, so the
    # reports never disagree — unless one cannot replace its file (below).
    try:
        with ExitStack() as stack:
            for reporter, destination, content in rendered:
                stack.enter_context(replacing(destination, binary=reporter.binary)).write(content)
        return [destination for _, destination, _ in rendered]
    except OSError:
        if unwritten is None:
            raise
    for reporter, destination, content in rendered:
        try:
            with replacing(destination, binary=reporter.binary) as stream:
                stream.write(content)
            written.append(destination)
            continue
        except OSError as exc:
            reason = _why(exc)
            no_space = exc.errno in (errno.ENOSPC, errno.EDQUOT)
        instead = None
        for number in range(1, OTHER_NAMES + 1):
            candidate = _other_name(destination, number)
            if candidate.exists() and not candidate.is_file():
                continue
            try:
                with replacing(candidate, binary=reporter.binary) as stream:
                    stream.write(content)
            except OSError as exc:
                if exc.errno in (errno.ENOSPC, errno.EDQUOT):
                    break   # a full disk: no other name helps
                continue
            instead = candidate
            written.append(candidate)
            break
        problem = Unwritten(destination, instead, reason, no_space)
        log.debug("%s", problem.message())
        unwritten.append(problem)
    return written
