"""A note edited where a person typed it is never undone by the note the tool wrote elsewhere.

Reviews are typed in two places: reviewed.csv and summary.xlsx's 核实意见 column (see
evaluator/runner/reviews.py). summary.xlsx keeps, hidden, each row's note as the tool wrote it:
only what a person changed there is taken in, so an edit made in reviewed.csv stands; when both
were changed differently, reviewed.csv is kept and a warning gives the other note in full.
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
from evaluator.runner.reviews import REVIEWS_NAME, WRITTEN_COLUMN

SAMPLES = Path(__file__).resolve().parent.parent / "sample_workbooks"
FORM = "department|广州市工业和信息化局||2022"
CELL = "部门整体支出绩效自评表!I21"        # planted-missing-explanation.xlsx's one warning
RULE = "missing-explanation"


def _check(inbox: Path, out: Path, *extra: str):
    result = CliRunner().invoke(main, ["check", str(inbox), "--out", str(out), "--format", "json",
                                       "--fail-on", "warning", *extra])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    (entry,) = json.loads(result.stdout)["files"]
    return result, entry


def _csv_rows(out: Path) -> list[dict[str, str]]:
    with (out / REVIEWS_NAME).open(encoding="utf-8-sig") as stream:
        return list(csv.DictReader(stream))


def _set_csv_note(out: Path, note: str | None) -> None:
    """A person edits the note of the review in reviewed.csv (None: removes its line)."""
    rows = _csv_rows(out)
    with (out / REVIEWS_NAME).open("w", encoding="utf-8", newline="") as stream:
        writer = csv.DictWriter(stream, fieldnames=["form", "rule", "cell", "value", "note", "by", "at"])
        writer.writeheader()
        for row in rows:
            if note is None:
                continue
            writer.writerow({**row, "note": note})


def _summary_notes(out: Path) -> tuple[list, list]:
    """问题清单's (核实意见, 核实意见（写出时）) of each row."""
    rows = list(openpyxl.load_workbook(out / "summary.xlsx")["问题清单"].iter_rows(values_only=True))
    header = rows[0]
    return ([row[header.index("核实意见")] for row in rows[1:]],
            [row[header.index(WRITTEN_COLUMN)] for row in rows[1:]])


def _type_note(out: Path, note: str) -> None:
    """An auditor types ``note`` in the 核实意见 cell of the warning's row of summary.xlsx."""
    book = openpyxl.load_workbook(out / "summary.xlsx")
    sheet = book["问题清单"]
    header = [c.value for c in sheet[1]]
    sheet.cell(row=2, column=header.index("核实意见") + 1, value=note)
    book.save(out / "summary.xlsx")


def _copy_says(out: Path) -> str | None:
    """What the annotated copy's 校验结果 says of the warning in its 本轮变化 column (None: no such column)."""
    rows = [list(row) for row in openpyxl.load_workbook(out / "M.checked.xlsx")["校验结果"].iter_rows(values_only=True)]
    header = next(row for row in rows if row[0] == "严重程度")
    if "本轮变化" not in header:
        return None
    (row,) = [row for row in rows if row[header.index("规则代号")] == RULE]
    return row[header.index("本轮变化")]


@pytest.fixture
def reviewed(tmp_path):
    """A folder checked once, its warning reviewed by a note typed in summary.xlsx and taken in."""
    inbox, out = tmp_path / "in", tmp_path / "out"
    inbox.mkdir()
    shutil.copy(SAMPLES / "planted-missing-explanation.xlsx", inbox / "M.xlsx")
    _check(inbox, out)
    _type_note(out, "已核实：原因见附件")
    result, entry = _check(inbox, out)
    assert result.exit_code == 0 and entry["findings"][0]["reviewed"]["note"] == "已核实：原因见附件"
    assert _summary_notes(out) == (["已核实：原因见附件"], ["已核实：原因见附件"])
    return inbox, out


def test_a_note_edited_in_reviewed_csv_stands_in_every_output(reviewed):
    inbox, out = reviewed
    _set_csv_note(out, "已核实：见附件二（复核后改写）")
    for _ in range(2):           # the summary.xlsx read first still holds the old note; the next one the new
        result, entry = _check(inbox, out)
        assert result.exit_code == 0 and entry["status"] == "unchanged"
        assert entry["findings"][0]["reviewed"]["note"] == "已核实：见附件二（复核后改写）"
        assert [row["note"] for row in _csv_rows(out)] == ["已核实：见附件二（复核后改写）"]
        assert _copy_says(out).startswith("已核实：见附件二（复核后改写）")
        (report_entry,) = json.loads((out / "report.json").read_text("utf-8"))["files"]
        assert report_entry["findings"][0]["reviewed"]["note"] == "已核实：见附件二（复核后改写）"
        assert _summary_notes(out) == (["已核实：见附件二（复核后改写）"], ["已核实：见附件二（复核后改写）"])
        assert "核实意见" not in result.stderr          # nothing to warn of: only one side changed


def test_a_note_cleared_or_a_review_removed_in_reviewed_csv_stays_so(reviewed):
    inbox, out = reviewed
    _set_csv_note(out, "")                       # a warning reviewed without a note is still reviewed
    for _ in range(2):
        result, entry = _check(inbox, out)
        assert [row["note"] for row in _csv_rows(out)] == [""]
        assert entry["findings"][0]["reviewed"]["note"] == "" and result.exit_code == 0
        assert _summary_notes(out) == ([None], [None])
    _set_csv_note(out, None)                     # the line removed: no longer reviewed
    for _ in range(2):
        result, entry = _check(inbox, out)
        assert _csv_rows(out) == [] and entry["findings"][0]["reviewed"] is None and result.exit_code == 1
        assert _copy_says(out) is None           # the copy no longer says 已核实


def test_a_note_typed_changed_or_cleared_in_the_summary_is_taken_in(reviewed):
    inbox, out = reviewed
    (row,) = _csv_rows(out)
    assert (row["note"], row["by"]) == ("已核实：原因见附件", "summary.xlsx")
    _type_note(out, "已核实：原因见附件三")          # changed in summary.xlsx, reviewed.csv as written
    result, entry = _check(inbox, out)
    assert [row["note"] for row in _csv_rows(out)] == ["已核实：原因见附件三"]
    assert entry["findings"][0]["reviewed"]["note"] == "已核实：原因见附件三"
    assert _copy_says(out).startswith("已核实：原因见附件三")
    _type_note(out, "")                          # cleared in summary.xlsx: the review is removed, and said
    result, entry = _check(inbox, out)
    assert _csv_rows(out) == [] and entry["findings"][0]["reviewed"] is None and result.exit_code == 1
    assert "清除了" in result.stderr and "已核实：原因见附件三" in result.stderr


def test_a_note_changed_in_both_places_keeps_reviewed_csv_and_names_the_other(reviewed):
    inbox, out = reviewed
    _set_csv_note(out, "已核实：CSV 中改写")
    _type_note(out, "已核实：表中改写")
    result, entry = _check(inbox, out)
    assert [row["note"] for row in _csv_rows(out)] == ["已核实：CSV 中改写"]
    assert entry["findings"][0]["reviewed"]["note"] == "已核实：CSV 中改写"
    assert _copy_says(out).startswith("已核实：CSV 中改写")
    # Nothing typed is lost: the warning names the finding and gives the note not taken in.
    assert result.stderr.count("两处都改过") == 1
    warning = next(line for line in result.stderr.splitlines() if "两处都改过" in line)
    assert FORM in warning and CELL in warning and RULE in warning and "已核实：表中改写" in warning
    assert _summary_notes(out) == (["已核实：CSV 中改写"], ["已核实：CSV 中改写"])
    result, entry = _check(inbox, out)           # said once: the summary now shows the note kept
    assert "两处都改过" not in result.stderr and entry["findings"][0]["reviewed"]["note"] == "已核实：CSV 中改写"
    # The same change made in both places is no conflict.
    _set_csv_note(out, "已核实：两边一样")
    _type_note(out, "已核实：两边一样")
    result, entry = _check(inbox, out)
    assert "两处都改过" not in result.stderr and [row["note"] for row in _csv_rows(out)] == ["已核实：两边一样"]


def _as_earlier_version(out: Path) -> None:
    """summary.xlsx as the earlier version wrote it: no column of the notes as written."""
    book = openpyxl.load_workbook(out / "summary.xlsx")
    sheet = book["问题清单"]
    header = [c.value for c in sheet[1]]
    sheet.delete_cols(header.index(WRITTEN_COLUMN) + 1)
    book.save(out / "summary.xlsx")


def test_a_summary_of_the_earlier_version_takes_in_new_notes_and_never_overrides_reviewed_csv(reviewed):
    inbox, out = reviewed
    _set_csv_note(out, "已核实：CSV 中改写")
    _as_earlier_version(out)                     # still holds 已核实：原因见附件
    result, entry = _check(inbox, out)
    assert [row["note"] for row in _csv_rows(out)] == ["已核实：CSV 中改写"]
    assert entry["findings"][0]["reviewed"]["note"] == "已核实：CSV 中改写"
    assert "上一版本" in result.stderr and "已核实：原因见附件" in result.stderr   # said, not lost
    # A note in a row reviewed.csv holds nothing for is taken in, as the earlier version did.
    _set_csv_note(out, None)
    _check(inbox, out)
    _as_earlier_version(out)
    _type_note(out, "已核实：旧版表中新写")
    result, entry = _check(inbox, out)
    assert [(row["note"], row["by"]) for row in _csv_rows(out)] == [("已核实：旧版表中新写", "summary.xlsx")]
    assert entry["findings"][0]["reviewed"]["note"] == "已核实：旧版表中新写" and result.exit_code == 0
