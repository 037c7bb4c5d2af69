"""A sheet is plainly a self-evaluation or scoring form (by its title), but of no family the tool
knows: a warning, not an error.

Reported by the engine instead of ``form-not-found`` when no family claims any sheet of the
workbook and a sheet's title reads as a form: a 绩效自评表 (Chongqing's 部门整体绩效自评表 with its
得分系数), a 评分表 (Hunan's, with a 评分标准 column), a 绩效评价表. Such a form is never checked
against another family's definitions: that would raise a flood of false findings. Sheets beside a
claimed form (covers, notes, lists) are not reported.

Why it matters: a nightly run should flag a file it could not check without failing on it; the
message names the title and the forms the tool knows, so a new edition can be added (a YAML file).

Passing: a workbook whose sheet holds a 项目支出绩效自评表 (checked by the project family).
Failing: a workbook whose only sheet is titled 2023年度部门整体支出绩效评价评分表.
"""

from __future__ import annotations

import re

from evaluator.checks.base import Rule
from evaluator.findings import Severity

RULE = Rule(
    slug="form-unsupported",
    severity=Severity.WARNING,
    title="不支持的表式",
    message="工作表“{sheet}”的标题“{title}”是一张绩效自评表或评分表，但不是本工具已知的表式"
            "（已知：{known}），未做校验；如需校验，请为其添加一个版本文件（--catalog）",
    passing="一张项目支出绩效自评表（由项目表式校验）",
    failing="唯一的工作表标题为“2023年度部门整体支出绩效评价评分表”",
    catches="工作簿中没有可识别的表式，但某个工作表的标题表明它是一张绩效自评表或评分表（未知的省份或表式）",
    why="夜间批量运行应标出无法校验的文件而不判为失败；按其他表式校验会产生大量误报",
)

#: What a form's title says: 绩效自评表, 自评表, 评分表, 绩效评价表 (spaces and brackets ignored).
TITLE = re.compile(r"(自评表|评分表|评价表|打分表)")
#: A title is a short cell near the top of the sheet's content.
MAX_TITLE = 40
TOP_ROWS = 6


def find_title(grid) -> tuple[int, int, str] | None:
    """The (row, column, text) of a cell near the top of ``grid`` that reads as a form's title."""
    rows = sorted({r for r, _ in grid.cells})[:TOP_ROWS]
    for r in rows:
        for c, value in grid.row_values(r):
            if not isinstance(value, str):
                continue
            text = "".join(value.split())
            if 0 < len(text) <= MAX_TITLE and TITLE.search(text):
                return r, c, text
    return None
