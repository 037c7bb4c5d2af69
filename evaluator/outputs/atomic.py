"""Write an output whole or not at all: into a temporary file beside it, then rename it into place.

A run that is interrupted (Ctrl-C, a crash, a full disk) leaves the previous version of every report
and annotated copy intact, never a half-written one. What it may leave is a temporary file named
``.~tmp-*``; :func:`remove_stale` clears those at the start of the next run on the same folder.
"""

from __future__ import annotations

import os
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Iterator

TEMP_PREFIX = ".~tmp-"


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def as_created(path: str | Path) -> None:
    """Give a temporary file the permissions of a file the user creates (mkstemp makes it 0600)."""
    os.chmod(path, 0o666 & ~_umask())


@contextmanager
def replacing(destination: Path, binary: bool = False) -> Iterator[IO]:
    """A stream whose content replaces ``destination`` when the block ends without an exception."""
    destination.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=destination.suffix, dir=destination.parent)
    try:
        if binary:
            stream = os.fdopen(handle, "wb")
        else:
            stream = os.fdopen(handle, "w", encoding="utf-8", newline="\n")
        with stream:
            yield stream
            stream.flush()
            os.fsync(stream.fileno())
        as_created(temporary)
        os.replace(temporary, destination)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_text(destination: Path, text: str) -> None:
    with replacing(destination) as stream:
        stream.write(text)


def remove_stale(folder: Path) -> int:
    """Remove temporary files an interrupted run left in ``folder`` (call it while holding the lock)."""
    removed = 0
    for path in folder.rglob(f"{TEMP_PREFIX}*"):
        if path.is_file():
            path.unlink(missing_ok=True)
            removed += 1
    return removed
