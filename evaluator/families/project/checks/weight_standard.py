"""The first-level weights differ from the standard the form's edition declares (info).

The 办法 sets the first-level weights "原则上" at 产出 50 / 效益 30 / 满意度 10 / 预算执行 10 and
allows them to be adjusted; real forms use 40/30/20/10 or 70/20/10/10, and Sichuan leaves the 90
free. So this is information, never an error: an edition that declares no standard (Sichuan)
never raises it. A group's weight is its printed points (产出指标(50分)) or Σ 分值 of its rows; a
group the standard does not name, or whose rows lack a 分值, is not compared.

Why it matters: an auditor wants to know when a unit moved points between 产出 and 满意度, since
that changes what a full score means.

Passing: 产出指标 50, 效益指标 30, 满意度指标 10, 预算执行 10 under the national standard.
Failing: 产出指标 40, 满意度指标 20 under the national standard (50 and 10).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Iterator

from evaluator.checks.base import Rule
from evaluator.families.project.derive import funds_weight, indicator_weight, number, policy
from evaluator.families.project.model import ProjectForm
from evaluator.findings import CellRef, Finding, Severity
from evaluator.values.numbers import fmt
from evaluator.values.text import norm_label, split_points

RULE = Rule(
    slug="weight-standard",
    severity=Severity.INFO,
    title="一级指标分值与标准不同",
    message="{indicator}：分值 {actual}，{edition}的标准为 {expected}（原则上统一设置，可适当调整）",
    passing="产出指标 50 / 效益指标 30 / 满意度指标 10 / 预算执行 10",
    failing="产出指标 40 / 效益指标 30 / 满意度指标 20 / 预算执行 10",
    catches="一级指标（产出、效益、满意度、预算执行）的分值与所用版本声明的标准分值不同（仅提示）",
    why="一级指标分值“原则上”统一；调整了分值的表，满分的含义也变了，审核时应知道",
)


def _funds_key(name: str) -> bool:
    return "预算" in name or "执行" in name or "资金" in name


def _matches(standard: str, name: str) -> bool:
    one, other = norm_label(standard), norm_label(name)
    return bool(one and other) and (one == other or one in other or other in one)


def check(form: ProjectForm) -> Iterator[Finding]:
    standard = policy(form).standard_weights
    if not standard:
        return
    edition = getattr(form.edition, "title", None) or getattr(form.edition, "name", None) or "所用版本"
    # First-level groups in form order: printed points, else Σ 分值 of their rows.
    order: list[str] = []
    weights: dict[str, Decimal | None] = {}
    refs: dict[str, CellRef | None] = {}
    printed: list[str] = []
    for group in form.groups:
        if group.level == 1 and number(group.weight) is not None:
            name = split_points(group.name)[0]
            order.append(name)
            printed.append(name)
            weights[name] = number(group.weight)
            refs[name] = group.label_ref or group.weight.ref
    for row in form.indicators:
        name = row.level1_name
        if not name or any(_matches(name, known) for known in printed):
            continue
        if name not in weights:
            order.append(name)
            weights[name] = Decimal(0)
            refs[name] = row.level1.ref
        weight = indicator_weight(row)
        current = weights[name]
        weights[name] = None if weight is None or current is None else current + weight
    funds = form.funds_total
    standard = dict(standard)
    funds_standard = getattr(getattr(form.edition, "funds", None), "weight", None)
    if funds_standard is not None and not any(_funds_key(key) for key in standard):
        standard["预算执行"] = Decimal(str(funds_standard))
    for key, expected in standard.items():
        if _funds_key(key):
            if funds is None:
                continue
            actual = funds_weight(funds, form)
            ref = funds.weight.ref or funds.label.ref
            label = "预算执行"
        else:
            name = next((name for name in order if _matches(key, name)), None)
            if name is None:
                continue
            actual, ref, label = weights[name], refs[name], name
        if actual is None or actual == expected:
            continue
        yield RULE.emit(ref, indicator=label, expected=expected, actual=actual, expected_of="weight",
                        edition=edition, arithmetic=f"{label} {fmt(actual)} ≠ 标准 {fmt(expected)}")
