"""A hot folder: check every workbook that lands in INBOX, once it is completely written.

Accountants save or copy workbooks into INBOX; the watcher polls it (no extra dependency, works on
network shares) and takes a file when it is complete:

* its size and modification time are the same on two polls ``interval`` seconds apart, and
* it opens: an .xlsx/.xlsm/.ods has its zip directory (written last), an .xls its OLE header.
  A file that never opens (a damaged upload) is taken once it has been still for ``settle``
  seconds, so that it is reported as unreadable rather than waited for forever.

The inbox is a trust boundary. It is walked without following any symbolic link, and only regular
files are opened (without following a link swapped in since): links, named pipes, sockets and
devices are listed in the reports' ``skipped`` and logged once per version, never read, never
archived. Office lock files (``~$…``), dotfiles and hidden folders are ignored; a workbook this
tool wrote is left alone while unmodified (see :mod:`evaluator.outputs.marker`).
A file that is not a spreadsheet (a PDF, a Word document, a CSV) is answered as ``check`` answers
it: listed in ``others`` with its reason (``不是表格文件（PDF 文档），未检查``) in the batch that
first sees it (a batch of its own when no workbook comes with it) and in the reports while it is in
the inbox; it is never read, moved or archived.

Each batch of ready files is checked like ``evaluator check INBOX --out DIR`` (lock, manifest,
annotated copies, and with ``fix`` the corrected copies of ``--fix``), then the reports in DIR are rewritten to cover every file DIR holds
(and the annotated copies of files answered earlier whose reviews changed since, to show them). With
``archive``, each file is first moved there, never overwriting (``name-2.xlsx`` on a clash), and is
checked from there: its annotated copy, manifest record and report entry follow the name it was
archived under (``name-2.checked.xlsx``), with ``path`` the archived path and ``dropped_as`` where
it was dropped, so a file dropped later under the same name never takes an earlier one's results.
Without an archive, results are keyed by the name in INBOX: a later file replaces the earlier one's
result, and its entry says so (``replaced``). A file whose check failed for a reason of the tool's
own goes back to INBOX and is not retried until it changes; one not started before a stop goes
back to be taken next time.

Nothing taken is lost, whatever stops the watcher (a kill, a crash, a power cut): with an archive,
each take is written to DIR's journal (:mod:`evaluator.runner.journal`, fsync'd) *before* the file
is moved, and each answer as soon as it exists. A watcher starting on DIR first answers every file
taken and not answered (in the archive, once each; one still in the inbox is simply taken again);
a move across file systems cut short (the copy whole in the archive, the original still in the
inbox) is completed first, so the file is answered once, not twice.

A full disk (DIR's or the archive's) is said once, in Chinese; the watcher then takes no new file,
leaves what it took in the archive (its take open in the journal) and tries again after a
back-off (the poll interval, doubling up to :data:`MAX_BACKOFF`), one taken file at a time, until
one is answered whole; then it goes on by itself, no restart needed. Outputs are written
atomically, so a full disk leaves the previous version, never half of a new one.

A report that cannot replace its file (summary.xlsx open in Excel on a shared drive, no permission)
does not stop the watcher: as with ``check``, the other reports are written, the new one goes under
another name (``summary (1).xlsx``), one line in Chinese says so, and the watcher keeps running
(``--once`` then exits 3).
"""

from __future__ import annotations

import errno
import logging
import os
import shutil
import stat
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from evaluator.outputs.atomic import is_no_space, no_more_readable_than, remove_stale, replacing
from evaluator.outputs.inert import printable, safe_path
from evaluator import __version__
from evaluator.runner.batch import Batch, check_jobs, settings_digest
from evaluator.runner.rounds import follow_up, review_only, take_in
from evaluator.families import Definitions
from evaluator.intake.limits import DEFAULT_LIMITS, Limits
from evaluator.runner.lock import FolderBusy, holding
from evaluator.runner.journal import Journal
from evaluator.runner.manifest import MANIFEST_NAME, Manifest, content_digest
from evaluator.runner.parallel import Stop
from evaluator.outputs.reporters import write_reports
from evaluator.outputs.reporters import json as json_reporter
from evaluator.runner.discovery import Skipped, walk
from evaluator.runner.run import CHECKED_SUFFIX, Job, is_own_output, named, own_output, sort_others

log = logging.getLogger("evaluator")
OLE_MAGIC = bytes.fromhex("d0cf11e0a1b11ae1")
Signature = tuple[int, int]  # size, modification time (ns)
MAX_BACKOFF = 60.0           # seconds between tries at most while the disk is full
GROWING_WATCH = 3600.0       # seconds an archived file taken before it opened is watched for growth


@dataclass
class WatchOptions:
    inbox: Path
    out_dir: Path
    archive: Path | None = None
    interval: float = 2.0
    settle: float = 60.0
    workers: int | None = None
    wait: float = 60.0
    progress: bool = False
    limits: Limits = DEFAULT_LIMITS
    timeout: float | None = None  # seconds one file may take (None or 0: no limit)
    fix: bool = False             # --fix: a proposed corrected copy beside each annotated one


def opens(path: Path) -> bool:
    """Whether the file is whole as far as its format tells: a zip directory, an OLE header.

    Opened without following a link and without blocking: only a regular file is looked at."""
    try:
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return False
    try:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            return False
        with os.fdopen(descriptor, "rb", closefd=False) as stream:
            head = stream.read(8)
            if path.suffix.lower() == ".xls":
                return head == OLE_MAGIC
            stream.seek(0)
            with zipfile.ZipFile(stream):
                return True
    except (OSError, zipfile.BadZipFile, ValueError):
        return False
    finally:
        os.close(descriptor)


def forbidden(path: Path) -> bool:
    """Whether the file is there but this user may not open it (its permissions)."""
    try:
        os.close(os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)))
    except PermissionError:
        return True
    except OSError:
        return False
    return False


def archive_path(archive: Path, relative: Path, taken: Callable[[Path], bool] | None = None) -> Path:
    """Where an original goes in the archive: its relative path, suffixed -2, -3… on a clash (with a
    file there, or with a name ``taken`` says an earlier file's results are kept under)."""
    candidate = archive / relative
    counter = 2
    while os.path.lexists(candidate) or (taken is not None and taken(candidate)):
        candidate = archive / relative.parent / f"{relative.stem}-{counter}{relative.suffix}"
        counter += 1
    return candidate


def _move(source: Path, destination: Path) -> None:
    """Move a file without following a link: a rename, or across file systems a copy of the regular
    file opened without following links, then the original removed."""
    destination.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.rename(source, destination)
        return
    except OSError as exc:
        if exc.errno != errno.EXDEV:
            raise
    descriptor = os.open(source, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    try:
        info = os.fstat(descriptor)
        if not stat.S_ISREG(info.st_mode):
            raise OSError(errno.EINVAL, "不是普通文件", str(source))
        with os.fdopen(descriptor, "rb", closefd=False) as stream, \
                no_more_readable_than(stat.S_IMODE(info.st_mode)), replacing(destination, binary=True) as copy:
            shutil.copyfileobj(stream, copy, 1 << 20)
        os.utime(destination, ns=(info.st_atime_ns, info.st_mtime_ns))
    finally:
        os.close(descriptor)
    os.unlink(source)


class Watcher:
    """Polls an inbox and checks what is ready; see the module docstring."""

    def __init__(self, options: WatchOptions, definitions: Definitions, stop: Stop | None = None,
                 on_batch: Callable[[Batch], None] | None = None) -> None:
        self.options = options
        self.definitions = definitions
        self.stop = stop if stop is not None else Stop()
        self.on_batch = on_batch
        self.seen: dict[Path, Signature] = {}
        self.handled: dict[Path, Signature] = {}
        self.waiting: set[Path] = set()
        self.skipped: list[Skipped] = []              # what the last look found and did not read
        self.others: list[Skipped] = []               # files of the inbox that are not spreadsheets
        self._shown_others: set[Skipped] = set()     # other files a batch's report has shown already
        self._said: set[str] = set()                 # reports not replaced, already said
        self._told: dict[str, tuple[int, ...]] = {}   # skipped path → the version of it already logged
        # the skipped and other files the reports in DIR hold
        self._reported: tuple[frozenset[Skipped], frozenset[Skipped]] | None = None
        self._shown: set[Skipped] = set()            # skipped paths a batch's report has shown already
        self.recovered = False                       # the journal's open takes were looked at
        self.unopened: set[Path] = set()             # inbox files taken though they did not open
        self.answered_before = 0                     # ready files DIR had answered already (no archive)
        # archived files taken as they were though they did not open: signature, job, since when
        self.growing: dict[Path, tuple[Signature, Job, float]] = {}
        self._growing_seen: dict[Path, Signature] = {}
        self.full_since: float | None = None         # when the disk was found full (None: it is not)
        self.backoff = 0.0                           # seconds until the next try while it is full
        self.retry_at = 0.0
        # A watcher writes annotated copies: load their writer (openpyxl) now, once, rather than
        # between taking a file into the archive and starting its check.
        import evaluator.outputs.annotate  # noqa: F401

    def scan(self) -> dict[Path, Signature]:
        """Every candidate workbook in the inbox with its size and modification time.

        The inbox is walked without following any link (:mod:`evaluator.runner.discovery`); links,
        pipes, sockets and devices are noted in :attr:`skipped` and logged once per version."""
        options = self.options
        walked = walk(options.inbox, links=False,
                      exclude=[folder for folder in (options.out_dir, options.archive) if folder is not None])
        found: dict[Path, Signature] = {}
        for item in walked.found:
            if is_own_output(item.path, options.out_dir):
                continue
            found[item.path] = (item.info.st_size, item.info.st_mtime_ns)
        # A PDF, a Word document, a CSV dropped in the inbox: answered as check answers it, left
        # where it is (never archived), listed in the reports while it is there.
        others, ours = sort_others(walked.others, options.out_dir)
        for item in others:
            if item not in self.others:
                log.info("%s：%s", printable(item.path), item.reason)
        self.others = others
        self._note(walked.skipped + ours)
        return found

    def _note(self, skipped: list[Skipped]) -> None:
        self.skipped = skipped
        current: dict[str, tuple[int, ...]] = {}
        for item in skipped:
            try:
                info = os.lstat(item.path)
                version = (info.st_ino, info.st_mode, info.st_size, info.st_mtime_ns)
            except OSError:
                version = ()
            current[item.path] = version
            if self._told.get(item.path) != version:
                log.warning("%s：%s", printable(item.path), item.reason)
        self._told = current

    def ready(self, now: dict[Path, Signature]) -> list[Path]:
        """The files that have not changed since the last poll, are complete and are not yet done."""
        result = []
        for path, signature in now.items():
            if self.handled.get(path) == signature:
                continue
            if self.seen.get(path) != signature:
                self._wait(path, "仍在写入")
                continue
            if not opens(path):
                if forbidden(path):
                    # Not a file being written but one this user may not read: checked now, and
                    # reported unreadable with that reason (never "尚未写完").
                    pass
                elif time.time() - signature[1] / 1e9 < self.options.settle:
                    self._wait(path, "尚不完整")
                    continue
                else:
                    self.unopened.add(path)   # taken as it is (damaged?); looked at again if it grows
            self.waiting.discard(path)
            result.append(path)
        return result

    def _wait(self, path: Path, why: str) -> None:
        if path not in self.waiting:
            log.info("%s：%s，稍后再看", path, why)
            self.waiting.add(path)

    def poll(self) -> Batch | None:
        """Look once; check what is ready. None when nothing was ready."""
        now = self.scan()
        ready = self.ready(now)
        self.seen = now
        self.handled = {path: sig for path, sig in self.handled.items() if path in now}
        self.waiting &= set(now)
        again = self._grown()
        if again:
            ready = list(ready)
        if self.full_since is not None:
            # The disk was full: take nothing new; only try again to answer what is taken and to
            # write the reports, which tells whether there is space again.
            if time.monotonic() < self.retry_at:
                return None
            ready = []
        elif not ready and not self.recovered and not Journal(self.options.out_dir).path.exists():
            self.recovered = True   # nothing was left open by an earlier watcher
        fresh_others = [item for item in self.others if item not in self._shown_others]
        if not ready and not again and self.recovered and self.full_since is None and not fresh_others:
            # A watcher killed between saving its answers and writing the reports left them behind
            # the manifest: a starting watcher writes them once, from the manifest, when DIR has one.
            # (Other files newly dropped make a batch of their own, so that they are answered.)
            stale = self._reported is None and (self.options.out_dir / MANIFEST_NAME).exists()
            if stale or self._looked() != (self._reported if self._reported is not None else self._nothing()):
                # What is skipped changed: the reports say so even when nothing new was checked, when
                # DIR is free now (a run holding it rewrites them, and so does the next batch).
                try:
                    with holding(self.options.out_dir, 0):
                        remove_stale(self.options.out_dir)
                        self._write_reports(Manifest.load(self.options.out_dir))
                except FolderBusy:
                    pass
            return None
        try:
            batch = self.process(ready, now, again)
        except OSError as exc:
            if not is_no_space(exc):
                raise
            self._full(exc)
            return None
        if batch is not None and batch.out_of_space:
            self._full(OSError(errno.ENOSPC, os.strerror(errno.ENOSPC)))
        elif self.full_since is not None:
            log.warning("磁盘空间已恢复（暂停 %.0f 秒），继续接收新文件", time.monotonic() - self.full_since)
            self.full_since, self.backoff = None, 0.0
        if batch is not None and self.on_batch is not None:
            self.on_batch(batch)
        return batch

    def _grown(self) -> list[Job]:
        """Archived files taken though they did not open (damaged, or a copy that stalled past
        ``settle``) that have changed since and are still now: checked again, under the same name.
        One that stays unchanged for ``GROWING_WATCH`` seconds is no longer looked at."""
        again = []
        for path, (signature, job, since) in list(self.growing.items()):
            try:
                info = os.lstat(path)
            except OSError:
                del self.growing[path]
                continue
            current = (info.st_size, info.st_mtime_ns)
            if current == signature:
                if time.monotonic() - since > GROWING_WATCH:
                    del self.growing[path]
                continue
            if self._growing_seen.get(path) != current:   # still being written: wait for it to be still
                self._growing_seen[path] = current
                continue
            self._growing_seen.pop(path, None)
            self.growing[path] = (current, job, time.monotonic())
            if opens(path):
                del self.growing[path]
            log.warning("%s：归档后又被写入（取走时尚不完整），重新检查", path)
            again.append(job)
        return again

    def _full(self, exc: OSError) -> None:
        """The disk holding DIR or the archive is full: say so once, take no new file, and try again
        after a while, longer each time (up to :data:`MAX_BACKOFF` seconds)."""
        self.recovered = False   # what was taken and not answered is answered first, from the journal
        self.backoff = min(MAX_BACKOFF, max(self.options.interval, 1.0) if not self.backoff else self.backoff * 2)
        self.retry_at = time.monotonic() + self.backoff
        if self.full_since is None:
            self.full_since = time.monotonic()
            log.error("磁盘空间不足（%s）：暂停接收新文件；已取走的文件留在归档中，答案不会丢失；"
                      "空间恢复后自动继续，无需重启", exc.strerror or exc)

    def _looked(self) -> tuple[frozenset[Skipped], frozenset[Skipped]]:
        return frozenset(self.skipped), frozenset(self.others)

    @staticmethod
    def _nothing() -> tuple[frozenset[Skipped], frozenset[Skipped]]:
        return frozenset(), frozenset()

    def _write_reports(self, manifest: Manifest, jobs: list[Job] = (), unwritten: list | None = None,
                       seen: tuple | None = None) -> tuple[list[Path], dict[str, Any]]:
        """Rewrite the reports in DIR: every file it holds, and what the inbox holds and is not read
        (``skipped``) or is not a spreadsheet (``others``). They are never more readable than the
        least readable file they cover, nor than any file of the batch (``jobs``; as ``check`` does).
        Returns the reports written and their summary.

        A report that cannot replace its file (summary.xlsx open in Excel on a shared drive) does
        not stop the watcher: as ``check`` does, the others are written, the new one goes under
        another name (``summary (1).xlsx``), one line in Chinese says so (even with ``--quiet``;
        again only when what it says changes), and the problems are added to ``unwritten``. A full
        disk is raised, as before: the watcher pauses (see the module docstring). ``seen``: what the
        batch read of summary.xlsx (:func:`evaluator.runner.rounds.follow_up`), not read again."""
        everything = json_reporter.assemble(manifest.all_entries(), [item.to_dict() for item in self.skipped],
                                            [item.to_dict() for item in self.others])
        review_only(everything["files"], self.options.out_dir, seen)
        problems: list = []
        with no_more_readable_than(*manifest.modes(), *(job.mode for job in jobs if job.mode is not None)):
            written = write_reports(everything, self.options.out_dir, unwritten=problems)
        if any(problem.no_space for problem in problems):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        said = set()
        for problem in problems:
            message = problem.message()
            said.add(message)
            if message not in self._said:
                log.error("%s", message)
        self._said = said
        if unwritten is not None:
            unwritten.extend(problems)
        self._reported = self._looked()
        return written, everything["summary"]

    def process(self, paths: list[Path], now: dict[Path, Signature], again: list[Job] = ()) -> Batch | None:
        """Take ``paths`` (ready in the inbox) and check them, with the archived files to check again
        (``again``) and those an earlier watcher took and did not answer. None when nothing was to
        be checked (another watcher answered all of it meanwhile)."""
        options = self.options
        jobs: list[Job] = list(again)
        batch: Batch | None = None
        short = False   # the disk is full: what is taken stays taken, to be answered once there is space
        with holding(options.out_dir, options.wait):
            remove_stale(options.out_dir)
            manifest = Manifest.load(options.out_dir)
            try:
                if not self.recovered:
                    # While the disk is full, one file at a time tells whether there is space again.
                    jobs.extend(self._recover(manifest, limit=1 if self.full_since is not None else None))
                for path in paths:
                    try:
                        job = self._take(path, now[path], manifest)
                    except OSError as exc:
                        if not is_no_space(exc):
                            raise
                        log.warning("%s：磁盘空间不足，未移入归档，留在收件文件夹", path)
                        short = True   # take nothing more; check what is taken
                        break
                    if job is not None:
                        jobs.append(job)
                if not jobs and paths and not short and not [
                        item for item in self.others if item not in self._shown_others]:
                    return None   # every file ready was answered by another watcher meanwhile
                try:
                    # A batch's own report (printed as it is done) shows what is newly skipped; the
                    # reports in DIR show all that the inbox holds and is not read.
                    fresh = [item for item in self.skipped if item not in self._shown]
                    fresh_others = [item for item in self.others if item not in self._shown_others]
                    # As check does: the notes typed in summary.xlsx, into reviewed.csv before the
                    # workers start, for the annotated copies to show them in this batch.
                    seen = take_in(options.out_dir)
                    batch = check_jobs(jobs, self.definitions, options.out_dir, manifest, workers=options.workers,
                                       progress=options.progress, stop=self.stop, limits=options.limits,
                                       skipped=[item.to_dict() for item in fresh], timeout=options.timeout,
                                       fix=options.fix, others=[item.to_dict() for item in fresh_others])
                    self._shown = set(self.skipped)
                    self._shown_others = set(self.others)
                    short = short or batch.out_of_space
                    batch.out_of_space = short
                    seen = follow_up(batch.report["files"], options.out_dir, seen)   # rounds and reviews
                    batch.keep_comparisons(manifest)   # the rounds, for the entries reused later
                    if not short and not self.stop:   # a full disk, or asked to stop: the next batch
                        self._rewrite_copies(manifest, jobs)
                finally:
                    with no_more_readable_than(*manifest.modes()):
                        manifest.save()
                batch.reports, batch.totals = self._write_reports(manifest, jobs, batch.unwritten, seen)
            except OSError as exc:
                short = short or is_no_space(exc)
                raise
            finally:
                settled = set(batch.settled) if batch is not None else set()
                # Interrupted outright: what reached the manifest is done all the same (an archived
                # name is never a key before its file is checked).
                settled |= {job.path for job in jobs
                            if job.dropped_as is not None and job.relative.as_posix() in manifest.records}
                for job in jobs:
                    if job.path in settled:
                        continue
                    if short and job.dropped_as is not None:
                        self.recovered = False   # stays in the archive, its take open in the journal
                        continue
                    self._give_back(job, manifest, retry=short or batch is None or bool(self.stop))
        return batch

    def _rewrite_copies(self, manifest: Manifest, batch: list[Job]) -> None:
        """The annotated copies of files answered in earlier batches whose reviews changed since
        they were written (a note typed in summary.xlsx, reviewed.csv edited) are written again, as
        ``check`` does for a file it reuses, in this batch: the reports it writes cover every file
        with the reviews of now, and so do the copies. Only a file still where it was checked (the
        archive, or the inbox without one), with the content, catalog and tool version it was
        checked with, and its copy where it was written; its answer stays as it is. Nothing is read
        but reviewed.csv while no review changed."""
        from evaluator.runner.reviews import Reviews
        from evaluator.runner.run import destinations

        options = self.options
        reviews = Reviews.peek(options.out_dir)
        taken = {job.relative.as_posix() for job in batch}
        base = options.archive if options.archive is not None else options.inbox
        settings = settings_digest(self.definitions, options.limits)
        candidates: dict[str, Job] = {}
        for key, record in sorted(manifest.records.items()):
            if key in taken or not record.get("annotated") or not isinstance(record.get("entries"), list):
                continue
            if reviews.digest(record["entries"]) == manifest.shown_reviews(key):
                continue
            path = base / key
            try:
                info = os.lstat(path)
            except OSError:
                continue
            if stat.S_ISREG(info.st_mode):
                candidates[key] = Job(path=path, display=safe_path(str(path)), relative=Path(key),
                                      mode=stat.S_IMODE(info.st_mode))
        if not candidates:
            return
        # Only a file check_jobs would reuse, its copy where it was written (else it would be a new check).
        targets = destinations(list(candidates.values()), options.out_dir, manifest.annotated_paths(set(candidates)))
        behind: list[Job] = []
        for key, job in candidates.items():
            try:
                digest = content_digest(job.path)
            except OSError:
                continue
            if manifest.reusable(key, digest, settings, __version__, targets[job.path]) is not None:
                behind.append(job)
        if behind:
            check_jobs(behind, self.definitions, options.out_dir, manifest, workers=options.workers, stop=self.stop,
                       limits=options.limits, timeout=options.timeout)

    def _take(self, path: Path, signature: Signature, manifest: Manifest) -> Job | None:
        """The job for a ready file, moved into the archive first when there is one (so that what is
        checked is what is archived, and a file dropped later under the same name is another file);
        None when it is not to be checked (gone, no longer a regular file, an output of ours)."""
        options = self.options
        # A name that is not UTF-8 (GBK bytes) is archived and reported under its shown, UTF-8 name.
        relative = Path(safe_path(str(path.relative_to(options.inbox))))
        try:
            info = os.lstat(path)
        except OSError:
            return None  # another watcher took it meanwhile, or its owner removed it
        if not stat.S_ISREG(info.st_mode):
            return None  # swapped for a link or a pipe since the last look: the next look says so
        mark = own_output(path, str(path), options.limits)
        if mark or (mark is None and path.name.lower().endswith(CHECKED_SUFFIX)):
            self.handled[path] = signature   # an output of ours, unmodified: left where it is
            return None
        if options.archive is None:
            self.handled[path] = signature
            if self._answered(relative, path, manifest):
                # Another watcher on DIR (or an earlier run) answered this very content: not again.
                log.debug("%s：已检查过（内容未变），跳过", path)
                self.answered_before += 1
                return None
            return Job(path=path, display=named(str(path)), relative=relative, own_output=mark is False,
                       mode=stat.S_IMODE(info.st_mode))
        def taken(candidate: Path) -> bool:
            key = candidate.relative_to(options.archive).as_posix()
            return key in manifest.records or key in manifest.open_takes

        destination = archive_path(options.archive, relative, taken)
        key = destination.relative_to(options.archive).as_posix()
        manifest.take(key, path, destination, stat.S_IMODE(info.st_mode))   # on disk before the move
        try:
            _move(path, destination)
            moved = os.lstat(destination)
        except OSError as exc:
            if is_no_space(exc):
                if not os.path.lexists(destination):
                    manifest.drop(key)
                raise
            log.error("%s：无法移入归档文件夹（%s），未检查；文件改动后再试", path, exc)
            self.handled[path] = signature
            if not os.path.lexists(destination):
                manifest.drop(key)
            return None
        if not stat.S_ISREG(moved.st_mode):   # swapped between the look and the move: never archived
            if self._put_back(destination, path) is not None:
                manifest.drop(key)
            return None
        log.info("%s → %s", named(str(path)), destination)
        job = Job(path=destination, display=safe_path(str(destination)),
                  relative=destination.relative_to(options.archive),
                  dropped_as=str(path), own_output=mark is False, mode=stat.S_IMODE(moved.st_mode))
        if path in self.unopened:   # taken as it was: checked again should it grow in the archive
            self.unopened.discard(path)
            self.growing[destination] = ((moved.st_size, moved.st_mtime_ns), job, time.monotonic())
        return job

    def _answered(self, relative: Path, path: Path, manifest: Manifest) -> bool:
        """Whether DIR's manifest holds an answer for this very content under this name."""
        record = manifest.records.get(relative.as_posix())
        if not record:
            return False
        try:
            digest = content_digest(path)
        except OSError:
            return False
        return (record.get("sha256"), record.get("catalog"), record.get("version")) == (
            digest, settings_digest(self.definitions, self.options.limits), __version__)

    def _recover(self, manifest: Manifest, limit: int | None = None) -> list[Job]:
        """The files an earlier watcher took and did not answer (it was killed, or the disk was
        full): each once, from the archive; at most ``limit`` of them (the rest stay open for the
        next batch). A take whose move never happened is closed: its file is still in the inbox."""
        options = self.options
        jobs = []
        self.recovered = True
        for key, take in sorted(manifest.open_takes.items()):
            if limit is not None and len(jobs) >= limit:
                self.recovered = False
                break
            destination = Path(take["to"]) if isinstance(take.get("to"), str) else None
            source = Path(take["from"]) if isinstance(take.get("from"), str) else None
            try:
                info = os.lstat(destination) if destination is not None else None
            except OSError:
                info = None
            if info is None or not stat.S_ISREG(info.st_mode) or options.archive is None:
                manifest.drop(key)   # never moved (still in the inbox, taken again), or gone
                continue
            if source is not None and os.path.lexists(source):
                self._finish_move(source, destination)
            log.info("%s：已取走但尚未检查（上次中断或磁盘已满），现在检查", destination)
            mode = take.get("mode") if isinstance(take.get("mode"), int) else stat.S_IMODE(info.st_mode)
            jobs.append(Job(path=destination, display=safe_path(str(destination)), relative=Path(key),
                            dropped_as=str(source) if source is not None else None,
                            own_output=own_output(destination, str(destination), options.limits) is False,
                            mode=mode))
        if jobs and self.full_since is None:
            log.warning("%d 个文件已取走但尚未检查（上次中断或磁盘已满），现在检查", len(jobs))
        return jobs

    @staticmethod
    def _finish_move(source: Path, destination: Path) -> None:
        """A move across file systems cut short: the copy is whole (written atomically); the original
        is removed when it still holds the same bytes, so the file is answered once."""
        try:
            if content_digest(source) == content_digest(destination):
                os.unlink(source)
        except OSError:
            pass

    def _give_back(self, job: Job, manifest: Manifest, retry: bool) -> None:
        """A job whose answer is not final (not started before a stop, or its check failed for a reason
        of the tool's own) goes back to the inbox; unless it is to be retried, only once it changes."""
        if job.dropped_as is None:
            if retry:
                self.handled.pop(job.path, None)
            return
        original = Path(job.dropped_as)
        back = self._put_back(job.path, original)
        if back is not None:
            try:
                manifest.drop(job.relative.as_posix())
            except OSError:
                pass   # the take stays open: the next watcher finds the archive copy gone and closes it
        if back is not None and not retry:
            info = os.lstat(back)
            self.handled[back] = (info.st_size, info.st_mtime_ns)

    def _put_back(self, archived: Path, original: Path) -> Path | None:
        inbox = self.options.inbox
        target = original if not os.path.lexists(original) else archive_path(inbox, original.relative_to(inbox))
        try:
            _move(archived, target)   # a rename, or a copy when the archive is on another disk
        except OSError as exc:
            log.error("%s：未检查，也无法放回收件文件夹（%s）；请手动处理", archived, exc)
            return None
        log.warning("%s：未检查，已放回 %s", original, target)
        return target

    def once(self) -> Batch | None:
        """Process what is in the inbox now (looking twice, ``interval`` apart), then return."""
        self.seen = self.scan()
        if self.stop.sleep(self.options.interval):
            return None
        batch = self.poll()
        if self.full_since is not None:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))   # what is taken is answered next time
        for path in sorted(self.waiting):
            log.warning("%s：尚未写完，留待下次处理", path)
        if batch is None and self.answered_before:
            log.warning("%d 个文件已检查过且内容未变，未再检查；结果见 %s", self.answered_before, self.options.out_dir)
        return batch

    def run(self) -> None:
        """Poll until asked to stop (Ctrl-C, SIGTERM); the file under way is finished first."""
        log.warning("正在监视 %s，结果写入 %s（Ctrl-C 停止）", self.options.inbox, self.options.out_dir)
        while not self.stop:
            try:
                self.poll()   # a full disk is handled there: said once, tried again with a back-off
            except FolderBusy as exc:
                log.warning("%s；下次轮询再试", exc)
            except OSError as exc:  # a share that went away: keep watching
                log.error("处理失败（%s），下次轮询再试", exc)
            if self.stop.sleep(self.options.interval):
                break
        log.warning("已停止监视 %s", self.options.inbox)
