"""The annotated copy's zip: the parts the annotation does not touch are copied compressed, as they
are (same bytes, CRC, sizes and method), whatever the source zip's shape (data descriptors as
Excel, LibreOffice and streaming writers write them, stored parts, names that are not ASCII); the
zip written opens cleanly in zipfile and openpyxl; and one that would need ZIP64 is refused, the
copy then written the other way."""

from __future__ import annotations

import io
import struct
import zipfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from conftest import SAMPLES
from evaluator.outputs import zipcopy
from evaluator.outputs.annotate import patchable, write_annotated
from evaluator.outputs.marker import values_digest
from evaluator.outputs.zipcopy import TooLarge, ZipWriter
from evaluator.runner.engine import check_file

FORM = SAMPLES / "project-planted-total-mismatch.xlsx"
EXTRA = "docProps/附件说明.txt"   # a part with a name that is not ASCII, which nothing touches


def _raw(path: Path) -> dict[str, tuple[bytes, zipfile.ZipInfo]]:
    """Each part's compressed bytes, as stored, with its directory entry."""
    found = {}
    data = path.read_bytes()
    with zipfile.ZipFile(path) as archive:
        for info in archive.infolist():
            name_length, extra_length = struct.unpack_from("<HH", data, info.header_offset + 26)
            start = info.header_offset + 30 + name_length + extra_length
            found[info.filename] = data[start:start + info.compress_size], info
    return found


class _Unseekable(io.RawIOBase):
    """A stream zipfile cannot seek back in: it writes each part's CRC and sizes after the data,
    in a data descriptor (flag bit 3), as streaming writers do."""

    def __init__(self) -> None:
        self.data = bytearray()

    def writable(self) -> bool:
        return True

    def write(self, chunk) -> int:
        self.data += chunk
        return len(chunk)


def _variant(destination: Path, descriptors: bool, stored: set[str]) -> Path:
    """The form's package rewritten by zipfile: with data descriptors or not, the ``stored`` parts
    uncompressed, and one more part with a name that is not ASCII (declared in the content types)."""
    with zipfile.ZipFile(FORM) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        b"</Types>", b'<Default Extension="txt" ContentType="text/plain"/></Types>')
    parts[EXTRA] = "项目附件说明：无。\n".encode("utf-8") * 40
    sink = _Unseekable() if descriptors else io.BytesIO()
    # Deflated at level 1: inflating and deflating a part again (at 6) would give other bytes.
    with zipfile.ZipFile(sink, "w") as archive:
        for name, content in parts.items():
            method = zipfile.ZIP_STORED if name in stored else zipfile.ZIP_DEFLATED
            archive.writestr(zipfile.ZipInfo(name, (2021, 3, 4, 5, 6, 8)), content, compress_type=method,
                             compresslevel=1)
    destination.write_bytes(bytes(sink.data) if descriptors else sink.getvalue())
    return destination


@pytest.mark.parametrize("descriptors", [False, True], ids=["sizes-in-headers", "data-descriptors"])
@pytest.mark.parametrize("stored", [set(), {"xl/theme/theme1.xml", EXTRA, "docProps/app.xml"}],
                         ids=["deflated", "some-stored"])
def test_untouched_parts_are_copied_compressed_as_they_are(descriptors, stored, tmp_path, definitions):
    source = _variant(tmp_path / "form.xlsx", descriptors, stored)
    before = _raw(source)
    assert all(bool(info.flag_bits & 0x8) == descriptors for _, info in before.values())
    result = check_file(source, definitions, keep_grids=True)
    result.values_digest = values_digest(result.grids)
    assert patchable(result) and result.findings
    copy = write_annotated(result, tmp_path / "copy.xlsx")

    with zipfile.ZipFile(copy) as archive:
        assert archive.testzip() is None
        after_parts = {name: archive.read(name) for name in archive.namelist()}
    with zipfile.ZipFile(source) as archive:
        before_parts = {name: archive.read(name) for name in archive.namelist()}
    after = _raw(copy)
    untouched = {name for name in before_parts if after_parts.get(name) == before_parts[name]}
    assert {"xl/theme/theme1.xml", "docProps/core.xml", "docProps/app.xml", EXTRA} <= untouched
    for name in untouched:
        (old, old_info), (new, new_info) = before[name], after[name]
        assert new == old, name
        assert (new_info.CRC, new_info.compress_size, new_info.file_size, new_info.compress_type,
                new_info.date_time) == (old_info.CRC, old_info.compress_size, old_info.file_size,
                                        old_info.compress_type, old_info.date_time), name
    # No data descriptors written; the UTF-8 flag exactly where a name is not ASCII.
    for name, (_, info) in after.items():
        assert not info.flag_bits & 0x8, name
        assert bool(info.flag_bits & 0x800) == (not name.isascii()), name
    assert next(iter(after)) == "[Content_Types].xml"
    workbook = load_workbook(copy)
    assert workbook.sheetnames[-1] == "校验结果"
    assert after_parts["[Content_Types].xml"] != before_parts["[Content_Types].xml"]


names = st.text(st.sampled_from("abcxyz/._-项目表"), min_size=1, max_size=12).filter(
    lambda name: not name.startswith("/") and not name.endswith("/") and "//" not in name)


@settings(max_examples=40, deadline=None)
@given(parts=st.dictionaries(names, st.tuples(st.binary(max_size=3000), st.booleans()), min_size=1, max_size=6),
       descriptors=st.booleans(), added=st.binary(max_size=2000))
def test_a_zip_of_copied_and_added_parts_reads_back_exactly(parts, descriptors, added):
    sink = _Unseekable() if descriptors else io.BytesIO()
    with zipfile.ZipFile(sink, "w", compresslevel=1) as archive:   # as above: not the writer's level
        for name, (content, stored) in parts.items():
            archive.writestr(name, content, compress_type=zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED)
    source = io.BytesIO(bytes(sink.data) if descriptors else sink.getvalue())
    out = io.BytesIO()
    writer = ZipWriter(out)
    with zipfile.ZipFile(source) as archive:
        for info in archive.infolist():
            writer.copy(source, info)
    writer.add("新增/部件.xml", added)
    writer.close()
    with zipfile.ZipFile(out) as archive:
        assert archive.testzip() is None
        assert archive.namelist() == [*parts, "新增/部件.xml"]
        for name, (content, stored) in parts.items():
            assert archive.read(name) == content
            assert archive.getinfo(name).compress_type == (zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED)
        assert archive.read("新增/部件.xml") == added


def test_a_part_that_would_need_zip64_is_refused_before_it_is_written():
    huge = zipfile.ZipInfo("xl/media/huge.bin")
    huge.compress_type, huge.file_size, huge.compress_size, huge.header_offset = zipfile.ZIP_STORED, 1 << 32, 1 << 32, 0
    huge.CRC = 0
    source = io.BytesIO(b"PK\x03\x04" + bytes(26) + b"xl/media/huge.bin")
    out = io.BytesIO()
    writer = ZipWriter(out)
    with pytest.raises(TooLarge):
        writer.copy(source, huge)
    assert out.getvalue() == b""


def test_a_package_over_the_zip_limits_gets_its_copy_written_the_other_way(tmp_path, definitions, monkeypatch,
                                                                             caplog):
    result = check_file(FORM, definitions, keep_grids=True)
    result.values_digest = values_digest(result.grids)
    monkeypatch.setattr(zipcopy, "_MOST_PARTS", 5)   # fewer parts than the copy has
    with caplog.at_level("DEBUG", logger="evaluator"):
        copy = write_annotated(result, tmp_path / "copy.xlsx")
    assert "ZIP64" in caplog.text
    assert load_workbook(copy).sheetnames[-1] == "校验结果"
    assert [path.name for path in tmp_path.iterdir()] == ["copy.xlsx"]   # no temporary file left
    # Written by openpyxl: its parts dated when written, not copied with the source's dates.
    assert _raw(copy)["xl/theme/theme1.xml"][1].date_time != _raw(FORM)["xl/theme/theme1.xml"][1].date_time
