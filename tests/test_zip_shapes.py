"""Zip shapes against the default limits (evaluator/intake/limits.py), each on its own edge.

The one bomb of tests/test_safety.py inflates 1000:1 to 2 GiB and is refused by any limit at all:
a ratio limit ten times looser, a ratio floor tested on the compressed size instead of the
unzipped one, or an unzipped total that counts only the last part all let it through refused.
Here each shape is built so that exactly one limit refuses it, with the defaults a run uses:

* a bomb under 1 MiB compressed (the floor is on the unzipped size of a part);
* a part at about 200:1, twice the default ratio limit (not ten times);
* several parts under the total each that exceed it only together;
* and next to each, the same shape on the right side of the limit, which must pass.

Every part is a real deflate stream that inflates to what its directory entry declares.
"""

from __future__ import annotations

import random
import zipfile
import zlib
from pathlib import Path

import pytest

import badfiles
from conftest import SAMPLES
from evaluator.intake.limits import DEFAULT_LIMITS, MB, Limits
from evaluator.intake.safety import RATIO_FLOOR, Kind, Refused, inspect

FORM = SAMPLES / "correct-form.xlsx"


def _stream(block: bytes, count: int) -> tuple[bytes, int, int]:
    """``count`` copies of ``block`` as one raw deflate stream, its CRC and its size: each copy is
    deflated alone (a full flush), so the stream is built from one compressed block."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    piece = compressor.compress(block) + compressor.flush(zlib.Z_FULL_FLUSH)
    crc = 0
    for _ in range(count):
        crc = zlib.crc32(block, crc)
    return piece * count + b"\x03\x00", crc, count * len(block)


def _block(ratio: int) -> bytes:
    """1 MiB that deflates about ``ratio``:1 (random bytes, then zeros; as many random bytes as
    bring the deflated size to a 1/``ratio`` of the whole)."""
    noise = random.Random(ratio).randbytes(MB // ratio)
    size = len(noise)
    while True:
        block = noise[:size] + bytes(MB - size)
        compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
        deflated = len(compressor.compress(block) + compressor.flush(zlib.Z_FULL_FLUSH))
        if deflated <= MB // ratio or size < 64:
            return block
        size -= max(16, (deflated - MB // ratio) // 2)


def _package(path: Path, extra: dict[str, tuple[bytes, int, int]]) -> Path:
    """The correct form's workbook with extra parts (name → deflate stream, CRC, size)."""
    entries = [(name, badfiles._deflate(data), zlib.crc32(data), len(data))
               for name, data in badfiles.parts_of(FORM).items()]
    entries += [(name, *stream) for name, stream in extra.items()]
    return badfiles._raw_zip(path, entries)


def _ratio(path: Path, part: str) -> float:
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo(part)
    return info.file_size / info.compress_size


def _refused(path: Path) -> Refused:
    with pytest.raises(Refused) as caught:
        inspect(path, Limits())
    return caught.value


def test_the_defaults_these_shapes_stand_on():
    assert (DEFAULT_LIMITS.max_ratio, DEFAULT_LIMITS.max_unzipped_mb, DEFAULT_LIMITS.max_file_mb) == (100, 200, 50)
    assert RATIO_FLOOR == MB


def test_a_bomb_under_one_mebibyte_compressed_is_refused(tmp_path):
    """150 MiB of zeros deflate to about 150 KiB: the part is small compressed, huge unzipped; the
    floor that spares small parts from the ratio limit is on the unzipped size."""
    path = _package(tmp_path / "bomb.xlsx", {"xl/media/zeros.bin": _stream(bytes(MB), 150)})
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo("xl/media/zeros.bin")
    assert info.compress_size < MB and info.file_size == 150 * MB
    assert info.file_size < DEFAULT_LIMITS.max_unzipped_bytes     # the total alone would let it in
    refused = _refused(path)
    assert refused.slug == "zip-bomb" and "xl/media/zeros.bin" in str(refused)


def test_a_small_part_is_not_held_to_the_ratio(tmp_path):
    """Half a mebibyte of zeros (about 1000:1) is under the floor: a form's own parts are like it."""
    path = _package(tmp_path / "small.xlsx", {"xl/media/zeros.bin": _stream(bytes(MB // 2), 1)})
    assert _ratio(path, "xl/media/zeros.bin") > 5 * DEFAULT_LIMITS.max_ratio
    assert inspect(path, Limits()).kind is Kind.XLSX


def test_a_part_at_two_hundred_to_one_is_refused(tmp_path):
    path = _package(tmp_path / "dense.xlsx", {"xl/media/dense.bin": _stream(_block(200), 4)})
    assert 2 * DEFAULT_LIMITS.max_ratio <= _ratio(path, "xl/media/dense.bin") < 5 * DEFAULT_LIMITS.max_ratio
    refused = _refused(path)
    assert refused.slug == "zip-bomb" and "xl/media/dense.bin" in str(refused)
    assert "上限 100:1" in str(refused)


def test_a_part_under_the_ratio_limit_passes(tmp_path):
    path = _package(tmp_path / "fine.xlsx", {"xl/media/fine.bin": _stream(_block(50), 4)})
    assert DEFAULT_LIMITS.max_ratio / 4 < _ratio(path, "xl/media/fine.bin") < DEFAULT_LIMITS.max_ratio
    assert inspect(path, Limits()).kind is Kind.XLSX


def test_parts_that_exceed_the_unzipped_total_only_together_are_refused(tmp_path):
    """Three parts of 80 MiB at about 50:1: each under the ratio limit and under 200 MiB, together
    240 MiB; refused from the directory (the total of every part, not of the last one)."""
    stream = _stream(_block(50), 80)
    path = _package(tmp_path / "together.xlsx", {f"xl/media/part{i}.bin": stream for i in range(3)})
    assert path.stat().st_size < DEFAULT_LIMITS.max_file_bytes
    assert all(_ratio(path, f"xl/media/part{i}.bin") < DEFAULT_LIMITS.max_ratio for i in range(3))
    refused = _refused(path)
    assert refused.slug == "unzipped-too-large" and "上限 200 MB" in str(refused)


def test_parts_under_the_unzipped_total_together_pass(tmp_path):
    """Two of the same parts (160 MiB together) stay under 200 MiB: inflated and measured, read."""
    stream = _stream(_block(50), 80)
    path = _package(tmp_path / "under.xlsx", {f"xl/media/part{i}.bin": stream for i in range(2)})
    assert inspect(path, Limits()).kind is Kind.XLSX


# --- the other limits, each on its edge ----------------------------------------------------------


def test_as_many_parts_as_the_limit_pass_one_more_is_refused(tmp_path):
    path = badfiles.write_parts(tmp_path / "parts.xlsx", badfiles.parts_of(FORM))
    count = len(badfiles.parts_of(FORM))
    assert inspect(path, Limits(max_entries=count)).kind is Kind.XLSX
    with pytest.raises(Refused) as caught:
        inspect(path, Limits(max_entries=count - 1))
    assert caught.value.slug == "too-many-entries"


def test_a_part_flagged_encrypted_in_the_zip_is_refused(tmp_path):
    """Bit 0 of a part's general-purpose flags (traditional zip encryption), in its local header
    and its directory entry; the other bits (bit 1, a compression option) are not encryption."""
    data = bytearray(FORM.read_bytes())
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        at = data.find(signature)
        data[at + offset] |= 0x1
    locked = tmp_path / "locked.xlsx"
    locked.write_bytes(bytes(data))
    with pytest.raises(Refused) as caught:
        inspect(locked, Limits())
    assert caught.value.slug == "encrypted"
    data = bytearray(FORM.read_bytes())
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        start = 0
        while (at := data.find(signature, start)) >= 0:
            data[at + offset] |= 0x2
            start = at + 4
    option = tmp_path / "option.xlsx"
    option.write_bytes(bytes(data))
    assert inspect(option, Limits()).kind is Kind.XLSX


def test_a_workbook_of_exactly_the_cell_budget_is_read_whole(tmp_path):
    (sheet,) = inspect(FORM, Limits()).sheets
    assert inspect(FORM, Limits(max_cells=sheet.cells)).skipped == {}
    assert sheet.name in inspect(FORM, Limits(max_cells=sheet.cells - 1)).skipped


def test_a_sheet_of_exactly_the_row_limit_is_read(tmp_path):
    (sheet,) = inspect(FORM, Limits()).sheets
    assert inspect(FORM, Limits(max_rows=sheet.rows)).skipped == {}
    assert sheet.name in inspect(FORM, Limits(max_rows=sheet.rows - 1)).skipped


def test_bytes_of_exactly_the_file_limit_are_measured_one_more_is_refused(tmp_path):
    from evaluator.intake.safety import inspect_data

    data = FORM.read_bytes()
    padded = data + bytes(MB - len(data))     # the zip's directory is found from its end: keep it there
    assert len(padded) == MB
    with pytest.raises(Refused) as caught:
        inspect_data(padded + b"\x00", Limits(max_file_mb=1))
    assert caught.value.slug == "file-too-large"
    try:
        inspect_data(padded, Limits(max_file_mb=1))
    except Refused as refused:
        assert refused.slug != "file-too-large"
    path = tmp_path / "big.xlsx"
    path.write_bytes(padded + b"\x00")
    with pytest.raises(Refused) as caught:
        inspect(path, Limits(max_file_mb=1))
    assert caught.value.slug == "file-too-large"
