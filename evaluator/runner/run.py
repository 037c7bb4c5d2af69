"""A run over many paths: find the workbooks, check each on every core, write annotated copies.

One bad file never stops a run: a file that cannot be read, or whose check fails, kills its
worker or runs past the time limit, gets an ``unreadable`` answer saying why, and the run goes on.

A worker hands back an :class:`Outcome`: the file's report entries (plain, JSON-ready data, cheap
to send between processes) and the log lines it produced, which the parent writes, so that nothing
a worker says lands in the middle of a progress bar.
"""

from __future__ import annotations

import logging
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from evaluator.outputs.annotate import fit_name, write_annotated
from evaluator.families import Definitions
from evaluator.runner.engine import SUFFIXES, FileResult, check_file
from evaluator.intake.limits import DEFAULT_LIMITS, Limits
from evaluator.runner.parallel import Stop, ordered_map
from evaluator.outputs.reporters import OUTPUT_FILES
from evaluator.outputs.reporters import json as json_reporter
from evaluator.outputs.reporters.summary_xlsx import is_own_summary
from evaluator.outputs.inert import printable

log = logging.getLogger("evaluator")
CHECKED_SUFFIX = ".checked.xlsx"


@dataclass(frozen=True)
class Job:
    """One file to check: where it is, how to show it, where its annotated copy goes."""

    path: Path
    display: str
    relative: Path


def is_candidate(path: Path) -> bool:
    """A workbook worth checking: a known suffix, not an Office lock file, dotfile or our own output."""
    name = path.name
    return (
        path.suffix.lower() in SUFFIXES
        and not name.startswith("~$")
        and not name.startswith(".")
        and not name.lower().endswith(CHECKED_SUFFIX)
    )


def _inside(path: Path, folder: Path | None) -> bool:
    if folder is None:
        return False
    try:
        path.resolve().relative_to(folder.resolve())
        return True
    except ValueError:
        return False


def is_own_output(path: Path, out_dir: Path | None) -> bool:
    """A report this tool wrote into ``out_dir`` (summary.xlsx), never a form to check."""
    return (out_dir is not None and path.name in OUTPUT_FILES and path.parent.resolve() == out_dir.resolve()
            and is_own_summary(path))


def discover(paths: Iterable[Path], out_dir: Path | None = None) -> list[Job]:
    """The workbooks named or found (recursively, sorted) under ``paths``, skipping ``out_dir``."""
    jobs: list[Job] = []
    seen: set[Path] = set()
    for root in paths:
        if root.is_dir():
            found = sorted(p for p in root.rglob("*") if p.is_file() and is_candidate(p)
                           and not any(part.startswith(".") for part in p.relative_to(root).parts[:-1]))
            for path in found:
                if _inside(path, out_dir) and not _inside(root, out_dir):
                    continue
                if is_own_output(path, out_dir):
                    continue
                if path.resolve() not in seen:
                    seen.add(path.resolve())
                    jobs.append(Job(path=path, display=str(path), relative=path.relative_to(root)))
        elif root.resolve() not in seen:
            seen.add(root.resolve())
            jobs.append(Job(path=root, display=str(root), relative=Path(root.name)))
    return jobs


def destinations(jobs: list[Job], out_dir: Path) -> dict[Path, Path]:
    """Where each job's annotated copy goes: DIR/<sub-folders>/<stem>.checked.xlsx, never twice the same."""
    taken: set[Path] = set()
    result: dict[Path, Path] = {}
    for job in jobs:
        folder = out_dir / job.relative.parent
        candidate = folder / fit_name(job.relative.stem, CHECKED_SUFFIX)
        if candidate in taken:
            candidate = folder / fit_name(job.relative.stem, f"{job.relative.suffix.replace('.', '-')}{CHECKED_SUFFIX}")
        counter = 2
        while candidate in taken:
            candidate = folder / fit_name(job.relative.stem, f"-{counter}{CHECKED_SUFFIX}")
            counter += 1
        taken.add(candidate)
        result[job.path] = candidate
    return result


def process(job: Job, definitions: Definitions, destination: Path | None, limits: Limits = DEFAULT_LIMITS) -> FileResult:
    """Check one file and, when asked, write its annotated copy. Never raises for a bad file."""
    keep = destination is not None and job.path.suffix.lower() not in (".xlsx", ".xlsm")
    result = check_file(job.path, definitions, display=job.display, keep_grids=keep, limits=limits)
    if destination is not None and result.error is None:
        try:
            write_annotated(result, destination)
            result.annotated = str(destination)
        except Exception as exc:  # noqa: BLE001 - the check stands; only the copy failed
            log.warning("%s：批注副本写入失败（%s: %s）", job.display, type(exc).__name__, exc)
    result.grids = None
    return result


@dataclass(frozen=True)
class Task:
    """One file for a worker: the job and where its annotated copy goes (None: no copy)."""

    job: Job
    destination: Path | None = None


@dataclass
class Outcome:
    """What checking one file gave: its report entries, and whether they may be kept for later.

    ``complete`` is False when the answer says nothing about the file itself (the check failed or
    the annotated copy could not be written): such an answer is reported but not kept in the
    manifest, so the next run tries again.
    """

    entries: list[dict[str, Any]]
    annotated: str | None = None
    complete: bool = True
    log: list[tuple[int, str]] = field(default_factory=list)
    seconds: float = 0.0


_DEFINITIONS: Definitions | None = None
_LIMITS: Limits = DEFAULT_LIMITS


def prepare(definitions: Definitions, limits: Limits = DEFAULT_LIMITS) -> None:
    """Set the definitions and limits that :func:`check_one` uses (once per worker process)."""
    global _DEFINITIONS, _LIMITS
    _DEFINITIONS, _LIMITS = definitions, limits


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.records: list[tuple[int, str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append((record.levelno, record.getMessage()))


@contextmanager
def _collecting_log() -> Iterator[list[tuple[int, str]]]:
    logger = logging.getLogger("evaluator")
    handlers, propagate = logger.handlers[:], logger.propagate
    collect = _Collect()
    logger.handlers, logger.propagate = [collect], False
    try:
        yield collect.records
    finally:
        logger.handlers, logger.propagate = handlers, propagate


def failed(task: Task, reason: str) -> Outcome:
    """The answer for a file whose check itself failed: ``unreadable``, with the reason."""
    result = FileResult(path=task.job.path, display=task.job.display,
                        error=f"{task.job.path.name}：检查时出错（{reason}），请把该文件反馈给维护者")
    return Outcome(entries=json_reporter.entries([result]), complete=False)


def timed_out(task: Task, seconds: float) -> Outcome:
    """The answer for a file still being read, checked or copied after ``seconds``: ``unreadable``.

    Not kept in the manifest: the next run (perhaps with a longer ``--timeout``) tries it again.
    """
    limit = f"{seconds:g}"
    reason = (f"{printable(task.job.path.name)}：读取、检查和写批注副本用时超过 {limit} 秒，已停止"
              f"（文件可能过大或结构异常）；请用 Excel 或 WPS 打开后另存为 .xlsx 再试，或用 --timeout 放宽时限")
    result = FileResult(path=task.job.path, display=task.job.display, error=reason)
    message = f"{task.job.display}：超过 {limit} 秒仍未完成，已停止，其余文件继续"
    return Outcome(entries=json_reporter.entries([result]), complete=False, log=[(logging.WARNING, message)],
                   seconds=seconds)


def check_one(task: Task) -> Outcome:
    """Check one file and write its annotated copy (in a worker). Never raises for a bad file."""
    if _DEFINITIONS is None:
        raise RuntimeError("prepare(definitions) was not called in this process")
    started = time.perf_counter()
    with _collecting_log() as records:
        try:
            result = process(task.job, _DEFINITIONS, task.destination, _LIMITS)
            outcome = Outcome(
                entries=json_reporter.entries([result]),
                annotated=result.annotated,
                complete=task.destination is None or result.annotated is not None or result.error is not None,
            )
        except Exception as exc:  # noqa: BLE001 - a bug on one file is that file's answer
            log.error("%s：检查时出错（%s: %s）", task.job.display, type(exc).__name__, exc)
            outcome = failed(task, f"{type(exc).__name__}: {exc}")
    outcome.log = records
    outcome.seconds = time.perf_counter() - started
    return outcome


def run(tasks: list[Task], definitions: Definitions, workers: int = 1, stop: Stop | None = None,
        on_done: Callable[[], None] | None = None,
        limits: Limits = DEFAULT_LIMITS, timeout: float | None = None) -> Iterator[tuple[int, Outcome]]:
    """Check every task on up to ``workers`` processes; ``(index, outcome)`` in input order.

    When ``stop`` is set, files under way finish and are yielded; the others are not started.
    With ``timeout`` (seconds; None or 0: none) every file runs in a worker process, and one still
    under way past it is stopped (its worker replaced) and answered by :func:`timed_out`.
    """
    yield from ordered_map(check_one, tasks, workers=workers, on_crash=failed, initializer=prepare,
                           initargs=(definitions, limits), stop=stop, on_done=on_done,
                           timeout=timeout, on_timeout=timed_out)
