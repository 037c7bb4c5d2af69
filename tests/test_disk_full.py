"""A full disk: the watcher stops taking files, says so once, and goes on by itself once there is
space; no answer is lost, no output is half-written, no traceback is printed."""

from __future__ import annotations

import errno
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

import evaluator.outputs.annotate as annotate
from evaluator.families import load_definitions
from evaluator.runner.parallel import Stop
from evaluator.runner.watch import Watcher, WatchOptions

REPO = Path(__file__).resolve().parent.parent
SAMPLES = REPO / "sample_workbooks"


def _drop(inbox: Path, count: int) -> list[str]:
    names = [f"f{number:02d}.xlsx" for number in range(count)]
    for name in names:
        shutil.copy(SAMPLES / "planted-rate-score.xlsx", inbox / name)
    return names


def test_copies_that_cannot_be_written_are_kept_taken_and_answered_once_there_is_space(tmp_path, monkeypatch, caplog):
    inbox, out, archive = tmp_path / "inbox", tmp_path / "out", tmp_path / "archive"
    inbox.mkdir()
    names = _drop(inbox, 4)
    full = {"on": True}
    real = annotate.write_annotated

    def write(result, destination):
        if full["on"]:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real(result, destination)

    monkeypatch.setattr(annotate, "write_annotated", write)
    watcher = Watcher(WatchOptions(inbox=inbox, out_dir=out, archive=archive, interval=0.0, workers=1),
                      load_definitions(), Stop())
    watcher.seen = watcher.scan()
    caplog.set_level("INFO", logger="evaluator")
    watcher.poll()
    assert watcher.full_since is not None
    assert sorted(p.name for p in archive.iterdir()) == names and not list(inbox.iterdir())
    _drop(inbox, 0)
    shutil.copy(SAMPLES / "correct-form.xlsx", inbox / "late.xlsx")   # lands while the disk is full
    for _ in range(3):                     # tries again while full: takes nothing new
        watcher.retry_at = 0.0
        watcher.seen = watcher.scan()
        watcher.poll()
    assert (inbox / "late.xlsx").exists()
    said = [record.getMessage() for record in caplog.records if "暂停接收新文件" in record.getMessage()]
    assert len(said) == 1, said            # said once
    full["on"] = False
    for _ in range(4):
        watcher.retry_at = 0.0
        watcher.seen = watcher.scan()
        watcher.poll()
    assert watcher.full_since is None
    report = json.loads((out / "report.json").read_text("utf-8"))
    assert sorted(Path(entry["path"]).name for entry in report["files"]) == sorted(names + ["late.xlsx"])
    assert all(entry.get("annotated") for entry in report["files"])
    assert sorted(p.name for p in archive.iterdir()) == sorted(names + ["late.xlsx"])   # each once
    assert not [p for p in out.rglob(".~tmp-*")]   # nothing half-written left behind
    assert any("磁盘空间已恢复" in record.getMessage() for record in caplog.records)


def test_a_failed_journal_write_leaves_no_torn_line(tmp_path, monkeypatch):
    from evaluator.runner.journal import Journal

    journal = Journal(tmp_path)
    journal.answer("a.xlsx", {"sha256": "1"})
    real = os.write
    monkeypatch.setattr(os, "write", lambda fd, data: real(fd, data[: len(data) // 2]))
    with pytest.raises(OSError) as raised:
        journal.answer("b.xlsx", {"sha256": "2"})
    assert raised.value.errno == errno.ENOSPC
    monkeypatch.setattr(os, "write", real)
    journal.answer("c.xlsx", {"sha256": "3"})
    assert sorted(journal.read().answers) == ["a.xlsx", "c.xlsx"]


def _mount_small(folder: Path, size: str) -> bool:
    folder.mkdir(parents=True)
    if os.name != "posix" or os.geteuid() != 0 or not shutil.which("mount"):
        return False
    return subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)],
                          capture_output=True).returncode == 0


@pytest.fixture
def small_disk(tmp_path):
    disk = tmp_path / "disk"
    if not _mount_small(disk, "3m"):
        pytest.skip("mounting a small tmpfs needs root")
    yield disk
    subprocess.run(["umount", "-l", str(disk)], check=False)


def _watch(inbox: Path, out: Path, archive: Path, stderr, **popen) -> subprocess.Popen:
    """``evaluator watch`` on ``inbox``, as a scheduled job starts it, its errors into ``stderr``."""
    return subprocess.Popen(
        [sys.executable, "-m", "evaluator", "watch", str(inbox), "--out", str(out), "--archive", str(archive),
         "--interval", "0.1", "--jobs", "1"], cwd=REPO, stdout=subprocess.DEVNULL, stderr=stderr, **popen)


def _paused(process: subprocess.Popen, stderr_file: Path) -> float:
    """Wait until the watcher says it stopped taking files, and is still running; the deadline of the test."""
    deadline = time.monotonic() + 60
    while "暂停接收新文件" not in stderr_file.read_text("utf-8") and time.monotonic() < deadline:
        time.sleep(0.1)
    assert process.poll() is None, stderr_file.read_text("utf-8")
    return deadline


def _answered(out: Path, inbox: Path, names: list[str], deadline: float) -> dict:
    """report.json once it answers every file dropped and the inbox is empty (or the last one read
    by the deadline)."""
    report: dict = {"files": []}
    while time.monotonic() < deadline:
        try:
            report = json.loads((out / "report.json").read_text("utf-8"))
        except (OSError, ValueError):
            pass
        if len(report["files"]) == len(names) and not list(inbox.iterdir()):
            break
        time.sleep(0.2)
    return report


def _paused_once_and_resumed(errors: str) -> None:
    assert "Traceback" not in errors and "Exception ignored" not in errors, errors
    assert errors.count("暂停接收新文件") == 1 and "磁盘空间已恢复" in errors, errors


def test_a_really_full_disk_pauses_the_watcher_until_space_returns(tmp_path, small_disk):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    names = _drop(inbox, 16)
    filler = small_disk / "filler"
    filler.write_bytes(b"\0" * (3 * 1024 * 1024 - 200 * 1024))   # about 200 KiB left
    out, archive = small_disk / "out", small_disk / "archive"
    stderr_file = tmp_path / "stderr.txt"
    with stderr_file.open("w") as stderr:
        process = _watch(inbox, out, archive, stderr)
        try:
            deadline = _paused(process, stderr_file)
            time.sleep(1.5)
            filler.unlink()
            report = _answered(out, inbox, names, deadline)
        finally:
            process.terminate()
            process.wait(30)
    _paused_once_and_resumed(stderr_file.read_text("utf-8"))
    assert sorted(Path(entry["dropped_as"]).name for entry in report["files"]) == names
    assert sorted(p.name for p in archive.iterdir()) == names


def test_check_on_a_full_disk_says_so_in_chinese_without_tracebacks(tmp_path, small_disk):
    (small_disk / "filler").write_bytes(b"\0" * (3 * 1024 * 1024 - 150 * 1024))
    result = subprocess.run([sys.executable, "-m", "evaluator", "check", str(SAMPLES), "--out", str(small_disk / "out"),
                             "--jobs", "2"], cwd=REPO, capture_output=True, text=True, timeout=300)
    assert result.returncode == 2
    assert "磁盘空间不足" in result.stderr
    assert "Traceback" not in result.stderr and "Exception ignored" not in result.stderr, result.stderr[-3000:]
    for path in (small_disk / "out").rglob("*.xlsx"):   # what was written is whole
        assert path.read_bytes()[:2] == b"PK" and not path.name.startswith(".~tmp-")


def _small_files(limit: int):
    """For a child process: files may grow to ``limit`` bytes; a write past it fails with EFBIG
    (as on a full disk or quota) instead of killing the process."""
    import resource
    import signal

    def apply() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, resource.RLIM_INFINITY))

    return apply


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="RLIMIT_FSIZE and prlimit")
def test_check_that_cannot_write_says_so_in_chinese_without_tracebacks(tmp_path):
    out = tmp_path / "out"
    result = subprocess.run([sys.executable, "-m", "evaluator", "check", str(SAMPLES), "--out", str(out), "--jobs", "2"],
                            cwd=REPO, capture_output=True, text=True, timeout=300, preexec_fn=_small_files(20000))
    assert result.returncode == 2
    assert "磁盘空间不足" in result.stderr
    assert "Traceback" not in result.stderr and "Exception ignored" not in result.stderr, result.stderr[-3000:]
    assert not list(out.rglob(".~tmp-*"))   # nothing half-written left
    again = subprocess.run([sys.executable, "-m", "evaluator", "check", str(SAMPLES), "--out", str(out), "--format",
                            "json"], cwd=REPO, capture_output=True, text=True, timeout=300)
    assert again.returncode == 1
    assert len(json.loads(again.stdout)["files"]) == len(list(SAMPLES.rglob("*.xlsx")))


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="RLIMIT_FSIZE and prlimit")
def test_a_watcher_that_cannot_write_pauses_and_goes_on_once_it_can(tmp_path):
    import resource

    inbox, out, archive = tmp_path / "inbox", tmp_path / "out", tmp_path / "archive"
    inbox.mkdir()
    names = _drop(inbox, 6)
    stderr_file = tmp_path / "stderr.txt"
    with stderr_file.open("w") as stderr:
        process = _watch(inbox, out, archive, stderr, preexec_fn=_small_files(14000))
        try:
            deadline = _paused(process, stderr_file)
            resource.prlimit(process.pid, resource.RLIMIT_FSIZE, (resource.RLIM_INFINITY, resource.RLIM_INFINITY))
            report = _answered(out, inbox, names, deadline)
        finally:
            process.terminate()
            process.wait(30)
    _paused_once_and_resumed(stderr_file.read_text("utf-8"))
    assert sorted(Path(entry["dropped_as"]).name for entry in report["files"]) == names
    assert all(entry["annotated"] for entry in report["files"])
    assert sorted(p.name for p in archive.iterdir()) == names
