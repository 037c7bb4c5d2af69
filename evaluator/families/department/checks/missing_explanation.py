"""Points were lost (得分 < 分值) but 未达标原因 or 改进措施 is empty.

Empty includes the words that mean nothing: 无, /, —. When the form has one combined column
(偏差原因分析及改进措施) and no 改进措施 column, that one column must be filled. One finding per
row, on the empty cell to fill: the 未达标原因 when it is empty (an empty 改进措施 beside it is
named in ``related``), else the 改进措施. ``expected`` is null: the text to write is the
department's. A row that prints a 分值 other than the catalog's is ``weight-mismatch``'s alone.

Why it matters: the published form must say why points were lost and what will be done about it.
"""

from __future__ import annotations

from typing import Iterator

from evaluator.families.department.catalog import Catalog
from evaluator.families.department.derive import row_weight
from evaluator.findings import Finding, Severity
from evaluator.families.department.model import Form, Value
from evaluator.checks.base import Rule, shown

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
    for row in form.rows:
        score, weight = row.score.number, row_weight(row)
        if score is None or weight is None or score >= weight:
            continue
        empty: list[tuple[str, Value]] = []
        if row.reason.ref is not None and row.reason.is_empty_text:
            empty.append(("未达标原因", row.reason))
        if row.remedy.ref is not None and row.remedy.ref != row.reason.ref and row.remedy.is_empty_text:
            empty.append(("改进措施", row.remedy))
        if not empty:
            continue
        first = empty[0][1]
        yield RULE.emit(first.ref, indicator=row.label, actual=shown(first.raw), expected_of="text",
                        related=[value.ref for _, value in empty[1:]], score=score, weight=weight,
                        missing="和".join(name for name, _ in empty))
