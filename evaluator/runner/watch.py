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

Each batch of ready files is checked like ``evaluator check INBOX --out DIR`` (lock, manifest,
annotated copies), then the reports in DIR are rewritten to cover every file DIR holds. With
``archive``, each file is first moved there, never overwriting (``name-2.xlsx`` on a clash), and is
checked from there: its annotated copy, manifest record and report entry follow the name it was
archived under (``name-2.checked.xlsx``), with ``path`` the archived path and ``dropped_as`` where
it was dropped, so a file dropped later under the same name never takes an earlier one's results.
Without an archive, results are keyed by the name in INBOX: a later file replaces the earlier one's
result, and its entry says so (``replaced``). A file whose check failed for a reason of the tool's
own goes back to INBOX and is not retried until it changes; one not started before a stop goes
back to be taken next time.
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

from evaluator.outputs.atomic import no_more_readable_than, remove_stale, replacing
from evaluator.outputs.inert import printable
from evaluator.runner.batch import Batch, check_jobs
from evaluator.runner.rounds import follow_up, review_only
from evaluator.families import Definitions
from evaluator.intake.limits import DEFAULT_LIMITS, Limits
from evaluator.runner.lock import FolderBusy, holding
from evaluator.runner.manifest import Manifest
from evaluator.runner.parallel import Stop
from evaluator.outputs.reporters import write_reports
from evaluator.outputs.reporters import json as json_reporter
from evaluator.runner.discovery import Skipped, walk
from evaluator.runner.run import CHECKED_SUFFIX, Job, is_own_output, own_output

log = logging.getLogger("evaluator")
OLE_MAGIC = bytes.fromhex("d0cf11e0a1b11ae1")
Signature = tuple[int, int]  # size, modification time (ns)


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
        self._told: dict[str, tuple[int, ...]] = {}   # skipped path → the version of it already logged
        self._reported: frozenset[Skipped] | None = None   # the skipped list the reports in DIR hold
        self._shown: set[Skipped] = set()            # skipped paths a batch's report has shown already
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
        self._note(walked.skipped)
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
            if not opens(path) and time.time() - signature[1] / 1e9 < self.options.settle:
                self._wait(path, "尚不完整")
                continue
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
        if not ready:
            if frozenset(self.skipped) != (self._reported if self._reported is not None else frozenset()):
                # What is skipped changed: the reports say so even when nothing new was checked, when
                # DIR is free now (a run holding it rewrites them, and so does the next batch).
                try:
                    with holding(self.options.out_dir, 0):
                        self._write_reports(Manifest.load(self.options.out_dir))
                except FolderBusy:
                    pass
            return None
        batch = self.process(ready, now)
        if batch is not None and self.on_batch is not None:
            self.on_batch(batch)
        return batch

    def _write_reports(self, manifest: Manifest) -> tuple[list[Path], dict[str, Any]]:
        """Rewrite the reports in DIR: every file it holds, and what the inbox holds and is not read.
        They are never more readable than the least readable file they cover. Returns the reports
        written and the summary they now hold."""
        everything = json_reporter.assemble(manifest.all_entries(), [item.to_dict() for item in self.skipped])
        review_only(everything["files"], self.options.out_dir)
        with no_more_readable_than(*manifest.modes()):
            written = write_reports(everything, self.options.out_dir)
        self._reported = frozenset(self.skipped)
        return written, everything["summary"]

    def process(self, paths: list[Path], now: dict[Path, Signature]) -> Batch | None:
        options = self.options
        jobs: list[Job] = []
        batch: Batch | None = None
        with holding(options.out_dir, options.wait):
            remove_stale(options.out_dir)
            manifest = Manifest.load(options.out_dir)
            try:
                for path in paths:
                    job = self._take(path, now[path], manifest)
                    if job is not None:
                        jobs.append(job)
                try:
                    # A batch's own report (printed as it is done) shows what is newly skipped; the
                    # reports in DIR show all that the inbox holds and is not read.
                    fresh = [item for item in self.skipped if item not in self._shown]
                    batch = check_jobs(jobs, self.definitions, options.out_dir, manifest, workers=options.workers,
                                       progress=options.progress, stop=self.stop, limits=options.limits,
                                       skipped=[item.to_dict() for item in fresh], timeout=options.timeout)
                    self._shown = set(self.skipped)
                    follow_up(batch.report["files"], options.out_dir)   # rounds and reviews
                finally:
                    with no_more_readable_than(*manifest.modes()):
                        manifest.save()
                batch.reports, batch.totals = self._write_reports(manifest)
            finally:
                settled = set(batch.settled) if batch is not None else set()
                # Interrupted outright: what reached the manifest is done all the same (an archived
                # name is never a key before its file is checked).
                settled |= {job.path for job in jobs
                            if job.dropped_as is not None and job.relative.as_posix() in manifest.records}
                for job in jobs:
                    if job.path not in settled:
                        self._give_back(job, now, retry=batch is None or bool(self.stop))
        return batch

    def _take(self, path: Path, signature: Signature, manifest: Manifest) -> Job | None:
        """The job for a ready file, moved into the archive first when there is one (so that what is
        checked is what is archived, and a file dropped later under the same name is another file);
        None when it is not to be checked (gone, no longer a regular file, an output of ours)."""
        options = self.options
        relative = path.relative_to(options.inbox)
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
            return Job(path=path, display=str(path), relative=relative, own_output=mark is False,
                       mode=stat.S_IMODE(info.st_mode))
        destination = archive_path(options.archive, relative,
                                   lambda candidate: candidate.relative_to(options.archive).as_posix() in manifest.records)
        try:
            _move(path, destination)
            moved = os.lstat(destination)
        except OSError as exc:
            log.error("%s：无法移入归档文件夹（%s），未检查；文件改动后再试", path, exc)
            self.handled[path] = signature
            return None
        if not stat.S_ISREG(moved.st_mode):   # swapped between the look and the move: never archived
            self._put_back(destination, path)
            return None
        log.info("%s → %s", path, destination)
        return Job(path=destination, display=str(destination), relative=destination.relative_to(options.archive),
                   dropped_as=str(path), own_output=mark is False, mode=stat.S_IMODE(moved.st_mode))

    def _give_back(self, job: Job, now: dict[Path, Signature], retry: bool) -> None:
        """A job whose answer is not final (not started before a stop, or its check failed for a reason
        of the tool's own) goes back to the inbox; unless it is to be retried, only once it changes."""
        if job.dropped_as is None:
            if retry:
                self.handled.pop(job.path, None)
            return
        original = Path(job.dropped_as)
        back = self._put_back(job.path, original)
        if back is not None and not retry:
            info = os.lstat(back)
            self.handled[back] = (info.st_size, info.st_mtime_ns)

    def _put_back(self, archived: Path, original: Path) -> Path | None:
        inbox = self.options.inbox
        target = original if not os.path.lexists(original) else archive_path(inbox, original.relative_to(inbox))
        try:
            os.rename(archived, target)
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
        for path in sorted(self.waiting):
            log.warning("%s：尚未写完，留待下次处理", path)
        return batch

    def run(self) -> None:
        """Poll until asked to stop (Ctrl-C, SIGTERM); the file under way is finished first."""
        log.warning("正在监视 %s，结果写入 %s（Ctrl-C 停止）", self.options.inbox, self.options.out_dir)
        while not self.stop:
            try:
                self.poll()
            except FolderBusy as exc:
                log.warning("%s；下次轮询再试", exc)
            except OSError as exc:  # a full disk, a share that went away: keep watching
                log.error("处理失败（%s），下次轮询再试", exc)
            if self.stop.sleep(self.options.interval):
                break
        log.warning("已停止监视 %s", self.options.inbox)
