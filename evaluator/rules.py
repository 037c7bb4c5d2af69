"""The rule registry: every rule of every family, keyed by its stable slug.

The reference (``evaluator rules``, the table in docs/rules.md) is generated from here. A family's rules
are listed by its own ``checks`` package; the rules about files are in :mod:`evaluator.checks`.

A slug means one thing in every family that uses it (``score-out-of-range`` is a score outside
0…分值 on a department form and on a project form alike), so it appears once in ``RULES``, with
the first family's :class:`Rule`; ``FAMILIES_OF[slug]`` names the families that use it and
``FAMILY_RULES[family][slug]`` gives each family's own rule (its examples speak of its form).
``DOCS[slug]`` joins the documentation of every family that uses the slug.
"""

from __future__ import annotations

from types import ModuleType

from evaluator import checks as file_checks
from evaluator.checks.base import Rule
from evaluator.families import REGISTRY

#: Each family's rule modules, in the order their rules are documented.
FAMILY_MODULES: dict[str, tuple[ModuleType, ...]] = {entry.id: entry.rule_modules for entry in REGISTRY}
#: The families by the title of their form, for the reference.
FAMILY_TITLES: dict[str, str] = {entry.id: entry.title for entry in REGISTRY}
#: The rules about files, which every family shares.
FILE_MODULES: tuple[ModuleType, ...] = file_checks.MODULES

RULES: dict[str, Rule] = {}
DOCS: dict[str, str] = {}
FAMILIES_OF: dict[str, tuple[str, ...]] = {}
FAMILY_RULES: dict[str, dict[str, Rule]] = {family: {} for family in FAMILY_MODULES}


def _doc(module: ModuleType) -> str:
    return (module.__doc__ or "").strip()


for _family, _modules in FAMILY_MODULES.items():
    for _module in _modules:
        _slug = _module.RULE.slug
        if _slug in FAMILY_RULES[_family]:
            # One family, two forms of it (a catalog, a scored tree) sharing a slug: one rule.
            DOCS[_slug] += f"\n\n{_doc(_module)}"
            continue
        FAMILY_RULES[_family][_slug] = _module.RULE
        if _slug not in RULES:
            RULES[_slug] = _module.RULE
            DOCS[_slug] = _doc(_module)
            FAMILIES_OF[_slug] = (_family,)
        else:
            FAMILIES_OF[_slug] += (_family,)
            DOCS[_slug] += f"\n\n{FAMILY_TITLES[_family]}：{_doc(_module)}"
for _module in FILE_MODULES:
    RULES[_module.RULE.slug] = _module.RULE
    DOCS[_module.RULE.slug] = _doc(_module)
    FAMILIES_OF[_module.RULE.slug] = tuple(FAMILY_MODULES)

__all__ = ["DOCS", "FAMILIES_OF", "FAMILY_MODULES", "FAMILY_RULES", "FAMILY_TITLES", "FILE_MODULES", "RULES"]
