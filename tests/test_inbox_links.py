"""A link to a valid workbook in the hot folder is never opened, even when it is swapped in
between the folder walk and the open.

The walk skips links, so a link that is there when the inbox is walked is never a candidate; the
race is a regular file replaced by a link after the walk. Then only the open itself can refuse
it: every open of a path in the inbox must carry ``O_NOFOLLOW`` (the readiness probe
``watch.opens``, the marker of our own outputs, the read of the bytes checked). Python's audit
hook sees every open, by ``open()`` and ``os.open`` alike, with its flags, so the test asserts
the flags themselves, and that the linked workbook's content appears in no output.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path

import pytest

from conftest import SAMPLES
from evaluator.runner.watch import Watcher, WatchOptions, opens

NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
pytestmark = pytest.mark.skipif(not NOFOLLOW, reason="the system has no O_NOFOLLOW")

#: (path, flags) of every open while a test records; None when no test is recording.
_OPENED: list[tuple[str, int]] | None = None


def _hook(event: str, args: tuple) -> None:
    if event == "open" and _OPENED is not None and isinstance(args[0], (str, bytes, os.PathLike)):
        flags = args[2] if len(args) > 2 and isinstance(args[2], int) else 0
        _OPENED.append((os.fsdecode(args[0]), flags))


sys.addaudithook(_hook)   # audit hooks cannot be removed: it records only between start and stop


class _Opens:
    def __enter__(self) -> list[tuple[str, int]]:
        global _OPENED
        _OPENED = []
        return _OPENED

    def __exit__(self, *exc: object) -> None:
        global _OPENED
        _OPENED = None


def _inside(path: str, folder: Path) -> bool:
    return os.path.abspath(path).startswith(str(folder) + os.sep)


@pytest.fixture
def outside_workbook(tmp_path) -> Path:
    """A valid workbook outside the inbox, with a sheet name nothing else has."""
    outside = tmp_path / "outside"
    outside.mkdir()
    target = outside / "other-unit.xlsx"
    shutil.copy(SAMPLES / "planted-rate-score.xlsx", target)
    return target


def test_opens_does_not_follow_a_link_to_a_valid_workbook(tmp_path, outside_workbook):
    link = tmp_path / "link.xlsx"
    link.symlink_to(outside_workbook)
    assert opens(outside_workbook)          # the target itself is a whole workbook
    with _Opens() as opened:
        assert not opens(link)
    assert opened and all(flags & NOFOLLOW for path, flags in opened if path == str(link))


@pytest.mark.parametrize("archive", [False, True], ids=["in-place", "archived"])
def test_a_link_swapped_in_after_the_walk_is_never_opened(tmp_path, definitions, outside_workbook, archive):
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    inbox.mkdir()
    shutil.copy(SAMPLES / "correct-form.xlsx", inbox / "form.xlsx")
    shutil.copy(SAMPLES / "correct-form.xlsx", inbox / "swapped.xlsx")
    archive_dir = tmp_path / "archive" if archive else None
    watcher = Watcher(WatchOptions(inbox=inbox, out_dir=out, archive=archive_dir, interval=0, settle=0), definitions)
    watcher.seen = watcher.scan()
    walked = watcher.scan()
    assert set(walked) == {inbox / "form.xlsx", inbox / "swapped.xlsx"}

    def scan_then_swap() -> dict:
        # The walk has seen two regular files; one becomes a link to another unit's workbook
        # before anything is opened.
        swap = inbox / ".swap"
        swap.symlink_to(outside_workbook)
        swap.replace(inbox / "swapped.xlsx")
        watcher.scan = lambda: walked   # later looks would see the link; this look has not
        return walked

    watcher.scan = scan_then_swap
    with _Opens() as opened:
        batch = watcher.poll()
    assert batch is not None
    link = str(inbox / "swapped.xlsx")
    assert (inbox / "swapped.xlsx").is_symlink()
    # Every open of a path in the inbox (and the archive) refuses to follow a link.
    checked = [(path, flags) for path, flags in opened
               if _inside(path, inbox) or (archive_dir is not None and _inside(path, archive_dir))]
    assert any(path == link for path, _ in checked) or archive, "the swapped path was never looked at"
    assert all(flags & NOFOLLOW for _, flags in checked), [p for p, f in checked if not f & NOFOLLOW]
    # Nothing opened the other unit's workbook by its own name either.
    assert not [path for path, _ in opened
                if os.path.abspath(path) in (str(outside_workbook), str(outside_workbook.resolve()))]
    # The form was checked; the link was neither checked nor archived, and the target is untouched.
    report = json.loads((out / "report.json").read_text("utf-8"))
    names = [Path(entry["path"]).name for entry in report["files"]]
    assert names == ["form.xlsx"], names
    assert sorted(p.name for p in out.glob("*.checked.xlsx")) == ["form.checked.xlsx"]
    if archive_dir is not None:
        assert sorted(p.name for p in archive_dir.iterdir()) == ["form.xlsx"]
    assert outside_workbook.read_bytes() == (SAMPLES / "planted-rate-score.xlsx").read_bytes()


def test_a_link_into_a_sibling_folder_sharing_the_name_prefix_is_outside(tmp_path):
    """``inbox-private`` is not inside ``inbox``: a link into it is outside the folder checked,
    although its path starts with the folder's."""
    from evaluator.runner.discovery import walk

    inbox, sibling = tmp_path / "inbox", tmp_path / "inbox-private"
    inbox.mkdir()
    sibling.mkdir()
    shutil.copy(SAMPLES / "correct-form.xlsx", sibling / "salaries.xlsx")
    (inbox / "look.xlsx").symlink_to(sibling / "salaries.xlsx")
    (inbox / "folder").symlink_to(sibling, target_is_directory=True)
    walked = walk(inbox)
    assert walked.found == []
    assert sorted(Path(item.path).name for item in walked.skipped) == ["folder", "look.xlsx"]
    assert all("之外" in item.reason for item in walked.skipped)
