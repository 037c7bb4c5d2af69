"""What a check costs besides the check: a one-file check runs in this process (no worker), still
kept to its time limit; a text run loads neither the HTML nor the spreadsheet reporter, nor the
lock; the editions are parsed once per process."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import SAMPLES
from evaluator.cli import main
from evaluator.runner import parallel

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture
def no_workers(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("a worker process was started for one file")

    monkeypatch.setattr(parallel, "_Worker", refuse)


def test_one_file_is_checked_without_a_worker(tmp_path, no_workers):
    form = tmp_path / "form.xlsx"
    shutil.copy(SAMPLES / "planted-total-mismatch.xlsx", form)
    result = CliRunner().invoke(main, ["check", str(form), "--out", str(tmp_path / "out"), "--format", "json"],
                                catch_exceptions=False)
    assert result.exit_code == 1, result.output
    (entry,) = json.loads(result.stdout)["files"]
    assert entry["status"] == "findings"
    assert (tmp_path / "out" / "form.checked.xlsx").is_file()


def test_one_file_in_process_still_stops_at_the_time_limit(tmp_path, monkeypatch, no_workers):
    from evaluator.intake import door

    def hanging(path, inspection, limits=None):
        time.sleep(600)

    monkeypatch.setattr(door, "read", hanging)
    form = tmp_path / "form.xlsx"
    shutil.copy(SAMPLES / "correct-form.xlsx", form)
    started = time.monotonic()
    result = CliRunner().invoke(main, ["check", str(form), "--out", str(tmp_path / "out"), "--timeout", "1",
                                       "--format", "json"], catch_exceptions=False)
    assert time.monotonic() - started < 30
    (entry,) = json.loads(result.stdout)["files"]
    assert entry["status"] == "unreadable" and "用时超过 1 秒" in entry["findings"][0]["message"]
    assert not (tmp_path / "out" / "form.checked.xlsx").exists()
    assert not list((tmp_path / "out").glob(".~tmp-*"))
    # the alarm is put back: nothing rings later
    time.sleep(1.2)


def test_two_files_still_run_in_workers_under_a_time_limit(tmp_path, monkeypatch):
    started = []
    real = parallel._Worker

    def spy(*args, **kwargs):
        started.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(parallel, "_Worker", spy)
    for name in ("a.xlsx", "b.xlsx"):
        shutil.copy(SAMPLES / "correct-form.xlsx", tmp_path / name)
    result = CliRunner().invoke(main, ["check", str(tmp_path), "--jobs", "1", "--format", "json"],
                                catch_exceptions=False)
    assert result.exit_code == 0 and started


def test_a_text_run_loads_no_other_reporter_and_no_lock():
    code = ("import sys\nfrom evaluator.cli import main\nsys.argv = ['evaluator', 'check', %r]\n"
            "try:\n    main()\nexcept SystemExit:\n    pass\n"
            "print(sorted(m for m in sys.modules if m.startswith(('filelock', 'jinja2', 'evaluator.outputs.reporters.'))),"
            " file=sys.stderr)\n") % str(SAMPLES / "correct-form.xlsx")
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=120)
    loaded = eval(done.stderr.strip().splitlines()[-1])  # noqa: S307 - our own probe's list
    assert loaded == ["evaluator.outputs.reporters.common", "evaluator.outputs.reporters.json",
                      "evaluator.outputs.reporters.text"]


def test_editions_are_parsed_once_per_process(monkeypatch):
    from evaluator.families import load_definitions, schema

    load_definitions()
    calls = []
    real = schema._validate
    monkeypatch.setattr(schema, "_validate", lambda *args: calls.append(args) or real(*args))
    again = load_definitions()
    assert calls == [] and again.project_editions
