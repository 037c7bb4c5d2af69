"""The pydantic models that validate a coefficient-form edition (see
:mod:`evaluator.families.department.coefficient.edition`); imported only when an edition's text
is validated."""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from pydantic import Field, model_validator

from evaluator.families.strict import Strict, YearPattern


class FundsColumns(Strict):
    initial: list[str] = ["年初预算数"]
    budget: list[str] = ["全年(调整)预算数", "全年预算数", "调整预算数"]
    spent: list[str] = ["全年执行数", "执行数"]
    rate: list[str] = ["执行率(%)", "执行率"]
    weight: list[str] = ["执行率权重", "权重"]
    score: list[str] = ["执行率得分(分)", "执行率得分"]


class IndicatorColumns(Strict):
    name: list[str] = ["指标名称"]
    unit: list[str] = ["计量单位"]
    nature: list[str] = ["指标性质"]
    target: list[str] = ["年初指标值"]
    adjusted: list[str] = ["调整指标值", "全年(调整)指标值"]
    actual: list[str] = ["全年完成值", "实际完成值"]
    coefficient: list[str] = ["得分系数(%)", "得分系数"]
    weight: list[str] = ["指标权重(分)", "指标权重"]
    score: list[str] = ["指标得分(分)", "指标得分"]
    core: list[str] = ["是否核心指标"]


class Labels(Strict):
    department: list[str] = ["主管部门"]
    total: list[str] = ["自评总分(分)", "自评总分"]
    year: YearPattern = r"(\d{4})\s*年度?"


class CoefficientEditionModel(Strict):
    kind: Literal["coefficient"]
    family: Literal["department"] = "department"
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    name: str
    province: str
    sources: list[str] = []
    titles: list[str] = Field(min_length=1)
    funds: FundsColumns = Field(default_factory=FundsColumns)
    indicators: IndicatorColumns = Field(default_factory=IndicatorColumns)
    labels: Labels = Field(default_factory=Labels)
    total_weight: Decimal = Decimal(100)
    #: Indicators met at or below their target (a name holding one of these), where the target
    #: prints no ≤: 财政供养人员控制率 100% is met by 92%.
    lower_is_better: list[str] = ["控制率", "变动率", "调整率", "结余率", "结转率", "差错率", "投诉率"]
    #: Decimals a score is rounded to (half-up, like Excel's ROUND).
    score_places: int = Field(default=2, ge=0, le=4)
    rules: list[str] = Field(min_length=1)

    @model_validator(mode="after")
    def _known_rules(self) -> "CoefficientEditionModel":
        from evaluator.families.department.coefficient.checks import COEFFICIENT_CHECKS

        unknown = [rule for rule in self.rules if rule not in COEFFICIENT_CHECKS]
        if unknown:
            raise ValueError(f"rules：{'、'.join(unknown)} 不是得分系数表的规则"
                             f"（可用：{'、'.join(COEFFICIENT_CHECKS)}）")
        return self
