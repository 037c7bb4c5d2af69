"""Figures written in prose: arithmetic, rates, stated scores and stated deductions.

These readers are pure functions over one text (and, where it matters, the row's 分值 or the labels
of the other rows); they know nothing of any one form, so every family applies them to its own
text cells (未达标原因 and 改进措施 on the department form, 偏差原因分析及改进措施 on a project form).

Text is folded first (NFKC, keeping the Chinese comma apart from the thousands separator), so
``９２．３１％＊５＝４．６２`` reads like ``92.31%*5=4.62`` and ``193,807万元`` is one number.

:func:`statements` — arithmetic written out, in every common notation:

* multiplication ``×  *  x  X  ＊  ·  ・  乘以  乘``, division ``/  ÷  除以``, ``+  加上  −  -  减去``;
* results after ``=  ＝  ≈  等于  约等于  约为  为``, or ``得  得出  计得  得分  得分为`` (also after a comma:
  ``5×92.31%，得4.62分``); the result first: ``0.94分=1分×94%``;
* numbers with units (``分 % ‰ 万元 亿元 元 家 项 个 人次 人 次 户 件 台 套 篇 条 笔 处 座``) and thousands
  separators (``193,807万元``); the weight before or after the rate (``5×92.31%``, ``92.31%×5分``);
* brackets (``(95%+85%)÷2=90%``; the brackets of the prose around a statement are dropped);
* chains: ``178,904.23/193,807=92.31%×5=4.62`` (each step judged on its own) and
  ``5×92.31%=4.6155≈4.62``;
* a rate stated beside the two amounts it comes from, with nothing written between them:
  ``193,807万元中已支出178,904.23万元，支出率92.31%`` (支出率 / 执行率 / 支出进度 / 执行进度 over the
  two money amounts of the sentence, one of them named as spent).

A sum mixing percentages with plain numbers is read as a fraction after 1 (``5×(1-92.15%)=0.39``),
in percentage points after 100 (``100-92.31%=7.69%``, ``100-5‰=99.5%``: 5‰ is 0.5 points), in
per-mille points after 1000 (``1000-5‰=995‰``), and after any other number in whichever reading the
written result agrees with (when none does, it is undecided and left out). ``个百分点`` is a
percentage in a sum (``95%+3个百分点=98%``) and a count beside × or ÷ (``3个百分点×0.5分=1.5分``). A
sum with the percent sign on one side only is read in points when that is nearer the written result
(``100-92.31=7.69%``, ``100%-95%=5``). ``10:2=5`` is a ratio worked out; ``5:1`` alone states nothing.

Not arithmetic (no statement): a range, a hyphen from a smaller figure to a larger (``90%-100%``,
``第3-5项``, ``2023-2025年``, ``90%-100为满分``); a year and a month (``2023-12``, ``2023/6``); a figure
right after a letter (``GB/T 50-2019``, ``DB44/T 1234-2020``). See docs/text-arithmetic.md.

:func:`find_rate` — the rate a text states (see its docstring for the three styles).

:func:`stated_scores` — a score the text states for its own row: ``得X分``, ``得到X分``, ``得分X``,
``得分为X``, ``得分是X``, ``得分应为X``, ``得分：X``, ``得分X分``, ``得分结果为X``, ``最终得分X``,
``实际得分X``, ``本项得分X``, ``实得X分``, ``共得X分``, ``打分X``, ``计X分``, ``计得X分``, ``自评X分``,
``自评得分X``, ``自评分X``, ``评X分``, ``评为X分``, ``评分为X分``, ``评定得分X``, ``给予X分``, ``打X分``,
``得满分``. A figure that belongs to something else is not one: a rule (``…的得5分``,
``达到90%以上得满分``, ``100%得满分``, ``最高得5分``, ``可得``, a sentence setting out a 评分标准, a
bracket holding one), an aim (``力争…得满分``, ``下一步…``), another subject (``平均得分``, ``总得分``,
``项目得分``, ``原得分``, ``应得``, ``各得``, a quoted or named other indicator or group in the same
sentence), a negation (``未得满分``), a percentage (``得分率95%``), an amount or a count
(``得分3项``), and the result of written arithmetic (``…=4.62分``, ``…得4.62``).

:func:`stated_deductions` / :func:`claimed_deduction` — a deduction the text says was taken:
``扣X分``, ``扣除X分``, ``扣减X分``, ``扣掉X分``, ``扣去X分``, ``扣了X分``, ``扣分X分``, ``扣分为X``,
``扣分：X分``, ``失分X分``, ``减分X分``, and in words ``扣一分``, ``扣两分``, ``扣半分``; a count times an amount (``3项…每项扣0.1分``, ``每个``/``每家``/``每份``…,
``各扣``, ``分别扣``, ``均扣``, ``扣0.1分/项``, ``按每项0.1分扣分``, the count before or after:
``每项扣0.1分，共3项``; ``分别扣0.5分、0.3分`` adds the list; ``10份合同中5份`` counts the 5); a total
(``共扣``, ``合计扣``, ``累计扣``, ``共计扣``, ``总计扣``, ``扣分合计X分``), which stands for the parts
beside it, as a plain figure equal to a counted one restates it. A rule is not a deduction taken:
``每超过一个百分点扣0.5分``, ``每项扣0.5分`` with no count, ``最多扣2分``, ``未按时备案的扣1分``, a
standard quoted (``按照“未完成一个指标扣0.1分”的标准``) or in brackets (``（每降低10%扣0.25分）``).
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left
from functools import lru_cache
from dataclasses import dataclass, replace
from decimal import Decimal, DivisionByZero, InvalidOperation
from typing import Iterable

from evaluator.values.patterns import lazy
from evaluator.values.numbers import HUNDRED, beyond_bound, decimal_places, fmt, round_half_up
from evaluator.values.text import strip_invisible

# Compiling this module's forty expressions would be most of its import, and a check whose texts
# hold no arithmetic never needs most of them: each is compiled when first used.

# --- folding and tokens ---------------------------------------------------------------------------

_UNITS = ("%", "‰", "个百分点", "百分点", "万元", "亿元", "元", "分", "家", "项", "个", "人次", "人", "次", "户", "件", "台",
          "套", "篇", "条", "笔", "处", "座")
_UNIT = "(?:" + "|".join(sorted(map(re.escape, _UNITS), key=len, reverse=True)) + ")"
# A number: 193,807 or 178,904.23 (thousands separators) or 92.31; never the tail of a longer one.
_NUM = r"(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?(?![\d])|\d+(?:\.\d+)?)"
_S = r"[ \t]{0,3}"  # a little space, never a line break (and never a long run to backtrack over)
_NUMU = rf"{_NUM}(?:{_S}{_UNIT})?"
_MUL = ("*", "×", "x", "X", "·", "・", "∙", "⋅", "∗", "乘以", "乘")
_DIV = ("/", "÷", "除以", ":")  # 10:2=5 (a ratio worked out); 5:1 alone is no statement
_ADD = ("+", "加上")
_SUB = ("-", "−", "–", "减去")
_OPS = sorted(_MUL + _DIV + _ADD + _SUB, key=len, reverse=True)
_OP = "(?:" + "|".join(map(re.escape, _OPS)) + ")"
_MONEY_UNITS = ("万元", "亿元", "元")
_OPERAND = rf"\({{0,3}}{_S}{_NUMU}{_S}\){{0,3}}"  # brackets around operands: (95%+85%)/2
_EQ = rf"(?:{_S}(?:=|≈|约等于|等于|约为|为){_S}|{_S}[,，]?{_S}(?:得分为|得分|得出|计得|得){_S})"
# A figure right after a letter is part of a code (GB/T 50-2019, DB44/T 1234-2020), not arithmetic.
_NOT_CODE = r"(?<![A-Za-z])(?<![A-Za-z] )(?<![A-Za-z]/)"
# A chain of arithmetic (``178,904.23/193,807=92.31%×5=4.62``) is read in small steps rather than
# by one expression (which repeated the operand eleven times: the largest of this module to
# compile): a run with an operator, then its results one by one (=, 得 … and a run); or, result
# first (``0.94分=1分×94%``), a figure and ``=``, then such a run and any results. See :func:`_chain_at`.
# A run of arithmetic: operands and operators, taken whole (possessive: never given back).
_RUN = lazy(rf"(?<![\d.])(?<!\d,){_NOT_CODE}(?P<first>{_OPERAND})(?:{_S}{_OP}{_S}{_OPERAND})*+")
_RESULT_FIRST = lazy(rf"(?<![\d.])(?<!\d,){_NOT_CODE}{_NUMU}{_S}(?:=|等于){_S}")
_EQ_SPLIT = lazy(_EQ)
_DIGIT = lazy(r"\d")
_TOKEN = lazy(rf"(?P<num>{_NUM})(?:{_S}(?P<unit>{_UNIT}))?|(?P<op>{_OP})|(?P<paren>[()])")
_PERCENT = lazy(r"(?<![\d.])(\d+(?:\.\d+)?)\s*%")
_COMPARED = lazy(
    r"(未达到?|未到|不到|不足|低于|高于|超过|超出|高出|以上|以下|较|比|下降|上升|提高|增长|减少|相差|差|偏差|慢|快|"
    r"减半|扣|目标值?为?|指标值为?|要求)\s*$")
_RATE_CUE = lazy(r"(率|进度|比例|比率)\s*(为|是|达|达到|=|:)?\s*$")
_SENTENCE_END = "。;!?\n"
_CLAUSE_END = "。;!?\n，,:、"


# Circled numbers mark the items of a list: ①5×90%=4.5 is item 1, not 15×90% (NFKC would make ① a 1).
_CIRCLED = {0x2460 + n: f"({n + 1})" for n in range(20)}


@lru_cache(maxsize=4096)
def fold(text: str) -> str:
    """NFKC-fold a text, keeping the Chinese comma ``，`` (a clause break) apart from ``,`` (thousands)
    and a circled number (①) apart from the figure after it (``(1)``)."""
    text = strip_invisible(str(text)).translate(_CIRCLED)
    return "，".join(unicodedata.normalize("NFKC", part) for part in text.split("，"))


#: Percentage points (3个百分点): in a sum, the percentage they add (95%+3个百分点=98%); in a product,
#: a count of points (每降低1个百分点扣0.5分：3个百分点×0.5分=1.5分).
_POINT_UNITS = ("个百分点", "百分点")
POINTS = "百分点"


def _unit(unit: str | None) -> str | None:
    return POINTS if unit in _POINT_UNITS else unit


def _scale(unit: str | None) -> Decimal:
    """How many of ``unit`` make one: 100 for % (and percentage points), 1000 for ‰, else 1."""
    return HUNDRED if unit in ("%", POINTS) else Decimal(1000) if unit == "‰" else Decimal(1)


def _value(number: str, unit: str | None) -> Decimal:
    value = Decimal(number.replace(",", ""))
    unit = _unit(unit)
    if unit in ("%", POINTS):
        return value / HUNDRED
    if unit == "‰":
        return value / 1000
    return value


def _places(number: str, unit: str | None) -> int:
    places = decimal_places(Decimal(number.replace(",", "")))
    unit = _unit(unit)
    return places + (2 if unit in ("%", POINTS) else 3 if unit == "‰" else 0)


def _symbol(op: str) -> str:
    if op in _MUL:
        return "×"
    if op in _DIV:
        return "÷"
    if op in _ADD:
        return "+"
    return "−"


@lru_cache(maxsize=256)
def _breaks(text: str, ends: str) -> tuple[int, ...]:
    return tuple(i for i, ch in enumerate(text) if ch in ends)


# How far a sentence reaches around a figure: context further away ties nothing to it (and a
# text of one endless sentence costs no more than one of many).
_REACH = 200


def _sentence_end(text: str, pos: int) -> int:
    """Where the sentence holding ``pos`` ends (its 。；！？ or the end of the text)."""
    breaks = _breaks(text, _SENTENCE_END)
    i = bisect_left(breaks, pos)
    return min(breaks[i] if i < len(breaks) else len(text), pos + _REACH)


def _sentence_start(text: str, pos: int, ends: str = _SENTENCE_END) -> int:
    """Where the sentence (or, with ``_CLAUSE_END``, the clause) holding ``pos`` starts."""
    breaks = _breaks(text, ends)
    i = bisect_left(breaks, pos)
    return max(breaks[i - 1] + 1 if i else 0, pos - _REACH)


# --- statements -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Operand:
    value: Decimal
    unit: str | None
    written: str

    @property
    def percent(self) -> bool:
        return self.unit in ("%", "‰", POINTS)

    @property
    def shown(self) -> str:
        return f"{fmt(self.value * HUNDRED)}%" if self.unit == "%" else self.written.replace(",", "")


#: How a result in percent or per mille is shown: (scale, sign, places the sign takes).
_SHOWN_AS = {"%": (HUNDRED, "%", 2), "‰": (Decimal(1000), "‰", 3)}


@dataclass(frozen=True)
class Statement:
    """``a op b … = result`` found in a text, evaluated exactly.

    ``implied`` marks a rate stated beside the two amounts it comes from (no operator written);
    ``final`` is the last figure of the chain the statement belongs to (``5×92.31%=4.6155≈4.62`` →
    4.62) and ``final_unit`` its unit; ``start``/``end`` locate the statement in the folded text.
    """

    text: str
    operands: tuple[Decimal, ...]
    operators: tuple[str, ...]
    computed: Decimal
    result: Decimal
    result_places: int
    shown: str
    result_unit: str | None = None
    percents: tuple[Decimal, ...] = ()
    final: Decimal | None = None
    final_unit: str | None = None
    start: int = 0
    end: int = 0
    implied: bool = False
    #: The chain's last figure is followed by a measure word the reader has no unit for
    #: (``10×0.5=5公里``, ``3×40=120亩``): it counts something, it is not a score.
    measured: bool = False

    @property
    def rounded(self) -> Decimal:
        """The computed value at the precision the text wrote its result with."""
        return round_half_up(self.computed, self.result_places)

    @property
    def holds(self) -> bool:
        if self.computed == self.result or self.rounded == self.result:
            return True
        return False

    @property
    def arithmetic(self) -> str:
        """``92.31% × 5 = 4.6155 → 4.62`` (the arrow only when rounding changes the value)."""
        scale, sign, shift = _SHOWN_AS.get(self.result_unit or "", (Decimal(1), "", 0))
        computed = self.computed * scale
        places = self.result_places - shift
        if decimal_places(computed.normalize()) > max(places + 4, 6):  # 178904.23 ÷ 193807 ≈ 92.3105%
            text = f"{self.shown} ≈ {fmt(round_half_up(computed, places + 2))}{sign}"
        else:
            text = f"{self.shown} = {fmt(computed)}{sign}"
        if self.rounded != self.computed:
            text += f" → {fmt(self.rounded * scale)}{sign}"
        return text

    @property
    def is_product(self) -> bool:
        return bool(self.operators) and all(op in _MUL for op in self.operators)

    def scores_from(self, weight: Decimal) -> bool:
        """True when the statement computes a score from the 分值: ``92.31%×5`` or ``10−1.05``
        (the 分值 less deductions, the result being the larger part; ``20−19.8=0.2`` computes the
        deduction instead)."""
        if self.multiplies(weight):
            # A rate times the 分值: a percentage or a fraction among the factors, and no more than
            # the 分值 (2×3=6 or 5×1=5 on a row of 2 or 5 points is not a score).
            ratelike = bool(self.percents) or any(decimal_places(value) > 0 for value in self.operands)
            return ratelike and Decimal(0) <= self.result <= weight
        if (self.operators and all(_symbol(op) == "−" for op in self.operators) and not self.percents
                and self.operands[0] == weight and not self.implied):
            # Points, not counts: written in 分 or with decimals (10−1.05=8.95, not 10−3=7).
            pointlike = self.result_unit == "分" or any(
                decimal_places(value) > 0 for value in (*self.operands[1:], self.result))
            return pointlike and self.result >= sum(self.operands[1:], Decimal(0))
        return False

    def multiplies(self, factor: Decimal) -> bool:
        """True when the statement is a product with ``factor`` (not a percentage) as one operand."""
        if not self.is_product:
            return False
        return factor in [value for value in self.operands if value not in self.percents]


class _Undecided(Exception):
    """An expression that cannot be evaluated without a guess (or is not one)."""


class _Mixed(_Undecided):
    """+ or − between a percentage and a plain number: 1−92.15% (a fraction) or 100−92.31%
    (percentage points)."""


class _Evaluator:
    """Numbers, brackets and + − × ÷ with the usual precedence, exactly.

    ``mode`` says how to add a percentage to a plain number: "strict" refuses (:class:`_Mixed`),
    "fraction" reads 92.15% as 0.9215 (1−92.15%), "points" as 92.15 (100−92.31%): every percentage
    and per mille in the points of ``scale`` (100: 5‰ is 0.5 points, 100−5‰=99.5%; 1000: 5‰ is 5,
    1000−5‰=995‰)."""

    def __init__(self, tokens: list[tuple], mode: str = "strict", scale: Decimal = HUNDRED) -> None:
        self.tokens = tokens
        self.mode = mode
        self.scale = scale
        self.position = 0

    def run(self) -> Decimal:
        value, _ = self.sum()
        if self.position != len(self.tokens):
            raise _Undecided
        return value

    def _peek(self) -> tuple | None:
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def sum(self) -> tuple[Decimal, bool]:
        value, percent = self.product()
        kinds = {percent}
        while (token := self._peek()) is not None and token[0] == "op" and _symbol(token[1]) in "+−":
            self.position += 1
            other, other_percent = self.product()
            kinds.add(other_percent)
            value = value + other if _symbol(token[1]) == "+" else value - other
        if len(kinds) > 1 and self.mode == "strict":
            raise _Mixed
        return value, percent

    def product(self) -> tuple[Decimal, bool]:
        value, percent = self.factor()
        while (token := self._peek()) is not None and token[0] == "op" and _symbol(token[1]) in "×÷":
            self.position += 1
            other, other_percent = self.factor()
            value = value * other if _symbol(token[1]) == "×" else value / other
            percent = percent or other_percent
        return value, percent

    def factor(self) -> tuple[Decimal, bool]:
        token = self._peek()
        if token is None:
            raise _Undecided
        self.position += 1
        if token[0] == "num":
            operand = token[1][0]
            if operand.unit == POINTS and any(
                    neighbour is not None and neighbour[0] == "op" and _symbol(neighbour[1]) in "×÷"
                    for neighbour in (self.tokens[self.position - 2] if self.position >= 2 else None, self._peek())):
                return operand.value * HUNDRED, False  # 3个百分点×0.5分: three points, counted
            if operand.percent and self.mode == "points":
                return operand.value * self.scale, True
            return operand.value, operand.percent
        if token[0] == "paren" and token[1] == "(":
            value = self.sum()
            closing = self._peek()
            if closing is None or closing[0] != "paren" or closing[1] != ")":
                raise _Undecided
            self.position += 1
            return value
        raise _Undecided


_ERRORS = (_Undecided, DivisionByZero, InvalidOperation, ZeroDivisionError)


def _evaluate(tokens: list[tuple], result: Operand, places: int) -> Decimal | None:
    """The value of an expression; when it adds a percentage to a plain number, the reading
    (fraction or percentage points) under which the written result holds, else None."""
    try:
        return _Evaluator(tokens).run()
    except _Mixed:
        pass
    except _ERRORS:
        return None
    # 1−92.15% can only be a fraction, 100−92.31% (and 100−5‰) only percentage points, 1000−5‰ only
    # per-mille points; otherwise try every reading.
    plain = {token[1][0].value for token, op, other in zip(tokens, tokens[1:], tokens[2:])
             for a, b in ((token, other), (other, token))
             if op[0] == "op" and _symbol(op[1]) in "+−" and a[0] == "num" and b[0] == "num"
             and not a[1][0].percent and b[1][0].percent}
    readings = [("fraction", Decimal(1)), ("points", HUNDRED), ("points", Decimal(1000))]
    only = {frozenset({Decimal(1)}): readings[0], frozenset({HUNDRED}): readings[1],
            frozenset({Decimal(1000)}): readings[2]}.get(frozenset(plain))
    for mode, scale in ([only] if only else readings):
        try:
            value = _Evaluator(tokens, mode, scale).run()
        except _ERRORS:
            continue
        if mode == "points" and result.percent:
            value = value / scale
        if only or value == result.value or round_half_up(value, places) == result.value:
            return value
    return None


def _balanced(tokens: list[tuple]) -> list[tuple]:
    """Drop the brackets of the surrounding prose: 扣1分（3-2=1） splits into ``(3-2`` and ``1)``."""
    tokens = list(tokens)
    opened = sum(1 for t in tokens if t[0] == "paren" and t[1] == "(")
    closed = sum(1 for t in tokens if t[0] == "paren" and t[1] == ")")
    while tokens and opened > closed and tokens[0][0] == "paren" and tokens[0][1] == "(":
        tokens.pop(0)
        opened -= 1
    while tokens and closed > opened and tokens[-1][0] == "paren" and tokens[-1][1] == ")":
        tokens.pop()
        closed -= 1
    return tokens


def _tokens(segment: str, offset: int) -> list[tuple[str, object, int, int]]:
    found = []
    for match in _TOKEN.finditer(segment):
        if match.group("num") is not None:
            unit = match.group("unit")
            operand = Operand(_value(match.group("num"), unit), _unit(unit), match.group(0).strip())
            found.append(("num", (operand, _places(match.group("num"), unit)), offset + match.start(),
                          offset + match.end()))
        elif match.group("op") is not None:
            found.append(("op", match.group("op"), offset + match.start(), offset + match.end()))
        else:
            found.append(("paren", match.group("paren"), offset + match.start(), offset + match.end()))
    return _balanced(found)


_HYPHENS = ("-", "–")
_YEAR = (1900, 2100)


def _not_arithmetic(tokens: list[tuple]) -> bool:
    """A range or a date written with the signs of arithmetic: ``90%-100%``, ``第3-5项``,
    ``2023-2025年`` (a hyphen from the smaller figure to the larger), ``2023-12`` and ``2023/6``
    (a year, then a month), ``8:30-12:30`` (times of day)."""
    ops = {token[1] for token in tokens if token[0] == "op"}
    if ":" in ops and ops & set(_HYPHENS):
        return True  # 8:30-12:30=4小时: from one time of day to another
    for a, op, b in zip(tokens, tokens[1:], tokens[2:]):
        if a[0] != "num" or op[0] != "op" or b[0] != "num":
            continue
        (left, _), (right, _) = a[1], b[1]
        if (op[1] in _HYPHENS + ("/",) and left.unit is None and right.unit is None
                and left.written.isdigit() and len(left.written) == 4 and _YEAR[0] <= left.value <= _YEAR[1]
                and right.written.isdigit() and 1 <= right.value <= 12):
            return True  # 2023-12, 2023/6: a year and a month
        if op[1] not in _HYPHENS:
            continue
        if left.percent == right.percent:
            if left.value < right.value:
                return True  # 90%-100%, 3-5项, 2023-2025: from one to the other
        elif left.percent and left.value * _scale(left.unit) < right.value:
            return True  # 90%-100为满分: a range with its second sign left out
        # (a plain figure less a percentage is read by what the result says: 1-5%, 100-5%, 2-50%=1.5)
    return False


def _one_sided(value: Decimal, operands: list[Operand], ops: list[str], result: Operand,
               places: int) -> tuple[Decimal, Operand, int]:
    """A sum or difference with the percent sign on one side only, read as percentage points when
    that reading is nearer the written result: ``100-92.31=7.69%`` (plain figures, a result in %),
    ``100%-95%=5`` (percentages, a plain result)."""
    if not ops or not all(_symbol(op) in "+−" for op in ops):
        return value, result, places
    if result.percent and not any(o.percent for o in operands):
        points = value / _scale(result.unit)
        if abs(points - result.value) < abs(value - result.value):
            return points, result, places
    elif result.unit is None and operands and all(o.percent for o in operands):
        scale = Decimal(1000) if all(o.unit == "‰" for o in operands) else HUNDRED
        if abs(value * scale - result.value) < abs(value - result.value):
            sign = "‰" if scale == 1000 else "%"
            shift = 3 if scale == 1000 else 2
            return value, Operand(result.value / scale, sign, result.written + sign), places + shift
    return value, result, places


def _shown(tokens: list[tuple]) -> str:
    parts: list[str] = []
    for kind, value, *_ in tokens:
        if kind == "num":
            parts.append(value[0].shown)
        elif kind == "op":
            parts.append(_symbol(value))
        else:
            parts.append(value)
    return " ".join(parts).replace("( ", "(").replace(" )", ")")


def _chain_statements(folded: str, span: tuple[int, int]) -> list[Statement]:
    base, end = span
    chain = folded[base:end]
    segments = []
    connectors = []
    position = 0
    for eq in _EQ_SPLIT.finditer(chain):
        segments.append((chain[position:eq.start()], base + position))
        connectors.append(eq.group(0))
        position = eq.end()
    segments.append((chain[position:], base + position))
    parsed = [_tokens(text, offset) for text, offset in segments]
    if any(not tokens for tokens in parsed) or any(tokens[0][0] != "num" for tokens in parsed[1:]):
        return []
    if any(_not_arithmetic(tokens) for tokens in parsed):
        return []  # 90%-100%为满分, 2023-2025年为3年, 第3-5项为…: a range or a date, no statement
    pairs = list(zip(parsed, parsed[1:]))
    if len(parsed[0]) == 1:  # 0.94分=1分×94%: the expression on the right, the result on the left
        pairs[0] = (parsed[1], parsed[0])
    found: list[Statement] = []
    for (left, right), connector in zip(pairs, connectors):
        operands = [token[1][0] for token in left if token[0] == "num"]
        ops = [token[1] for token in left if token[0] == "op"]
        if ("," in connector or "，" in connector) and not (ops and all(op in _MUL for op in ops)):
            break  # 5×92.31%，得4.62分 is a result; （178,904.23/193,807），得分4.62 is not
        if not ops and len(operands) != 1:  # a lone value is fine: 4.6155≈4.62 states its rounding
            break
        result, places = right[0][1]
        money = {o.unit for o in operands + [result] if o.unit in _MONEY_UNITS}
        if len(money) > 1:  # 1.2亿元×30%=3600万元: units to convert, left undecided
            continue
        computed = _evaluate(left, result, places)
        if computed is None:
            continue
        if beyond_bound(computed) or beyond_bound(result.value) or any(beyond_bound(o.value) for o in operands):
            continue   # a figure past what is read as a number (10^15): undecided, never judged inexactly
        if (result.unit is None and any(op in _DIV for op in ops) and not any(o.percent for o in operands)
                and abs(computed * HUNDRED - result.value) < abs(computed - result.value)):
            # 17/20=85: a share with its percent sign left out, read as 85%.
            result, places = Operand(result.value / HUNDRED, "%", result.written + "%"), places + 2
        computed, result, places = _one_sided(computed, operands, ops, result, places)
        start, end = min(left[0][2], right[0][2]), max(left[-1][3], right[0][3])
        found.append(Statement(
            text=folded[start:end], operands=tuple(o.value for o in operands), operators=tuple(ops),
            computed=computed, result=result.value, result_places=places, shown=_shown(left),
            result_unit="%" if result.unit == POINTS else result.unit,
            percents=tuple(o.value for o in operands if o.unit in ("%", "‰")),
            start=start, end=end))
    if found:  # the chain's last figure is the last step read (a rejected tail is not part of it)
        last = found[-1]
        measured = last.result_unit is None and _measure_word_at(folded, last.end)
        found = [replace(statement, final=last.result, final_unit=last.result_unit, measured=measured)
                 for statement in found]
    return found


#: Characters that may follow a bare score in prose and are no measure word (得分4.62得…, =4.62即…).
_NOT_MEASURE = frozenset("分得扣即为是与和及的较比超低高满计共合再又")


def _measure_word_at(folded: str, position: int) -> bool:
    """Whether a Chinese character that is no connective word follows ``position`` directly."""
    after = folded[position:position + 1]
    return bool(after) and "\u4e00" <= after <= "\u9fff" and after not in _NOT_MEASURE


_MONEY = lazy(rf"(?<![\d.])(?<!\d,)(?P<num>{_NUM})\s*(?P<unit>万元|亿元|元)")
_SPENT_WORD = lazy(r"(支出|执行|使用|支付|拨付)")
_SPENT_RATE = lazy(r"(支出|执行)(?:率|进度)\s*(?:为|是|达到|达|:|=)?\s*(?P<num>\d+(?:\.\d+)?)\s*%")


def _implied_ratios(folded: str, taken: bytearray) -> list[Statement]:
    """支出率 / 执行率 stated beside exactly two money amounts of the same sentence, one of them
    named as spent (已支出, 执行数为, 实际使用 …)."""
    found: list[Statement] = []
    if "元" not in folded:
        return found   # no amount (元, 万元, 亿元) to state a rate beside: nothing is compiled
    for rate in _SPENT_RATE.finditer(folded):
        start = _sentence_start(folded, rate.start())
        end = _sentence_end(folded, rate.end())
        sentence_rates = list(_SPENT_RATE.finditer(folded, start, end))
        amounts = [m for m in _MONEY.finditer(folded, start, rate.start())]
        later = [m for m in _MONEY.finditer(folded, rate.end(), end)]
        if len(sentence_rates) != 1 or len(amounts) != 2 or later:
            continue
        if any(taken[m.start()] for m in amounts):
            continue
        if amounts[0].group("unit") != amounts[1].group("unit"):
            continue
        # One amount is what was spent (已支出 / 执行数为 / 实际使用 just before it), the other not:
        # 申请200万元，下达150万元，支出率100% names no spent amount and is left alone.
        spent = [bool(_SPENT_WORD.search(folded[max(start, m.start() - 6):m.start()])) for m in amounts]
        if sum(spent) != 1:
            continue
        first, second = (Decimal(m.group("num").replace(",", "")) for m in amounts)
        if first == 0 or second == 0:
            continue
        small, large = sorted((first, second))
        stated = Decimal(rate.group("num")) / HUNDRED
        readings = [(small / large, f"{fmt(small)} ÷ {fmt(large)}"),
                    (large / small, f"{fmt(large)} ÷ {fmt(small)}"),
                    (1 - small / large, f"1 − {fmt(small)} ÷ {fmt(large)}")]
        computed, shown = min(readings, key=lambda reading: abs(reading[0] - stated))
        found.append(Statement(
            text=folded[amounts[0].start():rate.end()], operands=(small, large), operators=("/",),
            computed=computed, result=stated, result_places=decimal_places(Decimal(rate.group("num"))) + 2,
            shown=shown, result_unit="%", final=stated, final_unit="%", start=amounts[0].start(), end=rate.end(),
            implied=True))
    return found


def statements(text: str | None) -> list[Statement]:
    """Every ``expression = result`` written in a text (chains step by step), then every rate stated
    beside the two amounts it comes from; in the order of the text."""
    if not text:
        return []
    return list(_statements(fold(str(text))))


def _chain_at(folded: str, start: int, result_first: bool = True) -> tuple[int, int] | None:
    """The span of the chain of arithmetic starting at ``start``, if one does (``result_first``
    False: the text holds no ``=`` or ``等于``, so no chain starts with its result).

    A chain is a run of operands with at least one operator and then one or more results
    (``5×92.31%=4.6155≈4.62``: each result ``=`` or ``得`` and an expression), or the result first:
    a figure, ``=`` or ``等于``, such a run and any results (``0.94分=1分×94%``). This reads what one
    expression of the whole chain matched (the test of this module compares them), in small steps:
    a result can only follow the run whole, since no character inside a run (a digit, ``.``, ``,``
    before three digits, a unit, a space, a bracket, an operator) begins one, and each result is
    taken as the expression would take it, the longest first, one after the other."""
    run = _RUN.match(folded, start)
    if run is not None and run.end("first") < run.end():
        end = _results(folded, run.end())
        if end > run.end():
            return start, end
    head = _RESULT_FIRST.match(folded, start) if result_first else None
    if head is not None:
        run = _RUN.match(folded, head.end())
        if run is not None and run.end("first") < run.end():
            return start, _results(folded, run.end())
    return None


def _results(folded: str, position: int) -> int:
    """Where the results written after ``position`` (``=4.62≈4.6``) end: each a word of equality
    and a run (whose look-behinds always hold there, after a sign, a word or a space)."""
    while ((equal := _EQ_SPLIT.match(folded, position)) is not None
           and (run := _RUN.match(folded, equal.end())) is not None):
        position = run.end()
    return position


def _chains(folded: str) -> Iterable[tuple[int, int]]:
    """The spans of the chains of arithmetic in a text, in time linear in the text's length.

    Trying a chain from every position would cost a long run of arithmetic with no result after it
    (``1+1+…+1``) its length squared: each try reads to the end of the run and fails (32,767
    characters: 40 s). A chain can only start where a run does: the run is found once, a chain is
    tried from its start only, and when none starts there, none starts anywhere inside it either
    (every later start inside the run reaches the same end, where no ``=`` is)."""
    position = 0
    result_first = "=" in folded or "等于" in folded   # else that pattern is not even compiled
    while (run := _RUN.search(folded, position)) is not None:
        # A chain starts at the run's first character or before its first figure (a run may
        # begin with the spaces and brackets of its first operand, a chain with its figure).
        first = _DIGIT.search(folded, run.start()).start()
        span = next((found for start in range(run.start(), first + 1)
                     if (found := _chain_at(folded, start, result_first)) is not None), None)
        if span is None:
            position = max(run.end(), run.start() + 1)
            continue
        yield span
        position = max(span[1], run.start() + 1)


@lru_cache(maxsize=4096)
def _statements(folded: str) -> tuple[Statement, ...]:
    found: list[Statement] = []
    for span in _chains(folded):
        found.extend(_chain_statements(folded, span))
    taken = bytearray(len(folded))  # the spans of written arithmetic
    for statement in found:
        taken[statement.start:statement.end] = b"\x01" * (statement.end - statement.start)
    found.extend(_implied_ratios(folded, taken))
    return tuple(sorted(found, key=lambda s: s.start))


# --- rates ----------------------------------------------------------------------------------------


def find_rate(text: str | None, weight: Decimal | None = None) -> tuple[Decimal, str] | None:
    """The rate a text states, as a fraction, with the words it was read from.

    Three styles occur on one form: ``专项资金支出进度=92.31%*5=4.62`` (a product with the weight,
    in any notation of :func:`statements`: ``1分×94%=0.94分``, ``5×92.31%得4.62``), ``…计算平均执行率为
    90%，按比例计分。`` (a rate named by a cue word: 率, 进度, 比例, 比率) and a bare ``94%``.
    Several different percentages and no cue, or a rate that the text's own arithmetic contradicts:
    None (undecided, never a guess).
    """
    if not text:
        return None
    return _find_rate(fold(str(text)), weight)


@lru_cache(maxsize=4096)
def _find_rate(folded: str, weight: Decimal | None) -> tuple[Decimal, str] | None:
    written = list(_statements(folded))
    # A rate the text's own arithmetic contradicts (支出率93.31% beside amounts giving 92.31%) is
    # not read: text-arithmetic reports the text, and the score is left undecided.
    broken = {statement.result for statement in written if not statement.holds}
    found = _rate(folded, written, weight)
    if found is None or found[0] in broken or beyond_bound(found[0]):
        return None   # contradicted, or a figure past what is read as a number: undecided
    return found


_TERM_AFTER = lazy(r"[ \t]{0,3}[-+−–][ \t]{0,3}\d")
_TERM_BEFORE = lazy(r"\d[%‰]?[ \t]{0,3}[-+−–][ \t]{0,3}$")


def _rate(folded: str, written: list[Statement], weight: Decimal | None) -> tuple[Decimal, str] | None:
    if weight is not None:
        for statement in written:
            if statement.multiplies(weight) and len(statement.percents) == 1:
                return statement.percents[0], statement.text
    # A percentage compared with something (未达100%, 低于序时进度10%, 较上年提高5%) is not the rate.
    # Nor is a term of a sum or a range (准确率100%-5‰=99.5%, 执行率90%-100%为满分): its result is.
    # (a term holds a sign of a sum: in a text without one, neither pattern is compiled)
    terms = any(sign in folded for sign in "-+−–")
    matches = [m for m in _PERCENT.finditer(folded) if not _COMPARED.search(folded[max(0, m.start() - 6):m.start()])
               and not (terms and (_TERM_AFTER.match(folded, m.end())
                                   or _TERM_BEFORE.search(folded, max(0, m.start() - 4), m.start())))]
    if not matches:
        return None
    cued = [m for m in matches if _RATE_CUE.search(folded[max(0, m.start() - 8) : m.start()])]
    distinct = {Decimal(m.group(1)) for m in (cued or matches)}
    if len(distinct) != 1:
        return None
    chosen = (cued or matches)[0]
    start = max(0, chosen.start() - 8)
    return Decimal(chosen.group(1)) / HUNDRED, folded[start : chosen.end()].strip()


# --- stated scores --------------------------------------------------------------------------------

_NOT_AFTER = r"(?!\s*(?:%|‰|万|亿|元|家|项|个|人|次|户|件|台|套|篇|条|笔|处|座|倍|年|月|日|天|率|\d|\.\d))"
_SCORE_WORD = lazy(
    rf"(?P<cue>(?:最终|实际|本项|该项|本指标|该指标)?(?:自评得分|自评分|得分|评分|打分)(?:结果)?)\s*(?:应为|为|是|:)?\s*"
    rf"(?P<num>\d+(?:\.\d+)?)(?:\s*分(?![钟别之值数]))?{_NOT_AFTER}")
_SCORE_POINTS = lazy(
    r"(?P<cue>自评为|自评|评定为|评为|评|得到|实得|得了|得|(?<![合共累小总统估预设会审核])计|给予|给|打)\s*"
    r"(?P<num>\d+(?:\.\d+)?)\s*分(?![钟别之值数率])")
_FULL_MARKS = lazy(r"(?P<cue>得了|得|获得|评为|评)(?P<num>满分|全分)")
# Words just before the cue that make the figure someone else's, or a rule.
_OTHER_SUBJECT = lazy(
    r"(项目|指标|平均|总|综合|加权|评价|合计|累计|小|满分|原|调整前|应|可|均|各|分别|每|最高|最多|最低|至少|"
    r"不|未|没|无|难|测|考|好|差|复|互|点|扣|减|估|预)$")
_NEGATION = lazy(r"(不|未|没|无法|难以)\S{0,2}$")
_OWN_SUBJECT = lazy(r"(本|该)(项目|指标|项)$")
# Words in the clause before the cue that make it a scoring rule: 达到90%以上得满分, 否则得0分.
_RULE_NEAR = lazy(r"(的|则|即可|可以|可|\d\s*%|以上|以下)\s*$")
# A sentence about what is aimed at, not what was scored: 力争支出率达到100%，得5分 (but 计划50人 /
# 计划完成50个 is a target value beside what was done, not an aim).
_AIM = lazy(r"(力争|争取|确保|努力|希望|计划(?![^，,。;!?\n\d于在将]{0,6}\d+(?:\.\d+)?\s*(?:[个人项家户次件台套篇条笔处座亩%]|万|公里|米))|"
                  r"拟[于将在对]|预计|下一步|今后|下年度|明年|"
                  r"将(?:进一步|继续|力争|努力|确保|加强|会|在))")
_RULE_CLAUSE = lazy(
    r"(以上|以下|以内|否则|若(?!干)|如果|倘若|一旦|只要|凡|满足|≥|≤|>|<|不低于|不高于|达到|超过|低于|不足|高于|"
    r"每|目标)")
_STANDARD_EACH = lazy(r"每[^，,。;!?\n]{0,10}?扣(?:除|减)?\s*(?:\d+(?:\.\d+)?|[一二两三四五六七八九十半])\s*分")
_ITEM_MARK = lazy(r"\s*\(\d{1,2}\)")
_CONDITION = lazy(r"\s*(若(?!干)|如果|倘若|如若|假如|凡)")
_QUOTED = lazy(r"“([^”]*)”|\"([^\"]*)\"|《([^》]*)》|「([^」]*)」")


@dataclass(frozen=True)
class StatedScore:
    """A score the text states for its own row: ``value`` (None for 得满分: the full 分值), the number
    of decimals it was written with, the words, and where they are in the folded text."""

    value: Decimal | None
    places: int
    words: str
    start: int
    end: int

    @property
    def full_marks(self) -> bool:
        return self.value is None

    def meant(self, weight: Decimal | None) -> Decimal | None:
        """The score stated (得满分 → the weight)."""
        return weight if self.value is None else self.value

    def agrees(self, score: Decimal, weight: Decimal | None = None) -> bool:
        """Does the cell's score agree at the precision written? ``得4.6分`` agrees with 4.62; a whole
        number agrees only with itself (``得1分`` does not agree with 0.5)."""
        stated = self.meant(weight)
        if stated is None:
            return True
        if stated == score:
            return True
        return self.places > 0 and round_half_up(score, self.places) == stated


# What an indicator's name ends with (“课题研究报告完成数”, “新增5G基站数量”, “群众满意度”).
_INDICATOR_LIKE = lazy(r"^\D*(率|数|数量|量|度|情况|性|比例|占比|比重|次数|家数|个数|件数|人数|金额|规模|进度)$")


def _names_other(span: str, own: str, others: Iterable[str]) -> bool:
    """True when ``span`` names another indicator, or quotes one (a name that reads like an
    indicator's, or is followed by 指标) that is not ``own``."""
    own_folded = fold(own) if own else ""
    for quoted in _QUOTED.finditer(span):
        name = next(group for group in quoted.groups() if group is not None)
        if not _INDICATOR_LIKE.search(name) and not span.startswith("指标", quoted.end()):
            continue  # “广东省政府采购网”, “年度目标值10家”: a name or a value, not an indicator
        if not own_folded or (own_folded not in name and name not in own_folded):
            return True
    for other in others:
        other = fold(other)
        if other and other != own_folded and other in span and not (own_folded and other in own_folded):
            return True
    return False


# The row itself named as the subject: 本项得0.94分, 本指标得分0.94; and words pointing back to
# whatever was named last: 该指标, 此项, 其.
_EXPLICIT_OWN = lazy(r"(本项|本指标|本项目|本条)")
_ANAPHOR = lazy(r"(该|此|其)")


def _belongs_elsewhere(folded: str, start: int, end: int, own: str, others: Iterable[str],
                       text_names_other: bool) -> bool:
    """True when the sentence before ``start`` names another indicator or quotes one, or when the
    text does so anywhere and this score points back to it (该指标得0.6分 after
    “课题研究报告完成数”… is that indicator's score) without naming its own row."""
    sentence = folded[_sentence_start(folded, start):start]
    if _names_other(sentence, own, others):
        return True
    if text_names_other:
        own_folded = fold(own) if own else ""
        claim = folded[_sentence_start(folded, start, _CLAUSE_END):end]
        if _EXPLICIT_OWN.search(claim) or (own_folded and own_folded in claim):
            return False
        return bool(_ANAPHOR.search(claim))
    return False


_STANDARD = lazy(r"(标准|规则|细则|办法|评分|计分方法)")
# A bracket that sets out a standard: 每…, 标准, 最多…, or 扣分 with no amount (逾期扣分).
_RULE_IN_BRACKETS = lazy(r"(每|标准|规则|最高|最多|扣(?!(?:除|减|分)?\s*[\d一二两三四五六七八九十半]))")


def _is_rule(folded: str, start: int) -> bool:
    """A scoring rule rather than a score given: a cue in the clause (达到90%以上得满分, 否则得0分),
    a sentence that sets out a standard (评分标准：按时备案得满分), or a bracket that does
    (（按时备案得满分，每逾期1份扣0.1分）)."""
    clause_start = _sentence_start(folded, start, _CLAUSE_END)
    clause = folded[clause_start:start]
    if _RULE_NEAR.search(clause) or _RULE_CLAUSE.search(clause):
        return True
    # 若单位无项目，得2分: the consequence of a condition set in the clause before.
    if clause_start > 0 and folded[clause_start - 1] in "，,":
        previous = folded[_sentence_start(folded, clause_start - 1, _CLAUSE_END):clause_start - 1]
        if _CONDITION.match(previous):
            return True
    sentence = folded[_sentence_start(folded, start):start]
    if _STANDARD.search(sentence) or _AIM.search(sentence):
        return True
    opened = max(folded.rfind("(", 0, start), folded.rfind("（", 0, start))
    if opened > max(folded.rfind(")", 0, start), folded.rfind("）", 0, start)):
        closed = [i for i in (folded.find(")", start), folded.find("）", start)) if i >= 0]
        inside = folded[opened:min(closed)] if closed else folded[opened:]
        if _RULE_IN_BRACKETS.search(inside):
            return True
    # 按时报送得10分；每推迟1天扣2分，扣完为止 and 按规定公开得10分，每少公开一项扣2分: clauses of one
    # standard, up to its 。 (unless a count follows the rule: …，每份扣0.25分，共2份 is what was done).
    stop = folded.find("。", start, start + _REACH)
    tail = folded[start:stop if stop >= 0 else start + _REACH].split("\n", 1)[0]
    if "扣完为止" in tail or "不得分" in tail:
        return True  # …扣完为止; 目标合理得4分；基本合理得2分；不合理不得分: a graded standard
    # ①…得2分；②…得2分: the points of one item of a list, not the row's score
    if "(2)" in folded and _ITEM_MARK.match(folded, _sentence_start(folded, start)):
        return True
    each = _STANDARD_EACH.search(tail)
    return each is not None and _COUNT.search(tail, each.end()) is None


def stated_scores(text: str | None, *, own: str = "", others: Iterable[str] = ()) -> list[StatedScore]:
    """Each score the text states for its own row (see the module docstring for the phrasings).

    ``own`` is the row's indicator name and ``others`` the names of the other rows: a sentence that
    names another indicator, or quotes a name that is not ``own``, states someone else's score; in a
    text that does so anywhere, a score that points back (该指标, 此项, 其) is that indicator's
    (``该指标得0.6分`` after “课题研究报告完成数”…) unless its clause names the row (本项, 本指标). A figure that is the
    result of written arithmetic is left to :func:`statements`.
    """
    if not text:
        return []
    return list(_stated_scores(fold(str(text)), own, tuple(name for name in others if name)))


@lru_cache(maxsize=4096)
def _stated_scores(folded: str, own: str, others: tuple[str, ...]) -> tuple[StatedScore, ...]:
    written = _statements(folded)
    covered = bytearray(len(folded))  # the spans of written arithmetic and of scores already read
    for statement in written:
        covered[statement.start:statement.end] = b"\x01" * (statement.end - statement.start)
    results = {s.result for s in written} | {s.final for s in written if s.final is not None}
    found: list[StatedScore] = []
    text_names_other = _names_other(folded, own, others)
    # A text without 分 (or without 满分 / 全分) holds no match of these: it compiles none of them.
    patterns = [_SCORE_WORD, _SCORE_POINTS] if "分" in folded else []
    if "满分" in folded or "全分" in folded:
        patterns.append(_FULL_MARKS)
    for pattern in patterns:
        for match in pattern.finditer(folded):
            start, end = match.start(), match.end()
            if any(covered[start:end]):
                continue
            before = folded[_sentence_start(folded, start, _CLAUSE_END):start]
            if (_OTHER_SUBJECT.search(before) and not _OWN_SUBJECT.search(before)) or _NEGATION.search(before):
                continue
            if _is_rule(folded, start) or _belongs_elsewhere(folded, start, end, own, others, text_names_other):
                continue
            number = match.group("num")
            if number in ("满分", "全分"):
                found.append(StatedScore(None, 0, match.group(0), start, end))
            else:
                value = Decimal(number)
                if value in results:
                    continue
                found.append(StatedScore(value, decimal_places(value), match.group(0), start, end))
            covered[start:end] = b"\x01" * (end - start)
    return tuple(sorted(found, key=lambda s: s.start))


# --- stated deductions ----------------------------------------------------------------------------

_DEDUCTION = lazy(
    r"(?:扣(?:除|减|掉|去)?(?P<fen>分)?|(?P<lost>失分|减分))(?:为|了|共计|合计|总计|累计|:)?\s*"
    r"(?:(?P<num>\d+(?:\.\d+)?)\s*(?P<unit>分(?![钟别之值数率]))?|(?P<word>[一二两三四五六七八九十半])(?P<wunit>分)(?![钟别之值数率]))")
# 按每项0.1分扣分: the amount each, then the deduction.
_EACH_AMOUNT = lazy(
    r"(?:按|以)?每(?P<cls>[项个家处次份条笔批件台套篇人])\s*(?P<num>\d+(?:\.\d+)?)\s*分[^，,。;!?\n]{0,6}?扣(?:分|除|减)?")
# Words before 扣N分 that make it a scoring rule, not a deduction taken: 最多扣2分, 未按时完成的扣1分,
# 否则扣1分, 酌情扣1分; and anywhere in the clause before it: 每超过一个百分点扣0.5分.
_RULE_CUE = lazy(r"(按|最多|最高|不超过|的|则|酌情|一处|一次|一项|一个)$")
_RULE_CLAUSE_CUE = lazy(r"(每|最多|最高|不超过|否则|若(?!干)|如果|凡)")
_EACH = lazy(r"(?P<each>每(?P<cls>[项个家处次份条笔批件台套篇人])|各|分别|均|逐项)(?:被)?$")
_TOTAL = lazy(r"(共|合计|累计|共计|总计|一共|总共|合共)(?:被)?$")
_CN_DIGITS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CLASSIFIERS = "项个家处次份条笔批件台套篇人"
_COUNT = lazy(
    rf"(?<![\d.每])(?P<n>\d+|[一二两三四五六七八九十]{{1,3}})\s*(?P<cls>[{_CLASSIFIERS}])"
    r"(?!别|百分点|工作日|月|小时|季度|年|周|天|分钟|以上|以下|以内)")
_PER_ITEM = lazy(r"\s*(?:/|每)\s*(?P<cls>[项个家处次份条笔批件台套篇人])")
_LIST_TAIL = lazy(r"\s*(?:、|和|及|与|,|，)\s*(\d+(?:\.\d+)?)\s*分")


def _chinese_count(word: str) -> int | None:
    if word.isdigit():
        return int(word)
    if word == "十":
        return 10
    if "十" in word:
        tens, _, ones = word.partition("十")
        tens_value = _CN_DIGITS.get(tens, 1) if tens else 1
        ones_value = _CN_DIGITS.get(ones, 0) if ones else 0
        if (tens and tens not in _CN_DIGITS) or (ones and ones not in _CN_DIGITS):
            return None
        return tens_value * 10 + ones_value
    return _CN_DIGITS.get(word) if len(word) == 1 else None


@dataclass(frozen=True)
class StatedDeduction:
    """A deduction the text says was taken: ``amount`` (N × X for a counted one), the words, and
    whether it is a total (共扣Y分) that stands for the parts beside it. ``arithmetic`` shows a
    counted one: ``3 × 0.1 = 0.3``."""

    amount: Decimal
    words: str
    total: bool = False
    count: int | None = None
    each: Decimal | None = None

    @property
    def arithmetic(self) -> str | None:
        if self.count is None or self.each is None:
            return None
        return f"{self.count} × {fmt(self.each)} = {fmt(self.amount)}"


_ITEMS = "项个处条笔次份件"  # the classifiers of "items" (每项 counts 3项 and 2个指标 alike)


_PART_OF = lazy(
    rf"[^，,。;!?\n\d]{{0,6}}?中(?:有|的|共有|共)?\s*(?:\d+|[一二两三四五六七八九十]{{1,3}})\s*[{_CLASSIFIERS}]")


def _counts(folded: str, start: int, end: int, cls: str | None) -> set[int]:
    """The counts written in folded[start:end] that 每<cls> / 各 / 分别 may multiply."""
    if cls is None or cls in "项个":
        wanted = _ITEMS
    else:
        wanted = cls
    found: dict[bool, set[int]] = {True: set(), False: set()}
    for match in _COUNT.finditer(folded, start, end):
        value = _chinese_count(match.group("n"))
        if value is None:
            continue
        # 10份合同中5份未按时备案: the whole is not what each deduction counts.
        if _PART_OF.match(folded, match.end(), end):
            continue
        found[match.group("cls") in wanted].add(value)
    if found[True] or cls is not None:
        return found[True]
    return found[False]


def _word_amount(word: str) -> Decimal:
    """扣一分 → 1, 扣两分 → 2, 扣半分 → 0.5."""
    return Decimal("0.5") if word == "半" else Decimal(_chinese_count(word) or 0)


def _cited(folded: str, pos: int) -> bool:
    """Inside quotation marks (按照“未完成一个指标扣0.1分”的标准) or a bracket that sets out a
    standard (（每降低10%扣0.25分）): a rule cited, not a deduction taken."""
    head = folded[_sentence_start(folded, pos):pos]
    if head.count("“") > head.count("”") or head.count('"') % 2 or head.count("「") > head.count("」"):
        return True
    opened = max(head.rfind("("), head.rfind("（"))
    if opened > max(head.rfind(")"), head.rfind("）")):
        closed = [i for i in (folded.find(")", pos), folded.find("）", pos)) if i >= 0]
        inside = folded[opened:min(closed)] if closed else folded[opened:]
        return bool(re.search(r"(每|标准|规则|最多|最高)", inside))
    return False


@lru_cache(maxsize=4096)
def _deductions_cached(folded: str) -> tuple[StatedDeduction, ...] | None:
    found = _deductions(folded)
    return None if found is None else tuple(found)


def _deductions(folded: str) -> list[StatedDeduction] | None:
    """Every deduction stated; None when a counted one cannot be read without a guess."""
    found = []
    taken = bytearray(len(folded))  # the spans of 按每项0.1分扣分, read already
    # every match holds 每: a text without it compiles nothing
    for match in _EACH_AMOUNT.finditer(folded) if "每" in folded else ():
        taken[match.start():match.end()] = b"\x01" * (match.end() - match.start())
        counts = _counts(folded, _sentence_start(folded, match.start()), _sentence_end(folded, match.end()),
                         match.group("cls"))
        if not counts:
            continue  # 每项0.1分扣分 with no count: a rule
        if len(counts) > 1:
            return None
        (count,) = counts
        each = Decimal(match.group("num"))
        found.append(StatedDeduction(each * count, match.group(0), count=count, each=each))
    for match in _DEDUCTION.finditer(folded):
        if taken[match.start()]:
            continue
        if not match.group("fen") and not match.group("lost") and not match.group("unit") and not match.group("word"):
            continue  # 扣3项 (a count), 扣除2022 (a year): not a deduction in points
        before = folded[max(0, match.start() - 4) : match.start()]
        clause = folded[_sentence_start(folded, match.start(), _CLAUSE_END) : match.start()]
        amount = Decimal(match.group("num")) if match.group("num") else _word_amount(match.group("word"))
        each = _EACH.search(folded[max(0, match.start() - 3) : match.start()])
        per = _PER_ITEM.match(folded, match.end()) if match.group("unit") else None
        if (each or per) and _cited(folded, match.start()):
            continue
        if per and not each:  # 扣0.1分/项
            counts = _counts(folded, _sentence_start(folded, match.start()), _sentence_end(folded, per.end()),
                             per.group("cls"))
            if len(counts) > 1:
                return None
            if counts:
                (count,) = counts
                found.append(StatedDeduction(amount * count, folded[match.start():per.end()], count=count,
                                             each=amount))
            continue
        if each:
            words = folded[match.start() - len(each.group(0)) : match.end()]
            listed = []
            tail = match.end()
            while each.group("each") == "分别" and (extra := _LIST_TAIL.match(folded, tail)):
                listed.append(Decimal(extra.group(1)))
                tail = extra.end()
            if listed:
                total = amount + sum(listed, Decimal(0))
                found.append(StatedDeduction(total, folded[match.start() - len(each.group(0)) : tail]))
                continue
            counts = _counts(folded, _sentence_start(folded, match.start()), _sentence_end(folded, match.end()),
                             each.group("cls"))
            if not counts:
                continue  # 每项扣0.5分 with no count: a rule
            if len(counts) > 1:
                return None  # several counts and nothing to tell which: undecided
            (count,) = counts
            found.append(StatedDeduction(amount * count, words, count=count, each=amount))
            continue
        if _RULE_CUE.search(before) or _RULE_CLAUSE_CUE.search(clause) or _cited(folded, match.start()):
            continue
        prefix = _TOTAL.search(before)
        total = bool(prefix) or any(word in match.group(0) for word in ("共计", "合计", "总计", "累计"))
        words = (prefix.group(0) if prefix else "") + match.group(0)
        found.append(StatedDeduction(amount, words, total=total))
    return found


def stated_deductions(text: str | None) -> list[StatedDeduction]:
    """Each deduction the text says was taken (a rule such as 每项扣0.5分 with no count is not one);
    empty when a counted deduction cannot be read without a guess."""
    if not text:
        return []
    return list(_deductions_cached(fold(str(text))) or ())


def claimed_deduction(text: str | None) -> tuple[Decimal, list[StatedDeduction]] | None:
    """The deduction a text claims in all, with the phrases it was read from.

    Parts add up (扣0.5分；扣0.5分 → 1); a total (共扣1分) stands for the parts beside it; two
    different totals, or a counted deduction with several possible counts: None (undecided).
    """
    if not text:
        return None
    cached = _deductions_cached(fold(str(text)))
    if not cached:
        return None
    found = list(cached)
    totals = [d for d in found if d.total]
    if totals:
        if len({d.amount for d in totals}) != 1:
            return None
        return totals[0].amount, [totals[0]]
    # 3项…每项扣0.1分，扣0.3分: the plain figure restates the counted one, it is not another.
    counted = [d for d in found if d.count is not None]
    plain = [d for d in found if d.count is None]
    if counted and any(p.amount == sum((c.amount for c in counted), Decimal(0)) for p in plain):
        found = plain
    elif counted:
        found = [c for c in counted if all(p.amount != c.amount for p in plain)] + plain
    return sum((d.amount for d in found), Decimal(0)), found
