"""A cell holds a formula without a value that could be obtained, so it cannot be checked.

Files written by scripts carry no cached results. Simple formulas over the form's own cells are
evaluated by the reader; one that cannot be (another workbook, an unsupported function) is reported
here, and the checks that need it stay undecided instead of reading it as blank or zero. No value
is expected (``expected`` is null); ``expected_of`` says what the cell holds (score, weight,
amount, total), and an undecided score leaves the corrected total unstated.
"""

from __future__ import annotations

from typing import Iterator

from evaluator.checks import rows
from evaluator.checks.base import Rule
from evaluator.families.department.catalog import Catalog
from evaluator.families.department.model import Form, Value
from evaluator.findings import Finding, Severity

RULE = Rule(
    slug="formula-no-value",
    severity=Severity.INFO,
    title="公式无计算结果",
    message="{indicator}：单元格 {cell} 的公式“{formula}”没有保存计算结果，也无法计算，相关校验未进行",
    passing="G40: =SUM(G12:G39) with a cached value, or evaluated from the form's cells",
    failing="G40: =SUM([其他工作簿.xlsx]Sheet1!G12:G39) with no cached value",
    catches=(
        "单元格里的公式没有保存计算结果，本工具也算不出来（引用其他工作簿、"
        "用了不支持的函数等），依赖它的校验因此没有进行。"
    ),
    why=(
        "把这样的单元格当作空白或 0 会误报或漏报；在 Excel 或 WPS 中打开并保存一次，"
        "公式就有了结果，再检查即可。"
    ),
)


def check(form: Form, catalog: Catalog) -> Iterator[Finding]:
    # (label, value, what the value is) for every figure a check reads.
    values: list[tuple[str, Value, str]] = [(key, value, "amount") for key, value in form.budget.items()]
    for row in form.rows:
        values += [(row.label, row.weight, "weight"), (row.label, row.score, "score")]
    for one in form.groups:
        values.append((one.name, one.weight, "weight"))
        values += [(two.name, two.weight, "weight") for two in one.children]
    values += [("总分", form.total, "total"), ("总分", form.total_weight, "weight")]
    yield from rows.formula_no_value(RULE, values)
