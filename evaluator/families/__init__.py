"""Form families side by side: each folder holds one form's detector and reader, its model, its
derived figures, its rules and its editions (the form's definitions, as validated YAML).

The registry (:data:`REGISTRY`) is the one place that knows which families exist: each entry says
a family's id, its printed title and short label, where its family object and its rules live, and
how its editions are loaded. Nothing outside ``families/`` names a family; the runner, the rule
reference and the outputs ask the registry.

:class:`Definitions` is everything a run checks against: every family's editions, bundled and
added with ``--catalog``, loaded and validated before any workbook is read (any number of families,
each any number of editions at once). Its digest keys the manifest, so adding an edition checks
again the files it might now recognise.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import import_module
from pathlib import Path
from types import ModuleType
from typing import Any, Sequence

from evaluator.families.schema import CatalogError, load_yaml, read_definition, yaml_problem
from evaluator.values.digest import sha256_hex


@dataclass(frozen=True)
class Registered:
    """One family as the registry knows it.

    ``family`` and ``checks`` are module paths (imported when first needed): the module ``family``
    has ``FAMILY`` (the object that claims and checks sheets), ``checks`` has ``MODULES`` (its rule
    modules, in the order they are documented). ``editions`` is a module path with ``bundled()``
    (the editions shipped), ``parse(text, source)`` (one edition file, validated),
    ``edition_id(edition)`` and ``describe(edition)`` (Chinese lines for ``evaluator editions``).
    """

    id: str
    title: str
    label: str
    family: str
    checks: str
    editions: str

    @property
    def loader(self) -> ModuleType:
        return import_module(self.editions)

    @property
    def rule_modules(self) -> tuple[ModuleType, ...]:
        return tuple(import_module(self.checks).MODULES)

    @property
    def object(self) -> Any:
        return import_module(self.family).FAMILY


#: Every family, in the order a sheet is offered to them.
REGISTRY: tuple[Registered, ...] = (
    Registered(id="department", title="部门整体支出绩效自评表", label="部门整体支出",
               family="evaluator.families.department.family",
               checks="evaluator.families.department.checks",
               editions="evaluator.families.department.editions"),
    Registered(id="project", title="项目支出绩效自评表", label="项目支出",
               family="evaluator.families.project.family",
               checks="evaluator.families.project.checks",
               editions="evaluator.families.project_editions"),
)
BY_ID = {entry.id: entry for entry in REGISTRY}
#: The family a ``--catalog`` file without a ``family:`` key belongs to.
DEFAULT_FAMILY = REGISTRY[0].id


def family_label(family: str | None) -> str | None:
    """The short label of a family (部门整体支出), the id itself for a family nobody registered."""
    if not family:
        return None
    entry = BY_ID.get(family)
    return entry.label if entry else family


def family_title(family: str | None) -> str | None:
    """The title of a family's form (项目支出绩效自评表); the id itself for a family nobody registered."""
    entry = BY_ID.get(family or "")
    return entry.title if entry else family


def filed_as(family: str | None, printed_title: str | None) -> str | None:
    """The label of another family whose form a printed title names (a 部门整体支出绩效自评表 laid
    out as, and read by, the project form), or None when the title is the family's own or no other's."""
    if not family or not printed_title:
        return None
    title = "".join(printed_title.split())
    for entry in REGISTRY:
        if entry.id != family and (entry.title in title or entry.label in title):
            return entry.title
    return None


@dataclass(frozen=True)
class Definitions:
    """The editions of every family a run knows, and the edition forced with ``--edition``.

    ``editions`` maps each family id to its editions, bundled ones first, then each ``--catalog``
    file's in the order given (a file with a bundled id takes the bundled one's place).
    """

    editions: dict[str, tuple[Any, ...]] = field(default_factory=dict)
    forced_edition: str | None = None

    def of(self, family: str) -> tuple[Any, ...]:
        return self.editions.get(family, ())

    def edition_id(self, family: str, edition: Any) -> str:
        return BY_ID[family].loader.edition_id(edition)

    def family_of(self, edition_id: str) -> str | None:
        return next((family for family, editions in self.editions.items()
                     if any(self.edition_id(family, edition) == edition_id for edition in editions)), None)

    @property
    def edition_ids(self) -> list[str]:
        return [self.edition_id(family, edition) for family, editions in self.editions.items() for edition in editions]

    @property
    def digest(self) -> str:
        parts = [edition.digest for editions in self.editions.values() for edition in editions]
        return sha256_hex("|".join([*parts, self.forced_edition or ""]))

    # Each family's own view ---------------------------------------------------------------------

    @property
    def department(self) -> Any:
        """The department family's catalog edition (Guangzhou's, or the ``--catalog`` one that
        replaced it): kept for the callers that check one catalog."""
        from evaluator.families.department.catalog import Catalog

        catalogs = [edition for edition in self.of("department") if isinstance(edition, Catalog)]
        return catalogs[-1] if catalogs else None

    @property
    def project(self) -> tuple[Any, ...]:
        return self.of("project")

    @property
    def project_editions(self) -> list[Any]:
        return [loaded.edition for loaded in self.of("project")]

    def project_edition(self, edition_id: str) -> Any:
        return next((loaded.edition for loaded in self.of("project") if loaded.edition.id == edition_id), None)


def _family_of(path: Path) -> tuple[str, str]:
    """The family a --catalog file names (``family:``; none means the default one) and its text."""
    text = read_definition(path, "版本文件")
    import yaml

    try:
        data = load_yaml(text)
    except yaml.YAMLError as exc:
        raise CatalogError(f"{path}：{yaml_problem(exc)}") from exc
    family = data.get("family", DEFAULT_FAMILY) if isinstance(data, dict) else DEFAULT_FAMILY
    if family not in BY_ID:
        known = "、".join(BY_ID)
        raise CatalogError(f"{path}：family：“{family}”不是已知的表式类别（已知：{known}）")
    return family, text


def load_definitions(catalog_files: Sequence[Path] = (), edition: str | None = None,
                     folders: Sequence[Path] = ()) -> Definitions:
    """The bundled editions plus ``catalog_files`` and every ``*.yaml`` of ``folders`` (each
    routed to the family it names); raises :class:`CatalogError` naming the place of the first
    problem, or an unknown ``edition``."""
    loaded: dict[str, dict[str, Any]] = {}
    for entry in REGISTRY:
        loader = entry.loader
        loaded[entry.id] = {loader.edition_id(one): one for one in loader.bundled()}
    paths = [Path(path) for path in catalog_files]
    for folder in folders:
        paths += sorted(Path(folder).glob("*.yaml"))
    for path in paths:
        family, text = _family_of(path)
        loader = BY_ID[family].loader
        one = loader.parse(text, str(path))
        editions = loaded[family]
        editions.pop(loader.edition_id(one), None)   # a file with a bundled id takes its place, at the end
        editions[loader.edition_id(one)] = one
    definitions = Definitions(editions={family: tuple(editions.values()) for family, editions in loaded.items()},
                              forced_edition=edition)
    if edition is not None and edition not in definitions.edition_ids:
        known = "、".join(definitions.edition_ids)
        raise CatalogError(f"--edition {edition}：没有这个版本（已知：{known}）")
    return definitions


def known_titles(definitions: Definitions) -> list[str]:
    """The titles every known edition prints (a sheet under one is a known form not found)."""
    return [title for entry in REGISTRY for edition in definitions.of(entry.id)
            for title in entry.loader.titles(edition)]


def editions_text(definitions: Definitions) -> str:
    """Every family and edition, in Chinese: what identifies it and its rules (``evaluator editions``)."""
    blocks = []
    for entry in REGISTRY:
        loader = entry.loader
        editions = definitions.of(entry.id)
        lines = [f"{entry.label}（{entry.id}）：{entry.title}，{len(editions)} 个版本"]
        for edition in editions:
            lines.append(f"  {loader.edition_id(edition)}")
            lines += [f"    {line}" for line in loader.describe(edition)]
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def editions_table(definitions: Definitions) -> str:
    """The families and editions as a Markdown table (the README's list), from the registry."""
    lines = ["| 类别 | 版本 | 名称 | 识别依据 |", "|---|---|---|---|"]
    for entry in REGISTRY:
        loader = entry.loader
        for edition in definitions.of(entry.id):
            described = loader.describe(edition)
            name = described[0].split("：", 1)[-1] if described else ""
            identify = next((line.split("：", 1)[-1] for line in described if line.startswith("识别")), "")
            lines.append(f"| {entry.label} | `{loader.edition_id(edition)}` | {name} | {identify.replace('|', '/')} |")
    return "\n".join(lines)


def _families() -> tuple[Any, ...]:
    return tuple(entry.object for entry in REGISTRY)


#: Every family object, in the order a sheet is offered to them.
FAMILIES = _families()

__all__ = ["BY_ID", "CatalogError", "Definitions", "FAMILIES", "REGISTRY", "Registered", "editions_table",
           "editions_text", "family_label", "known_titles", "load_definitions"]
