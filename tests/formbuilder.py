"""Write a 部门整体支出绩效自评表 (department self-evaluation form) workbook.

The builder reproduces the printed Guangzhou form from two plain dicts:

* the indicator catalog (``yaml.safe_load`` of ``evaluator/families/department/editions/*.yaml``), which gives the
  indicator tree (一级 / 二级 / 三级 names and 分值 weights), the 指标解释 of each row and the grade
  bands;
* the form data (``tests/sample_sources/forms/*.yaml``): department, 单位数, the budget block, the
  three long texts, one entry per 三级 row keyed by catalog id (score, reason, remedy), the declared
  total and the ticked grade.

A :class:`Layout` moves, reorders and restyles the same form so that readers can be tested on the
variants found in the wild (offsets, a cover sheet, repeated labels, numbers stored as text, …).
:func:`apply_edits` derives a variant of the data with one planted error.

Data conventions
----------------
* Numbers may be given as strings (``'4.62'``) so that their decimals are exact; they are written
  as numbers. A string that is not a plain number (``'4.62分'``) is written verbatim as text.
* ``None`` anywhere blanks the cell it would fill.
* A row may override ``name``, ``weight`` and ``explanation`` of its catalog entry, and may name
  its group with ``level1`` / ``level2``. A row whose id is not in the catalog joins the group of
  the row before it.
* ``level_weights`` maps a 一级 or 二级 name to the 分值 written for it (default: the catalog's).
* ``grade`` is the ticked grade name, a list of names (several boxes ticked) or ``None`` (none).
"""

from __future__ import annotations

import copy
import io
import math
import unicodedata
import zipfile
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from os import PathLike
from typing import Any

import openpyxl
import yaml
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

__all__ = ["Layout", "TABLE_COLUMNS", "apply_edits", "build_form", "grade_line", "load_yaml", "save_workbook"]

#: The ten columns of the indicator table, in the order of the printed form.
TABLE_COLUMNS: tuple[str, ...] = (
    "level1", "level1_weight", "level2", "level2_weight", "level3",
    "weight", "score", "reason", "remedy", "explanation",
)

DEFAULT_HEADERS: dict[str, str] = {
    "level1": "一级指标",
    "level1_weight": "分值",
    "level2": "二级指标",
    "level2_weight": "分值",
    "level3": "三级指标",
    "weight": "分值",
    "score": "得分/自评分",
    "reason": "未达标原因",
    "remedy": "改进措施",
    "explanation": "指标解释",
}

#: Column widths by table key; none is below 12 so that the budget figures of row 7 fit any order.
COLUMN_WIDTHS: dict[str, float] = {
    "level1": 12, "level1_weight": 12, "level2": 12, "level2_weight": 12, "level3": 26,
    "weight": 12, "score": 12, "reason": 40, "remedy": 26, "explanation": 40,
}

#: Budget items of row 7 after 总预算, left to right (columns C–H).
BUDGET_ITEMS: tuple[str, ...] = ("基本支出", "项目支出", "专项资金", "其他事业发展支出", "市本级资金", "对下转移支付")
BUDGET_TOTAL = "总预算"

FORM_WIDTH = 10      # the form spans columns A–J
TABLE_FIRST_ROW = 11  # the header row of the indicator table (form coordinates)

WEIGHT_FORMAT = "0.00"
BUDGET_FORMAT = "#,##0.00"
SCORE_FORMAT = "General"
FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)

_THIN = Side(style="thin")
BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
TITLE_FONT = Font(name="宋体", size=16, bold=True)
SUBTITLE_FONT = Font(name="宋体", size=11)
BODY_FONT = Font(name="宋体", size=10)
HEADER_FONT = Font(name="宋体", size=10, bold=True)
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)

#: How ``numbers_as_text`` writes a figure, by style. Each takes the text (303,054.14, 20.00,
#: 4.62, 3) and what the figure is (money, weight, score or count).
_FULL_WIDTH = str.maketrans("0123456789.,%-", "０１２３４５６７８９．，％－")
_UNITS = {"money": "万元", "weight": "分", "score": "分", "count": "个"}
TEXT_STYLES: dict[str, Callable[[str, str], str]] = {
    "plain": lambda text, kind: text,
    "fullwidth": lambda text, kind: text.translate(_FULL_WIDTH),   # ４．６２
    "spaced": lambda text, kind: f"  {text} ",                     # surrounding spaces
    "unit": lambda text, kind: text + _UNITS[kind],                # 4.62分, 303,054.14万元
    "percent": lambda text, kind: text + "%" if kind == "weight" else text,  # 分值 20.00%
}

LINE_HEIGHT = 13.5  # points per line of 10-pt text
MIN_ROW_HEIGHT = 20.0


@dataclass
class Layout:
    """Where and how the form is written.

    ``column_order`` permutes the ten table columns (keys of :data:`TABLE_COLUMNS`); the title,
    budget and text rows above keep their layout. ``headers`` overrides header texts by the same
    keys (``level1_weight`` / ``level2_weight`` default to the ``weight`` text).
    ``blank_rows_after`` inserts an empty table row after each listed indicator id; a blank row
    between two rows of one group extends that group's merged label.

    ``numbers_as_text`` writes every figure as text, in the ``text_style`` of :data:`TEXT_STYLES`.
    ``formulas`` writes the subtotals and totals (一级 and 二级 分值, 总分 分值 and 得分, 总预算) as
    formulas without cached results, as files written by scripts have them; where the data's figure
    differs from the sum, the formula adds the difference, so that the cell shows the data's figure.
    ``year_in_title`` writes ``2022年度部门整体支出绩效自评表`` in one cell and no year line.
    """

    sheet_name: str = "部门整体支出绩效自评表"
    cover_sheet: bool = False
    row_offset: int = 0
    col_offset: int = 0
    merge_labels: bool = True
    headers: dict[str, str] | None = None
    column_order: list[str] | None = None
    blank_rows_after: Sequence[str] = ()
    numbers_as_text: bool = False
    text_style: str = "plain"
    formulas: bool = False
    year_in_title: bool = False

    def __post_init__(self) -> None:
        if self.row_offset < 0 or self.col_offset < 0:
            raise ValueError("offsets must not be negative")
        if self.text_style not in TEXT_STYLES:
            raise ValueError(f"text_style must be one of {sorted(TEXT_STYLES)}")
        if self.formulas and self.numbers_as_text:
            raise ValueError("formulas and numbers_as_text do not combine: SUM skips numbers stored as text")
        if self.column_order is not None and sorted(self.column_order) != sorted(TABLE_COLUMNS):
            raise ValueError(f"column_order must be a permutation of {TABLE_COLUMNS}")
        unknown = set(self.headers or {}) - set(TABLE_COLUMNS)
        if unknown:
            raise ValueError(f"unknown header keys: {sorted(unknown)}")

    @property
    def columns(self) -> dict[str, int]:
        """Form column (1-based, before the offset) of each table key."""
        order = self.column_order or list(TABLE_COLUMNS)
        return {key: index + 1 for index, key in enumerate(order)}

    def header(self, key: str) -> str:
        """Header text of a table column."""
        headers = self.headers or {}
        if key in headers:
            return headers[key]
        if key in ("level1_weight", "level2_weight") and "weight" in headers:
            return headers["weight"]
        return DEFAULT_HEADERS[key]


@dataclass
class _Line:
    """One line of the indicator table: an indicator row, or a blank row (``row is None``)."""

    row: dict[str, Any] | None
    level1: str | None
    level2: str | None
    index: int | None = None  # position of the row in data["rows"]


@dataclass
class _Catalog:
    """The parts of the catalog the builder needs, indexed."""

    leaves: dict[str, tuple[str, str, dict[str, Any]]] = field(default_factory=dict)
    group_weights: dict[str, Any] = field(default_factory=dict)
    grades: list[dict[str, Any]] = field(default_factory=list)
    title: str = "部门整体支出绩效自评表"
    total_weight: Any = 100

    @classmethod
    def from_dict(cls, catalog: Mapping[str, Any]) -> _Catalog:
        index = cls(grades=list(catalog.get("grades", [])),
                    title=catalog.get("form", {}).get("title", cls.title),
                    total_weight=catalog.get("total_weight", 100))
        for level1 in catalog.get("indicators", []):
            index.group_weights.setdefault(level1["name"], level1.get("weight"))
            for level2 in level1.get("children", []):
                index.group_weights.setdefault(level2["name"], level2.get("weight"))
                for leaf in level2.get("children", []):
                    index.leaves[leaf["id"]] = (level1["name"], level2["name"], leaf)
        return index


# --------------------------------------------------------------------------------------------
# Public API


def load_yaml(path: str | PathLike[str]) -> dict[str, Any]:
    """Load a YAML file (catalog or form data) as a plain dict."""
    with open(path, encoding="utf-8") as handle:
        loaded = yaml.safe_load(handle)
    if not isinstance(loaded, dict):
        raise ValueError(f"{path}: expected a mapping at the top level")
    return loaded


def apply_edits(data: Mapping[str, Any], edits: Mapping[str, Any]) -> dict[str, Any]:
    """Return a deep copy of ``data`` with ``edits`` applied, in order.

    Keys are dotted paths:

    * ``rows.<id>.<field>`` sets a field of the row with that id (``score``, ``reason``,
      ``remedy``, ``weight``, ``name``, ``explanation``); ``None`` blanks the cell.
    * ``rows.<id>`` replaces the row with a dict, or with ``None`` removes the row entirely.
    * ``extra_rows`` is a list of rows to insert, each with ``after: <id>`` and its fields
      (``name``, ``weight``, ``score``, …); several rows after one id keep their order.
    * any other path (``budget.基本支出``, ``total``, ``grade``, ``level_weights.资产管理``,
      ``texts.goal``, ``year``, ``department``) sets that key, creating mappings on the way;
      ``None`` blanks the cell.
    """
    result = copy.deepcopy(dict(data))
    for path, value in edits.items():
        value = copy.deepcopy(value)
        if path == "extra_rows":
            _insert_extra_rows(result, value)
            continue
        parts = path.split(".")
        if parts[0] == "rows":
            _edit_row(result, parts[1:], value, path)
            continue
        node = result
        for key in parts[:-1]:
            child = node.get(key)
            if child is None:
                child = node[key] = {}
            if not isinstance(child, dict):
                raise KeyError(f"{path}: {key} is not a mapping")
            node = child
        node[parts[-1]] = value
    return result


def build_form(
    catalog: Mapping[str, Any],
    data: Mapping[str, Any],
    layout: Layout | None = None,
    path: str | PathLike[str] | None = None,
    workbook: openpyxl.Workbook | None = None,
    cells: dict[tuple, tuple[str, int, int]] | None = None,
) -> openpyxl.Workbook:
    """Write one form on a new sheet and return the workbook.

    With ``workbook`` the form is added to that workbook (several departments in one file);
    otherwise a new workbook is made, with fixed document times so that rebuilding gives the
    same file. With ``path`` the workbook is saved there by :func:`save_workbook`.

    With ``cells``, that dict is filled with where each part of the form was written, as
    (sheet, row, column), so that tests can follow a cell from one layout to another. Keys:
    ``("title",)``, ``("year",)``, ``("department",)``, ``("units",)``, ``("budget", item)``,
    ``("text", key)``, ``("row", i, column)`` for the i-th entry of ``data["rows"]`` and a table
    column of :data:`TABLE_COLUMNS`, ``("total", "label" | "weight" | "score")``, ``("grade",)``;
    a 一级 or 二级 label and its 分值 are under the row key of the group's first row, at the first
    row where they are written.
    """
    layout = layout or Layout()
    if workbook is None:
        workbook = openpyxl.Workbook()
        sheet = workbook.active
        sheet.title = layout.sheet_name
        stamp = _document_time(data.get("year"))
        workbook.properties.created = stamp
        workbook.properties.modified = stamp
        workbook.properties.creator = None
    else:
        sheet = workbook.create_sheet(layout.sheet_name)
    if layout.cover_sheet:
        _write_cover(workbook.create_sheet("封面", index=workbook.index(sheet)), catalog, data)
    writer = _FormWriter(sheet, _Catalog.from_dict(catalog), data, layout)
    writer.write()
    if cells is not None:
        cells.update(writer.where)
    if path is not None:
        save_workbook(workbook, path)
    return workbook


def save_workbook(workbook: openpyxl.Workbook, path: str | PathLike[str]) -> None:
    """Save ``workbook`` so that the same content always gives the same bytes.

    ``Workbook.save`` stamps the current time into the document properties and the zip entries;
    here the workbook's own ``created``/``modified`` properties are kept and every zip entry is
    dated 1980-01-01.
    """
    buffer = io.BytesIO()
    archive = zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, allowZip64=True)
    ExcelWriter(workbook, archive).save()  # closes the archive
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=FIXED_ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = info.external_attr
            target.writestr(entry, source.read(info.filename))


# --------------------------------------------------------------------------------------------
# Edits


def _row_index(data: Mapping[str, Any], row_id: str) -> int:
    for index, row in enumerate(data.get("rows", [])):
        if row.get("id") == row_id:
            return index
    raise KeyError(f"no row with id {row_id!r}")


def _edit_row(data: dict[str, Any], parts: list[str], value: Any, path: str) -> None:
    if not parts or not parts[0]:
        raise KeyError(f"{path}: a row id is required")
    rows = data.setdefault("rows", [])
    index = _row_index(data, parts[0])
    if len(parts) == 1:
        if value is None:
            del rows[index]
        elif isinstance(value, dict):
            rows[index] = {"id": parts[0], **value}
        else:
            raise TypeError(f"{path}: a row is replaced by a mapping or removed by null")
        return
    rows[index][".".join(parts[1:])] = value


def _insert_extra_rows(data: dict[str, Any], extra_rows: Iterable[Mapping[str, Any]]) -> None:
    rows = data.setdefault("rows", [])
    last_inserted: dict[str, dict[str, Any]] = {}
    for extra in extra_rows:
        after = extra.get("after")
        if after is None:
            raise KeyError("extra_rows: each row needs 'after: <id>'")
        row = {key: value for key, value in extra.items() if key != "after"}
        anchor = last_inserted.get(after)
        position = (rows.index(anchor) if anchor is not None else _row_index(data, after)) + 1
        rows.insert(position, row)
        last_inserted[after] = row


# --------------------------------------------------------------------------------------------
# Values


def _decimal(value: Any) -> Decimal | None:
    """The exact decimal of a number or numeric string, or None if it is not one."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, Decimal):
        return value
    if isinstance(value, (int, float)):
        return Decimal(str(value))
    if isinstance(value, str):
        try:
            number = Decimal(value.strip())
        except InvalidOperation:
            return None
        return number if number.is_finite() else None
    return None


def _number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def _plain(value: Any) -> str:
    """A number as written in the data, without exponent: '4.62', '19.8', '2'."""
    if isinstance(value, str):
        return value.strip()
    number = _decimal(value)
    return str(value) if number is None else format(number, "f")


def _text_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def _document_time(year: Any) -> datetime:
    """A fixed document time: 31 March of the year after the form's year."""
    number = _decimal(year)
    return datetime(int(number) + 1, 3, 31) if number is not None else datetime(2000, 1, 1)


def _ticked_grades(grade: Any) -> set[str]:
    if grade is None:
        return set()
    if isinstance(grade, str):
        return {grade}
    return {str(name) for name in grade}


def _grade_band(grade: Mapping[str, Any]) -> str:
    """The band of a grade as printed: '90分≤得分≤100分', '80分≤得分＜90分', '得分＜60分'."""
    upper = "≤" if grade.get("include_max") else "＜"
    band = f"得分{upper}{_plain(grade['max'])}分"
    low = _decimal(grade.get("min"))
    if low is not None and low > 0:
        band = f"{_plain(grade['min'])}分≤{band}"
    return band


def grade_line(grades: Sequence[Mapping[str, Any]], ticked: set[str]) -> str:
    """The 评价等级 text, ☑ before each ticked grade and □ before the others."""
    return "；".join(
        f"{'☑' if grade['name'] in ticked else '□'}{grade['name']}  {_grade_band(grade)}"
        for grade in grades
    )


# --------------------------------------------------------------------------------------------
# Writing


def _write_cover(sheet: Worksheet, catalog: Mapping[str, Any], data: Mapping[str, Any]) -> None:
    """A cover page such as departments put before the form."""
    year = data.get("year")
    title = data.get("title") or catalog.get("form", {}).get("title", "部门整体支出绩效自评表")
    sheet.column_dimensions["A"].width = 60
    lines = [
        (f"{year}年度{title}" if year is not None else title, TITLE_FONT),
        (None, BODY_FONT),
        (f"部门名称：{data.get('department') or ''}", SUBTITLE_FONT),
        (f"单位数：{data.get('units') if data.get('units') is not None else ''}", SUBTITLE_FONT),
        ("填报说明：本表由部门根据年度预算执行和绩效目标完成情况自评填报。", SUBTITLE_FONT),
    ]
    for row, (text, font) in enumerate(lines, start=2):
        cell = sheet.cell(row=row, column=1, value=text)
        cell.font = font
        cell.alignment = CENTER
        sheet.row_dimensions[row].height = 30


class _FormWriter:
    """Writes one form on one sheet. Rows and columns are form coordinates (A1 = 1, 1)."""

    def __init__(self, sheet: Worksheet, catalog: _Catalog, data: Mapping[str, Any], layout: Layout):
        self.sheet = sheet
        self.catalog = catalog
        self.data = data
        self.layout = layout
        self.columns = layout.columns
        self.merges: list[tuple[int, int, int, int]] = []
        self.where: dict[tuple, tuple[str, int, int]] = {}
        self._styles: dict[tuple, Any] = {}

    # -- cells --------------------------------------------------------------------------------

    def put(self, row: int, column: int, value: Any, *, font: Font = BODY_FONT,
            alignment: Alignment = CENTER, number_format: str | None = None, key: tuple | None = None) -> None:
        """Write a value (None leaves the cell empty but styled); ``key`` records where it went."""
        cell = self.sheet.cell(row=row + self.layout.row_offset, column=column + self.layout.col_offset)
        if key is not None:
            self.where.setdefault(key, (self.sheet.title, cell.row, cell.column))
        cell.value = value
        styles = {"font": font, "alignment": alignment}
        if number_format is not None:
            styles["number_format"] = number_format
        self.style(cell, styles)

    def style(self, cell: Any, styles: Mapping[str, Any]) -> None:
        """Set a cell's styles; a combination already set once is copied (openpyxl hashes every
        style object it is given, which made writing a form take several times longer)."""
        key = (tuple(cell._style or ()),
               tuple((name, value if isinstance(value, str) else id(value)) for name, value in styles.items()))
        known = self._styles.get(key)
        if known is not None:
            cell._style = copy.copy(known)
            return
        for name, value in styles.items():
            setattr(cell, name, value)
        self._styles[key] = copy.copy(cell._style)

    def put_number(self, row: int, column: int, value: Any, number_format: str,
                   text_format: str, kind: str = "score", key: tuple | None = None) -> None:
        """Write a number, or its text when ``numbers_as_text``; a non-number string verbatim
        (a string starting with ``=`` is a formula).

        ``text_format`` is ``'plain'`` (as in the data), ``'2dp'`` (50.00) or ``'thousands'``
        (303,054.14); ``kind`` (money, weight, score, count) picks the unit of a text style.
        """
        number = _decimal(value)
        if number is None:
            self.put(row, column, value if value is None else str(value), key=key)
        elif self.layout.numbers_as_text:
            text = {"plain": _plain(value), "2dp": f"{number:.2f}", "thousands": f"{number:,.2f}"}[text_format]
            text = TEXT_STYLES[self.layout.text_style](text, kind)
            self.put(row, column, text, number_format="@", key=key)
        else:
            self.put(row, column, _number(number), number_format=number_format, key=key)

    def address(self, row: int, column: int) -> str:
        """The A1 address of a form cell in the sheet (offsets applied)."""
        return f"{get_column_letter(column + self.layout.col_offset)}{row + self.layout.row_offset}"

    def total_of(self, declared: Any, parts: Sequence[Any], expression: str) -> Any:
        """What to write for a figure that is the sum of ``parts``: with ``formulas``, the formula
        ``expression`` (plus the difference when ``declared`` is not the sum); otherwise, or when
        ``declared`` is blank or not a number, ``declared`` itself.

        The sum counts what a spreadsheet's SUM counts: numbers; blanks and text are skipped.
        """
        total = _decimal(declared)
        if not self.layout.formulas or total is None or (isinstance(declared, str) and declared.startswith("=")):
            return declared
        numbers = [_decimal(part) for part in parts if not (isinstance(part, str) and _decimal(part) is None)]
        difference = total - sum((n for n in numbers if n is not None), Decimal(0))
        if difference:
            expression += f"{'+' if difference > 0 else '-'}{format(abs(difference).normalize(), 'f')}"
        return "=" + expression

    def merge(self, first_row: int, first_column: int, last_row: int, last_column: int) -> None:
        if (first_row, first_column) != (last_row, last_column):
            self.merges.append((first_row, first_column, last_row, last_column))

    # -- form ---------------------------------------------------------------------------------

    def write(self) -> None:
        self.write_heading()
        self.write_budget()
        self.write_texts()
        last_row = self.write_table()
        self.finish(last_row)

    def write_heading(self) -> None:
        data = self.data
        title = data.get("title") or self.catalog.title
        year = data.get("year")
        if self.layout.year_in_title and year is not None:
            self.put(1, 1, f"{_plain(year)}年度{title}", font=TITLE_FONT, key=("title",))
            self.where[("year",)] = self.where[("title",)]
            self.put(2, 1, None)
        else:
            self.put(1, 1, title, font=TITLE_FONT, key=("title",))
            self.put(2, 1, f"（{_plain(year)}年度）" if year is not None else None, font=SUBTITLE_FONT,
                     key=("year",))
        self.merge(1, 1, 1, FORM_WIDTH)
        self.merge(2, 1, 2, FORM_WIDTH)
        self.put(3, 1, "部门基本情况", font=HEADER_FONT)
        self.put(3, 2, "部门名称")
        self.put(3, 3, data.get("department"), key=("department",))
        self.merge(3, 3, 3, 7)
        self.put(3, 8, "单位数：")
        self.put_number(3, 9, data.get("units"), SCORE_FORMAT, "plain", kind="count", key=("units",))
        self.merge(3, 9, 3, 10)

    def write_budget(self) -> None:
        budget = self.data.get("budget") or {}
        self.put(4, 1, "年度部门预算情况", font=HEADER_FONT)
        self.merge(4, 1, 7, 1)
        self.put(4, 2, f"{BUDGET_TOTAL}（万元）")
        self.merge(4, 2, 6, 2)
        self.put(4, 3, "年度预算资金类别")
        self.merge(4, 3, 4, 8)
        for column, label in ((3, "部门预算"), (5, "事业发展支出"), (7, "事业发展支出(按预算级次划分)")):
            self.put(5, column, label)
            self.merge(5, column, 5, column + 1)
        parts = BUDGET_ITEMS[:4]  # 总预算 = 基本支出 + 项目支出 + 专项资金 + 其他事业发展支出
        total = self.total_of(budget.get(BUDGET_TOTAL), [budget.get(item) for item in parts],
                              "+".join(self.address(7, column) for column in range(3, 3 + len(parts))))
        self.put_number(7, 2, total, BUDGET_FORMAT, "thousands", kind="money", key=("budget", BUDGET_TOTAL))
        for column, item in enumerate(BUDGET_ITEMS, start=3):
            self.put(6, column, item)
            self.put_number(7, column, budget.get(item), BUDGET_FORMAT, "thousands", kind="money",
                            key=("budget", item))
        self.put(4, 9, None)
        self.merge(4, 9, 7, 10)

    def write_texts(self) -> None:
        texts = self.data.get("texts") or {}
        labels = (
            ("goal", "年度整体绩效目标"),
            ("achievement", "整体绩效目标完成情况"),
            ("unmet_reason", "未能完成原因"),
        )
        for row, (key, label) in enumerate(labels, start=8):
            self.put(row, 1, label, font=HEADER_FONT)
            self.put(row, 2, texts.get(key), alignment=LEFT, key=("text", key))
            self.merge(row, 2, row, FORM_WIDTH)

    def table_lines(self) -> list[_Line]:
        """Indicator rows with their groups, and the blank rows placed between them."""
        lines: list[_Line] = []
        level1: str | None = None
        level2: str | None = None
        for index, row in enumerate(self.data.get("rows") or []):
            known = self.catalog.leaves.get(str(row.get("id")))
            if known is not None:
                level1, level2 = known[0], known[1]
            level1 = row.get("level1", level1)
            level2 = row.get("level2", level2)
            lines.append(_Line(row, level1, level2, index))
        ids = [line.row.get("id") if line.row is not None else None for line in lines]
        blank_after = set(self.layout.blank_rows_after)
        unknown = blank_after - set(ids)
        if unknown:
            raise KeyError(f"blank_rows_after: no rows with ids {sorted(unknown)}")
        result: list[_Line] = []
        for index, line in enumerate(lines):
            result.append(line)
            if ids[index] in blank_after:
                following = lines[index + 1] if index + 1 < len(lines) else None
                in_level1 = following is not None and following.level1 == line.level1
                in_level2 = following is not None and in_level1 and following.level2 == line.level2
                result.append(_Line(None, line.level1 if in_level1 else None,
                                    line.level2 if in_level2 else None))
        return result

    def write_table(self) -> int:
        """Write header, indicator rows, total and grade rows; return the last form row."""
        columns = self.columns
        header_row = TABLE_FIRST_ROW
        for key, column in columns.items():
            self.put(header_row, column, self.layout.header(key), font=HEADER_FONT)

        lines = self.table_lines()
        first = header_row + 1
        for offset, line in enumerate(lines):
            row = first + offset
            for column in columns.values():
                self.put(row, column, None, alignment=LEFT)
            if line.row is not None:
                self.write_indicator(row, line.row, line.index)
        self.write_groups(first, lines, "level1", lambda line: line.level1)
        self.write_groups(first, lines, "level2",
                          lambda line: (line.level1, line.level2) if line.level2 is not None else None)

        total_row = first + len(lines)
        last = total_row - 1
        weight_column, score_column = columns["weight"], columns["score"]
        label_end = min(weight_column, score_column) - 1
        for column in range(1, FORM_WIDTH + 1):
            self.put(total_row, column, None)
        if label_end >= 1:
            self.put(total_row, 1, "总分", font=HEADER_FONT, key=("total", "label"))
            self.merge(total_row, 1, total_row, label_end)
        else:
            free = min(set(range(1, FORM_WIDTH + 1)) - {weight_column, score_column})
            self.put(total_row, free, "总分", font=HEADER_FONT, key=("total", "label"))
        level1_rows = [first + i for i, line in enumerate(lines)
                       if line.level1 is not None and (i == 0 or lines[i - 1].level1 != line.level1)]
        level1_column = columns["level1_weight"]
        total_weight = self.total_of(
            self.data.get("total_weight", self.catalog.total_weight),
            [self.group_weight(lines[row - first].level1) for row in level1_rows],
            self.sum_cells(level1_column, level1_rows, first, last))
        self.put_number(total_row, weight_column, total_weight, SCORE_FORMAT, "plain", kind="weight",
                        key=("total", "weight"))
        total = self.total_of(self.data.get("total"),
                              [line.row.get("score") for line in lines if line.row is not None],
                              f"SUM({self.address(first, score_column)}:{self.address(last, score_column)})")
        self.put_number(total_row, score_column, total, SCORE_FORMAT, "plain", key=("total", "score"))

        grade_row = total_row + 1
        self.put(grade_row, 1, "评价等级", font=HEADER_FONT)
        self.put(grade_row, 2, grade_line(self.catalog.grades, _ticked_grades(self.data.get("grade"))),
                 alignment=LEFT, key=("grade",))
        self.merge(grade_row, 2, grade_row, FORM_WIDTH)
        return grade_row

    def pick(self, data_row: Mapping[str, Any], key: str) -> Any:
        """A row's own value for ``key``, else its catalog entry's."""
        if key in data_row:
            return data_row[key]
        known = self.catalog.leaves.get(str(data_row.get("id")))
        return known[2].get(key) if known is not None else None

    def group_weight(self, name: str | None) -> Any:
        """The 分值 written for a 一级 or 二级 group: the data's override, else the catalog's."""
        overrides = self.data.get("level_weights") or {}
        return overrides[name] if name in overrides else self.catalog.group_weights.get(name)

    def sum_cells(self, column: int, rows: Sequence[int], first: int, last: int) -> str:
        """SUM over the cells of ``column`` in ``rows``: the range first..last when labels are
        merged (only the first cell of each run holds a value), the cells one by one when repeated."""
        if self.layout.merge_labels:
            return f"SUM({self.address(first, column)}:{self.address(last, column)})"
        return f"SUM({','.join(self.address(row, column) for row in rows)})"

    def write_indicator(self, row: int, data_row: Mapping[str, Any], index: int | None = None) -> None:
        columns = self.columns

        def key(name: str) -> tuple | None:
            return ("row", index, name) if index is not None else None

        self.put(row, columns["level3"], self.pick(data_row, "name"), alignment=LEFT, key=key("level3"))
        self.put_number(row, columns["weight"], self.pick(data_row, "weight"), WEIGHT_FORMAT, "2dp",
                        kind="weight", key=key("weight"))
        self.put_number(row, columns["score"], data_row.get("score"), SCORE_FORMAT, "plain", key=key("score"))
        for name in ("reason", "remedy", "explanation"):
            self.put(row, columns[name], self.pick(data_row, name) if name == "explanation" else data_row.get(name),
                     alignment=LEFT, key=key(name))

    def write_groups(self, first: int, lines: Sequence[_Line], level: str,
                     key: Callable[[_Line], Hashable | None]) -> None:
        """Write the 一级 or 二级 label and 分值, merged over each run of rows in one group."""
        label_column = self.columns[level]
        weight_column = self.columns[f"{level}_weight"]
        start = 0
        while start < len(lines):
            group = key(lines[start])
            end = start
            while end + 1 < len(lines) and group is not None and key(lines[end + 1]) == group:
                end += 1
            if group is not None:
                name = (lines[start].level1 if level == "level1" else lines[start].level2) or ""
                weight = self.total_of(self.group_weight(name), *self.children(first, lines, level, start, end))
                if self.layout.merge_labels:
                    targets = [start]
                    self.merge(first + start, label_column, first + end, label_column)
                    self.merge(first + start, weight_column, first + end, weight_column)
                else:
                    targets = [i for i in range(start, end + 1) if lines[i].row is not None]
                index = lines[start].index
                for target in targets:
                    self.put(first + target, label_column, name, key=("row", index, level))
                    self.put_number(first + target, weight_column, weight, WEIGHT_FORMAT, "2dp", kind="weight",
                                    key=("row", index, f"{level}_weight"))
            start = end + 1

    def children(self, first: int, lines: Sequence[_Line], level: str, start: int,
                 end: int) -> tuple[list[Any], str]:
        """The 分值 of a group's children and the formula that sums them (see :meth:`total_of`)."""
        if level == "level2":
            column = self.columns["weight"]
            parts = [self.pick(line.row, "weight") for line in lines[start:end + 1] if line.row is not None]
            return parts, f"SUM({self.address(first + start, column)}:{self.address(first + end, column)})"
        runs = [i for i in range(start, end + 1) if lines[i].level2 is not None
                and (i == start or (lines[i - 1].level1, lines[i - 1].level2) != (lines[i].level1, lines[i].level2))]
        parts = [self.group_weight(lines[i].level2) for i in runs]
        return parts, self.sum_cells(self.columns["level2_weight"], [first + i for i in runs], first + start, first + end)

    # -- finishing ----------------------------------------------------------------------------

    def finish(self, last_row: int) -> None:
        """Merges, borders, column widths, row heights and page setup."""
        sheet, rows, cols = self.sheet, self.layout.row_offset, self.layout.col_offset
        for first_row, first_column, last_row_, last_column in self.merges:
            sheet.merge_cells(start_row=first_row + rows, start_column=first_column + cols,
                              end_row=last_row_ + rows, end_column=last_column + cols)
        for row in range(3, last_row + 1):
            for column in range(1, FORM_WIDTH + 1):
                self.style(sheet.cell(row=row + rows, column=column + cols), {"border": BORDER})

        widths = {column: COLUMN_WIDTHS[key] for key, column in self.columns.items()}
        for column, width in widths.items():
            sheet.column_dimensions[get_column_letter(column + cols)].width = width
        for row in range(1, last_row + 1):
            sheet.row_dimensions[row + rows].height = self.row_height(row, widths)

        sheet.page_setup.orientation = "landscape"
        sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
        sheet.page_setup.fitToWidth = 1
        sheet.page_setup.fitToHeight = 0
        sheet.sheet_properties.pageSetUpPr.fitToPage = True

    def row_height(self, row: int, widths: Mapping[int, float]) -> float:
        """A height that shows every wrapped text of the row (cells merged down are ignored)."""
        if row == 1:
            return 30.0
        spans: dict[int, int] = {}
        for first_row, first_column, last_row, last_column in self.merges:
            if first_row == row:
                spans[first_column] = last_column if last_row == first_row else -1
        lines = 1
        for column in range(1, FORM_WIDTH + 1):
            end = spans.get(column, column)
            if end == -1:
                continue
            value = self.sheet.cell(row=row + self.layout.row_offset,
                                    column=column + self.layout.col_offset).value
            if not isinstance(value, str):
                continue
            available = max(sum(widths[c] for c in range(column, end + 1)) - 1.5, 2)
            lines = max(lines, sum(max(1, math.ceil(_text_width(part) / available))
                                   for part in value.split("\n")))
        return max(MIN_ROW_HEIGHT, lines * LINE_HEIGHT + 6)
