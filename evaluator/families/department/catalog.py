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
            raise ValueError("budget item keys must be unique")
        for identity in self.identities:
            for key in identity.left + identity.right:
                if key not in keys:
                    raise ValueError(f"budget identity names {key!r}, which is not a budget item")
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
                raise ValueError(f"{self.name}: a group has children and no id")
            if self.scoring != "declared":
                raise ValueError(f"{self.name}: only a 三级指标 has a scoring method")
            total = sum((child.weight for child in self.children), Decimal(0))
            if total != self.weight:
                raise ValueError(
                    f"{self.name}: 分值 {fmt(self.weight)} is not the sum of its children's "
                    f"({fmt(total)})"
                )
        elif self.id is None:
            raise ValueError(f"{self.name}: a 三级指标 needs an id")
        if self.weight <= 0:
            raise ValueError(f"{self.name}: 分值 must be positive")
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
            raise ValueError(f"the 一级指标 sum to {fmt(total)}, not {fmt(self.total_weight)}")
        for node in self.indicators:
            if not node.children or any(not child.children for child in node.children):
                raise ValueError(f"{node.name}: the tree needs three levels (一级 → 二级 → 三级)")
            for child in node.children:
                if any(grand.children for grand in child.children):
                    raise ValueError(f"{child.name}: the tree has exactly three levels")
        ids = [leaf.id for one in self.indicators for two in one.children for leaf in two.children]
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            raise ValueError(f"indicator ids must be unique: {', '.join(duplicates)}")
        bands = sorted(self.grades, key=lambda band: band.min)
        if bands[0].min > 0:
            raise ValueError("the grade bands must start at 0")
        for low, high in zip(bands, bands[1:]):
            if low.max != high.min or low.include_max:
                raise ValueError(f"grade bands {low.name} and {high.name} must meet without gap or overlap")
        if bands[-1].max != self.total_weight or not bands[-1].include_max:
            raise ValueError(f"the top grade band must end at {fmt(self.total_weight)} inclusive")
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
    model, digest = validate_yaml(text, source, CatalogModel, "a catalog", "form, budget, grades, indicators")
    return Catalog(model=model, source=source, digest=digest)


def load_catalog(path: str | Path | None = None) -> Catalog:
    """Load a catalog file, or the bundled Guangzhou catalog when ``path`` is None."""
    if path is None:
        text = resources.files("evaluator.families.department.editions").joinpath(DEFAULT_CATALOG).read_text("utf-8")
        return parse_catalog(text, DEFAULT_CATALOG)
    return parse_catalog(read_definition(path, "catalog"), str(path))
