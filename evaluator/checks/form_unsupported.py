"""A sheet plainly holds a performance table (an indicator column beside a 分值 or 得分 column)
or a form's title, but of no edition the tool knows: a warning, not an error.

Reported by the engine instead of ``form-not-found`` when no edition claims any sheet of the
workbook and a sheet holds a recognisable performance table (its header row names an indicator
column — 三级指标, 指标名称 — beside a points column and a score column), or a title that reads as a form (a
绩效自评表, a 评分表, a 绩效评价表). The message names what was seen: the title, the header row and
how many indicator rows follow it. Such a form is never checked against another edition's
definitions, even under a known title (部门整体支出绩效自评表 heads several provinces' bodies): that
would raise a flood of false findings. Sheets beside a claimed form (covers, notes, lists) are not
reported.

Why it matters: a nightly run should flag a file it could not check without failing on it; the
message names the title and the forms the tool knows, so a new edition can be added (a YAML file).

Passing: a workbook whose sheet holds a 项目支出绩效自评表 (checked by the project family).
Failing: a workbook whose only sheet is titled 2023年度部门整体支出绩效评价评分表.
"""

from __future__ import annotations

from dataclasses import dataclass

from evaluator.checks.base import Rule
from evaluator.findings import Severity
from evaluator.values.patterns import lazy

RULE = Rule(
    slug="form-unsupported",
    severity=Severity.WARNING,
    title="不支持的表式",
    message="工作表“{sheet}”是一张绩效自评表或评分表（{seen}），但不是本工具已知的表式"
            "（已知：{known}），未做校验；如需校验，请为其添加一个版本文件（--catalog）",
    passing="一张项目支出绩效自评表（由项目表式校验）",
    failing="唯一的工作表标题为“2023年度部门整体支出绩效评价评分表”",
    catches="工作簿中没有可识别的表式，但某个工作表的标题表明它是一张绩效自评表或评分表（未知的省份或表式）",
    why="夜间批量运行应标出无法校验的文件而不判为失败；按其他表式校验会产生大量误报",
)

#: What a form's title says: 绩效自评表, 自评表, 评分表, 绩效评价表 (spaces and brackets ignored).
TITLE = lazy(r"(自评表|评分表|评价表|打分表|考评表|得分表|指标表)")
#: A title is a short cell near the top of the sheet's content.
MAX_TITLE = 40
TOP_ROWS = 6


#: Header cells that name the indicator column, and those that name a points or score column.
INDICATOR_HEADER = lazy(r"^(三级指标|指标名称|指标|考核指标|考评指标|评价指标|具体指标)(名称|内容)?$")
POINTS_HEADER = lazy(r"(分值|权重|标准分|满分)")
SCORE_HEADER = lazy(r"(得分|自评分|评分$)")
TOTAL_LABELS = lazy(r"^(合计|总计|总分|小计|自评总分|得分合计)")


@dataclass
class Table:
    """A performance table as seen: its title (if any), its header row and its indicator rows."""

    title: str | None
    row: int
    col: int
    header: list[str]
    indicators: int

    def describe(self) -> str:
        title = f"标题“{self.title}”，" if self.title else "没有标题，"
        header = "｜".join(self.header)
        return f"{title}第 {self.row} 行表头“{header}”，其下指标 {self.indicators} 个"


def _key(value) -> str:
    return "".join(str(value).split()) if value is not None else ""


def find_table(grid) -> Table | None:
    """The first header row of ``grid`` that names an indicator column, a points column and a
    score column, with the sheet's title and the count of indicator rows under it."""
    rows = sorted({r for r, _ in grid.cells})
    for r in rows:
        cells = [(c, _key(v)) for c, v in grid.row_values(r) if isinstance(v, str)]
        indicator = next((c for c, text in cells if INDICATOR_HEADER.match(text)), None)
        points = {c for c, text in cells if c != indicator and POINTS_HEADER.search(text)}
        scores = {c for c, text in cells if c != indicator and SCORE_HEADER.search(text)}
        if indicator is None or not points or not scores or len(points | scores) < 2:
            continue
        count = 0
        for below in rows:
            if below <= r:
                continue
            text = _key(grid.cells.get(grid.anchor(below, indicator)))
            first = next((_key(v) for _, v in grid.row_values(below) if _key(v)), "")
            if TOTAL_LABELS.match(first) or INDICATOR_HEADER.match(text):
                break
            if text and grid.anchor(below, indicator)[0] == below:
                count += 1
        if count == 0:
            continue
        title = find_title(grid)
        return Table(title=title[2] if title and title[0] < r else None, row=r, col=indicator,
                     header=[text for _, text in cells if text], indicators=count)
    return None


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
