"""The pydantic models that validate a project-form edition (see
:mod:`evaluator.families.project.edition`); imported only when an edition's text is validated."""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from pydantic import Field, model_validator

from evaluator.families.project import edition
from evaluator.families.strict import Strict, YearPattern

_Strict = Strict


class HeaderLabels(_Strict):
    """Labels of the header fields and closing rows (each a list of synonyms; matched loosely)."""

    project_name: list[str] = ["项目名称"]
    department: list[str] = ["主管部门", "主管部门及代码", "主管单位"]
    unit: list[str] = ["实施单位", "项目实施单位", "实施单位及代码"]
    funds_block: list[str] = ["项目资金", "预算执行情况", "预算资金", "资金情况"]
    indicators_block: list[str] = ["绩效指标"]
    goal: list[str] = ["预期目标", "项目年度目标", "年初设定目标", "年度目标"]
    achievement: list[str] = ["实际完成情况", "年度目标完成情况", "年度总体目标完成情况综述", "目标完成情况"]
    total: list[str] = ["总分", "合计", "总计", "自评总分"]
    grade: list[str] = ["评价等级", "自评等级", "绩效等级"]
    reason_text: list[str] = ["偏差大或目标未完成原因分析", "偏差原因分析"]
    year: YearPattern = r"(\d{4})\s*年度?"


class FundsColumns(_Strict):
    """Column headers of the funds block, by field (matched loosely: ``全年预算数(A)`` is
    ``全年预算数``)."""

    initial: list[str] = ["年初预算数", "年初预算"]
    budget: list[str] = ["全年预算数", "调整后预算数", "预算数", "全年(调整)预算数", "调整后预算", "调整预算数",
                         "全年调整预算数"]
    spent: list[str] = ["全年执行数", "预算执行数", "执行数", "实际执行数", "全年实际支出数", "实际支出数"]
    weight: list[str] = ["分值", "权重"]
    rate: list[str] = ["执行率", "预算执行率"]
    score: list[str] = ["得分", "自评得分", "自评分", "自评分数"]
    #: A second score column (复核分 beside 自评分), read by the second pass over the form.
    review: list[str] = ["复核分", "复核得分", "评价得分", "审核得分"]
    reason: list[str] = ["原因", "偏差原因"]


class Funds(_Strict):
    columns: FundsColumns = Field(default_factory=FundsColumns)
    #: Labels of the scored total row.
    total_rows: list[str] = ["年度资金总额", "总额", "年度财政资金总额", "资金总额", "合计"]
    #: Labels of the 其中 rows (a row whose label starts with 其中 is one too).
    part_rows: list[str] = ["当年财政拨款", "本年财政拨款", "上年结转资金", "上年结转", "其他资金",
                            "财政资金", "财政专户管理资金", "单位资金", "当年财政资金", "财政拨款"]
    #: The funds 分值 the edition prints (None: read from the form only).
    weight: Decimal | None = Decimal(10)


class IndicatorColumns(_Strict):
    """Column headers of the indicator block, by field (matched loosely)."""

    level1: list[str] = ["一级指标"]
    level2: list[str] = ["二级指标"]
    name: list[str] = ["三级指标", "三级指标名称", "绩效指标名称", "指标名称"]
    target: list[str] = ["年度指标值", "指标值", "年初目标值", "年度目标值", "预期指标值", "目标值", "年初指标值",
                         "计划指标值", "绩效指标值"]
    actual: list[str] = ["实际完成值", "完成值", "全年实际值", "实际值", "全年完成值", "全年实际完成值", "实际完成指标值",
                         "年终完成值"]
    #: The operator or direction: ≥ ≤ ＝ 定性, or 大于等于 / 小于等于 / 等于 / 正向 / 反向 / 定性.
    nature: list[str] = ["指标性质", "指标方向", "指标类型", "指标属性"]
    unit: list[str] = ["度量单位", "计量单位", "单位"]
    weight: list[str] = ["分值", "权重", "指标分值"]
    score: list[str] = ["得分", "自评得分", "自评分", "自评分数", "单项指标得分"]
    #: A second score column beside the self-assessed one (自评分 | 复核分): each is checked, each
    #: total against its own column.
    review: list[str] = ["复核分", "复核得分", "评价得分", "审核得分", "主管部门评分"]
    reason: list[str] = ["偏差原因分析及改进措施", "未完成原因分析", "未完成原因及拟采取的改进措施",
                         "偏差原因", "偏差原因分析", "未完成原因", "偏差原因及改进措施", "偏差原因分析及整改措施",
                         "偏差原因分析和改进措施", "未完成原因分析及改进措施", "原因分析及改进措施"]


class Indicators(_Strict):
    columns: IndicatorColumns = Field(default_factory=IndicatorColumns)
    #: 分值 comes before the values (the (A)/(B) edition): a layout hint, shown in the docs.
    weight_before_values: bool = False
    #: Whether the edition prints a per-indicator 分值 column (Hubei does not).
    weights_printed: bool = True
    #: Labels of group rows that carry points: 年度绩效目标1(40分) (Hubei).
    goal_groups: list[str] = []


class GradeBand(_Strict):
    name: str
    min: Decimal


class Rounding(_Strict):
    #: Decimals a score is compared at (half-up, like Excel's ROUND).
    score_places: int = Field(default=2, ge=0, le=4)


class Edition(_Strict):
    """One edition of the project form (see the module docstring)."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    family: Literal["project"]
    title: str
    #: Titles that identify a project form of this edition (substrings of the title cell).
    titles: list[str] = Field(min_length=1)
    #: Labels (compared exactly, brackets kept) whose presence identifies this edition; the
    #: edition with the most matched labels wins, ties go to the national one.
    identify: list[str] = Field(min_length=1)
    labels: HeaderLabels = Field(default_factory=HeaderLabels)
    funds: Funds = Field(default_factory=Funds)
    indicators: Indicators = Field(default_factory=Indicators)
    #: First-level weights the edition declares (None: it declares none, weight-standard is silent).
    standard_weights: dict[str, Decimal] | None = None
    #: Methods for a missed ≤ target, the edition's first: ratio (A/B × 分值), linear.
    reverse_methods: list[Literal["ratio", "linear"]] = ["ratio", "linear"]
    #: Qualitative band sets, the edition's first: national (80/60), hubei (80/50).
    qualitative_bands: list[Literal["national", "hubei"]] = ["national"]
    #: Grade band sets (each from 0 up), the edition's first.
    grade_bands: list[list[GradeBand]] = Field(default_factory=lambda: [[
        GradeBand(name="优", min=Decimal(90)), GradeBand(name="良", min=Decimal(80)),
        GradeBand(name="中", min=Decimal(60)), GradeBand(name="差", min=Decimal(0))]])
    #: Whether the form prints a 评价等级 (Yunnan does, beside the 总分).
    grade_printed: bool = False
    rounding: Rounding = Field(default_factory=Rounding)
    money_unit: Literal["万元", "元"] = "万元"
    total_weight: Decimal = Decimal(100)

    @model_validator(mode="after")
    def _consistent(self) -> "Edition":
        for index, bands in enumerate(self.grade_bands):
            if not bands:
                raise ValueError(f"grade_bands[{index}]：一组评价等级至少要有一个等级")
            if min(band.min for band in bands) != 0:
                raise ValueError(f"grade_bands[{index}]：最低的评价等级必须从 0 开始")
            names = [band.name for band in bands]
            if len(set(names)) != len(names):
                raise ValueError(f"grade_bands[{index}]：评价等级的名称不能重复")
        if self.standard_weights is not None and any(v <= 0 for v in self.standard_weights.values()):
            raise ValueError("standard_weights：每个分值都必须大于 0")
        return self

    __plain__ = edition.Edition
