"""Rounds and reviews: the next round says what changed, and a reviewed warning stops failing the run.

A form is followed by its identity (family, unit, project, year), not its file name; the history,
the reviews and the manifest of the output folder survive a killed run and a hand-broken file.
"""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from evaluator.cli import main
from evaluator.runner import statefile
from evaluator.runner.rounds import HISTORY_NAME
from evaluator.runner.reviews import REVIEWS_NAME

SAMPLES = Path(__file__).resolve().parent.parent / "sample_workbooks"


def _run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def _check(inbox: Path, out: Path, *extra: str):
    result = _run("check", str(inbox), "--out", str(out), "--format", "json", "-q", *extra)
    return result.exit_code, {Path(e["path"]).name: e for e in json.loads(result.stdout)["files"]}


@pytest.fixture
def folders(tmp_path):
    inbox, out = tmp_path / "in", tmp_path / "out"
    inbox.mkdir()
    return inbox, out


def test_a_corrected_form_under_another_name_names_what_it_fixed(folders):
    inbox, out = folders
    shutil.copy(SAMPLES / "planted-rate-score.xlsx", inbox / "X.xlsx")
    code, first = _check(inbox, out, "--fix")
    assert code == 1 and first["X.xlsx"]["since_last"] is None
    # The accountant takes the corrected copy and drops it in under another name.
    shutil.copy(out / "X.更正稿.xlsx", inbox / "更正-X.xlsx")
    code, second = _check(inbox, out)
    entry = second["更正-X.xlsx"]
    assert entry["status"] == "ok" and entry["findings"] == []
    since = entry["since_last"]
    assert Path(since["path"]).name == "X.xlsx"
    assert [(f["rule"], f["cell"], f["actual"]) for f in since["fixed"]] == [
        ("rate-score", "G13", "4.52"), ("total-mismatch", "G40", "94.21")]
    assert (since["new"], since["still"]) == (0, 0)
    summary = openpyxl.load_workbook(out / "summary.xlsx")
    fixed = [[c.value for c in row] for row in summary["本轮已更正"].iter_rows(min_row=2)]
    assert [(row[2], row[4]) for row in fixed] == [("部门整体支出绩效自评表!G13", "rate-score"),
                                                   ("部门整体支出绩效自评表!G40", "total-mismatch")]
    # The corrected form's own annotated copy says so too, and so does report.html.
    result_sheet = openpyxl.load_workbook(out / "更正-X.checked.xlsx")["校验结果"]
    lines = [row[0] for row in result_sheet.iter_rows(max_col=1, values_only=True) if row[0]]
    assert any("与上轮" in line and "G13 按比例计分的得分不符（rate-score）" in line for line in lines)
    assert "本轮已更正" in (out / "report.html").read_text("utf-8")


def _two_rounds(inbox: Path, out: Path, make_form) -> dict:
    """A.xlsx checked with a wrong rate score, then again with a wrong grade too; the second run's entries."""
    shutil.copy(make_form({"rows.special-fund-spending-rate.score": "4.52"}), inbox / "A.xlsx")
    _check(inbox, out)
    shutil.copy(make_form({"rows.special-fund-spending-rate.score": "4.52", "grade": "良"}), inbox / "A.xlsx")
    return _check(inbox, out)[1]


def test_a_finding_is_new_or_still_against_the_last_round(folders, make_form):
    inbox, out = folders
    entries = _two_rounds(inbox, out, make_form)
    marks = {f["rule"]: f["since_last"] for f in entries["A.xlsx"]["findings"]}
    assert marks == {"rate-score": "still", "grade-mismatch": "new"}
    result = _run("check", str(inbox), "--out", str(out), "-q", "--force")
    assert "〔仍在〕" in result.stdout and "与上轮" in result.stdout
    rows = [[c.value for c in row] for row in openpyxl.load_workbook(out / "summary.xlsx")["问题清单"].iter_rows()]
    column = rows[0].index("本轮变化")
    assert {row[column] for row in rows[1:]} == {"仍在"}


def test_several_forms_of_one_identity_are_matched_by_file_name_or_said_to_be_ambiguous(folders, make_form):
    inbox, out = folders
    shutil.copy(make_form({"grade": "良"}), inbox / "A.xlsx")
    shutil.copy(make_form({"total": "95.31"}), inbox / "B.xlsx")
    _check(inbox, out)
    shutil.copy(SAMPLES / "correct-form.xlsx", inbox / "A.xlsx")
    _, entries = _check(inbox, out)
    assert [f["rule"] for f in entries["A.xlsx"]["since_last"]["fixed"]] == ["grade-mismatch"]
    for name in ("A.xlsx", "B.xlsx"):
        (inbox / name).unlink()
    shutil.copy(SAMPLES / "correct-form.xlsx", inbox / "C.xlsx")
    shutil.copy(SAMPLES / "planted-total-mismatch.xlsx", inbox / "D.xlsx")
    _, entries = _check(inbox, out)
    for name in ("C.xlsx", "D.xlsx"):
        assert entries[name]["since_last"]["ambiguous"] is True
        assert "无法确定" in entries[name]["since_last"]["note"]


def test_a_warning_reviewed_in_the_summary_comes_back_reviewed_and_passes(folders):
    inbox, out = folders
    shutil.copy(SAMPLES / "planted-missing-explanation.xlsx", inbox / "M.xlsx")
    code, _ = _check(inbox, out, "--fail-on", "warning")
    assert code == 1
    book = openpyxl.load_workbook(out / "summary.xlsx")
    sheet = book["问题清单"]
    header = [c.value for c in sheet[1]]
    sheet.cell(row=2, column=header.index("核实意见") + 1, value="已核实：原因见附件")
    book.save(out / "summary.xlsx")
    code, entries = _check(inbox, out, "--fail-on", "warning")
    (finding,) = entries["M.xlsx"]["findings"]
    assert entries["M.xlsx"]["status"] == "unchanged"
    assert finding["reviewed"]["note"] == "已核实：原因见附件" and code == 0
    # The note lives on in reviewed.csv (summary.xlsx is written again) and in the next summary.
    with (out / REVIEWS_NAME).open(encoding="utf-8-sig") as stream:
        (row,) = list(csv.DictReader(stream))
    assert (row["rule"], row["cell"], row["note"]) == ("missing-explanation", "部门整体支出绩效自评表!I21", "已核实：原因见附件")
    code, entries = _check(inbox, out, "--fail-on", "warning", "--force")
    assert code == 0 and entries["M.xlsx"]["findings"][0]["reviewed"]
    rows = [[c.value for c in r] for r in openpyxl.load_workbook(out / "summary.xlsx")["问题清单"].iter_rows()]
    assert rows[1][rows[0].index("核实意见")] == "已核实：原因见附件"
    assert "已核实" in _run("check", str(inbox), "--out", str(out), "-q").stdout


def _write_reviews(out: Path, *rows: list[str]) -> None:
    out.mkdir(exist_ok=True)
    with (out / REVIEWS_NAME).open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(["form", "rule", "cell", "value", "note", "by", "at"])
        writer.writerows(rows)


FORM = "department|广州市工业和信息化局||2022"


def test_a_review_lapses_when_the_value_changes_and_an_error_needs_a_note(folders, make_form):
    inbox, out = folders
    shutil.copy(SAMPLES / "planted-total-mismatch.xlsx", inbox / "T.xlsx")
    _write_reviews(out, [FORM, "total-mismatch", "部门整体支出绩效自评表!G40", "95.31", "", "审计", "2026-12-01"])
    code, entries = _check(inbox, out)
    assert code == 1 and entries["T.xlsx"]["findings"][0]["reviewed"] is None     # an error needs a note
    _write_reviews(out, [FORM, "total-mismatch", "部门整体支出绩效自评表!G40", "95.31", "差额已说明", "审计", "2026-12-01"])
    code, entries = _check(inbox, out)
    assert code == 0 and entries["T.xlsx"]["findings"][0]["reviewed"] == {
        "note": "差额已说明", "by": "审计", "at": "2026-12-01"}
    shutil.copy(make_form({"total": "96.31"}), inbox / "T.xlsx")   # the cell changed: the review lapses
    code, entries = _check(inbox, out)
    assert code == 1 and entries["T.xlsx"]["findings"][0]["reviewed"] is None


def test_broken_history_and_review_files_give_a_message_and_keep_what_they_held(folders, caplog):
    inbox, out = folders
    shutil.copy(SAMPLES / "planted-missing-explanation.xlsx", inbox / "M.xlsx")
    _write_reviews(out, [FORM, "missing-explanation", "部门整体支出绩效自评表!I21", "（空）", "已核实", "审计", "2026-12-01"])
    _check(inbox, out)
    _check(inbox, out, "--force")           # a second save keeps the first as the last good copy
    (out / HISTORY_NAME).write_text('{"format": 1, "forms": [', "utf-8")    # cut short
    with (out / REVIEWS_NAME).open("a", encoding="utf-8") as stream:
        stream.write("一行手写的说明\n")
    result = CliRunner().invoke(main, ["check", str(inbox), "--out", str(out), "--format", "json", "--force",
                                       "--fail-on", "warning"])
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert result.exit_code == 0                                # the review still holds
    assert "历史记录" in result.stderr and "另存为" in result.stderr and "原样保留" in result.stderr
    assert list(out.glob(HISTORY_NAME + ".损坏-*"))           # the broken file is kept for a person
    (entry,) = json.loads(result.stdout)["files"]
    assert entry["since_last"] is not None                      # from the last good copy
    assert "一行手写的说明" in (out / REVIEWS_NAME).read_text("utf-8-sig")
    (out / REVIEWS_NAME).write_bytes(b"\xff\xfe\x00garbage")
    result = CliRunner().invoke(main, ["check", str(inbox), "--out", str(out)])
    assert result.exit_code in (0, 1) and "核实记录" in result.stderr
    assert list(out.glob(REVIEWS_NAME + ".损坏-*"))


def test_a_state_file_is_whole_or_not_at_all(tmp_path, monkeypatch):
    path = tmp_path / "state.json"
    statefile.save_json(path, {"round": 1})
    import os

    def killed(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", killed)
    with pytest.raises(KeyboardInterrupt):
        statefile.save_json(path, {"round": 2})
    monkeypatch.undo()
    assert json.loads(path.read_text("utf-8")) == {"round": 1}
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".~tmp-")]
    assert statefile.load_json(path, "测试", lambda data: isinstance(data, dict)) == {"round": 1}


def _result_rows(path: Path) -> tuple[list, list[list]]:
    """The 校验结果 sheet's findings table: its header and its rows."""
    rows = [list(row) for row in openpyxl.load_workbook(path)["校验结果"].iter_rows(values_only=True)]
    start = next(i for i, row in enumerate(rows) if row[0] == "严重程度")
    body = []
    for row in rows[start + 1:]:
        if not row[0]:
            break
        body.append(row)
    return rows[start], body


def test_the_result_sheet_says_of_each_finding_what_changed_since_the_last_round(folders, make_form):
    inbox, out = folders
    shutil.copy(make_form({"rows.special-fund-spending-rate.score": "4.52"}), inbox / "A.xlsx")
    _check(inbox, out)
    header, _ = _result_rows(out / "A.checked.xlsx")
    assert "本轮变化" not in header          # no earlier round: nothing to compare with
    _write_reviews(out, [FORM, "rate-score", "部门整体支出绩效自评表!G13", "4.52", "已核实：按文件口径", "审计",
                         "2026-12-01"])
    shutil.copy(make_form({"rows.special-fund-spending-rate.score": "4.52", "grade": "良"}), inbox / "A.xlsx")
    _check(inbox, out)
    header, body = _result_rows(out / "A.checked.xlsx")
    column = header.index("本轮变化")
    marks = {row[header.index("规则代号")]: row[column] for row in body}
    assert marks["grade-mismatch"] == "本轮新出现"
    assert marks["rate-score"].startswith("上轮已有，仍未更正；已核实：按文件口径")
    # the same words as summary.xlsx's 问题清单 and the text output say
    rows = [[c.value for c in row] for row in openpyxl.load_workbook(out / "summary.xlsx")["问题清单"].iter_rows()]
    shown = {row[rows[0].index("规则代号")]: row[rows[0].index("本轮变化")] for row in rows[1:]}
    assert set(shown) >= {"grade-mismatch", "rate-score"}


def _type_note(out: Path, rule: str, note: str) -> None:
    """An auditor types ``note`` in the 核实意见 cell of ``rule``'s row of summary.xlsx's 问题清单."""
    book = openpyxl.load_workbook(out / "summary.xlsx")
    sheet = book["问题清单"]
    header = [c.value for c in sheet[1]]
    (row,) = [cells[0].row for cells in sheet.iter_rows(min_row=2) if cells[header.index("规则代号")].value == rule]
    sheet.cell(row=row, column=header.index("核实意见") + 1, value=note)
    book.save(out / "summary.xlsx")


def _check_m_and_t(inbox: Path, out: Path) -> None:
    """A first run over M.xlsx (a missing explanation, a warning) and T.xlsx (a wrong total, an error)."""
    shutil.copy(SAMPLES / "planted-missing-explanation.xlsx", inbox / "M.xlsx")
    shutil.copy(SAMPLES / "planted-total-mismatch.xlsx", inbox / "T.xlsx")
    _check(inbox, out)


def _changes(path: Path) -> dict[str, str]:
    """What the annotated copy's 校验结果 says changed of each finding, by rule."""
    header, body = _result_rows(path)
    return {row[header.index("规则代号")]: row[header.index("本轮变化")] for row in body}


def test_a_note_typed_in_the_summary_shows_in_the_annotated_copy_of_the_same_run(folders, caplog):
    inbox, out = folders
    _check_m_and_t(inbox, out)
    _type_note(out, "missing-explanation", "已核实：原因见附件")
    _type_note(out, "total-mismatch", "   ")                 # an error reviewed without a note
    code, entries = _check(inbox, out, "--force")
    changes = _changes(out / "M.checked.xlsx")
    assert changes["missing-explanation"].startswith("上轮已有，仍未更正；已核实：原因见附件（summary.xlsx")
    assert entries["M.xlsx"]["findings"][0]["reviewed"]["note"] == "已核实：原因见附件"
    # The error without a note stays unreviewed, in the copy as in report.json.
    assert _changes(out / "T.checked.xlsx") == {"total-mismatch": "上轮已有，仍未更正"}
    assert entries["T.xlsx"]["findings"][0]["reviewed"] is None and code == 1
    with (out / REVIEWS_NAME).open(encoding="utf-8-sig") as stream:
        (row,) = list(csv.DictReader(stream))
    assert (row["rule"], row["note"], row["by"]) == ("missing-explanation", "已核实：原因见附件", "summary.xlsx")
    rows = [[c.value for c in r] for r in openpyxl.load_workbook(out / "summary.xlsx")["问题清单"].iter_rows()]
    notes = {r[rows[0].index("规则代号")]: r[rows[0].index("核实意见")] for r in rows[1:]}
    assert notes == {"missing-explanation": "已核实：原因见附件", "total-mismatch": None}


def test_a_note_typed_for_an_error_in_reviewed_csv_without_text_is_ignored_in_the_copy_too(folders):
    inbox, out = folders
    shutil.copy(SAMPLES / "planted-total-mismatch.xlsx", inbox / "T.xlsx")
    _check(inbox, out)
    _write_reviews(out, [FORM, "total-mismatch", "部门整体支出绩效自评表!G40", "95.31", "", "审计", "2026-12-01"])
    _type_note(out, "total-mismatch", "")
    result = _run("check", str(inbox), "--out", str(out), "--format", "json", "--force")
    assert result.exit_code == 1 and result.stderr.count("错误只能附核实意见后核实") == 1
    assert _changes(out / "T.checked.xlsx") == {"total-mismatch": "上轮已有，仍未更正"}


def test_a_summary_that_cannot_be_read_at_the_start_is_said_once_and_the_run_goes_on(folders):
    inbox, out = folders
    shutil.copy(SAMPLES / "planted-missing-explanation.xlsx", inbox / "M.xlsx")
    _write_reviews(out, [FORM, "missing-explanation", "部门整体支出绩效自评表!I21", "（空）", "已核实", "审计", "2026-12-01"])
    _check(inbox, out)
    (out / "summary.xlsx").write_bytes(b"PK\x03\x04 cut short")      # broken by hand
    result = _run("check", str(inbox), "--out", str(out), "--format", "json", "--force", "--fail-on", "warning")
    assert result.exit_code == 0                                      # the review of reviewed.csv holds
    assert result.stderr.count("summary.xlsx 的“核实意见”列无法读取") == 1
    assert _changes(out / "M.checked.xlsx")["missing-explanation"].startswith("上轮已有，仍未更正；已核实")
    assert openpyxl.load_workbook(out / "summary.xlsx")["问题清单"]       # written again, whole
    assert "已核实" in (out / REVIEWS_NAME).read_text("utf-8-sig")


def test_the_hot_folder_shows_a_note_typed_in_the_summary_in_the_next_batchs_copies(tmp_path, make_form):
    from evaluator.families import load_definitions
    from evaluator.runner.parallel import Stop
    from evaluator.runner.watch import Watcher, WatchOptions

    inbox, out = tmp_path / "inbox", tmp_path / "out"
    inbox.mkdir()
    watcher = Watcher(WatchOptions(inbox=inbox, out_dir=out, interval=0, workers=1), load_definitions(), Stop())
    shutil.copy(make_form({"rows.special-fund-spending-rate.score": "4.52"}), inbox / "A.xlsx")
    assert watcher.poll() is None and watcher.poll() is not None     # seen still, then taken
    _type_note(out, "rate-score", "已核实：按文件口径")
    shutil.copy(make_form({"rows.special-fund-spending-rate.score": "4.52", "grade": "良"}), inbox / "A.xlsx")
    assert watcher.poll() is None and watcher.poll() is not None
    changes = _changes(out / "A.checked.xlsx")
    assert changes["grade-mismatch"] == "本轮新出现"
    assert changes["rate-score"].startswith("上轮已有，仍未更正；已核实：按文件口径")
    report = json.loads((out / "report.json").read_text("utf-8"))
    (entry,) = report["files"]
    assert {f["rule"]: (f["reviewed"] or {}).get("note") for f in entry["findings"]} == {
        "rate-score": "已核实：按文件口径", "grade-mismatch": None}


def test_the_end_of_a_run_reads_the_summary_again_only_when_it_changed(folders, monkeypatch):
    from evaluator.runner.reviews import Reviews

    inbox, out = folders
    _check_m_and_t(inbox, out)
    _type_note(out, "missing-explanation", "已核实：原因见附件")
    seen = Reviews.take_in(out)                       # the start of a run
    assert "已核实：原因见附件" in (out / REVIEWS_NAME).read_text("utf-8-sig")
    opened = []
    real = openpyxl.load_workbook
    # what the reviews read (read only; the auditor's own edits open it to write)
    monkeypatch.setattr(openpyxl, "load_workbook",
                        lambda *a, **k: (k.get("read_only") and opened.append(a[0])) or real(*a, **k))
    assert set(Reviews.load(out, seen).items) == {
        (FORM, "missing-explanation", "部门整体支出绩效自评表!I21")} and opened == []
    _type_note(out, "total-mismatch", "差额已说明")   # typed while the run goes on
    assert {key[1] for key in Reviews.load(out, seen).items} == {"missing-explanation", "total-mismatch"}
    assert opened == [out / "summary.xlsx"]
    assert Reviews.take_in(out / "nothing-here") is None


def test_a_review_file_that_cannot_be_written_at_the_start_is_written_at_the_end(folders, monkeypatch):
    inbox, out = folders
    shutil.copy(SAMPLES / "planted-missing-explanation.xlsx", inbox / "M.xlsx")
    _check(inbox, out)
    _type_note(out, "missing-explanation", "已核实：原因见附件")
    real, refused = statefile.save_text, []

    def busy_once(path, text):
        if path.name == REVIEWS_NAME and not refused:
            refused.append(path)
            raise PermissionError(13, "被占用", str(path))
        real(path, text)

    monkeypatch.setattr(statefile, "save_text", busy_once)
    code, entries = _check(inbox, out, "--force", "--fail-on", "warning")
    assert refused and code == 0 and entries["M.xlsx"]["findings"][0]["reviewed"]["note"] == "已核实：原因见附件"
    assert "已核实：原因见附件" in (out / REVIEWS_NAME).read_text("utf-8-sig")      # not lost


def _written(path: Path) -> tuple[int, int]:
    """Which write of ``path`` this is: a copy written again (atomically, by a rename) is another
    file, with another inode and modification time, even when its bytes are the same."""
    info = path.stat()
    return info.st_ino, info.st_mtime_ns


def _report(out: Path) -> dict[str, dict]:
    return {Path(e["path"]).name: e for e in json.loads((out / "report.json").read_text("utf-8"))["files"]}


def test_a_note_typed_for_an_unchanged_file_shows_in_its_copy_on_the_next_run_without_force(folders):
    inbox, out = folders
    _check_m_and_t(inbox, out)
    assert "本轮变化" not in _result_rows(out / "M.checked.xlsx")[0]     # nothing to say yet
    untouched = (out / "T.checked.xlsx").read_bytes(), _written(out / "T.checked.xlsx")
    _type_note(out, "missing-explanation", "已核实：原因见附件")
    code, entries = _check(inbox, out)
    assert entries["M.xlsx"]["status"] == entries["T.xlsx"]["status"] == "unchanged"
    # The copy shows the review; the file is not compared with itself (no 上轮已有: it has no earlier round).
    (mark,) = _changes(out / "M.checked.xlsx").values()
    assert mark.startswith("已核实：原因见附件（summary.xlsx") and "上轮" not in mark
    report = _report(out)
    assert report["M.xlsx"]["findings"][0]["reviewed"]["note"] == "已核实：原因见附件"
    assert report["M.xlsx"]["since_last"] is None and report["M.xlsx"]["status"] == "unchanged"
    assert ((out / "T.checked.xlsx").read_bytes(), _written(out / "T.checked.xlsx")) == untouched  # no review of it
    # Nothing changed since: both reused as they are, neither copy written again.
    shown = (out / "M.checked.xlsx").read_bytes(), _written(out / "M.checked.xlsx")
    code, entries = _check(inbox, out)
    assert entries["M.xlsx"]["status"] == entries["T.xlsx"]["status"] == "unchanged"
    assert entries["M.xlsx"]["findings"][0]["reviewed"]["note"] == "已核实：原因见附件"
    assert ((out / "M.checked.xlsx").read_bytes(), _written(out / "M.checked.xlsx")) == shown
    assert ((out / "T.checked.xlsx").read_bytes(), _written(out / "T.checked.xlsx")) == untouched
    # The review removed (from reviewed.csv, and its note from the summary): the copy no longer shows it.
    _type_note(out, "missing-explanation", "")
    _write_reviews(out)
    code, entries = _check(inbox, out, "--fail-on", "warning")
    assert entries["M.xlsx"]["status"] == "unchanged" and entries["M.xlsx"]["findings"][0]["reviewed"] is None
    assert "本轮变化" not in _result_rows(out / "M.checked.xlsx")[0] and code == 1
    assert _report(out)["M.xlsx"]["findings"][0]["reviewed"] is None
    assert ((out / "T.checked.xlsx").read_bytes(), _written(out / "T.checked.xlsx")) == untouched


def test_a_copy_written_again_for_a_review_keeps_the_comparison_the_file_made_with_its_last_round(folders, make_form):
    inbox, out = folders
    entries = _two_rounds(inbox, out, make_form)
    compared = entries["A.xlsx"]["since_last"]
    assert (compared["new"], compared["still"]) == (1, 1)
    _type_note(out, "rate-score", "已核实：按文件口径")
    _, entries = _check(inbox, out)
    entry = entries["A.xlsx"]
    assert entry["status"] == "unchanged" and entry["since_last"] == compared
    changes = _changes(out / "A.checked.xlsx")
    # Checked again against itself, grade-mismatch would be 上轮已有: the copy says what the reports say.
    assert changes["grade-mismatch"] == "本轮新出现"
    assert changes["rate-score"].startswith("上轮已有，仍未更正；已核实：按文件口径")
    assert {f["rule"]: f["since_last"] for f in _report(out)["A.xlsx"]["findings"]} == {
        "rate-score": "still", "grade-mismatch": "new"}
    history = json.loads((out / HISTORY_NAME).read_text("utf-8"))
    assert len(history["forms"][FORM]) == 2            # no round of the file against itself
    # Reused again with nothing changed: the same comparison, and the copy as it is.
    shown = (out / "A.checked.xlsx").read_bytes(), _written(out / "A.checked.xlsx")
    _, entries = _check(inbox, out)
    assert entries["A.xlsx"]["status"] == "unchanged" and entries["A.xlsx"]["since_last"] == compared
    assert ((out / "A.checked.xlsx").read_bytes(), _written(out / "A.checked.xlsx")) == shown


def test_a_manifest_of_the_earlier_version_is_read_as_copies_showing_no_review(folders):
    inbox, out = folders
    _check_m_and_t(inbox, out)
    _type_note(out, "missing-explanation", "已核实：原因见附件")
    _check(inbox, out)
    manifest = out / ".evaluator-manifest.json"
    data = json.loads(manifest.read_text("utf-8"))
    assert data["files"]["M.xlsx"]["reviews"] and data["files"]["T.xlsx"]["reviews"] is None
    for record in data["files"].values():
        del record["reviews"]                          # as the earlier version wrote it
    manifest.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    before = {name: _written(out / f"{name}.checked.xlsx") for name in "MT"}
    _, entries = _check(inbox, out)
    assert {entry["status"] for entry in entries.values()} == {"unchanged"}
    assert _written(out / "M.checked.xlsx") != before["M"]       # a review applies to it: written once more
    assert _written(out / "T.checked.xlsx") == before["T"]       # no review: reused as before
    assert _changes(out / "M.checked.xlsx")["missing-explanation"].startswith("已核实：原因见附件")
    again = {name: _written(out / f"{name}.checked.xlsx") for name in "MT"}
    _check(inbox, out)
    assert {name: _written(out / f"{name}.checked.xlsx") for name in "MT"} == again


def test_the_hot_folder_writes_again_the_copy_of_a_file_answered_earlier_when_its_reviews_change(tmp_path):
    from evaluator.families import load_definitions
    from evaluator.runner.parallel import Stop
    from evaluator.runner.watch import Watcher, WatchOptions

    inbox, out, archive = tmp_path / "inbox", tmp_path / "out", tmp_path / "archive"
    inbox.mkdir()
    watcher = Watcher(WatchOptions(inbox=inbox, out_dir=out, archive=archive, interval=0, workers=1),
                      load_definitions(), Stop())

    def drop(sample: str, name: str) -> None:
        shutil.copy(SAMPLES / sample, inbox / name)
        assert watcher.poll() is None and watcher.poll() is not None     # seen still, then taken

    drop("planted-missing-explanation.xlsx", "M.xlsx")
    untouched = _written(out / "M.checked.xlsx")
    drop("planted-total-mismatch.xlsx", "T.xlsx")                        # no review changed: M's copy as it was
    assert _written(out / "M.checked.xlsx") == untouched
    _type_note(out, "missing-explanation", "已核实：原因见附件")
    drop("planted-rate-score.xlsx", "R.xlsx")                            # the next batch
    assert _changes(out / "M.checked.xlsx")["missing-explanation"].startswith("已核实：原因见附件（summary.xlsx")
    assert _report(out)["M.xlsx"]["findings"][0]["reviewed"]["note"] == "已核实：原因见附件"
    shown, others = _written(out / "M.checked.xlsx"), _written(out / "T.checked.xlsx")
    drop("planted-grade-mismatch.xlsx", "G.xlsx")
    assert (_written(out / "M.checked.xlsx"), _written(out / "T.checked.xlsx")) == (shown, others)


def test_a_review_added_to_reviewed_csv_for_an_unchanged_file_shows_in_its_copy(folders):
    inbox, out = folders
    shutil.copy(SAMPLES / "planted-missing-explanation.xlsx", inbox / "M.xlsx")
    _check(inbox, out)
    _write_reviews(out, [FORM, "missing-explanation", "部门整体支出绩效自评表!I21", "（空）", "已核实：见附件二", "审计",
                         "2026-12-01"])
    code, entries = _check(inbox, out, "--fail-on", "warning")
    assert entries["M.xlsx"]["status"] == "unchanged" and code == 0
    assert _changes(out / "M.checked.xlsx") == {"missing-explanation": "已核实：见附件二（审计，2026-12-01）"}
