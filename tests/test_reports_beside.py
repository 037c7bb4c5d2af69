"""summary.xlsx is rendered in a forked process while the other reports are rendered in the run's
own (two cores: the summary no longer waits for the HTML). The workbook is the one the run would
have written itself, and a summary that cannot be made still stops the reports, as before."""

from __future__ import annotations

import os
import threading
import zipfile
from datetime import datetime

import pytest

from evaluator.outputs import reporters
from evaluator.outputs.reporters import summary_xlsx, write_reports
from evaluator.outputs.reporters.json import assemble

from test_reports import _entry, _finding

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork on this system")


def _data():
    return assemble([_entry("a.xlsx", findings=[_finding("总分不对")], counts={"error": 1, "warning": 0, "info": 0},
                            status="error"),
                     _entry("b.xlsx")])


def _sheets(path):
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()
                if name.startswith("xl/worksheets/") or name in ("xl/styles.xml", "xl/workbook.xml")}


class _Noon(datetime):
    @classmethod
    def now(cls, tz=None):
        return datetime(2026, 1, 5, 12, 0)


def test_the_summary_made_beside_is_the_one_made_in_process(tmp_path, monkeypatch):
    monkeypatch.setattr(summary_xlsx, "datetime", _Noon)   # one run date for both
    started = []
    real = reporters._render_beside
    monkeypatch.setattr(reporters, "_render_beside", lambda *args: started.append(1) or real(*args))
    write_reports(_data(), tmp_path / "beside")
    assert started
    monkeypatch.setattr(threading, "active_count", lambda: 2)   # as with other threads: made in process
    write_reports(_data(), tmp_path / "here")
    assert _sheets(tmp_path / "beside" / "summary.xlsx") == _sheets(tmp_path / "here" / "summary.xlsx")


def test_a_summary_that_fails_beside_fails_the_reports_as_before(tmp_path, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("no summary")

    monkeypatch.setattr(summary_xlsx, "render", broken)
    (tmp_path / "report.json").write_text("earlier", "utf-8")
    with pytest.raises(RuntimeError, match="no summary"):
        write_reports(_data(), tmp_path)
    assert (tmp_path / "report.json").read_text("utf-8") == "earlier"   # none replaced
