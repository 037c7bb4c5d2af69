"""What every family's definitions share: a strict model base, the year pattern, and loading a
YAML definition (a department catalog, a project edition) so that a bad file fails at once,
naming the file and the key, before any workbook is read."""

from __future__ import annotations

import hashlib
import os
import pickle
import re
import sys
import tempfile
from pathlib import Path
from typing import Annotated, Callable, Sequence, TypeVar

from pydantic import AfterValidator, BaseModel, ConfigDict, ValidationError


class CatalogError(ValueError):
    """A definition file is missing, not YAML, or not valid. The message says where."""


class Strict(BaseModel):
    """A definition model: unknown keys are refused, values are frozen once loaded."""

    # The validators are built when a definition is first validated, not when a module defining a
    # model is imported: a check whose editions come from the cache never builds them.
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


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
T = TypeVar("T")


def load_yaml(text: str):
    """``yaml.safe_load(text)``, with the C loader where PyYAML was built with libyaml (ten times
    faster on the editions), else the pure-Python one; both accept the same safe subset. PyYAML is
    imported here: a check whose definitions come from the cache does not import it."""
    import yaml

    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # noqa: S506 - a safe loader


#: Definitions already validated in this process: (model, source, text) → (model instance, digest).
_VALIDATED: dict[tuple[type, str, str], tuple[BaseModel, str]] = {}


def validate_yaml(text: str, source: str, model: type[Model], what: str, keys: str) -> tuple[Model, str]:
    """``text`` validated as ``model`` and the SHA-256 of the text; :class:`CatalogError` naming
    ``source`` and the first problem otherwise (``what`` names the kind, ``keys`` its main keys).
    The same text is parsed and validated once per process (a watched folder re-reads them)."""
    key = (model, source, text)
    if key not in _VALIDATED:
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
        _VALIDATED[key] = remembered(f"{model.__module__}.{model.__qualname__}", text,
                                     lambda: _validate(text, source, model, what, keys),
                                     lambda value: type(value[0]) is model and value[1] == digest,
                                     model.__module__)
    return _VALIDATED[key]  # type: ignore[return-value]


# The validated definitions cached between processes ----------------------------------------------
#
# Parsing the editions and validating them with their models is most of a one-file check's start-up,
# and their text rarely changes: a definition validated once is kept as a pickle in the user's cache
# folder (``EVALUATOR_CACHE_DIR``, else ``$XDG_CACHE_HOME/evaluator`` or ``~/.cache/evaluator``;
# ``EVALUATOR_CACHE_DIR=off`` turns it off), keyed by the text, the model, the source files that
# define the model and the versions of this package, pydantic and Python. Only definitions that
# validated are kept; anything wrong with the cache (missing, unreadable, stale, from another model,
# or a file another user owns or can write: a pickle runs code as it loads) means the text is parsed
# and validated again, as without one.


def cache_folder() -> Path | None:
    """Where validated definitions are cached, or ``None`` when caching is off."""
    chosen = os.environ.get("EVALUATOR_CACHE_DIR")
    if chosen is not None:
        return None if chosen.strip().lower() in ("", "off", "0", "no") else Path(chosen)
    if sys.platform == "win32" and os.environ.get("LOCALAPPDATA"):
        return Path(os.environ["LOCALAPPDATA"]) / "evaluator" / "Cache"
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "evaluator"


def _source_mark(module_name: str) -> str:
    """The size and modification time of the file that defines a module (the models' shape)."""
    module = sys.modules.get(module_name)
    try:
        status = os.stat(module.__file__)  # type: ignore[union-attr, arg-type]
    except (AttributeError, TypeError, OSError):
        return "?"
    return f"{status.st_size}:{status.st_mtime_ns}"


def remembered(name: str, text: str, compute: Callable[[], T], valid: Callable[[T], bool], *modules: str) -> T:
    """``compute()`` (what ``name`` makes of ``text``), from the cache when it holds it and the
    value passes ``valid``; computed and kept otherwise. An exception of ``compute`` is raised and
    nothing is kept. ``modules`` name the modules whose source shapes the value (with this one)."""
    path = _cache_path(name, text, modules)
    if path is not None:
        try:
            with open(path, "rb") as stream:
                if _own(os.fstat(stream.fileno())):
                    value = pickle.load(stream)  # noqa: S301 - a file of this user's that only they can write
                    if valid(value):
                        return value
        except Exception:  # noqa: BLE001 - a missing or unusable cache entry: compute again
            pass
    value = compute()
    if path is not None:
        _store(path, value)
    return value


def _own(status: os.stat_result) -> bool:
    """Whether a cache entry is this user's and writable by no one else (a pickle runs code as it loads)."""
    if not hasattr(os, "getuid"):
        return True
    return status.st_uid == os.getuid() and not status.st_mode & 0o022


def _cache_path(name: str, text: str, modules: Sequence[str]) -> Path | None:
    try:
        folder = cache_folder()
        if folder is None:
            return None
        from pydantic import VERSION as pydantic_version

        from evaluator import __version__

        key = "|".join([__version__, pydantic_version, sys.version, name,
                        *(_source_mark(module) for module in (*modules, __name__)), text])
        return folder / f"definition-{hashlib.sha256(key.encode('utf-8')).hexdigest()[:40]}.pickle"
    except Exception:  # noqa: BLE001 - no cache folder (no home directory): no cache
        return None


def _store(path: Path, value: object) -> None:
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".definition-", suffix=".tmp")
        try:
            with os.fdopen(handle, "wb") as stream:
                pickle.dump(value, stream, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(temporary, path)
        except BaseException:
            os.unlink(temporary)
            raise
    except Exception:  # noqa: BLE001 - a cache that cannot be written only costs time
        pass


def _validate(text: str, source: str, model: type[Model], what: str, keys: str) -> tuple[Model, str]:
    import yaml

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
