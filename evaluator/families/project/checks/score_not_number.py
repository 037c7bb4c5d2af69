"""A 得分 (score) cell of the project form is blank or does not hold a number.

Checked on the 年度资金总额 row and on every indicator row that applies (a row whose 指标值 or
完成值 says "/", "—" or "不适用" and whose 得分 is blank does not apply, as the templates allow; a
template row left entirely blank is not a row). ``9分`` is a number; ``满分`` and ``/`` beside a 分值
are not. A formula without a value is ``formula-no-value``'s.

A row with a 分值 whose 完成值 and 得分 are both blank was never scored: its points are missing
from the total, and the finding says what was read in each cell (空白, “/”, “—”, “0”, “不适用”),
at the 得分 cell.

Why it matters: the total, the grade and every rate check depend on the scores; a word where a
number belongs leaves the form unscorable.

Passing: ``项目完成及时率 | 100% | 100% | 10 | 10``.
Failing: ``项目完成及时率 | 100% | 100% | 10 | 满分``.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Iterator

from evaluator.checks import rows
from evaluator.checks.base import Rule, shown
from evaluator.checks.rows import ScoredRow
from evaluator.families.project.derive import (
    funds_weight,
    indicator_rows,
    indicator_weight,
    scored_indicators,
    shown_as_read,
)
from evaluator.families.project.model import ProjectForm
from evaluator.findings import Finding, Severity
from evaluator.values.numbers import fmt

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


UNSCORED = "{indicator}：分值 {weight} 分，实际完成值{actual_read}、得分{score_read}，未评分"


def _unscored(form: ProjectForm) -> Iterator[Finding]:
    """Rows with points whose 完成值 is blank (not "/") and whose 得分 is blank or a dash: never scored."""
    for row in scored_indicators(form):
        weight = indicator_weight(row)
        if (weight is None or row.score.ref is None or row.score.undecided or row.actual.undecided
                or not row.score.is_empty_text or not row.actual.is_blank):
            continue
        yield RULE.emit(row.score.ref, indicator=row.label, expected=None, actual=shown(row.score.raw),
                        message=UNSCORED, weight=weight, actual_read=shown_as_read(row.actual),
                        score_read=shown_as_read(row.score), expected_of="score",
                        expected_range=(Decimal(0), weight), related=[row.actual.ref, row.weight.ref],
                        arithmetic=f"分值 {fmt(weight)} 分的指标没有完成值和得分，这 {fmt(weight)} 分未计入总分")


def check(form: ProjectForm) -> Iterator[Finding]:
    unscored = list(_unscored(form))
    said = {(finding.sheet, finding.cell) for finding in unscored}
    yield from unscored
    for finding in rows.score_not_number(RULE, funds_rows(form) + indicator_rows(form)):
        if (finding.sheet, finding.cell) not in said:
            yield finding
