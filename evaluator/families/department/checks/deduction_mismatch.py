"""The text states a deduction (扣N分) that differs from 分值 − 得分.

Phrasings read (see :mod:`evaluator.values.textmath`): ``扣X分``, ``扣除X分``, ``扣减X分``,
``扣去X分``, ``扣分X分``, ``扣分：X分``, ``共扣分X分``, ``失分X分``, ``减分X分``, ``扣一分``,
``扣半分``; a counted deduction ``3项资产未办理入库，每项扣0.1分`` (also ``各扣``, ``分别扣``, ``均扣``,
``每个/每家/每份扣``, ``扣0.1分/项``, ``按每项0.1分扣分``, ``每项扣0.1分，共3项``,
``10份合同中5份…每份扣0.1分``; ``分别扣0.5分、0.3分`` adds the list) states N × X; a total
``共扣Y分`` / ``合计扣`` / ``累计扣`` / ``扣分合计Y分`` stands for the parts beside it.
Several stated deductions in one row are added up; a deduction that follows a score the text
computes (``3分×80%=2.4分，再扣0.4分``) is compared with that score − 得分. A rule is not a deduction
taken and is not compared: ``每超过一个百分点扣0.5分``, ``每项扣0.5分`` with no count, ``最多扣2分``,
``未按时备案的扣1分``, a standard quoted (``按照“未完成一个指标扣0.1分”的标准``) or in brackets. When
the count cannot be told (two different counts in the sentence) the row is left alone.

The finding sits on the text cell that states the deduction (the cell to change when the score is
right), with the 得分 cell in ``related``; ``expected`` is the deduction the score implies
(``expected_of`` "deduction").

Why it matters: the text and the number cannot both be right. A warning, not an error: the
deduction may have been weighted, but an auditor will ask.

Passing: ``专项资金绩效完成情况 | 20.00 | 19.8 | 存在个别指标未完成，扣0.2分``.
Failing: ``专项资金绩效完成情况 | 20.00 | 19.8 | 存在个别指标未完成，扣1分`` (20 − 19.8 = 0.2);
``资产管理合规性 | 2.00 | 1.5 | 3项资产未办理入库，每项扣0.1分`` (3 × 0.1 = 0.3, but 0.5 was lost).
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
    slug="deduction-mismatch",
    severity=Severity.WARNING,
    title="文字所述扣分与得分不符",
    message="{indicator}：文中写“{stated}”{counted}，但 {arithmetic}",
    passing="专项资金绩效完成情况 | 20.00 | 19.8 | 存在个别指标未完成，扣0.2分",
    failing="专项资金绩效完成情况 | 20.00 | 19.8 | 存在个别指标未完成，扣1分",
    catches=(
        "文字中写明的扣分（“扣 N 分”“共扣 N 分”“N 项每项扣 X 分”）与分值减得分不一致；同一行写了几处扣分时"
        "相加后比较，“每超过一个百分点扣 0.5 分”这类没有数量的扣分规则不计入。"
    ),
    why="文字和数字不可能都对。定为警告而不是错误：扣分可能另有折算，但审核时一定会被问到。",
)


def check(form: Form, catalog: Catalog) -> Iterator[Finding]:
    yield from texts.deduction_mismatch(RULE, text_rows(form))
