"""The user's cache folder, and the compiled code of the record classes kept in it.

Two things are kept there between runs of the command, each only ever to save time: the validated
definitions (:func:`evaluator.families.schema.remembered`) and, here, the code the standard
library's ``dataclasses`` generates for each record class (``__init__``, ``__repr__``, ``__eq__``,
and for a frozen class ``__setattr__``, ``__delattr__``, ``__hash__``).

``dataclasses`` writes those methods as source text and compiles it every time a class is defined:
on Python 3.11, 207 compilations for the 46 classes a one-file check loads, a tenth of the
command's work. :func:`remember_generated_code` keeps what each text compiles to, the way Python
keeps a module's bytecode in ``__pycache__``: the code is looked up by the exact text it was compiled
from, so a class whose fields changed compiles anew, and the methods are those ``dataclasses`` would
have made (same text, compiled with the same flags; ``tests/test_code_cache.py`` compares them).
Only the command turns it on (``evaluator/__main__.py``); importing the package changes nothing.

Anything wrong with the file (missing, unreadable, truncated, of another Python, or a file another
user owns or can write: code runs as it loads) means the texts are compiled as without it. The
folder is ``EVALUATOR_CACHE_DIR``, else ``$XDG_CACHE_HOME/evaluator`` or ``~/.cache/evaluator``;
``EVALUATOR_CACHE_DIR=off`` turns both caches off.
"""

from __future__ import annotations

import builtins
import marshal
import os
import sys
from pathlib import Path
from types import CodeType

#: At most this many texts are kept; past it, only those the last run used.
KEEP = 2000


def cache_folder() -> Path | None:
    """Where the caches are, or ``None`` when caching is off."""
    chosen = os.environ.get("EVALUATOR_CACHE_DIR")
    if chosen is not None:
        return None if chosen.strip().lower() in ("", "off", "0", "no") else Path(chosen)
    if sys.platform == "win32" and os.environ.get("LOCALAPPDATA"):
        return Path(os.environ["LOCALAPPDATA"]) / "evaluator" / "Cache"
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "evaluator"


def trusted(status: os.stat_result) -> bool:
    """Whether a cache file is this user's and writable by no one else (what it holds runs as it
    loads: a pickle, compiled code)."""
    if not hasattr(os, "getuid"):
        return True
    return status.st_uid == os.getuid() and not status.st_mode & 0o022


def write_atomically(path: Path, data: bytes) -> None:
    """``data`` at ``path``, whole or not at all (a temporary file beside it, then renamed), readable
    and writable by its owner only whatever the umask: :func:`trusted` refuses a file others can
    write. (:func:`evaluator.outputs.atomic.replacing` gives an output the umask's permissions, as a
    report must have.)"""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:   # left by a process of the same number that was killed while writing
        os.unlink(temporary)
        handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise


class GeneratedCode:
    """The code compiled from each text ``dataclasses`` generated, read from and written to ``path``."""

    def __init__(self, path: Path):
        self.path = path
        #: each text and its code, marshalled: only the texts this run's classes generate are loaded
        self.codes: dict[str, bytes] = self._read()
        self.used: set[str] = set()
        self.compiled = 0

    def _read(self) -> dict[str, bytes]:
        try:
            with open(self.path, "rb") as stream:
                if not trusted(os.fstat(stream.fileno())):
                    return {}
                codes = marshal.loads(stream.read())   # load(stream) reads it piece by piece: slow
        except Exception:  # noqa: BLE001 - no usable file: compile as without one
            return {}
        if not isinstance(codes, dict):
            return {}
        return {text: code for text, code in codes.items() if isinstance(text, str) and isinstance(code, bytes)}

    def _code(self, source: str):
        """The code ``source`` compiles to: kept from an earlier run, else compiled now."""
        kept = self.codes.get(source)
        if kept is not None:
            try:
                code = marshal.loads(kept)
                if type(code) is CodeType:
                    return code
            except Exception:  # noqa: BLE001 - a damaged entry: compile it again
                pass
        # the flags exec gives a text from dataclasses: none of this module's __future__ imports
        code = compile(source, "<string>", "exec", dont_inherit=True)
        self.codes[source] = marshal.dumps(code)
        self.compiled += 1
        return code

    def exec(self, source, globals=None, locals=None, /, *args, **kwargs):
        """``exec`` as ``dataclasses`` calls it, with a text's code compiled once."""
        if args or kwargs or type(source) is not str:
            return builtins.exec(source, globals, locals, *args, **kwargs)
        self.used.add(source)
        return builtins.exec(self._code(source), globals, locals)

    def save(self) -> None:
        """Keep what was compiled, when anything was (at the process's exit)."""
        if not self.compiled:
            return
        codes = self.codes if len(self.codes) <= KEEP else {text: self.codes[text] for text in self.used}
        try:
            write_atomically(self.path, marshal.dumps(codes))
        except Exception:  # noqa: BLE001 - a cache that cannot be written only costs time
            pass


def remember_generated_code() -> GeneratedCode | None:
    """Have the record classes defined from now on in this process reuse the code compiled in
    earlier runs (see the module's docstring); ``None`` when caching is off or already on."""
    import dataclasses

    folder = cache_folder()
    if folder is None or isinstance(getattr(getattr(dataclasses, "exec", None), "__self__", None), GeneratedCode):
        return None
    # code objects are Python's own to each release (the name keeps releases apart)
    release = ".".join(map(str, sys.version_info[:3]))
    generated = GeneratedCode(folder / f"dataclass-code-{sys.implementation.cache_tag}-{release}.marshal")
    dataclasses.exec = generated.exec   # the module's own name for exec shadows the builtin
    import atexit

    atexit.register(generated.save)
    return generated
