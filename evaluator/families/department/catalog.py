"""The indicator catalog: what a form is, as data.

A catalog (YAML) declares a form's identity and the labels that locate its parts, the indicator tree
with the 分值 (weight) and 指标解释 (explanation) of every 三级指标 (level-3 indicator), how each one is
scored, the grade bands (评价等级) and the budget identities. It is validated when it is loaded: an
unknown key, a weight that does not add up, two indicators with one id or a gap between grade bands
fails at once, never halfway through a batch.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator

from evaluator.families.schema import Strict, YearPattern, read_definition, validate_yaml
from evaluator.values.numbers import fmt
from evaluator.values.text import norm_label

DEFAULT_CATALOG = "guangzhou-department-2022.yaml"


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
    name: str
    min: Decimal
    max: Decimal
    include_max: bool = False

    def contains(self, total: Decimal) -> bool:
        if total < self.min:
            return False
        return total <= self.max if self.include_max else total < self.max

    def describe(self) -> str:
        upper = "≤" if self.include_max else "<"
        return f"{fmt(self.min)}≤得分{upper}{fmt(self.max)}"


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
        bands = sorted(self.grades, key=lambda band: band.min)
        if bands[0].min > 0:
            raise ValueError("grades：评价等级的分数段必须从 0 开始")
        for low, high in zip(bands, bands[1:]):
            if low.max != high.min or low.include_max:
                raise ValueError(f"grades：评价等级“{low.name}”与“{high.name}”的分数段必须首尾相接，不能有空档或重叠")
        if bands[-1].max != self.total_weight or not bands[-1].include_max:
            raise ValueError(f"grades：最高的评价等级必须到 {fmt(self.total_weight)} 为止（含，include_max: true）")
        return self


@dataclass(frozen=True)
class Indicator:
    """A 三级指标 with its place in the tree."""

    id: str
    name: str
    weight: Decimal
    scoring: str
    explanation: str
    level1: str
    level2: str
    position: int

    @cached_property
    def key(self) -> str:
        return norm_label(self.name)


@dataclass(frozen=True)
class Group:
    """A 一级 or 二级 node: its name, weight and the names of its children."""

    level: int
    name: str
    weight: Decimal
    parent: str | None
    children: tuple[str, ...]


@dataclass
class Catalog:
    """A validated catalog, with the lookups the reader and the checks need."""

    model: CatalogModel
    source: str
    digest: str
    indicators: list[Indicator] = field(default_factory=list)
    groups: dict[tuple[int, str], Group] = field(default_factory=dict)

    def __post_init__(self) -> None:
        position = 0
        for one in self.model.indicators:
            self.groups[(1, norm_label(one.name))] = Group(
                1, one.name, one.weight, None, tuple(child.name for child in one.children)
            )
            for two in one.children:
                self.groups[(2, norm_label(two.name))] = Group(
                    2, two.name, two.weight, one.name, tuple(leaf.name for leaf in two.children)
                )
                for leaf in two.children:
                    assert leaf.id is not None
                    self.indicators.append(
                        Indicator(
                            id=leaf.id,
                            name=leaf.name,
                            weight=leaf.weight,
                            scoring=leaf.scoring,
                            explanation=leaf.explanation,
                            level1=one.name,
                            level2=two.name,
                            position=position,
                        )
                    )
                    position += 1

    @property
    def id(self) -> str:
        """The edition's id: its file name without the suffix (``guangzhou-department-2022``)."""
        return Path(self.source).stem

    @property
    def form(self) -> FormIdentity:
        return self.model.form

    @property
    def budget(self) -> Budget:
        return self.model.budget

    @property
    def grades(self) -> list[GradeBand]:
        return self.model.grades

    @property
    def total_weight(self) -> Decimal:
        return self.model.total_weight

    def titles(self) -> list[str]:
        return [self.form.title]

    def describe(self) -> list[str]:
        """Chinese lines for ``evaluator editions``: its name, what identifies it, its rules."""
        from evaluator.families.department.checks import CATALOG_MODULES

        headers = self.form.headers
        columns = "、".join(names[0] for names in (headers.level1, headers.level2, headers.level3,
                                                   headers.weight, headers.score, headers.reason))
        share = f"{self.form.claim_share * 100:.0f}%"
        bands = "；".join(f"{band.name} {band.describe()}" for band in self.grades)
        return [f"名称：{self.form.title}（指标目录）",
                f"识别：表头有 {columns} 各列，且读到的行中至少有 {share} 的目录三级指标"
                f"（共 {len(self.indicators)} 个）；仅有标题不算",
                f"指标：一级 {len(self.model.indicators)} 个、三级 {len(self.indicators)} 个，满分 {fmt(self.total_weight)}",
                f"等级：{bands}",
                f"规则：{'、'.join(module.RULE.slug for module in CATALOG_MODULES)}",
                f"来源：{self.source}"]

    def grade_for(self, total: Decimal) -> GradeBand | None:
        return next((band for band in self.grades if band.contains(total)), None)

    def group(self, level: int, name: str) -> Group | None:
        return self.groups.get((level, norm_label(name)))


def parse_catalog(text: str, source: str = "<catalog>") -> Catalog:
    """Validate catalog text; raise :class:`CatalogError` naming the first problem."""
    model, digest = validate_yaml(text, source, CatalogModel, "指标目录", "form、budget、grades、indicators")
    return Catalog(model=model, source=source, digest=digest)


def load_catalog(path: str | Path | None = None) -> Catalog:
    """Load a catalog file, or the bundled Guangzhou catalog when ``path`` is None."""
    if path is None:
        text = resources.files("evaluator.families.department.editions").joinpath(DEFAULT_CATALOG).read_text("utf-8")
        return parse_catalog(text, DEFAULT_CATALOG)
    return parse_catalog(read_definition(path, "指标目录"), str(path))
