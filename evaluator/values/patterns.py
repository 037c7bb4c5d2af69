"""Regular expressions compiled when first used.

Compiling a pattern costs about a millisecond; a module that holds a dozen, most of them for files
or texts a given check never meets (a sheet with formulas, an .ods, an HTML table), would make
every start-up pay for all of them. :func:`lazy` stands for ``re.compile(pattern, flags)`` and
compiles on the first call of a method.
"""

from __future__ import annotations

import re


class Lazy:
    """A regular expression compiled on first use; it answers the methods and attributes of the
    compiled pattern."""

    _METHODS = ("search", "match", "fullmatch", "finditer", "findall", "sub", "subn", "split")

    def __init__(self, pattern: str | bytes, flags: int = 0) -> None:
        self._source = (pattern, flags)

    def __getattr__(self, name: str):
        compiled = re.compile(*self._source)
        # the methods become this object's own attributes: later calls cost what the pattern's do
        self.__dict__.update((method, getattr(compiled, method)) for method in self._METHODS)
        self.__dict__.update(pattern=compiled.pattern, flags=compiled.flags, groups=compiled.groups,
                             groupindex=compiled.groupindex)
        return getattr(compiled, name)


def lazy(pattern: str | bytes, flags: int = 0) -> Lazy:
    """``re.compile(pattern, flags)``, compiled when a method is first called."""
    return Lazy(pattern, flags)
