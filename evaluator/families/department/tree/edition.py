"""A scored-tree edition, as data (``kind: scored-tree``), validated at load.

An edition says what identifies its form (its titles, the columns its header must hold, the
vocabulary of its 三级 indicators and the share of the rows read that must use it), the header
synonyms of each column, how points are written (a column, a bracket in the label, or the column
right of a level's label; the score column by its header or by its position, the last), the labels
of its total, grade and department, its grade bands and its rules. An unknown key, a rule nobody
implements or grade bands with a gap fail at once, naming the file and the key. The models that validate it are in
:mod:`evaluator.families.department.tree.edition_schema`; an edition holds their plain copy.
"""

from __future__ import annotations

import re
from decimal import Decimal
from functools import cached_property
from pathlib import Path
from typing import Any

from evaluator.families.department.catalog import GradeBand  # the bands of every department edition
from evaluator.families.schema import read_definition, validate_yaml
from evaluator.values.numbers import fmt
from evaluator.values.text import norm_label

FIELDS = ("level1", "level2", "level3", "weight", "score", "criteria", "reason", "explanation")


class TreeEdition:
    """A validated scored-tree edition, where it came from and the digest of its text."""

    def __init__(self, model: Any, source: str, digest: str) -> None:
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

    def may_hold(self, index: dict[str, Any]) -> bool:
        """Whether a sheet whose labels are ``index`` (:func:`~evaluator.families.department.labels.labels`)
        may hold this form: every column the edition requires is headed somewhere on it."""
        return not any(keys.isdisjoint(index) for keys in self.required_keys)

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
    model, digest = validate_yaml(text, source, "evaluator.families.department.tree.edition_schema:TreeEditionModel", "评分树版本文件",
                                  "kind、id、name、province、identify、columns、points、rules")
    return TreeEdition(model, source, digest)


def load_tree_edition(path: str | Path) -> TreeEdition:
    return parse_tree_edition(read_definition(path, "版本文件"), str(path))
