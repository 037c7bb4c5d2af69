"""A budget identity of the 年度部门预算情况 block does not hold.

The catalog declares the identities; for the Guangzhou form: 总预算 = 基本支出 + 项目支出 +
专项资金 + 其他事业发展支出, and 市本级资金 + 对下转移支付 = 专项资金 + 其他事业发展支出. The finding
points at the first cell of the left side; the other cells of the identity are in ``related``. An
identity with a blank or unevaluated cell is not judged.

Which side is wrong the form does not say: a total typed wrong and a part typed wrong look the
same. So the finding gives no single ``expected``: its ``alternatives`` hold each side's value that
would make the identity hold (``总预算 → 303,081.14``, ``基本支出 + 项目支出 + … 合计 → 303,054.14``).
Nothing is built on a guess: ``--fix`` lists it for the author instead of writing either value, and
no consequence (随之应为) follows from it.

Why it matters: the budget block is the frame every other figure is read in; its parts must add up.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Iterator

from evaluator.families.department.catalog import Catalog
from evaluator.findings import Finding, Severity
from evaluator.families.department.model import Form
from evaluator.checks.base import Rule

RULE = Rule(
    slug="budget-sum",
    severity=Severity.ERROR,
    title="预算金额勾稽不符",
    message="预算：{left} = {left_sum}，但 {arithmetic}（相差 {difference} {unit}）",
    passing="303,054.14 = 14,225.14 + 7,357.27 + 238,331.68 + 43,140.05",
    failing="303,054.14 ≠ 14,252.14 + 7,357.27 + 238,331.68 + 43,140.05 = 303,081.14",
    catches=(
        "年度部门预算情况中的勾稽关系不成立，"
        "例如总预算不等于基本支出 + 项目支出 + 专项资金 + 其他事业发展支出。"
        "有空白或无法计算的单元格时不作判断。"
    ),
    why="预算数是解读其他所有数字的基础，各组成部分必须加得上。",
)


def _money(value: Decimal) -> str:
    return f"{value:,.2f}"


def _side(keys: list[str]) -> str:
    """The name of one side of an identity: its one cell, or the sum of its cells."""
    return keys[0] if len(keys) == 1 else " + ".join(keys) + " 合计"


def check(form: Form, catalog: Catalog) -> Iterator[Finding]:
    for identity in catalog.budget.identities:
        cells = [form.budget.get(key) for key in identity.left + identity.right]
        if any(cell is None or cell.number is None for cell in cells):
            continue
        left = [form.budget[key].number for key in identity.left]
        right = [form.budget[key].number for key in identity.right]
        left_sum, right_sum = sum(left, Decimal(0)), sum(right, Decimal(0))
        if left_sum == right_sum:
            continue
        arithmetic = " + ".join(f"{key} {_money(form.budget[key].number)}" for key in identity.right)
        arithmetic += f" = {_money(right_sum)}"
        related = [form.budget[key].ref for key in identity.left[1:] + identity.right]
        yield RULE.emit(form.budget[identity.left[0]].ref, indicator=" + ".join(identity.left),
                        actual=left[0], arithmetic=arithmetic,
                        alternatives=[(_side(identity.left), right_sum), (_side(identity.right), left_sum)],
                        left=" + ".join(identity.left), left_sum=_money(left_sum),
                        difference=_money(abs(left_sum - right_sum)), unit=catalog.budget.unit,
                        expected_of="amount", related=related)
