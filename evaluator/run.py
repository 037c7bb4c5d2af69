"""A run over many paths: find the workbooks, check each, write annotated copies.

This is the library entry point the command line calls. One bad file never stops a run.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

from .annotate import fit_name, write_annotated
from .catalog import Catalog
from .engine import SUFFIXES, FileResult, check_file
from .limits import DEFAULT_LIMITS, Limits

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


def process(job: Job, catalog: Catalog, destination: Path | None, limits: Limits = DEFAULT_LIMITS) -> FileResult:
    """Check one file and, when asked, write its annotated copy. Never raises for a bad file."""
    keep = destination is not None and job.path.suffix.lower() not in (".xlsx", ".xlsm")
    result = check_file(job.path, catalog, display=job.display, keep_grids=keep, limits=limits)
    if destination is not None and result.error is None:
        try:
            write_annotated(result, destination)
            result.annotated = str(destination)
        except Exception as exc:  # noqa: BLE001 - the check stands; only the copy failed
            log.warning("%s：批注副本写入失败（%s: %s）", job.display, type(exc).__name__, exc)
    result.grids = None
    return result


def run(jobs: list[Job], catalog: Catalog, out_dir: Path | None = None,
        limits: Limits = DEFAULT_LIMITS) -> Iterator[FileResult]:
    """Check every job in order, yielding each result as soon as it is ready."""
    targets = destinations(jobs, out_dir) if out_dir is not None else {}
    for job in jobs:
        yield process(job, catalog, targets.get(job.path), limits)
