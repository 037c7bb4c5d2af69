"""A score stated in a 偏差原因 differs from the row's 得分.

Reads each indicator row's 偏差原因分析及改进措施 and the funds row's own 原因 where the edition has
one (Sichuan), with :func:`evaluator.values.textmath.stated_scores`: ``得X分``, ``得分为X``,
``得分X``, ``得分：X``, ``最终得分X``, ``实际得分X``, ``本项得分X``, ``计X分``, ``自评X分``,
``评X分``, ``评为X分``, ``给予X分``, ``打X分``, ``得满分`` (the full 分值) and the like. The
comparison is at the precision written: ``得9.2分`` agrees with 9.2, ``得9分`` does not.

Not a stated score, so never compared: a target value, an amount or a count
(``计划完成50个，实际完成46个``, ``完成率92%``), a figure above the row's 分值, another indicator's or
group's score named in the same sentence, a scoring rule (``达到90%以上得满分``), an aim
(``力争得满分``), a negation (``未得满分``), and the result of written arithmetic (``…=9.2分``),
which ``text-arithmetic``, ``target-score`` and ``rate-score`` judge. A stated score that a score
rule's finding on the same 得分 already expects (``target-score``: 得9.2分 beside a 10 that
should be 9.2) is that finding's: one error, one finding. Several different stated scores in one
row, a row without a 分值 (Hubei), or a reason cell merged over several rows: nothing is said
(never a guess). The funds block named in an indicator's text (``预算执行得9.24分``) is not the
indicator. A row whose stated deduction already disagrees is ``deduction-mismatch``'s.

The finding sits on the text cell, with the 得分 cell in ``related``; ``expected`` is the 得分
cell's value, ``actual`` the figure the text states.

Why it matters: the text and the number cannot both be right. A warning, not an error: either the
text or the 得分 cell may be the wrong one.

Passing: ``带动当地就业人数 | ≥50人 | 46人 | 10 | 9.2 | 部分路段冬季停工，用工减少，得9.2分``.
Failing: ``带动当地就业人数 | ≥50人 | 46人 | 10 | 9.2 | 部分路段冬季停工，用工减少，得9分``.
"""

from __future__ import annotations

from typing import Iterator

from evaluator.checks import texts
from evaluator.checks.base import Rule
from evaluator.families.project.checks.text_arithmetic import text_rows
from evaluator.families.project.model import ProjectForm
from evaluator.findings import Finding, Severity

RULE = Rule(
    slug="text-score",
    severity=Severity.WARNING,
    title="文字所述得分与得分不符",
    message="{indicator}：文字写“{stated}”，得分单元格为 {expected}（改文字为 {expected} 分，或改得分为 {shown}）",
    passing="带动当地就业人数 | ≥50人 | 46人 | 10 | 9.2 | 部分路段冬季停工，用工减少，得9.2分",
    failing="带动当地就业人数 | ≥50人 | 46人 | 10 | 9.2 | 部分路段冬季停工，用工减少，得9分",
    catches=(
        "偏差原因分析及改进措施（或预算执行的原因）中写明的本项得分（“得 N 分”“得分为 N”“计 N 分”“自评 N 分”"
        "“最终得分 N”“得满分”等）与得分单元格不一致；指标值、金额、数量不算得分。"
    ),
    why="文字与得分不可能同时正确，需核对后改正其一。",
)


def check(form: ProjectForm) -> Iterator[Finding]:
    seen: set[tuple[str | None, str | None]] = set()
    for finding in texts.text_score(RULE, text_rows(form)):
        if (finding.sheet, finding.cell) not in seen:
            seen.add((finding.sheet, finding.cell))
            yield finding
