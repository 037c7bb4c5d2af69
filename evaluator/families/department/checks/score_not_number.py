"""A 得分 (score) cell is blank or does not hold a number.

The finding gives no single expected score: ``expected`` is null and ``expected_range`` is 0 to
the 分值 (when the row prints the catalog's 分值), so no corrected total is stated for the form.

Why it matters: the total, the grade and every rate check depend on the scores; a blank or a word
where a number belongs leaves the form unscorable.

The row loop is the one every family shares (``evaluator/checks/rows.py``); this module says how
the department form's rows are scored and how the finding reads.
"""

from __future__ import annotations

from typing import Iterator

from evaluator.checks import rows
from evaluator.checks.base import Rule
from evaluator.families.department.catalog import Catalog
from evaluator.families.department.derive import scored_rows
from evaluator.families.department.model import Form
from evaluator.findings import Finding, Severity

RULE = Rule(
    slug="score-not-number",
    severity=Severity.ERROR,
    title="得分不是数字",
    message="{indicator}：得分应为 0 至 {weight} 之间的数字，实际为 {actual}",
    passing="资产盘点情况 | 1.00 | 1",
    failing="资产盘点情况 | 1.00 | 满分",
    catches="得分单元格是空的，或者填的不是数字（例如“满分”）。",
    why=(
        "总分、评价等级和按比例计分的校验都要用到得分；该填数字的地方是空白或文字，"
        "整张表就无法计分。"
    ),
)
NO_WEIGHT = "{indicator}：得分应为数字，实际为 {actual}"


def check(form: Form, catalog: Catalog) -> Iterator[Finding]:
    yield from rows.score_not_number(RULE, scored_rows(form), expect="range", message_without_weight=NO_WEIGHT)
