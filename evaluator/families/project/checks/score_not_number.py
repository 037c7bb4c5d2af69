"""A 得分 (score) cell of the project form is blank or does not hold a number.

Checked on the 年度资金总额 row and on every indicator row that applies (a row whose 指标值 or
完成值 is "/" and whose 得分 is blank does not apply, as the templates allow; a template row left
entirely blank is not a row). ``9分`` is a number; ``满分`` and ``/`` beside a 分值 are not. A
formula without a value is ``formula-no-value``'s.

Why it matters: the total, the grade and every rate check depend on the scores; a word where a
number belongs leaves the form unscorable.

Passing: ``项目完成及时率 | 100% | 100% | 10 | 10``.
Failing: ``项目完成及时率 | 100% | 100% | 10 | 满分``.
"""

from __future__ import annotations

from typing import Iterator

from evaluator.checks import rows
from evaluator.checks.base import Rule
from evaluator.checks.rows import ScoredRow
from evaluator.families.project.derive import funds_weight, indicator_rows
from evaluator.families.project.model import ProjectForm
from evaluator.findings import Finding, Severity

RULE = Rule(
    slug="score-not-number",
    severity=Severity.ERROR,
    title="得分不是数字",
    message="{indicator}：得分“{actual}”不是数字",
    passing="项目完成及时率 | 100% | 100% | 10 | 10",
    failing="项目完成及时率 | 100% | 100% | 10 | 满分",
    catches="项目资金得分或某个指标的得分为空或不是数字",
    why="总分、等级和各项比例校验都依赖得分；得分不是数字，整张表无法计分",
)


def funds_rows(form: ProjectForm) -> list[ScoredRow]:
    row = form.funds_total
    if row is None or row.score.ref is None:
        return []
    weight = funds_weight(row, form)
    if weight is None and row.score.is_empty_text:
        return []                       # a form that does not score its funds ("/" for 分值 and 得分)
    return [ScoredRow(label=row.name or "年度资金总额", score=row.score, weight=weight, weight_cell=row.weight)]


def check(form: ProjectForm) -> Iterator[Finding]:
    yield from rows.score_not_number(RULE, funds_rows(form) + indicator_rows(form))
