"""What every family's definitions share: a strict model base, the year pattern, and loading a
YAML definition (a department catalog, a project edition) so that a bad file fails at once,
naming the file and the key, before any workbook is read."""

from __future__ import annotations

import errno
import os
import pickle
import re
import sys
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Sequence, TypeVar

from evaluator.cache import cache_folder, trusted, write_atomically
from evaluator.families.plain import Plain
from evaluator.values.digest import sha256_hex


class CatalogError(ValueError):
    """A definition file is missing, not YAML, or not valid. The message, in Chinese, says where:
    the file, the path of the key in the YAML (``indicators[0].children[1].weight``) and what is
    wrong there."""


T = TypeVar("T")


def load_yaml(text: str):
    """``yaml.safe_load(text)``, with the C loader where PyYAML was built with libyaml (ten times
    faster on the editions), else the pure-Python one; both accept the same safe subset. PyYAML is
    imported here: a check whose definitions come from the cache does not import it."""
    import yaml

    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # noqa: S506 - a safe loader


#: Definitions already validated in this process: (model, source, text) → (plain value, digest).
_VALIDATED: dict[tuple[str, str, str], tuple[Any, str]] = {}


def validate_yaml(text: str, source: str, model: str, what: str, keys: str) -> tuple[Any, str]:
    """``text`` validated as ``model`` and the SHA-256 of the text; :class:`CatalogError` naming
    ``source`` and the first problem otherwise (``what`` names the kind, ``keys`` its main keys).

    ``model`` names the pydantic model (``"package.module:Class"``); the value returned is its
    :class:`~evaluator.families.plain.Plain` copy (the same fields, read-only), which loads from
    the cache without importing pydantic or the model's module: those are imported only when a
    text must be validated. The same text is parsed and validated once per process (a watched
    folder re-reads them)."""
    key = (model, source, text)
    if key not in _VALIDATED:
        digest = sha256_hex(text)
        module = model.partition(":")[0]
        _VALIDATED[key] = remembered(model, text, lambda: _validate(text, source, model, what, keys),
                                     lambda value: (isinstance(value, tuple) and len(value) == 2
                                                    and isinstance(value[0], Plain) and value[1] == digest),
                                     module, "evaluator.families.plain", *_plain_modules(module))
    return _VALIDATED[key]


#: What a pydantic error type means, in the words the message gives a person ({ctx} keys filled in).
_PROBLEMS = {
    "missing": "缺少这个键",
    "extra_forbidden": "不认识这个键（拼写有误，或放错了层级）",
    "decimal_parsing": "应为数字", "decimal_type": "应为数字", "float_parsing": "应为数字", "float_type": "应为数字",
    "int_parsing": "应为整数", "int_type": "应为整数", "int_from_float": "应为整数",
    "string_type": "应为文字", "list_type": "应为列表（[…] 或每行一个 - …）", "tuple_type": "应为列表",
    "dict_type": "应为映射（键: 值）", "model_type": "应为映射（键: 值）", "model_attributes_type": "应为映射（键: 值）",
    "bool_parsing": "应为 true 或 false", "bool_type": "应为 true 或 false",
    "literal_error": "应为 {expected} 之一",
    "enum": "应为 {expected} 之一",
    "greater_than": "应大于 {gt}", "greater_than_equal": "应大于等于 {ge}",
    "less_than": "应小于 {lt}", "less_than_equal": "应小于等于 {le}",
    "too_short": "至少要有 {min_length} 项", "too_long": "至多只能有 {max_length} 项",
    "string_too_short": "至少要有 {min_length} 个字符", "string_too_long": "至多只能有 {max_length} 个字符",
    "decimal_max_places": "小数位数至多为 {decimal_places}",
}
#: Types whose message shows the value found (a wrong value, not a wrong shape).
_SHOW_INPUT = {"literal_error", "enum", "greater_than", "greater_than_equal", "less_than", "less_than_equal",
               "decimal_parsing", "float_parsing", "int_parsing", "int_from_float", "bool_parsing",
               "string_type", "decimal_type", "float_type", "int_type", "bool_type"}


def _path(loc: tuple) -> str:
    """Where in the YAML: ``indicators[0].children[2].weight`` (list positions from 0)."""
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += ("." if text else "") + str(part)
    return text or "（顶层）"


def _shown(value) -> str:
    text = repr(value) if not isinstance(value, str) else f"“{value}”"
    return text if len(text) <= 60 else text[:57] + "…"


def _listed(expected) -> str:
    """pydantic's ``'a', 'b' or 'c'`` as ``a、b、c``."""
    parts = re.split(r",\s*|\s+or\s+", str(expected))
    return "、".join(part.strip().strip("'\"") for part in parts if part.strip())


def problem_text(error: dict) -> str:
    """One validation error in Chinese: the path in the YAML and what is wrong there."""
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    if kind in ("value_error", "assertion_error") and "error" in ctx:
        what = str(ctx["error"])
        # a model's own check names its key itself (``rules：…``); a field's check is at its path
        return what if not error.get("loc") else f"{_path(error['loc'])}：{what}"
    template = _PROBLEMS.get(kind)
    if template is None:
        what = f"不符合要求（{error.get('msg', kind)}）"
    else:
        try:
            what = template.format(**{key: _listed(value) if key == "expected" else str(value)
                                       for key, value in ctx.items()})
        except (KeyError, IndexError):
            what = template
    if kind in _SHOW_INPUT and "input" in error:
        what += f"，实为 {_shown(error['input'])}"
    return f"{_path(error.get('loc', ()))}：{what}"


#: The YAML parser's most frequent complaints, said in Chinese (others keep the parser's words).
_YAML_PROBLEMS = (
    ("mapping values are not allowed", "这里不能出现“键: 值”（缩进有误，或文字中的冒号需加引号）"),
    ("cannot start any token", "含有不能出现在这里的字符（常见原因：用制表符缩进，YAML 只能用空格缩进）"),
    ("did not find expected key", "缩进有误，这里应为一个键"),
    ("did not find expected ',' or ']'", "方括号列表 […] 没有闭合，或其中少了逗号"),
    ("did not find expected ',' or '}'", "花括号映射 {…} 没有闭合，或其中少了逗号"),
    ("did not find expected '-' indicator", "列表的缩进有误，这里应为以 - 开头的一项"),
    ("found unexpected end of stream", "文件在引号或括号闭合之前就结束了"),
    ("found undefined alias", "引用了未定义的锚点（*名称）"),
    ("expected <block end>", "缩进有误，这一行与上一层级对不齐"),
)


def yaml_problem(exc: Exception) -> str:
    """Where a YAML syntax error is (line and column from 1) and what is wrong, in Chinese where
    the parser's complaint is a known one."""
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    problem = getattr(exc, "problem", None) or str(exc)
    said = next((chinese for words, chinese in _YAML_PROBLEMS if words in problem), None)
    where = f"第 {mark.line + 1} 行第 {mark.column + 1} 列：" if mark is not None else ""
    return f"不是有效的 YAML：{where}{said or f'语法错误（解析器提示：{problem}）'}"


# The validated definitions cached between processes ----------------------------------------------
#
# Parsing the editions and validating them with their models is most of a one-file check's start-up,
# and their text rarely changes: a definition validated once is kept as a pickle in the user's cache
# folder (:func:`evaluator.cache.cache_folder`; ``EVALUATOR_CACHE_DIR=off`` turns it off), keyed by
# the text, the model, the source files that define the model and the versions of this package,
# pydantic and Python. Only definitions that validated are kept; anything wrong with the cache
# (missing, unreadable, stale, from another model, or a file another user owns or can write: a
# pickle runs code as it loads) means the text is parsed and validated again, as without one.


@lru_cache(maxsize=None)
def _pydantic_mark() -> str:
    """pydantic's version, told by its version file (found without importing pydantic, which a
    check whose definitions come from the cache never needs)."""
    from importlib.util import find_spec

    spec = find_spec("pydantic")
    if spec is None or spec.origin is None:
        return "?"
    status = os.stat(Path(spec.origin).with_name("version.py"))
    return f"{status.st_size}:{status.st_mtime_ns}"


def _plain_modules(schema_module: str) -> tuple[str, ...]:
    """The module holding a schema module's plain classes (``…catalog_schema`` → ``…catalog``)."""
    return (schema_module.removesuffix("_schema"),) if schema_module.endswith("_schema") else ()


@lru_cache(maxsize=None)
def _source_mark(module_name: str) -> str:
    """The size and modification time of the file that defines a module (the models' shape),
    found without importing it; once per process (the code a process runs does not change)."""
    module = sys.modules.get(module_name)
    try:
        path = getattr(module, "__file__", None)
        if path is None:
            from importlib.util import find_spec

            path = find_spec(module_name).origin  # type: ignore[union-attr]
        status = os.stat(path)  # type: ignore[arg-type]
    except (AttributeError, TypeError, OSError, ImportError, ValueError):
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
                if trusted(os.fstat(stream.fileno())):
                    value = pickle.load(stream)  # noqa: S301 - a file of this user's that only they can write
                    if valid(value):
                        return value
        except Exception:  # noqa: BLE001 - a missing or unusable cache entry: compute again
            pass
    value = compute()
    if path is not None:
        _store(path, value)
    return value


def _cache_path(name: str, text: str, modules: Sequence[str]) -> Path | None:
    try:
        folder = cache_folder()
        if folder is None:
            return None
        from evaluator import __version__

        pydantic_version = _pydantic_mark()

        key = "|".join([__version__, pydantic_version, sys.version, name,
                        *(_source_mark(module) for module in (*modules, __name__)), text])
        return folder / f"definition-{sha256_hex(key)[:40]}.pickle"
    except Exception:  # noqa: BLE001 - no cache folder (no home directory): no cache
        return None


def _store(path: Path, value: object) -> None:
    try:
        write_atomically(path, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
    except Exception:  # noqa: BLE001 - a cache that cannot be written only costs time
        pass


def _validate(text: str, source: str, model: str, what: str, keys: str) -> tuple[Any, str]:
    import yaml
    from importlib import import_module

    from pydantic import ValidationError

    from evaluator.families.strict import plain

    module, _, name = model.partition(":")
    model_class = getattr(import_module(module), name)

    try:
        data = load_yaml(text)
    except yaml.YAMLError as exc:
        raise CatalogError(f"{source}：{yaml_problem(exc)}") from exc
    if not isinstance(data, dict):
        raise CatalogError(f"{source}：{what}应为一个映射（键: 值），主要的键为 {keys}")
    try:
        parsed = plain(model_class.model_validate(data))
    except ValidationError as exc:
        problems = "；".join(problem_text(err) for err in exc.errors())
        raise CatalogError(f"{source}：{what}有误：{problems}") from None
    return parsed, sha256_hex(text)


def read_definition(path: str | Path, what: str) -> str:
    """The text of a definition file; :class:`CatalogError` when it cannot be read."""
    try:
        return Path(path).read_text("utf-8")
    except UnicodeDecodeError as exc:
        raise CatalogError(f"{path}：无法读取{what}：文件不是 UTF-8 编码（第 {exc.start + 1} 个字节起）") from exc
    except OSError as exc:
        raise CatalogError(f"{path}：无法读取{what}：{_OS_PROBLEMS.get(exc.errno, exc.strerror or str(exc))}") from exc


#: Why a file cannot be read, in Chinese (others keep the system's words).
_OS_PROBLEMS = {errno.ENOENT: "文件不存在", errno.EACCES: "没有读取权限", errno.EPERM: "没有读取权限",
                errno.EISDIR: "这是一个文件夹，不是文件", errno.ENOTDIR: "路径中有一段不是文件夹"}
