"""Mutation testing: plant one small change at a time in the code that decides (the arithmetic, the
rules, the safety limits, the folder walk) and count how many the tests catch.

Slow (tens of minutes per module on two cores), so not part of CI. Needs the ``mutation`` extra::

    pip install -e '.[test,mutation]'
    python bench/mutation.py evaluator/values/numbers.py evaluator/checks/rows.py
    python bench/mutation.py --all                 # every module [tool.mutmut] names
    python bench/mutation.py --report              # the score of what was run, without running
    python bench/mutation.py --report --recheck    # … with each survivor tried again on today's tests

It runs mutmut (configured in pyproject.toml, ``[tool.mutmut]``; it works in ``mutants/``) on the
modules named, then writes per module: mutants, killed, survived, timeouts, the score (killed and
timed out over all tried) and the survivors not listed in tests/mutation-equivalent.txt, to
bench/mutation-score.json and to stdout. ``--recheck`` applies each unexplained survivor to the
source in turn (``mutmut apply``), runs the tests once on it and puts the file back: a survivor a
test written since the run now kills is counted killed (``rechecked``), without a new full run. A survivor listed there is a mutant that cannot change
behaviour (the reason is written beside it); any other survivor is a test to write.
"""

from __future__ import annotations

import argparse
import fnmatch
import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
EQUIVALENT = REPO / "tests" / "mutation-equivalent.txt"
SCORE = REPO / "bench" / "mutation-score.json"

#: mutmut's exit codes of a tried mutant, by what they mean here.
KILLED = {1, 3}
TIMEOUT = {36, -24, 24, 152, 255}
SURVIVED = {0}


def _configured() -> list[str]:
    """The globs of [tool.mutmut] only_mutate, as written in pyproject.toml."""
    import tomllib

    config = tomllib.loads((REPO / "pyproject.toml").read_text("utf-8"))["tool"]["mutmut"]
    return list(config["only_mutate"])


def _modules(globs: list[str]) -> list[str]:
    """The source files the globs name, as paths relative to the repository."""
    found = []
    for path in sorted((REPO / "evaluator").rglob("*.py")):
        relative = path.relative_to(REPO).as_posix()
        if path.name != "__init__.py" and any(fnmatch.fnmatch(relative, glob) for glob in globs):
            found.append(relative)
    return found


def _mutant_glob(module: str) -> str:
    """mutmut's name pattern for every mutant of one module (``evaluator.values.numbers.*``)."""
    return module.removesuffix(".py").replace("/", ".") + ".*"


def equivalent() -> dict[str, str]:
    """Mutant name → why it cannot change behaviour, from tests/mutation-equivalent.txt
    (``name  # reason`` per line; blank lines and lines starting with # are ignored)."""
    listed: dict[str, str] = {}
    if EQUIVALENT.exists():
        for line in EQUIVALENT.read_text("utf-8").splitlines():
            line = line.strip()
            if line and not line.startswith("#"):
                name, _, reason = line.partition("#")
                listed[name.strip()] = reason.strip()
    return listed


def results(modules: list[str]) -> dict[str, dict]:
    """Per module, the counts of its tried mutants and its unexplained survivors (from mutants/)."""
    known = equivalent()
    report: dict[str, dict] = {}
    for module in modules:
        meta = REPO / "mutants" / (module + ".meta")
        if not meta.exists():
            continue
        codes: dict[str, int | None] = json.loads(meta.read_text("utf-8"))["exit_code_by_key"]
        tried = {name: code for name, code in codes.items() if code is not None}
        killed = sorted(name for name, code in tried.items() if code in KILLED)
        timeouts = sorted(name for name, code in tried.items() if code in TIMEOUT)
        survived = sorted(name for name, code in tried.items() if code in SURVIVED)
        listed = [name for name in survived if name in known]
        other = len(tried) - len(killed) - len(timeouts) - len(survived)
        caught = len(killed) + len(timeouts)
        report[module] = {
            "mutants": len(codes), "tried": len(tried), "killed": len(killed), "timeout": len(timeouts),
            "survived": len(survived), "equivalent": len(listed), "other": other,
            # killed (or timed out) over the tried mutants that can change behaviour
            "score": round(100 * caught / max(1, len(tried) - len(listed)), 1),
            "raw_score": round(100 * caught / max(1, len(tried)), 1),
            "new_survivors": [name for name in survived if name not in known],
        }
    return report


def recheck(report: dict[str, dict]) -> None:
    """Try each unexplained survivor again on the tests as they are now (see the module docstring)."""
    import tomllib

    selection = tomllib.loads((REPO / "pyproject.toml").read_text("utf-8"))["tool"]["mutmut"]
    args = [*selection.get("pytest_add_cli_args_test_selection", ["tests"])]
    for module, entry in report.items():
        source = REPO / module
        original = source.read_bytes()
        still = []
        for name in entry["new_survivors"]:
            try:
                subprocess.run(["mutmut", "apply", name], cwd=REPO, check=True, capture_output=True)
                if source.read_bytes() == original:
                    still.append(name)
                    continue
                code = subprocess.call([sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider", *args],
                                       cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            finally:
                source.write_bytes(original)
            (still if code == 0 else entry.setdefault("rechecked", [])).append(name)
            print(f"    {'survives' if code == 0 else 'killed now'}: {name}", flush=True)
        killed_now = len(entry.get("rechecked", []))
        entry["killed"] += killed_now
        entry["survived"] -= killed_now
        entry["new_survivors"] = still
        caught = entry["killed"] + entry["timeout"]
        entry["score"] = round(100 * caught / max(1, entry["tried"] - entry["equivalent"]), 1)
        entry["raw_score"] = round(100 * caught / max(1, entry["tried"]), 1)


def run(modules: list[str], children: int) -> int:
    command = ["mutmut", "run", "--max-children", str(children), *map(_mutant_glob, modules)]
    print("$", " ".join(command), flush=True)
    return subprocess.call(command, cwd=REPO, env={**os.environ, "PYTHONHASHSEED": "0"})


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("modules", nargs="*", help="source files (evaluator/values/numbers.py …)")
    parser.add_argument("--all", action="store_true", help="every module [tool.mutmut] only_mutate names")
    parser.add_argument("--report", action="store_true", help="only report what earlier runs left in mutants/")
    parser.add_argument("--recheck", action="store_true",
                        help="try each unexplained survivor again on the current tests (mutmut apply, restored)")
    parser.add_argument("--max-children", type=int, default=max(1, (os.cpu_count() or 2) - 1))
    args = parser.parse_args(argv)
    configured = _modules(_configured())
    modules = configured if args.all or not args.modules else [m for m in args.modules if m in configured]
    unknown = sorted(set(args.modules) - set(configured))
    if unknown:
        parser.error(f"not configured for mutation in pyproject.toml: {', '.join(unknown)}")
    if not args.report:
        run(modules, args.max_children)
    report = results(modules)
    if args.recheck:
        recheck(report)
    previous = json.loads(SCORE.read_text("utf-8")) if SCORE.exists() else {}
    SCORE.write_text(json.dumps({**previous, **report}, ensure_ascii=False, indent=1, sort_keys=True) + "\n", "utf-8")
    for module, entry in report.items():
        print(f"{module}: {entry['score']}% ({entry['killed']} killed, {entry['timeout']} timed out, "
              f"{entry['survived']} survived of which {entry['equivalent']} equivalent, of {entry['tried']} tried)")
        for name in entry["new_survivors"]:
            print(f"    survived: {name}    (mutmut show {name})")
    return 0 if all(not entry["new_survivors"] for entry in report.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
