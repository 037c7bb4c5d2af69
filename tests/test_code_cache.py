"""The command keeps the code dataclasses generates for its record classes (evaluator/cache.py):
the methods are those dataclasses makes without it, a second run compiles none of them, and a
missing, damaged or untrusted file is only time lost. Each case runs in a fresh interpreter."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import SAMPLES

REPO = Path(__file__).resolve().parent.parent

#: Record classes of every kind dataclasses makes, besides the package's own.
KINDS = '''
from __future__ import annotations
import dataclasses
from dataclasses import InitVar, dataclass, field
from typing import ClassVar

@dataclass
class Plain:
    a: int
    b: str = "x"
    c: list = field(default_factory=list)
    d: int = field(default=3, compare=False, repr=False)
    shared: ClassVar[int] = 1

@dataclass(frozen=True, order=True)
class Frozen:
    a: int
    b: tuple = ()

@dataclass(kw_only=True, slots=True)
class KeywordsOnly:
    a: int
    b: int = 2

@dataclass
class Later:
    a: int
    scale: InitVar[int] = 1
    def __post_init__(self, scale):
        self.a *= scale

@dataclass(frozen=True)
class Child(Frozen):
    c: str = "c"

@dataclass(unsafe_hash=True, eq=True)
class Hashed:
    a: int
    b: int = field(default=0, hash=False)
'''

PROBE = '''
import json, sys, types
%s
from evaluator.cache import remember_generated_code
generated = remember_generated_code() if %r else None
module = sys.modules["kinds"] = types.ModuleType("kinds")   # in sys.modules as its classes are made
exec(compile(%r, "kinds", "exec"), module.__dict__)
kinds = module.__dict__
from evaluator.cli import main
try:
    main(["check", %r])
except SystemExit:
    pass

import dataclasses, gc

def shape(value):
    if isinstance(value, types.CodeType):
        return {"code": value.co_code.hex(), "consts": [shape(c) for c in value.co_consts],
                "names": value.co_names, "vars": value.co_varnames, "free": value.co_freevars,
                "cells": value.co_cellvars, "flags": value.co_flags, "args": value.co_argcount,
                "kwonly": value.co_kwonlyargcount, "name": value.co_qualname, "file": value.co_filename,
                "lines": value.co_linetable.hex(), "exceptions": value.co_exceptiontable.hex()}
    return repr(value)

classes = [c for c in gc.get_objects() if isinstance(c, type) and dataclasses.is_dataclass(c)
           and (c.__module__.startswith("evaluator") or c.__module__ == "kinds")]
methods = {}
for cls in classes:
    for name in ("__init__", "__repr__", "__eq__", "__lt__", "__setattr__", "__delattr__", "__hash__"):
        function = cls.__dict__.get(name)
        function = getattr(function, "__wrapped__", function)   # __repr__ guarded against recursion
        if isinstance(function, types.FunctionType):
            methods[f"{cls.__module__}.{cls.__qualname__}.{name}"] = {
                "code": shape(function.__code__), "defaults": repr(function.__defaults__),
                "kwdefaults": repr(function.__kwdefaults__), "annotations": repr(function.__annotations__),
                "closure": [repr(cell.cell_contents) for cell in function.__closure__ or ()]}
k = kinds
behaviour = [repr(k["Plain"](1)), k["Plain"](1) == k["Plain"](1, d=9), repr(k["Frozen"](1) < k["Frozen"](2)),
             hash(k["Frozen"](1)) == hash(k["Frozen"](1)), repr(k["KeywordsOnly"](a=1)), k["Later"](2, 3).a,
             repr(k["Child"](1)), hash(k["Hashed"](1, 2)) == hash(k["Hashed"](1, 5))]
try:
    k["Frozen"](1).a = 2
except dataclasses.FrozenInstanceError as exc:
    behaviour.append(type(exc).__name__)
sys.stdout = sys.__stdout__
print(json.dumps({"methods": methods, "behaviour": behaviour,
                  "compiled": generated.compiled if generated else None,
                  "hooked": hasattr(dataclasses, "exec")}))
'''


def _probe(cache: Path | str, remember: bool = True, before: str = "") -> dict:
    environment = {**os.environ, "EVALUATOR_CACHE_DIR": str(cache)}
    code = PROBE % (before, remember, KINDS, str(SAMPLES / "correct-form.xlsx"))
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True,
                          timeout=120, env=environment)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.rstrip("\n").rsplit("\n", 1)[-1])


def _kept(cache: Path) -> list[Path]:
    return sorted(cache.glob("dataclass-code-*.marshal"))


def test_the_methods_are_those_dataclasses_makes_and_a_second_run_compiles_none(tmp_path):
    cache = tmp_path / "cache"
    without = _probe("off", remember=False)
    cold = _probe(cache)
    warm = _probe(cache)
    assert without["hooked"] is False and cold["hooked"] is True
    # (without the caches the editions are validated too, so more classes are made than warm)
    assert len(warm["methods"]) > 150, "the package's record classes and the kinds above were seen"
    for made in (cold["methods"], warm["methods"]):
        assert {name: without["methods"].get(name) for name in made} == made
    assert warm["behaviour"] == cold["behaviour"] == without["behaviour"]
    assert cold["compiled"] > 150 and warm["compiled"] == 0
    [kept] = _kept(cache)
    if hasattr(os, "getuid"):
        assert kept.stat().st_mode & 0o777 == 0o600


@pytest.mark.parametrize("damage", ["empty", "garbage", "truncated", "wrong shape", "bad entry"])
def test_a_damaged_file_is_compiled_again_and_mended(tmp_path, damage):
    import marshal

    cache = tmp_path / "cache"
    without = _probe("off", remember=False)
    _probe(cache)
    [kept] = _kept(cache)
    whole = kept.read_bytes()
    entries = marshal.loads(whole)
    kept.write_bytes({"empty": b"", "garbage": b"\x00not marshal\xff" * 10, "truncated": whole[: len(whole) // 2],
                      "wrong shape": marshal.dumps([1, 2, 3]),
                      "bad entry": marshal.dumps({text: b"\x00broken" for text in entries})}[damage])
    damaged = _probe(cache)
    assert {name: without["methods"].get(name) for name in damaged["methods"]} == damaged["methods"]
    assert damaged["compiled"] > 150
    assert _probe(cache)["compiled"] == 0, "the file was written again whole"


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="file ownership is a POSIX notion here")
def test_a_file_others_can_write_is_not_loaded(tmp_path):
    cache = tmp_path / "cache"
    _probe(cache)
    [kept] = _kept(cache)
    kept.chmod(0o666)
    assert _probe(cache)["compiled"] > 150


def test_off_writes_nothing_and_importing_the_package_changes_nothing(tmp_path):
    cache = tmp_path / "cache"
    assert _probe("off")["hooked"] is False
    assert _probe(cache, remember=False)["hooked"] is False   # a program that imports evaluator.cli
    assert not cache.exists() or _kept(cache) == []


def test_the_command_turns_it_on(tmp_path):
    """``python -m evaluator`` (and the console script, the same function) keeps the code."""
    cache = tmp_path / "cache"
    environment = {**os.environ, "EVALUATOR_CACHE_DIR": str(cache)}
    for _ in range(2):
        done = subprocess.run([sys.executable, "-m", "evaluator", "check", str(SAMPLES / "correct-form.xlsx")],
                              cwd=REPO, capture_output=True, text=True, timeout=120, env=environment)
        assert done.returncode == 0, done.stderr
        assert "通过" in done.stdout
    assert _kept(cache)


def test_the_console_script_is_the_command_that_keeps_it():
    import tomllib

    scripts = tomllib.loads((REPO / "pyproject.toml").read_text("utf-8"))["project"]["scripts"]
    assert scripts == {"evaluator": "evaluator.__main__:main"}
