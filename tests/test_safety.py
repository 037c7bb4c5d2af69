"""The pre-flight inspection on real hostile and odd files: what is refused, why, and how fast."""

from __future__ import annotations

import random
import time
import zipfile
from pathlib import Path

import pytest
import python_calamine

import badfiles
from conftest import SAMPLES
from evaluator.intake.limits import Limits
from evaluator.intake import parts
from evaluator.intake.safety import Kind, Refused, inspect
from evaluator.intake.workbook import load_grids

FORM = SAMPLES / "correct-form.xlsx"


def refusal(path: Path, limits: Limits = Limits()) -> Refused:
    with pytest.raises(Refused) as caught:
        inspect(path, limits)
    return caught.value


def test_limits_are_positive_whole_numbers():
    with pytest.raises(ValueError):
        Limits(max_rows=0)
    with pytest.raises(ValueError):
        Limits(max_cells=2.5)
    assert {name for name, *_ in Limits.options()} >= {"max_file_mb", "max_unzipped_mb", "max_rows"}


def test_a_form_passes_with_its_size(tmp_path):
    inspection = inspect(FORM)
    assert inspection.kind is Kind.XLSX and not inspection.skipped
    (sheet,) = inspection.sheets
    book = python_calamine.CalamineWorkbook.from_path(str(FORM))
    read = book.get_sheet_by_name(sheet.name)
    assert (sheet.rows, sheet.cols) == (read.height, read.width)


def test_a_zip_bomb_is_refused_from_the_directory_without_inflating(tmp_path):
    bomb = badfiles.zip_bomb(FORM, tmp_path / "bomb.xlsx")
    assert bomb.stat().st_size < 3 * 1024 * 1024
    with zipfile.ZipFile(bomb) as archive:
        assert archive.getinfo("xl/worksheets/sheet1.xml").file_size == 2 << 30
    started = time.perf_counter()
    refused = refusal(bomb)
    assert refused.slug == "zip-bomb" and "压缩炸弹" in str(refused)
    assert time.perf_counter() - started < 1


def test_a_part_whose_local_name_differs_from_the_directory_is_refused(tmp_path):
    # Found by the fuzz test: one reader trusts the directory, another compares it with the header.
    data = bytearray(FORM.read_bytes())
    at = data.find(b"xl/worksheets/sheet1.xml")   # the local header comes before the directory
    data[at + 9] ^= 0xD8
    path = tmp_path / "flipped.xlsx"
    path.write_bytes(bytes(data))
    refused = refusal(path)
    assert refused.slug == "damaged" and "文件头与压缩目录不一致" in str(refused)


def test_a_part_that_outgrows_its_declared_size_is_refused(tmp_path):
    refused = refusal(badfiles.lying_zip(FORM, tmp_path / "lying.xlsx"))
    assert refused.slug == "size-mismatch"


@pytest.mark.parametrize("part", ["xl/sharedStrings.xml", "xl/worksheets/sheet1.xml", "xl/styles.xml"])
def test_billion_laughs_is_refused_in_any_part(tmp_path, part):
    refused = refusal(badfiles.billion_laughs(FORM, tmp_path / "laughs.xlsx", part))
    assert refused.slug == "xml-doctype" and part in str(refused)


@pytest.mark.parametrize("part", ["xl/workbook.xml", "xl/worksheets/sheet1.xml", "[Content_Types].xml"])
def test_an_external_entity_is_refused(tmp_path, part):
    assert refusal(badfiles.external_entity(FORM, tmp_path / "xxe.xlsx", part)).slug == "xml-doctype"


def test_a_sheet_in_utf16_is_refused(tmp_path):
    sheet = badfiles.parts_of(FORM)["xl/worksheets/sheet1.xml"].decode()
    utf16 = ('<?xml version="1.0" encoding="UTF-16"?>' + sheet.split("?>", 1)[-1]).encode("utf-16")
    path = badfiles.with_part(FORM, tmp_path / "utf16.xlsx", "xl/worksheets/sheet1.xml", utf16)
    assert refusal(path).slug == "xml-encoding"


def test_a_sheet_in_utf16_without_a_bom_is_refused(tmp_path):
    sheet = badfiles.parts_of(FORM)["xl/worksheets/sheet1.xml"].decode()
    path = badfiles.with_part(FORM, tmp_path / "utf16.xlsx", "xl/worksheets/sheet1.xml", sheet.encode("utf-16-le"))
    assert refusal(path).slug == "xml-encoding"


def test_a_doctype_after_what_expat_rejects_is_still_refused(tmp_path):
    sheet = b'<?xml version="1.0" encoding="x-no-such-encoding"?><!doctype x [<!entity a "b">]><x/>'
    path = badfiles.with_part(FORM, tmp_path / "odd.xlsx", "xl/styles.xml", sheet)
    assert refusal(path).slug == "xml-doctype"
    in_a_sheet = badfiles.with_part(FORM, tmp_path / "odd-sheet.xlsx", "xl/worksheets/sheet1.xml", sheet)
    assert refusal(in_a_sheet).slug == "xml-encoding"


def _one_sheet(tmp_path: Path, name: str, sheet: bytes) -> Path:
    return badfiles.with_part(FORM, tmp_path / name, "xl/worksheets/sheet1.xml", sheet)


def test_one_cell_at_the_far_corner_makes_the_sheet_too_large(tmp_path):
    # A reader allocates the whole range A1:XFD1048576 for this 700-byte sheet and aborts.
    sheet = badfiles.sheet_xml([[("A1", "x")], [("XFD1048576", "y")]])
    inspection = inspect(_one_sheet(tmp_path, "far.xlsx", sheet))
    assert list(inspection.skipped) == ["部门整体支出绩效自评表"]
    assert "50,000 行" in inspection.skipped["部门整体支出绩效自评表"]


def test_styled_empty_cells_do_not_count_as_used(tmp_path):
    sheet = (b'<?xml version="1.0"?><worksheet xmlns="%s"><sheetData><row r="1"><c r="A1"><v>1</v></c></row>'
             b'<row r="1048576"><c r="XFD1048576" s="1"/></row></sheetData></worksheet>' % badfiles.MAIN_NS.encode())
    inspection = inspect(_one_sheet(tmp_path, "styled.xlsx", sheet))
    assert not inspection.skipped
    assert (inspection.sheets[0].rows, inspection.sheets[0].cols) == (1, 1)


def test_a_merged_range_over_the_whole_sheet_is_too_large(tmp_path):
    sheet = badfiles.sheet_xml([[("A1", "x")]], extra='<mergeCells count="1"><mergeCell ref="A1:XFD1048576"/></mergeCells>')
    inspection = inspect(_one_sheet(tmp_path, "merge.xlsx", sheet))
    assert inspection.sheets[0].merged == 1048576 * 16384
    assert "--max-cells" in inspection.skipped["部门整体支出绩效自评表"]


def test_cells_without_references_and_prefixed_tags_are_counted_by_position(tmp_path):
    rows = "".join(f'<x:row>{"<x:c><x:v>1</x:v></x:c>" * 5}</x:row>' for _ in range(7))
    sheet = (f'<?xml version="1.0"?><x:worksheet xmlns:x="{badfiles.MAIN_NS}"><x:sheetData>{rows}'
             f'</x:sheetData></x:worksheet>').encode()
    path = _one_sheet(tmp_path, "positions.xlsx", sheet)
    inspection = inspect(path)
    read = python_calamine.CalamineWorkbook.from_path(str(path)).get_sheet_by_name("部门整体支出绩效自评表")
    assert (inspection.sheets[0].rows, inspection.sheets[0].cols) == (read.height, read.width) == (7, 5)


def test_a_long_sheet_is_measured_only_up_to_the_limit(tmp_path):
    sheet = badfiles.sheet_xml([[(f"A{r}", r)] for r in range(1, 201)])
    inspection = inspect(_one_sheet(tmp_path, "long.xlsx", sheet), Limits(max_rows=100))
    assert inspection.skipped == {"部门整体支出绩效自评表": "超过上限 100 行（--max-rows）"}


def _ods(path: Path, rows: int, cols: int) -> Path:
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:spreadsheet>'
        f'<table:table table:name="S"><table:table-row table:number-rows-repeated="{rows}">'
        f'<table:table-cell office:value-type="float" office:value="1" table:number-columns-repeated="{cols}">'
        '<text:p>1</text:p></table:table-cell></table:table-row>'
        '<table:table-row table:number-rows-repeated="1048000"><table:table-cell table:number-columns-repeated="1024"/>'
        "</table:table-row></table:table></office:spreadsheet></office:body></office:document-content>")
    badfiles.ods_package(path, content)
    return path


def test_ods_repeated_rows_count_as_often_as_they_repeat(tmp_path):
    small = inspect(_ods(tmp_path / "small.ods", 3, 4))
    assert (small.sheets[0].rows, small.sheets[0].cols) == (3, 4) and not small.skipped
    # 1 KB, 16 billion cells; the reader expands every sheet when it opens the file, so no skipping
    bomb = refusal(_ods(tmp_path / "bomb.ods", 1_000_000, 16384))
    assert bomb.slug == "sheet-too-large" and "另存为 .xlsx" in str(bomb)


def test_too_many_parts_too_large_unzipped_too_large_a_file(tmp_path):
    many = tmp_path / "many.xlsx"
    badfiles.write_parts(many, {**badfiles.parts_of(FORM), **{f"extra/{i}.bin": b"x" for i in range(20)}})
    assert refusal(many, Limits(max_entries=10)).slug == "too-many-entries"
    big = tmp_path / "big.xlsx"
    badfiles.write_parts(big, {**badfiles.parts_of(FORM), "extra/noise.bin": random.Random(5).randbytes(2 << 20)})
    assert refusal(big, Limits(max_unzipped_mb=1)).slug == "unzipped-too-large"
    large = tmp_path / "large.xlsx"
    large.write_bytes(FORM.read_bytes() + bytes(2 << 20))
    assert refusal(large, Limits(max_file_mb=1)).slug == "file-too-large"


def test_encrypted_workbooks_are_refused(tmp_path):
    assert refusal(badfiles.encrypted_xlsx(tmp_path / "locked.xlsx")).slug == "encrypted"
    assert refusal(badfiles.biff8(tmp_path / "locked.xls", {(0, 0): 1.0}, encrypted=True)).slug == "encrypted"


def test_a_legacy_workbook_is_measured_from_its_records(tmp_path):
    ok = inspect(badfiles.biff8(tmp_path / "ok.xls", {(0, 0): 1.0, (3, 2): 2.0}))
    assert ok.kind is Kind.XLS and (ok.sheets[0].rows, ok.sheets[0].cols) == (4, 3)
    far = refusal(badfiles.biff8(tmp_path / "far.xls", {(0, 0): 1.0, (65535, 255): 2.0}))
    assert far.slug == "sheet-too-large" and "65,536 行" in str(far)


def test_a_damaged_compound_file_is_refused(tmp_path):
    whole = badfiles.biff8(tmp_path / "ok.xls", {(0, 0): 1.0}).read_bytes()
    cut = tmp_path / "cut.xls"
    cut.write_bytes(whole[:700])
    assert refusal(cut).slug == "damaged"


@pytest.mark.parametrize(("content", "slug", "word"), [
    (b"%PDF-1.7\n", "not-a-workbook", "PDF"),
    (b"\x89PNG\r\n\x1a\n" + bytes(50), "not-a-workbook", "PNG"),
    (b'<?xml version="1.0"?><?mso-application progid="Excel.Sheet"?>'
     b'<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"></Workbook>', "unsupported-format", "2003"),
    (b"MIME-Version: 1.0\r\nContent-Type: multipart/related\r\n", "unsupported-format", "mht"),
    (b"<note><to>x</to></note>", "not-a-workbook", "XML"),
    (bytes(range(256)) * 4, "unknown-content", "已损坏"),
], ids=["pdf", "png", "xml-2003", "mht", "xml", "noise"])  # named: bytes make no id without escaping
def test_other_formats_are_named(tmp_path, content, slug, word):
    path = tmp_path / "file.xlsx"
    path.write_bytes(content)
    refused = refusal(path)
    assert refused.slug == slug and word in str(refused)


def test_zips_that_are_not_workbooks_are_named(tmp_path):
    word = badfiles.write_parts(tmp_path / "doc.xlsx", {"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w/>",
                                                        "_rels/.rels": b'<Relationships><Relationship Id="r" Type="x/officeDocument" Target="word/document.xml"/></Relationships>'})
    assert "Word" in str(refusal(word))
    plain = badfiles.write_parts(tmp_path / "plain.xlsx", {"readme.txt": b"hello"})
    assert "压缩包" in str(refusal(plain))


def test_text_is_sniffed_as_html_or_csv(tmp_path):
    html = tmp_path / "a.xls"
    html.write_bytes("\ufeff  <HTML><body><table><tr><td>1</td></tr></table>".encode("utf-8"))
    assert inspect(html).kind is Kind.HTML
    csv = tmp_path / "b.xls"
    csv.write_bytes("一级指标,分值\n产出,50\n".encode("gb18030"))
    assert inspect(csv).kind is Kind.CSV


def test_lock_files_and_empty_files(tmp_path):
    lock = tmp_path / "~$form.xlsx"
    lock.write_bytes(b"\x05owner" + b" " * 100)
    assert refusal(lock).slug == "lock-file"
    empty = tmp_path / "empty.xlsx"
    empty.write_bytes(b"")
    assert refusal(empty).slug == "empty"


# --- where a sheet's part is: one way for the inspection and the reader -------------------------

# (relationship target as a writer spells it, the part as the zip stores it)
SPELLINGS = [
    ("worksheets/sheet1.xml", "xl/worksheets/sheet1.xml"),            # Excel, WPS: relative
    ("/xl/worksheets/sheet1.xml", "xl/worksheets/sheet1.xml"),        # openpyxl: absolute
    ("./worksheets/sheet1.xml", "xl/worksheets/sheet1.xml"),
    ("../xl/worksheets/sheet1.xml", "xl/worksheets/sheet1.xml"),
    ("/xl/worksheets/../worksheets/sheet1.xml", "xl/worksheets/sheet1.xml"),
    ("xl/worksheets/sheet1.xml", "xl/worksheets/sheet1.xml"),         # from the root, without the slash
    ("worksheets/Sheet1.xml", "xl/worksheets/sheet1.xml"),            # part names ignore case
    ("/XL/Worksheets/SHEET1.xml", "xl/worksheets/sheet1.xml"),
    ("worksheets/sheet1.xml", "xl/worksheets/Sheet1.xml"),            # stored in another case
    ("sheets/data.xml", "xl/sheets/data.xml"),                        # not where most writers put it
]
# The spellings the value reader (calamine) reads: the others are unreadable files, still measured.
READ_BY_CALAMINE = [spelling for spelling in SPELLINGS
                    if spelling[0] not in ("./worksheets/sheet1.xml", "../xl/worksheets/sheet1.xml",
                                           "/xl/worksheets/../worksheets/sheet1.xml", "xl/worksheets/sheet1.xml")]


@pytest.mark.parametrize(("target", "stored"), SPELLINGS)
def test_every_spelling_of_a_sheet_target_is_measured(tmp_path, target, stored):
    # The sheet that would make a reader allocate A1:XFD1048576 must be found however it is named.
    far = badfiles.sheet_xml([[("A1", "x")], [("XFD1048576", "y")]])
    inspection = inspect(badfiles.one_sheet_package(tmp_path / "far.xlsx", far, target, stored))
    assert inspection.parts == {"表": stored}
    assert list(inspection.skipped) == ["表"]


@pytest.mark.parametrize(("target", "stored"), READ_BY_CALAMINE)
def test_the_reader_finds_the_same_part_as_the_inspection(tmp_path, target, stored):
    # A formula without a cached result is found only in the sheet's own part.
    sheet = (f'<worksheet xmlns="{badfiles.MAIN_NS}"><sheetData><row r="1"><c r="A1"><v>2</v></c>'
             '<c r="B1"><f>A1*3</f></c></row></sheetData></worksheet>').encode()
    path = badfiles.one_sheet_package(tmp_path / "formula.xlsx", sheet, target, stored)
    assert inspect(path).parts == {"表": stored}
    (grid,) = load_grids(path).sheets
    assert grid.cells[(1, 2)] == 6 and grid.computed == {(1, 2): "=A1*3"}


def test_parts_resolve_as_stored_and_never_outside_the_package():
    names = parts.Names(["xl/workbook.xml", "xl/worksheets/Sheet1.xml", "xl/xl/worksheets/sheet2.xml",
                         "xl/worksheets/sheet2.xml", "xl/_rels/workbook.xml.rels"])
    assert parts.resolve("xl/workbook.xml", "worksheets/sheet1.xml", names) == "xl/worksheets/Sheet1.xml"
    # A target without a leading slash is relative first, as the readers take it.
    assert parts.resolve("xl/workbook.xml", "xl/worksheets/sheet2.xml", names) == "xl/xl/worksheets/sheet2.xml"
    assert parts.resolve("xl/workbook.xml", "../../etc/passwd", names) is None
    assert parts.resolve("xl/workbook.xml", "/", names) is None
    assert parts.rels_part("") == "_rels/.rels"
    assert parts.rels_part("xl/workbook.xml") == "xl/_rels/workbook.xml.rels"


def test_two_parts_whose_names_differ_only_in_case_are_refused(tmp_path):
    # Readers look a part up ignoring case and pick different ones of the two: the sheet measured
    # would not be the sheet read.
    path = badfiles.with_part(FORM, tmp_path / "twins.xlsx", "xl/worksheets/Sheet1.xml",
                              badfiles.sheet_xml([[("A1", "x")], [("XFD1048576", "y")]]))
    refused = refusal(path)
    assert refused.slug == "damaged" and "仅大小写不同" in str(refused)


def test_the_workbook_part_may_live_elsewhere(tmp_path):
    sheet = badfiles.sheet_xml([[("A1", "x")], [("XFD1048576", "y")]])
    path = badfiles.one_sheet_package(tmp_path / "book.xlsx", sheet, "../sheets/s.xml", "sheets/s.xml",
                                      workbook="book/workbook.xml")
    assert inspect(path).parts == {"表": "sheets/s.xml"} and list(inspect(path).skipped) == ["表"]


def test_a_package_naming_two_workbook_parts_is_refused(tmp_path):
    # The value reader follows the package relationship, the annotated copy's reader the content
    # types: each would read the sheets of another workbook part.
    sheet = badfiles.sheet_xml([[("A1", "x")]])
    path = badfiles.one_sheet_package(tmp_path / "two.xlsx", sheet, "/xl/worksheets/sheet1.xml")
    package = badfiles.parts_of(path)
    package["other/workbook.xml"] = package["xl/workbook.xml"]
    package["other/_rels/workbook.xml.rels"] = package["xl/_rels/workbook.xml.rels"]
    package["_rels/.rels"] = package["_rels/.rels"].replace(b'Target="xl/workbook.xml"', b'Target="/other/workbook.xml"')
    refused = refusal(badfiles.write_parts(tmp_path / "two.xlsx", package))
    assert refused.slug == "damaged" and "工作簿主部件不明确" in str(refused)


def test_a_compound_file_stream_larger_than_the_file_is_refused(tmp_path):
    data = bytearray(badfiles.biff8(tmp_path / "ok.xls", {(0, 0): 1.0}).read_bytes())
    entry = data.find("Workbook".encode("utf-16-le"))   # its directory entry
    data[entry + 120:entry + 124] = (0x7FFFFFF0).to_bytes(4, "little")   # the stream's size
    lying = tmp_path / "lying.xls"
    lying.write_bytes(bytes(data))
    refused = refusal(lying)
    assert refused.slug == "damaged" and "流" in str(refused)


def test_a_compound_file_whose_sector_chains_loop_is_read_in_bounds(tmp_path):
    data = bytearray(badfiles.biff8(tmp_path / "ok.xls", {(0, 0): 1.0}).read_bytes())
    # The FAT (sector 0, right after the 512-byte header): every chain runs into sector 1, which
    # points at itself. No stream is read past its declared size, which is checked against the file.
    for index in range(1, 16):
        data[512 + index * 4:512 + index * 4 + 4] = (1).to_bytes(4, "little")
    looping = tmp_path / "loop.xls"
    looping.write_bytes(bytes(data))
    started = time.perf_counter()
    try:
        inspect(looping)
    except Refused:
        pass
    assert time.perf_counter() - started < 1


def test_sheets_sharing_one_part_are_each_measured(tmp_path):
    # Every sheet is read, so each one pointing at the far-corner part is too large, not only the last.
    package = badfiles.parts_of(badfiles.one_sheet_package(
        tmp_path / "one.xlsx", badfiles.sheet_xml([[("A1", "x")], [("XFD1048576", "y")]]), "worksheets/sheet1.xml"))
    package["xl/workbook.xml"] = package["xl/workbook.xml"].replace(
        b"</sheets>", '<sheet name="另一张" sheetId="2" r:id="rId1"/></sheets>'.encode())
    inspection = inspect(badfiles.write_parts(tmp_path / "shared.xlsx", package))
    assert sorted(inspection.skipped) == sorted(["表", "另一张"])
    assert inspection.parts == {"表": "xl/worksheets/sheet1.xml", "另一张": "xl/worksheets/sheet1.xml"}
