"""The pydantic side of the definitions: the strict model base, the year pattern, and the plain
copy of a validated model (:mod:`evaluator.families.plain`). Imported only when a definition's
text must be validated (not when it comes from the definitions cache)."""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict

from evaluator.families.plain import Plain


class Strict(BaseModel):
    """A definition model: unknown keys are refused, values are frozen once loaded.

    ``__plain__`` names the :class:`Plain` subclass its validated copy is (with the methods the
    rules call); :class:`Plain` itself by default."""

    # The validators are built when a definition is first validated, not when a module defining a
    # model is imported: a check whose editions come from the cache never builds them.
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    __plain__ = Plain


def _year_pattern(value: str) -> str:
    try:
        if re.compile(value).groups < 1:
            raise ValueError("年份的正则表达式需要一个捕获年份的分组（如 (\\d{4})）")
    except re.error as exc:
        raise ValueError(f"不是有效的正则表达式：{exc}") from exc
    return value


#: A regular expression with one group that captures the year (``(\d{4})\s*年度?``).
YearPattern = Annotated[str, AfterValidator(_year_pattern)]


def plain(value: Any) -> Any:
    """A validated model as its :class:`Plain` copy (lists, tuples and dicts copied through)."""
    if isinstance(value, BaseModel):
        kind = getattr(type(value), "__plain__", Plain)
        return kind(**{name: plain(getattr(value, name)) for name in type(value).model_fields})
    if isinstance(value, list):
        return [plain(item) for item in value]
    if isinstance(value, tuple):
        return tuple(plain(item) for item in value)
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    return value
