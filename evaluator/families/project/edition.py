"""Editions of the project form, as data: one validated YAML file per edition.

An edition says how one province (or the national template) prints the 项目支出绩效自评表: the
titles and labels that identify it, the labels and synonyms of its header fields, its funds block
and indicator block columns, the weights it declares, the scoring methods and bands its sources
document, its grade bands and whether it prints a grade, and its money unit. The reader and the
rules read these fields; adding a province's edition takes a YAML file, not code
(``--catalog FILE`` with ``family: project``).

Every key is validated at load: an unknown key, a wrong type, a method nobody implements or grade
bands that do not start at 0 fail at once with a :class:`~evaluator.families.department.catalog.
CatalogError` naming the file and the key. The models that validate an edition are in
:mod:`evaluator.families.project.edition_schema`; the rules get their plain copy (:class:`Edition`).
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from evaluator.families.plain import Plain
from evaluator.families.schema import read_definition, validate_yaml
from evaluator.values.text import norm_label

#: The edition that wins a tie: the national template.
NATIONAL = "project-national"
BUNDLED = ("project-national.yaml", "project-ab.yaml", "project-sichuan.yaml",
           "project-yunnan.yaml", "project-hubei.yaml")

_BRACKETS = re.compile(r"[(（【\[][^()（）【】\[\]]*[)）】\]]")


def loose_label(text: object) -> str:
    """A label compared loosely: :func:`norm_label` and without any bracketed part, so that
    ``全年预算数（A）``, ``得分(20分*执行率)`` and ``实施单位(盖章)`` read as their bare names."""
    return _loose_label(text) if isinstance(text, str) else _BRACKETS.sub("", norm_label(text))


def exact_label(text: object) -> str:
    """A label compared exactly (brackets kept, ASCII-folded): tells ``全年预算数(A)`` from
    ``全年预算数``."""
    return _exact_label(text) if isinstance(text, str) else _exact(norm_label(text))


# The reader and the detector compare every short text cell with several lists of labels, and the
# same cells' texts recur in every form of a batch: each text is worked out once (as norm_label's).
@lru_cache(maxsize=8192)
def _loose_label(text: str) -> str:
    return _BRACKETS.sub("", norm_label(text))


@lru_cache(maxsize=8192)
def _exact_label(text: str) -> str:
    return _exact(norm_label(text))


def _exact(normed: str) -> str:
    return normed.replace("（", "(").replace("）", ")")


class Edition(Plain):
    """One validated edition of the project form (the fields of
    :class:`evaluator.families.project.edition_schema.Edition`)."""

    # The rules' view -------------------------------------------------------------------------

    @property
    def name(self) -> str:
        return self.title

    def title_keys(self) -> list[str]:
        return [loose_label(title) for title in self.titles]

    def identify_keys(self) -> frozenset[str]:
        return frozenset(exact_label(label) for label in self.identify)


class LoadedEdition:
    """An edition with where it came from and the digest of its text."""

    def __init__(self, edition: Edition, source: str, digest: str) -> None:
        self.edition = edition
        self.source = source
        self.digest = digest


def parse_edition(text: str, source: str = "<edition>") -> LoadedEdition:
    """Validate edition text; raise :class:`CatalogError` naming the file and the first problem."""
    edition, digest = validate_yaml(text, source, "evaluator.families.project.edition_schema:Edition",
                                    "项目支出版本文件", "id、family、title、titles、identify 等")
    return LoadedEdition(edition, source, digest)


def load_edition(path: str | Path) -> LoadedEdition:
    return parse_edition(read_definition(path, "版本文件"), str(path))


def bundled_editions() -> list[LoadedEdition]:
    """The editions shipped in ``evaluator/families/project/editions/``."""
    # the folder beside this module (the package is installed as files): importlib.resources would
    # load tempfile and shutil at every start-up
    folder = Path(__file__).with_name("editions")
    return [parse_edition(folder.joinpath(name).read_text("utf-8"), name) for name in BUNDLED]
