"""A soak test of the hot folder: ``watch --archive`` runs while workbooks land at random moments.

Another thread drops a few dozen files into the inbox: some written slowly in chunks (each pause
shorter than the watcher's interval, so a file is never still while incomplete; .xls only by rename,
since its header opens before the rest is written), some renamed into place, several under one name
(each after the last one was taken), a few hostile ones, a symbolic link out of the inbox (to a file
and to a folder) and a named pipe. When everything is in, the watcher gets SIGTERM. Then every
regular file was taken exactly once, archived exactly once, has exactly one annotated copy (where a
form was found) and one report entry; nothing from outside the inbox is in any output; nothing is
half-written; the watcher exited 0.

Nothing here races the clock: the test waits for the outcome (everything archived and reported),
and the only limit is a hard stop at 60 s. The random seed is printed; ``SOAK_SEED=…`` replays it.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
import zipfile
from collections import Counter
from pathlib import Path

import pytest
from openpyxl import Workbook

import badfiles

REPO = Path(__file__).resolve().parent.parent
SAMPLES = REPO / "sample_workbooks"
XLS = REPO / "tests" / "fixtures" / "libreoffice-formulas-xls"
SECRET = "外部机密-soak-91c4"
NAME = "部门整体支出绩效自评表.xlsx"
INTERVAL = 0.4
HARD_STOP = 60.0


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _no_form(path: Path, text: str) -> bytes:
    workbook = Workbook()
    workbook.active.append(["序号", "项目名称", "金额"])
    workbook.active.append([1, text, 100])
    workbook.save(path)
    return path.read_bytes()


def _pool(folder: Path, outside: Path) -> dict[str, list[tuple[str, bytes]]]:
    """The files to drop, by kind: (suffix, bytes)."""
    folder.mkdir()
    forms = [(".xlsx", path.read_bytes()) for path in sorted(SAMPLES.glob("*.xlsx"))]
    xls = [(".xls", path.read_bytes()) for path in sorted(XLS.glob("*.xls"))[:4]]
    lists = [(".xlsx", _no_form(folder / f"list{i}.xlsx", f"项目{i}")) for i in range(3)]
    form = SAMPLES / "correct-form.xlsx"
    hostile = [
        (".xlsx", badfiles.lying_zip(form, folder / "lying.xlsx").read_bytes()),
        (".xlsx", badfiles.billion_laughs(form, folder / "laughs.xlsx").read_bytes()),
        (".xlsx", badfiles.external_entity(form, folder / "xxe.xlsx").read_bytes()),
    ]
    (outside / "passwd").write_text(f"root:x:0:0:{SECRET}:/root:/bin/sh\n", "utf-8")
    _no_form(outside / "other-unit.xlsx", SECRET)
    return {"form": forms, "xls": xls, "list": lists, "hostile": hostile}


class Dropper:
    """Drops files into the inbox at random moments, and keeps count of every regular file dropped."""

    def __init__(self, inbox: Path, staging: Path, deadline: float) -> None:
        self.inbox, self.staging, self.deadline = inbox, staging, deadline
        self.dropped: list[tuple[str, str, bool]] = []   # (inbox name, sha256, whether a form is in it)
        self.errors: list[str] = []
        self._lock = threading.Lock()
        self._counter = 0

    def _note(self, relative: str, data: bytes, form: bool) -> None:
        with self._lock:
            self.dropped.append((relative, sha(data), form))

    def renamed(self, relative: str, data: bytes, form: bool, mtime: float | None = None) -> None:
        with self._lock:
            self._counter += 1
            staged = self.staging / f"{self._counter}.part"
        staged.write_bytes(data)
        if mtime is not None:
            os.utime(staged, (mtime, mtime))
        target = self.inbox / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        os.rename(staged, target)
        self._note(relative, data, form)

    def slowly(self, relative: str, data: bytes, form: bool, rng: random.Random) -> None:
        """Written in place in chunks, each pause well below the watcher's interval."""
        target = self.inbox / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        chunks = rng.randint(4, 10)
        size = -(-len(data) // chunks)
        with target.open("wb") as stream:
            for start in range(0, len(data), size):
                stream.write(data[start:start + size])
                stream.flush()
                time.sleep(rng.uniform(0.02, INTERVAL / 3))
        self._note(relative, data, form)

    def wait_gone(self, relative: str) -> bool:
        """Wait until the watcher has taken the file of that name (the next one comes after it)."""
        while os.path.lexists(self.inbox / relative):
            if time.monotonic() > self.deadline:
                self.errors.append(f"{relative} was never taken")
                return False
            time.sleep(0.05)
        return True


def _run_plan(dropper: Dropper, plan: list[tuple[float, callable]], started: float) -> None:
    try:
        for at, action in plan:
            delay = started + at - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            action()
    except Exception as exc:  # noqa: BLE001 - reported by the test
        dropper.errors.append(f"{type(exc).__name__}: {exc}")


def every_text(folder: Path) -> str:
    texts = []
    for path in folder.rglob("*"):
        if path.is_file() and not path.is_symlink():
            data = path.read_bytes()
            if zipfile.is_zipfile(path):
                with zipfile.ZipFile(path) as package:
                    data = b"".join(package.read(name) for name in package.namelist())
            texts.append(data.decode("utf-8", "replace"))
    return "\n".join(texts)


@pytest.mark.skipif(os.name != "posix" or not hasattr(os, "mkfifo"), reason="signals, links and pipes")
def test_the_hot_folder_under_random_drops(tmp_path):
    seed = int(os.environ.get("SOAK_SEED") or random.SystemRandom().randrange(2**32))
    print(f"\nsoak seed {seed} (SOAK_SEED={seed} replays it)")
    rng = random.Random(seed)
    inbox, out, archive, staging, outside = (tmp_path / name for name in ("inbox", "out", "archive", "staging", "outside"))
    for folder in (inbox, staging, outside):
        folder.mkdir()
    pool = _pool(tmp_path / "pool", outside)
    begun = time.monotonic()
    deadline = begun + HARD_STOP - 8   # leaves time to stop the watcher and look at what it did

    log_file, stdout_file, stderr_file = tmp_path / "watch.log", tmp_path / "stdout.txt", tmp_path / "stderr.txt"
    with stdout_file.open("w") as stdout, stderr_file.open("w") as stderr:
        process = subprocess.Popen(
            [sys.executable, "-m", "evaluator", "watch", str(inbox), "--out", str(out), "--archive", str(archive),
             "--interval", str(INTERVAL), "--settle", "30", "--jobs", "2", "--log", str(log_file)],
            cwd=REPO, stdout=stdout, stderr=stderr)
    try:
        dropper = Dropper(inbox, staging, deadline)
        # one generator per thread, so that a seed replays the same drops whatever the interleaving
        rngs = [random.Random(seed * 3 + i) for i in range(3)]
        spread = 8.0

        def pick(kind):
            return rng.choice(pool[kind])

        # Plans: each runs in a thread of its own, its drops at random moments within `spread` seconds.
        plans: list[list[tuple[float, callable]]] = [[], [], []]
        number = 0
        for kind, count in (("form", 12), ("xls", 4), ("list", 4), ("hostile", 3)):
            for _ in range(count):
                number += 1
                suffix, data = pick(kind)
                relative = f"{'sub/' if number % 7 == 0 else ''}{number:02d}-{kind}{suffix}"
                form = kind in ("form", "xls")
                slow = suffix != ".xls" and rng.random() < 0.5
                action = (lambda r=relative, d=data, f=form, g=rngs[number % 2]: dropper.slowly(r, d, f, g)) if slow else \
                    (lambda r=relative, d=data, f=form: dropper.renamed(r, d, f))
                plans[number % 2].append((rng.uniform(0, spread), action))
        damaged = os.urandom(3000)   # never becomes a workbook; an hour old, so it is taken at once
        plans[0].append((rng.uniform(0, spread), lambda: dropper.renamed("damaged.xlsx", damaged, False,
                                                                         mtime=time.time() - 3600)))
        plans[1].append((rng.uniform(0, spread), lambda: (inbox / "x.xlsx").symlink_to(outside / "passwd")))
        plans[1].append((rng.uniform(0, spread), lambda: (inbox / "linked").symlink_to(outside, target_is_directory=True)))
        plans[0].append((rng.uniform(0, spread), lambda: os.mkfifo(inbox / "pipe.xlsx")))
        for plan in plans[:2]:
            plan.sort(key=lambda item: item[0])

        def same_name() -> None:   # one name, one file after the other, each once the last was taken
            own = rngs[2]
            for turn in range(6):
                if turn and not dropper.wait_gone(NAME):
                    return
                time.sleep(own.uniform(0, 0.5))
                suffix, data = own.choice(pool["form" if turn % 3 else "list"])
                if own.random() < 0.5:
                    dropper.slowly(NAME, data, turn % 3 != 0, own)
                else:
                    dropper.renamed(NAME, data, turn % 3 != 0)

        plans[2].append((0.0, same_name))
        threads = [threading.Thread(target=_run_plan, args=(dropper, plan, time.monotonic())) for plan in plans]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=max(0.0, deadline - time.monotonic()))
        assert not dropper.errors, dropper.errors
        assert not any(thread.is_alive() for thread in threads), "the drops did not finish in time"

        # Wait for the outcome, not for a time: everything archived, and the reports saying so.
        expected = len(dropper.dropped)
        report = {}
        while time.monotonic() < deadline:
            archived = [p for p in archive.rglob("*") if p.is_file()]
            try:
                report = json.loads((out / "report.json").read_text("utf-8"))
            except (OSError, ValueError):
                report = {}
            left = [p for p in inbox.rglob("*") if p.is_file() and not p.is_symlink()]
            if len(archived) >= expected and len({e["path"] for e in report.get("files", [])}) >= expected \
                    and not left and len(report.get("skipped", [])) >= 3:
                break
            assert process.poll() is None, stderr_file.read_text("utf-8")
            time.sleep(0.2)
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=max(1.0, begun + HARD_STOP - time.monotonic()))
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    stderr_text = stderr_file.read_text("utf-8")
    assert process.returncode == 0, stderr_text
    assert time.monotonic() - begun < HARD_STOP

    dropped = Counter(digest for _, digest, _ in dropper.dropped)
    forms = {digest for _, digest, form in dropper.dropped if form}
    archived = {p: sha(p.read_bytes()) for p in archive.rglob("*") if p.is_file()}
    manifest = json.loads((out / ".evaluator-manifest.json").read_text("utf-8"))["files"]
    report = json.loads((out / "report.json").read_text("utf-8"))
    by_path: dict[str, list[dict]] = {}
    for entry in report["files"]:
        by_path.setdefault(entry["path"], []).append(entry)

    # taken exactly once, archived exactly once, one record and one report entry each
    assert Counter(archived.values()) == dropped, "archive"
    assert Counter(record["sha256"] for record in manifest.values()) == dropped, "manifest"
    assert set(by_path) == {str(path) for path in archived}, "report"
    assert all(len(entries) == 1 for entries in by_path.values())
    taken = [line for line in log_file.read_text("utf-8").splitlines() if " → " in line]
    assert len(taken) == len(dropper.dropped), taken
    for key, record in manifest.items():
        assert archived[archive / key] == record["sha256"]
        (entry,) = by_path[str(archive / key)]
        assert Path(entry["dropped_as"]).parent in (inbox, inbox / "sub")
    # one annotated copy where a form was found, none elsewhere
    copies = {p for p in out.rglob("*.checked.xlsx")}
    assert copies == {Path(e["annotated"]) for e in report["files"] if e["annotated"]}
    for key, record in manifest.items():
        (entry,) = by_path[str(archive / key)]
        if record["sha256"] in forms:
            assert entry["family"] is not None and Path(entry["annotated"]).is_file(), entry
        else:
            assert entry["annotated"] is None and entry["not_annotated"], entry
    assert len(copies) == sum(1 for _, digest, form in dropper.dropped if form)
    # what was not read is said, once, and never archived
    assert sorted(Path(item["path"]).name for item in report["skipped"]) == ["linked", "pipe.xlsx", "x.xlsx"]
    assert report["summary"]["skipped"] == 3 and report["summary"]["files"] == len(report["files"])
    assert stderr_text.count(str(inbox / "x.xlsx")) == 1
    assert (inbox / "x.xlsx").is_symlink() and (inbox / "pipe.xlsx").exists()
    # nothing from outside the inbox in any output, nothing half-written
    for text in (every_text(out), every_text(archive), stdout_file.read_text("utf-8"), stderr_text,
                 log_file.read_text("utf-8")):
        assert SECRET not in text
    assert not list(out.rglob(".~tmp-*")) and not list(archive.rglob(".~tmp-*"))
    for path in out.rglob("*.xlsx"):
        with zipfile.ZipFile(path) as package:
            assert package.testzip() is None
    print(f"{len(dropper.dropped)} files in {time.monotonic() - begun:.1f} s")
