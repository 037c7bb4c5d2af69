"""The Python API: evaluator.check(...) gives the same report as the command line, as frames too."""

from __future__ import annotations

import json
import shutil
from decimal import Decimal

import pandas as pd
import pytest
from click.testing import CliRunner

import evaluator
from conftest import SAMPLES
from evaluator.cli import main


@pytest.fixture
def folder(tmp_path):
    root = tmp_path / "forms"
    root.mkdir()
    for name in ("planted-rate-score.xlsx", "correct-form.xlsx", "project-planted-rate-score.xlsx"):
        shutil.copy(SAMPLES / name, root / name)
    (root / "notes.pdf").write_bytes(b"%PDF-1.4")
    return root


def test_findings_frame_has_rule_severity_and_cell_with_exact_numbers():
    report = evaluator.check(SAMPLES / "planted-rate-score.xlsx")
    frame = report.findings_frame()
    assert isinstance(frame, pd.DataFrame)
    row = frame.iloc[0]
    assert (row["rule"], row["severity"], row["cell"]) == ("rate-score", "error", "G13")
    assert (row["expected"], row["actual"]) == (Decimal("4.62"), Decimal("4.52"))
    assert row["rule_title"] == "按比例计分的得分不符"
    floats = report.findings_frame(numbers="float")
    assert floats.loc[0, "expected"] == pytest.approx(4.62) and isinstance(floats.loc[0, "expected"], float)


def test_forms_are_the_checked_forms_themselves():
    report = evaluator.check(str(SAMPLES / "planted-rate-score.xlsx"))
    (form,) = report.forms
    assert form.family == "department" and form.total.corrected == Decimal("94.31")
    # The wrong score, and the 总分 that follows from it (随之应为).
    assert [(f.rule, f.consequence_of) for f in form.findings] == [
        ("rate-score", None), ("total-mismatch", ("rate-score", "部门整体支出绩效自评表", "G13"))]
    frame = report.forms_frame()
    assert frame.loc[0, "total_declared"] == Decimal("94.21") and frame.loc[0, "status"] == "error"
    assert report.forms_frame(numbers="float")["total_declared"].dtype == float


def test_the_api_and_the_command_line_give_the_same_report(folder):
    report = evaluator.check(folder)
    cli = json.loads(CliRunner().invoke(main, ["check", str(folder), "--format", "json"]).stdout)
    assert report.data == cli
    assert report.summary["others"] == 1 and report.others[0]["reason"].startswith("不是表格文件")
    on_workers = evaluator.check(folder, jobs=2)
    assert on_workers.data == report.data
    assert len(on_workers.forms) == len(report.forms) == 3   # checked again here on first use


def test_write_makes_the_usual_outputs(folder, tmp_path):
    out = tmp_path / "out"
    written = evaluator.check(folder).write(out)
    assert {"summary.xlsx", "report.html", "report.json"} <= {path.name for path in out.iterdir()}
    assert len(list(out.glob("*.checked.xlsx"))) == 3
    assert json.loads((out / "report.json").read_text("utf-8")) == written.data


def test_bad_calls_say_what_is_wrong(tmp_path):
    with pytest.raises(FileNotFoundError):
        evaluator.check(tmp_path / "missing.xlsx")
    with pytest.raises(TypeError, match="max_rowz"):
        evaluator.check(tmp_path, max_rowz=3)
    with pytest.raises(TypeError):
        evaluator.check()
