"""Part of the form's indicator table was not read, so the form was not wholly checked (warning).

The reader counts what it read (see ``coverage``): the indicator rows, and the points they carry
(Σ 分值 of the rows read plus the funds block's) against the form's total (the printed 总分 分值,
else 100). A form is partly read when

- an indicator table was recognised (its 绩效指标 label, a 三级指标 header) and no indicator row
  was read from it;
- the reader saw rows or regions it could not read (a header it does not know, a second score
  column it cannot place …), named in the message;
- or the points read fall short of the total while every sum of 分值 on the form holds (a sum
  that does not hold is ``weight-sum``'s, not a reading gap).

The finding sits on the indicator table's header cell (or the label that showed the table), or
has no cell when the form shows none. Such a form is never counted as 通过: whatever was not read
was not checked.

Why it matters: a form that passes without its indicator table having been read certifies what
nobody checked; an auditor needs to know which part to check by hand.

Passing: a national form whose 12 indicators carry 90 of 100 points and whose funds block the other 10.
Failing: a form whose 绩效指标 header spans two rows the reader does not know: 0 indicators, 10/100 points.
"""

from __future__ import annotations

from typing import Iterator

from evaluator.checks.base import Rule
from evaluator.checks.partly_read import partly_read, short
from evaluator.families.project.derive import coverage, weight_problems
from evaluator.families.project.model import ProjectForm
from evaluator.findings import Finding, Severity

RULE = Rule(
    slug="form-partly-read",
    severity=Severity.WARNING,
    title="表格未完整读取",
    message="只读取了 {read} 项指标，计 {points}/{total} 分：{what}；未读取的部分没有校验，请人工核对",
    passing="读取 12 项指标，计 90 分，加项目资金 10 分，共 100/100 分",
    failing="绩效指标表头占两行而未能识别：读取 0 项指标，计 10/100 分",
    catches="指标表只读取了一部分（识别到表头却没有读到指标行、有看到但读不懂的行或区域、读到的分值合计少于总分），这样的表不计为通过",
    why="没有读到的指标就没有校验；把没读完的表当作“通过”，等于为没人核对过的内容作保",
)


def check(form: ProjectForm) -> Iterator[Finding]:
    found = coverage(form)
    seen = form.indicators_ref or form.indicators_seen
    reasons: list[str] = [f"{item['where']}：{item['why']}" for item in found.not_read]
    if seen is not None and found.indicators_read == 0 and not reasons:
        if form.indicators:
            reasons.append(f"{seen.a1} 起的指标表未填写（{len(form.indicators)} 行只有指标名称，没有分值和得分）")
        else:
            reasons.append(f"在 {seen.a1} 识别到指标表，但没有读到任何指标行")
    if not reasons and short(found) and not weight_problems(form):
        reasons.append("读到的分值合计少于总分，其余指标行可能未被读取" if found.indicators_read
                       else "没有找到指标表")
    yield from partly_read(RULE, seen, "绩效指标", found, reasons)
