"""What an output folder already holds: DIR/.evaluator-manifest.json.

For every file checked into DIR, keyed by its path relative to the folder it was found in, the
manifest keeps the SHA-256 of its content, the digest of the catalog and the version of the tool
that checked it, where its annotated copy went, and the report entries of that check. A later run
skips a file whose content, catalog and tool version are all the same (and whose annotated copy is
still there) and reports its stored entries with the status ``unchanged``. ``--force`` ignores it.

Each record also keeps the digest of the reviews its annotated copy shows (``reviews``, see
:func:`evaluator.runner.reviews.shown_digest`; None: none). A file otherwise reused whose reviews
now differ from it is checked again for its copy to show them (:meth:`Manifest.shown_reviews`,
:meth:`Manifest.shows`); its answer stays the record's. The entries keep the comparison with
the last round the run made of them (:meth:`Manifest.compared`): a later run reports it as it was.

A file checked again under the same key with other content (the hot folder without an archive,
where every file dropped under one name replaces the last) replaces the record; its entries then
carry ``replaced: {sha256, checked_at}`` of the record they replaced. Each record also keeps the
permission bits of the file (``mode``): the reports covering it are never more readable than it.

The manifest is written atomically, under the folder's lock. A damaged or foreign manifest is
replaced, with a warning: the run then checks everything, which is slow but never wrong.

Between two saves every record is also appended to the folder's journal
(:mod:`evaluator.runner.journal`) as soon as it is made, and the hot folder's takes with it: loading
replays the journal, saving compacts it. A run killed outright loses no answer it had made.
"""

from __future__ import annotations

import copy
import errno
import hashlib
import json
import logging
import os
import stat
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from evaluator.outputs.atomic import OWNER, write_text
from evaluator.runner.journal import Journal

log = logging.getLogger("evaluator")
MANIFEST_NAME = ".evaluator-manifest.json"
FORMAT = 1


def content_digest(path: Path) -> str:
    """SHA-256 of a regular file's bytes, opened without following a link (OSError otherwise)."""
    descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    with os.fdopen(descriptor, "rb") as stream:
        if not stat.S_ISREG(os.fstat(stream.fileno()).st_mode):
            raise OSError(errno.EINVAL, "not a regular file", str(path))
        return hashlib.file_digest(stream, "sha256").hexdigest()


def _set_aside(path: Path) -> None:
    """Keep a broken manifest for a person to look at (``….损坏-<时间>``), never delete it."""
    from evaluator.runner.statefile import set_aside

    set_aside(path, "清单", None)


@dataclass
class Manifest:
    """The records of one output folder (see the module docstring)."""

    folder: Path
    records: dict[str, dict[str, Any]] = field(default_factory=dict)
    changed: bool = False
    #: takes of the hot folder with no answer yet, by key (see :mod:`evaluator.runner.journal`)
    open_takes: dict[str, dict[str, Any]] = field(default_factory=dict)
    journal: Journal | None = None

    @property
    def path(self) -> Path:
        return self.folder / MANIFEST_NAME

    @classmethod
    def load(cls, folder: Path) -> "Manifest":
        """The manifest as saved, with what the journal holds since replayed onto it."""
        manifest = cls._read(folder)
        manifest.journal = Journal(folder)
        replay = manifest.journal.read()
        if replay.answers:
            manifest.records.update(replay.answers)
            manifest.changed = True
        manifest.open_takes = replay.open_takes
        return manifest

    @classmethod
    def _read(cls, folder: Path) -> "Manifest":
        path = folder / MANIFEST_NAME
        try:
            data = json.loads(path.read_text("utf-8"))
        except FileNotFoundError:
            return cls(folder)
        except (OSError, ValueError) as exc:
            log.warning("清单 %s 无法读取（%s），本次全部重新检查", path, exc)
            _set_aside(path)
            return cls(folder, changed=True)
        if not isinstance(data, dict) or data.get("format") != FORMAT or not isinstance(data.get("files"), dict):
            log.warning("清单 %s 格式不符，本次全部重新检查", path)
            _set_aside(path)
            return cls(folder, changed=True)
        return cls(folder, records=data["files"])

    def take(self, key: str, source: Path, destination: Path | None, mode: int | None) -> None:
        """Note (durably, before it is moved) that the hot folder takes ``source`` under ``key``."""
        if self.journal is not None:
            self.journal.take(key, source, destination, mode)
            self.open_takes[key] = {"take": key, "from": str(source),
                                    "to": str(destination) if destination else None, "mode": mode}

    def drop(self, key: str) -> None:
        """A take that needs no answer (its file went back to the inbox)."""
        if key in self.open_takes:
            if self.journal is not None:
                self.journal.drop(key)
            del self.open_takes[key]

    def reusable(self, key: str, digest: str, catalog: str, version: str,
                 destination: Path | None) -> list[dict[str, Any]] | None:
        """The stored entries of ``key`` when nothing that decides them has changed, else None."""
        record = self.records.get(key)
        if not record or (record.get("sha256"), record.get("catalog"), record.get("version")) != (
                digest, catalog, version):
            return None
        entries = record.get("entries")
        if not isinstance(entries, list) or not entries:
            return None
        if destination is not None and record.get("annotated") is not None:
            if record["annotated"] != self._relative(destination) or not destination.is_file():
                return None
        return copy.deepcopy(entries)

    def replaces(self, key: str, digest: str) -> dict[str, Any] | None:
        """``{sha256, checked_at}`` of the record a file of content ``digest`` would replace under
        ``key`` (None when there is none, or it holds the same content)."""
        record = self.records.get(key)
        if not record or record.get("sha256") == digest:
            return None
        return {"sha256": record.get("sha256"), "checked_at": record.get("checked")}

    def shown_reviews(self, key: str) -> str | None:
        """The digest of the reviews the annotated copy of ``key`` shows (None: none)."""
        record = self.records.get(key) or {}
        # A record of the earlier version keeps no digest: it is read as "its copy shows no review".
        # Why not as "changed": a nightly run over an unchanged archive then does no more work than
        # before for every file no one reviewed (nearly all of them), while every file a review
        # applies to now has its copy written once more, with the digest recorded. The one copy read
        # wrong is one the earlier version wrote showing a review that has been removed since: it
        # stays as that version left it until the file is checked again (``--force``). Reading every
        # such record as changed would check the whole archive again once, for that case alone.
        # (A new tool version checks every file again anyway: the version is a reuse key.)
        return record.get("reviews")

    def shows(self, key: str, reviews: str | None) -> None:
        """The annotated copy of ``key`` is written again and shows ``reviews`` (a digest); the rest
        of its record stays as it is."""
        record = self.records.get(key)
        if record is None:
            return
        record["reviews"] = reviews
        self.changed = True
        if self.journal is not None:
            self.journal.answer(key, record)

    def compared(self, key: str, entries: list[dict[str, Any]]) -> None:
        """Keep the comparison with the last round that the run made of the entries of ``key`` it
        recorded (each entry's and finding's ``since_last``, in the same order), so that an entry
        reused unchanged later says what it said when it was checked, and a copy written again for
        its reviews shows it. Not journalled: the caller saves the manifest at once, and a run
        killed in between loses no answer, only this comparison of it."""
        record = self.records.get(key)
        stored = record.get("entries") if record else None
        if not isinstance(stored, list) or len(stored) != len(entries):
            return
        for kept, entry in zip(stored, entries):
            kept["since_last"] = copy.deepcopy(entry.get("since_last"))
            findings, shown = kept.get("findings") or [], entry.get("findings") or []
            if len(findings) == len(shown):
                for finding, said in zip(findings, shown):
                    finding["since_last"] = said.get("since_last")
        self.changed = True

    def record(self, key: str, digest: str, catalog: str, version: str, entries: list[dict[str, Any]],
               annotated: Path | None, mode: int | None = None, reviews: str | None = None) -> None:
        self.records[key] = {
            "sha256": digest,
            "catalog": catalog,
            "version": version,
            "annotated": self._relative(annotated) if annotated is not None else None,
            "checked": datetime.now().astimezone().isoformat(timespec="seconds"),
            "mode": mode | OWNER if mode is not None else None,   # never one that locks the owner out
            "entries": entries,
            "reviews": reviews if annotated is not None else None,
        }
        self.changed = True
        if self.journal is not None:
            self.journal.answer(key, self.records[key])
        self.open_takes.pop(key, None)

    def annotated_paths(self, besides: set[str] = frozenset()) -> set[Path]:
        """The annotated copies recorded for every key but those in ``besides``: names a new file's
        copy must not take."""
        return {self.folder / record["annotated"] for key, record in self.records.items()
                if key not in besides and record.get("annotated")}

    def modes(self) -> list[int]:
        """The permission bits of every file recorded (no limit for a record of an earlier version)."""
        return [record["mode"] | OWNER if isinstance(record.get("mode"), int) else 0o666
                for record in self.records.values()]

    def all_entries(self) -> list[dict[str, Any]]:
        """Every stored entry, by key: what the folder holds, for a summary of all of it."""
        entries = []
        for key in sorted(self.records):
            record = self.records[key]
            for entry in copy.deepcopy(record.get("entries") or []):
                if record.get("annotated") is not None:
                    entry["annotated"] = str(self.folder / record["annotated"])
                entries.append(entry)
        return entries

    def save(self) -> None:
        """Write the manifest (atomically), then compact the journal to the takes still open."""
        if self.changed:
            data = {"format": FORMAT, "files": self.records}
            write_text(self.path, json.dumps(data, ensure_ascii=False, indent=1))
            self.changed = False
        if self.journal is not None and (self.open_takes or self.journal.path.exists()):
            self.journal.compact(list(self.open_takes.values()))

    def _relative(self, path: Path) -> str:
        try:
            return path.resolve().relative_to(self.folder.resolve()).as_posix()
        except ValueError:
            return str(path)
