"""File names that are not UTF-8 (GBK bytes, as zips made on Chinese Windows unpack on Linux) are
checked and reported like any other: shown decoded as GBK (or escaped), said which, written under
UTF-8 names, and every JSON output stays valid."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SAMPLES = REPO / "sample_workbooks"
GBK_NAME = "自评表".encode("gbk") + b".xlsx"
BAD_NAME = b"\xff\xfe-form.xlsx"   # neither UTF-8 nor GBK


def _drop(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    try:
        shutil.copy(SAMPLES / "planted-rate-score.xlsx", os.fsencode(folder) + b"/" + GBK_NAME)
        shutil.copy(SAMPLES / "correct-form.xlsx", os.fsencode(folder) + b"/" + BAD_NAME)
    except OSError:
        pytest.skip("this file system holds only UTF-8 names")
    shutil.copy(SAMPLES / "correct-form.xlsx", folder / "good.xlsx")


def _evaluator(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "evaluator", *args], cwd=REPO, capture_output=True, timeout=300)


def _shown(report: dict) -> dict[str, tuple[str, str | None]]:
    return {Path(entry.get("dropped_as") or entry["path"]).name: (entry["status"], entry.get("path_encoding"))
            for entry in report["files"]}


EXPECTED = {"自评表.xlsx": ("findings", "gbk"), "\\xff\\xfe-form.xlsx": ("ok", "escaped"), "good.xlsx": ("ok", None)}


def test_check_prints_valid_json_for_byte_names(tmp_path):
    _drop(tmp_path / "in")
    result = _evaluator("check", str(tmp_path / "in"), "--format", "json")
    assert result.returncode == 1, result.stderr.decode("utf-8", "replace")
    report = json.loads(result.stdout.decode("utf-8"))   # strict UTF-8, valid JSON
    assert _shown(report) == EXPECTED
    stderr = result.stderr.decode("utf-8")
    assert "按 GBK 解码显示" in stderr and "\\xNN" in stderr   # said which
    assert "Traceback" not in stderr


def test_check_out_writes_utf8_names_and_reports(tmp_path):
    _drop(tmp_path / "in")
    out = tmp_path / "out"
    result = _evaluator("check", str(tmp_path / "in"), "--out", str(out))
    assert result.returncode == 1, result.stderr.decode("utf-8", "replace")
    names = sorted(os.listdir(os.fsencode(out)))
    for name in names:
        name.decode("utf-8")   # every name written is UTF-8
    assert "自评表.checked.xlsx".encode() in names and b"\\xff\\xfe-form.checked.xlsx" in names
    assert _shown(json.loads((out / "report.json").read_text("utf-8"))) == EXPECTED
    (out / ".evaluator-manifest.json").read_bytes().decode("utf-8")
    again = _evaluator("check", str(tmp_path / "in"), "--out", str(out), "--format", "json")
    assert {entry["status"] for entry in json.loads(again.stdout)["files"]} == {"unchanged"}


def test_watch_archives_and_answers_byte_names(tmp_path):
    inbox, out, archive = tmp_path / "inbox", tmp_path / "out", tmp_path / "archive"
    _drop(inbox)
    result = _evaluator("watch", str(inbox), "--out", str(out), "--archive", str(archive), "--once",
                        "--interval", "0.05", "--format", "json")
    assert result.returncode == 1, result.stderr.decode("utf-8", "replace")
    for line in result.stdout.decode("utf-8").splitlines():
        json.loads(line)
    assert _shown(json.loads((out / "report.json").read_text("utf-8"))) == EXPECTED
    assert os.listdir(inbox) == []
    assert sorted(os.listdir(archive)) == sorted(["自评表.xlsx", "\\xff\\xfe-form.xlsx", "good.xlsx"])
