"""Points were lost (得分 < 分值) but 未达标原因 or 改进措施 is empty.

Empty includes the words that mean nothing: 无, /, —. When the form has one combined column
(偏差原因分析及改进措施) and no 改进措施 column, that one column must be filled. One finding per
row, on the empty cell to fill: the 未达标原因 when it is empty (an empty 改进措施 beside it is
named in ``related``), else the 改进措施. ``expected`` is null: the text to write is the
department's. A row that prints a 分值 other than the catalog's is ``weight-mismatch``'s alone.

Why it matters: the published form must say why points were lost and what will be done about it.

The row loop is the one every family shares (``evaluator/checks/rows.py``). On this form only the
empty cells are named in ``related`` (not the score), the words that count as empty are the
cell's own (``Value.is_empty_text``), and a reason cell merged over several rows is reported for
each row that lost points.
"""

from __future__ import annotations

from operator import attrgetter
from typing import Iterator

from evaluator.checks import rows
from evaluator.checks.base import Rule
from evaluator.families.department.catalog import Catalog
from evaluator.families.department.derive import scored_rows
from evaluator.families.department.model import Form
from evaluator.findings import Finding, Severity

RULE = Rule(
    slug="missing-explanation",
    severity=Severity.WARNING,
    title="失分未说明原因或改进措施",
    message="{indicator}：得分 {score} 低于分值 {weight}，但{missing}为空",
    passing="资产管理合规性 | 2.00 | 1.5 | 个别资产处于闲置状态… | 已对部份闲置资产再次投入使用…",
    failing="资产管理合规性 | 2.00 | 1.5 | 个别资产处于闲置状态… | （空）",
    catches="有失分（得分低于分值），但未达标原因或改进措施是空的；只写“无”“/”“—”也算空。",
    why="公开的自评表必须说明为什么失分、准备怎样改进。",
)


def check(form: Form, catalog: Catalog) -> Iterator[Finding]:
    yield from rows.missing_explanation(RULE, scored_rows(form), empty=attrgetter("is_empty_text"),
                                        relate_score=False, once_per_cell=False)
