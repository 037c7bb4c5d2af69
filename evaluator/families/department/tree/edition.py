"""A scored-tree edition, as data (``kind: scored-tree``), validated at load.

An edition says what identifies its form (its titles, the columns its header must hold, the
vocabulary of its 三级 indicators and the share of the rows read that must use it), the header
synonyms of each column, how points are written (a column, a bracket in the label, or the column
right of a level's label; the score column by its header or by its position, the last), the labels
of its total, grade and department, its grade bands and its rules. An unknown key, a rule nobody
implements or grade bands with a gap fail at once, naming the file and the key.
"""

from __future__ import annotations

import re
from decimal import Decimal
from functools import cached_property
from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator

from evaluator.families.schema import Strict, YearPattern, read_definition, validate_yaml
from evaluator.values.numbers import fmt
from evaluator.values.text import norm_label

FIELDS = ("level1", "level2", "level3", "weight", "score", "criteria", "reason", "explanation")
Field_ = Literal["level1", "level2", "level3", "weight", "score", "criteria", "reason", "explanation",
                 "weight1", "weight2"]
#: How a level's points are written: in a column (right of the level's label), in a bracket in the
#: label (``投入(15分)``), either, or not at all.
PointsAt = Literal["column", "bracket", "column-or-bracket", "none"]


class Columns(Strict):
    """Header synonyms of each column (matched ignoring spaces, quotes and full/half width)."""

    level1: list[str] = ["一级指标"]
    level2: list[str] = ["二级指标"]
    level3: list[str] = ["三级指标"]
    weight: list[str] = ["分值"]
    score: list[str] = ["自评得分", "得分"]
    criteria: list[str] = []
    reason: list[str] = []
    explanation: list[str] = []


class Points(Strict):
    level1: PointsAt = "column-or-bracket"
    level2: PointsAt = "column-or-bracket"
    level3: PointsAt = "column"
    #: The score column: the one headed by a score synonym, or (``last``) the last column headed by
    #: a points or score synonym (where the level columns are headed 得分 although they hold points).
    score: Literal["header", "last"] = "header"


class Identify(Strict):
    #: Titles the form prints (shown and used to name the form; never enough alone).
    titles: list[str] = []
    #: Columns the header row must hold.
    columns: list[Field_] = ["level3", "weight", "score"]
    #: Header labels that belong to another edition: a header holding one is not this edition's.
    not_columns: list[str] = []
    #: The 三级 vocabulary: a row's name holding one of these is this edition's.
    indicators: list[str] = Field(min_length=1)
    #: The share of the rows read whose name is in the vocabulary.
    share: Decimal = Field(default=Decimal("0.3"), gt=0, le=1)


class Labels(Strict):
    department: list[str] = ["部门名称", "单位名称", "部门（单位）名称", "部门(单位)名称", "主管部门"]
    total: list[str] = ["合计", "总分", "总计", "自评总分", "得分合计", "综合得分"]
    grade: list[str] = ["评价等级", "自评等级", "绩效等级", "等级"]
    year: YearPattern = r"(\d{4})\s*年度?"


class GradeBand(Strict):
    name: str
    min: Decimal
    max: Decimal
    include_max: bool = False

    def contains(self, total: Decimal) -> bool:
        if total < self.min:
            return False
        return total <= self.max if self.include_max else total < self.max

    def describe(self) -> str:
        return f"{fmt(self.min)}≤得分{'≤' if self.include_max else '<'}{fmt(self.max)}"


class TreeEditionModel(Strict):
    kind: Literal["scored-tree"]
    family: Literal["department"] = "department"
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    name: str
    province: str
    #: Where the layout was seen (published copies), for the reader of the edition.
    sources: list[str] = []
    identify: Identify
    columns: Columns = Field(default_factory=Columns)
    points: Points = Field(default_factory=Points)
    labels: Labels = Field(default_factory=Labels)
    total_weight: Decimal = Decimal(100)
    grades: list[GradeBand] = []
    rules: list[str] = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> "TreeEditionModel":
        from evaluator.families.department.tree.checks import TREE_CHECKS

        unknown = [rule for rule in self.rules if rule not in TREE_CHECKS]
        if unknown:
            raise ValueError(f"rules：{'、'.join(unknown)} 不是评分树的规则"
                             f"（可用：{'、'.join(TREE_CHECKS)}）")
        for name in self.identify.columns:
            name = "weight" if name in ("weight1", "weight2") else name
            if not getattr(self.columns, name) and not (name == "score" and self.points.score == "last"):
                raise ValueError(f"identify.columns：列出了 {name}，但 columns 中没有它的表头写法")
        if self.grades:
            bands = sorted(self.grades, key=lambda band: band.min)
            if bands[0].min != 0:
                raise ValueError("grades：评价等级的分数段必须从 0 开始")
            for low, high in zip(bands, bands[1:]):
                if low.max != high.min or low.include_max:
                    raise ValueError(f"grades：评价等级“{low.name}”与“{high.name}”的分数段必须首尾相接，不能有空档或重叠")
            if bands[-1].max != self.total_weight or not bands[-1].include_max:
                raise ValueError(f"grades：最高的评价等级必须到 {fmt(self.total_weight)} 为止（含，include_max: true）")
        return self


class TreeEdition:
    """A validated scored-tree edition, where it came from and the digest of its text."""

    def __init__(self, model: TreeEditionModel, source: str, digest: str) -> None:
        self.model = model
        self.source = source
        self.digest = digest

    @property
    def id(self) -> str:
        return self.model.id

    def titles(self) -> list[str]:
        return list(self.model.identify.titles)

    @cached_property
    def vocabulary(self) -> tuple[str, ...]:
        return tuple(key for key in (norm_label(word) for word in self.model.identify.indicators) if key)

    @cached_property
    def synonyms(self) -> dict[str, str]:
        table: dict[str, str] = {}
        for name in FIELDS:
            for label in getattr(self.model.columns, name):
                table.setdefault(norm_label(label), name)
        return table

    @cached_property
    def required_keys(self) -> tuple[frozenset[str], ...]:
        """For each column the header must hold, the normalised labels that may head it."""
        columns = self.model.columns
        required = []
        for name in self.model.identify.columns:
            synonyms = list(columns.weight if name in ("weight1", "weight2") else getattr(columns, name))
            if name == "score" and self.model.points.score == "last":
                synonyms += columns.weight
            required.append(frozenset(norm_label(label) for label in synonyms))
        return tuple(required)

    def knows(self, name: str) -> bool:
        key = norm_label(re.sub(r"[(（][^()（）]*分[)）]", "", name))
        return any(word in key for word in self.vocabulary)

    def grade_for(self, total: Decimal) -> GradeBand | None:
        return next((band for band in self.model.grades if band.contains(total)), None)

    def describe(self) -> list[str]:
        model = self.model
        own = {"weight1": "一级分值", "weight2": "二级分值"}
        columns = "、".join(own.get(name) or (getattr(model.columns, name)[0] if getattr(model.columns, name) else name)
                           for name in model.identify.columns)
        share = f"{model.identify.share * 100:.0f}%"
        titles = "、".join(model.identify.titles) or "（无）"
        points = {"column": "分值列", "bracket": "标签括号内", "column-or-bracket": "分值列或标签括号内",
                  "none": "不印"}
        grades = "；".join(f"{band.name} {band.describe()}" for band in model.grades) or "不印评价等级"
        return [f"名称：{model.name}（{model.province}，评分树）",
                f"识别：表头有 {columns} 各列，且读到的三级指标中至少 {share} 属于本版本的指标词表；标题（{titles}）仅作显示",
                f"分值：一级{points[model.points.level1]}，二级{points[model.points.level2]}，"
                f"三级{points[model.points.level3]}；得分列{'为末列' if model.points.score == 'last' else '按表头'}；"
                f"满分 {fmt(model.total_weight)}",
                f"等级：{grades}",
                f"规则：{'、'.join(model.rules)}",
                f"来源：{self.source}"]


def parse_tree_edition(text: str, source: str = "<edition>") -> TreeEdition:
    """Validate edition text; raise :class:`CatalogError` naming the file and the first problem."""
    model, digest = validate_yaml(text, source, TreeEditionModel, "评分树版本文件",
                                  "kind、id、name、province、identify、columns、points、rules")
    return TreeEdition(model, source, digest)


def load_tree_edition(path: str | Path) -> TreeEdition:
    return parse_tree_edition(read_definition(path, "版本文件"), str(path))
