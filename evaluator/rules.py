"""The rule registry: every rule of every family, keyed by its stable slug.

The reference (``evaluator rules``, the README's table) is generated from here. A family's rules
are listed by its own ``checks`` package; the rules about files are in :mod:`evaluator.checks`.
"""

from __future__ import annotations

from types import ModuleType

from evaluator import checks as file_checks
from evaluator.checks.base import Rule
from evaluator.families.department import checks as department_checks

_MODULES: tuple[ModuleType, ...] = department_checks.MODULES + file_checks.MODULES

RULES: dict[str, Rule] = {module.RULE.slug: module.RULE for module in _MODULES}
DOCS: dict[str, str] = {module.RULE.slug: (module.__doc__ or "").strip() for module in _MODULES}
