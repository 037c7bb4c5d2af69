"""One run at a time per output folder: a lock on DIR/.evaluator.lock.

Two runs writing the same folder (a nightly job and an auditor, two hot-folder watchers) would
interleave their manifest and reports. The second run waits for the first, saying on stderr who
holds the folder (pid, host, since when: the holder records itself in DIR/.evaluator.lock.json),
and gives up after ``wait`` seconds with :class:`FolderBusy`.

The lock file stays in DIR after the run. A run waiting for the lock holds the file open; were the
holder to delete it on the way out, the waiting run would get the lock on a file no longer in the
folder while a third run creates a new one and locks that: two runs at once. The record of who
holds the folder is deleted, since nothing locks it.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import sys
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Iterator

from evaluator.outputs.atomic import write_text

log = logging.getLogger("evaluator")
LOCK_NAME = ".evaluator.lock"
HOLDER_NAME = ".evaluator.lock.json"


class FolderBusy(RuntimeError):
    """Another run holds the output folder and did not let go in time."""


def holder(folder: Path) -> str:
    """Who holds the folder, as recorded by the holder: "pid 123 on host, since 02:00:01"."""
    try:
        info = json.loads((folder / HOLDER_NAME).read_text("utf-8"))
        return f"pid {info['pid']}（{info['host']}，{info['since']} 起：{info['command']}）"
    except (OSError, ValueError, KeyError, TypeError):
        return "另一个运行（未记录进程号）"


@contextmanager
def holding(folder: Path, wait: float) -> Iterator[None]:
    """Hold the folder's lock for the block; wait up to ``wait`` seconds for another run to finish."""
    from filelock import FileLock, Timeout   # only where a lock is taken: not on a run without --out

    folder.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(folder / LOCK_NAME))
    try:
        lock.acquire(timeout=0)
    except Timeout:
        who = holder(folder)
        log.warning("输出文件夹 %s 正被 %s 使用，最多等待 %s 秒…", folder, who, _seconds(wait))
        try:
            lock.acquire(timeout=max(wait, 0))
        except Timeout:
            raise FolderBusy(
                f"输出文件夹 {folder} 正被 {who} 使用，等待 {_seconds(wait)} 秒后仍未释放；"
                "请等它结束，或用 --wait 延长等待") from None
    record = folder / HOLDER_NAME
    try:
        write_text(record, json.dumps({
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "since": datetime.now().astimezone().isoformat(timespec="seconds"),
            "command": " ".join([Path(sys.argv[0]).name, *sys.argv[1:]])[:300],
        }, ensure_ascii=False))
        yield
    finally:
        record.unlink(missing_ok=True)
        lock.release()


def _seconds(value: float) -> str:
    return f"{value:g}"
