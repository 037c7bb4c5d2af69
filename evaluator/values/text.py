"""Matching labels the way a reader of the form would: 三公, “三公” and "三公" are one name.

Characters no reader sees are no part of a name: before any label is matched it is NFKC-folded and
the characters of :data:`INVISIBLE` are removed. That list is:

* zero-width characters: U+200B ZERO WIDTH SPACE, U+200C ZERO WIDTH NON-JOINER, U+200D ZERO WIDTH
  JOINER, U+2060 WORD JOINER, U+FEFF ZERO WIDTH NO-BREAK SPACE (a byte-order mark), U+180E
  MONGOLIAN VOWEL SEPARATOR, U+00AD SOFT HYPHEN, U+034F COMBINING GRAPHEME JOINER, U+2061–U+2064
  (invisible function application, times, separator, plus);
* bidirectional controls: U+200E LEFT-TO-RIGHT MARK, U+200F RIGHT-TO-LEFT MARK, U+061C ARABIC LETTER
  MARK, U+202A–U+202E (LRE, RLE, PDF, LRO, RLO), U+2066–U+2069 (LRI, RLI, FSI, PDI).

In what the tool writes (terminal, HTML, summary.xlsx, the annotated copy's notes) the
bidirectional controls are neutralised (:func:`evaluator.outputs.inert.printable` and
:func:`~evaluator.outputs.inert.xlsx_text`), so a right-to-left override in a unit or a file name
cannot reorder what people read.
"""

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

#: Zero-width and bidirectional control characters (see the module docstring).
ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff\u180e\u00ad\u034f\u2061\u2062\u2063\u2064"
BIDI_CONTROLS = "\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
INVISIBLE = ZERO_WIDTH + BIDI_CONTROLS
_STRIP = str.maketrans("", "", INVISIBLE)


def strip_invisible(text: str) -> str:
    """``text`` without the characters of :data:`INVISIBLE`."""
    return text.translate(_STRIP)


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
    value = unicodedata.normalize("NFKC", strip_invisible(text))
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
    return _SPACE.sub("", unicodedata.normalize("NFKC", strip_invisible(str(text)))) in EMPTY_WORDS
