"""What an output folder's runs have taken and answered since its manifest was last saved:
DIR/.evaluator-journal.

The manifest is rewritten whole, so it is saved only now and then; the journal is what makes every
answer durable as soon as it exists. It is a file of JSON lines, only ever appended to, each line
written with one ``write`` and flushed to disk (fsync) before the run goes on:

``{"take": KEY, "from": INBOX PATH, "to": ARCHIVE PATH or null, "mode": BITS}``
    the hot folder is about to move a file into the archive (or, without one, to check it where it
    is). Written *before* the file is moved: a watcher killed at any moment after it finds, on its
    next start, every file it had taken and not answered, wherever it is.
``{"answer": KEY, "record": {...}}``
    the manifest record of a file just checked (its entries, digest, annotated copy). Written at
    once (it survives a kill of the run from then on), flushed to disk at most a second later
    (:data:`SYNC_EVERY`) and before the journal is compacted: a machine that loses power can cost
    the last second's answers, whose files are then checked again.
``{"drop": KEY}``
    a take that needs no answer: the file went back to the inbox (to be taken again).

Loading the manifest replays the answers; saving it compacts the journal: the manifest is written
(atomically), then the journal is replaced (atomically) by the takes still open, or removed. A line
torn by a kill in the middle of a write is the last one; it was never acknowledged, and reading the
journal cuts it off. A write that fails (a full disk) is cut off at once.
Every path is kept as written by ``json.dumps`` with ASCII escapes, so a file name that is not
UTF-8 (kept by Python as lone surrogates) survives the round trip.
"""

from __future__ import annotations

import errno
import json
import logging
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from evaluator.outputs.atomic import write_text

log = logging.getLogger("evaluator")
JOURNAL_NAME = ".evaluator-journal"
#: Seconds an answer may wait to be flushed to disk (one flush for every answer of a busy second).
SYNC_EVERY = 1.0


@dataclass
class Replay:
    """What a journal holds: the answers in order, and the takes with neither answer nor drop."""

    answers: dict[str, dict[str, Any]] = field(default_factory=dict)
    open_takes: dict[str, dict[str, Any]] = field(default_factory=dict)


class Journal:
    """The journal of one output folder (see the module docstring)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._synced = time.monotonic()
        self._unsynced = False

    @property
    def path(self) -> Path:
        return self.folder / JOURNAL_NAME

    def append(self, event: dict[str, Any], durable: bool = True) -> None:
        """Add one event and wait until it is on disk (OSError when it cannot be written); with
        ``durable`` False, written at once and flushed to disk within :data:`SYNC_EVERY` seconds."""
        line = (json.dumps(event, ensure_ascii=True, separators=(",", ":")) + "\n").encode("ascii")
        descriptor = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o600)
        try:
            size = os.fstat(descriptor).st_size
            try:
                written = os.write(descriptor, line)
                if written != len(line):   # a full disk part-way
                    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(self.path))
                if durable or self._unsynced and time.monotonic() - self._synced >= SYNC_EVERY:
                    os.fsync(descriptor)
                    self._synced, self._unsynced = time.monotonic(), False
                else:
                    self._unsynced = True
            except OSError:
                try:
                    os.ftruncate(descriptor, size)   # no torn line for the next event to run into
                except OSError:
                    pass
                raise
        finally:
            os.close(descriptor)

    def take(self, key: str, source: Path, destination: Path | None, mode: int | None) -> None:
        self.append({"take": key, "from": str(source), "to": str(destination) if destination else None,
                     "mode": mode})

    def answer(self, key: str, record: dict[str, Any]) -> None:
        self.append({"answer": key, "record": record}, durable=False)

    def sync(self) -> None:
        """Flush to disk the answers written since the last flush."""
        if not self._unsynced:
            return
        try:
            descriptor = os.open(self.path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        except OSError:
            return
        try:
            os.fsync(descriptor)
            self._synced, self._unsynced = time.monotonic(), False
        except OSError:
            pass
        finally:
            os.close(descriptor)

    def drop(self, key: str) -> None:
        self.append({"drop": key})

    def read(self) -> Replay:
        """Replay the journal; a line that does not parse (torn by a kill, or foreign) ends it."""
        replay = Replay()
        try:
            data = self.path.read_bytes()
        except FileNotFoundError:
            return replay
        except OSError as exc:
            log.warning("日志 %s 无法读取（%s）", self.path, exc)
            return replay
        if data and not data.endswith(b"\n"):
            # A line torn by a kill: never acknowledged. Cut it off, so the next event starts a line.
            data = data[: data.rfind(b"\n") + 1]
            try:
                os.truncate(self.path, len(data))
            except OSError:
                pass
        for number, line in enumerate(data.split(b"\n"), 1):
            if not line.strip():
                continue
            try:
                event = json.loads(line)
            except ValueError:
                event = None
            if not isinstance(event, dict):
                log.warning("日志 %s 第 %d 行无法读取，已跳过", self.path, number)
                continue
            if isinstance(event.get("take"), str):
                replay.open_takes[event["take"]] = event
            elif isinstance(event.get("answer"), str) and isinstance(event.get("record"), dict):
                replay.answers[event["answer"]] = event["record"]
                replay.open_takes.pop(event["answer"], None)
            elif isinstance(event.get("drop"), str):
                replay.open_takes.pop(event["drop"], None)
        return replay

    def compact(self, keep: list[dict[str, Any]]) -> None:
        """Replace the journal by ``keep`` (the takes still open), atomically; remove it when empty.
        Call it once what the journal held is safe elsewhere (the manifest saved)."""
        self._unsynced = False   # what was not flushed is in the manifest now
        if not keep:
            try:
                os.unlink(self.path)
            except FileNotFoundError:
                pass
            return
        text = "".join(json.dumps(event, ensure_ascii=True, separators=(",", ":")) + "\n" for event in keep)
        write_text(self.path, text)
