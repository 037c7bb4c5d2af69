"""The parsed 项目支出绩效自评表: every value the reader found, with the cell it came from.

The project family's checks and derived figures read these objects and nothing else; nothing here
knows about files, grids or openpyxl. Every field that stands for a cell is a
:class:`~evaluator.values.cell.Value` (its raw content as written, its number if it is one, its
:class:`~evaluator.findings.CellRef`); a cell the form does not have is ``MISSING`` (``ref`` None).

Values are kept *as people write them*: ``≥50个``, ``2023年12月``, ``达成预期指标``, ``/``. Reading
operators, units and dates out of them is the rules' business (``evaluator/values/targets.py``);
the reader only finds the cells.

Layout of one form, in the national edition's words (other editions map their labels onto it)::

    项目名称 | project_name
    主管部门 | department        实施单位 | unit
    项目资金（万元） 年初预算数 | 全年预算数 | 全年执行数 | 分值 | 执行率 | 得分
        年度资金总额      → FundsRow(is_total=True)
        其中：当年财政拨款 → FundsRow(is_total=False)  …
    年度总体目标  预期目标 | 实际完成情况          → goal, achievement
    绩效指标  一级 | 二级 | 三级 | 年度指标值 | 实际完成值 | 分值 | 得分 | 偏差原因分析及改进措施
        产出指标(50分) …  → GroupWeight(level=1) and IndicatorRow …
    总分 | 100 | 96 | (优)                    → total_weight, total, grade
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from typing import TYPE_CHECKING

from evaluator.findings import CellRef
from evaluator.values.cell import MISSING, Value

if TYPE_CHECKING:
    from evaluator.families.project.edition import Edition

__all__ = ["MISSING", "Value", "FundsRow", "IndicatorRow", "GroupWeight", "ProjectForm"]


@dataclass
class FundsRow:
    """One row of the 项目资金 / 预算执行情况 block.

    ``is_total`` marks the 年度资金总额 (总额, 年度财政资金总额) row, the only one that is scored;
    the 其中 rows (当年财政拨款, 上年结转资金, 其他资金 …) may repeat a 分值/得分 (Anhui) or print
    ``—``/``/`` there. Columns the edition does not print are ``MISSING``: Hubei has no 年初预算数,
    no 分值 column (its 20 分 is in a label, see ``weight_from_label``).

    - ``initial``: 年初预算数 (never a denominator);
    - ``budget``: 全年预算数 / 全年预算数(A) / 调整后预算数 / 预算数(A);
    - ``spent``: 全年执行数 / 全年执行数(B) / 预算执行数 / 执行数(B);
    - ``weight``: 分值 / 权重; ``rate``: 执行率 (as written: ``86%``, ``0.862``, ``100.00%``);
    - ``score``: 得分; ``reason``: Sichuan's 原因 column.
    """

    label: Value
    is_total: bool
    initial: Value = MISSING
    budget: Value = MISSING
    spent: Value = MISSING
    weight: Value = MISSING
    rate: Value = MISSING
    score: Value = MISSING
    reason: Value = MISSING
    #: Points printed in a label rather than a cell: 预算执行情况(10分), 得分(20分*执行率).
    weight_from_label: Decimal | None = None

    # The names below are read by many rules, many times a form; a row is not changed once read
    # (a corrected copy is a new row: dataclasses.replace), so each is worked out once.
    @cached_property
    def name(self) -> str:
        """The row label as printed, without line breaks (``其中：当年财政拨款``)."""
        return "".join(self.label.text.split())

    def cells(self) -> dict[str, Value]:
        """The row's figures by field name (``initial``, ``budget``, ``spent``, ``weight``,
        ``rate``, ``score``), for rules that loop over columns."""
        return {"initial": self.initial, "budget": self.budget, "spent": self.spent,
                "weight": self.weight, "rate": self.rate, "score": self.score}


@dataclass
class IndicatorRow:
    """One 三级指标 row of the 绩效指标 block.

    - ``level1``/``level2``: the 一级/二级 labels that the row sits under (a merged cell's value,
      with the merge's anchor cell as ``ref``, or the label written once above blank cells); their
      printed points are in ``ProjectForm.groups``;
    - ``name``: 三级指标; ``target``: 年度指标值 / 指标值 / 年初目标值(A), as written (``≥50个``);
    - ``actual``: 实际完成值 / 完成值 / 全年实际值(B), as written;
    - ``nature``: 指标性质 (``≥``, ``=``, ``≧``, ``定量``) where the edition prints it, else ``MISSING``;
    - ``unit``: 度量单位 / 计量单位 where printed, else ``MISSING``;
    - ``weight``: 分值 / 权重, ``MISSING`` where the edition prints none (Hubei);
    - ``score``: 得分; ``reason``: 偏差原因分析及改进措施 / 未完成原因分析.

    ``weight_from_label`` holds points written inside the 三级指标 label itself
    (``群众满意度（10分）``), when there are any. ``group`` is the Hubei 年度绩效目标N block the row
    belongs to (``""`` elsewhere). ``index`` is the row's order in the form, from 0.
    """

    level1: Value
    level2: Value
    name: Value
    target: Value = MISSING
    actual: Value = MISSING
    nature: Value = MISSING
    unit: Value = MISSING
    weight: Value = MISSING
    score: Value = MISSING
    reason: Value = MISSING
    weight_from_label: Decimal | None = None
    group: str = ""
    index: int = 0

    @cached_property
    def label(self) -> str:
        """The 三级指标 name as printed, without line breaks or the points in brackets."""
        from evaluator.values.text import split_points

        return "".join(split_points(self.name.text)[0].split())

    @cached_property
    def level1_name(self) -> str:
        from evaluator.values.text import split_points

        return "".join(split_points(self.level1.text)[0].split())

    @cached_property
    def level2_name(self) -> str:
        from evaluator.values.text import split_points

        return "".join(split_points(self.level2.text)[0].split())


@dataclass
class GroupWeight:
    """A group label that prints its points: ``产出指标(50分)`` (level 1), ``数量指标(20分)``
    (level 2), Hubei's ``年度绩效目标1(40分)`` (level 0), or a 一级/二级 分值 column cell.

    ``weight`` is the printed points (``ref`` is the label cell, or the 分值 cell when the edition
    prints the group's points in a column); ``rows`` are the indicator rows under the group.
    """

    level: int
    name: str
    weight: Value
    label_ref: CellRef | None
    rows: list[IndicatorRow] = field(default_factory=list)


@dataclass
class ProjectForm:
    """One filled project form found on one sheet (one project per sheet).

    ``edition`` is the :class:`~evaluator.families.project.edition.Edition` the form was read
    with (its score methods, bands, standard weights and what it prints). ``money_unit`` is
    ``万元`` or ``元`` (from the block label ``项目资金（元）``, else the edition's). ``total`` is the
    总分 row's 得分, ``total_weight`` its 分值 (100; Sichuan's ``合计 100``), ``grade`` the printed
    评价等级 (``MISSING`` where the edition prints none). ``goal``/``achievement`` are the
    年度总体目标 texts (预期目标 / 实际完成情况).
    """

    sheet: str
    title: str
    anchor: CellRef
    edition: "Edition"
    year: int | None = None
    project_name: Value = MISSING
    department: Value = MISSING
    unit: Value = MISSING
    money_unit: str = "万元"
    funds: list[FundsRow] = field(default_factory=list)
    indicators: list[IndicatorRow] = field(default_factory=list)
    groups: list[GroupWeight] = field(default_factory=list)
    total: Value = MISSING
    total_weight: Value = MISSING
    grade: Value = MISSING
    goal: Value = MISSING
    achievement: Value = MISSING
    #: A form-level 偏差原因 text where the edition has no per-row column (Hubei's
    #: 偏差大或目标未完成原因分析), else ``MISSING``.
    reason_text: Value = MISSING
    #: Points printed in the funds block's label: 预算执行情况(10分), 预算执行情况(万元)(20分).
    funds_weight_from_label: Decimal | None = None
    #: Points printed in the indicator block's label: 绩效指标(90分).
    indicators_weight_from_label: Decimal | None = None
    #: The header cell of the indicator block's 三级指标 column, and of the funds block.
    indicators_ref: CellRef | None = None
    funds_ref: CellRef | None = None
    #: Rows or regions the reader saw and did not read: ``{"where": …, "why": …}`` each (a
    #: 绩效指标 block whose header it could not read, a layout it does not know).
    not_read: list[dict[str, str]] = field(default_factory=list)
    #: Where the indicator table was recognised although its header could not be read (the
    #: 绩效指标 label or a 三级指标 cell), for form-partly-read.
    indicators_seen: CellRef | None = None
    #: The indicator table runs to the end of the sheet with no 总分 row: a copy cut off (its last
    #: group may go on beyond what was read).
    cut_off: bool = False
    #: The header cell of a second score column (复核分 beside 自评分), where the form has one.
    review_column: CellRef | None = None
    #: The same form read with the second score column as its 得分 (None without one).
    review: "ProjectForm | None" = field(default=None, repr=False)

    @property
    def funds_total(self) -> FundsRow | None:
        """The 年度资金总额 row, or None when the form has none."""
        return next((row for row in self.funds if row.is_total), None)

    @property
    def funds_parts(self) -> list[FundsRow]:
        """The 其中 rows below the total."""
        return [row for row in self.funds if not row.is_total]

    @property
    def edition_id(self) -> str:
        return self.edition.id
