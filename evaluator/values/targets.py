"""Reading what people write in 年度指标值 (target) and 实际完成值 (actual), and judging one against
the other.

A project form's indicator cells hold an operator (≥ ≤ = > < and the forms ≧ ≦ ═ >= <=, or words:
不低于, 以上, 不超过, 以内 …), a number (thousands separators, full-width digits), a unit (个, 人次,
万元, %, 百分比, 平方米 …), or a date (2023年12月), or qualitative text (达成预期指标, 部分达成, 有效),
or "/" and blanks for an indicator that does not apply. Editions with 指标性质 and 度量单位 columns
give the operator and the unit in cells of their own.

:func:`read_value` turns one cell into a :class:`Quantity`, :class:`When`, :class:`Words` or
:data:`NOT_APPLICABLE`; :func:`judge` compares a target with an actual value and says whether the
target was met; :func:`score_methods` lists the documented ways to score the outcome (form-xiangmu
§2.3, §2.4). Whatever cannot be read with certainty gives None: no judgement, never a guess.

Every function is pure; every number is an exact :class:`~decimal.Decimal`.
"""

from __future__ import annotations

import datetime as _dt
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, Sequence

from evaluator.values.numbers import fmt, from_float, round_half_up

# --------------------------------------------------------------------------------------------
# Operators

GE, LE, EQ, GT, LT = "≥", "≤", "=", ">", "<"

#: Symbols as people type them, longest first, and what they mean.
_SYMBOLS: tuple[tuple[str, str], ...] = (
    (">=", GE), ("=>", GE), ("≥=", GE), ("≧", GE), ("≥", GE), ("⩾", GE),
    ("<=", LE), ("=<", LE), ("≤=", LE), ("≦", LE), ("≤", LE), ("⩽", LE),
    ("==", EQ), ("═", EQ), ("=", EQ),
    (">", GT), ("<", LT),
)
#: Words before the number: 不低于95%, 大于等于90%, 控制在5%以内 (the 以内 is a suffix).
_PREFIX_WORDS: tuple[tuple[str, str], ...] = (
    ("大于或等于", GE), ("大于等于", GE), ("不低于", GE), ("不少于", GE), ("不小于", GE), ("至少", GE),
    ("达到", GE), ("高于", GT), ("大于", GT), ("多于", GT), ("超过", GT),
    ("小于或等于", LE), ("小于等于", LE), ("不高于", LE), ("不超过", LE), ("不多于", LE), ("不大于", LE),
    ("控制在", LE), ("低于", LT), ("小于", LT), ("少于", LT),
    ("等于", EQ),
)
#: Words after the number (and its unit): 95%以上, 5%以内, 30天以下, 12月底前.
_SUFFIX_WORDS: tuple[tuple[str, str], ...] = (
    ("及以上", GE), ("以上", GE), ("及以下", LE), ("以下", LE), ("以内", LE), ("之内", LE),
)
#: What a 指标性质 column says, beside the symbols themselves.
_NATURE_WORDS = {
    "正向": GE, "正向指标": GE, "反向": LE, "反向指标": LE,
    "大于等于": GE, "小于等于": LE, "等于": EQ, "大于": GT, "小于": LT,
}
#: 指标性质 words that say the indicator is qualitative (the value cell then holds words).
QUALITATIVE_NATURE = frozenset({"定性", "定性指标"})


def operator_of(text: object) -> str | None:
    """The operator a 指标性质 cell or a lone symbol states (``≧`` → ``≥``, ``正向`` → ``≥``)."""
    if text is None:
        return None
    folded = _fold(str(text))
    if not folded:
        return None
    if folded in _NATURE_WORDS:
        return _NATURE_WORDS[folded]
    for symbol, op in _SYMBOLS:
        if folded == symbol:
            return op
    return None


#: How the name of an indicator whose less is better ends, so that a bare target is a ceiling
#: (安全事故发生率 5%, 群众投诉率 1%, 资金结余率 5%, 重大安全事故 0起). Only the ending counts:
#: 投诉办结率 and 安全隐患整改率 are better higher.
LOWER_BETTER = ("发生率", "发生数", "发生次数", "发生起数", "事故", "事故率", "事故数", "事故次数", "投诉", "投诉率",
                "投诉量", "投诉次数", "投诉件数", "差错", "差错率", "差错次数", "出错率", "失误率", "违规",
                "违规率", "违纪", "超标率", "误差", "误差率", "结余率", "损失率", "返贫率", "辍学率", "死亡率",
                "病死率", "发病率", "空置率", "闲置率", "故障率", "不合格率", "流失率", "偏差率", "超支率", "漏报率",
                "逾期率", "延误率")
_BRACKETED = re.compile(r"[(（][^()（）]*[)）]")


def _less_is_better(name: str) -> bool:
    return _BRACKETED.sub("", _fold(name)).endswith(LOWER_BETTER)


def direction(op: str | None, level2: str | None = None, name: str | None = None) -> str:
    """``up`` when more is better (≥, >, =), ``down`` when less is (≤, <).

    A bare target means ≥, except under 成本指标 or on an indicator whose name says less is
    better (:data:`LOWER_BETTER`: 事故发生率, 投诉率 …), where it means ≤ (a ceiling); ``=`` is
    judged as ≥ (form-xiangmu §6.5).
    """
    if op in (LE, LT):
        return "down"
    if op is None and level2 is not None and "成本" in _fold(level2):
        return "down"
    if op is None and name and _less_is_better(name):
        return "down"
    return "up"


# --------------------------------------------------------------------------------------------
# Units

#: Units that are the same thing spelt differently.
_UNIT_ALIASES = {
    "％": "%", "百分比": "%", "百分率": "%", "(%)": "%",
    "日": "天", "个月": "月", "人/次": "人次", "㎡": "平方米", "m2": "平方米", "m²": "平方米",
    "公里": "千米", "km": "千米", "m": "米", "kg": "千克", "公斤": "千克",
    "周岁": "岁", "元/人": "元/人",
}
#: Units that are a multiple of another: (base, factor).
_UNIT_SCALES = {
    "万元": ("元", Decimal(10000)), "亿元": ("元", Decimal(100000000)), "千元": ("元", Decimal(1000)),
    "千米": ("米", Decimal(1000)), "平方公里": ("平方米", Decimal(1000000)),
    "吨": ("千克", Decimal(1000)),
}
_UNIT_TEXT = re.compile(r"^[A-Za-z%²/\u4e00-\u9fff㎡]{1,8}$")


def normalize_unit(unit: object) -> str | None:
    """The unit as one spelling (百分比 → %, 个月 → 月); None for a blank or a non-unit."""
    if unit is None:
        return None
    text = _fold(str(unit)).strip("()（）")
    if not text:
        return None
    text = _UNIT_ALIASES.get(text, text)
    if not _UNIT_TEXT.match(text):
        return None
    return text


def _base_unit(unit: str) -> tuple[str, Decimal]:
    """A unit as (base unit, factor): 万元 → (元, 10000), 万人次 → (人次, 10000), 个 → (个, 1)."""
    if unit in _UNIT_SCALES:
        return _UNIT_SCALES[unit]
    for prefix, factor in (("万", Decimal(10000)), ("亿", Decimal(100000000))):
        if unit.startswith(prefix) and len(unit) > len(prefix):
            rest = _UNIT_ALIASES.get(unit[len(prefix):], unit[len(prefix):])
            base, inner = _base_unit(rest)
            return base, factor * inner
    return unit, Decimal(1)


# --------------------------------------------------------------------------------------------
# Values


@dataclass(frozen=True)
class Quantity:
    """A number with its operator (None when none is written) and unit (None when none is)."""

    op: str | None
    number: Decimal
    unit: str | None
    text: str

    def shown(self) -> str:
        return f"{fmt(self.number)}{self.unit or ''}"


@dataclass(frozen=True)
class When:
    """A date as precise as it is written: year (None when only a month is), month, day."""

    op: str | None
    year: int | None
    month: int
    day: int | None
    text: str

    def span(self) -> tuple[tuple[int, int, int], tuple[int, int, int]]:
        """The first and last day the date may mean, as (year, month, day); year 0 when none."""
        year = self.year or 0
        if self.day is not None:
            return (year, self.month, self.day), (year, self.month, self.day)
        return (year, self.month, 1), (year, self.month, 31)


@dataclass(frozen=True)
class Words:
    """Qualitative text; ``grade`` is ``met`` (达成…指标), ``partial`` (部分达成), ``unmet`` (未达成)
    or None (words whose meaning is not certain: 有效, 效果明显, 显著提升)."""

    text: str
    grade: str | None


@dataclass(frozen=True)
class NotApplicable:
    """A blank, "/" or "—": the indicator does not apply (or nothing was written)."""

    text: str = ""


NOT_APPLICABLE = NotApplicable()

Reading = Quantity | When | Words | NotApplicable

_NOT_APPLICABLE_WORDS = frozenset({"", "/", "-", "—", "——", "--", "─", "无", "不适用", "n/a", "N/A", "\\", "×"})
_NUMBER = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|\.\d+"
_QUANTITY = re.compile(rf"^(?P<number>{_NUMBER})(?P<wan>[万亿](?=[^元]|$))?(?P<unit>.*)$")
_DATE = re.compile(
    r"^(?:(?P<year>(?:19|20)\d\d)\s*(?:年|[.\-/]))?\s*(?P<month>\d{1,2})\s*(?:月|(?=[.\-/]\d)|$)"
    r"(?:\s*[.\-/]?\s*(?P<day>\d{1,2})\s*[日号]?)?(?P<rest>.*)$"
)
_DATE_SUFFIX = re.compile(r"^(?:份|底|末|中旬|上旬|下旬|初)?(?:前|之前|以前|内|底前|末前|完成|前完成|底前完成|止)*$")
_MET = re.compile(r"(达成|达到|完成|实现).{0,6}(指标|目标)")
_PARTIAL = re.compile(r"部分(达成|达到|完成|实现)")
_UNMET = re.compile(r"(未|没有|未能|不能)(达成|达到|实现)")


def _fold(text: str) -> str:
    """NFKC-fold and drop every space (full-width digits and ＞ become ASCII; ≧ and ═ stay)."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


#: The first characters of the symbols and words before a number: a value starting with none of
#: them (most: a digit) has no operator to look for.
_OPENERS = tuple(sorted({word[0] for word, _ in _SYMBOLS + _PREFIX_WORDS}))


def _split_operator(text: str) -> tuple[str | None, str]:
    if not text.startswith(_OPENERS):
        return None, text
    for symbol, op in _SYMBOLS:
        if text.startswith(symbol):
            return op, text[len(symbol):]
    for word, op in _PREFIX_WORDS:
        if text.startswith(word):
            return op, text[len(word):]
    return None, text


def _split_suffix(text: str) -> tuple[str | None, str]:
    for word, op in _SUFFIX_WORDS:
        if text.endswith(word):
            return op, text[: -len(word)]
    return None, text


def _read_date(op: str | None, text: str, raw: str) -> When | None:
    match = _DATE.match(text)
    if not match:
        return None
    rest = match.group("rest")
    if not _DATE_SUFFIX.match(rest):
        return None
    if match.group("year") is None and "月" not in text:
        return None                     # a bare "12" is a number, not a month
    month = int(match.group("month"))
    day = int(match.group("day")) if match.group("day") else None
    if not 1 <= month <= 12 or (day is not None and not 1 <= day <= 31):
        return None
    if rest and "前" in rest or (rest and "内" in rest):
        op = op or LE
    year = int(match.group("year")) if match.group("year") else None
    return When(op=op, year=year, month=month, day=day, text=raw)


def read_value(raw: Any, *, operator: Any = None, unit: Any = None) -> Reading | None:
    """What one 指标值 or 完成值 cell says.

    ``operator`` is the row's 指标性质 cell and ``unit`` its 度量单位 cell, for editions that have
    them; an operator or unit written in the value itself wins when both agree, and a value whose
    written unit disagrees with the column's is unreadable (None).
    """
    column_op = operator_of(operator)
    column_unit = normalize_unit(unit)
    if isinstance(raw, bool):
        return None
    if isinstance(raw, (_dt.datetime, _dt.date)):
        return When(op=column_op, year=raw.year, month=raw.month, day=raw.day, text=raw.isoformat()[:10])
    if isinstance(raw, (int, float, Decimal)):
        number = from_float(raw) if isinstance(raw, float) else Decimal(raw)
        if not number.is_finite():
            return None
        return Quantity(op=column_op, number=number, unit=column_unit, text=fmt(number))
    if raw is None:
        return NOT_APPLICABLE
    original = str(raw).strip()
    text = _fold(original)
    if text in _NOT_APPLICABLE_WORDS:
        return NotApplicable(original)
    op, body = _split_operator(text)
    suffix_op, body = _split_suffix(body)
    if op and suffix_op and op != suffix_op:
        return None
    op = op or suffix_op
    if column_op and op and column_op != op and not {column_op, op} <= {EQ, GE}:
        return None
    op = op or column_op
    when = _read_date(op, body, original)
    if when is not None:
        return when
    match = _QUANTITY.match(body)
    if match:
        try:
            number = Decimal(match.group("number").replace(",", ""))
        except InvalidOperation:  # pragma: no cover - the pattern admits only valid literals
            return None
        written = match.group("unit")
        if match.group("wan") and not written:
            return None                 # "5万" of what? not certain
        if match.group("wan"):
            written = match.group("wan") + written
        if written:
            named = normalize_unit(written)
            if named is None:
                return Words(original, _grade(text))
            if column_unit and named != column_unit and not _comparable(named, column_unit):
                return None
        else:
            named = column_unit
        return Quantity(op=op, number=number, unit=named, text=original)
    if op is not None and any(text.startswith(symbol) for symbol, _ in _SYMBOLS):
        return None                     # a symbol before something that is not a number
    return Words(original, _grade(text))


def _grade(text: str) -> str | None:
    if _PARTIAL.search(text):
        return "partial"
    if _UNMET.search(text) or "未达成" in text:
        return "unmet"
    if _MET.search(text) and not re.search(r"(未|没有|不|基本|部分)(达成|达到|完成|实现)", text):
        return "met"
    return None


def _comparable(one: str, other: str) -> bool:
    return _base_unit(one)[0] == _base_unit(other)[0]


# --------------------------------------------------------------------------------------------
# Judging


@dataclass(frozen=True)
class Judgement:
    """How an actual value compares with its target.

    ``outcome``: ``met`` (the target is reached or exceeded), ``missed``, ``partial`` or ``unmet``
    (the last two only for words). ``kind``: ``quantity``, ``date`` or ``words``. For a quantity,
    ``target`` and ``actual`` are in one unit and ``direction`` says which way is better;
    ``exceeded`` is True when the actual value is strictly beyond the target.
    """

    kind: str
    outcome: str
    direction: str = "up"
    target: Decimal | None = None
    actual: Decimal | None = None
    unit: str | None = None
    exceeded: bool = False
    shown: str = ""

    @property
    def met(self) -> bool:
        return self.outcome == "met"


def _same_text(one: str, other: str) -> bool:
    strip = re.compile(r"[\s，。,.;；:：、!！\"'“”]")
    return bool(one) and strip.sub("", _fold(one)) == strip.sub("", _fold(other))


def judge(target: Any, actual: Any, *, level2: str | None = None, operator: Any = None,
          unit: Any = None, name: str | None = None) -> Judgement | None:
    """Whether ``actual`` meets ``target``; None when that cannot be told with certainty.

    ``level2`` is the row's 二级指标 and ``name`` its 三级指标 (a bare number under 成本指标, or on
    an indicator whose name says less is better, is a ceiling); ``operator`` and
    ``unit`` are the row's 指标性质 and 度量单位 cells where the edition has them. The 完成值 takes
    the 度量单位 but not the 指标性质 (that describes the target).
    """
    aim = read_value(target, operator=operator, unit=unit)
    got = read_value(actual, unit=unit)
    if aim is None or got is None or isinstance(aim, NotApplicable) or isinstance(got, NotApplicable):
        return None
    if isinstance(got, Words):
        if got.grade in ("partial", "unmet"):
            return Judgement(kind="words", outcome=got.grade, shown=f"完成值“{got.text}”")
        target_text = aim.text
        if got.grade == "met" or _same_text(got.text, target_text):
            return Judgement(kind="words", outcome="met", shown=f"完成值“{got.text}”")
        return None
    if isinstance(aim, Words):
        return None
    if isinstance(aim, When) or isinstance(got, When):
        if not (isinstance(aim, When) and isinstance(got, When)):
            return None
        return _judge_dates(aim, got)
    if _fraction_or_percent(target, actual, aim, got):
        return None
    return _judge_quantities(aim, got, level2, name)


def _fraction_or_percent(target: Any, actual: Any, aim: "Quantity", got: "Quantity") -> bool:
    """A bare stored number (not text) of at most 1 against a percentage above 1: a fraction whose
    percent format was not read (1 shown as 100%), or truly 1%? Not certain, so not judged. A
    reader that knows the cell's format passes the percentage as it is shown (``100%``)."""
    if aim.unit != "%" or got.unit != "%":
        return False
    numeric = lambda raw: isinstance(raw, (int, float, Decimal)) and not isinstance(raw, bool)  # noqa: E731
    if numeric(actual) and 0 < got.number <= 1 < aim.number:
        return True
    return numeric(target) and 0 < aim.number <= 1 < got.number


def _judge_dates(aim: When, got: When) -> Judgement | None:
    if aim.op in (GE, GT) or got.op in (GE, GT):
        return None
    if (aim.year is None) != (got.year is None):
        return None
    aim_first, aim_last = aim.span()
    got_first, got_last = got.span()
    shown = f"完成时间 {got.text}，指标 {aim.text}"
    if got_last <= aim_last and (aim.day is None or got.day is not None or got_last <= aim_first):
        return Judgement(kind="date", outcome="met", exceeded=got_last < aim_first, shown=shown)
    if got_first > aim_last:
        return Judgement(kind="date", outcome="missed", shown=shown)
    return None


def _judge_quantities(aim: Quantity, got: Quantity, level2: str | None, name: str | None = None) -> Judgement | None:
    aim_unit, got_unit = aim.unit, got.unit
    if aim_unit is None or got_unit is None:
        # 95 or 95% against a bare 0.98 (a cell typed 98% holds 0.98): a fraction or a percentage?
        # Not certain, so not judged.
        if (aim_unit or got_unit) in (None, "%"):
            small, large = sorted((aim.number, got.number))
            if 0 < small <= 1 < large:
                return None
        if aim_unit or got_unit:
            aim_unit = got_unit = aim_unit or got_unit
    a_base, a_factor = _base_unit(aim_unit) if aim_unit else (None, Decimal(1))
    b_base, b_factor = _base_unit(got_unit) if got_unit else (None, Decimal(1))
    if a_base != b_base:
        return None
    a, b = aim.number * a_factor, got.number * b_factor
    if a_factor != b_factor:
        # Compared in the smaller unit, shown in the target's.
        b_shown = got.number * b_factor / a_factor
    else:
        b_shown = got.number
    if a < 0 or b < 0:
        return None
    way = direction(aim.op, level2, name)
    if aim.op == EQ and a == 0 and b != 0:
        return None                     # "=0": treated as ≥ (always met) or as 0 points; not certain
    op_text = aim.op or ("≤" if way == "down" else "≥")
    unit = aim_unit or ""
    shown = f"完成值 {fmt(b_shown)}{unit}，指标值 {op_text}{fmt(aim.number)}{unit}"
    if got.op in (GE, GT, LE, LT):
        # "≥266米" as a 完成值 is a bound, not a figure: it tells only that the target was met.
        same_way = (got.op in (GE, GT)) == (way == "up")
        if same_way and ((way == "up" and b >= a) or (way == "down" and b <= a)):
            return Judgement(kind="quantity", outcome="met", direction=way, target=aim.number,
                             actual=b_shown, unit=aim_unit, exceeded=b != a, shown=shown)
        return None
    if way == "up":
        met, exceeded = b >= a, b > a
    else:
        met, exceeded = b <= a, b < a
    return Judgement(kind="quantity", outcome="met" if met else "missed", direction=way, target=aim.number,
                     actual=b_shown, unit=aim_unit, exceeded=exceeded, shown=shown)


# --------------------------------------------------------------------------------------------
# Scoring methods


@dataclass(frozen=True)
class Method:
    """One documented way to score an outcome: an exact ``expected`` score (rounded half-up to
    0.01) or a band ``[low, high]`` (inclusive), with the arithmetic that gives it."""

    name: str
    arithmetic: str
    expected: Decimal | None = None
    low: Decimal | None = None
    high: Decimal | None = None

    def fits(self, score: Decimal) -> bool:
        if self.expected is not None:
            return round_half_up(score) == self.expected
        assert self.low is not None and self.high is not None
        return self.low <= score <= self.high


#: Qualitative bands as fractions of 分值, per grade: national (财预〔2020〕10号, 中江 footnote)
#: and Hubei (80 / 50 / 0). An edition names the ones it accepts, its own first.
QUALITATIVE_BANDS: dict[str, dict[str, tuple[Decimal, Decimal]]] = {
    "national": {"met": (Decimal("0.8"), Decimal(1)), "partial": (Decimal("0.6"), Decimal("0.8")),
                 "unmet": (Decimal(0), Decimal("0.6"))},
    "hubei": {"met": (Decimal("0.8"), Decimal(1)), "partial": (Decimal("0.5"), Decimal("0.8")),
              "unmet": (Decimal(0), Decimal("0.5"))},
}
#: The two documented ways to score a missed ≤ target (form-xiangmu §2.3, §6.4).
REVERSE_METHODS = ("ratio", "linear")

_GRADE_NAMES = {"met": "达成", "partial": "部分达成", "unmet": "未达成"}


def short(value: Decimal, places: int = 4) -> str:
    """A figure for a message: exact when short, else rounded half-up to ``places`` decimals."""
    rounded = round_half_up(value, places)
    return fmt(value) if rounded == value else fmt(rounded)


def percent(fraction: Decimal) -> str:
    """0.862037… → ``86.20%`` (two decimals, as the forms print a rate)."""
    return f"{round_half_up(fraction * 100, 2)}%"


def _product(left: str, factor: Decimal, weight: Decimal, value: Decimal) -> str:
    text = f"{left} = {percent(factor)} × {fmt(weight)} = {short(value)}"
    rounded = round_half_up(value)
    return text + (f" → {fmt(rounded)}" if rounded != value else "")


def _ratio(a: Decimal, b: Decimal) -> Decimal:
    """a / b to 28 significant digits, exactly enough for any score at 0.01."""
    return a / b


def score_methods(judgement: Judgement, weight: Decimal, *, reverse: Sequence[str] = REVERSE_METHODS,
                  bands: Sequence[str] = ("national",)) -> list[Method]:
    """The documented scores of an outcome on an indicator worth ``weight``, the edition's first.

    Met: the full 分值 (a quantity or a date) or the top band (words). Missed ≥: 完成值 / 指标值 ×
    分值. Missed ≤: 指标值 / 完成值 × 分值 and the linear (1 − (B − A) / A) × 分值 (0 from B ≥ 2A),
    in the order ``reverse`` gives. Words: the band of their grade in each of ``bands``. A missed
    date has no documented method: [].
    """
    w = weight
    if judgement.kind == "words":
        methods = []
        for name in bands:
            low, high = QUALITATIVE_BANDS[name][judgement.outcome]
            method = Method(name=f"定性{_GRADE_NAMES[judgement.outcome]}：{fmt(low * 100)}%–{fmt(high * 100)}% × 分值",
                            arithmetic=f"{judgement.shown}，{_GRADE_NAMES[judgement.outcome]}档 "
                                       f"{fmt(low * w)}–{fmt(high * w)} 分",
                            low=low * w, high=high * w)
            if all((m.low, m.high) != (method.low, method.high) for m in methods):
                methods.append(method)
        return methods
    if judgement.met:
        return [Method(name="完成指标值，记全部分值", arithmetic=f"{judgement.shown}，已完成，应得 {fmt(w)}",
                       expected=round_half_up(w))]
    if judgement.kind != "quantity":
        return []
    a, b = judgement.target, judgement.actual
    assert a is not None and b is not None
    if judgement.direction == "up":
        if a == 0:
            return []
        factor = _ratio(b, a)
        value = factor * w
        return [Method(name="完成值/指标值 × 分值", expected=round_half_up(value),
                       arithmetic=_product(f"{fmt(b)} / {fmt(a)}", factor, w, value))]
    methods = []
    for name in reverse:
        if name == "ratio":
            factor = _ratio(a, b)
            value = factor * w
            methods.append(Method(name="指标值/完成值 × 分值", expected=round_half_up(value),
                                  arithmetic=_product(f"{fmt(a)} / {fmt(b)}", factor, w, value)))
        elif name == "linear":
            if a == 0 or b >= 2 * a:
                factor = Decimal(0)
                left = f"{fmt(b)} ≥ 2 × {fmt(a)}"
            else:
                factor = 1 - (b - a) / a
                left = f"1 − ({fmt(b)} − {fmt(a)}) / {fmt(a)}"
            value = factor * w
            methods.append(Method(name="(1 − 超出比例) × 分值", expected=round_half_up(value),
                                  arithmetic=_product(left, factor, w, value)))
        else:  # pragma: no cover - editions are validated when they load
            raise ValueError(f"unknown reverse-indicator method {name!r}")
    unique: list[Method] = []
    for method in methods:
        if all(m.expected != method.expected for m in unique):
            unique.append(method)
    return unique
