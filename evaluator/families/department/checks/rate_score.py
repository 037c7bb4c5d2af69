"""For a rate-scored indicator, 率 × 分值 (rounded half-up to 0.01) is not the declared 得分.

The rate is read from the row's 未达标原因 text, in any of the styles the form uses:
``专项资金支出进度=92.31%*5=4.62``, ``…计算平均执行率为90%，按比例计分。`` or a bare ``94%``.
Arithmetic is decimal and rounds half-up like Excel's ROUND: 92.31% × 5 = 4.6155 → 4.62, and
74.5% × 1 = 0.745 → 0.75 (a binary float gives 0.74). A rate above 100% earns the full 分值. A full
score with no rate stated passes; a text with several percentages and no cue word is left
undecided. The finding sits on the 得分 cell, with the text cell the rate was read from in
``related``. A row that prints a 分值 other than the catalog's is ``weight-mismatch``'s alone.

Why it matters: these scores are not judgement calls; they follow from a figure the department
itself reports.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Iterator

from evaluator.families.department.catalog import Catalog
from evaluator.families.department.derive import row_weight
from evaluator.findings import Finding, Severity
from evaluator.families.department.model import Form
from evaluator.values.numbers import fmt, fmt_percent, round_half_up
from evaluator.values.textmath import find_rate
from evaluator.checks.base import Rule

RULE = Rule(
    slug="rate-score",
    severity=Severity.ERROR,
    title="按比例计分的得分不符",
    message="{indicator}：{arithmetic}，申报 {actual}（依据“{source}”）",
    passing="专项资金支出率 | 5.00 | 4.62 | 专项资金支出进度=92.31%*5=4.62",
    failing="专项资金支出率 | 5.00 | 4.52 | 专项资金支出进度=92.31%*5=4.62",
    catches=(
        "按比例计分的指标，"
        "率乘以分值（像 Excel 的 ROUND 一样四舍五入到 0.01）与申报的得分不符；"
        "比率取自本行未达标原因的文字，例如“专项资金支出进度=92.31%*5=4.62”。"
    ),
    why="这类得分不是主观判断，而是由部门自己报告的数字算出来的，算错了就是错了。",
)


def check(form: Form, catalog: Catalog) -> Iterator[Finding]:
    for row in form.rows:
        if not row.indicator or row.indicator.scoring != "rate" or row.score.number is None:
            continue
        weight = row_weight(row)
        if weight is None:
            continue
        found = source_cell = None
        for text in (row.reason, row.remedy):
            found = find_rate(text.text, weight)
            if found:
                source_cell = text.ref
                break
        if found is None:
            continue
        rate, source = found
        product = min(rate, Decimal(1)) * weight
        expected = round_half_up(product)
        if expected == row.score.number:
            continue
        arithmetic = f"{fmt_percent(rate)} × {fmt(weight)} = {fmt(product)}"
        if rate > 1:
            arithmetic = f"{fmt_percent(rate)} 超过 100%，按 100% 计：100% × {fmt(weight)} = {fmt(product)}"
        if product != expected:
            arithmetic += f" → {fmt(expected)}"
        yield RULE.emit(row.score.ref, indicator=row.label, expected=expected, actual=row.score.number,
                        arithmetic=arithmetic, source=source, expected_of="score", related=[source_cell])
