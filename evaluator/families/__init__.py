"""Form families side by side: each folder holds one form's detector and reader, its model, its
derived figures, its rules and its editions (the form's definitions, as validated YAML).

:class:`Definitions` is everything a run checks against: every family's editions, bundled and
added with ``--catalog``, loaded and validated before any workbook is read. Its digest keys the
manifest, so adding an edition checks again the files it might now recognise.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Sequence

import yaml

from evaluator.families.department.catalog import Catalog, load_catalog, parse_catalog
from evaluator.families.schema import CatalogError, load_yaml

if TYPE_CHECKING:
    from evaluator.families.project.edition import Edition, LoadedEdition


@dataclass(frozen=True)
class Definitions:
    """The editions of every family a run knows, and the edition forced with ``--edition``.

    ``department`` is the department family's catalog (one at a time: the last ``--catalog``
    file without a ``family:`` key, else the bundled Guangzhou one); ``project`` holds every
    project edition by id, bundled ones first, a ``--catalog`` file with a bundled id in its
    place.
    """

    department: Catalog
    forced_edition: str | None = None
    project: tuple["LoadedEdition", ...] = ()

    @property
    def project_editions(self) -> list["Edition"]:
        return [loaded.edition for loaded in self.project]

    def project_edition(self, edition_id: str) -> "Edition | None":
        return next((loaded.edition for loaded in self.project if loaded.edition.id == edition_id), None)

    @property
    def edition_ids(self) -> list[str]:
        return [self.department.id, *(loaded.edition.id for loaded in self.project)]

    @property
    def digest(self) -> str:
        parts = [self.department.digest, *(loaded.digest for loaded in self.project), self.forced_edition or ""]
        return hashlib.sha256("|".join(parts).encode()).hexdigest()


def _family_of(path: Path) -> tuple[str, str]:
    """The family a --catalog file names (``family:``; none means department) and its text."""
    try:
        text = path.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CatalogError(f"{path}: cannot read the catalog: {exc}") from exc
    try:
        data = load_yaml(text)
    except yaml.YAMLError as exc:
        raise CatalogError(f"{path}: not valid YAML: {exc}") from exc
    family = data.get("family", "department") if isinstance(data, dict) else "department"
    if family not in ("department", "project"):
        raise CatalogError(f"{path}: family: {family!r} is not a known family (department, project)")
    return family, text


def load_definitions(catalog_files: Sequence[Path] = (), edition: str | None = None) -> Definitions:
    """The bundled editions plus ``catalog_files`` (each routed to the family it names); raises
    :class:`CatalogError` naming the place of the first problem, or an unknown ``edition``."""
    from evaluator.families.project.edition import bundled_editions, parse_edition

    department = load_catalog(None)
    project = {loaded.edition.id: loaded for loaded in bundled_editions()}
    for path in catalog_files:
        path = Path(path)
        family, text = _family_of(path)
        if family == "project":
            loaded = parse_edition(text, str(path))
            project[loaded.edition.id] = loaded
        elif "family:" in text and isinstance(load_yaml(text), dict):
            data = load_yaml(text)
            data.pop("family", None)
            catalog = parse_catalog(yaml.safe_dump(data, allow_unicode=True), str(path))
            department = Catalog(model=catalog.model, source=catalog.source,
                                 digest=hashlib.sha256(text.encode("utf-8")).hexdigest())
        else:
            department = load_catalog(path)
    definitions = Definitions(department=department, forced_edition=edition, project=tuple(project.values()))
    if edition is not None and edition not in definitions.edition_ids:
        known = "、".join(definitions.edition_ids)
        raise CatalogError(f"--edition {edition}: no such edition (known: {known})")
    return definitions


def _families():
    from evaluator.families.department.family import FAMILY as department
    from evaluator.families.project.family import FAMILY as project

    return (department, project)


#: Every family, in the order a sheet is offered to them.
FAMILIES = _families()

__all__ = ["CatalogError", "Definitions", "FAMILIES", "load_definitions"]
