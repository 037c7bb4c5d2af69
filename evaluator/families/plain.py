"""What a validated definition is once validated: plain, read-only objects that load without
pydantic.

A definition (a catalog, an edition) is validated by its pydantic model (the ``*_schema``
modules) when its text is first read; what the rules and readers get is a :class:`Plain` copy of
it: the same field names and values (lists, dicts, decimals, nested copies), read-only, iterable
as ``(name, value)`` pairs and compared by value, as the model was. A family gives a copy its own
methods by naming a subclass in its model (``__plain__``). These copies are what the definitions
cache keeps, so a check whose definitions come from the cache imports neither pydantic nor the
models.
"""

from __future__ import annotations

from typing import Any, Iterator


class Plain:
    """A validated definition's fields, read-only (see the module docstring)."""

    def __init__(self, **fields: Any) -> None:
        self.__dict__.update(fields)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"{type(self).__name__} is read-only: {name}")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"{type(self).__name__} is read-only: {name}")

    def __iter__(self) -> Iterator[tuple[str, Any]]:
        return iter(self.__dict__.items())

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return self.__dict__ == other.__dict__

    def __hash__(self) -> int:   # as a frozen model's: unhashable when a field is a list
        return hash((type(self), *self.__dict__.values()))

    def __repr__(self) -> str:
        return f"{type(self).__name__}({', '.join(f'{name}={value!r}' for name, value in self)})"
