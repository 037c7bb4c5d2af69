"""A one-file check starts at once: it imports only what checking one workbook needs, and reads
the editions from the cache of validated definitions (see evaluator/families/schema.py), which
never changes an answer. Each case runs in a fresh interpreter and looks at what it imported."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import SAMPLES

REPO = Path(__file__).resolve().parent.parent

#: What ``evaluator check FORM.xlsx`` (text on stdout, no --out) has no use for.
NOT_FOR_ONE_FILE = (
    "openpyxl", "pandas", "numpy", "jinja2", "yaml", "filelock", "multiprocessing", "urllib.request",
    "evaluator.outputs.reporters.html", "evaluator.outputs.reporters.summary_xlsx",
    "evaluator.outputs.annotate", "evaluator.runner.lock", "evaluator.runner.manifest",
    "evaluator.runner.journal", "evaluator.runner.rounds", "evaluator.clierrors", "difflib",
    # the definitions come from the cache as plain objects: no model, and no pydantic, is imported
    "pydantic", "pydantic_core", "evaluator.families.strict", "evaluator.families.department.catalog_schema",
    "evaluator.families.department.tree.edition_schema", "evaluator.families.department.coefficient.edition_schema",
    "evaluator.families.project.edition_schema",
    # the readers of other kinds of file (an OLE2 .xls, text tables, formulas without values), the
    # folder walker, and what only writing a file needs
    "olefile", "csv", "html", "evaluator.intake.texttables", "evaluator.intake.formulas",
    "evaluator.runner.discovery", "tempfile", "importlib.resources",
    # OpenSSL's library, loaded by hashlib: the digests come from the interpreter's own SHA-256
    "hashlib", "_hashlib",
)

PROBE = """
import json, sys
from evaluator.__main__ import main   # the command: the record classes' code kept too
try:
    main(%r)
except SystemExit:
    pass
def models(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from models(sub)
built = []
if "evaluator.families.strict" in sys.modules:
    from evaluator.families.strict import Strict
    built = sorted({m.__qualname__ for m in models(Strict) if m.__dict__.get("__pydantic_complete__")})
sys.stdout = sys.__stdout__
print(json.dumps({"modules": sorted(sys.modules), "built": built}))
"""


def _run(args: list[str], cache: Path | str) -> tuple[dict, str]:
    environment = {**os.environ, "EVALUATOR_CACHE_DIR": str(cache)}
    done = subprocess.run([sys.executable, "-c", PROBE % (args,)], cwd=REPO, capture_output=True, text=True,
                          timeout=120, env=environment)
    assert done.returncode == 0, done.stderr
    *report, last = done.stdout.rstrip("\n").split("\n")
    return json.loads(last), "\n".join(report)


def _imported(modules: list[str], name: str) -> bool:
    return any(module == name or module.startswith(name + ".") for module in modules)


#: The rules of the families and editions a form is not of (each family's rules are imported once
#: one of its forms was read), and the registry of every rule (the reports' titles are cached).
OTHER_RULES = {
    "correct-form.xlsx": ("evaluator.rules", "evaluator.families.project.checks",
                          "evaluator.families.department.tree.checks",
                          "evaluator.families.department.coefficient.checks"),
    "project-national.xlsx": ("evaluator.rules", "evaluator.families.department.checks",
                              "evaluator.families.department.tree.checks",
                              "evaluator.families.department.coefficient.checks"),
}


#: The readers and models of the forms no sheet may hold: an edition's reader loads only once one of
#: the workbook's sheets holds its labels (:meth:`may_hold`), a project form's once a sheet is claimed.
OTHER_READERS = {
    "correct-form.xlsx": ("evaluator.families.project.reader", "evaluator.families.project.model",
                          "evaluator.families.department.tree.reader", "evaluator.families.department.tree.model",
                          "evaluator.families.department.coefficient.reader",
                          "evaluator.families.department.coefficient.model"),
    "project-national.xlsx": ("evaluator.families.department.coefficient.reader",
                              "evaluator.families.department.coefficient.model"),
}


@pytest.mark.parametrize("sample", ["correct-form.xlsx", "project-national.xlsx"])
def test_a_one_file_check_imports_only_what_it_needs(tmp_path, sample):
    args = ["check", str(SAMPLES / sample)]
    cold, cold_report = _run(args, tmp_path / "cache")
    warm, warm_report = _run(args, tmp_path / "cache")
    assert warm_report == cold_report and ("通过" in warm_report or "错误" in warm_report)
    unneeded = NOT_FOR_ONE_FILE + OTHER_RULES[sample] + OTHER_READERS[sample]
    assert [name for name in unneeded if _imported(warm["modules"], name)] == []
    # From the cache: no definition is parsed, and no model builds its validator.
    assert warm["built"] == []
    assert cold["built"], "the first run validates the editions (nothing was cached yet)"


def test_the_answers_are_the_same_without_the_cache_and_with_a_broken_one(tmp_path):
    args = ["check", str(SAMPLES / "planted-rate-score.xlsx"), "--format", "json"]
    _, without = _run(args, "off")
    cache = tmp_path / "cache"
    _, filled = _run(args, cache)
    entries = sorted(cache.glob("definition-*.pickle"))
    assert entries, "the validated editions are kept"
    for number, entry in enumerate(entries):   # truncated, garbage, or a value of another kind
        entry.write_bytes([b"", b"not a pickle", __import__("pickle").dumps(("x", "y"))][number % 3])
    result, broken = _run(args, cache)

    def stable(text):
        report = json.loads(text)
        report.pop("generated_at", None)
        return report

    assert stable(filled) == stable(without) == stable(broken)
    assert result["built"], "a broken cache entry is validated again"
    _, again = _run(args, cache)
    assert stable(again) == stable(without)


def test_caching_off_writes_nothing_and_a_bad_catalog_is_never_cached(tmp_path, monkeypatch):
    from evaluator.families import CatalogError, load_definitions
    from evaluator.families import schema

    monkeypatch.setenv("EVALUATOR_CACHE_DIR", "off")
    assert schema.cache_folder() is None
    cache = tmp_path / "cache"
    monkeypatch.setenv("EVALUATOR_CACHE_DIR", str(cache))
    schema._VALIDATED.clear()
    bad = tmp_path / "bad.yaml"
    bad.write_text("family: project\nid: bad\ntitle: x\ntitles: []\nidentify: [a]\n", "utf-8")
    for _ in range(2):   # the second time, too: an invalid definition is refused, not remembered
        with pytest.raises(CatalogError, match="titles"):
            load_definitions([bad])
        schema._VALIDATED.clear()
    loaded = {pickle_path.name for pickle_path in cache.glob("definition-*.pickle")}
    assert loaded, "the bundled editions were kept"
    load_definitions()
    assert {path.name for path in cache.glob("definition-*.pickle")} == loaded


def test_a_cache_entry_others_can_write_is_not_loaded(tmp_path, monkeypatch):
    from evaluator.families import schema

    monkeypatch.setenv("EVALUATOR_CACHE_DIR", str(tmp_path / "cache"))
    computed = []

    def compute():
        computed.append(1)
        return ("value", len(computed))

    def valid(value):
        return value[0] == "value"

    assert schema.remembered("probe", "text", compute, valid) == ("value", 1)
    assert schema.remembered("probe", "text", compute, valid) == ("value", 1)   # from the cache
    [entry] = (tmp_path / "cache").glob("definition-*.pickle")
    assert entry.stat().st_mode & 0o077 == 0
    entry.chmod(0o666)
    assert schema.remembered("probe", "text", compute, valid) == ("value", 2)   # computed again
    assert schema.remembered("probe", "other text", compute, valid) == ("value", 3)


def test_a_validated_definition_is_a_plain_copy_of_its_model(monkeypatch):
    """What the rules get has the model's fields and values, read-only, and loads without pydantic."""
    from decimal import Decimal

    from evaluator.families import load_definitions, schema
    from evaluator.families.plain import Plain
    from evaluator.families.project.edition import Edition, parse_edition

    monkeypatch.setenv("EVALUATOR_CACHE_DIR", "off")
    schema._VALIDATED.clear()
    from evaluator.families.project.edition_schema import Edition as EditionModel

    text = (REPO / "evaluator/families/project/editions/project-national.yaml").read_text("utf-8")
    loaded = parse_edition(text, "project-national.yaml").edition
    validated = EditionModel.model_validate(__import__("yaml").safe_load(text))

    def as_data(value):
        if isinstance(value, Plain):
            return {name: as_data(item) for name, item in value}
        if isinstance(value, list):
            return [as_data(item) for item in value]
        if isinstance(value, dict):
            return {key: as_data(item) for key, item in value.items()}
        return value

    assert type(loaded) is Edition and as_data(loaded) == validated.model_dump()
    assert loaded.funds.weight == Decimal(10) and loaded.identify_keys() and loaded.name == loaded.title
    with pytest.raises(AttributeError):
        loaded.title = "x"
    with pytest.raises(TypeError):   # as the frozen model: a list field makes it unhashable
        hash(loaded)
    catalog = load_definitions().department
    assert catalog.grade_for(Decimal(95)).name == validated.grade_bands[0][0].name == "优"


def test_the_rule_titles_are_the_registrys(tmp_path, monkeypatch):
    from evaluator.families import titles
    from evaluator.rules import RULES

    expected = {slug: rule.title for slug, rule in RULES.items()}
    for cache in ("off", str(tmp_path / "cache"), str(tmp_path / "cache")):   # none, filled, read back
        monkeypatch.setenv("EVALUATOR_CACHE_DIR", cache)
        titles.rule_titles.cache_clear()
        assert titles.rule_titles() == expected
    assert list((tmp_path / "cache").glob("definition-*.pickle"))


TEXT_PATTERNS = """
import json
from decimal import Decimal
from evaluator.values import textmath
from evaluator.values.patterns import Lazy
for text in %r:
    textmath.statements(text), textmath.find_rate(text, Decimal(5)), textmath.find_rate(text)
    textmath.stated_scores(text), textmath.stated_deductions(text)
print(json.dumps(sorted(name for name, value in vars(textmath).items()
                        if isinstance(value, Lazy) and "search" in value.__dict__)))
"""


def _compiled(texts: list[str]) -> set[str]:
    done = subprocess.run([sys.executable, "-c", TEXT_PATTERNS % (texts,)], cwd=REPO, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return set(json.loads(done.stdout))


def test_the_text_readers_compile_only_what_a_text_can_hold():
    """The explanations of a Guangzhou form (a chain, a rate, a deduction) compile no pattern of what
    they cannot hold: no amount in 元, no sign of a sum, no 每, no 满分; a text holding them does."""
    texts = ["专项资金支出进度=92.31%*5=4.62", "按月度支出执行率计算平均执行率为90%，按比例计分。",
             "存在个别指标未完成，扣1分。"]
    unneeded = {"_MONEY", "_SPENT_RATE", "_TERM_AFTER", "_TERM_BEFORE", "_EACH_AMOUNT", "_FULL_MARKS"}
    compiled = _compiled(texts)
    assert {"_RUN", "_EQ_SPLIT", "_DEDUCTION"} <= compiled and not compiled & unneeded
    assert unneeded <= _compiled(texts + ["已支出90万元，预算100万元，支出率90%，准确率100%-5‰=99.5%",
                                          "每项0.5分扣分，共2项，得满分"])
