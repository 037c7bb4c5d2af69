"""Start-up: the command line and the reference load fast, and a check loads openpyxl only when a
workbook needs it. Each case runs in a fresh interpreter and looks at what it imported."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from conftest import SAMPLES

REPO = Path(__file__).resolve().parent.parent
HEAVY = ("openpyxl", "pandas", "numpy")


def _imported(code: str) -> set[str]:
    """The top-level packages among HEAVY (and openpyxl.formula) that ``code`` leaves imported."""
    probe = code + (
        "\nimport sys, json\n"
        "names = {name for name in sys.modules if name.split('.')[0] in %r}\n"
        "print(json.dumps(sorted({n.split('.')[0] for n in names} | "
        "({'openpyxl.formula'} & {n.rsplit('.', 1)[0] for n in names}))))\n" % (HEAVY,)
    )
    done = subprocess.run([sys.executable, "-c", probe], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return set(json.loads(done.stdout.strip().splitlines()[-1]))


RUN_MAIN = "import sys\nfrom evaluator.cli import main\nsys.argv = ['evaluator', *%r]\ntry:\n    main()\nexcept SystemExit:\n    pass\n"


@pytest.mark.parametrize("code", [
    "import evaluator.cli",
    RUN_MAIN % (["--help"],),
    RUN_MAIN % (["check", "--help"],),
    RUN_MAIN % (["watch", "--help"],),
    RUN_MAIN % (["rules"],),
    RUN_MAIN % (["rules", "--markdown"],),
], ids=["import", "help", "check-help", "watch-help", "rules", "rules-markdown"])
def test_the_command_line_imports_neither_openpyxl_nor_pandas(code):
    assert _imported(code) == set()


CHECK = ("from pathlib import Path\nfrom evaluator.families import load_definitions\n"
         "from evaluator.runner.engine import check_file\n"
         "result = check_file(Path(%r), load_definitions())\nassert result.error is None, result.error\n")


def test_a_form_with_cached_values_is_checked_without_openpyxl():
    assert _imported(CHECK % str(SAMPLES / "correct-form.xlsx")) == set()


def test_formulas_without_cached_values_load_openpyxls_formula_modules(tmp_path):
    book = openpyxl.load_workbook(SAMPLES / "correct-form.xlsx")
    sheet = book.worksheets[0]
    for row in sheet.iter_rows():
        for cell in row:
            if isinstance(cell.value, (int, float)) and not isinstance(cell.value, bool):
                cell.value = f"={cell.value}+0"   # openpyxl stores no cached value
                break
        else:
            continue
        break
    path = tmp_path / "scripted.xlsx"
    book.save(path)
    assert "openpyxl.formula" in _imported(CHECK % str(path))


def test_the_token_kinds_are_openpyxls():
    from openpyxl.formula.tokenizer import Token as Theirs

    from evaluator.intake.formulas import Token

    names = [name for name in vars(Token) if name.isupper()]
    assert names and all(getattr(Token, name) == getattr(Theirs, name) for name in names)


def test_the_stdout_formats_are_the_reporters():
    from evaluator.cli import STREAM_FORMATS
    from evaluator.outputs.reporters import STREAM_FORMATS as reporters

    assert list(STREAM_FORMATS) == list(reporters)


def test_a1_addresses_match_openpyxl():
    from openpyxl.utils import column_index_from_string, get_column_letter

    from evaluator.values.cells import column_index, column_letter, coordinates

    for col in (1, 7, 26, 27, 52, 702, 703, 16384):
        assert column_letter(col) == get_column_letter(col)
        assert column_index(get_column_letter(col)) == column_index_from_string(get_column_letter(col))
    assert coordinates("$G$12") == (12, 7) and coordinates("xfd1") == (1, 16384)
    for bad in ("XFE1", "G0", "1G", "G", "", "ＡＢ1"):
        with pytest.raises(ValueError):
            coordinates(bad)


#: Runs ``python -m evaluator ARGS`` with a finder in front of every import that notes, in the
#: file given, each heavy package a process imports. Forked workers inherit the finder, so what a
#: worker imports is noted too; sys.modules of the parent alone would miss it, and so would
#: ``-X importtime``, whose lines are lost while a workbook is read with stderr silenced.
WATCHED_RUN = """
import runpy, sys
record, args = sys.argv[1], sys.argv[2:]
class Note:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in %r:
            with open(record, "a", encoding="utf-8") as f:
                f.write(name + "\\n")
        return None
sys.meta_path.insert(0, Note())
sys.argv = ["evaluator", *args]
runpy.run_module("evaluator", run_name="__main__", alter_sys=True)
""" % (HEAVY,)


@pytest.mark.parametrize("target", ["sample_workbooks/correct-form.xlsx", "sample_workbooks"],
                         ids=["one-sample", "all-samples"])
def test_a_check_without_out_imports_neither_pandas_nor_numpy(tmp_path, target):
    """``evaluator check`` without --out writes no workbook: the annotated copy's writer and the
    summary workbook (openpyxl, which imports numpy; pandas) stay unloaded, in the parent and in
    its worker. The samples keep their cached values, so formula evaluation needs no openpyxl."""
    record = tmp_path / "imported.txt"
    done = subprocess.run([sys.executable, "-c", WATCHED_RUN, str(record), "check", target, "--format", "json"],
                          cwd=REPO, capture_output=True, text=True, timeout=120)
    assert done.returncode in (0, 1), done.stderr
    report = json.loads(done.stdout)
    assert report["files"] and all(row["status"] != "unreadable" for row in report["files"])
    assert not any(row["annotated"] for row in report["files"])
    imported = set(record.read_text("utf-8").split()) if record.exists() else set()
    assert {name.split(".")[0] for name in imported} == set(), sorted(imported)


def test_the_import_watch_sees_what_a_worker_imports(tmp_path):
    """The watch of the test above is not blind: a run with --out (the annotated copy is written in
    the worker) is seen importing openpyxl and numpy."""
    record = tmp_path / "imported.txt"
    done = subprocess.run([sys.executable, "-c", WATCHED_RUN, str(record), "check",
                           "sample_workbooks/correct-form.xlsx", "--out", str(tmp_path / "out"), "--quiet"],
                          cwd=REPO, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert {"openpyxl", "numpy"} <= {name.split(".")[0] for name in record.read_text("utf-8").split()}


def test_import_evaluator_is_light():
    assert _imported("import evaluator\nassert callable(evaluator.check)") == set()


def test_the_api_loads_pandas_only_for_a_frame():
    code = "import evaluator\nreport = evaluator.check(%r)\nassert report.summary['forms'] == 1\n" % str(
        SAMPLES / "correct-form.xlsx")
    assert _imported(code) == set()
    assert "pandas" in _imported(code + "report.findings_frame()\n")
