"""Output modes: never more readable than the inputs, always readable and writable by their owner,
the same from check and watch, and no mode in the manifest that locks the owner out."""

from __future__ import annotations

import json
import os
import shutil
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

from evaluator.cli import main

SAMPLES = Path(__file__).resolve().parent.parent / "sample_workbooks"
REPORTS = ("summary.xlsx", "report.html", "report.json")


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def folder(tmp_path):
    inbox = tmp_path / "in"
    inbox.mkdir()
    shutil.copy(SAMPLES / "correct-form.xlsx", inbox / "good.xlsx")
    shutil.copy(SAMPLES / "planted-rate-score.xlsx", inbox / "locked.xlsx")
    (inbox / "locked.xlsx").chmod(0o000)
    yield inbox
    (inbox / "locked.xlsx").chmod(0o600) if (inbox / "locked.xlsx").exists() else None


@pytest.mark.skipif(os.name != "posix", reason="permission bits")
def test_check_and_watch_give_reports_their_owner_can_read_and_no_one_else(folder, tmp_path):
    previous = os.umask(0o022)
    try:
        out = tmp_path / "out"
        CliRunner().invoke(main, ["check", str(folder), "--out", str(out)])
        checked = {name: _mode(out / name) for name in REPORTS}
        again = CliRunner().invoke(main, ["check", str(folder), "--out", str(out)])   # a rerun, from the manifest
        assert again.exit_code in (0, 1), again.output
        rerun = {name: _mode(out / name) for name in REPORTS}
        watched_out = tmp_path / "watched"
        CliRunner().invoke(main, ["watch", str(folder), "--out", str(watched_out), "--once", "--interval", "0.05"])
        watched = {name: _mode(watched_out / name) for name in REPORTS}
    finally:
        os.umask(previous)
    for modes in (checked, rerun, watched):
        assert all(mode & 0o600 == 0o600 and mode & 0o077 == 0 for mode in modes.values()), modes
    assert checked == rerun == watched
    manifest = json.loads((out / ".evaluator-manifest.json").read_text("utf-8"))["files"]
    assert all(record["mode"] & 0o600 == 0o600 for record in manifest.values() if record.get("mode") is not None)
