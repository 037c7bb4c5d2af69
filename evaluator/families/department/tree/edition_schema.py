"""The pydantic models that validate a scored-tree edition (see
:mod:`evaluator.families.department.tree.edition`); imported only when an edition's text is
validated."""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from pydantic import Field, model_validator

from evaluator.families.department.catalog_schema import GradeBand, check_bands
from evaluator.families.strict import Strict, YearPattern

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
            check_bands(self.grades, self.total_weight)
        return self
