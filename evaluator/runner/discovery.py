"""Walking a folder: find the workbooks inside it, and only inside it.

A folder given to ``check`` or ``watch`` is a boundary. A hot folder is usually a share many people
can write to, read by an account that can read far more than they can: a symbolic link named
``x.xlsx`` pointing at ``/etc/passwd``, or a linked folder pointing at another unit's files, must not
turn the tool into a way of reading them. So, while walking a folder:

* a symbolic link (to a file or a folder) whose target lies outside the folder given is not read;
  ``follow=True`` (``check --follow-symlinks``, for people checking their own files) reads it;
* a link whose target is inside the folder is read there (the target is inside anyway), except by
  the hot folder, which never follows a link (``links=False``);
* named pipes (FIFOs), sockets and devices are never opened: reading a pipe would block the run;
* a link that cannot be resolved (a loop, or a target that is gone) and a linked folder already
  walked (a loop through folders) are skipped.

Each of these is a :class:`Skipped` with a reason in Chinese, for the report's ``skipped`` list.
A regular file whose name is not a workbook's (a PDF, a Word document, a CSV, an image …) is not
read either, but it is answered: it goes to ``others`` with the reason ``不是表格文件（…）``, so that
every file in a folder gets one line. Dotfiles, hidden folders and Office lock files (``~$…``) are
passed over silently, as before.
"""

from __future__ import annotations

import errno
import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from evaluator.runner.engine import SUFFIXES
from evaluator.outputs.inert import safe_path


@dataclass(frozen=True)
class Skipped:
    """A path found and deliberately not read, and why."""

    path: str
    reason: str

    def to_dict(self) -> dict[str, str]:
        return {"path": safe_path(self.path), "reason": self.reason}


@dataclass(frozen=True)
class Found:
    """A regular file to read: where it was found, where to read it (a link's target), and its stat."""

    path: Path          # as found, under the folder given
    target: Path        # what to open: ``path``, or the resolved target of a followed link
    relative: Path      # ``path`` relative to the folder given
    info: os.stat_result


def looks_like_workbook(name: str) -> bool:
    """A name worth a look: a known suffix, not an Office lock file, not a dotfile."""
    return (Path(name).suffix.lower() in SUFFIXES and not name.startswith("~$") and not name.startswith("."))


#: What a file that is not a spreadsheet is, by its suffix, for the reason ``不是表格文件（PDF 文档）``.
OTHER_KINDS = {
    ".pdf": "PDF 文档", ".doc": "Word 文档", ".docx": "Word 文档", ".wps": "WPS 文字文档",
    ".csv": "CSV 文本", ".txt": "文本文件", ".ppt": "演示文稿", ".pptx": "演示文稿",
    ".jpg": "图片", ".jpeg": "图片", ".png": "图片", ".gif": "图片", ".bmp": "图片", ".tif": "图片",
    ".tiff": "图片", ".zip": "压缩包", ".rar": "压缩包", ".7z": "压缩包", ".html": "网页", ".htm": "网页",
    ".json": "JSON 文本", ".xml": "XML 文本", ".et": "WPS 表格文档（请另存为 .xlsx）",
    ".yaml": "YAML 文本", ".yml": "YAML 文本", ".md": "文本文件", ".py": "Python 程序", ".ofd": "OFD 版式文档",
    ".numbers": "Numbers 表格（请另存为 .xlsx）",
}


def not_a_spreadsheet(name: str) -> str:
    """The reason a file is not read as a workbook: 不是表格文件（PDF 文档）."""
    suffix = Path(name).suffix.lower()
    kind = OTHER_KINDS.get(suffix) or (f"{suffix} 文件" if suffix else "无扩展名的文件")
    return f"不是表格文件（{kind}），未检查"


def special_kind(mode: int) -> str | None:
    """What a file that is neither regular nor a folder is, in Chinese (None for a regular file or folder)."""
    if stat.S_ISFIFO(mode):
        return "命名管道（FIFO）"
    if stat.S_ISSOCK(mode):
        return "套接字"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "设备文件"
    if stat.S_ISREG(mode) or stat.S_ISDIR(mode):
        return None
    return "特殊文件"


def _inside(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


class Walk:
    """One walk of one folder (see the module docstring); ``found`` and ``skipped`` when done."""

    def __init__(self, root: Path, *, follow: bool = False, links: bool = True,
                 exclude: Iterable[Path] = ()) -> None:
        self.root = root
        self.real_root = os.path.realpath(root)
        self.follow = follow
        self.links = links
        self.exclude = {os.path.realpath(folder) for folder in exclude}
        self.found: list[Found] = []
        self.skipped: list[Skipped] = []
        self.others: list[Skipped] = []   # regular files that are not workbooks, answered as such
        self._walked: set[str] = set()

    def run(self) -> "Walk":
        self._folder(self.root, Path(), self.real_root)
        self.found.sort(key=lambda item: item.relative.parts)
        return self

    def _skip(self, path: Path, reason: str) -> None:
        self.skipped.append(Skipped(str(path), reason))

    def _folder(self, folder: Path, relative: Path, real: str) -> None:
        self._walked.add(real)
        try:
            with os.scandir(folder) as entries:
                names = sorted(entry.name for entry in entries)
        except OSError as exc:
            self._skip(folder, f"文件夹无法读取（{exc.strerror or exc}）")
            return
        for name in names:
            if name.startswith("."):
                continue
            self._entry(folder / name, relative / name)

    def _entry(self, path: Path, relative: Path) -> None:
        try:
            info = os.lstat(path)
        except OSError:
            return  # gone between listing and looking
        if stat.S_ISLNK(info.st_mode):
            self._link(path, relative)
        elif stat.S_ISDIR(info.st_mode):
            self._subfolder(path, relative, os.path.realpath(path))
        elif looks_like_workbook(path.name):
            kind = special_kind(info.st_mode)
            if kind is not None:
                self._skip(path, f"{kind}，不是普通文件，未读取")
            else:
                self.found.append(Found(path, path, relative, info))
        elif stat.S_ISREG(info.st_mode) and not path.name.startswith("~$"):
            self.others.append(Skipped(str(path), not_a_spreadsheet(path.name)))

    def _subfolder(self, path: Path, relative: Path, real: str) -> None:
        if real in self.exclude and not _inside(self.real_root, real):
            return  # the run's own output or archive folder
        if real in self._walked:
            self._skip(path, "符号链接循环（指向已经查找过的文件夹），未读取")
            return
        self._folder(path, relative, real)

    def _link(self, path: Path, relative: Path) -> None:
        try:
            info = os.stat(path)
        except OSError as exc:
            if looks_like_workbook(path.name):
                why = "符号链接循环" if exc.errno == errno.ELOOP else "符号链接的目标不存在或无法访问"
                self._skip(path, f"{why}，未读取")
            return
        folder = stat.S_ISDIR(info.st_mode)
        if not folder and not looks_like_workbook(path.name):
            return
        real = os.path.realpath(path)
        what = "指向文件夹的符号链接" if folder else "符号链接"
        if not self.links:
            where = "指向监视文件夹之外" if not _inside(real, self.real_root) else "监视文件夹内"
            self._skip(path, f"{what}（{where}），监视文件夹不跟随符号链接，未读取")
            return
        if not self.follow and not _inside(real, self.real_root):
            self._skip(path, f"{what}指向所查文件夹之外，未读取；如确需读取，请用 --follow-symlinks")
            return
        if folder:
            self._subfolder(path, relative, real)
            return
        kind = special_kind(info.st_mode)
        if kind is not None:
            self._skip(path, f"符号链接指向{kind}，不是普通文件，未读取")
            return
        self.found.append(Found(path, Path(real), relative, info))


def walk(root: Path, *, follow: bool = False, links: bool = True, exclude: Iterable[Path] = ()) -> Walk:
    """Walk ``root`` (see the module docstring)."""
    return Walk(root, follow=follow, links=links, exclude=exclude).run()
