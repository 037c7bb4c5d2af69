"""Bundled editions of the department-wide form (one YAML file each), and how the registry loads
and describes them.

Three kinds of edition: a *catalog* (the Guangzhou form: a fixed tree of 三级 indicators with ids,
weights and scoring methods, ``form:`` at the top), a *scored tree* (``kind: scored-tree``: the
tree, its points and its scoring rules are read from the sheet; the edition says where the columns
are, how points are written, its vocabulary and its rules) and a *coefficient form*
(``kind: coefficient``: Chongqing's 执行率 × 权重 and 得分系数 × 权重). A ``--catalog`` file with a bundled id
takes the bundled one's place; any other is added beside them.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from evaluator.families.schema import CatalogError, load_yaml, remembered, yaml_problem
from evaluator.values.digest import sha256_hex

#: The bundled editions, in the order they are offered a sheet.
BUNDLED = ("guangzhou-department-2022.yaml", "hunan-department-score.yaml", "input-process-indicators.yaml",
           "chongqing-department-coefficient.yaml", "anhui-shouxian-department.yaml",
           "sichuan-department-2017.yaml", "sichuan-department-budget.yaml")


@lru_cache(maxsize=64)
def _prepared(text: str, source: str) -> tuple[str, str | None]:
    """The edition's ``kind``, and for a catalog with ``family:`` or ``kind:`` keys the catalog's
    text without them (``None``: the text as it is); remembered between runs with the editions,
    and within a process."""
    digest = sha256_hex(text)
    _, kind, catalog_text = remembered(
        "department-kind", text, lambda: (digest, *_prepare(text, source)),
        lambda value: isinstance(value, tuple) and len(value) == 3 and value[0] == digest
        and isinstance(value[1], str) and (value[2] is None or isinstance(value[2], str)), __name__)
    return kind, catalog_text


def _prepare(text: str, source: str) -> tuple[str, str | None]:
    import yaml

    try:
        data = load_yaml(text)
    except yaml.YAMLError as exc:
        raise CatalogError(f"{source}：{yaml_problem(exc)}") from exc
    kind = data.get("kind", "catalog") if isinstance(data, dict) else "catalog"
    if kind == "catalog" and isinstance(data, dict) and ("family" in data or "kind" in data):
        data.pop("family", None)
        data.pop("kind", None)
        return kind, yaml.safe_dump(data, allow_unicode=True)
    return kind, None


def parse(text: str, source: str) -> Any:
    """One department edition file, validated (a catalog, or a scored tree with ``kind``)."""
    kind, catalog_text = _prepared(text, source)
    if kind == "scored-tree":
        from evaluator.families.department.tree.edition import parse_tree_edition

        return parse_tree_edition(text, source)
    if kind == "coefficient":
        from evaluator.families.department.coefficient.edition import parse_coefficient_edition

        return parse_coefficient_edition(text, source)
    if kind != "catalog":
        raise CatalogError(f"{source}：kind：应为 catalog、scored-tree 或 coefficient 之一，实为“{kind}”")
    from evaluator.families.department.catalog import parse_catalog

    if catalog_text is not None:
        parsed = parse_catalog(catalog_text, source)
        parsed.digest = sha256_hex(text)
        return parsed
    return parse_catalog(text, source)


def bundled() -> list[Any]:
    # this package's folder (installed as files): importlib.resources would load tempfile and
    # shutil at every start-up
    folder = Path(__file__).parent
    return [parse(folder.joinpath(name).read_text("utf-8"), name) for name in BUNDLED]


def edition_id(edition: Any) -> str:
    return edition.id


def titles(edition: Any) -> list[str]:
    return edition.titles()


def describe(edition: Any) -> list[str]:
    return edition.describe()
