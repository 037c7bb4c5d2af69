"""Batch runs: every core, incremental skipping, the output folder's lock, logs and exit codes."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from evaluator.runner import run as run_module
from evaluator.runner.batch import check_paths
from evaluator.families.department.catalog import DEFAULT_CATALOG
from evaluator.cli import main
from evaluator.runner.lock import HOLDER_NAME
from evaluator.runner.manifest import MANIFEST_NAME
from evaluator.runner.parallel import Stop

REPO = Path(__file__).resolve().parent.parent
SAMPLES = REPO / "sample_workbooks"


def _run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def _statuses(report: dict) -> dict[str, str]:
    return {Path(entry["path"]).name: entry["status"] for entry in report["files"]}


@pytest.fixture
def inbox(tmp_path) -> Path:
    folder = tmp_path / "inbox"
    (folder / "sub").mkdir(parents=True)
    shutil.copy(SAMPLES / "correct-form.xlsx", folder / "correct.xlsx")
    shutil.copy(SAMPLES / "planted-rate-score.xlsx", folder / "sub" / "rate.xlsx")
    shutil.copy(SAMPLES / "planted-total-mismatch.xlsx", folder / "total.xlsx")
    (folder / "broken.xlsx").write_bytes(b"PK\x03\x04 not really a zip")
    return folder


def test_every_core_gives_the_same_report_as_one(inbox, tmp_path):
    one = _run("check", str(inbox), "--jobs", "1", "--format", "json")
    two = _run("check", str(inbox), "--jobs", "2", "--format", "json")
    assert one.exit_code == two.exit_code == 1
    assert json.loads(one.stdout) == json.loads(two.stdout)
    assert [Path(e["path"]).name for e in json.loads(two.stdout)["files"]] == [
        "broken.xlsx", "correct.xlsx", "rate.xlsx", "total.xlsx"]


def test_a_file_whose_check_crashes_does_not_stop_the_batch(inbox, tmp_path, monkeypatch):
    real = run_module.process

    def flaky(job, definitions, destination, limits=None):
        if job.path.name == "correct.xlsx":
            raise RuntimeError("boom")
        return real(job, definitions, destination, limits)

    monkeypatch.setattr(run_module, "process", flaky)  # forked workers inherit the patch
    out = tmp_path / "out"
    result = _run("check", str(inbox), "--out", str(out), "--jobs", "2", "--format", "json")
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    statuses = _statuses(report)
    assert statuses == {"broken.xlsx": "unreadable", "correct.xlsx": "unreadable", "rate.xlsx": "findings",
                        "total.xlsx": "findings"}
    crashed = next(e for e in report["files"] if e["path"].endswith("correct.xlsx"))
    assert "boom" in crashed["findings"][0]["message"]
    # A failure of the tool is not remembered: the next run tries that file again.
    manifest = json.loads((out / MANIFEST_NAME).read_text("utf-8"))
    assert "correct.xlsx" not in manifest["files"] and "sub/rate.xlsx" in manifest["files"]
    monkeypatch.setattr(run_module, "process", real)
    again = json.loads(_run("check", str(inbox), "--out", str(out), "--format", "json").stdout)
    assert _statuses(again)["correct.xlsx"] == "ok"


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_file_that_hangs_the_reader_is_unreadable_after_the_time_limit(inbox, tmp_path, monkeypatch, jobs):
    from evaluator.intake import door

    real = door.read

    def hanging(path, inspection, limits=None):
        if path.name == "total.xlsx":
            time.sleep(600)   # a reader stuck on one file
        return real(path, inspection, limits)

    monkeypatch.setattr(door, "read", hanging)  # forked workers inherit the patch
    out = tmp_path / "out"
    result = _run("check", str(inbox), "--out", str(out), "--jobs", jobs, "--timeout", "1", "--format", "json")
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert _statuses(report) == {"broken.xlsx": "unreadable", "correct.xlsx": "ok", "rate.xlsx": "findings",
                                 "total.xlsx": "unreadable"}
    (late,) = [entry for entry in report["files"] if entry["path"].endswith("total.xlsx")]
    (finding,) = late["findings"]
    assert finding["rule"] == "unreadable" and "用时超过 1 秒" in finding["message"]
    assert "\n" not in finding["message"] and "--timeout" in finding["message"]
    assert "total.xlsx：超过 1 秒仍未完成" in result.stderr
    assert (out / "summary.xlsx").is_file() and (out / "correct.checked.xlsx").is_file()
    # Not remembered: the next run, perhaps with a longer limit, tries it again.
    assert "total.xlsx" not in json.loads((out / MANIFEST_NAME).read_text("utf-8"))["files"]


def test_the_time_limit_comes_from_the_environment_and_0_turns_it_off(inbox, monkeypatch):
    seen = []
    real = run_module.run

    def spy(*args, **kwargs):
        seen.append(kwargs.get("timeout"))
        return real(*args, **kwargs)

    monkeypatch.setattr(run_module, "run", spy)
    monkeypatch.setattr("evaluator.runner.batch.run", spy)
    for env, expected in (({}, 300.0), ({"EVALUATOR_TIMEOUT": "7.5"}, 7.5), ({"EVALUATOR_TIMEOUT": "0"}, 0.0)):
        result = CliRunner().invoke(main, ["check", str(inbox / "correct.xlsx")], env=env, catch_exceptions=False)
        assert result.exit_code == 0, result.output
        assert seen.pop() == expected
    assert _run("check", str(inbox / "correct.xlsx"), "--timeout", "-1").exit_code == 2


def test_a_second_run_skips_what_is_unchanged(inbox, tmp_path):
    out = tmp_path / "out"
    first = json.loads(_run("check", str(inbox), "--out", str(out), "--format", "json").stdout)
    copies = {p: p.stat().st_mtime_ns for p in out.rglob("*.checked.xlsx")}
    assert len(copies) == 3

    second = _run("check", str(inbox), "--out", str(out), "--format", "json")
    assert second.exit_code == 1  # the stored findings still count
    report = json.loads(second.stdout)
    assert set(_statuses(report).values()) == {"unchanged"}
    assert report["summary"]["unchanged"] == 4
    for key in ("files", "ok", "with_errors", "unreadable"):
        assert report["summary"][key] == first["summary"][key]
    for old, new in zip(first["files"], report["files"]):
        assert new["previous_status"] == old["status"]
        assert {k: v for k, v in new.items() if k not in ("status", "previous_status")} == {
            k: v for k, v in old.items() if k != "status"}
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*.checked.xlsx")} == copies

    # One file changes, one annotated copy is deleted: only those two are checked again.
    shutil.copy(SAMPLES / "correct-form.xlsx", inbox / "total.xlsx")
    (out / "sub" / "rate.checked.xlsx").unlink()
    third = json.loads(_run("check", str(inbox), "--out", str(out), "--format", "json").stdout)
    assert _statuses(third) == {"broken.xlsx": "unchanged", "correct.xlsx": "unchanged", "rate.xlsx": "findings",
                                "total.xlsx": "ok"}
    assert (out / "sub" / "rate.checked.xlsx").is_file()

    forced = json.loads(_run("check", str(inbox), "--out", str(out), "--format", "json", "--force").stdout)
    assert "unchanged" not in _statuses(forced).values()


def test_another_catalog_checks_everything_again(inbox, tmp_path):
    out = tmp_path / "out"
    _run("check", str(inbox), "--out", str(out))
    other = tmp_path / "catalog.yaml"
    bundled = REPO / "evaluator" / "families" / "department" / "editions" / DEFAULT_CATALOG
    other.write_text(bundled.read_text("utf-8") + "\n# revised\n", encoding="utf-8")
    report = json.loads(_run("check", str(inbox), "--out", str(out), "--catalog", str(other),
                             "--format", "json").stdout)
    assert "unchanged" not in _statuses(report).values()


def test_the_summary_of_an_unchanged_run_lists_every_file(inbox, tmp_path):
    import pandas as pd

    out = tmp_path / "out"
    _run("check", str(inbox), "--out", str(out))
    _run("check", str(inbox), "--out", str(out))
    frame = pd.read_excel(out / "summary.xlsx", engine="openpyxl")
    assert len(frame) == 4
    assert all(status.endswith("（未变化）") for status in frame["状态"])


def test_output_folder_inside_the_inbox_is_not_checked_again(inbox):
    _run("check", str(inbox), "--out", str(inbox))
    assert (inbox / "summary.xlsx").is_file()
    report = json.loads(_run("check", str(inbox), "--out", str(inbox), "--format", "json").stdout)
    assert sorted(_statuses(report)) == ["broken.xlsx", "correct.xlsx", "rate.xlsx", "total.xlsx"]


def test_stdout_is_the_report_and_logs_go_to_stderr_and_the_log_file(inbox, tmp_path):
    log_file = tmp_path / "logs" / "run.log"
    result = _run("check", str(inbox), "--out", str(tmp_path / "out"), "--format", "json", "--verbose",
                  "--log", str(log_file))
    json.loads(result.stdout)
    assert "rate.xlsx" in result.stderr and "findings" in result.stderr
    logged = log_file.read_text("utf-8")
    assert "rate.xlsx" in logged and "检查 4 份" in logged

    quiet = _run("check", str(inbox), "--out", str(tmp_path / "out"), "--quiet")
    assert quiet.stderr == "" and "3 份表" in quiet.stdout and "1 份无法读取" in quiet.stdout


def test_an_interrupted_run_keeps_its_work_and_writes_no_half_report(inbox, tmp_path, definitions):
    out = tmp_path / "out"

    class StopAfterOne(Stop):
        asked = 0

        def __bool__(self) -> bool:
            self.asked += 1
            return self.asked > 1

    batch = check_paths([inbox], definitions, out, workers=1, stop=StopAfterOne())
    assert batch.interrupted and batch.checked == 1
    assert not (out / "summary.xlsx").exists() and not (out / "report.json").exists()
    assert not list(out.rglob(".~tmp-*"))
    assert len(json.loads((out / MANIFEST_NAME).read_text("utf-8"))["files"]) == 1

    report = json.loads(_run("check", str(inbox), "--out", str(out), "--format", "json").stdout)
    assert list(_statuses(report).values()).count("unchanged") == 1
    assert (out / "summary.xlsx").is_file()


def test_stale_temporary_files_are_cleared(inbox, tmp_path):
    out = tmp_path / "out"
    (out / "sub").mkdir(parents=True)
    (out / "sub" / ".~tmp-abc.xlsx").write_bytes(b"half")
    _run("check", str(inbox), "--out", str(out))
    assert not list(out.rglob(".~tmp-*"))


def test_a_damaged_manifest_means_checking_everything(inbox, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / MANIFEST_NAME).write_text("{not json", encoding="utf-8")
    result = _run("check", str(inbox), "--out", str(out), "--format", "json")
    assert "unchanged" not in _statuses(json.loads(result.stdout)).values()
    assert json.loads((out / MANIFEST_NAME).read_text("utf-8"))["format"] == 1


HOLD = """
import sys, time
from pathlib import Path
from evaluator.runner.lock import holding
with holding(Path(sys.argv[1]), 0):
    print("held", flush=True)
    time.sleep(float(sys.argv[2]))
"""


def _hold(folder: Path, seconds: float) -> subprocess.Popen:
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(folder), str(seconds)], cwd=REPO,
                              stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "held"
    return holder


def test_a_second_run_on_the_same_folder_says_who_holds_it(inbox, tmp_path):
    out = tmp_path / "out"
    holder = _hold(out, 30)
    try:
        started = time.monotonic()
        result = _run("check", str(inbox), "--out", str(out), "--wait", "0.3")
        assert result.exit_code == 2
        assert f"pid {holder.pid}" in result.stderr and "--wait" in result.stderr
        assert time.monotonic() - started < 10
        assert not (out / "summary.xlsx").exists()
    finally:
        holder.kill()
        holder.wait()


def test_a_second_run_waits_for_the_first(inbox, tmp_path):
    out = tmp_path / "out"
    holder = _hold(out, 0.5)
    try:
        result = _run("check", str(inbox), "--out", str(out), "--wait", "30")
        assert result.exit_code == 1, result.output
        assert f"pid {holder.pid}" in result.stderr
        assert (out / "summary.xlsx").is_file() and not (out / HOLDER_NAME).exists()
    finally:
        holder.wait()


def test_a_missing_output_folder_parent_is_a_tool_error(inbox, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    result = _run("check", str(inbox), "--out", str(blocker / "out"))
    assert result.exit_code == 2


@pytest.mark.skipif(os.name != "posix", reason="signals")
def test_ctrl_c_stops_a_check_after_the_files_under_way(inbox, tmp_path):
    many = tmp_path / "many"
    many.mkdir()
    for number in range(40):
        shutil.copy(SAMPLES / "correct-form.xlsx", many / f"form-{number:02}.xlsx")
    out = tmp_path / "out"
    process = subprocess.Popen([sys.executable, "-m", "evaluator", "check", str(many), "--out", str(out),
                                "--jobs", "2", "--verbose"], cwd=REPO, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    # Interrupt once the first files are done.
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not list(out.glob("*.checked.xlsx")):
        time.sleep(0.05)
    process.send_signal(2)
    stdout, stderr = process.communicate(timeout=30)
    assert process.returncode == 130, stderr
    assert stdout == "" and "已中断" in stderr
    assert not list(out.rglob(".~tmp-*")) and not (out / "summary.xlsx").exists()
    kept = json.loads((out / MANIFEST_NAME).read_text("utf-8"))["files"]
    assert 0 < len(kept) < 40
    assert len(list(out.glob("*.checked.xlsx"))) >= len(kept)


@pytest.mark.skipif(os.name != "posix", reason="permission bits")
def test_outputs_are_as_readable_as_any_file_the_user_makes(inbox, tmp_path):
    out = tmp_path / "out"
    previous = os.umask(0o022)
    try:
        _run("check", str(inbox), "--out", str(out))
    finally:
        os.umask(previous)
    for path in [*out.rglob("*.checked.xlsx"), out / "summary.xlsx", out / "report.html", out / "report.json"]:
        assert path.stat().st_mode & 0o777 == 0o644, path


def test_a_progress_bar_does_not_let_info_lines_through(inbox, capsys, definitions):
    from evaluator.runner import logs

    with logs.configured(verbose=False, quiet=False):
        check_paths([inbox], definitions, workers=2, progress=True)
    err = capsys.readouterr().err
    assert "检查" in err  # the bar
    assert "rate.xlsx" not in err  # per-file lines only with --verbose


def test_the_manifest_is_saved_along_the_way(inbox, tmp_path, definitions, monkeypatch):
    """A run killed outright (no finally) keeps what it had saved."""
    from evaluator.runner import batch as batch_module
    from evaluator.runner.manifest import Manifest

    monkeypatch.setattr(batch_module, "SAVE_EVERY", 0.0)
    out = tmp_path / "out"
    manifest = Manifest(out)
    saved_sizes = []
    original = Manifest.save

    def save(self):
        original(self)
        saved_sizes.append(len(self.records))

    monkeypatch.setattr(Manifest, "save", save)
    batch_module.check_jobs(batch_module.find([inbox], out).jobs, definitions, out, manifest, workers=1)
    assert saved_sizes[:3] == [1, 2, 3]


def test_the_last_lines_on_stderr_name_the_reports_written(inbox, tmp_path):
    out = tmp_path / "out"
    result = _run("check", str(inbox), "--out", str(out), "--format", "json")
    assert result.exit_code == 1
    json.loads(result.stdout)  # stdout is still only the report
    last = result.stderr.splitlines()[-4:]
    assert last[0] == f"批注副本：3 份，在 {out}"
    assert sorted(last[1:]) == sorted(f"已写入 {out / name}" for name in ("summary.xlsx", "report.html", "report.json"))
    assert all((out / name).is_file() for name in ("summary.xlsx", "report.html", "report.json"))
    quiet = _run("check", str(inbox), "--out", str(out), "--quiet")
    assert "已写入" not in quiet.stderr
    bare = _run("check", str(inbox))
    assert "已写入" not in bare.stderr and "批注副本：" not in bare.stderr


def test_a_path_holding_no_workbook_says_so_and_exits_0(inbox, tmp_path):
    empty = tmp_path / "empty"
    (empty / "sub").mkdir(parents=True)
    (empty / "notes.txt").write_text("不是工作簿", encoding="utf-8")
    (empty / "~$form.xlsx").write_bytes(b"\x00" * 165)
    for extra in ([], ["--quiet"], ["--fail-on", "warning"]):
        result = _run("check", str(empty), "--format", "json", *extra)
        assert result.exit_code == 0, result.output
        assert json.loads(result.stdout)["summary"]["files"] == 0
        assert f"{empty}：没有找到可检查的工作簿" in result.stderr
    both = _run("check", str(empty), str(inbox / "correct.xlsx"))
    assert both.exit_code == 0 and f"{empty}：没有找到可检查的工作簿" in both.stderr
    assert "correct.xlsx：没有" not in both.stderr


def test_the_lock_file_stays_and_the_record_of_its_holder_goes(inbox, tmp_path):
    out = tmp_path / "out"
    _run("check", str(inbox), "--out", str(out))
    assert (out / ".evaluator.lock").is_file()   # another run may be waiting on this very file
    assert not (out / HOLDER_NAME).exists() and HOLDER_NAME == ".evaluator.lock.json"
