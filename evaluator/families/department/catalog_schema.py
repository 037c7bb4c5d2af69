"""The pydantic models that validate an indicator catalog (see
:mod:`evaluator.families.department.catalog`); imported only when a catalog's text is validated."""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from pydantic import Field, model_validator

from evaluator.families.department import catalog
from evaluator.families.strict import Strict, YearPattern
from evaluator.values.numbers import fmt

_Strict = Strict


class Labels(_Strict):
    department: list[str] = ["部门名称"]
    units: list[str] = ["单位数"]
    total: list[str] = ["总分"]
    grade: list[str] = ["评价等级"]
    year: YearPattern = r"(\d{4})\s*年度?"


class Headers(_Strict):
    level1: list[str]
    level2: list[str]
    level3: list[str]
    weight: list[str]
    score: list[str]
    reason: list[str]
    remedy: list[str] = []
    explanation: list[str] = []


class Texts(_Strict):
    goal: list[str] = []
    achievement: list[str] = []
    unmet_reason: list[str] = []


class FormIdentity(_Strict):
    id: str
    title: str
    labels: Labels = Field(default_factory=Labels)
    headers: Headers
    texts: Texts = Field(default_factory=Texts)
    #: The share of the catalog's 三级 indicators a table must hold to be claimed as this form.
    claim_share: Decimal = Field(default=Decimal("0.4"), gt=0, le=1)
    #: The share it must hold to be judged as the whole form; between the two, the rows that are
    #: the catalog's are judged one by one and the form is said to be partly read.
    whole_share: Decimal = Field(default=Decimal("0.8"), gt=0, le=1)

    @model_validator(mode="after")
    def _shares(self) -> "FormIdentity":
        if self.whole_share < self.claim_share:
            raise ValueError(f"whole_share {self.whole_share} 小于 claim_share {self.claim_share}：整表校验所需的份额不能低于认领所需的份额")
        return self


class BudgetItem(_Strict):
    key: str
    labels: list[str]


class BudgetIdentity(_Strict):
    left: list[str] = Field(min_length=1)
    right: list[str] = Field(min_length=1)


class Budget(_Strict):
    unit: str = "万元"
    items: list[BudgetItem] = []
    identities: list[BudgetIdentity] = []

    @model_validator(mode="after")
    def _identities_name_items(self) -> "Budget":
        keys = [item.key for item in self.items]
        if len(set(keys)) != len(keys):
            raise ValueError("budget.items：各项的 key 不能重复")
        for identity in self.identities:
            for key in identity.left + identity.right:
                if key not in keys:
                    raise ValueError(f"budget.identities：勾稽关系用到“{key}”，但 budget.items 中没有这一项")
        return self


class GradeBand(_Strict):
    """A grade band of any department edition (a catalog's, a scored tree's)."""

    name: str
    min: Decimal
    max: Decimal
    include_max: bool = False

    __plain__ = catalog.GradeBand


def check_bands(grades: list[GradeBand], total_weight: Decimal) -> None:
    """Grade bands from 0 to the total (included), each ending where the next begins: else a
    ValueError naming the band."""
    bands = sorted(grades, key=lambda band: band.min)
    if bands[0].min != 0:
        raise ValueError("grades：评价等级的分数段必须从 0 开始")
    for low, high in zip(bands, bands[1:]):
        if low.max != high.min or low.include_max:
            raise ValueError(f"grades：评价等级“{low.name}”与“{high.name}”的分数段必须首尾相接，不能有空档或重叠")
    if bands[-1].max != total_weight or not bands[-1].include_max:
        raise ValueError(f"grades：最高的评价等级必须到 {fmt(total_weight)} 为止（含，include_max: true）")


class IndicatorNode(_Strict):
    """One node of the tree: a 一级 or 二级 group (with children) or a 三级 indicator (with an id)."""

    name: str
    weight: Decimal
    id: str | None = None
    scoring: Literal["declared", "rate"] = "declared"
    explanation: str = ""
    children: list["IndicatorNode"] = []

    @model_validator(mode="after")
    def _shape(self) -> "IndicatorNode":
        if self.children:
            if self.id is not None:
                raise ValueError(f"“{self.name}”：有下级指标的分组不能有 id")
            if self.scoring != "declared":
                raise ValueError(f"“{self.name}”：只有三级指标才有 scoring（计分方法）")
            total = sum((child.weight for child in self.children), Decimal(0))
            if total != self.weight:
                raise ValueError(
                    f"“{self.name}”：分值 {fmt(self.weight)} 不等于下级指标分值之和 {fmt(total)}"
                )
        elif self.id is None:
            raise ValueError(f"“{self.name}”：三级指标需要一个 id")
        if self.weight <= 0:
            raise ValueError(f"“{self.name}”：分值（weight）必须大于 0")
        return self


class CatalogModel(_Strict):
    form: FormIdentity
    budget: Budget = Field(default_factory=Budget)
    grades: list[GradeBand] = Field(min_length=1)
    total_weight: Decimal = Decimal(100)
    indicators: list[IndicatorNode] = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> "CatalogModel":
        total = sum((node.weight for node in self.indicators), Decimal(0))
        if total != self.total_weight:
            raise ValueError(f"indicators：一级指标分值合计为 {fmt(total)}，应为 {fmt(self.total_weight)}")
        for node in self.indicators:
            if not node.children or any(not child.children for child in node.children):
                raise ValueError(f"“{node.name}”：指标树需要三级（一级 → 二级 → 三级）")
            for child in node.children:
                if any(grand.children for grand in child.children):
                    raise ValueError(f"“{child.name}”：指标树只能有三级")
        ids = [leaf.id for one in self.indicators for two in one.children for leaf in two.children]
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            raise ValueError(f"indicators：三级指标的 id 不能重复：{'、'.join(duplicates)}")
        check_bands(self.grades, self.total_weight)
        return self
