"""The title of every rule by its slug, as the rule registry (:data:`evaluator.rules.RULES`) gives
it, for the reports.

The registry imports every family's rules; a report of one form needs only the titles of the
rules it names. The table of titles is kept in the definitions cache (see
:mod:`evaluator.families.schema`), keyed by the size and modification time of every source file
of the families, the file rules and the registry, so that it is rebuilt from the registry whenever
one of them changes (and on every run when the cache is off).
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent.parent
#: The sources the titles come from: the registry, the file rules, every family's rules.
_SOURCES = ("rules.py", "checks", "families")


def _sources_mark() -> str:
    """Every source file the titles may come from, with its size and modification time."""
    marks = []
    package = f"{_PACKAGE}{os.sep}"   # the walk's paths all start with it: cut, not os.path.relpath (half the time)
    for name in _SOURCES:
        top = _PACKAGE / name
        if top.is_file():
            status = top.stat()
            marks.append(f"{name}:{status.st_size}:{status.st_mtime_ns}")
            continue
        for folder, folders, files in os.walk(top):
            folders[:] = sorted(entry for entry in folders if entry != "__pycache__")
            for file in sorted(files):
                if file.endswith(".py"):
                    path = os.path.join(folder, file)
                    status = os.stat(path)
                    marks.append(f"{path.removeprefix(package)}:{status.st_size}:{status.st_mtime_ns}")
    return "\n".join(marks)


def _from_registry() -> dict[str, str]:
    from evaluator.rules import RULES

    return {slug: rule.title for slug, rule in RULES.items()}


def _valid(value: object) -> bool:
    return isinstance(value, dict) and bool(value) and all(
        isinstance(slug, str) and isinstance(title, str) for slug, title in value.items())


@lru_cache(maxsize=1)
def rule_titles() -> dict[str, str]:
    """``{slug: title}`` of every rule (:data:`evaluator.rules.RULES`)."""
    from evaluator.families.schema import remembered

    return remembered("rule-titles", _sources_mark(), _from_registry, _valid)
