"""What the file-writing reporters share: status labels in Chinese and links to annotated copies."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any
from urllib.parse import quote

from evaluator.outputs.reporters.json import effective_status

STATUS_LABELS = {
    "ok": "通过",
    "findings": "有问题",
    "unreadable": "无法读取",
    "unchanged": "未变化",
}
SEVERITY_LABELS = {"error": "错误", "warning": "警告", "info": "提示"}


def status_label(row: dict[str, Any]) -> str:
    """通过, 有问题, 无法读取; a reused entry says so: 有问题（未变化）."""
    label = STATUS_LABELS.get(effective_status(row), effective_status(row))
    if row["status"] == "unchanged":
        return f"{label}（未变化）"
    return label


def relative_path(target: str | None, base: Path | None) -> str | None:
    """``target`` as seen from the folder ``base`` (POSIX separators), or as given when base is None."""
    if not target:
        return None
    if base is None:
        return Path(target).as_posix()
    try:
        return Path(os.path.relpath(Path(target).resolve(), Path(base).resolve())).as_posix()
    except ValueError:  # another drive on Windows: no relative path exists
        return Path(target).resolve().as_uri()


def href(target: str | None, base: Path | None) -> str | None:
    """A relative URL to ``target`` that works when the report is opened straight from disk."""
    path = relative_path(target, base)
    if path is None or path.startswith("file:"):
        return path
    return quote(path, safe="/")
