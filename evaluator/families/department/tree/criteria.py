"""What a printed 评分标准 lets a row score: the set of allowed scores, parsed from the text.

Shapes understood (``W`` is the row's 分值):

- deductions — ``每超1个百分点扣0.5分，扣完为止``, ``每发现一项扣0.5分``, ``每少一项扣1分``: W less any
  multiple of the step (of each step, where several are printed), not below 0;
- bands and categories — ``≥90%得5分，80%（含）-90%得4分，60%以下不得分``, ``无…得3分；…得2分``: the
  points listed (``得满分`` is W, ``不得分`` is 0), each less the deductions printed beside them;
- checklists — ``①…得1分；②…得1分；③…得1分``: any sum of the items' points, up to W;
- proportional — ``按比例计分``, ``执行率×分值``, ``×100%``: any score from 0 to W (nothing to judge).

A text in none of these shapes is *unparsed*: the row is left unjudged and the report says so.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal

_NUMBER = r"(\d+(?:\.\d+)?)"
_DEDUCT = re.compile(r"(?:每|一次|一项|一处|一个)[^，,。；;]*?(?:扣|减)(?:除)?" + _NUMBER + r"分")
_AWARD = re.compile(r"(?:得|计|给|记)" + _NUMBER + r"分")
_FULL = re.compile(r"(?:得|计|给)满分")
_NONE = re.compile(r"不得分|不计分|得0分|计0分|0分")
_ITEM = re.compile(r"[①②③④⑤⑥⑦⑧⑨⑩]|[(（]\d[)）]")
#: Numbered items (``1、…(1分); 2、…(1分)``) and the points in brackets after each.
_NUMBERED = re.compile(r"(?:^|(?<=[;；。,，\s)）]))\d[、.．](?!\d)")
_ITEM_POINTS = re.compile(r"[(（]" + _NUMBER + r"分")
_PROPORTIONAL = re.compile(r"比例|比率计分|[×*xX]\s*\S{0,4}(?:分值|权重|100%)|分值\s*[×*]|乘以|按.{0,6}计算得分|线性|得分\s*=")
#: The largest number of allowed scores worked out (bigger sets are treated as a range).
_LIMIT = 5000


@dataclass(frozen=True)
class Allowed:
    """The scores a rule allows: ``values`` (a finite set), or any score in 0…W (``values`` None
    and ``parsed``), or unknown (``parsed`` False)."""

    parsed: bool
    values: frozenset[Decimal] | None = None
    shape: str = ""

    def allows(self, score: Decimal) -> bool:
        return self.values is None or score in self.values


UNPARSED = Allowed(parsed=False)


def _normal(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    return "".join(text.split()).replace("—", "-").replace("－", "-")


def _deductions(steps: list[Decimal], weight: Decimal) -> set[Decimal] | None:
    """Every sum of multiples of the steps up to ``weight`` (None when too many)."""
    sums = {Decimal(0)}
    for step in steps:
        if step <= 0:
            continue
        frontier = set(sums)
        while frontier:
            nxt = {value + step for value in frontier if value + step <= weight} - sums
            sums |= nxt
            frontier = nxt
            if len(sums) > _LIMIT:
                return None
    return sums


def allowed_scores(text: str, weight: Decimal) -> Allowed:
    """The scores the rule ``text`` allows a row of 分值 ``weight``."""
    rule = _normal(text or "")
    if not rule or weight <= 0:
        return UNPARSED
    items = [_normal(item) for item in _ITEM.split("".join((text or "").split()))]   # ① is 1 once normalised
    if len(items) <= 2:
        numbered = _NUMBERED.split(rule)
        if len(numbered) > 2:
            points = []
            for item in numbered[1:]:
                found = _ITEM_POINTS.findall(item)
                if found:
                    points.append(Decimal(found[0]))   # the item's own points, before any 其中 detail
                elif not _NONE.search(item):
                    return UNPARSED                     # an item of no stated points: not a checklist we read
            sums = {Decimal(0)}
            for point in points:
                sums |= {value + point for value in sums}
            return Allowed(True, frozenset(value for value in sums if value <= weight), "checklist")
    awards = [Decimal(match) for match in _AWARD.findall(rule)]
    steps = sorted({Decimal(match) for match in _DEDUCT.findall(rule)})
    if len(items) > 2 and not steps:
        points = [Decimal(found[0]) for found in (_AWARD.findall(item) for item in items[1:]) if found]
        if len(points) == len(items) - 1:
            sums = {Decimal(0)}
            for point in points:
                sums |= {value + point for value in sums}
            return Allowed(True, frozenset(value for value in sums if value <= weight), "checklist")
    if _PROPORTIONAL.search(rule):
        return Allowed(True, None, "proportional")
    starts = set(awards) | ({weight} if _FULL.search(rule) or steps else set())
    zero = bool(_NONE.search(rule)) or "扣完为止" in rule or "扣完" in rule
    if not starts:
        return UNPARSED
    if any(start > weight for start in starts):
        return UNPARSED   # a rule of points the row does not have: not this row's rule
    values: set[Decimal] = set(starts)
    if steps:
        deductions = _deductions(steps, weight)
        if deductions is None:
            return Allowed(True, None, "deductions")
        values = {start - deduction for start in starts for deduction in deductions if start - deduction >= 0}
        zero = True
    if zero:
        values.add(Decimal(0))
    return Allowed(True, frozenset(values), "deductions" if steps else "bands")


def show(values: frozenset[Decimal], limit: int = 8) -> str:
    from evaluator.values.numbers import fmt

    ordered = sorted(values, reverse=True)
    shown = "、".join(fmt(value) for value in ordered[:limit])
    return shown + ("…" if len(ordered) > limit else "")
