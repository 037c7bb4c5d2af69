"""A score stated in the explanation differs from the row's 得分.

Phrasings read (see :func:`evaluator.values.textmath.stated_scores`): ``得X分``, ``得到X分``,
``得分X``, ``得分为X``, ``得分是X``, ``得分应为X``, ``得分：X``, ``得分X分``, ``得分结果为X``,
``最终得分X``, ``实际得分X``, ``本项得分X``, ``实得X分``, ``共得X分``, ``打分X``, ``计X分``,
``计得X分``, ``自评X分``, ``自评得分X``, ``自评分X``, ``评X分``, ``评为X分``, ``评分为X分``,
``评定得分X``, ``给予X分``, ``打X分`` and ``得满分`` (the full 分值). The comparison is at the
precision written: ``得4.6分`` agrees with 4.62, a whole number only with itself (``得1分`` does not
agree with 0.5).

Not a stated score, so never compared: a figure that belongs to something else (a target value, an
amount, a count, a percentage such as 得分率95%, a score above the row's 分值, ``平均得分``,
``总得分``, ``项目得分``, ``原得分``, ``应得``, another indicator or group named or a name quoted in
the same sentence — or, in a text naming one anywhere, pointed back to with 该指标 / 此项 / 其), a scoring rule (``…的得5分``, ``达到90%以上得满分``, ``否则得0分``, ``最高得5分``,
a 评分标准 set out), an aim (``力争得满分``), a negation (``未得满分``), and the result of written
arithmetic (``…=4.62分``, ``…得4.62``), which ``text-arithmetic`` and ``rate-score`` judge: one
error, one finding. Likewise a rate-scored row whose text states exactly 率 × 分值 is left to
``rate-score``, and a row whose stated deduction already disagrees is left to
``deduction-mismatch``. Several different stated scores in one row: nothing is said (never a guess).

The finding sits on the text cell that states the score, with the 得分 cell in ``related``;
``expected`` is the 得分 cell's value (``expected_of`` "score"), ``actual`` the figure the text
states. The message names both ways to make them agree.

Why it matters: the text and the number cannot both be right. A warning, not an error: either the
text or the 得分 cell may be the wrong one.

Passing: ``采购政策效能 | 1.00 | 0.94 | 政策功能执行率94%，得0.94分``.
Failing: ``采购政策效能 | 1.00 | 0.94 | 政策功能执行率94%，得0.96分``;
``资产管理合规性 | 2.00 | 1.5 | 个别资产闲置，得1.2分``.
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
    slug="text-score",
    severity=Severity.WARNING,
    title="文字所述得分与得分不符",
    message="{indicator}：文字写“{stated}”，得分单元格为 {expected}（改文字为 {expected} 分，或改得分为 {shown}）",
    passing="采购政策效能 | 1.00 | 0.94 | 政策功能执行率94%，得0.94分",
    failing="采购政策效能 | 1.00 | 0.94 | 政策功能执行率94%，得0.96分",
    catches="未达标原因等文字中写明的本项得分（“得 N 分”“得分为 N”“计 N 分”“自评 N 分”“最终得分 N”“得满分”等）与得分单元格不一致。",
    why="文字与得分不可能同时正确，需核对后改正其一。",
)


def check(form: Form, catalog: Catalog) -> Iterator[Finding]:
    yield from texts.text_score(RULE, text_rows(form))
