"""Properties where a rule has an inverse, for every family and edition.

From a sample form of each edition (the department form; each project edition), a random but
consistent change is made the way an author would make it: a row scored lower with a reason
(the department's judged rows), a quantitative target missed and scored actual/target × 分值
(each project edition), the total and the printed grade following. Such a form gives no finding.
Then one planted change gives exactly its finding, with the value the inverse gives back:

* the total off by δ → ``total-mismatch`` expecting the sum;
* a score off by δ (the total unchanged) → the score rule expecting the computed score
  (``target-score``, the department's ``score-out-of-range`` above the weight);
* the reason blanked → ``missing-explanation`` on that cell.

Seeded and reproducible: hypothesis runs derandomized (the same examples every run; a failure
prints the example). A few examples per edition keep the suite fast.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from evaluator.runner.engine import check_file
from formbuilder import apply_edits
from projectbuilder import build_project, load_project

D = Decimal
SETTINGS = settings(derandomize=True, max_examples=3, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
PROJECT_EDITIONS = ["project-national", "project-ab", "project-hubei", "project-sichuan", "project-yunnan"]
#: The national grade bands (the Yunnan form prints its grade).
BANDS = [(D(90), "优"), (D(80), "良"), (D(60), "中"), (D(0), "差")]


def _r(value: Decimal, places: int = 2) -> Decimal:
    return value.quantize(D(1).scaleb(-places), rounding=ROUND_HALF_UP)


def _grade(total: Decimal) -> str:
    return next(name for low, name in BANDS if total >= low)


def _findings(path, definitions) -> list[tuple]:
    return [(f.rule, f.cell, f.expected) for f in check_file(path, definitions).findings if f.severity.rank > 0]


# --- project editions -----------------------------------------------------------------------------

_TARGET = re.compile(r"^(≥|≧|>=)(\d+(?:\.\d+)?)(\D*)$")
_ACTUAL = re.compile(r"^(\d+(?:\.\d+)?)(\D*)$")


def _up_rows(data: dict) -> list[int]:
    """Indicator rows with a numeric ≥ target met in full by a numeric actual (scored in full)."""
    found = []
    for index, row in enumerate(data["indicators"]):
        if "nature" in row:
            ok = row["nature"] in ("≥", "≧") and _ACTUAL.match(str(row["target"])) and _ACTUAL.match(str(row["actual"]))
        else:
            ok = _TARGET.match(str(row["target"])) and _ACTUAL.match(str(row["actual"]))
        if ok and row.get("reason") in (None, "无"):
            found.append(index)
    return found


def _missed(data: dict, index: int, fraction: int) -> tuple[dict, Decimal, Decimal]:
    """The form with row ``index`` reaching ``fraction`` % of its target, scored actual/target ×
    分值 with a reason, the total and grade following; returns (data, score, weight)."""
    row = data["indicators"][index]
    if "nature" in row:
        target, unit = D(str(row["target"])), ""
    else:
        _, number, unit = _TARGET.match(str(row["target"])).groups()
        target = D(number)
    weight = D(str(row.get("weight") or row["score"]))
    actual = _r(target * fraction / 100, 1)
    score = _r(actual / target * weight)
    total = D(str(data["total"]["score"])) - weight + score
    edits = {f"indicators.{row['id']}.actual": f"{actual}{unit}", f"indicators.{row['id']}.score": str(score),
             _reason_key(data, row): "受客观因素影响，未完成年度目标；下年度加强统筹。", "total.score": str(total)}
    if data.get("grade") is not None:
        edits["grade"] = _grade(total)
    return apply_edits_project(data, edits), score, weight


def _reason_key(data: dict, row: dict) -> str:
    """Where a row's shortfall is explained: its 偏差原因, or Hubei's one text for the whole form."""
    return f"texts.{HUBEI_REASON}" if "goals" in data else f"indicators.{row['id']}.reason"


HUBEI_REASON = "偏差大或目标未完成原因分析"


def apply_edits_project(data: dict, edits: dict) -> dict:
    from projectbuilder import apply_project_edits

    return apply_project_edits(data, edits)


def _cells(path, definitions, rule: str) -> list:
    return [f for f in check_file(path, definitions).findings if f.rule == rule]


@pytest.mark.parametrize("edition", PROJECT_EDITIONS)
@SETTINGS
@given(data=st.data())
def test_project_consistent_random_form_gives_nothing(edition, data, tmp_path, definitions):
    base = load_project(edition)
    rows = _up_rows(base)
    assert rows, f"{edition}: no ≥ row to vary"
    index = data.draw(st.sampled_from(rows), label="row")
    fraction = data.draw(st.integers(30, 99), label="percent of the target")
    form, _, _ = _missed(base, index, fraction)
    path = tmp_path / "form.xlsx"
    build_project(form, None, path)
    assert _findings(path, definitions) == []


@pytest.mark.parametrize("plant", ["total", "score", "reason"])
@pytest.mark.parametrize("edition", PROJECT_EDITIONS)
@SETTINGS
@given(data=st.data())
def test_project_one_planted_change_gives_exactly_its_finding(edition, plant, data, tmp_path, definitions):
    base = load_project(edition)
    index = data.draw(st.sampled_from(_up_rows(base)), label="row")
    fraction = data.draw(st.integers(30, 99), label="percent of the target")
    form, score, weight = _missed(base, index, fraction)
    row = form["indicators"][index]
    total = D(str(form["total"]["score"]))
    delta = data.draw(st.integers(1, 50), label="delta in cents") * D("0.01") * data.draw(st.sampled_from([1, -1]))
    if plant == "total":
        edits, rule, expected = {"total.score": str(total + delta)}, "total-mismatch", total
    elif plant == "score":
        planted = min(max(score + delta, D(0)), weight)
        if planted == score:
            planted = score - D("0.01") if score > 0 else score + D("0.01")
        edits, rule, expected = {f"indicators.{row['id']}.score": str(planted)}, "target-score", score
        if edition == "project-hubei":
            # Hubei prints no indicator weights: a score is not judged on its own, the total is
            # (declared as before, the scores now add up to the planted one's sum).
            rule, expected = "total-mismatch", total - score + planted
    else:
        edits, rule, expected = {_reason_key(form, row): "无"}, "missing-explanation", None
    path = tmp_path / "form.xlsx"
    build_project(apply_edits_project(form, edits), None, path)
    found = _findings(path, definitions)
    assert len(found) == 1 and found[0][0] == rule, found
    if expected is not None:
        assert D(found[0][2]) == expected, found


# --- the department form ----------------------------------------------------------------------------

#: Rows the department judges by their declared score alone (full marks and no reason in the sample).
JUDGED = ["asset-allocation-compliance", "asset-income-timeliness", "asset-inventory", "asset-data-quality",
          "fixed-asset-utilization", "public-expense-control", "three-public-expense-control",
          "new-project-ex-ante-evaluation", "carry-over-rate", "financial-management-compliance",
          "budget-disclosure-compliance", "performance-disclosure", "performance-system-building",
          "performance-system-execution", "contract-signing-timeliness", "procurement-compliance"]


def _department(correct: dict, row_id: str, cents: int) -> tuple[dict, Decimal, Decimal]:
    row = next(r for r in correct["rows"] if r["id"] == row_id)
    weight = D(str(row["score"]))          # full marks in the sample
    score = _r(weight * cents / 10000)
    total = D(str(correct["total"])) - weight + score
    data = apply_edits(correct, {f"rows.{row_id}.score": str(score), f"rows.{row_id}.reason": "个别事项未按期完成。",
                                 f"rows.{row_id}.remedy": "下年度加强督促检查。", "total": str(total),
                                 "grade": _grade(total)})
    return data, score, weight


@SETTINGS
@given(data=st.data())
def test_department_consistent_random_form_gives_nothing(data, make_form, correct_data, definitions):
    row_id = data.draw(st.sampled_from(JUDGED), label="row")
    cents = data.draw(st.integers(0, 9999), label="share of the weight, in 0.01 %")
    form, _, _ = _department(correct_data, row_id, cents)
    assert _findings(make_form(base=form), definitions) == []


@pytest.mark.parametrize("plant", ["total", "score", "remedy"])
@SETTINGS
@given(data=st.data())
def test_department_one_planted_change_gives_exactly_its_finding(plant, data, make_form, correct_data, definitions):
    row_id = data.draw(st.sampled_from(JUDGED), label="row")
    cents = data.draw(st.integers(0, 9999), label="share of the weight, in 0.01 %")
    form, score, weight = _department(correct_data, row_id, cents)
    total = D(str(form["total"]))
    delta = data.draw(st.integers(1, 50), label="delta in cents") * D("0.01")
    if plant == "total":
        # The total off by δ either way, the ticked grade kept right for the declared total's band
        # only where it is the same band (a grade-mismatch is not this plant's finding).
        declared = total + delta * data.draw(st.sampled_from([1, -1]))
        edits, rule, expected = {"total": str(declared), "grade": _grade(total)}, "total-mismatch", total
    elif plant == "score":
        # Above the weight, the total following: the score cannot stand, nothing else is wrong.
        planted = weight + delta
        edits = {f"rows.{row_id}.score": str(planted), "total": str(total - score + planted),
                 "grade": _grade(total - score + planted)}
        rule, expected = "score-out-of-range", None
    else:
        edits, rule, expected = {f"rows.{row_id}.remedy": None}, "missing-explanation", None
    found = _findings(make_form(base=apply_edits(form, edits)), definitions)
    assert len(found) == 1 and found[0][0] == rule, found
    if expected is not None:
        assert D(found[0][2]) == expected, found
