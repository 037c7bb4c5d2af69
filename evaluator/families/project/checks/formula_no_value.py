"""A cell of the project form holds a formula without a value that could be obtained.

Files written by scripts carry no cached results. Simple formulas over the form's own cells are
evaluated by the reader; one that cannot be (another workbook, an unsupported function) is
reported here, once per cell, and the checks that need it stay undecided instead of reading it as
blank or zero. Information, not an error.

Why it matters: a figure that cannot be read cannot be checked; the reader should know which
checks were not made.

Passing: ``全年执行数: =SUM(D6:D8)`` with a cached value, or evaluated from the form's cells.
Failing: ``全年执行数: =SUM([其他工作簿.xlsx]Sheet1!D6:D8)`` with no cached value.
"""

from __future__ import annotations

from typing import Iterator

from evaluator.checks import rows
from evaluator.checks.base import Rule
from evaluator.families.project.model import ProjectForm
from evaluator.findings import Finding, Severity
from evaluator.values.cell import Value

RULE = Rule(
    slug="formula-no-value",
    severity=Severity.INFO,
    title="公式无计算结果",
    message="{indicator}：单元格 {cell} 的公式“{formula}”没有保存计算结果，也无法计算，相关校验未进行",
    passing="全年执行数: =SUM(D6:D8) with a cached value, or evaluated from the form's cells",
    failing="全年执行数: =SUM([其他工作簿.xlsx]Sheet1!D6:D8) with no cached value",
    catches="单元格中的公式没有保存计算结果且无法计算，依赖它的校验未进行（仅提示）",
    why="读不出的数字无法校验；应让读者知道哪些校验没有做",
)
_FUNDS = (("initial", "年初预算数"), ("budget", "全年预算数"), ("spent", "全年执行数"), ("weight", "分值"),
          ("rate", "执行率"), ("score", "得分"))


def values(form: ProjectForm) -> list[tuple[str, Value]]:
    found: list[tuple[str, Value]] = []
    for row in form.funds:
        cells = row.cells()
        found += [(f"{row.name} {name}", cells[key]) for key, name in _FUNDS]
    for row in form.indicators:
        found += [(f"{row.label} 指标值", row.target), (f"{row.label} 完成值", row.actual),
                  (f"{row.label} 分值", row.weight), (f"{row.label} 得分", row.score)]
    for group in form.groups:
        found.append((group.name, group.weight))
    found += [("总分", form.total), ("总分 分值", form.total_weight)]
    return found


def check(form: ProjectForm) -> Iterator[Finding]:
    yield from rows.formula_no_value(RULE, values(form))
