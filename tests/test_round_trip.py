"""The accountant's round trip: one report is enough to fix a form.

Property: writing every error's expected value into its cell, once, gives a form with no errors
(evaluator/checks/consequences.py flags every figure that follows a wrong one, with the value it
must become). Checked over the planted samples, forms with several planted errors (department and
project) and random project forms with random plants. A form whose errors include one with no
single expected value (a score out of range gives only a band; a missing text) is judged on the
rest: the harness reports what it could not apply, and such a form is not counted as fixed.

The corrected copy of ``--fix`` (evaluator/outputs/fix.py) is the same writer with only the
unambiguous values; its tests are at the end.
"""

from __future__ import annotations

import random
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

import build_samples
from evaluator.findings import Severity
from evaluator.outputs.fix import NOTES_SHEET, correct_workbook
from evaluator.runner.engine import check_file
from projectbuilder import apply_project_edits, build_project, load_project
from test_project_random_forms import PLANTS, _form

SAMPLES = Path(__file__).resolve().parent.parent / "sample_workbooks"
PLANTED = sorted([*build_samples.PLANTED, *build_samples.PROJECT_PLANTED])


def errors(path: Path, definitions) -> list:
    return [f for f in check_file(path, definitions).findings if f.severity == Severity.ERROR]


def round_trip(path: Path, definitions, tmp_path: Path, everything: bool = True):
    """Write every error's expected value (``everything``: also a finding's first of several
    methods) into a copy of ``path``; return (first errors, what could not be applied, errors of
    the copy)."""
    first = check_file(path, definitions).findings
    workbook = openpyxl.load_workbook(path)
    _, manual = correct_workbook(workbook, first, everything=everything)
    fixed = tmp_path / f"fixed-{path.name}"
    workbook.save(fixed)
    return [f for f in first if f.severity == Severity.ERROR], manual, errors(fixed, definitions)


def undecided(manual) -> list:
    """The findings that cannot tell which cell is wrong (a budget identity: ``alternatives`` and
    no expected value), as (rule, sheet, cell)."""
    return [(m.finding.rule, m.finding.sheet, m.finding.cell) for m in manual
            if m.finding.expected is None and m.finding.alternatives]


def assert_clean_but_undecided(first, manual, after) -> None:
    """Every error with a single expected value is gone; what remains is exactly the findings that
    could not tell which side of an identity is wrong, which nothing was built on."""
    left = undecided(manual)
    assert [m for m in manual if (m.finding.rule, m.finding.sheet, m.finding.cell) not in left] == []
    assert [(f.rule, f.sheet, f.cell) for f in after] == left
    assert not any(f.consequence_of and f.consequence_of[0] == "budget-sum" for f in first)


@pytest.mark.parametrize("name", PLANTED)
def test_a_planted_sample_is_clean_after_one_round(name, definitions, tmp_path):
    first, manual, after = round_trip(SAMPLES / name, definitions, tmp_path)
    if name == "planted-score-out-of-range.xlsx":
        # 2.5 above 分值 2 gives a band, not a value: left to the author, and said so.
        assert [(m.finding.rule, m.finding.cell) for m in manual] == [("score-out-of-range", "G17")]
        return
    if "budget-sum" in name:
        # which side of the identity is wrong the form does not say: both values given, none applied
        assert [rule for rule, _, _ in undecided(manual)] == ["budget-sum"]
        assert_clean_but_undecided(first, manual, after)
        return
    assert manual == []
    assert [(f.rule, f.cell, f.message) for f in after] == []


#: Department forms with several errors at once: scores that move the total and the grade.
DEPARTMENT_PLANTS = [
    {"rows.special-fund-spending-rate.score": "4.52", "rows.procurement-policy-effectiveness.score": "0.95",
     "total": "94.22"},
    {"rows.special-fund-spending-rate.score": "4.52", "rows.performance-system-execution.score": "2.7",
     "rows.performance-system-execution.reason": "部分制度未执行到位。",
     "rows.performance-system-execution.remedy": "加强制度执行。", "total": "89.91", "grade": "良"},
    {"rows.special-fund-spending-rate.score": "4.52", "total": "95", "grade": "良"},
    {"rows.special-fund-spending-rate.score": "4.52", "budget.基本支出": "14252.14"},
    {"rows.special-fund-spending-rate.reason": "专项资金支出进度=92.31%*5=4.65", "total": "94.3"},
    {"budget.市本级资金": "193808.00", "grade": "中"},
]


@pytest.mark.parametrize("edits", DEPARTMENT_PLANTS, ids=[str(i) for i in range(len(DEPARTMENT_PLANTS))])
def test_a_department_form_with_several_errors_is_clean_after_one_round(edits, make_form, definitions, tmp_path):
    first, manual, after = round_trip(make_form(edits), definitions, tmp_path)
    assert first
    assert_clean_but_undecided(first, manual, after)


@pytest.mark.parametrize("seed", range(10))
def test_a_random_project_form_with_random_errors_is_clean_after_one_round(seed, definitions, tmp_path):
    rng = random.Random(500 + seed)
    data = _form(rng)
    for rule in rng.sample(sorted(PLANTS), rng.randint(1, 3)):
        PLANTS[rule](data, rng)
    if rng.random() < 0.5:      # the 总分 written as the sum of the (wrong) scores
        funds = Decimal(data["funds"]["total"]["score"])
        data["total"]["score"] = str(funds + sum(Decimal(row["score"]) for row in data["indicators"]))
    path = tmp_path / "form.xlsx"
    build_project(data, None, path)
    first, manual, after = round_trip(path, definitions, tmp_path)
    left = undecided(manual)
    if len(left) < len(manual):
        pytest.skip(f"not all errors have a single expected value: {[m.finding.rule for m in manual]}")
    assert first
    # a budget identity whose wrong side the form does not tell stays, and nothing was built on it
    assert_clean_but_undecided(first, manual, after)


def test_a_consequence_names_the_error_it_follows_and_counts_apart(definitions, make_form):
    findings = check_file(make_form(DEPARTMENT_PLANTS[1]), definitions).findings
    own = [f for f in findings if f.consequence_of is None]
    assert [f.rule for f in own] == ["rate-score"]
    follow = {f.rule: f for f in findings if f.consequence_of is not None}
    assert set(follow) == {"total-mismatch", "grade-mismatch"}
    assert all(f.consequence_of == (own[0].rule, own[0].sheet, own[0].cell) for f in follow.values())
    assert (follow["total-mismatch"].expected, follow["grade-mismatch"].expected) == ("90.01", "优")
    assert follow["total-mismatch"].to_dict()["consequence_of"] == {
        "rule": "rate-score", "sheet": own[0].sheet, "cell": own[0].cell}


# ---------------------------------------------------------------------------------------- --fix

def test_fix_writes_only_unambiguous_values_and_lists_every_change(definitions, tmp_path, make_form):
    path = make_form({"rows.special-fund-spending-rate.score": "4.52", "total": "94.21",
                      "rows.asset-allocation-compliance.score": "2.5",
                      "rows.asset-management-compliance.remedy": None})
    findings = check_file(path, definitions).findings
    workbook = openpyxl.load_workbook(path)
    changes, manual = correct_workbook(workbook, findings)
    assert {(c.finding.cell, c.old, c.new) for c in changes} == {("G13", 4.52, 4.62)}
    # The total depends on a score out of range (no single value): listed, not applied.
    assert {(m.finding.rule, m.finding.cell) for m in manual} >= {("score-out-of-range", "G17")}
    notes = [[cell.value for cell in row] for row in workbook[NOTES_SHEET].iter_rows()]
    assert any(row[0] == "已更正" and row[2] == "G13" and row[4] == "4.52" and row[6] == "rate-score" for row in notes)
    assert any(str(row[0]).startswith("未更正") and row[2] == "G17" for row in notes)
    sheet = workbook[findings[0].sheet]
    assert sheet["G13"].fill.start_color.rgb.endswith("C6EFCE") and "原为 4.52" in sheet["G13"].comment.text
    assert sheet["I21"].value is None       # a missing text is never written


def test_fix_changes_only_the_wrong_figure_in_a_text_and_ticks_the_grade(definitions, tmp_path, make_form):
    path = make_form({"rows.special-fund-spending-rate.reason": "专项资金支出进度=92.31%*5=4.65", "grade": "良"})
    workbook = openpyxl.load_workbook(path)
    correct_workbook(workbook, check_file(path, definitions).findings)
    sheet = workbook.worksheets[0]
    assert sheet["H13"].value == "专项资金支出进度=92.31%*5=4.62"
    assert "☑优" in sheet["B41"].value and "□良" in sheet["B41"].value


def test_the_fix_option_writes_a_corrected_copy_beside_the_annotated_one(tmp_path):
    from click.testing import CliRunner

    from evaluator.cli import main

    source = tmp_path / "in"
    source.mkdir()
    original = SAMPLES / "planted-rate-score.xlsx"
    (source / "表.xlsx").write_bytes(original.read_bytes())
    before = (source / "表.xlsx").read_bytes()
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["check", str(source), "--out", str(out), "--fix", "-q", "--format", "json"])
    assert result.exit_code == 1, result.output
    fixed = out / "表.更正稿.xlsx"
    assert fixed.is_file() and (out / "表.checked.xlsx").is_file()
    assert (source / "表.xlsx").read_bytes() == before
    import json

    (entry,) = json.loads(result.stdout)["files"]
    assert entry["corrected_copy"] == str(fixed)
    runner = CliRunner().invoke(main, ["check", str(fixed), "-q", "--format", "json"])
    assert runner.exit_code == 0, runner.output


@pytest.mark.parametrize("seed", range(8))
def test_a_random_department_form_with_random_errors_is_clean_after_one_round(seed, correct_data, make_form,
                                                                             definitions, tmp_path):
    """Scores lowered at random (a rate-scored one is then wrong), the 总分 written as the sum of
    the written scores or left as it was, sometimes another grade ticked, sometimes a budget figure
    mistyped."""
    rng = random.Random(900 + seed)
    rows = [row for row in correct_data["rows"] if row.get("score") not in (None, "")]
    edits: dict = {}
    total = Decimal(str(correct_data["total"]))
    for row in rng.sample(rows, rng.randint(1, 4)):
        score = Decimal(str(row["score"]))
        lower = max(Decimal(0), score - Decimal(rng.choice(["0.1", "0.25", "0.5", "1"])))
        edits[f"rows.{row['id']}.score"] = str(lower)
        edits[f"rows.{row['id']}.reason"] = "部分未完成。"
        edits[f"rows.{row['id']}.remedy"] = "加强管理。"
        total -= score - lower
    if rng.random() < 0.6:
        edits["total"] = str(total)
    if rng.random() < 0.3:
        edits["grade"] = rng.choice(["良", "中"])
    if rng.random() < 0.3:
        edits["budget.基本支出"] = "14252.14"
    first, manual, after = round_trip(make_form(edits), definitions, tmp_path)
    assert_clean_but_undecided(first, manual, after)
    assert bool(undecided(manual)) == ("budget.基本支出" in edits)


def test_a_model_that_resists_the_corrections_keeps_its_findings(definitions):
    from evaluator.checks.consequences import with_consequences

    first = check_file(SAMPLES / "planted-rate-score.xlsx", definitions).forms[0]
    own = [f for f in first.findings if f.consequence_of is None]

    def broken(model):
        raise RuntimeError("a rule that fails on a corrected model")

    assert with_consequences(first.model, own, broken) == own


def test_fix_leaves_a_formula_total_to_follow_the_corrected_score(definitions, tmp_path):
    """A 总分 written as =SUM(…) is not overwritten: it follows the corrected score."""
    from evaluator.outputs.fix import FORMULA

    source = Path(__file__).parent / "fixtures" / "libreoffice-formulas-xlsx" / "planted-rate-score.xlsx"
    findings = check_file(source, definitions).findings
    workbook = openpyxl.load_workbook(source)
    changes, manual = correct_workbook(workbook, findings)
    assert [(c.finding.cell, c.new) for c in changes] == [("G13", 4.62)]
    assert [(m.finding.cell, m.reason) for m in manual] == [("G40", FORMULA)]
    assert str(workbook.worksheets[0]["G40"].value).startswith("=")
    fixed = tmp_path / "fixed.xlsx"
    workbook.save(fixed)
    assert errors(fixed, definitions) == []


def test_a_budget_identity_that_cannot_tell_its_wrong_side_is_listed_not_applied(definitions, make_form):
    """基本支出 mistyped: the total or a part may be wrong. Each side's value is given, neither is
    written into the corrected copy, and the total and the grade are not built on either."""
    path = make_form({"budget.基本支出": "14252.14", "rows.special-fund-spending-rate.score": "4.52"})
    findings = check_file(path, definitions).findings
    (budget,) = [f for f in findings if f.rule == "budget-sum"]
    assert budget.expected is None and budget.consequence_of is None
    assert [value for _, value in budget.alternatives] == ["303081.14", "303054.14"]
    workbook = openpyxl.load_workbook(path)
    before = workbook.worksheets[0]["B7"].value
    changes, manual = correct_workbook(workbook, findings)
    assert [c.finding.cell for c in changes] == ["G13"]
    (listed,) = [m for m in manual if m.finding.rule == "budget-sum"]
    assert "无法判断哪一处有误" in listed.reason and "303081.14" in listed.reason
    notes = [[cell.value for cell in row] for row in workbook[NOTES_SHEET].iter_rows()]
    assert any(str(row[0]).startswith("未更正") and row[2] == "B7" for row in notes)
    assert workbook.worksheets[0]["B7"].value == before


def test_a_project_total_whose_own_rate_follows_the_sum_is_the_one_to_change(definitions, tmp_path):
    """The 执行数 typed wrong on the total row while its rate follows the right figure: the total is
    wrong, one expected value. Typed wrong with its rate and score following it: the form cannot
    tell the total from a 其中 row, so both values are given and none is applied."""
    data = load_project("project-national")
    decided = tmp_path / "a.xlsx"
    build_project(apply_project_edits(data, {"funds.total.spent": "136.8"}), None, decided)
    (finding,) = [f for f in check_file(decided, definitions).findings if f.rule == "budget-sum"]
    assert (finding.cell, finding.expected, finding.alternatives) == ("F6", "138.6", ())
    both = tmp_path / "b.xlsx"
    build_project(apply_project_edits(data, {"funds.total.spent": "136.8", "funds.total.rate": "91.20%",
                                             "funds.total.score": "9.12"}), None, both)
    findings = check_file(both, definitions).findings
    (finding,) = [f for f in findings if f.rule == "budget-sum"]
    assert finding.expected is None
    assert [value for _, value in finding.alternatives] == ["138.6", "136.8"]
    # the funds score is not rescored on a guess
    assert not any(f.consequence_of and f.consequence_of[0] == "budget-sum" for f in findings)
