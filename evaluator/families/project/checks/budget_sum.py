"""The 年度资金总额 row is not the sum of its 其中 rows, column by column.

年初预算数, 全年预算数 and 全年执行数 are each checked: the total row's figure against Σ of the
其中 rows (当年财政拨款 + 上年结转资金 + 其他资金 …), compared at the precision the total is
written with. A column whose 其中 rows are all blank (or dashes) is not judged, nor one where the
total is blank, a 其中 figure is text, or a formula has no value. The finding points at the total's
cell, with the 其中 cells as related cells; one finding per column. When the total row agrees with
its own 执行率 and exactly one 其中 row does not, but would with the figure that makes the sum
hold, that row's figure is the one to change and the finding points there (one typo, one
finding: ``execution-rate`` does not report that row's rate again).
The total's cell is pointed at with the sum as ``expected`` when it is the one that is wrong: 0
over 其中 rows that are not (an export that zeroed the row), or its own 执行率 follows the sum.
Otherwise the form does not say which is wrong, the total or a 其中 row: the finding gives no single
``expected`` but ``alternatives`` — the total that would make it hold and the 其中 rows' sum that
would — and ``--fix`` and the consequences (随之应为) build nothing on a guess.

Why it matters: the funds block is the frame every other figure is read in; an export that zeroes
the total row (棠溪 2022: 0 0 0 over 202.64 / 132.912 / 132.912) silently changes the 执行率 and
its score.

Passing: ``年度资金总额 | 43.2 | 43.2 | 37.24`` over ``其中：当年财政拨款 | 43.2 | 43.2 | 37.24``.
Failing: ``年度资金总额 | 0 | 0 | 0`` over ``其中：本年财政拨款 | 202.64 | 132.912 | 132.912``.
"""

from __future__ import annotations

from typing import Iterator

from evaluator.checks.base import Rule
from evaluator.families.project.derive import funds_corrections
from evaluator.families.project.model import ProjectForm
from evaluator.findings import Finding, Severity

RULE = Rule(
    slug="budget-sum",
    severity=Severity.ERROR,
    title="预算金额勾稽不符",
    message="{indicator}：{column} {actual}，但{arithmetic}（{unit}）",
    passing="年度资金总额 43.2 = 其中：当年财政拨款 43.2",
    failing="年度资金总额 0 ≠ 其中：本年财政拨款 202.64",
    catches="项目资金年度资金总额一行的年初预算数、全年预算数、全年执行数不等于其中各行之和",
    why="资金总额是执行率和得分的依据；合计与明细不符（如导出时总额行全为 0）会让执行率和得分失真",
)


def check(form: ProjectForm) -> Iterator[Finding]:
    for fix in funds_corrections(form):
        where = "其中各行合计 " if fix.row.is_total else "按年度资金总额减其他各行应为 "
        alternatives = ([(f"{fix.row.name or '年度资金总额'} {fix.column}", fix.expected),
                         (f"其中各行 {fix.column} 合计", fix.declared)] if fix.ambiguous else [])
        yield RULE.emit(fix.row.cells()[fix.key].ref, indicator=fix.row.name or "年度资金总额",
                        expected=None if fix.ambiguous else fix.expected, actual=fix.declared,
                        arithmetic=where + fix.arithmetic, alternatives=alternatives,
                        expected_of="amount", column=fix.column, unit=form.money_unit,
                        related=[value.ref for value in fix.parts])
