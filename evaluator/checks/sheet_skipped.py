"""A sheet of an .xlsx was not read because it is larger than the limits (``--max-rows``,
``--max-cells``); in the annotated copy it is replaced by a note.

Reported by the engine, not by a check. Why it matters: the form is looked for only in the sheets
that were read. A form sits in a small sheet, so a huge attachment sheet beside it costs nothing;
but if no form is found, this note says where else it might have been. (An .xls or .ods cannot be
read sheet by sheet: one with a sheet over the limits is ``unreadable``.)
"""

from __future__ import annotations

from evaluator.findings import Severity
from evaluator.checks.base import Rule

RULE = Rule(
    slug="sheet-skipped",
    severity=Severity.INFO,
    title="工作表过大，未读取",
    message="工作表“{sheet}”{why}，未读取",
    passing="a workbook whose sheets are all within the limits (the form beside a 2,000-row list)",
    failing="the form beside a 100,000-row list: the list is skipped, the form is still checked",
    catches=(
        ".xlsx 中有工作表超过读取限制（--max-rows、--max-cells），没有读取；"
        "批注副本中这张表只留一条说明。"
    ),
    why="自评表只在读取了的工作表中查找；如果没有找到表，这条提示说明它可能在哪张被跳过的表里。",
)
