"""Points were lost or a target was missed, and the 偏差原因分析及改进措施 is empty (warning).

A row lost points when its 得分 is below its 分值; it missed its target when its 完成值 falls
short of the 年度指标值 (read as in ``target-score``), or says 部分达成 / 未达成. Empty includes
the words that mean nothing: 无, /, —, 0. The finding points at the reason cell, the one to fill
in. A row whose score is not a number or beyond its 分值 (``score-not-number``,
``score-out-of-range``) is not reported again: the score is what to fix first. A row that
``target-score`` also finds (a met target scored lower, full marks due) is reported here too,
at the reason cell: two questions, two findings; the message says that raising the score to
full marks settles it. Editions without a
reason column are judged against the form's one reason text where it has one (Hubei's
偏差大或目标未完成原因分析: one finding there, however many rows missed), else not at all.

Where the funds block has a 原因 column of its own (Sichuan), a 执行率 below 90% needs it
filled, as the template's note says.

Why it matters: the 办法 asks every unit to explain targets missed and say what it will do; an
unexplained lost point is what an auditor asks about first.

Passing: ``早孕建册数 | 120 | 69 | 2 | 1.15 | 服务人口外出务工较多…``.
Failing: ``早孕建册数 | 120 | 69 | 2 | 1.15 | （空）``.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from itertools import islice
from typing import Iterator

from evaluator.checks import rows
from evaluator.checks.base import Rule, shown
from evaluator.checks.rows import is_empty_explanation
from evaluator.families.project.checks import score_not_number, score_out_of_range, target_score
from evaluator.families.project.derive import findings_of, indicator_rows, number
from evaluator.families.project.model import ProjectForm
from evaluator.findings import Finding, Severity
from evaluator.values.numbers import fmt
from evaluator.values.targets import percent

RULE = Rule(
    slug="missing-explanation",
    severity=Severity.WARNING,
    title="失分未说明原因或改进措施",
    message="{indicator}：{why}，但{missing}为空",
    passing="早孕建册数 | 120 | 69 | 2 | 1.15 | 服务人口外出务工较多…",
    failing="早孕建册数 | 120 | 69 | 2 | 1.15 | （空）",
    catches="指标失分（得分低于分值）或未完成指标值，而偏差原因分析及改进措施为空或只写“无”",
    why="未完成绩效目标须说明原因并提出改进措施；未说明的失分是审核首先要问的",
)


def flagged_scores(form: ProjectForm) -> set[tuple[str, str]]:
    """Score cells (sheet, A1) that another rule finds no score in, or a score beyond its 分值:
    there is no deduction to explain until the score is fixed."""
    return {(finding.sheet or "", finding.cell or "")
            for module in (score_out_of_range, score_not_number)
            for finding in findings_of(form, module)}


def full_marks_due(form: ProjectForm) -> dict[tuple[str, str], str]:
    """Score cells where ``target-score`` says the 分值 is due (a met target scored lower): the
    deduction is unexplained *and* the score is wrong; raising the score settles both."""
    return {(finding.sheet or "", finding.cell or ""): finding.expected or ""
            for finding in findings_of(form, target_score)
            if finding.expected is not None and target_score.REDUCED in finding.message}


SETTLED = "；若按指标值已完成将得分改为满分 {weight}，则无须说明"


#: Below this 执行率 the funds row's own 原因 column must be filled (Sichuan's template note:
#: 预算执行率未达到90%的需说明原因).
FUNDS_REASON_BELOW = Decimal("0.9")
FUNDS = "{indicator}：执行率 {rate} 低于 90%，但原因为空"


def _funds(form: ProjectForm) -> Iterator[Finding]:
    row = form.funds_total
    if row is None or row.reason.ref is None or not is_empty_explanation(row.reason):
        return
    budget, spent = number(row.budget), number(row.spent)
    if budget is None or spent is None or budget <= 0 or spent < 0 or spent / budget >= FUNDS_REASON_BELOW:
        return
    yield RULE.emit(row.reason.ref, indicator=row.name or "总额", actual=shown(row.reason.raw), expected_of="text",
                    message=FUNDS, rate=percent(spent / budget), related=[row.spent.ref, row.budget.ref],
                    arithmetic=f"{fmt(spent)} / {fmt(budget)} = {percent(spent / budget)} < 90%")


def check(form: ProjectForm) -> Iterator[Finding]:
    yield from _funds(form)
    scored = indicator_rows(form, skip=flagged_scores(form))
    due = full_marks_due(form)
    for finding in rows.missing_explanation(RULE, scored):
        score_cell = next(((sheet, cell) for sheet, cell in finding.related if (sheet, cell) in due), None)
        if score_cell is not None:
            finding = replace(finding, message=finding.message + SETTLED.format(weight=due[score_cell]))
        yield finding
    if form.reason_text.ref is None or any(row.explanations for row in scored):
        return
    # One reason for the whole form (Hubei's 偏差大或目标未完成原因分析): said once, where it is empty.
    shared = [replace(row, explanations=(("偏差大或目标未完成原因分析", form.reason_text),)) for row in scored]
    yield from islice(rows.missing_explanation(RULE, shared), 1)
