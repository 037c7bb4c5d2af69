"""A zip written part by part, where a part kept from another zip is copied compressed, as it is.

Why it is written here: the standard library's :mod:`zipfile` writes a member only from its
uncompressed bytes, so copying a package's untouched parts through it inflates and deflates each
of them again (about 1 ms a form, most of the annotated copy's zip time). A raw copy is asked of
CPython (python/cpython#113924, with pull requests #125718 and #151825, open and in no release);
the Python zip writers looked at (stream-zip, zipstream-ng) take uncompressed data, and no raw
mode was found in their documentation. What is written here is the small, plain subset of the
format that every reader reads:

- each part: a local header carrying its CRC and sizes (never a data descriptor, so the header
  says everything before the data), then its data; a name that is not ASCII is written in UTF-8
  with the UTF-8 flag (bit 11), as :mod:`zipfile` writes it;
- a part copied keeps its compressed bytes, CRC, sizes, method (stored or deflated), date and
  attributes; the source's data descriptor (flag bit 3: Excel, LibreOffice and streaming writers
  set it) is not copied, since the sizes are in the local header instead;
- a part given as bytes is deflated at level 6 (as the package writer did through :mod:`zipfile`);
- then the central directory and its end record.

No ZIP64: a part or an archive over 4 GiB, or over 65,535 parts, is refused with
:class:`TooLarge` before anything of it is written. The intake's limits
(:mod:`evaluator.intake.limits`: 50 MB files, 200 MB unzipped, 10,000 parts by default) keep every
package it lets through far below that; a user who raises them that far gets the copy written the
other way (the caller's fallback).

Nothing here checks the copied bytes' CRC: the intake inflated and checked every part of the same
bytes before the check (:mod:`evaluator.intake.zipcheck`), and a copy is what the source holds.
"""

from __future__ import annotations

import struct
import time
import zipfile
import zlib
from typing import BinaryIO

_LOCAL = struct.Struct("<4sHHHHHLLLHH")
_CENTRAL = struct.Struct("<4sHHHHHHLLLHHHHHLL")
_END = struct.Struct("<4sHHHHLLH")
_LIMIT = 0xFFFFFFFF     # sizes and offsets without ZIP64
_MOST_PARTS = 0xFFFF
_VERSION = 20           # version needed to extract: 2.0 (deflate)
_MADE_BY = (3 << 8) | _VERSION   # made on Unix, version 2.0
_UTF8 = 0x800
_DESCRIPTOR = 0x8
_DEFLATE_OPTIONS = 0x6  # bits 1-2 of a deflated part: how hard it was compressed, kept with the data
CHUNK = 1 << 20


class TooLarge(ValueError):
    """The zip would need ZIP64 (a part or the archive over 4 GiB, or over 65,535 parts)."""


def _dos(date_time: tuple[int, ...]) -> tuple[int, int]:
    year, month, day, hour, minute, second = date_time[:6]
    return (hour << 11) | (minute << 5) | (second // 2), ((year - 1980) << 9) | (month << 5) | day


def _encoded(name: str) -> tuple[bytes, int]:
    try:
        return name.encode("ascii"), 0
    except UnicodeEncodeError:
        return name.encode("utf-8"), _UTF8


class ZipWriter:
    """Write parts to ``target`` (from its current position, counted as the archive's start), then
    :meth:`close` to write the directory. ``target`` need not be seekable."""

    def __init__(self, target: BinaryIO) -> None:
        self.target = target
        self.written = 0
        self.directory: list[bytes] = []

    def _entry(self, name: str, flags: int, method: int, date_time: tuple[int, ...], crc: int,
               compressed: int, size: int, external: int) -> None:
        """Write a part's local header and remember its directory record."""
        encoded, utf8 = _encoded(name)
        if len(self.directory) >= _MOST_PARTS or max(compressed, size) >= _LIMIT or \
                self.written + _LOCAL.size + len(encoded) + compressed >= _LIMIT:
            raise TooLarge(f"{name}: the zip would need ZIP64 (over 4 GiB or over {_MOST_PARTS:,} parts)")
        flags = (flags & ~(_DESCRIPTOR | _UTF8)) | utf8
        dos_time, dos_date = _dos(date_time)
        self.directory.append(_CENTRAL.pack(b"PK\x01\x02", _MADE_BY, _VERSION, flags, method, dos_time, dos_date,
                                            crc, compressed, size, len(encoded), 0, 0, 0, 0, external,
                                            self.written) + encoded)
        self._write(_LOCAL.pack(b"PK\x03\x04", _VERSION, flags, method, dos_time, dos_date, crc, compressed, size,
                                len(encoded), 0) + encoded)

    def _write(self, data: bytes) -> None:
        self.target.write(data)
        self.written += len(data)

    def add(self, name: str, data: bytes, date_time: tuple[int, ...] | None = None) -> None:
        """A part from its bytes, deflated (dated now unless ``date_time``, as :mod:`zipfile` dates
        ``writestr``, with its owner-only permissions)."""
        deflater = zlib.compressobj(6, zlib.DEFLATED, -15)
        compressed = deflater.compress(data) + deflater.flush()
        self._entry(name, 0, zipfile.ZIP_DEFLATED, date_time or time.localtime(time.time())[:6], zlib.crc32(data),
                    len(compressed), len(data), 0o600 << 16)
        self._write(compressed)

    def copy(self, source: BinaryIO, info: zipfile.ZipInfo) -> None:
        """Part ``info`` of the zip read from ``source``, its compressed bytes copied as they are
        (a part neither stored nor deflated, or encrypted, is refused: the intake lets none in)."""
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED) or info.flag_bits & 0x1:
            raise ValueError(f"{info.filename}: neither stored nor deflated, or encrypted")
        source.seek(info.header_offset)
        local = source.read(_LOCAL.size)
        if len(local) < _LOCAL.size or local[:4] != b"PK\x03\x04":
            raise ValueError(f"{info.filename}: no local header where the directory says")
        name_length, extra_length = struct.unpack_from("<HH", local, 26)
        flags = info.flag_bits & _DEFLATE_OPTIONS if info.compress_type == zipfile.ZIP_DEFLATED else 0
        self._entry(info.filename, flags, info.compress_type, info.date_time, info.CRC, info.compress_size,
                    info.file_size, info.external_attr)
        source.seek(info.header_offset + _LOCAL.size + name_length + extra_length)
        left = info.compress_size
        while left:
            chunk = source.read(min(CHUNK, left))
            if not chunk:
                raise ValueError(f"{info.filename}: cut short")
            self._write(chunk)
            left -= len(chunk)

    def close(self) -> None:
        """The central directory and its end record."""
        start = self.written
        for record in self.directory:
            self._write(record)
        size = self.written - start
        if self.written >= _LIMIT:
            raise TooLarge("the zip would need ZIP64 (its directory ends past 4 GiB)")
        count = len(self.directory)
        self._write(_END.pack(b"PK\x05\x06", 0, 0, count, count, size, start, 0))
