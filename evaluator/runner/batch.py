"""A batch: check many files into an output folder, skip what is unchanged, write the run summary.

This is what ``evaluator check`` and ``evaluator watch`` call. With an output folder, the run holds
the folder's lock, reuses the manifest's answers for files whose content, catalog and tool version
are unchanged, writes an annotated copy of every file it checks, and finally writes summary.xlsx,
report.html and report.json, each atomically. A file reused whose reviews (reviewed.csv) changed
since its annotated copy was written has that copy written again, to show them.
"""

from __future__ import annotations

import copy
import logging
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable

from evaluator import __version__
from evaluator.outputs.atomic import no_more_readable_than, remove_stale
from evaluator.families import Definitions
from evaluator.intake.limits import DEFAULT_LIMITS, Limits
from evaluator.findings import Severity
from evaluator.outputs.inert import shown_path
from evaluator.runner.parallel import Stop, available_cores
from evaluator.outputs.reporters import json as json_reporter
from evaluator.runner.run import Job, Task, destinations, find, run
from evaluator.values.digest import sha256_hex

if TYPE_CHECKING:
    from evaluator.runner.manifest import Manifest

log = logging.getLogger("evaluator")
SAVE_EVERY = 30.0  # seconds between compactions of the journal into the manifest


@dataclass
class Batch:
    """What a batch did: its report (the JSON contract), and how much of it is new."""

    report: dict[str, Any]
    checked: int
    reused: int
    skipped: int  # not started because the run was asked to stop
    seconds: float
    settled: set[Path] = field(default_factory=set)  # files whose answer is final (kept or reused)
    reports: list[Path] = field(default_factory=list)  # summary.xlsx, report.html, report.json written
    totals: dict[str, int] | None = None  # the summary of every file report.json now holds (watch)
    empty: list[Path] = field(default_factory=list)  # paths named that hold no workbook
    out_of_space: bool = False  # an annotated copy was not written for want of disk space
    recorded: list[str] = field(default_factory=list)  # manifest keys this batch recorded
    rewritten: int = 0  # of ``reused``: files whose annotated copy was written again for their reviews
    rows: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # the report's entries, by key recorded
    unwritten: list = field(default_factory=list)  # reports that could not replace their file (Unwritten)

    @property
    def interrupted(self) -> bool:
        return self.skipped > 0

    def keep_comparisons(self, manifest: Manifest) -> None:
        """Once the run has compared its entries with the last round (:func:`evaluator.runner.rounds.follow_up`):
        that comparison into the manifest's records of the files it checked (:meth:`Manifest.compared`)."""
        for key in self.recorded:
            if key in self.rows:
                manifest.compared(key, self.rows[key])


def fails(report: dict[str, Any], threshold: Severity | None) -> bool:
    """Whether any finding in the report reaches ``threshold`` (None: nothing fails). A finding an
    auditor has reviewed (``reviewed``, see :mod:`evaluator.runner.reviews`) does not count."""
    if threshold is None:
        return False
    ranks = {severity.value: severity.rank for severity in Severity}
    return any(ranks[finding["severity"]] >= threshold.rank and not finding.get("reviewed")
               for row in report["files"] for finding in row["findings"])


def manifest_keys(jobs: list[Job]) -> list[str]:
    """The manifest key of each job: its path relative to the folder it was found in."""
    keys, taken = [], set()
    for job in jobs:
        key = job.relative.as_posix()
        if key in taken:  # the same relative path under two folders named on the command line
            key = Path(job.display).as_posix()
        taken.add(key)
        keys.append(key)
    return keys


def _unchanged(entries: list[dict[str, Any]], job: Job, destination: Path | None) -> list[dict[str, Any]]:
    for entry in entries:
        entry["previous_status"] = entry["status"]
        entry["status"] = "unchanged"
        entry["path"] = job.display
        if entry.get("annotated") is not None:
            entry["annotated"] = str(destination) if destination is not None else None
    return entries


class _ReviewsNow:
    """The reviews of the output folder as they are (read once, the first time a file reused asks:
    a run that reuses nothing never reads them), for whether a reused file's copy shows them."""

    def __init__(self, out_dir: Path | None) -> None:
        self.out_dir = out_dir
        self.reviews = None

    def digest(self, entries: list[dict[str, Any]]) -> str | None:
        """What an annotated copy of ``entries`` would show as reviewed now."""
        from evaluator.runner.reviews import Reviews

        if self.out_dir is None:
            return None
        if self.reviews is None:
            self.reviews = Reviews.peek(self.out_dir)
        return self.reviews.digest(entries)


def _progress(total: int, enabled: bool):
    if not enabled or total == 0:
        return None
    from tqdm import tqdm

    # No monitor thread: worker processes are forked, and forking beside a thread is unsafe.
    tqdm.monitor_interval = 0
    return tqdm(total=total, file=sys.stderr, unit="份", desc="检查", dynamic_ncols=True, leave=False)


def _no_corrected_copy(job: Job, destination: Path | None) -> bool:
    """``--fix`` and a file whose corrected copy is not there yet: check it again to write one."""
    if destination is None:
        return False
    from evaluator.outputs.fix import fixed_name

    return not fixed_name(destination, job.relative.stem).is_file()


def settings_digest(definitions: Definitions, limits: Limits) -> str:
    """What the answers depend on besides the file and the tool: the editions and the read limits."""
    if limits == DEFAULT_LIMITS:
        return definitions.digest
    return sha256_hex(f"{definitions.digest}|{limits!r}")


def check_jobs(jobs: list[Job], definitions: Definitions, out_dir: Path | None = None, manifest: Manifest | None = None,
               *, workers: int | None = None, force: bool = False, progress: bool = False,
               stop: Stop | None = None, limits: Limits = DEFAULT_LIMITS,
               skipped: list[dict[str, str]] | None = None, timeout: float | None = None,
               alone_in_process: bool = False, fix: bool = False,
               others: list[dict[str, str]] | None = None) -> Batch:
    """Check ``jobs``; with ``out_dir``, write annotated copies there and use ``manifest``.
    ``timeout`` is the seconds one file may take (None or 0: no limit; see :func:`run.run`).

    The caller holds the folder's lock and saves the manifest. Entries come in the order of jobs;
    ``skipped`` (paths found and not read) goes into the report as it is. An entry of a file the hot
    folder archived before checking it carries ``dropped_as``; one that replaces the record of
    other content under the same name carries ``replaced``.
    """
    started = time.perf_counter()
    if manifest is not None:
        from evaluator.runner.manifest import content_digest
    settings = settings_digest(definitions, limits)
    keys = manifest_keys(jobs)
    reserved = manifest.annotated_paths(set(keys)) if manifest is not None else set()
    targets = destinations(jobs, out_dir, reserved) if out_dir is not None else {}
    digests: dict[int, str] = {}
    rows: dict[int, list[dict[str, Any]]] = {}
    tasks: list[Task] = []
    positions: list[int] = []
    settled: set[Path] = set()
    reviews_now = _ReviewsNow(out_dir)
    # Files reused whose reviews changed since their copy was written: their stored entries, by index.
    rewrite: dict[int, list[dict[str, Any]]] = {}
    for index, job in enumerate(jobs):
        destination = targets.get(job.path)
        if manifest is not None:
            try:
                digests[index] = content_digest(job.path)
            except OSError:
                pass  # the check says why it cannot be read
            if index in digests and not force and not (fix and _no_corrected_copy(job, destination)):
                stored = manifest.reusable(keys[index], digests[index], settings, __version__, destination)
                if stored is not None and (destination is None or not manifest.records[keys[index]].get("annotated")
                                           or reviews_now.digest(stored) == manifest.shown_reviews(keys[index])):
                    rows[index] = _unchanged(stored, job, destination)
                    settled.add(job.path)
                    log.debug("%s：未变化，沿用上次结果", job.display)
                    continue
                if stored is not None:
                    # Its answer stands; only its copy is behind the reviews: checked again to write it.
                    rewrite[index] = stored
                    tasks.append(Task(job=job, destination=destination, earlier=copy.deepcopy(stored)))
                    positions.append(index)
                    continue
        tasks.append(Task(job=job, destination=destination, fix=fix and destination is not None))
        positions.append(index)

    workers = workers or available_cores()
    bar = _progress(len(tasks), progress)
    checked = 0
    rewritten = 0
    short = False
    recorded: list[str] = []
    saved = time.monotonic()
    try:
        for number, outcome in run(tasks, definitions, workers=workers, stop=stop,
                                   on_done=bar.update if bar is not None else None, limits=limits,
                                   timeout=timeout, alone_in_process=alone_in_process):
            index = positions[number]
            job = jobs[index]
            for level, message in outcome.log:
                log.log(level, "%s", message)
            if index in rewrite:
                rewritten += 1
                rows[index] = _unchanged(rewrite[index], job, targets.get(job.path))
                settled.add(job.path)   # its answer is the stored one, final whatever the copy became
                short = short or outcome.out_of_space
                if outcome.complete and outcome.annotated is not None:
                    manifest.shows(keys[index], outcome.reviews)
                    log.info("%s：未变化，核实意见有变，已重写批注副本（%.2f 秒）", job.display, outcome.seconds)
                else:
                    # The copy as it was stays (written atomically); the next run tries again.
                    log.warning("%s：核实意见有变，但批注副本未能重写，下次运行再试", job.display)
                continue
            replaced = manifest.replaces(keys[index], digests[index]) \
                if manifest is not None and index in digests and outcome.complete else None
            dropped_as, how = shown_path(job.dropped_as) if job.dropped_as is not None else (None, None)
            for entry in outcome.entries:
                if dropped_as is not None:
                    entry["dropped_as"] = dropped_as
                    if how is not None:
                        entry["path_encoding"] = how
                if replaced is not None:
                    entry["replaced"] = replaced
            rows[index] = outcome.entries
            checked += 1
            short = short or outcome.out_of_space
            if manifest is not None and outcome.complete and index in digests:
                # Into the journal at once: from here on the answer survives a kill (on disk within a second).
                annotated = targets.get(job.path) if outcome.annotated else None
                manifest.record(keys[index], digests[index], settings, __version__,
                                outcome.entries, annotated, job.mode)
                recorded.append(keys[index])
                if time.monotonic() - saved > SAVE_EVERY:
                    manifest.save()   # compacts the journal
                    saved = time.monotonic()
            if outcome.complete:
                settled.add(job.path)
            statuses = ", ".join(sorted({entry["status"] for entry in outcome.entries}))
            log.info("%s：%s（%.2f 秒）", job.display, statuses, outcome.seconds)
    finally:
        if bar is not None:
            bar.close()
    entries = [entry for index in sorted(rows) for entry in rows[index]]
    report = json_reporter.assemble(entries, skipped, others)
    # The report holds copies of the entries (json_reporter.assemble): which of them are whose, for
    # the comparison the run is about to make of them to reach the manifest (Batch.keep_comparisons).
    shown = iter(report["files"])
    by_key = {keys[index]: [next(shown) for _ in rows[index]] for index in sorted(rows)}
    return Batch(report=report, checked=checked,
                 reused=len(jobs) - len(tasks) + rewritten, skipped=len(tasks) - checked - rewritten,
                 seconds=time.perf_counter() - started, settled=settled, out_of_space=short, recorded=recorded,
                 rewritten=rewritten, rows={key: by_key[key] for key in recorded if key in by_key})


def check_paths(paths: Iterable[Path], definitions: Definitions, out_dir: Path | None = None, *,
                workers: int | None = None, force: bool = False, wait: float = 60.0,
                progress: bool = False, stop: Stop | None = None, limits: Limits = DEFAULT_LIMITS,
                follow_symlinks: bool = False, timeout: float | None = None, fix: bool = False) -> Batch:
    """Check every workbook found under ``paths``; with ``out_dir``, the whole batch (see module doc).

    A folder is read only inside (:mod:`evaluator.runner.discovery`) unless ``follow_symlinks``;
    what it skips is listed in the report's ``skipped``.

    An interrupted batch keeps what it finished in the manifest but writes no summary: the reports
    of the previous run stay as they were.
    """
    paths = list(paths)
    found = find(paths, out_dir, follow=follow_symlinks, limits=limits)
    jobs, skipped = found.jobs, [item.to_dict() for item in found.skipped]
    others = [item.to_dict() for item in found.others]
    empty = [root for root in paths if not any(job.path == root or root in job.path.parents for job in jobs)]
    for root in empty:
        log.debug("%s：没有可检查的工作簿", root)
    if out_dir is None:
        batch = check_jobs(jobs, definitions, workers=workers, progress=progress, stop=stop, limits=limits,
                           skipped=skipped, timeout=timeout, alone_in_process=True, others=others)
        batch.empty = empty
        return batch
    # The output folder's machinery is imported only for a run that has one (a one-file check answers sooner).
    from evaluator.outputs.reporters import write_reports
    from evaluator.runner.lock import holding
    from evaluator.runner.manifest import Manifest
    from evaluator.runner.rounds import follow_up, take_in

    with holding(out_dir, wait):
        remove_stale(out_dir)
        manifest = Manifest.load(out_dir)
        # The notes typed in summary.xlsx, into reviewed.csv before the workers start: the annotated
        # copies of this run show the same reviews as its other reports.
        seen = take_in(out_dir)
        try:
            batch = check_jobs(jobs, definitions, out_dir, manifest, workers=workers, force=force,
                               progress=progress, stop=stop, limits=limits, skipped=skipped, timeout=timeout,
                               alone_in_process=True, fix=fix, others=others)
            follow_up(batch.report["files"], out_dir, seen)   # rounds and reviews
            batch.keep_comparisons(manifest)   # the rounds, for the entries reused later (and their copies)
        finally:
            # A worker stopped in the middle of writing a copy (a full disk ends the pool) can leave its
            # temporary behind: the pool is done and the lock is ours, so nothing half-written stays.
            remove_stale(out_dir)
            with no_more_readable_than(*manifest.modes()):
                manifest.save()
        if not batch.interrupted:
            # The reports hold what every file checked says: readable by no one who cannot read all of them.
            with no_more_readable_than(*(job.mode for job in jobs if job.mode is not None)):
                try:
                    batch.reports = write_reports(batch.report, out_dir, keep=[job.path for job in jobs],
                                                  unwritten=batch.unwritten)
                except Exception as exc:
                    if not isinstance(exc, OSError):
                        # Answers no report can be written from are not kept: the next run checks
                        # those files again rather than failing on the same answers every night.
                        for key in batch.recorded:
                            manifest.records.pop(key, None)
                        manifest.changed = True
                        with no_more_readable_than(*manifest.modes()):
                            manifest.save()
                    raise
    batch.empty = empty
    rewritten = f"（其中 {batch.rewritten} 份按新的核实意见重写了批注副本）" if batch.rewritten else ""
    log.info("检查 %d 份，沿用未变化的 %d 份%s，用时 %.1f 秒", batch.checked, batch.reused, rewritten, batch.seconds)
    return batch
