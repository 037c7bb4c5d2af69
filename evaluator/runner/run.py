"""A run over many paths: find the workbooks, check each on every core, write annotated copies.

One bad file never stops a run: a file that cannot be read, or whose check fails, kills its
worker or runs past the time limit, gets an ``unreadable`` answer saying why, and the run goes on.

A worker hands back an :class:`Outcome`: the file's report entries (plain, JSON-ready data, cheap
to send between processes) and the log lines it produced, which the parent writes, so that nothing
a worker says lands in the middle of a progress bar.

The annotated copy's writer (and with it openpyxl, which imports numpy) is imported only when a
copy is to be written: a check without ``--out`` never loads it.
"""

from __future__ import annotations

import logging
import os
import signal
import stat
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator

from evaluator.families import Definitions
from evaluator.intake.safety import EXPECTED_KIND
from evaluator.runner.engine import SUFFIXES, FileResult, check_file
from evaluator.intake.limits import DEFAULT_LIMITS, Limits
from evaluator.runner.parallel import Stop, ordered_map
from evaluator.outputs.reporters import OUTPUT_FILES
from evaluator.outputs.reporters import json as json_reporter
from evaluator.outputs.atomic import is_no_space, no_more_readable_than
from evaluator.outputs.inert import printable, safe_path, shown_path
from evaluator.outputs.marker import RESULT_SHEET, is_result_sheet, read_mark

if TYPE_CHECKING:
    from evaluator.runner.discovery import Skipped

log = logging.getLogger("evaluator")
CHECKED_SUFFIX = ".checked.xlsx"


@dataclass(frozen=True)
class Job:
    """One file to check: where it is, how to show it, where its annotated copy goes.

    ``dropped_as`` is where the hot folder found it, when it was moved into the archive before
    being checked; ``own_output`` says it is an annotated copy of this tool's that someone has
    saved since (its 校验结果 sheet is then not read); ``mode`` is its permission bits, which its
    outputs never exceed.
    """

    path: Path
    display: str
    relative: Path
    dropped_as: str | None = None
    own_output: bool = False
    mode: int | None = None


def is_own_output(path: Path, out_dir: Path | None) -> bool:
    """A report this tool wrote into ``out_dir`` (summary.xlsx), never a form to check."""
    from evaluator.outputs.reporters.summary_xlsx import is_own_summary

    return (out_dir is not None and path.name in OUTPUT_FILES and path.parent.resolve() == out_dir.resolve()
            and is_own_summary(path))


def _beside_our_summary(path: Path) -> bool:
    """A report's name in a folder whose summary.xlsx this tool wrote: one of our reports."""
    from evaluator.outputs.reporters.summary_xlsx import is_own_summary

    return is_own_summary(path.parent / "summary.xlsx")


def own_output(path: Path, display: str, limits: Limits = DEFAULT_LIMITS) -> bool | None:
    """Whether ``path`` is a workbook this tool wrote: True when unmodified since (skip it), False
    when someone saved it since (check it, without its 校验结果 sheet), None when it is not one."""
    mark = read_mark(path, limits)
    if mark is None:
        return None
    if mark.modified:
        log.info("%s：本工具写出的工作簿，之后已被修改，照常检查（不读其“%s”工作表）", display, RESULT_SHEET)
        return False
    log.info("%s：本工具写出的工作簿（%s），未修改，跳过", display,
             mark.written.isoformat() if mark.written else "汇总表")
    return True


@dataclass
class Discovery:
    """What a look at the paths given found: the files to check, what was deliberately not read,
    and the files that are not spreadsheets (``others``: a PDF, a Word document …), each answered."""

    jobs: list[Job]
    skipped: list[Skipped]
    others: list[Skipped] = field(default_factory=list)


def _our_report(path: Path, out_dir: Path | None) -> bool:
    """report.html or report.json of this run's output folder (when it is also the folder checked)."""
    return (out_dir is not None and path.name in OUTPUT_FILES
            and os.path.realpath(path.parent) == os.path.realpath(out_dir))


def sort_others(items: Iterable[Skipped], out_dir: Path | None) -> tuple[list[Skipped], list[Skipped]]:
    """The files of a folder that are not workbooks: those to answer as other files (``不是表格文件``),
    and our own reports found beside a summary.xlsx of ours, to name as skipped. This run's own
    report.html and report.json are neither."""
    from evaluator.runner.discovery import Skipped

    others, skipped = [], []
    for item in items:
        if _our_report(Path(item.path), out_dir):
            continue
        if Path(item.path).name in OUTPUT_FILES and _beside_our_summary(Path(item.path)):
            skipped.append(Skipped(item.path, "本工具写出的报告（与 summary.xlsx 同在一个输出文件夹），不再检查"))
            continue
        others.append(item)
    return others, skipped


def _within(path: Path, folder: Path | None) -> bool:
    if folder is None:
        return False
    try:
        return Path(os.path.realpath(path)).is_relative_to(os.path.realpath(folder))
    except OSError:
        return False


def find(paths: Iterable[Path], out_dir: Path | None = None, *, follow: bool = False,
         limits: Limits = DEFAULT_LIMITS) -> Discovery:
    """The workbooks named or found (recursively, sorted) under ``paths``, skipping ``out_dir``.

    A folder is a boundary (:mod:`evaluator.runner.discovery`): links out of it, pipes, sockets and
    devices are skipped with a reason, unless ``follow``. A workbook this tool wrote is skipped
    while unmodified, and named as skipped (with the reason) when found outside ``out_dir``: a copy
    someone renamed is answered, not passed over in silence. A file of a folder that is not a
    spreadsheet goes to ``others`` with the reason. A file named on the command line is read as given (a link is followed), but
    a pipe, socket or device named is not opened either, and one whose suffix is neither a
    workbook's nor a text table's (report.pdf) goes to ``others`` as it would in a folder.
    """
    jobs: list[Job] = []
    skipped: list[Skipped] = []
    others: list[Skipped] = []
    seen: set[str] = set()

    def add(path: Path, target: Path, display: str, relative: Path, mode: int, found: bool) -> None:
        real = os.path.realpath(target)
        if real in seen:
            return
        seen.add(real)
        display, relative = named(display), Path(safe_path(str(relative)))
        if not found:  # named on the command line: read as given, without its 校验结果 sheet if ours
            jobs.append(Job(path=target, display=display, relative=relative,
                            own_output=read_mark(target, limits) is not None, mode=stat.S_IMODE(mode)))
            return
        mark = own_output(target, display, limits)
        if mark:
            if not _within(path, out_dir):
                from evaluator.runner.discovery import Skipped

                skipped.append(Skipped(display, "本工具写出的文件（内容未修改，可能已改名），不再检查"))
            return
        if mark is None and path.name.lower().endswith(CHECKED_SUFFIX):
            log.debug("%s：按名称是批注副本，跳过", display)
            return  # an annotated copy of an earlier version, without the mark
        jobs.append(Job(path=target, display=display, relative=relative, own_output=mark is False,
                        mode=stat.S_IMODE(mode)))

    # The walker (evaluator.runner.discovery) is loaded for a folder, or a file named that is not a
    # workbook: a check of one workbook named on the command line never needs it.
    for root in paths:
        if root.is_dir():
            from evaluator.runner.discovery import walk

            walked = walk(root, follow=follow, exclude=[out_dir] if out_dir is not None else [])
            skipped.extend(walked.skipped)
            answered, ours = sort_others(walked.others, out_dir)
            others.extend(answered)
            skipped.extend(ours)
            for item in walked.found:
                if is_own_output(item.target, out_dir):
                    continue
                add(item.path, item.target, str(item.path), item.relative, item.info.st_mode, True)
            continue
        try:
            info = os.stat(root)
        except OSError:
            info = None
        if info is not None and not stat.S_ISREG(info.st_mode):
            from evaluator.runner.discovery import Skipped, special_kind

            kind = special_kind(info.st_mode)
            if kind is not None:
                skipped.append(Skipped(str(root), f"{kind}，不是普通文件，未读取"))
                continue
        if info is not None and stat.S_ISREG(info.st_mode) and root.suffix and root.suffix.lower() not in NAMED_SUFFIXES:
            from evaluator.runner.discovery import Skipped, not_a_spreadsheet

            # A PDF or a Word document named on the command line is answered as in a folder: an
            # other file, not an unreadable workbook. (A CSV or an HTML table named is read, as a
            # text table; a name without a suffix is read by its content.)
            others.append(Skipped(named(str(root)), not_a_spreadsheet(root.name)))
            continue
        # A link named is followed, to its target: the file is then opened without following links.
        target = Path(os.path.realpath(root)) if root.is_symlink() else root
        add(root, target, str(root), Path(root.name), info.st_mode if info is not None else 0o666, False)
    for item in skipped:
        log.warning("%s：%s", printable(item.path), item.reason)
    for item in others:
        log.info("%s：%s", printable(item.path), item.reason)
    return Discovery(jobs, skipped, others)


#: What a file named on the command line is read as: a workbook, or a table saved as text.
NAMED_SUFFIXES = frozenset(SUFFIXES) | frozenset(EXPECTED_KIND)


def named(display: str) -> str:
    """How a file is shown (and its outputs named): as it is when its name is UTF-8, else decoded
    as GBK or escaped (:func:`evaluator.outputs.inert.shown_path`), which is said once."""
    shown, how = shown_path(display)
    if how == "gbk":
        log.warning("%s：文件名不是 UTF-8 编码，按 GBK 解码显示（报告中 path_encoding 为 gbk）", shown)
    elif how == "escaped":
        log.warning("%s：文件名不是 UTF-8 编码，无法解码的字节显示为 \\xNN（报告中 path_encoding 为 escaped）", shown)
    return shown


def destinations(jobs: list[Job], out_dir: Path, reserved: Iterable[Path] = ()) -> dict[Path, Path]:
    """Where each job's annotated copy goes: DIR/<sub-folders>/<stem>.checked.xlsx, never twice the
    same, and never one of ``reserved`` (the copies of files checked earlier into DIR)."""
    from evaluator.outputs.annotate import fit_name   # a run with --out: it writes copies anyway

    taken: set[Path] = set(reserved)
    result: dict[Path, Path] = {}
    for job in jobs:
        folder = out_dir / job.relative.parent
        stem = job.relative.stem
        if job.relative.name.lower().endswith(CHECKED_SUFFIX):   # an annotated copy sent back: X.checked.xlsx
            stem = job.relative.name[:-len(CHECKED_SUFFIX)] or stem  # is annotated as X.checked.xlsx again
        candidate = folder / fit_name(stem, CHECKED_SUFFIX)
        if candidate in taken:
            candidate = folder / fit_name(stem, f"{job.relative.suffix.replace('.', '-')}{CHECKED_SUFFIX}")
        counter = 2
        while candidate in taken:
            candidate = folder / fit_name(stem, f"-{counter}{CHECKED_SUFFIX}")
            counter += 1
        taken.add(candidate)
        result[job.path] = candidate
    return result


def no_copy_reason(result: FileResult) -> str | None:
    """Why a checked file gets no annotated copy (None: it gets one). A copy is made only of a file
    in which a form was found: anything else would only reproduce the file's content elsewhere."""
    if result.error is not None:
        return "文件无法读取，不生成批注副本"
    if not any(form.family is not None for form in result.forms):
        return "未找到自评表，不生成批注副本"
    return None


def process(job: Job, definitions: Definitions, destination: Path | None, limits: Limits = DEFAULT_LIMITS,
            fix: bool = False, earlier: list[dict[str, Any]] | None = None) -> FileResult:
    """Check one file and, when asked and a form was found, write its annotated copy (never more
    readable than the file) and, with ``fix``, its proposed corrected copy beside it. Never raises
    for a bad file. ``earlier``: the manifest's entries of the file, when it is checked again only
    for its copy to show the reviews changed since (see :class:`Task`)."""
    keep = destination is not None
    result = check_file(job.path, definitions, display=job.display, keep_grids=keep, limits=limits,
                        ignore_sheet=is_result_sheet if job.own_output else None)
    if result.grids is not None:
        from evaluator.outputs.marker import values_digest

        result.values_digest = values_digest(result.grids)
    if destination is not None and no_copy_reason(result) is None:
        from evaluator.outputs.annotate import write_annotated   # openpyxl: only to write a copy

        try:
            mode = job.mode if job.mode is not None else stat.S_IMODE(os.stat(job.path).st_mode)
            result.round_lines, result.round_marks, result.reviews_shown = _round_lines(result, job, destination,
                                                                                        earlier)
            with no_more_readable_than(mode):
                write_annotated(result, destination)
            result.annotated = str(destination)
        except Exception as exc:  # noqa: BLE001 - the check stands; only the copy failed
            if is_no_space(exc):
                log.warning("%s：磁盘空间不足，批注副本未写出，空间恢复后再检查", job.display)
                result.grids = None
                raise OutOfSpace(result) from exc
            log.warning("%s：批注副本写入失败（%s: %s）", job.display, type(exc).__name__, exc)
        if fix and result.annotated is not None:
            write_corrected(job, result, destination, mode)
    result.grids = None
    return result


class OutOfSpace(Exception):
    """The annotated copy could not be written for want of disk space: the check (``result``)
    stands, and the file is to be tried again once there is space."""

    def __init__(self, result: FileResult) -> None:
        super().__init__("磁盘空间不足")
        self.result = result


def _round_lines(result: FileResult, job: Job, destination: Path,
                 earlier: list[dict[str, Any]] | None = None) -> tuple[list[str], dict, str | None]:
    """The lines 校验结果 shows of the last round of the same form (the output folder's history, or
    the comparison ``earlier`` entries made when they were checked), each finding's 本轮变化 and
    the digest of the reviews shown (:class:`evaluator.runner.rounds.Shown`)."""
    from evaluator.runner.rounds import preview, replay

    out_dir = destination.parents[len(job.relative.parent.parts)]
    try:
        if earlier is not None:
            return replay(earlier, out_dir)
        return preview(json_reporter.entries([result]), out_dir)
    except Exception as exc:  # noqa: BLE001 - a line of the copy, never a reason to fail the file
        log.debug("%s：未能与上轮对比（%s）", job.display, exc)
        return [], {}, None


def write_corrected(job: Job, result: FileResult, destination: Path, mode: int) -> None:
    """``--fix``: the proposed corrected copy beside the annotated one (see :mod:`evaluator.outputs.fix`)."""
    from evaluator.outputs.fix import fixed_name, write_fixed

    target = fixed_name(destination, job.relative.stem)
    try:
        with no_more_readable_than(mode):
            write_fixed(result, target)
        result.corrected_copy = str(target)
    except Exception as exc:  # noqa: BLE001 - the check stands; only the corrected copy failed
        log.warning("%s：更正稿写入失败（%s: %s）", job.display, type(exc).__name__, exc)


@dataclass(frozen=True)
class Task:
    """One file for a worker: the job, where its annotated copy goes (None: no copy), and whether
    a proposed corrected copy is written beside it (``--fix``).

    ``earlier`` holds the manifest's entries of a file that is the same as when it was checked but
    whose reviews changed since its copy was written: it is checked again for its copy to show them,
    and the copy shows the comparison with the last round those entries made (the file's own answer
    is theirs: see :func:`evaluator.runner.batch.check_jobs`)."""

    job: Job
    destination: Path | None = None
    fix: bool = False
    earlier: list[dict[str, Any]] | None = None


@dataclass
class Outcome:
    """What checking one file gave: its report entries, and whether they may be kept for later.

    ``complete`` is False when the answer says nothing about the file itself (the check failed or
    the annotated copy could not be written): such an answer is reported but not kept in the
    manifest, so the next run tries again. ``out_of_space`` says the copy failed for want of disk
    space, which passes: the hot folder tries the file again once there is space.
    """

    entries: list[dict[str, Any]]
    annotated: str | None = None
    complete: bool = True
    out_of_space: bool = False
    log: list[tuple[int, str]] = field(default_factory=list)
    seconds: float = 0.0
    reviews: str | None = None   # digest of the reviews the annotated copy shows (None: none)


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
        short = False
        try:
            extra: dict[str, Any] = {"fix": True} if task.fix else {}
            if task.earlier is not None:
                extra["earlier"] = task.earlier
            try:
                result = process(task.job, _DEFINITIONS, task.destination, _LIMITS, **extra)
            except OutOfSpace as exc:
                result, short = exc.result, True
            reason = no_copy_reason(result) if task.destination is not None else None
            entries = json_reporter.entries([result])
            if reason is not None:
                for entry in entries:
                    entry["not_annotated"] = reason
            outcome = Outcome(
                entries=entries,
                annotated=result.annotated,
                complete=not short and (task.destination is None or result.annotated is not None
                                        or reason is not None),
                out_of_space=short,
                reviews=result.reviews_shown,
            )
        except Exception as exc:  # noqa: BLE001 - a bug on one file is that file's answer
            log.error("%s：检查时出错（%s: %s）", task.job.display, type(exc).__name__, exc)
            outcome = failed(task, f"{type(exc).__name__}: {exc}")
    outcome.log = records
    outcome.seconds = time.perf_counter() - started
    return outcome


class _Late(BaseException):
    """Raised in the main thread when a file checked in process runs past its time limit (a
    BaseException: the readers' and the copy's ``except Exception`` do not swallow it)."""


def can_alarm() -> bool:
    """Whether a time limit can be kept in this process: SIGALRM exists and this is the main thread."""
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


@contextmanager
def _alarm(seconds: float) -> Iterator[list[bool]]:
    """Raise :class:`_Late` in this (main) thread after ``seconds``; the list yielded holds True once
    it rang."""
    rang: list[bool] = []

    def ring(signum, frame):  # noqa: ARG001 - the signal handler signature
        rang.append(True)
        raise _Late

    previous = signal.signal(signal.SIGALRM, ring)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield rang
    finally:
        try:
            signal.setitimer(signal.ITIMER_REAL, 0)
        finally:
            signal.signal(signal.SIGALRM, previous)


def check_alone(task: Task, definitions: Definitions, limits: Limits, timeout: float) -> Outcome:
    """One file checked in this process (no worker to start: a one-file check answers at once),
    kept to ``timeout`` seconds by an alarm: past it, whatever it was doing is interrupted (an
    annotated copy half-written is removed by its atomic writer) and the answer is :func:`timed_out`.
    An alarm interrupts Python code; a reader inside native code notices it when it returns (the
    intake's size limits keep that short)."""
    prepare(definitions, limits)
    outcome = None
    try:
        with _alarm(timeout) as rang:
            outcome = check_one(task)
    except _Late:
        rang = [True]
    if rang or outcome is None:
        return timed_out(task, timeout)
    return outcome


def run(tasks: list[Task], definitions: Definitions, workers: int = 1, stop: Stop | None = None,
        on_done: Callable[[], None] | None = None,
        limits: Limits = DEFAULT_LIMITS, timeout: float | None = None,
        alone_in_process: bool = False) -> Iterator[tuple[int, Outcome]]:
    """Check every task on up to ``workers`` processes; ``(index, outcome)`` in input order.

    When ``stop`` is set, files under way finish and are yielded; the others are not started.
    With ``timeout`` (seconds; None or 0: none) every file runs in a worker process, and one still
    under way past it is stopped (its worker replaced) and answered by :func:`timed_out` — except,
    with ``alone_in_process`` (a one-off ``check`` of one file), a single task, checked here under
    an alarm (:func:`check_alone`).
    """
    if alone_in_process and len(tasks) == 1 and timeout and can_alarm() and not stop:
        yield 0, check_alone(tasks[0], definitions, limits, timeout)
        if on_done is not None:
            on_done()
        return
    if any(task.destination is not None for task in tasks):
        import evaluator.outputs.annotate  # noqa: F401 - loaded once here, shared by the forked workers
    yield from ordered_map(check_one, tasks, workers=workers, on_crash=failed, initializer=prepare,
                           initargs=(definitions, limits), stop=stop, on_done=on_done,
                           timeout=timeout, on_timeout=timed_out)
