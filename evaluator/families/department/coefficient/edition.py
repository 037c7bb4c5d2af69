"""A coefficient-form edition, as data (``kind: coefficient``), validated at load (by the models of
:mod:`evaluator.families.department.coefficient.edition_schema`; an edition holds their plain copy)."""

from __future__ import annotations

from functools import cached_property
from typing import Any

from evaluator.families.schema import validate_yaml
from evaluator.values.numbers import fmt
from evaluator.values.text import norm_label


class CoefficientEdition:
    def __init__(self, model: Any, source: str, digest: str) -> None:
        self.model = model
        self.source = source
        self.digest = digest
        self._keys: dict[str, dict[str, str]] = {}

    @property
    def id(self) -> str:
        return self.model.id

    def titles(self) -> list[str]:
        return list(self.model.titles)

    @cached_property
    def title_keys(self) -> tuple[str, ...]:
        return tuple(norm_label(title) for title in self.model.titles)

    def may_hold(self, index: dict[str, Any]) -> bool:
        """Whether a sheet whose labels are ``index`` (:func:`~evaluator.families.department.labels.labels`)
        may hold this form: some short label of it names the form's title, and one heads its
        coefficient column."""
        if not any(title in key for key in index for title in self.title_keys if len(key) <= 40):
            return False
        return any(name == "coefficient" and key in index for key, name in self.keys("indicators").items())

    def keys(self, block: str) -> dict[str, str]:
        """The header labels of a block (``funds``, ``indicators``), normalised, to their field."""
        if block not in self._keys:
            keys: dict[str, str] = {}
            for name, labels in dict(getattr(self.model, block)).items():
                for label in labels:
                    keys.setdefault(norm_label(label), name)
            self._keys[block] = keys
        return self._keys[block]

    def describe(self) -> list[str]:
        model = self.model
        return [f"名称：{model.name}（{model.province}，得分系数表）",
                f"识别：标题“{'”或“'.join(model.titles)}”，且有“{model.funds.weight[0]}”“{model.indicators.coefficient[0]}”"
                f"“{model.indicators.weight[0]}”各列",
                f"计分：执行率得分 = 执行率 × 执行率权重；指标得分 = 得分系数 × 指标权重；"
                f"自评总分 = 执行率得分 + Σ指标得分；满分 {fmt(model.total_weight)}；不印评价等级",
                f"规则：{'、'.join(model.rules)}",
                f"来源：{self.source}"]


def parse_coefficient_edition(text: str, source: str = "<edition>") -> CoefficientEdition:
    model, digest = validate_yaml(text, source,
                                  "evaluator.families.department.coefficient.edition_schema:CoefficientEditionModel", "得分系数版本文件",
                                  "kind、id、name、province、titles、funds、indicators、rules")
    return CoefficientEdition(model, source, digest)
