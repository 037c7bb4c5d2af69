"""What every family's definitions share: a strict model base, the year pattern, and loading a
YAML definition (a department catalog, a project edition) so that a bad file fails at once,
naming the file and the key, before any workbook is read."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Annotated, TypeVar

import yaml
from pydantic import AfterValidator, BaseModel, ConfigDict, ValidationError


class CatalogError(ValueError):
    """A definition file is missing, not YAML, or not valid. The message says where."""


class Strict(BaseModel):
    """A definition model: unknown keys are refused, values are frozen once loaded."""

    model_config = ConfigDict(extra="forbid", frozen=True)


def _year_pattern(value: str) -> str:
    try:
        if re.compile(value).groups < 1:
            raise ValueError("the year pattern needs one group that captures the year")
    except re.error as exc:
        raise ValueError(f"not a regular expression: {exc}") from exc
    return value


#: A regular expression with one group that captures the year (``(\d{4})\s*年度?``).
YearPattern = Annotated[str, AfterValidator(_year_pattern)]

Model = TypeVar("Model", bound=BaseModel)


#: The C loader where PyYAML was built with libyaml (ten times faster on the editions), else the
#: pure-Python one; both accept the same safe subset.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml(text: str):
    """``yaml.safe_load(text)``, with the C loader when there is one."""
    return yaml.load(text, Loader=_LOADER)  # noqa: S506 - a safe loader


#: Definitions already validated in this process: (model, source, text) → (model instance, digest).
_VALIDATED: dict[tuple[type, str, str], tuple[BaseModel, str]] = {}


def validate_yaml(text: str, source: str, model: type[Model], what: str, keys: str) -> tuple[Model, str]:
    """``text`` validated as ``model`` and the SHA-256 of the text; :class:`CatalogError` naming
    ``source`` and the first problem otherwise (``what`` names the kind, ``keys`` its main keys).
    The same text is parsed and validated once per process (a watched folder re-reads them)."""
    key = (model, source, text)
    if key not in _VALIDATED:
        _VALIDATED[key] = _validate(text, source, model, what, keys)
    return _VALIDATED[key]  # type: ignore[return-value]


def _validate(text: str, source: str, model: type[Model], what: str, keys: str) -> tuple[Model, str]:
    try:
        data = load_yaml(text)
    except yaml.YAMLError as exc:
        raise CatalogError(f"{source}: not valid YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise CatalogError(f"{source}: {what} is a mapping with keys {keys}")
    try:
        parsed = model.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in err['loc']) or '(top)'}: {err['msg']}" for err in exc.errors()
        )
        raise CatalogError(f"{source}: invalid {what.split(' ', 1)[-1]}: {problems}") from None
    return parsed, hashlib.sha256(text.encode("utf-8")).hexdigest()


def read_definition(path: str | Path, what: str) -> str:
    """The text of a definition file; :class:`CatalogError` when it cannot be read."""
    try:
        return Path(path).read_text("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CatalogError(f"{path}: cannot read the {what}: {exc}") from exc
