"""Matching labels the way a reader of the form would: 三公, “三公” and "三公" are one name."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Quotes of every kind people type around a name: “” ‘’ "" '' 「」 『』.
_QUOTES = re.compile("[\"'“”‘’「」『』〝〞＂]")
_SPACE = re.compile(r"\s+")
# A unit in brackets after a label: 总预算（万元）, 分值(分), 分值（%）.
_UNIT = re.compile(r"[(（](万元|元|分|%|％)[)）]")
# Points written inside a label: 产出指标(50分), 履职效能（50.00分）.
_POINTS = re.compile(r"[(（]\s*(\d+(?:\.\d+)?)\s*分\s*[)）]")
_TRAILING = re.compile(r"[:：]+$")

# What people write in a text cell to say "nothing here".
EMPTY_WORDS = frozenset({"", "无", "/", "／", "-", "—", "——", "暂无", "无。", "不适用", "N/A", "n/a"})


def norm_label(text: object) -> str:
    """The comparable form of a label: NFKC-folded, no spaces, quotes, unit or trailing colon."""
    if text is None:
        return ""
    return _norm_label(text if isinstance(text, str) else str(text))


@lru_cache(maxsize=8192)
def _norm_label(text: str) -> str:
    # Labels repeat across every form of a batch; the cache makes locating a form cheap.
    value = unicodedata.normalize("NFKC", text)
    value = _SPACE.sub("", value)
    value = _QUOTES.sub("", value)
    value = _UNIT.sub("", value)
    return _TRAILING.sub("", value)


def split_points(label: str) -> tuple[str, str | None]:
    """``产出指标(50分)`` → (``产出指标``, ``50``); a label without points → (label, None)."""
    match = _POINTS.search(label)
    if not match:
        return label, None
    return (label[: match.start()] + label[match.end() :]).strip(), match.group(1)


def is_blank_text(text: object) -> bool:
    """True for an empty cell and for the words that mean "nothing" (无, /, —)."""
    if text is None:
        return True
    return _SPACE.sub("", unicodedata.normalize("NFKC", str(text))) in EMPTY_WORDS
