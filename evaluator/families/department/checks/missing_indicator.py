"""An indicator of the catalog has no row in the form.

The finding points at the 三级指标 header of the table; ``expected`` is the missing row's 分值. Why it matters: a dropped row drops its
points from the total without anyone having scored it.
"""

from __future__ import annotations

from typing import Iterator

from evaluator.families.department.catalog import Catalog
from evaluator.findings import Finding, Severity
from evaluator.families.department.model import Form
from evaluator.checks.base import Rule

RULE = Rule(
    slug="missing-indicator",
    severity=Severity.ERROR,
    title="缺少指标",
    message="缺少三级指标“{indicator}”（{level1} › {level2}，分值 {expected}）",
    passing="the table has a row for every 三级指标 of the catalog",
    failing="the row 数据质量 | 2.00 | 2 is deleted",
    catches="指标体系中的某个三级指标在表中没有对应的行。",
    why="少了一行，这一行的分值就从总分中消失了，却没有人为它打过分。",
)


def check(form: Form, catalog: Catalog) -> Iterator[Finding]:
    present = {row.indicator.id for row in form.rows if row.indicator}
    for indicator in catalog.indicators:
        if indicator.id not in present:
            yield RULE.emit(form.header_ref, indicator=indicator.name, expected=indicator.weight,
                            level1=indicator.level1, level2=indicator.level2, expected_of="weight")
