"""Read a file once, from the file that was checked, never from where a link swapped in points.

A hot folder is written by many people and read by an account that can read far more. Between the
moment a folder is walked and the moment a file is opened, anyone who can write to the folder can
replace the file with a symbolic link to something only the reader may see. :func:`read_file`
therefore opens without following a link at the last step of the path (``O_NOFOLLOW``), asks the
open descriptor itself what it is (``fstat``: a regular file, and how large), and reads the bytes
from that descriptor, never more than the limit. The safety inspection measures these bytes and
the readers parse these same bytes: nothing is opened by name a second time.

A caller that means to follow a link (one the folder walk found pointing inside the folder, or a
file named on the command line) passes the link's resolved target.

Opening never blocks: a named pipe, socket or device is refused as "not a file" without waiting
for a writer.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from evaluator.intake.limits import DEFAULT_LIMITS, MB, Limits
from evaluator.intake.refusals import Refused

#: 0 where the system has no such flag (then the file is checked with lstat before and after).
NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_FLAGS = (os.O_RDONLY | getattr(os, "O_BINARY", 0) | getattr(os, "O_CLOEXEC", 0)
          | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | NOFOLLOW)
_CHUNK = 1 << 20


def _refuse(slug: str, **fields: object) -> Exception:
    return Refused(slug, **fields)


def read_file(path: Path, limits: Limits | None = DEFAULT_LIMITS) -> bytes:
    """The bytes of the regular file at ``path``, read from one descriptor opened without
    following a symbolic link; at most ``limits.max_file_bytes`` (no limit with None).

    Raises :class:`~evaluator.intake.refusals.Refused` for a link, for anything but a regular file,
    for an empty file or one over the limit, and :class:`OSError` when the file cannot be opened.
    """
    before = None
    if not NOFOLLOW:
        before = os.lstat(path)
        if stat.S_ISLNK(before.st_mode):
            raise _refuse("symlink")
    try:
        fd = os.open(path, _FLAGS)
    except OSError as exc:
        _explain(path, exc)
        raise
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise _refuse("not-a-file")
        if before is not None and (before.st_dev, before.st_ino) != (info.st_dev, info.st_ino):
            raise _refuse("symlink")
        if info.st_size == 0:
            raise _refuse("empty")
        limit = limits.max_file_bytes if limits is not None else None
        if limit is not None and info.st_size > limit:
            raise _refuse("file-too-large", size=f"{info.st_size / MB:,.1f}", limit=limits.max_file_mb)
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        return _read_all(fd, info.st_size, limits)
    finally:
        os.close(fd)


def _read_all(fd: int, size: int, limits: Limits | None) -> bytes:
    """Everything the descriptor holds, refusing a file that grew past the limit while read."""
    limit = limits.max_file_bytes if limits is not None else None
    chunks: list[bytes] = []
    total = 0
    want = size + 1   # one byte more than announced: a file still being written has grown
    while True:
        chunk = os.read(fd, want - total if total < want else _CHUNK)
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
        if limit is not None and total > limit:
            raise _refuse("file-too-large", size=f"> {limits.max_file_mb}", limit=limits.max_file_mb)
    if total == 0:
        raise _refuse("empty")
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)


def _explain(path: Path, exc: OSError) -> None:
    """Turn a failed open into a refusal when the path is a link (O_NOFOLLOW refuses it with ELOOP,
    or EMLINK on some systems) or not a regular file (a socket cannot be opened at all)."""
    if exc.errno not in (errno.ELOOP, errno.EMLINK, errno.ENXIO, errno.EOPNOTSUPP, errno.ENODEV):
        return
    try:
        info = os.lstat(path)
    except OSError:
        return
    if stat.S_ISLNK(info.st_mode):
        raise _refuse("symlink") from exc
    if not stat.S_ISREG(info.st_mode):
        raise _refuse("not-a-file") from exc
