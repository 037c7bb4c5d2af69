"""The figures of the 基础数据表 beside a 指标表 do not agree with one another.

- 控制率 = 实际在职人数 ÷ 编制数, compared at the precision printed (95.10% for 136 ÷ 143);
- 三公经费 = Σ its numbered parts (1、公务用车购置和维护经费, 2、出国经费, 3、公务接待), in each column;
- 公务用车购置和维护经费 = 公车购置 + 公车运行维护, in each column.

A blank part counts as 0 where its siblings are filled (a copy prints no 出国经费 when there was
none); a column whose every part is blank is not judged. The 指标说明 of the 指标表 quotes these
figures (在职人员控制率, "三公经费"变动率), so a wrong one here misleads the score there.

Why it matters: the 基础数据表 is what the indicator scores are computed from.

Passing: 编制数 143 | 在职 136 | 95.10%. Failing: 编制数 143 | 在职 136 | 96.10%.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Iterator

from evaluator.checks.base import Rule
from evaluator.families.department.tree.basic import BasicData, MoneyRow, _PART
from evaluator.families.department.tree.model import TreeForm
from evaluator.findings import Finding, Severity
from evaluator.values.numbers import fmt, parse_number

RULE = Rule(
    slug="basic-data",
    severity=Severity.ERROR,
    title="基础数据表数字不符",
    message="基础数据表：{indicator} {actual} 不等于 {expected}（{arithmetic}）",
    passing="编制数 143 | 实际在职人数 136 | 控制率 95.10%",
    failing="编制数 143 | 实际在职人数 136 | 控制率 96.10%",
    catches="部门整体支出绩效评价基础数据表中，控制率不等于在职人数除以编制数，或三公经费不等于各分项之和。",
    why="指标表的指标说明和得分都以基础数据表为据；基础数据错了，得分也就没有依据。",
)


def _rate(data: BasicData) -> Iterator[Finding]:
    staff, serving = data.staff.number, data.serving.number
    printed = parse_number(data.rate.raw, percent_as_fraction=True) if "%" in data.rate.text else data.rate.number
    if not staff or serving is None or printed is None:
        return
    places = max(-printed.normalize().as_tuple().exponent, 2)
    expected = (serving / staff).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    if printed.quantize(Decimal(1).scaleb(-places)) != expected:
        yield RULE.emit(data.rate.ref, indicator="控制率", expected=f"{fmt(expected * 100)}%",
                        actual=f"{fmt(printed * 100)}%", expected_of="rate",
                        arithmetic=f"{fmt(serving)} ÷ {fmt(staff)} = {fmt((serving / staff * 100).quantize(Decimal('0.0001')))}%",
                        related=[data.staff.ref, data.serving.ref])


def _sum(total: MoneyRow, parts: list[MoneyRow], data: BasicData) -> Iterator[Finding]:
    for index, cell in enumerate(total.values):
        figures = [part.values[index] for part in parts]
        if cell.number is None or not figures or all(f.is_empty_text for f in figures):
            continue
        if any(f.number is None and not f.is_empty_text for f in figures):
            continue
        numbers = [f.number or Decimal(0) for f in figures]
        expected = sum(numbers, Decimal(0))
        if expected != cell.number:
            column = data.columns[index] if index < len(data.columns) else ""
            yield RULE.emit(cell.ref, indicator=f"{total.label}（{column}）", expected=expected, actual=cell.number,
                            expected_of="amount", arithmetic=" + ".join(fmt(n) for n in numbers) + f" = {fmt(expected)}",
                            related=[f.ref for f in figures])


def check(form: TreeForm) -> Iterator[Finding]:
    data = getattr(form, "basic", None)
    if data is None:
        return
    yield from _rate(data)
    rows = data.rows
    start = next((i for i, row in enumerate(rows) if row.label.startswith("三公经费")), None)
    if start is None:
        return
    parts, car, car_parts = [], None, []
    for row in rows[start + 1:]:
        if _PART.match(row.label):
            parts.append(row)
            if "公务用车" in row.label or "公车" in row.label:
                car = row
            continue
        if row.label.startswith("其中") or row.label in ("公车运行维护", "公车购置"):
            if car is not None and parts and parts[-1] is car:
                car_parts.append(row)
            continue
        break
    yield from _sum(rows[start], parts, data)
    if car is not None and car_parts:
        yield from _sum(car, car_parts, data)
