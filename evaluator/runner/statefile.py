"""The files an output folder keeps between runs (history, reviews), written so that none is lost.

Each is written whole or not at all (a temporary file renamed into place, :mod:`evaluator.outputs.atomic`),
so a run killed at any moment leaves the previous version. Before a file is replaced, the version
that was last read without fault is kept beside it as ``<name>.bak`` (the last good copy).

A file that cannot be read (cut short, edited by hand into something else) is never a traceback:
:func:`load_json` says so in Chinese, keeps the broken file as ``<name>.损坏-<时间>`` for a person
to look at, and falls back to the last good copy, else to a fresh start.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
from datetime import datetime
from pathlib import Path
from typing import Any, Callable

from evaluator.outputs.atomic import write_text

log = logging.getLogger("evaluator")
BACKUP_SUFFIX = ".bak"


def backup_of(path: Path) -> Path:
    return path.with_name(path.name + BACKUP_SUFFIX)


def set_aside(path: Path, what: str, reason: str | None) -> Path | None:
    """Keep a broken file under another name (never deleted) and say so (``reason`` None: the
    reason was said already); returns where it went."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.name}.损坏-{stamp}")
    try:
        os.replace(path, target)
    except OSError:
        target = None
    kept = f"，原文件已另存为 {target.name}" if target is not None else ""
    if reason is None:
        if target is not None:
            log.warning("%s %s 原文件已另存为 %s", what, path.name, target.name)
    else:
        log.warning("%s %s 无法读取（%s）%s", what, path.name, reason, kept)
    return target


def load_json(path: Path, what: str, valid: Callable[[Any], bool]) -> Any | None:
    """The content of ``path`` when it is valid JSON that ``valid`` accepts; else (with a message,
    the broken file set aside) the last good copy's; None when neither is there."""
    for candidate, last_good in ((path, False), (backup_of(path), True)):
        try:
            data = json.loads(candidate.read_text("utf-8"))
        except FileNotFoundError:
            continue
        except (OSError, ValueError) as exc:
            reason = f"{type(exc).__name__}: {exc}"
        else:
            if valid(data):
                if last_good:
                    log.warning("%s：改用上一份完好的副本 %s", what, candidate.name)
                return data
            reason = "内容格式不符"
        if last_good:
            log.warning("%s的备份 %s 也无法读取（%s），从头开始记录", what, candidate.name, reason)
            return None
        set_aside(path, what, reason)
    return None


def save_text(path: Path, text: str) -> None:
    """Write ``path`` atomically, keeping the version it replaces as the last good copy."""
    if path.is_file():
        try:
            shutil.copy2(path, backup_of(path))
        except OSError as exc:
            log.debug("%s：未能保留上一版本（%s）", path, exc)
    write_text(path, text)


def save_json(path: Path, data: Any) -> None:
    save_text(path, json.dumps(data, ensure_ascii=False, indent=1))
