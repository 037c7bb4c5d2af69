"""Random consistent project forms raise nothing; one planted error raises one finding of its own, of its
rule (and the figures that follow from it, each with ``consequence_of``).

Each form is the national sample with random funds (two 其中 rows, a rate printed to 0 or 2
decimals), random indicators (≥ and = targets in several units and operator spellings, ≤ cost
ceilings scored by either documented method, qualitative texts scored within their band, dates)
and scores computed the documented way; the total adds them up. A fixed seed keeps it repeatable.
"""

from __future__ import annotations

import copy
import random
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pytest

from evaluator.runner.engine import check_file
from projectbuilder import build_project, load_project

D = Decimal
FORMS = 12


def _r(value: Decimal, places: int = 2) -> Decimal:
    return value.quantize(D(1).scaleb(-places), rounding=ROUND_HALF_UP)


def _form(rng: random.Random) -> dict[str, Any]:
    data = copy.deepcopy(load_project("project-national"))
    funds = data["funds"]
    b1, b2 = D(rng.randint(100, 99999)) / 100, D(rng.randint(0, 5000)) / 100
    s1, s2 = _r(b1 * rng.randint(50, 110) / 100), _r(b2 * rng.randint(50, 100) / 100)
    fiscal, carryover = funds["parts"][0], funds["parts"][1]
    fiscal.update(initial=str(b1), budget=str(b1), spent=str(s1), rate=f"{_r(s1 / b1 * 100)}%")
    carryover.update(initial="0", budget=str(b2), spent=str(s2), rate=f"{_r(s2 / b2 * 100)}%" if b2 else "—")
    budget, spent = b1 + b2, s1 + s2
    score = _r(min(spent / budget, D(1)) * 10)
    funds["total"].update(initial=str(b1), budget=str(budget), spent=str(spent),
                          rate=f"{_r(spent / budget * 100, rng.choice([0, 2]))}%", score=str(score))
    total = score
    for row in data["indicators"]:
        weight = D(row["weight"])
        kind = "down" if row["level2"] == "成本指标" else rng.choice(["up", "up", "words", "date"])
        reason = None
        if kind == "up":
            a, b = D(rng.randint(1, 5000)), D(rng.randint(1, 6000))
            unit = rng.choice(["个", "人", "%", "人次", "平方米"])
            row["target"] = rng.choice(["≥", "≧", ">=", "", "="]) + f"{a}{unit}"
            row["actual"] = f"{b}{rng.choice([unit, ''])}"
            value = weight if b >= a else _r(b / a * weight)
            reason = "未完成原因。" if b < a else None
        elif kind == "down":
            a, b = D(rng.randint(10, 500)), D(rng.randint(5, 700))
            row["target"], row["actual"] = rng.choice(["≤", "≦", "<="]) + f"{a}万元", f"{b}万元"
            value = weight if b <= a else rng.choice([_r(a / b * weight), _r(max(D(0), 1 - (b - a) / a) * weight)])
            reason = "超支原因。" if b > a else None
        elif kind == "words":
            grade = rng.choice(["达成预期指标", "效果明显", "部分达成"])
            row["target"], row["actual"] = "效果明显", grade
            low, high = (D("0.6"), D("0.8")) if grade == "部分达成" else (D("0.8"), D(1))
            value = _r(low * weight + (high - low) * weight * rng.randint(0, 100) / 100)
            reason = "部分完成原因。" if grade == "部分达成" or value < weight else None
        else:
            row["target"], row["actual"] = "2023年12月", f"2023年{rng.randint(6, 12)}月"
            value = weight
        row["score"], row["reason"] = str(value), reason
        total += value
    data["total"]["score"] = str(total)
    return data


@pytest.mark.parametrize("seed", range(FORMS))
def test_a_consistent_random_form_raises_nothing(seed, tmp_path, definitions):
    rng = random.Random(seed)
    path = tmp_path / "form.xlsx"
    build_project(_form(rng), rng.choice([None, {"numbers_as_text": "plain"}, {"numbers_as_text": "unit"}]), path)
    found = [(f.rule, f.cell, f.message) for f in check_file(path, definitions).findings if f.severity.rank > 0]
    assert found == []


PLANTS = {
    "rate-score": lambda data, rng: data["funds"]["total"].update(score=str(D(data["funds"]["total"]["score"]) + D("0.37"))),
    "total-mismatch": lambda data, rng: data["total"].update(score=str(D(data["total"]["score"]) + 1)),
    "weight-sum": lambda data, rng: rng.choice(data["indicators"]).update(weight="13"),
    "budget-sum": lambda data, rng: data["funds"]["parts"][0].update(spent=str(D(data["funds"]["parts"][0]["spent"]) + D("3.5"))),
}


@pytest.mark.parametrize("rule", sorted(PLANTS))
@pytest.mark.parametrize("seed", range(3))
def test_one_planted_error_is_one_finding(rule, seed, tmp_path, definitions):
    rng = random.Random(100 + seed)
    data = _form(rng)
    PLANTS[rule](data, rng)
    path = tmp_path / "form.xlsx"
    build_project(data, None, path)
    findings = [f for f in check_file(path, definitions).findings if f.severity.rank > 0]
    (own,) = [f for f in findings if f.consequence_of is None]
    assert own.rule == rule
    # the figures that follow it are flagged with what they must become (随之应为)
    assert all(f.consequence_of == (own.rule, own.sheet, own.cell) for f in findings if f is not own)
