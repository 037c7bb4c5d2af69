"""Write an output whole or not at all: into a temporary file beside it, then rename it into place.

A run that is interrupted (Ctrl-C, a crash, a full disk) leaves the previous version of every report
and annotated copy intact, never a half-written one. What it may leave is a temporary file named
``.~tmp-*``; :func:`remove_stale` clears those at the start of the next run on the same folder.

An output gets the permissions of a file the user creates (the umask), but is never more readable
than what it was made from: inside :func:`no_more_readable_than`, every output written is also
limited to the permission bits given (a 0600 workbook gives a 0600 annotated copy, never a
world-readable one). The limit is set before the file is renamed into place, so there is no moment
at which the output is more readable. Whatever the inputs, an output stays readable and writable by
its owner (u+rw): a mode-000 input limits its reports to 0600, never to 0200.
"""

from __future__ import annotations

import errno
import os
import sys
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import IO, Iterator

TEMP_PREFIX = ".~tmp-"
#: errors that say the disk (or the user's quota) is full: they pass when space is freed
NO_SPACE = frozenset(code for code in (errno.ENOSPC, getattr(errno, "EDQUOT", None), errno.EFBIG) if code)
PERMISSIONS = 0o666
OWNER = 0o600   # an output is always readable and writable by the user who wrote it
_CEILING: ContextVar[int] = ContextVar("output_permission_ceiling", default=PERMISSIONS)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def as_created(path: str | Path) -> None:
    """Give a temporary file the permissions of a file the user creates (mkstemp makes it 0600),
    within the limit of :func:`no_more_readable_than`, and always readable and writable by its
    owner (an unreadable input, mode 000, never gives reports their owner cannot open)."""
    os.chmod(path, (PERMISSIONS & ~_umask() & _CEILING.get()) | OWNER)


@contextmanager
def no_more_readable_than(*modes: int) -> Iterator[int]:
    """Outputs written in this block are readable by no one who cannot read every one of ``modes``
    (the permission bits of the inputs they are made from); yields the combined limit. Only read
    bits are limited: whether the output is writable stays the umask's business."""
    ceiling = _CEILING.get()
    for mode in modes:
        ceiling &= mode | 0o333
    token = _CEILING.set(ceiling & PERMISSIONS)
    try:
        yield ceiling & PERMISSIONS
    finally:
        _CEILING.reset(token)


@contextmanager
def replacing(destination: Path, binary: bool = False) -> Iterator[IO]:
    """A stream whose content replaces ``destination`` when the block ends without an exception."""
    import tempfile   # here, not at the top: a check that writes no file does not load it (nor shutil)

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


def is_no_space(exc: BaseException) -> bool:
    """Whether ``exc`` says the disk (or quota) is full: an error that passes, not the file's fault."""
    return isinstance(exc, OSError) and exc.errno in NO_SPACE


def quiet_abandoned_writers() -> None:
    """Once a write failed (a full disk), a writer dropped half-way (a zip archive of openpyxl's)
    tries to finish itself when collected and fails again, which Python prints as "Exception
    ignored" with a traceback, once per file. That failure was already reported with the file:
    from now on it is dropped; every other unraisable error is printed as before."""
    previous = sys.unraisablehook
    if getattr(previous, "_evaluator", False):
        return

    def hook(unraisable) -> None:
        exc = unraisable.exc_value
        if is_no_space(exc) or (isinstance(exc, (OSError, ValueError)) and "__del__" in repr(unraisable.object)):
            return
        previous(unraisable)

    hook._evaluator = True  # type: ignore[attr-defined]
    sys.unraisablehook = hook
