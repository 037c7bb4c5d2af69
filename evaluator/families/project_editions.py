"""How the registry loads the project family's editions (``families/project/edition.py``) and
describes them for ``evaluator editions``."""

from __future__ import annotations

from typing import Any


def bundled() -> list[Any]:
    from evaluator.families.project.edition import bundled_editions

    return bundled_editions()


def parse(text: str, source: str) -> Any:
    from evaluator.families.project.edition import parse_edition

    return parse_edition(text, source)


def edition_id(loaded: Any) -> str:
    return loaded.edition.id


def titles(loaded: Any) -> list[str]:
    return list(loaded.edition.titles)


def describe(loaded: Any) -> list[str]:
    from evaluator.families import BY_ID

    edition = loaded.edition
    rules = "、".join(module.RULE.slug for module in BY_ID["project"].rule_modules)
    grade = "印有评价等级" if edition.grade_printed else "不印评价等级"
    return [f"名称：{edition.title}",
            f"识别：标题含“{'”或“'.join(edition.titles)}”，并有标签“{'”“'.join(edition.identify)}”",
            f"满分 {edition.total_weight}，金额单位 {edition.money_unit}，{grade}",
            f"规则：{rules}",
            f"来源：{loaded.source}"]
