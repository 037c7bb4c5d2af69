"""What is derived from a project form: totals recomputed and corrected, grades, and rates as
written."""

from __future__ import annotations

from decimal import Decimal

import pytest

from evaluator.families.project.derive import read_rates
from evaluator.findings import CellRef
from evaluator.runner.engine import check_file
from evaluator.values.cell import Value
from projectbuilder import make_project

D = Decimal


@pytest.mark.parametrize(
    ("raw", "readings"),
    [
        ("86%", [("0.86", 2)]),
        ("86.20%", [("0.862", 4)]),
        ("100.00%", [("1", 4)]),
        (" 92.40 ％", [("0.924", 4)]),
        (0.924, [("0.924", 3), ("0.00924", 5)]),
        (79.27, [("0.7927", 4)]),              # a percentage written without its sign
        (0.8620370370370371, [("0.86203704", 8), ("0.00862037", 8)]),   # a formula's float
        ("—", []), ("/", []), (None, []), ("约86%", []), (-0.1, []),
    ],
)
def test_rates_as_written(raw, readings):
    found = read_rates(Value(raw=raw, ref=CellRef("s", 1, 1)))
    assert [(r.fraction, r.places) for r in found] == [(D(f), p) for f, p in readings]


@pytest.mark.parametrize(
    ("raw", "computed", "agrees"),
    [
        ("86%", "0.862037", True),        # rounded
        ("86.20%", "0.862037", True),
        ("95.47%", "0.954768", True),      # truncated
        ("95.48%", "0.954768", True),      # rounded
        ("95.46%", "0.954768", False),
        ("82%", "0.924", False),
    ],
)
def test_a_rate_agrees_at_its_own_precision(raw, computed, agrees):
    reading, = read_rates(Value(raw=raw, ref=CellRef("s", 1, 1)))
    assert reading.agrees(D(computed)) is agrees


def _checked(tmp_path, base, edits):
    result = check_file(make_project(base, edits, path=tmp_path / "f.xlsx"), _definitions())
    form, = result.forms
    return form


def _definitions():
    from evaluator.families import load_definitions

    return load_definitions()


@pytest.mark.parametrize(
    ("base", "edits", "declared", "recomputed", "corrected"),
    [
        ("project-national", {}, "98.44", "98.44", "98.44"),
        # one wrong score with a single expected score: put in place
        ("project-national", {"funds.total.score": "9", "total.score": "98.2"}, "98.2", "98.2", "98.44"),
        ("project-national", {"indicators.b2.score": "9", "total.score": "98.24"}, "98.24", "98.24", "98.44"),
        # a wrong total: recomputed and corrected from the scores
        ("project-national", {"total.score": "99"}, "99", "98.44", "98.44"),
        # alternatives (ratio 9.09 or linear 9): no single corrected total
        ("project-national", {"indicators.q5.actual": "165万元", "indicators.q5.score": "8",
                              "indicators.q5.reason": "超支。", "total.score": "96.44"}, "96.44", "96.44", None),
        # a score that is not a number: nothing recomputed
        ("project-national", {"indicators.q3.score": "满分"}, "98.44", None, None),
        # a funds score repeated on the 其中 row is not added (Anhui)
        ("project-ab", {}, "99.5", "99.5", "99.5"),
    ],
)
def test_totals(tmp_path, base, edits, declared, recomputed, corrected):
    total = _checked(tmp_path, base, edits).total
    assert (total.declared, total.recomputed, total.corrected) == tuple(
        None if v is None else D(v) for v in (declared, recomputed, corrected))


def test_grades_from_the_edition_bands(tmp_path):
    grade = _checked(tmp_path, "project-yunnan", {"grade": "良"}).grade
    assert (grade.declared, grade.computed, grade.corrected) == ("良", "优", "优")
    lowered = _checked(tmp_path, "project-yunnan", {"indicators.y1.score": "2", "total.score": "81.68"}).grade
    assert (lowered.computed, lowered.corrected) == ("良", "优")
