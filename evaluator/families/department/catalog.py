"""The indicator catalog: what a form is, as data.

A catalog (YAML) declares a form's identity and the labels that locate its parts, the indicator tree
with the 分值 (weight) and 指标解释 (explanation) of every 三级指标 (level-3 indicator), how each one is
scored, the grade bands (评价等级) and the budget identities. It is validated when it is loaded: an
unknown key, a weight that does not add up, two indicators with one id or a gap between grade bands
fails at once, never halfway through a batch. The models that validate it are in
:mod:`evaluator.families.department.catalog_schema`; what the reader and the checks get is their
plain copy (:mod:`evaluator.families.plain`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from pathlib import Path
from typing import Any

from evaluator.families.plain import Plain
from evaluator.families.schema import read_definition, validate_yaml
from evaluator.values.numbers import fmt
from evaluator.values.text import norm_label

DEFAULT_CATALOG = "guangzhou-department-2022.yaml"


class GradeBand(Plain):
    """A grade band (评价等级) of a validated catalog: ``name``, ``min``, ``max``, ``include_max``."""

    def contains(self, total: Decimal) -> bool:
        if total < self.min:
            return False
        return total <= self.max if self.include_max else total < self.max

    def describe(self) -> str:
        upper = "≤" if self.include_max else "<"
        return f"{fmt(self.min)}≤得分{upper}{fmt(self.max)}"


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

    model: Any   # the validated CatalogModel, as its plain copy
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
    def form(self) -> Any:
        return self.model.form

    @property
    def budget(self) -> Any:
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
    model, digest = validate_yaml(text, source, "evaluator.families.department.catalog_schema:CatalogModel", "指标目录", "form、budget、grades、indicators")
    return Catalog(model=model, source=source, digest=digest)


def load_catalog(path: str | Path | None = None) -> Catalog:
    """Load a catalog file, or the bundled Guangzhou catalog when ``path`` is None."""
    if path is None:
        from importlib import resources   # here, not at the top: a check reads the editions through the registry

        text = resources.files("evaluator.families.department.editions").joinpath(DEFAULT_CATALOG).read_text("utf-8")
        return parse_catalog(text, DEFAULT_CATALOG)
    return parse_catalog(read_definition(path, "指标目录"), str(path))
