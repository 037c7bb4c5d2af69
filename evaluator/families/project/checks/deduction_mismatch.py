"""A 偏差原因 states a deduction (扣N分) that differs from 分值 − 得分.

Reads each indicator row's 偏差原因分析及改进措施 and the funds row's own 原因 where the edition has
one (Sichuan), with :func:`evaluator.values.textmath.claimed_deduction`: ``扣X分``, ``扣除X分``,
``扣减X分``, ``失分X分``, ``扣一分``, ``扣半分``; a counted deduction ``2个村未完工，每个扣0.5分``
(also ``各扣``, ``分别扣``, ``每项扣0.1分，共3项``) states N × X; a total ``共扣Y分`` stands for the
parts beside it. A deduction that follows a score the text computes (``10分×92%=9.2分，再扣0.2分``)
is compared with that score − 得分. A rule is not a deduction taken and is not compared
(``每超过一个百分点扣0.5分``, ``每项扣0.5分`` with no count, ``最多扣2分``). A row without a 分值
(Hubei) or whose reason cell is merged over several rows is not judged; a stated deduction that matches the score a score rule's finding on the
same 得分 expects (``target-score``: 扣0.8分 beside a 10 that should be 9.2) is that finding's:
one error, one finding.

The finding sits on the text cell, with the 得分 cell in ``related``; ``expected`` is the deduction
the score implies (``expected_of`` "deduction").

Why it matters: the text and the number cannot both be right. A warning, not an error: the
deduction may have been weighted, but an auditor will ask.

Passing: ``带动当地就业人数 | ≥50人 | 46人 | 10 | 9.2 | 用工减少4人，扣0.8分``.
Failing: ``带动当地就业人数 | ≥50人 | 46人 | 10 | 9.2 | 用工减少4人，扣1分`` (10 − 9.2 = 0.8).
"""

from __future__ import annotations

from typing import Iterator

from evaluator.checks import texts
from evaluator.checks.base import Rule
from evaluator.families.project.checks.text_arithmetic import text_rows
from evaluator.families.project.model import ProjectForm
from evaluator.findings import Finding, Severity

RULE = Rule(
    slug="deduction-mismatch",
    severity=Severity.WARNING,
    title="文字所述扣分与得分不符",
    message="{indicator}：文中写“{stated}”{counted}，但 {arithmetic}",
    passing="带动当地就业人数 | ≥50人 | 46人 | 10 | 9.2 | 用工减少4人，扣0.8分",
    failing="带动当地就业人数 | ≥50人 | 46人 | 10 | 9.2 | 用工减少4人，扣1分",
    catches=(
        "偏差原因分析及改进措施（或预算执行的原因）中写明的扣分（“扣 N 分”“共扣 N 分”“N 项每项扣 X 分”）与分值减得分"
        "不一致；“每超过一个百分点扣 0.5 分”这类没有数量的扣分规则不计入。"
    ),
    why="文字和数字不可能都对。定为警告而不是错误：扣分可能另有折算，但审核时一定会被问到。",
)


def check(form: ProjectForm) -> Iterator[Finding]:
    seen: set[tuple[str | None, str | None]] = set()
    for finding in texts.deduction_mismatch(RULE, text_rows(form)):
        if (finding.sheet, finding.cell) not in seen:
            seen.add((finding.sheet, finding.cell))
            yield finding
