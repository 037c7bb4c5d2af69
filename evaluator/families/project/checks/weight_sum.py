"""The 分值 (weights) do not add up to the printed total or to a printed group weight.

Three sums are checked where the form prints them: each group label that prints its points
(产出指标(50分), 数量指标(20分), Hubei's 年度绩效目标1(40分)) or a group 分值 cell, against Σ 分值 of
its rows; 绩效指标(90分) against Σ indicator 分值; and the 总分 row's 分值 (100; Sichuan's 合计 100)
against the 年度资金总额 分值 + Σ indicator 分值. A row without a 分值, a formula without a value,
or a group of rows without weights leaves that sum unjudged. A discrepancy already reported on a
smaller group is not reported again on the groups around it or the total (one error, one
finding). When exactly one row's score shows what its 分值 should be (a full 10 beside a 分值 of
12 that breaks 产出指标(50分)), the finding points at that row's 分值, and that row's score is
judged against the corrected 分值 by the other rules; otherwise it points at the group's points.
Where the rows print no 分值 (Hubei), a group's points are checked against the points printed on
the groups inside it (年度绩效目标(80分) over 产出指标(60分) and 效益指标(40分)). A copy cut off at
the end of its sheet (no 总分 row) leaves its last group's sum unjudged when it falls short: its
other rows were not read (``form-partly-read`` says so).

Why it matters: weights that do not add up make a total out of 100 meaningless.

Passing: ``产出指标(50分)`` over rows of 10 + 10 + 10 + 10 + 10.
Failing: ``产出指标(50分)`` over rows of 10 + 10 + 10 + 10 + 20 = 60.
"""

from __future__ import annotations

from typing import Iterator

from evaluator.checks.base import Rule
from evaluator.families.project.derive import weight_problems
from evaluator.families.project.model import ProjectForm
from evaluator.findings import Finding, Severity

RULE = Rule(
    slug="weight-sum",
    severity=Severity.ERROR,
    title="分值合计不符",
    message="{indicator}：分值 {actual} 不等于下级分值合计 {arithmetic}",
    passing="产出指标(50分)：10 + 10 + 10 + 10 + 10 = 50",
    failing="产出指标(50分)：10 + 10 + 10 + 10 + 20 = 60",
    catches="一级、二级指标标注的分值（如“产出指标(50分)”）、绩效指标(90分)或总分分值不等于其下各项分值之和",
    why="分值合计不符，满分 100 的总分就失去意义",
)
TOTAL = "{indicator}：分值 {actual} 不等于预算执行分值与各指标分值合计 {arithmetic}"
ROW = "{indicator}：分值 {actual} 使分值合计不符，按其得分与合计应为 {expected}（{arithmetic}）"


def check(form: ProjectForm) -> Iterator[Finding]:
    for problem in weight_problems(form):
        message = ROW if problem.row is not None else TOTAL if problem.total else None
        yield RULE.emit(problem.ref, indicator=problem.indicator, expected=problem.expected, actual=problem.actual,
                        arithmetic=problem.arithmetic, expected_of="weight", related=list(problem.related),
                        message=message)
