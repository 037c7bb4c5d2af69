"""Numbers of any size: a score of 1e30 or an uncached 9^9^9^9 is flagged on its cell, and every
report is still written; a reporter that fails leaves all three reports as they were."""

from __future__ import annotations

import json
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from evaluator.cli import main
from evaluator.outputs.reporters.common import show_number
from evaluator.values.numbers import BOUND, parse_number, round_half_up, too_large

SAMPLES = Path(__file__).resolve().parent.parent / "sample_workbooks"


def _form(path: Path, cell: str, value) -> Path:
    workbook = load_workbook(SAMPLES / "correct-form.xlsx")
    workbook.active[cell] = value
    workbook.save(path)
    return path


@pytest.mark.parametrize("raw", [1e30, "1" + "0" * 30, Decimal("9") ** 729, 10 ** 40, "1000000000000000"])
def test_a_number_past_the_bound_is_read_as_too_large(raw):
    assert parse_number(raw) is None and too_large(raw)


def test_numbers_below_the_bound_are_read_as_before():
    assert parse_number("999999999999999.99") == Decimal("999999999999999.99") < BOUND
    assert parse_number("4.62分") == Decimal("4.62") and not too_large("4.62")


def test_rounding_and_showing_never_fail_for_want_of_precision():
    assert round_half_up(Decimal("1e40") + Decimal("0.005")) == Decimal("1e40") + Decimal("0.01")
    assert show_number("1E+30") == "1.000000E+30"
    assert show_number("4.6155") == "4.62"


def test_a_huge_score_beside_a_good_form_is_flagged_and_every_report_written(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    _form(folder / "big.xlsx", "G13", 1e30)
    _form(folder / "power.xlsx", "G14", "=9^9^9^9")   # no cached value: the reader evaluates it
    shutil.copy(SAMPLES / "correct-form.xlsx", folder / "good.xlsx")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["check", str(folder), "--out", str(out), "--format", "json"])
    assert result.exit_code == 1, result.output
    report = json.loads((out / "report.json").read_text("utf-8"))
    flagged = {Path(entry["path"]).name: [(f["rule"], f["cell"]) for f in entry["findings"]]
               for entry in report["files"]}
    assert flagged == {"big.xlsx": [("score-not-number", "G13")], "power.xlsx": [("score-not-number", "G14")],
                       "good.xlsx": []}
    big = next(entry for entry in report["files"] if entry["path"].endswith("big.xlsx"))
    assert "超出可计算的范围" in big["findings"][0]["arithmetic"]
    assert all((out / name).stat().st_size > 0 for name in ("summary.xlsx", "report.html", "report.json"))
    assert (out / "big.checked.xlsx").is_file() and (out / "power.checked.xlsx").is_file()


def test_a_failing_reporter_leaves_all_three_reports_as_they_were(tmp_path, monkeypatch):
    import evaluator.outputs.reporters as reporters

    folder, out = tmp_path / "in", tmp_path / "out"
    folder.mkdir()
    shutil.copy(SAMPLES / "correct-form.xlsx", folder / "good.xlsx")
    assert CliRunner().invoke(main, ["check", str(folder), "--out", str(out)]).exit_code == 0
    before = {name: (out / name).read_bytes() for name in ("summary.xlsx", "report.html", "report.json")}
    shutil.copy(SAMPLES / "planted-rate-score.xlsx", folder / "new.xlsx")

    def broken(data, stream, base=None):
        raise ArithmeticError("a reporter bug")

    monkeypatch.setitem(reporters.REPORTERS, "xlsx", reporters.Reporter(broken, binary=True, filename="summary.xlsx"))
    result = CliRunner().invoke(main, ["check", str(folder), "--out", str(out)])
    assert result.exit_code == 2
    assert {name: (out / name).read_bytes() for name in before} == before   # none replaced
    assert not list(out.glob(".~tmp-*"))
    manifest = json.loads((out / ".evaluator-manifest.json").read_text("utf-8"))["files"]
    assert "new.xlsx" not in manifest   # not kept: the next run checks it again


def test_written_arithmetic_past_the_bound_is_not_judged():
    from evaluator.values.textmath import statements

    assert statements("1" * 40 + "/0.0000000000000000000000001=3") == []
    assert statements("9999999999999999999999999999999999%×5=1") == []
    assert [s.holds for s in statements("92.31%×5=4.62")] == [True]
    from evaluator.values.textmath import find_rate

    assert find_rate("支出率" + "9" * 30 + "%") is None and find_rate("支出率92.31%")[0] == Decimal("0.9231")
