"""Bad input: every file gets a clear answer, nothing is lost, nothing gets in.

Each case makes a real file. The engine answers ``unreadable`` (with a one-line reason in Chinese
that names the file and says what to do) or reads what can be read; the original never changes.
"""

from __future__ import annotations

import hashlib
import random
import re
import time
from pathlib import Path

import pytest

import badfiles
from conftest import SAMPLES
from evaluator.intake import door
from evaluator.runner import engine
from evaluator.runner.engine import check_file
from evaluator.intake.limits import Limits
from evaluator.intake.texttables import read_html

FORM = SAMPLES / "correct-form.xlsx"
CJK = re.compile(r"[\u4e00-\u9fff]")


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def assert_unreadable(result, path: Path, *words: str) -> None:
    assert result.status == "unreadable", result.findings
    reason = result.error
    assert reason.startswith(f"{path.name}："), reason
    assert "\n" not in reason and CJK.search(reason), reason
    assert "；" in reason, f"the reason says what to do: {reason}"
    for word in words:
        assert word in reason, reason
    (finding,) = result.findings
    assert finding.rule == "unreadable" and finding.message == reason


def _empty(tmp_path):
    path = tmp_path / "空文件.xlsx"
    path.write_bytes(b"")
    return path


def _random(tmp_path):
    path = tmp_path / "random.xlsx"
    path.write_bytes(random.Random(7).randbytes(20_000))
    return path


def _truncated(tmp_path):
    data = FORM.read_bytes()
    path = tmp_path / "truncated.xlsx"
    path.write_bytes(data[: len(data) * 2 // 3])
    return path


def _truncated_inside(tmp_path):
    # The directory survives but a part's data is cut short (a copy interrupted and patched up).
    parts = badfiles.parts_of(FORM)
    path = badfiles.write_parts(tmp_path / "cut-part.xlsx", parts)
    data = bytearray(path.read_bytes())
    sheet = data.find(b"xl/worksheets/sheet1.xml") + 200
    data[sheet:sheet + 2000] = bytes(2000)
    path.write_bytes(bytes(data))
    return path


CASES = {
    "empty": (_empty, ["空的"]),
    "random bytes": (_random, ["不是任何已知的表格格式"]),
    "truncated zip": (_truncated, ["损坏或不完整"]),
    "damaged part": (_truncated_inside, ["损坏或不完整"]),
    "encrypted xlsx": (lambda tmp: badfiles.encrypted_xlsx(tmp / "加密.xlsx"), ["已加密", "未加密的副本"]),
    "encrypted xls": (lambda tmp: badfiles.biff8(tmp / "加密.xls", {(0, 0): 1.0}, encrypted=True), ["已加密"]),
    "zip bomb": (lambda tmp: badfiles.zip_bomb(FORM, tmp / "bomb.xlsx"), ["压缩炸弹"]),
    "size lie": (lambda tmp: badfiles.lying_zip(FORM, tmp / "lie.xlsx"), ["超出压缩目录声明的大小"]),
    "billion laughs": (lambda tmp: badfiles.billion_laughs(FORM, tmp / "laughs.xlsx"), ["DOCTYPE", "sharedStrings"]),
    "billion laughs in a sheet": (
        lambda tmp: badfiles.billion_laughs(FORM, tmp / "laughs2.xlsx", "xl/worksheets/sheet1.xml"), ["DOCTYPE"]),
    "external entity": (lambda tmp: badfiles.external_entity(FORM, tmp / "xxe.xlsx"), ["DOCTYPE"]),
    "lock file named": (lambda tmp: _lock(tmp), ["锁定文件"]),
}


def _lock(tmp_path):
    path = tmp_path / "~$correct-form.xlsx"
    path.write_bytes(b"\x07someone" + b" " * 150)
    return path


@pytest.mark.parametrize("case", list(CASES))
def test_a_bad_file_gets_one_clear_line(tmp_path, definitions, case, capfd):
    make, words = CASES[case]
    path = make(tmp_path)
    before = digest(path)
    result = check_file(path, definitions)
    assert_unreadable(result, path, *words)
    assert digest(path) == before
    out, err = capfd.readouterr()
    assert out == "" and err == ""


def test_missing_file_and_folder(tmp_path, definitions):
    assert_unreadable(check_file(tmp_path / "gone.xlsx", definitions), tmp_path / "gone.xlsx", "不存在")
    folder = tmp_path / "folder.xlsx"
    folder.mkdir()
    assert_unreadable(check_file(folder, definitions), folder)


def test_a_reader_panic_is_one_line_and_silent(tmp_path, definitions, monkeypatch, capfd):
    # The native reader prints its panic to the process's stderr before Python sees the exception.
    class PanicException(BaseException):
        pass

    def panic(path, skip=(), data=None, parts=None, ods=None):
        import os

        os.write(2, b"thread panicked at src/cfb.rs\nstack backtrace:\n")
        raise PanicException("index out of bounds: the len is 0 but the index is 2")

    monkeypatch.setattr(door, "load_grids", panic)
    result = check_file(FORM, definitions)
    assert_unreadable(result, FORM, "PanicException", "另存为 .xlsx")
    assert capfd.readouterr().err == ""


def test_a_bug_of_ours_is_reported_not_raised(definitions, monkeypatch, caplog):
    import logging

    def broken(grids, definitions):
        raise KeyError("level3")

    monkeypatch.setattr(engine, "check_grids", broken)
    with caplog.at_level(logging.DEBUG, logger="evaluator"):
        result = check_file(FORM, definitions)
    assert result.status == "unreadable" and "内部错误" in result.error and "维护人员" in result.error
    # Unconfigured, logging prints a warning's traceback to stderr; it is kept for debug logging.
    assert [record.levelno for record in caplog.records if record.exc_info] == [logging.DEBUG]


# --- what can be read is read ------------------------------------------------------------------

def _rules(result) -> list[str]:
    return [finding.rule for finding in result.findings]


@pytest.mark.parametrize(("name", "make"), [
    ("网页导出.xls", lambda form, path: badfiles.html_export(form, path)),
    ("网页导出-gbk.xls", lambda form, path: badfiles.html_export(form, path, encoding="gb18030")),
    ("文本导出.xlsx", lambda form, path: badfiles.csv_export(form, path)),
    ("文本导出-gbk.xls", lambda form, path: badfiles.csv_export(form, path, encoding="gb18030")),
])
def test_an_html_or_csv_export_is_read_as_the_form(tmp_path, definitions, name, make):
    path = make(FORM, tmp_path / name)
    result = check_file(path, definitions)
    assert result.status == "findings" and _rules(result) == ["wrong-extension"], result.findings
    (form,) = result.forms
    assert str(form.total.declared) == "94.31" and form.grade.computed == "优"
    assert "内容却是" in result.findings[0].message


def test_an_html_export_with_a_planted_error_is_checked(tmp_path, definitions):
    path = badfiles.html_export(SAMPLES / "planted-total-mismatch.xlsx", tmp_path / "export.xls")
    assert _rules(check_file(path, definitions)) == ["wrong-extension", "total-mismatch"]


def test_html_spans_become_merged_ranges(tmp_path):
    page = tmp_path / "t.xls"
    page.write_text(
        "<html><script>var x = '<td>no</td>';</script><table>"
        "<tr><td rowspan=2>A</td><td colspan='2'>B<br>b</td></tr>"
        "<tr><td>C<td>D</tr>"                                   # an unclosed cell, as old exporters write
        "<tr><td>&nbsp;E&amp;<table><tr><td>inner</td></tr></table></td></tr>"
        "</table><table><tr><th>second</th></tr></table>", encoding="utf-8")
    (grid,) = read_html(page)
    assert grid.cells == {(1, 1): "A", (1, 2): "B\nb", (2, 2): "C", (2, 3): "D", (3, 1): "E&\ninner", (5, 1): "second"}
    assert sorted(grid.merged) == [(1, 1, 2, 1), (1, 2, 1, 3)]
    assert grid.value(2, 1) == "A"


def test_html_and_csv_beyond_the_limits_are_refused(tmp_path, definitions):
    page = tmp_path / "wide.xls"
    page.write_text("<table><tr><td rowspan=65534 colspan=1000>x</td></tr></table>", encoding="utf-8")
    assert_unreadable(check_file(page, definitions), page, "表格超过上限")
    text = tmp_path / "long.xls"
    text.write_text("a,b\n" * 300, encoding="utf-8")
    assert_unreadable(check_file(text, definitions, limits=Limits(max_rows=100)), text, "100 行")


def test_an_xlsx_renamed_xls_is_read_by_its_content(tmp_path, definitions):
    path = tmp_path / "改了扩展名.xls"
    path.write_bytes(FORM.read_bytes())
    result = check_file(path, definitions)
    assert _rules(result) == ["wrong-extension"] and result.forms[0].model is not None
    assert "Excel 工作簿（.xlsx）" in result.findings[0].message


def test_a_legacy_xls_is_read(tmp_path, definitions):
    path = badfiles.biff8(tmp_path / "old.xls", {(0, 0): 1.0})
    result = check_file(path, definitions)
    assert _rules(result) == ["form-not-found"]


# --- huge but honest ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def huge(tmp_path_factory) -> Path:
    return badfiles.huge_workbook(FORM, tmp_path_factory.mktemp("huge") / "大表 100000 行.xlsx")


def test_a_huge_sheet_beside_the_form_is_skipped_and_the_form_checked(huge, definitions):
    started = time.perf_counter()
    result = check_file(huge, definitions)
    elapsed = time.perf_counter() - started
    assert _rules(result) == ["sheet-skipped"], result.findings
    note = result.findings[0]
    assert note.sheet == "明细" and "50,000 行" in note.message and note.severity.value == "info"
    assert result.forms[0].model is not None and str(result.forms[0].total.declared) == "94.31"
    assert elapsed < 10, f"{elapsed:.1f} s"


def test_a_large_sheet_within_the_limits_is_read(tmp_path, definitions):
    path = badfiles.huge_workbook(FORM, tmp_path / "2000.xlsx", rows=2000)
    result = check_file(path, definitions)
    assert _rules(result) == [] and [grid.name for grid in door.open(path).grids] == \
        ["部门整体支出绩效自评表", "明细"]


def test_the_cell_budget_skips_the_largest_sheet_first(tmp_path, definitions):
    path = badfiles.huge_workbook(FORM, tmp_path / "2000.xlsx", rows=2000)
    result = check_file(path, definitions, limits=Limits(max_cells=10_000))
    assert _rules(result) == ["sheet-skipped"] and "--max-cells" in result.findings[0].message
    assert result.forms[0].model is not None


def test_a_form_in_a_skipped_sheet_is_reported_as_not_found_with_the_reason(definitions):
    result = check_file(FORM, definitions, limits=Limits(max_rows=10))
    assert _rules(result) == ["sheet-skipped", "form-not-found"]


# --- the annotated copy stays bounded too ------------------------------------------------------

def test_the_copy_leaves_a_skipped_sheet_out_with_a_note(huge, definitions, tmp_path):
    from openpyxl import load_workbook

    from evaluator.outputs.annotate import write_annotated

    started = time.perf_counter()
    result = check_file(huge, definitions)
    copy = write_annotated(result, tmp_path / "copy.checked.xlsx")
    assert time.perf_counter() - started < 10
    workbook = load_workbook(copy)
    assert workbook.sheetnames == ["部门整体支出绩效自评表", "明细", "校验结果"]
    assert workbook["明细"]["A1"].value.startswith("此工作表超过上限 50,000 行") and workbook["明细"].max_row == 1
    assert workbook["部门整体支出绩效自评表"]["A1"].value == "部门整体支出绩效自评表"


def test_the_copy_of_an_html_export_is_rebuilt_from_its_values(tmp_path, definitions):
    from openpyxl import load_workbook

    from evaluator.outputs.annotate import write_annotated

    path = badfiles.html_export(FORM, tmp_path / "export.xls")
    copy = write_annotated(check_file(path, definitions), tmp_path / "export.checked.xlsx")
    workbook = load_workbook(copy)
    assert workbook.sheetnames == ["export", "校验结果"]
    assert workbook["校验结果"]["A3"].value.startswith("注：此副本按读到的值重建")
    assert len(workbook["export"].merged_cells.ranges) > 10


def test_a_workbook_too_large_for_a_full_model_is_copied_from_its_values(tmp_path, definitions):
    from openpyxl import load_workbook

    from evaluator.outputs.annotate import write_annotated

    styled = "".join(f'<row r="{r}"><c r="A{r}" s="0"/><c r="B{r}" s="0"/></row>' for r in range(1, 2501))
    sheet = f'<?xml version="1.0"?><worksheet xmlns="{badfiles.MAIN_NS}"><sheetData>{styled}</sheetData></worksheet>'
    path = badfiles.write_parts(tmp_path / "styled.xlsx", badfiles.add_sheet(badfiles.parts_of(FORM), "格式", sheet.encode()))
    result = check_file(path, definitions, limits=Limits(max_cells=3000))
    assert _rules(result) == [] and result.rebuild
    copy = write_annotated(result, tmp_path / "styled.checked.xlsx")
    assert load_workbook(copy)["校验结果"]["A3"].value.startswith("注：此副本按读到的值重建")


# --- formula-like text stays text --------------------------------------------------------------

def _as_text_cells(path: Path, texts: tuple[str, ...]) -> Path:
    """Store the planted texts as the string cells a user typed (the builder would make "=…" a formula)."""
    from openpyxl import load_workbook

    workbook = load_workbook(path)
    for ws in workbook.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.value in texts:
                    cell.data_type = "s"
    workbook.save(path)
    return path


def _run(args: list[str]):
    from click.testing import CliRunner

    from evaluator.cli import main

    return CliRunner().invoke(main, args, catch_exceptions=False)


def test_formula_like_text_is_copied_as_inert_text_everywhere(make_form, tmp_path):
    import json

    from openpyxl import load_workbook

    from inert import HOSTILE, assert_no_new_formulas

    planted = {
        "rows.special-fund-spending-rate.score": HOSTILE[0],        # =HYPERLINK(...) where a score belongs
        "rows.asset-management-compliance.score": HOSTILE[1],       # +cmd|...
        "rows.special-fund-performance.reason": HOSTILE[3],         # @SUM(...)
        "rows.asset-allocation-compliance.remedy": HOSTILE[6],      # <script>
    }
    texts = tuple(planted.values())
    form = _as_text_cells(make_form(planted, name="公式注入.xlsx"), texts)
    assert not (formula_before := __import__("inert").formula_cells(form))
    before = digest(form)
    out = tmp_path / "out"
    result = _run(["check", str(form), "--out", str(out), "--format", "json", "--fail-on", "never"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    actual = {finding["actual"] for entry in report["files"] for finding in entry["findings"]}
    assert {HOSTILE[0], HOSTILE[1]} <= actual
    copy = out / "公式注入.checked.xlsx"
    assert_no_new_formulas(copy, form)
    workbook = load_workbook(copy)
    values = {cell.value for ws in workbook.worksheets for row in ws.iter_rows() for cell in row}
    assert set(texts) <= values, "the texts are kept, as text"
    results = workbook["校验结果"]
    assert any(cell.value == HOSTILE[0] and cell.data_type == "s" for row in results.iter_rows() for cell in row)
    assert digest(form) == before and not formula_before


@pytest.mark.parametrize("export", [badfiles.html_export, badfiles.csv_export])
def test_formula_like_text_in_an_export_stays_text_in_the_rebuilt_copy(tmp_path, export):
    from openpyxl import load_workbook

    from inert import HOSTILE, assert_no_new_formulas

    book = tmp_path / "book.xlsx"
    badfiles.write_parts(book, badfiles.parts_of(FORM))
    from openpyxl import load_workbook as load

    workbook = load(book)
    ws = workbook.worksheets[0]
    for offset, text in enumerate(HOSTILE[:6]):
        ws.cell(row=50 + offset, column=1).value = text
        ws.cell(row=50 + offset, column=1).data_type = "s"
    workbook.save(book)
    path = export(book, tmp_path / "export.xls")
    out = tmp_path / "out"
    assert _run(["check", str(path), "--out", str(out), "--fail-on", "never"]).exit_code == 0
    copy = out / "export.checked.xlsx"
    assert_no_new_formulas(copy)
    values = {cell.value for row in load_workbook(copy)["export"].iter_rows() for cell in row}
    assert {text.strip() for text in HOSTILE[:6]} <= values


def test_the_terminal_sees_no_control_characters(tmp_path):
    from inert import HOSTILE

    name = tmp_path / "evil\x1b[2J\x1b]0;owned\x07.xls"
    name.write_text(f"一级指标,分值\n{HOSTILE[-1]},1\n", encoding="utf-8")
    output = _run(["check", str(tmp_path), "--fail-on", "never"]).output
    assert "\x1b" not in output and "\x07" not in output and "\r" not in output
    assert "evil?[2J" in output


@pytest.mark.parametrize("part", ["xl/sharedStrings.xml", "xl/workbook.xml", "xl/worksheets/sheet1.xml"])
def test_the_copy_loader_refuses_entities_on_its_own(tmp_path, part):
    # Behind the pre-flight, openpyxl parses with defusedxml when it is installed (a dependency).
    from defusedxml import DefusedXmlException
    from openpyxl import xml as openpyxl_xml

    from evaluator.outputs.annotate import _load

    assert openpyxl_xml.DEFUSEDXML
    path = badfiles.billion_laughs(FORM, tmp_path / "laughs.xlsx", part)
    with pytest.raises(Exception) as caught:
        _load(path)
    chain, error = [], caught.value
    while error is not None:
        chain.append(error)
        error = error.__cause__ or error.__context__
    assert any(isinstance(error, DefusedXmlException) for error in chain), chain


def test_the_characters_xml_forbids_are_those_openpyxl_refuses():
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    from evaluator.outputs.inert import ILLEGAL_CHARACTERS_RE as ours

    assert ours.pattern == ILLEGAL_CHARACTERS_RE.pattern


def _noise(stderr: str) -> str:
    """stderr without the closing lines of a run with --out (where its copies and reports went)."""
    return "".join(line for line in stderr.splitlines(keepends=True)
                   if not line.startswith(("已写入 ", "批注副本：")))


# --- names and folders -------------------------------------------------------------------------

def _json_run(args: list[str], env: dict[str, str] | None = None):
    import json

    from click.testing import CliRunner

    from evaluator.cli import main

    result = CliRunner().invoke(main, [*args, "--format", "json"], env=env, catch_exceptions=False)
    return result, (json.loads(result.stdout) if result.exit_code in (0, 1) else None)


NAMES = [
    "2022 年 部门 自评表 final.xlsx",
    "广州市工业和信息化局（终稿）【修订】.xlsx",
    "自评表 (2) - 副本.xlsx",
    "长" * 83 + ".xlsx",                      # 254 bytes: as long as a name can be
]


def test_names_with_spaces_chinese_full_width_brackets_and_great_length(tmp_path):
    inbox = tmp_path / "收件箱 （2023）"
    inbox.mkdir()
    for name in NAMES:
        (inbox / name).write_bytes(FORM.read_bytes())
    (inbox / "~$广州市工业和信息化局（终稿）【修订】.xlsx").write_bytes(b"\x05owner" + b" " * 100)
    out = tmp_path / "out"
    result, report = _json_run(["check", str(inbox), "--out", str(out)])
    assert result.exit_code == 0 and _noise(result.stderr) == "", result.output
    assert sorted(Path(entry["path"]).name for entry in report["files"]) == sorted(NAMES), "lock file skipped"
    for entry in report["files"]:
        copy = Path(entry["annotated"])
        assert copy.exists() and copy.parent == out and len(copy.name.encode()) <= 255


def test_a_read_only_input_folder_is_checked_with_out_elsewhere(tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "form.xlsx").write_bytes(FORM.read_bytes())
    (inbox / "form.xlsx").chmod(0o444)
    inbox.chmod(0o555)
    try:
        result, report = _json_run(["check", str(inbox), "--out", str(tmp_path / "out")])
    finally:
        inbox.chmod(0o755)
    assert result.exit_code == 0 and Path(report["files"][0]["annotated"]).exists()
    assert sorted(p.name for p in inbox.iterdir()) == ["form.xlsx"]


def test_an_output_folder_that_does_not_exist_yet_is_created(tmp_path):
    out = tmp_path / "新的" / "输出 文件夹"
    result, report = _json_run(["check", str(FORM), "--out", str(out)])
    assert result.exit_code == 0 and (out / "correct-form.checked.xlsx").exists()


def _unwritable_folders(tmp_path) -> list[Path]:
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    folders = [blocker / "out", blocker]
    if Path("/proc/self").is_dir():
        folders.append(Path("/proc/self"))     # a folder that even root cannot write in
    return folders


def test_an_output_folder_that_cannot_be_created_or_written_exits_2(tmp_path):
    from click.testing import CliRunner

    from evaluator.cli import main

    for out in _unwritable_folders(tmp_path):
        result = CliRunner().invoke(main, ["check", str(FORM), "--out", str(out)], catch_exceptions=False)
        assert result.exit_code == 2, (out, result.output)
        assert "--out" in result.stderr and "Traceback" not in result.output
        if out.name != "a-file":   # an existing file is refused by the option's own type check
            assert "输出文件夹" in result.stderr and "无法创建或写入" in result.stderr


def test_an_output_folder_below_a_file_exits_2_before_any_work(tmp_path):
    # No one can create FILE/sub, root included, so this failure path runs wherever the tests do.
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    out = blocker / "sub"
    result, _ = _json_run(["check", str(FORM), "--out", str(out)])
    assert result.exit_code == 2 and result.stdout == ""
    assert f"输出文件夹 {out} 无法创建或写入" in result.stderr and "--out" in result.stderr
    assert blocker.read_text() == "x"


def test_limits_are_set_by_option_or_environment(tmp_path):
    for args, env in ((["--max-rows", "10"], None), ([], {"EVALUATOR_MAX_ROWS": "10"})):
        result, report = _json_run(["check", str(FORM), *args], env=env)
        assert result.exit_code == 1
        assert [f["rule"] for f in report["files"][0]["findings"]] == ["sheet-skipped", "form-not-found"]
    result, _ = _json_run(["check", str(FORM), "--max-rows", "0"])
    assert result.exit_code == 2


# --- the whole batch, as a user runs it ---------------------------------------------------------

EXPECTED = {   # file → (status, rules of its findings)
    "correct.xlsx": ("ok", []),
    "空文件.xlsx": ("unreadable", ["unreadable"]),
    "random.xlsx": ("unreadable", ["unreadable"]),
    "truncated.xlsx": ("unreadable", ["unreadable"]),
    "加密.xlsx": ("unreadable", ["unreadable"]),
    "加密.xls": ("unreadable", ["unreadable"]),
    "bomb.xlsx": ("unreadable", ["unreadable"]),
    "lying.xlsx": ("unreadable", ["unreadable"]),
    "laughs.xlsx": ("unreadable", ["unreadable"]),
    "xxe.xlsx": ("unreadable", ["unreadable"]),
    "网页导出.xls": ("findings", ["wrong-extension"]),
    "文本导出.xls": ("findings", ["wrong-extension"]),
    "大表 100000 行.xlsx": ("findings", ["sheet-skipped"]),
    "far-cell.xlsx": ("findings", ["sheet-skipped", "form-not-found"]),
    "merge-bomb.xlsx": ("findings", ["sheet-skipped", "form-not-found"]),
    "repeat-bomb.ods": ("unreadable", ["unreadable"]),
    "far-cell.xls": ("unreadable", ["unreadable"]),
}


@pytest.fixture(scope="module")
def inbox(tmp_path_factory, huge) -> Path:
    folder = tmp_path_factory.mktemp("inbox")
    (folder / "correct.xlsx").write_bytes(FORM.read_bytes())
    (folder / "空文件.xlsx").write_bytes(b"")
    (folder / "random.xlsx").write_bytes(random.Random(3).randbytes(50_000))
    (folder / "truncated.xlsx").write_bytes(FORM.read_bytes()[:5000])
    badfiles.encrypted_xlsx(folder / "加密.xlsx")
    badfiles.biff8(folder / "加密.xls", {(0, 0): 1.0}, encrypted=True)
    badfiles.zip_bomb(FORM, folder / "bomb.xlsx")
    badfiles.lying_zip(FORM, folder / "lying.xlsx")
    badfiles.billion_laughs(FORM, folder / "laughs.xlsx")
    badfiles.external_entity(FORM, folder / "xxe.xlsx")
    badfiles.html_export(FORM, folder / "网页导出.xls")
    badfiles.csv_export(FORM, folder / "文本导出.xls")
    (folder / huge.name).write_bytes(huge.read_bytes())
    badfiles.with_part(FORM, folder / "far-cell.xlsx", "xl/worksheets/sheet1.xml",
                       badfiles.sheet_xml([[("A1", "x")], [("XFD1048576", "y")]]))
    badfiles.with_part(FORM, folder / "merge-bomb.xlsx", "xl/worksheets/sheet1.xml", badfiles.sheet_xml(
        [[("A1", "x")]], extra='<mergeCells count="1"><mergeCell ref="A1:XFD1048576"/></mergeCells>'))
    import test_safety

    test_safety._ods(folder / "repeat-bomb.ods", 1_000_000, 16384)
    badfiles.biff8(folder / "far-cell.xls", {(0, 0): 1.0, (65535, 255): 2.0})
    (folder / "~$correct.xlsx").write_bytes(b"\x05owner" + b" " * 100)
    (folder / ".hidden.xlsx").write_bytes(b"")
    return folder


# Runs the command as a child and reports the child's peak resident memory (kB on Linux, bytes on macOS).
WRAPPER = """
import json, resource, subprocess, sys
child = subprocess.run(sys.argv[1:], capture_output=True)
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(json.dumps({"code": child.returncode, "peak": peak * (1 if sys.platform == "darwin" else 1024),
                  "stdout": child.stdout.decode("utf-8"), "stderr": child.stderr.decode("utf-8", "replace")}))
"""


@pytest.mark.skipif(__import__("sys").platform == "win32", reason="resource is POSIX only")
def test_a_batch_of_bad_files_answers_each_in_bounded_memory_and_time(inbox, tmp_path):
    import json
    import os
    import subprocess
    import sys

    from conftest import REPO

    before = {path.name: digest(path) for path in inbox.iterdir()}
    out = tmp_path / "out"
    started = time.perf_counter()
    wrapped = subprocess.run(
        [sys.executable, "-c", WRAPPER, sys.executable, "-m", "evaluator", "check", str(inbox), "--out", str(out),
         "--format", "json"],
        cwd=REPO, capture_output=True, text=True, env={**os.environ, "RUST_BACKTRACE": "1"}, check=True)
    elapsed = time.perf_counter() - started
    run = json.loads(wrapped.stdout)
    assert _noise(run["stderr"]) == "", run["stderr"]
    assert run["code"] == 1   # unreadable files are error findings under the default --fail-on error
    report = json.loads(run["stdout"])
    found = {Path(entry["path"]).name: (entry["status"], [f["rule"] for f in entry["findings"]])
             for entry in report["files"]}
    assert found == EXPECTED
    for entry in report["files"]:
        if entry["status"] == "unreadable":
            assert entry["findings"][0]["message"].startswith(Path(entry["path"]).name + "：")
        if entry["family"] is None:   # unreadable, or no form in it: nothing to annotate, no copy
            assert entry["annotated"] is None and entry["not_annotated"]
        else:
            assert Path(entry["annotated"]).exists()
    assert {path.name: digest(path) for path in inbox.iterdir()} == before
    assert run["peak"] < 500 * 1024 * 1024, f"peak RSS {run['peak'] / 2**20:.0f} MB"
    assert elapsed < 60, f"{elapsed:.1f} s"
    print(f"\nbatch of {len(before)} files: {elapsed:.1f} s, peak RSS {run['peak'] / 2**20:.0f} MB")


# --- what is read is what was checked: no link swapped in is followed ---------------------------

SECRET = "机密,工资\n张三,99999\n"


def _secret(tmp_path: Path) -> Path:
    """A file outside the folder being checked, which its readers must never see."""
    outside = tmp_path / "outside"
    outside.mkdir()
    secret = outside / "secret.csv"
    secret.write_text(SECRET, encoding="utf-8")
    return secret


def test_a_link_swapped_in_after_discovery_is_refused_not_followed(tmp_path, definitions):
    from evaluator.intake.safety import Refused, inspect

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    path = inbox / "x.xlsx"
    path.write_bytes(FORM.read_bytes())
    assert path.is_file() and not path.is_symlink()   # what the folder walk saw
    link = inbox / ".swap"
    link.symlink_to(_secret(tmp_path))
    link.replace(path)                                 # swapped before the file is opened
    with pytest.raises(Refused) as caught:
        inspect(path)
    assert caught.value.slug == "symlink"
    result = check_file(path, definitions)
    assert_unreadable(result, path, "符号链接", "没有跟随")
    assert "张三" not in repr(result) and result.grids is None


def test_a_link_to_a_workbook_is_refused_too(tmp_path, definitions):
    path = tmp_path / "form.xlsx"
    path.symlink_to(FORM)
    assert_unreadable(check_file(path, definitions), path, "符号链接")
    # A caller that means to follow it passes the link's target.
    assert check_file(path.resolve(), definitions).status == "ok"


def test_what_is_parsed_is_what_was_inspected(tmp_path):
    from evaluator.intake.safety import inspect

    path = tmp_path / "form.xlsx"
    path.write_bytes(FORM.read_bytes())
    inspection = inspect(path)
    # Swapped after the inspection: first for other content, then for a link out of the folder.
    path.write_bytes(SECRET.encode())
    grids = door.read(path, inspection)
    path.unlink()
    path.symlink_to(_secret(tmp_path))
    assert [grid.name for grid in grids] == [grid.name for grid in door.read(path, inspection)] \
        == ["部门整体支出绩效自评表"]


def test_the_annotated_copy_is_made_from_the_bytes_checked(tmp_path, definitions):
    from openpyxl import load_workbook

    from evaluator.outputs.annotate import write_annotated

    path = tmp_path / "form.xlsx"
    path.write_bytes((SAMPLES / "planted-rate-score.xlsx").read_bytes())
    result = check_file(path, definitions)
    assert result.status == "findings"
    other = tmp_path / "outside" / "other.xlsx"
    other.parent.mkdir()
    other.write_bytes(badfiles.write_parts(tmp_path / "o.xlsx", badfiles.add_sheet(
        badfiles.parts_of(FORM), "机密", badfiles.sheet_xml([[("A1", "张三")]]))).read_bytes())
    path.unlink()
    path.symlink_to(other)   # swapped between the check and the copy
    copy = load_workbook(write_annotated(result, tmp_path / "copy.xlsx"))
    assert "机密" not in copy.sheetnames


@pytest.mark.parametrize("kind", ["fifo", "socket", "folder"])
def test_what_is_not_a_regular_file_is_refused_without_waiting(tmp_path, definitions, kind):
    import os
    import socket

    path = tmp_path / f"{kind}.xlsx"
    if kind == "fifo":
        os.mkfifo(path)      # opening it for reading would wait for a writer forever
    elif kind == "socket":
        server = socket.socket(socket.AF_UNIX)
        server.bind(str(path))
    else:
        path.mkdir()
    started = time.perf_counter()
    result = check_file(path, definitions)
    assert result.status == "unreadable" and time.perf_counter() - started < 5
    assert "普通文件" in result.error or "文件夹" in result.error
