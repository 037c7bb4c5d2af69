"""A hot folder: check every workbook that lands in INBOX, once it is completely written.

Accountants save or copy workbooks into INBOX; the watcher polls it (no extra dependency, works on
network shares) and takes a file when it is complete:

* its size and modification time are the same on two polls ``interval`` seconds apart, and
* it opens: an .xlsx/.xlsm/.ods has its zip directory (written last), an .xls its OLE header.
  A file that never opens (a damaged upload) is taken once it has been still for ``settle``
  seconds, so that it is reported as unreadable rather than waited for forever.

Office lock files (``~$…``), dotfiles, hidden folders and the tool's own outputs are ignored. Each
batch of ready files is checked like ``evaluator check INBOX --out DIR`` (lock, manifest, annotated
copies), then the summary in DIR is rewritten to cover every file DIR holds, and with ``archive``
the originals are moved there (never overwriting: ``name-2.xlsx`` on a clash). A file whose check
failed for a reason of the tool's own stays in INBOX and is not retried until it changes.
"""

from __future__ import annotations

import logging
import shutil
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from evaluator.outputs.atomic import remove_stale
from evaluator.runner.batch import Batch, check_jobs
from evaluator.families import Definitions
from evaluator.intake.limits import DEFAULT_LIMITS, Limits
from evaluator.runner.lock import FolderBusy, holding
from evaluator.runner.manifest import Manifest
from evaluator.runner.parallel import Stop
from evaluator.outputs.reporters import write_reports
from evaluator.outputs.reporters import json as json_reporter
from evaluator.runner.run import Job, is_candidate, is_own_output

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
    """Whether the file is whole as far as its format tells: a zip directory, an OLE header."""
    try:
        with path.open("rb") as stream:
            head = stream.read(8)
        if path.suffix.lower() == ".xls":
            return head == OLE_MAGIC
        with zipfile.ZipFile(path):
            return True
    except (OSError, zipfile.BadZipFile, ValueError):
        return False


def archive_path(archive: Path, relative: Path) -> Path:
    """Where an original goes in the archive: its relative path, suffixed -2, -3… on a clash."""
    candidate = archive / relative
    counter = 2
    while candidate.exists():
        candidate = archive / relative.parent / f"{relative.stem}-{counter}{relative.suffix}"
        counter += 1
    return candidate


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

    def _excluded(self, path: Path) -> bool:
        for folder in (self.options.out_dir, self.options.archive):
            if folder is None:
                continue
            try:
                path.resolve().relative_to(folder.resolve())
            except ValueError:
                continue
            if not _same(folder, self.options.inbox):
                return True
        return False

    def scan(self) -> dict[Path, Signature]:
        """Every candidate workbook in the inbox with its size and modification time."""
        found: dict[Path, Signature] = {}
        inbox = self.options.inbox
        for path in sorted(inbox.rglob("*")):
            relative = path.relative_to(inbox)
            if any(part.startswith(".") for part in relative.parts[:-1]) or not is_candidate(path):
                continue
            if self._excluded(path) or is_own_output(path, self.options.out_dir):
                continue
            try:
                info = path.stat()
            except OSError:
                continue  # gone between listing and looking
            if path.is_file():
                found[path] = (info.st_size, info.st_mtime_ns)
        return found

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
            return None
        batch = self.process(ready, now)
        if batch is not None and self.on_batch is not None:
            self.on_batch(batch)
        return batch

    def process(self, paths: list[Path], now: dict[Path, Signature]) -> Batch | None:
        options = self.options
        with holding(options.out_dir, options.wait):
            remove_stale(options.out_dir)
            jobs = [Job(path=path, display=str(path), relative=path.relative_to(options.inbox))
                    for path in paths if path.exists()]  # another watcher may have taken it meanwhile
            manifest = Manifest.load(options.out_dir)
            try:
                batch = check_jobs(jobs, self.definitions, options.out_dir, manifest, workers=options.workers,
                                   progress=options.progress, stop=self.stop, limits=options.limits,
                                   timeout=options.timeout)
            finally:
                manifest.save()
            everything = json_reporter.assemble(manifest.all_entries())
            batch.reports = write_reports(everything, options.out_dir)
            batch.totals = everything["summary"]
        for path in paths:
            self.handled[path] = now[path]
        if options.archive is not None:
            for job in jobs:
                if job.path in batch.settled:
                    self._archive(job)
        return batch

    def _archive(self, job: Job) -> None:
        destination = archive_path(self.options.archive, job.relative)
        try:
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(str(job.path), str(destination))
            log.info("%s → %s", job.display, destination)
        except OSError as exc:
            log.warning("%s：无法移入归档文件夹（%s），留在原处", job.display, exc)

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


def _same(a: Path, b: Path) -> bool:
    return a.resolve() == b.resolve()
