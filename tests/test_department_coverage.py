"""Read coverage on department-wide forms of every kind (the Guangzhou catalog, the scored trees,
the coefficient forms): a form whose indicator table was not wholly read says so with
form-partly-read, names what was not read in ``coverage`` and is never 通过; a consistent form read
whole gives nothing of the kind."""

from __future__ import annotations

import random
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from evaluator.findings import Severity
from evaluator.outputs.reporters.json import report
from evaluator.runner.engine import check_file
from treebuilder import random_form, write

PROBES = Path(__file__).parent / "fixtures" / "department-probes"
#: The 分值 column of each tree layout written by treebuilder.
WEIGHT_COLUMN = {"hunan": 5, "indicators": 6}


def _alarms(result) -> list[tuple[str, str]]:
    return sorted((f.rule, f.cell) for f in result.findings if f.severity is not Severity.INFO)


@pytest.mark.parametrize("layout", sorted(WEIGHT_COLUMN))
@pytest.mark.parametrize("seed", range(4))
def test_a_tree_row_whose_points_cannot_be_read_is_partly_read_never_passed(tmp_path, definitions, layout, seed):
    rng = random.Random(seed)
    form = random_form(rng, layout)
    form.total = None
    whole = tmp_path / "whole.xlsx"
    where = write(form, whole)
    result = check_file(whole, definitions)
    [checked] = result.forms
    assert checked.family == "department" and _alarms(result) == [], "a consistent form gives nothing"
    assert (checked.coverage.indicators_read, checked.coverage.points_read) == (len(form.rows), Decimal(100))

    index = rng.randrange(len(form.rows))
    book = openpyxl.load_workbook(whole)
    cell = book.active.cell(where[index], WEIGHT_COLUMN[layout])
    cell.value = "待定"
    broken = tmp_path / "broken.xlsx"
    book.save(broken)
    result = check_file(broken, definitions)
    [checked] = result.forms
    assert result.status != "ok"
    assert _alarms(result) == [("form-partly-read", checked.model.header_ref.a1)]
    coverage = checked.coverage
    assert coverage.points_read == Decimal(100) - form.rows[index].weight
    assert coverage.indicators_judged == len(form.rows) - 1
    [unread] = coverage.not_read
    assert unread["where"] == f"{checked.sheet}!{cell.coordinate}" and "“待定”不是数字" in unread["why"]
    [entry] = report([result])["files"]
    assert entry["status"] == "findings" and entry["coverage"]["not_read"] == [unread]


@pytest.mark.parametrize("layout", sorted(WEIGHT_COLUMN))
def test_a_tree_cut_off_before_its_total_row_is_partly_read_and_computes_no_total(tmp_path, definitions, layout):
    form = random_form(random.Random(7), layout)
    form.merged = False
    path = tmp_path / "cut.xlsx"
    where = write(form, path)
    book = openpyxl.load_workbook(path)
    last = where[len(form.rows) - 1]
    book.active.delete_rows(where[5] + 1, last - where[5] + 10)   # rows 0…5 remain; no total, no grade
    book.save(path)
    result = check_file(path, definitions)
    [checked] = result.forms
    assert _alarms(result) == [("form-partly-read", checked.model.header_ref.a1)]
    read = sum((row.weight for row in form.rows[:6]), Decimal(0))
    assert (checked.coverage.indicators_read, checked.coverage.points_read) == (6, read)
    assert checked.total.recomputed is None and checked.total.corrected is None
    assert checked.grade is None or checked.grade.computed is None


def test_a_coefficient_form_counts_its_funds_weight_and_says_an_unreadable_one(tmp_path, definitions):
    complete = check_file(PROBES / "chongqing.csv", definitions)
    [checked] = complete.forms
    assert (checked.coverage.indicators_read, checked.coverage.points_read) == (3, Decimal(100))
    assert "form-partly-read" not in {f.rule for f in complete.findings}
    text = (PROBES / "chongqing.csv").read_text("utf-8").replace(",100%,5,5,", ",100%,五,5,")
    path = tmp_path / "chongqing.csv"
    path.write_text(text, encoding="utf-8")
    result = check_file(path, definitions)
    assert result.status != "ok"
    assert _alarms(result) == [("form-partly-read", "B6")]
    assert result.forms[0].coverage.points_read == Decimal(95)


def test_a_guangzhou_table_recognised_in_part_is_judged_row_by_row(make_form, catalog, definitions):
    """Six of its 28 indicators gone: enough to be the Guangzhou form, too few to be judged whole —
    one form-partly-read naming what is missing, no missing-indicator per row, no sums or totals
    judged on the part; a fault on a row that was read is still found."""
    gone = catalog.indicators[-6:]
    edits = {f"rows.{indicator.id}": None for indicator in gone}
    edits["rows.asset-inventory.score"] = "5"     # 分值 1: out of range on a row that was read
    result = check_file(make_form(edits), definitions)
    [checked] = result.forms
    assert checked.edition == "guangzhou-department-2022"
    assert _alarms(result) == [("form-partly-read", "E11"), ("score-out-of-range", "G19")]
    coverage = checked.coverage
    assert coverage.indicators_read == len(catalog.indicators) - 6
    assert coverage.points_read == catalog.total_weight - sum(indicator.weight for indicator in gone)
    assert all(indicator.name in coverage.not_read[0]["why"] for indicator in gone)
    assert checked.total.recomputed is None and checked.grade.computed is None
