"""Write 项目支出绩效自评表 (project self-evaluation form) workbooks, in every shipped edition.

How to use it (case files, tests, samples)
------------------------------------------
::

    from projectbuilder import ProjectLayout, load_project, make_project

    path = make_project("project-national", {"funds.total.score": "9.5"}, path=tmp_path / "f.xlsx")
    # = build_project(apply_project_edits(load_project("project-national"), edits), layout, path)

A case file of tests/cases/ says ``base: project-national`` (or ``project-ab``,
``project-sichuan``, ``project-yunnan``, ``project-hubei``, or any ``tests/sample_sources/forms/
project-*.yaml`` stem) with ``edits`` and an optional ``layout`` (keys of :class:`ProjectLayout`);
the harness calls :func:`make_project` with them. Cell addresses of each sample are stable; print
them with ``python tests/projectbuilder.py project-national`` (edit key → cell, via :func:`cell_map`).

Data (``tests/sample_sources/forms/project-*.yaml``)
-----------------------------------------------
``edition`` picks the layout (one per shipped edition); ``title``, ``year``, ``project_name``,
``department``, ``unit``, ``money_unit`` (万元/元); ``funds``: ``total`` and ``parts`` (each with
``id``, ``label``, ``initial``, ``budget``, ``spent``, ``weight``, ``rate``, ``score``,
``reason``); ``goal``/``achievement``; ``group_weights`` (points printed in the 一级 label:
``产出指标(50分)``; Hubei: ``goals`` with ``name``, ``weight``, ``text``); ``indicators`` (each with
``id``, ``level1``, ``level2``, ``name``, ``target``, ``actual``, ``nature``, ``unit``, ``weight``,
``score``, ``reason``, Hubei ``goal``); ``total`` (``weight``, ``score``); ``grade`` (Yunnan);
``texts`` (closing rows by label).

Numbers given as strings keep their exact decimals and are written as numbers; a string that is
not a plain number (``4.62分``, ``≥50个``, ``/``) is written verbatim. A string starting with
``=`` is a formula in a figure's cell (分值, 得分, amounts, 执行率) and text elsewhere (``=8个``). A rate written ``92.08%`` is
written as the number 0.9208 with a percent format (what Excel stores); ``None`` blanks a cell.

Edit keys (:func:`apply_project_edits`), dotted paths applied in order
---------------------------------------------------------------------
* ``funds.total.<field>`` and ``funds.<part id>.<field>`` (``initial``, ``budget``, ``spent``,
  ``weight``, ``rate``, ``score``, ``reason``, ``label``);
* ``indicators.<id>.<field>`` (``target``, ``actual``, ``weight``, ``score``, ``reason``,
  ``name``, ``nature``, ``unit``, ``level1``, ``level2``; ``target_format``/``actual_format``
  write that value as a number with the number format given); ``indicators.<id>: null`` removes the
  row; ``extra_indicators``: a list of rows, each with ``after: <id>``;
* ``total.score``, ``total.weight``, ``grade``, ``group_weights.产出指标``, ``goals.0.weight``,
  ``project_name``, ``department``, ``unit``, ``year``, ``title`` … any other path sets that key.
"""

from __future__ import annotations

import copy
import sys
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from os import PathLike
from pathlib import Path
from typing import Any, Mapping, Sequence

import openpyxl
import yaml
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

sys.path.insert(0, str(Path(__file__).resolve().parent))
from formbuilder import _document_time, save_workbook  # noqa: E402

__all__ = ["FORMS", "ProjectLayout", "apply_project_edits", "build_project", "build_projects",
           "load_project", "make_project"]

FORMS = Path(__file__).resolve().parent / "sample_sources" / "forms"

_THIN = Side(style="thin")
BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
TITLE_FONT = Font(name="宋体", size=16, bold=True)
BODY_FONT = Font(name="宋体", size=10)
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)

FUNDS_FIELDS = ("initial", "budget", "spent", "weight", "rate", "score", "reason")


@dataclass
class ProjectLayout:
    """Where and how a project form is written (the variants of the wild).

    ``row``/``col``: the form's top-left cell (default A1); ``cover_sheet``: a 封面 sheet before
    the form; ``sheet_name``; ``numbers_as_text``: ``None`` (numbers), ``"plain"`` (``'9.21'``),
    ``"unit"`` (``'9.21分'``, ``'120.00万元'``) or ``"thousands"`` (``'1,234.50'``);
    ``formulas``: write the funds 执行率 and 得分 and the 总分 as formulas with no stored result
    (what a script-written file holds); ``blank_row``: an empty row inside the indicator table.
    """

    row: int = 1
    col: int = 1
    cover_sheet: bool = False
    sheet_name: str = "项目支出绩效自评表"
    numbers_as_text: str | None = None
    formulas: bool = False
    blank_row: bool = False


# --------------------------------------------------------------------------------------------
# Data and edits


def load_project(name: str) -> dict[str, Any]:
    """The data of ``tests/sample_sources/forms/<name>.yaml`` (``project-national`` …)."""
    return yaml.safe_load((FORMS / f"{name}.yaml").read_text("utf-8"))


def _find(items: list[dict[str, Any]], item_id: str, path: str) -> int:
    for index, item in enumerate(items):
        if str(item.get("id")) == item_id:
            return index
    raise KeyError(f"{path}: no entry with id {item_id!r}")


def apply_project_edits(data: Mapping[str, Any], edits: Mapping[str, Any] | None) -> dict[str, Any]:
    """A deep copy of ``data`` with ``edits`` applied in order (keys: see the module docstring)."""
    result = copy.deepcopy(dict(data))
    for path, value in (edits or {}).items():
        value = copy.deepcopy(value)
        parts = str(path).split(".")
        if path == "extra_indicators":
            for row in value:
                row = dict(row)
                after = str(row.pop("after"))
                at = _find(result["indicators"], after, path)
                position = at + 1
                while position < len(result["indicators"]) and result["indicators"][position].get("_after") == after:
                    position += 1
                row["_after"] = after
                result["indicators"].insert(position, row)
            continue
        if parts[0] == "indicators" and len(parts) >= 2:
            at = _find(result["indicators"], parts[1], path)
            if len(parts) == 2:
                if value is None:
                    del result["indicators"][at]
                else:
                    result["indicators"][at] = value
            else:
                result["indicators"][at][parts[2]] = value
            continue
        if parts[0] == "funds" and len(parts) == 3:
            if parts[1] == "total":
                result["funds"]["total"][parts[2]] = value
            else:
                at = _find(result["funds"]["parts"], parts[1], path)
                result["funds"]["parts"][at][parts[2]] = value
            continue
        node: Any = result
        for key in parts[:-1]:
            if isinstance(node, list):
                node = node[int(key)]
                continue
            child = node.get(key)
            if child is None:
                child = node[key] = {}
            node = child
        if isinstance(node, list):
            node[int(parts[-1])] = value
        else:
            node[parts[-1]] = value
    return result


# --------------------------------------------------------------------------------------------
# Writing cells


def _decimal(value: Any) -> Decimal | None:
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, (int, float, Decimal)):
        return Decimal(str(value))
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def _number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


class Formula(str):
    """A formula to write as such (every other string starting with ``=`` is text)."""


class _Sheet:
    """Writes form cells at an offset, converting data values the way a person's Excel would."""

    def __init__(self, sheet: Worksheet, layout: ProjectLayout) -> None:
        self.sheet = sheet
        self.layout = layout
        self.dr = layout.row - 1
        self.dc = layout.col - 1
        self.where: dict[str, str] = {}

    def addr(self, row: int, col: int) -> str:
        return f"{get_column_letter(col + self.dc)}{row + self.dr}"

    def put(self, row: int, col: int, value: Any, *, key: str | None = None, kind: str = "text",
            to_col: int | None = None, to_row: int | None = None) -> None:
        """Write ``value`` at form (row, col), merged to (to_row, to_col) if given."""
        r, c = row + self.dr, col + self.dc
        if to_col is not None or to_row is not None:
            r1, c1 = (to_row or row) + self.dr, (to_col or col) + self.dc
            if (r1, c1) != (r, c):
                self.sheet.merge_cells(start_row=r, start_column=c, end_row=r1, end_column=c1)
            for rr in range(r, r1 + 1):
                for cc in range(c, c1 + 1):
                    self.sheet.cell(rr, cc).border = BORDER
        cell = self.sheet.cell(r, c)
        cell.border = BORDER
        cell.font = BODY_FONT
        cell.alignment = CENTER
        if key is not None:
            self.where[key] = cell.coordinate
        if value is None:
            return
        if isinstance(value, Formula) or (kind != "text" and isinstance(value, str) and value.startswith("=")):
            cell.value = str(value)
            return
        if isinstance(value, str) and value.startswith("="):
            cell.value = value
            cell.data_type = "s"   # text such as "=8个", not a formula
            return
        text_style = self.layout.numbers_as_text
        if kind in ("money", "score", "weight", "rate"):
            raw = str(value).strip() if isinstance(value, str) else value
            percent = isinstance(raw, str) and raw.endswith("%") and _decimal(raw[:-1]) is not None
            number = _decimal(raw[:-1]) / 100 if percent else _decimal(raw)
            if number is not None:
                if text_style:
                    cell.value = self._as_text(raw, number, kind, percent)
                elif percent:
                    cell.value = _number(number)
                    places = len(raw[:-1].partition(".")[2])
                    cell.number_format = "0." + "0" * places + "%" if places else "0%"
                else:
                    cell.value = _number(number)
                    if kind == "money":
                        cell.number_format = "#,##0.00"
                return
        cell.value = value if not isinstance(value, Decimal) else _number(value)

    def _as_text(self, raw: Any, number: Decimal, kind: str, percent: bool) -> str:
        text = str(raw).strip()
        style = self.layout.numbers_as_text
        if percent or style == "plain":
            return text
        if style == "thousands" and kind == "money":
            return f"{number:,.2f}"
        if style == "unit":
            return text + {"money": "", "score": "分", "weight": "分", "rate": ""}[kind]
        return text


def _label_points(name: str, points: Any) -> str:
    return name if points is None else f"{name}({points}分)"


def _widths(sheet: Worksheet, layout: ProjectLayout, widths: Sequence[float]) -> None:
    for index, width in enumerate(widths):
        sheet.column_dimensions[get_column_letter(index + layout.col)].width = width


def _cover(workbook: openpyxl.Workbook, data: Mapping[str, Any], before: Worksheet) -> None:
    cover = workbook.create_sheet("封面", index=workbook.index(before))
    cover["B3"] = f"{data.get('year', '')}年度项目支出绩效自评材料"
    cover["B5"] = f"单位：{data.get('unit') or ''}"
    cover["B6"] = "目录：一、项目支出绩效自评表；二、自评报告"


# --------------------------------------------------------------------------------------------
# Editions


def _groups(indicators: list[dict[str, Any]], key: str) -> list[tuple[int, int]]:
    """Runs of consecutive rows sharing ``key`` as (first index, last index)."""
    runs: list[tuple[int, int]] = []
    for index, row in enumerate(indicators):
        if runs and indicators[runs[-1][0]].get(key) == row.get(key) and (key != "level2" or indicators[runs[-1][0]].get("level1") == row.get("level1")):
            runs[-1] = (runs[-1][0], index)
        else:
            runs.append((index, index))
    return runs


def _indicator_rows(w: _Sheet, data: Mapping[str, Any], first: int, columns: Mapping[str, int],
                    level_cols: tuple[int, int]) -> int:
    """Write the indicator rows from form row ``first``; return the next free row."""
    rows = [row for row in data["indicators"]]
    gw = data.get("group_weights") or {}
    placed: list[int] = []
    r = first
    for index, row in enumerate(rows):
        if w.layout.blank_row and index == 1:
            r += 1
        placed.append(r)
        for field_name, col in columns.items():
            kind = {"weight": "weight", "score": "score"}.get(field_name, "text")
            value = row.get(field_name)
            w.put(r, col, value, key=f"indicators.{row.get('id')}.{field_name}", kind=kind)
            shown = row.get(f"{field_name}_format")
            if shown is not None:   # a number with a number format of its own (0.953 as 0.0%)
                cell = w.sheet.cell(r + w.dr, col + w.dc)
                cell.value = _number(Decimal(str(value)))
                cell.number_format = shown
        r += 1
    for key, col in zip(("level1", "level2"), level_cols):
        for start, end in _groups(rows, key):
            name = rows[start].get(key)
            label = _label_points(name, gw.get(name)) if key == "level1" and name else name
            w.put(placed[start], col, label, key=f"{key}.{name}", to_row=placed[end])
    return r


def _funds_rows(w: _Sheet, data: Mapping[str, Any], first: int, label_cols: tuple[int, int],
                columns: Mapping[str, int]) -> int:
    funds = data["funds"]
    entries = [("total", funds["total"])] + [(str(p["id"]), p) for p in funds.get("parts", [])]
    r = first
    for entry_id, entry in entries:
        w.put(r, label_cols[0], entry.get("label"), key=f"funds.{entry_id}.label", to_col=label_cols[1])
        for field_name, col in columns.items():
            kind = {"rate": "rate", "weight": "weight", "score": "score", "reason": "text"}.get(field_name, "money")
            value = entry.get(field_name)
            if w.layout.formulas and entry_id == "total" and field_name in ("rate", "score") and value is not None \
                    and "budget" in columns and "spent" in columns:
                formula = _funds_formula(w, r, columns, entry, field_name)
                value = formula if formula is not None else value
            w.put(r, col, value, key=f"funds.{entry_id}.{field_name}", kind=kind)
        r += 1
    return r


def _funds_formula(w: _Sheet, r: int, columns: Mapping[str, int], entry: Mapping[str, Any],
                   field_name: str) -> Formula | None:
    """``=F6/E6`` for the 执行率 and ``=ROUND(F6/E6*G6,2)`` for the 得分, when that is what the data
    says; a figure that differs (a planted error) is written as typed, over the formula."""
    budget, spent = _decimal(entry.get("budget")), _decimal(entry.get("spent"))
    if not budget or spent is None:
        return None
    b, s = w.addr(r, columns["budget"]), w.addr(r, columns["spent"])
    raw = str(entry.get(field_name)).strip()
    if field_name == "rate":
        written = _decimal(raw[:-1]) / 100 if raw.endswith("%") and _decimal(raw[:-1]) is not None else _decimal(raw)
        return Formula(f"={s}/{b}") if written == spent / budget else None
    weight_value = _decimal(entry.get("weight")) if "weight" in columns else _decimal(entry.get("weight_points", 10))
    if weight_value is None:
        return None
    weight = w.addr(r, columns["weight"]) if "weight" in columns else str(entry.get("weight_points", 10))
    expected = (spent / budget * weight_value).quantize(Decimal("0.01"), rounding="ROUND_HALF_UP")
    return Formula(f"=ROUND({s}/{b}*{weight},2)") if _decimal(raw) == expected else None


def _total_formula(w: _Sheet, data: Mapping[str, Any], score_col: int, funds_score: str | None,
                   first: int, last: int) -> Any:
    """``=I6+SUM(H13:H21)`` when the data's 总分 is that sum, else the data's figure as typed."""
    declared = _decimal((data.get("total") or {}).get("score"))
    scores = [_decimal(row.get("score")) for row in data["indicators"]]
    if funds_score:
        scores.append(_decimal(data["funds"]["total"].get("score")))
    if declared is None or any(score is None for score in scores) or sum(scores) != declared:
        return (data.get("total") or {}).get("score")
    cells = f"SUM({w.addr(first, score_col)}:{w.addr(last, score_col)})"
    return Formula(f"={funds_score}+{cells}" if funds_score else f"={cells}")


def _write_national(w: _Sheet, data: Mapping[str, Any], ab: bool = False) -> None:
    """National layout (9 columns A–I); ``ab``: the (A)/(B) edition, 分值 before the values."""
    last = 9
    w.put(1, 1, data.get("title", "项目支出绩效自评表"), key="title", to_col=last)
    w.sheet.cell(1 + w.dr, 1 + w.dc).font = TITLE_FONT
    w.put(2, 1, f"（{data['year']}年度）", key="year", to_col=last)
    w.put(3, 1, "项目名称", to_col=2)
    w.put(3, 3, data.get("project_name"), key="project_name", to_col=last)
    w.put(4, 1, "主管部门", to_col=2)
    w.put(4, 3, data.get("department"), key="department", to_col=5)
    w.put(4, 6, "实施单位")
    w.put(4, 7, data.get("unit"), key="unit", to_col=last)
    parts = len(data["funds"].get("parts", []))
    money = data.get("money_unit", "万元")
    w.put(5, 1, f"项目资金（{money}）", key="funds.block", to_col=2, to_row=5 + parts + 1)
    headers = (["年初预算数", "全年预算数(A)", "全年执行数(B)", "分值", "执行率(B/A)", "得分"] if ab else
               ["年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"])
    w.put(5, 3, None)
    for offset, text in enumerate(headers):
        w.put(5, 4 + offset, text, key=f"funds.header.{offset}")
    fields = dict(zip(("initial", "budget", "spent", "weight", "rate", "score"), range(4, 10)))
    r = _funds_rows(w, data, 6, (3, 3), fields)
    goal_label = "年度总体目标完成情况" if ab else "年度总体目标"
    w.put(r, 1, goal_label, to_col=2, to_row=r + 1)
    w.put(r, 3, "预期目标", to_col=5)
    w.put(r, 6, "实际完成情况", to_col=last)
    w.put(r + 1, 3, data.get("goal"), key="goal", to_col=5)
    w.put(r + 1, 6, data.get("achievement"), key="achievement", to_col=last)
    r += 2
    header = r
    if ab:
        names = ["一级指标", "二级指标", "三级指标", "分值", "年度指标值(A)", "全年实际值(B)", "得分", "未完成原因及拟采取的改进措施"]
        columns = dict(zip(("name", "weight", "target", "actual", "score", "reason"), range(4, 10)))
    else:
        names = ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"]
        columns = dict(zip(("name", "target", "actual", "weight", "score", "reason"), range(4, 10)))
    for offset, text in enumerate(names):
        w.put(header, 2 + offset, text, key=f"indicators.header.{offset}")
    end = _indicator_rows(w, data, header + 1, columns, (2, 3))
    w.put(header, 1, "绩效指标", to_row=end - 1)
    total = data.get("total") or {}
    w.put(end, 1, "总分", key="total.label", to_col=columns["weight"] - 1)
    w.put(end, columns["weight"], total.get("weight"), key="total.weight", kind="weight")
    score = total.get("score")
    if w.layout.formulas and score is not None:
        score = _total_formula(w, data, columns["score"], w.addr(6, 9), header + 1, end - 1)
    w.put(end, columns["score"], score, key="total.score", kind="score")
    _widths(w.sheet, w.layout, [10, 12, 12, 24, 14, 14, 10, 10, 30])


def _write_sichuan(w: _Sheet, data: Mapping[str, Any]) -> None:
    """Sichuan 510000_0013zp (11 columns A–K)."""
    last = 11
    w.put(1, 1, "报表编号:510000_0013zp", to_col=last)
    w.put(2, 1, f"{data.get('title', '部门预算项目支出绩效自评表')}({data['year']}年度)", key="title", to_col=last)
    w.sheet.cell(2 + w.dr, 1 + w.dc).font = TITLE_FONT
    w.put(3, 1, "项目名称", to_col=2)
    w.put(3, 3, data.get("project_name"), key="project_name", to_col=last)
    w.put(4, 1, "主管部门", to_col=2)
    w.put(4, 3, data.get("department"), key="department", to_col=6)
    w.put(4, 7, "实施单位(盖章)", to_col=8)
    w.put(4, 9, data.get("unit"), key="unit", to_col=last)
    w.put(5, 1, "项目基本情况", to_col=2, to_row=7)
    w.put(5, 3, "1.项目年度目标完成情况", to_col=last)
    w.put(6, 3, "项目年度目标", to_col=6)
    w.put(6, 7, "年度目标完成情况", to_col=last)
    w.put(7, 3, data.get("goal"), key="goal", to_col=6)
    w.put(7, 7, data.get("achievement"), key="achievement", to_col=last)
    parts = len(data["funds"].get("parts", []))
    points = (data["funds"]["total"].get("weight") or 10)
    w.put(8, 1, f"预算执行情况({points}分)", key="funds.block", to_row=8 + parts + 1)
    w.put(8, 2, "年度预算数(万元)", to_col=3)
    for offset, text in enumerate(["年初预算", "调整后预算数", "预算执行数", "预算执行率", "权重", "得分", "原因"]):
        w.put(8, 4 + offset, text, key=f"funds.header.{offset}", to_col=last if offset == 6 else None)
    fields = dict(zip(("initial", "budget", "spent", "rate", "weight", "score", "reason"), range(4, 11)))
    r = _funds_rows(w, data, 9, (2, 3), fields)
    w.put(r, 1, "注:1.预算执行率=预算执行数/调整后预算数,预算执行率未达到90%的需说明原因(100字以内);"
          "2.年中发生预算调整的(追加或调减),应单独说明理由;3.其他资金包括:社会投入资金、银行贷款。", to_col=last)
    r += 1
    header = r
    names = ["一级指标", "二级指标", "三级指标", "指标性质", "指标值", "度量单位", "完成值", "权重", "得分", "未完成原因分析"]
    for offset, text in enumerate(names):
        w.put(header, 2 + offset, text, key=f"indicators.header.{offset}")
    columns = dict(zip(("name", "nature", "target", "unit", "actual", "weight", "score", "reason"), range(4, 12)))
    end = _indicator_rows(w, data, header + 1, columns, (2, 3))
    w.put(header, 1, f"绩效指标({data.get('indicator_points', 90)}分)", to_row=end - 1)
    total = data.get("total") or {}
    w.put(end, 1, "合计", key="total.label", to_col=8)
    w.put(end, 9, total.get("weight"), key="total.weight", kind="weight")
    score = total.get("score")
    if w.layout.formulas and score is not None:
        score = _total_formula(w, data, 10, w.addr(9, 9), header + 1, end - 1)
    w.put(end, 10, score, key="total.score", kind="score")
    w.put(end, 11, None)
    r = end + 1
    for label in ("评价结论", "存在问题", "改进措施"):
        w.put(r, 1, label, to_col=2)
        w.put(r, 3, (data.get("texts") or {}).get(label), key=f"texts.{label}", to_col=last)
        r += 1
    w.put(r, 1, "项目负责人:", to_col=5)
    w.put(r, 6, "财务负责人:", to_col=last)
    _widths(w.sheet, w.layout, [10, 12, 12, 24, 8, 12, 8, 12, 8, 8, 30])


def _write_yunnan(w: _Sheet, data: Mapping[str, Any]) -> None:
    """Yunnan 公开14表 (11 columns A–K), money in 元, a printed 评价等级."""
    last = 11
    w.put(1, 1, "公开14表", to_col=last)
    w.put(2, 1, data.get("title", "项目支出绩效自评表"), key="title", to_col=last)
    w.sheet.cell(2 + w.dr, 1 + w.dc).font = TITLE_FONT
    w.put(3, 1, f"（{data['year']}年度）", key="year", to_col=last)
    w.put(4, 1, "项目名称", to_col=2)
    w.put(4, 3, data.get("project_name"), key="project_name", to_col=last)
    w.put(5, 1, "主管部门", to_col=2)
    w.put(5, 3, data.get("department"), key="department", to_col=6)
    w.put(5, 7, "实施单位", to_col=8)
    w.put(5, 9, data.get("unit"), key="unit", to_col=last)
    parts = len(data["funds"].get("parts", []))
    w.put(6, 1, f"项目资金\n({data.get('money_unit', '元')})", key="funds.block", to_col=2, to_row=6 + parts + 1)
    w.put(6, 3, None)
    for offset, text in enumerate(["年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"]):
        w.put(6, 4 + offset, text, key=f"funds.header.{offset}", to_col=last if offset == 5 else None)
    fields = dict(zip(("initial", "budget", "spent", "weight", "rate", "score"), range(4, 10)))
    r = _funds_rows(w, data, 7, (3, 3), fields)
    w.put(r, 1, "年度总体目标", to_col=2, to_row=r + 1)
    w.put(r, 3, "预期目标", to_col=6)
    w.put(r, 7, "实际完成情况", to_col=last)
    w.put(r + 1, 3, data.get("goal"), key="goal", to_col=6)
    w.put(r + 1, 7, data.get("achievement"), key="achievement", to_col=last)
    header = r + 2
    names = ["一级指标", "二级指标", "三级指标", "指标性质", "指标值", "度量单位", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"]
    for offset, text in enumerate(names):
        w.put(header, 2 + offset, text, key=f"indicators.header.{offset}")
    columns = dict(zip(("name", "nature", "target", "unit", "actual", "weight", "score", "reason"), range(4, 12)))
    end = _indicator_rows(w, data, header + 1, columns, (2, 3))
    w.put(header, 1, "绩效指标", to_row=end - 1)
    w.put(end, 1, "其他需要说明事项", to_col=3)
    w.put(end, 4, (data.get("texts") or {}).get("其他需要说明事项"), key="texts.其他需要说明事项", to_col=last)
    total = data.get("total") or {}
    w.put(end + 1, 1, "总分", key="total.label", to_col=8)
    w.put(end + 1, 9, total.get("weight"), key="total.weight", kind="weight")
    score = total.get("score")
    if w.layout.formulas and score is not None:
        score = _total_formula(w, data, 10, w.addr(7, 9), header + 1, end - 1)
    w.put(end + 1, 10, score, key="total.score", kind="score")
    w.put(end + 1, 11, data.get("grade"), key="grade")
    _widths(w.sheet, w.layout, [10, 12, 12, 24, 8, 12, 8, 12, 8, 8, 30])


def _write_hubei(w: _Sheet, data: Mapping[str, Any]) -> None:
    """Hubei 项目(绩效)自评表 (7 columns A–G): 预算执行 20 分, 年度绩效目标N(40分), no 分值 column."""
    last = 7
    w.put(1, 1, f"{data.get('title', '项目绩效自评表')}", key="title", to_col=last)
    w.sheet.cell(1 + w.dr, 1 + w.dc).font = TITLE_FONT
    w.put(2, 1, f"（{data['year']}年度）", key="year", to_col=last)
    w.put(3, 1, "项目名称")
    w.put(3, 2, data.get("project_name"), key="project_name", to_col=4)
    w.put(3, 5, "主管部门")
    w.put(3, 6, data.get("department"), key="department", to_col=last)
    w.put(4, 1, "项目实施单位")
    w.put(4, 2, data.get("unit"), key="unit", to_col=4)
    w.put(4, 5, "项目类别")
    w.put(4, 6, data.get("category", "部门预算项目"), to_col=last)
    total_funds = data["funds"]["total"]
    points = total_funds.get("weight_points", 20)
    money = data.get("money_unit", "万元")
    w.put(5, 1, f"预算执行情况({money})({points}分)", key="funds.block", to_col=2)
    for offset, text in enumerate(["预算数(A)", "执行数(B)", "执行率(B/A)", f"得分({points}分*执行率)"]):
        w.put(5, 3 + offset, text, key=f"funds.header.{offset}", to_col=last if offset == 3 else None)
    fields = {"budget": 3, "spent": 4, "rate": 5, "score": 6}
    r = _funds_rows(w, data, 6, (1, 2), fields)
    header = r
    names = ["年度绩效目标", "一级指标", "二级指标", "三级指标", "年初目标值(A)", "实际完成值(B)", "得分"]
    for offset, text in enumerate(names):
        w.put(header, 1 + offset, text, key=f"indicators.header.{offset}")
    columns = {"name": 4, "target": 5, "actual": 6, "score": 7}
    first = header + 1
    end = _indicator_rows(w, data, first, columns, (2, 3))
    rows = data["indicators"]
    goals = {g["name"]: g for g in data.get("goals", [])}
    offset_blank = 1 if w.layout.blank_row else 0
    for start, stop in _groups(rows, "goal"):
        name = rows[start].get("goal")
        goal = goals.get(name, {})
        top = first + start + (offset_blank if start >= 1 else 0)
        bottom = first + stop + (offset_blank if stop >= 1 else 0)
        w.put(top, 1, _label_points(name, goal.get("weight")), key=f"goals.{name}", to_row=bottom)
    total = data.get("total") or {}
    w.put(end, 1, "总分", key="total.label", to_col=6)
    score = total.get("score")
    if w.layout.formulas and score is not None:
        score = _total_formula(w, data, 7, w.addr(6, 6), first, end - 1)
    w.put(end, 7, score, key="total.score", kind="score")
    r = end + 1
    for label in ("偏差大或目标未完成原因分析", "改进措施及结果应用方案"):
        w.put(r, 1, label, to_col=2)
        w.put(r, 3, (data.get("texts") or {}).get(label), key=f"texts.{label}", to_col=last)
        r += 1
    _widths(w.sheet, w.layout, [16, 12, 12, 24, 14, 14, 10])


WRITERS = {
    "project-national": _write_national,
    "project-ab": lambda w, data: _write_national(w, data, ab=True),
    "project-sichuan": _write_sichuan,
    "project-yunnan": _write_yunnan,
    "project-hubei": _write_hubei,
}


def build_projects(forms: Sequence[tuple[Mapping[str, Any], ProjectLayout | None]],
                   path: str | PathLike[str] | None = None,
                   where: list[dict[str, str]] | None = None) -> openpyxl.Workbook:
    """One workbook with one project form per sheet (sheet names must differ); saved to ``path``
    byte-reproducibly when given. ``where`` receives, per form, its edit keys → cell addresses."""
    workbook = openpyxl.Workbook()
    first = workbook.active
    stamp = _document_time(forms[0][0].get("year") if forms else None)
    workbook.properties.created = stamp
    workbook.properties.modified = stamp
    workbook.properties.creator = None
    for index, (data, layout) in enumerate(forms):
        layout = layout or ProjectLayout()
        sheet = first if index == 0 else workbook.create_sheet(layout.sheet_name)
        sheet.title = layout.sheet_name
        if layout.cover_sheet:
            _cover(workbook, data, sheet)
        writer = _Sheet(sheet, layout)
        WRITERS[data.get("edition", "project-national")](writer, data)
        if where is not None:
            where.append(writer.where)
    if path is not None:
        save_workbook(workbook, path)
    return workbook


def build_project(data: Mapping[str, Any], layout: ProjectLayout | Mapping[str, Any] | None = None,
                  path: str | PathLike[str] | None = None,
                  where: dict[str, str] | None = None) -> openpyxl.Workbook:
    """One project form on one sheet (see :func:`build_projects`)."""
    if isinstance(layout, Mapping):
        layout = ProjectLayout(**layout)
    spots: list[dict[str, str]] = []
    workbook = build_projects([(data, layout)], path, spots)
    if where is not None:
        where.update(spots[0])
    return workbook


def make_project(base: str, edits: Mapping[str, Any] | None = None,
                 layout: ProjectLayout | Mapping[str, Any] | None = None,
                 path: str | PathLike[str] = "form.xlsx") -> Path:
    """Build ``forms/<base>.yaml`` with ``edits`` and ``layout`` into ``path``; return the path."""
    data = apply_project_edits(load_project(base), edits)
    build_project(data, layout, path)
    return Path(path)


def cell_map(base: str, layout: ProjectLayout | Mapping[str, Any] | None = None) -> dict[str, str]:
    """Edit key → cell address (``funds.total.score`` → ``I6``) of a sample, for case writers."""
    where: dict[str, str] = {}
    build_project(load_project(base), layout, None, where)
    return where


if __name__ == "__main__":
    for name in sys.argv[1:] or ["project-national"]:
        print(f"# {name}")
        for key, address in cell_map(name).items():
            print(f"{key}: {address}")
