"""A row's 评分标准 is in no shape the tool can read, so whether its 得分 is allowed was not judged.

Reported once per form as a note (info), naming the rows: the form is honest about what it did not
judge. A row with full marks is not listed (every rule allows full marks).

Why it matters: 通过 should mean judged; a reviewer sees which scores still need a human look.

Passing: every 评分标准 parsed (bands, deductions, checklists, proportional), or full marks.
Failing: ``预算编制科学合理`` | 5 | 4.
"""

from __future__ import annotations

from typing import Iterator

from evaluator.checks.base import Rule
from evaluator.families.department.tree.checks.score_not_allowed import unjudged
from evaluator.families.department.tree.model import TreeForm
from evaluator.findings import Finding, Severity

RULE = Rule(
    slug="criteria-unjudged",
    severity=Severity.INFO,
    title="评分标准未能判读",
    message="{count} 个指标的评分标准无法判读，其得分是否符合标准未作判断：{names}",
    passing="评分标准均可判读（区间、扣分、逐项得分、按比例），或得满分",
    failing="预算编制合理性 | 评分标准“预算编制科学合理” | 分值 5 | 得分 4",
    catches="评分标准的写法无法解析为可得分数的集合，该行得分未按标准判断。",
    why="“通过”应当意味着已经判断；这里告诉复核人哪些得分仍需人工查看。",
)


def check(form: TreeForm) -> Iterator[Finding]:
    rows = unjudged(form)
    if rows:
        yield RULE.emit(rows[0].score.ref, indicator=rows[0].name, count=len(rows),
                        names="、".join(row.name for row in rows),
                        related=[row.score.ref for row in rows[1:]])
