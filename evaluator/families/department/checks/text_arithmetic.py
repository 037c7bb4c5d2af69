"""An arithmetic statement written in a text cell does not hold, or its result is not the 得分.

Reads the arithmetic in the row's 未达标原因 and 改进措施 and evaluates it exactly, comparing at the
precision the text wrote its result with: ``92.31%*5=4.62`` holds (4.6155 → 4.62);
``92.31%*5=4.65`` does not. Every common notation is read (see :func:`evaluator.values.textmath.statements`):
``× * x X ＊ · 乘以``, ``/ ÷ 除以``, ``+ −``; results after ``= ＝ ≈ 等于 为 得 得分``; numbers with units
(``1分×94%=0.94分``, ``193,807万元``) and thousands separators; the weight before or after the rate;
brackets (``(95%+85%)÷2=90%``); the result first (``0.94分=1分×94%``);
chains (``178,904.23/193,807=92.31%×5=4.62``, each step judged on its own); and a 支出率 / 执行率
stated beside the two amounts it comes from (``193,807万元中已支出178,904.23万元，支出率92.31%``).
A sum mixing percentages and plain numbers is read as a fraction after 1 (``5×(1-92.15%)=0.39``)
and in percentage points after 100 (``100-92.31%=7.69%``); after another number it is undecided
unless one reading gives the written result.
Ranges (``90%-100%``, ``第3-5项``), dates (``2023-2025年``, ``2023-12``) and codes
(``GB/T 50-2019``) are not arithmetic either; percent, per mille and 个百分点 mix as
docs/text-arithmetic.md sets out (``100-5‰=99.5%`` holds).

When the arithmetic is wrong on its face the finding sits on the text cell (the cell to change),
with the 得分 cell in ``related``; ``expected`` is the correct result (``expected_of`` "score" for a
product with the row's 分值, "rate" for a percentage). When it holds, computes a score from the
row's 分值 (``75%×2=1.5``, ``10−1.05=8.95``) and its result is not the declared 得分 (nor is the
difference a deduction the text goes on to state: ``3分×80%=2.4分，再扣0.4分``), the finding sits
on the 得分 cell (for rate-scored indicators that comparison is ``rate-score``'s, so it is not
made twice).

Why it matters: the text is the department's own justification of the score; arithmetic that does
not hold undermines it.

Passing: ``专项资金支出率 | 5.00 | 4.62 | 专项资金支出进度=92.31%*5=4.62``.
Failing: ``专项资金支出率 | 5.00 | 4.62 | 专项资金支出进度=92.31%*5=4.65`` (at the text cell).
"""

from __future__ import annotations

from typing import Iterator

from evaluator.checks import texts
from evaluator.checks.base import Rule
from evaluator.families.department.catalog import Catalog
from evaluator.families.department.derive import text_rows
from evaluator.families.department.model import Form
from evaluator.findings import Finding, Severity

RULE = Rule(
    slug="text-arithmetic",
    severity=Severity.ERROR,
    title="文字中的算式不成立",
    message="{indicator}：{where}写道“{statement}”，但 {arithmetic}",
    passing="专项资金支出率 | 5.00 | 4.62 | 专项资金支出进度=92.31%*5=4.62",
    failing="专项资金支出率 | 5.00 | 4.62 | 专项资金支出进度=92.31%*5=4.65",
    catches=(
        "未达标原因或改进措施中写的算式不成立（例如“92.31%*5=4.65”“支出率 = 已支出 ÷ 预算”，各种乘号、"
        "等号和带单位的数字都能读），或者算式的结果是得分，却与申报的得分不符；按文字写出的精度精确计算。"
    ),
    why="文字是部门对得分的说明，算式不成立，这个说明就站不住。",
)
RESULT_NOT_SCORE = texts.RESULT_NOT_SCORE


def check(form: Form, catalog: Catalog) -> Iterator[Finding]:
    yield from texts.text_arithmetic(RULE, text_rows(form))
