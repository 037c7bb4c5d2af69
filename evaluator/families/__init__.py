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
from typing import Sequence

from evaluator.families.department.catalog import Catalog, CatalogError, load_catalog


@dataclass(frozen=True)
class Definitions:
    """The editions of every family a run knows, and the edition forced with ``--edition``."""

    department: Catalog
    forced_edition: str | None = None

    @property
    def digest(self) -> str:
        parts = [self.department.digest, self.forced_edition or ""]
        return hashlib.sha256("|".join(parts).encode()).hexdigest()


def load_definitions(catalog_files: Sequence[Path] = (), edition: str | None = None) -> Definitions:
    """The bundled editions plus ``catalog_files``; raises :class:`CatalogError` naming the place
    of the first problem."""
    department = load_catalog(catalog_files[-1]) if catalog_files else load_catalog(None)
    return Definitions(department=department, forced_edition=edition)


def _families():
    from evaluator.families.department.family import FAMILY as department

    return (department,)


#: Every family, in the order a sheet is offered to them.
FAMILIES = _families()

__all__ = ["CatalogError", "Definitions", "FAMILIES", "load_definitions"]
