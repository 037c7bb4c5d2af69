"""A row of the table names no indicator of the catalog.

Names are compared as a reader would (spaces, quotes and full-width forms ignored); a name that
uniquely contains or is contained in a catalog name still matches. Why it matters: either the row
is misspelt (and its checks cannot run) or it is not part of the published form.
"""

from __future__ import annotations

from typing import Iterator

from evaluator.families.department.catalog import Catalog
from evaluator.findings import Finding, Severity
from evaluator.families.department.model import Form
from evaluator.checks.base import Rule, shown

RULE = Rule(
    slug="unknown-indicator",
    severity=Severity.WARNING,
    title="指标体系中没有此指标",
    message="“{actual}”不是指标体系中的三级指标（所在二级指标：{level2}）",
    passing="资产盘点情况 | 1.00 | 1",
    failing="资产清查情况 | 1.00 | 1",
    catches=(
        "表中某一行的三级指标名称在指标体系中找不到（忽略空格、"
        "引号和全角半角的差别后仍不匹配）。"
    ),
    why="要么名称写错了，这一行的校验无法进行；要么这一行本不属于公布的表样。",
)


def check(form: Form, catalog: Catalog) -> Iterator[Finding]:
    for row in form.rows:
        if row.indicator is None:
            yield RULE.emit(row.name.ref, indicator=row.name.text or None, actual=shown(row.name.raw),
                            level2=row.level2 or "（无）", expected_of="text")
