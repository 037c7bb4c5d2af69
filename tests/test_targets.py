"""Reading 年度指标值 / 实际完成值 as people write them, judging one against the other, and the
documented ways to score the outcome (form-xiangmu §2.3, §2.4)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from evaluator.values.targets import (
    NOT_APPLICABLE,
    NotApplicable,
    Quantity,
    When,
    Words,
    direction,
    judge,
    normalize_unit,
    operator_of,
    read_value,
    score_methods,
)

D = Decimal


@pytest.mark.parametrize(
    ("raw", "op", "number", "unit"),
    [
        ("≥50个", "≥", "50", "个"),
        ("≧50个", "≥", "50", "个"),
        (">=21933人", "≥", "21933", "人"),
        ("＞＝21933人", "≥", "21933", "人"),
        ("≤90万元", "≤", "90", "万元"),
        ("≦90万元", "≤", "90", "万元"),
        ("<=90万元", "≤", "90", "万元"),
        ("=8个", "=", "8", "个"),
        ("═8个", "=", "8", "个"),
        ("＝８个", "=", "8", "个"),
        (">0", ">", "0", None),
        ("<5%", "<", "5", "%"),
        ("≥200平方米", "≥", "200", "平方米"),
        ("≥100百分比", "≥", "100", "%"),
        ("≥ 95 %", "≥", "95", "%"),
        ("95％", None, "95", "%"),
        ("100", None, "100", None),
        ("1,234.5元", None, "1234.5", "元"),
        ("１，２３４人次", None, "1234", "人次"),
        ("≥266米", "≥", "266", "米"),
        ("不低于95%", "≥", "95", "%"),
        ("95%以上", "≥", "95", "%"),
        ("不超过5%", "≤", "5", "%"),
        ("控制在5%以内", "≤", "5", "%"),
        ("30天以内", "≤", "30", "天"),
        ("12个月", None, "12", "月"),
        ("1.2万人", None, "1.2", "万人"),
        ("202.6万元", None, "202.6", "万元"),
        ("3家", None, "3", "家"),
        ("5项", None, "5", "项"),
        ("2次", None, "2", "次"),
        ("1年", None, "1", "年"),
        (42, None, "42", None),
        (0.973, None, "0.973", None),
        (D("132.912"), None, "132.912", None),
    ],
)
def test_quantities(raw, op, number, unit):
    value = read_value(raw)
    assert isinstance(value, Quantity), value
    assert (value.op, value.number, value.unit) == (op, D(number), unit)


@pytest.mark.parametrize(
    ("raw", "operator", "unit", "op", "number", "unit_read"),
    [
        ("100", "=", "%", "=", "100", "%"),
        ("95", "≧", "%", "≥", "95", "%"),
        ("202.6", "≤", "万元", "≤", "202.6", "万元"),
        (95, "正向", "%", "≥", "95", "%"),
        ("5", "反向", "%", "≤", "5", "%"),
        ("≥95%", "=", "%", "≥", "95", "%"),
        ("95%", None, "百分比", None, "95", "%"),
    ],
)
def test_columns_give_operator_and_unit(raw, operator, unit, op, number, unit_read):
    value = read_value(raw, operator=operator, unit=unit)
    assert isinstance(value, Quantity)
    assert (value.op, value.number, value.unit) == (op, D(number), unit_read)


@pytest.mark.parametrize(
    ("raw", "operator", "unit"),
    [
        ("≤5%", "≥", None),          # the value and its 指标性质 disagree
        ("≥5%以下", None, None),      # the symbol and the word disagree
        ("5个", None, "%"),           # the value's unit and the 度量单位 disagree
        ("≥", None, None),            # an operator and nothing to bound
        ("≥优秀", None, None),
        ("5万", None, None),          # 5万 of what?
        (True, None, None),
    ],
)
def test_unreadable(raw, operator, unit):
    assert read_value(raw, operator=operator, unit=unit) is None


@pytest.mark.parametrize("raw", [None, "", "  ", "/", "／", "—", "-", "无", "不适用", "N/A"])
def test_not_applicable(raw):
    assert isinstance(read_value(raw), NotApplicable)


@pytest.mark.parametrize(
    ("raw", "op", "year", "month", "day"),
    [
        ("2023年12月", None, 2023, 12, None),
        ("2023年12月31日", None, 2023, 12, 31),
        ("2023年12月底前", "≤", 2023, 12, None),
        ("≤2023年12月", "≤", 2023, 12, None),
        ("12月底前", "≤", None, 12, None),
        ("2023.12", None, 2023, 12, None),
        ("2023-12-31", None, 2023, 12, 31),
        ("2023年6月前完成", "≤", 2023, 6, None),
        (dt.datetime(2023, 11, 20), None, 2023, 11, 20),
        (dt.date(2023, 11, 20), None, 2023, 11, 20),
    ],
)
def test_dates(raw, op, year, month, day):
    value = read_value(raw)
    assert isinstance(value, When), value
    assert (value.op, value.year, value.month, value.day) == (op, year, month, day)


@pytest.mark.parametrize(
    ("raw", "grade"),
    [
        ("达成预期指标", "met"),
        ("达成年度指标", "met"),
        ("达到预期目标", "met"),
        ("部分达成预期指标", "partial"),
        ("部分达成", "partial"),
        ("未达成预期指标", "unmet"),
        ("未达成", "unmet"),
        ("基本达成预期指标", None),
        ("效果明显", None),
        ("有效", None),
        ("完成", None),
        ("显著提升", None),
        ("≥95%（含）", None),
    ],
)
def test_words(raw, grade):
    value = read_value(raw)
    assert isinstance(value, Words), value
    assert value.grade == grade


@pytest.mark.parametrize(
    ("text", "op"),
    [("≥", "≥"), ("≧", "≥"), ("≦", "≤"), ("═", "="), ("=", "="), ("＝", "="), (">=", "≥"),
     ("正向", "≥"), ("反向指标", "≤"), ("定性", None), ("", None), (None, None), ("abc", None)],
)
def test_operator_column(text, op):
    assert operator_of(text) == op


@pytest.mark.parametrize(
    ("unit", "normal"),
    [("%", "%"), ("％", "%"), ("百分比", "%"), ("个月", "月"), ("日", "天"), ("（万元）", "万元"), ("", None),
     (None, None), ("m²", "平方米")],
)
def test_units(unit, normal):
    assert normalize_unit(unit) == normal


@pytest.mark.parametrize(
    ("op", "level2", "way"),
    [("≥", None, "up"), (">", None, "up"), ("=", None, "up"), ("≤", None, "down"), ("<", None, "down"),
     (None, None, "up"), (None, "数量指标", "up"), (None, "成本指标", "down"), ("≥", "成本指标", "up")],
)
def test_direction(op, level2, way):
    assert direction(op, level2) == way


@pytest.mark.parametrize(
    ("op", "name", "way"),
    [(None, "安全事故发生率", "down"), (None, "群众投诉率", "down"), (None, "资金结余率", "down"),
     (None, "差错次数", "down"), ("≥", "安全事故发生率", "up"), (None, "培训次数", "up"), (None, "覆盖率", "up"),
     (None, "投诉办结率", "up"), (None, "安全隐患整改率", "up"), (None, "重大安全事故（起）", "down")],
)
def test_a_name_that_says_less_is_better_makes_a_bare_target_a_ceiling(op, name, way):
    assert direction(op, "质量指标", name) == way
    target = f"{op or ''}5%"
    assert judge(target, "2%", level2="质量指标", name=name).outcome == ("met" if way == "down" else "missed")


# (target, actual, level2, extra) → (outcome, exceeded) or None for unjudged
JUDGED = [
    ("≥50个", "52个", None, {}, ("met", True)),
    ("≥50个", "50", None, {}, ("met", False)),
    ("≥50个", "48个", None, {}, ("missed", False)),
    ("=8个", "8", None, {}, ("met", False)),
    ("=8个", "9", None, {}, ("met", True)),          # "=" is judged as ≥
    ("≤90万元", "85万元", None, {}, ("met", True)),
    ("≤90万元", "95", None, {}, ("missed", False)),
    ("≤90万元", "850000元", None, {}, ("met", True)),  # 万元 against 元, converted
    ("≤90万元", "950000元", None, {}, ("missed", False)),
    ("202.6万元", "132.9", "成本指标", {}, ("met", True)),    # bare under 成本指标: a ceiling
    ("202.6", "250", "成本指标", {}, ("missed", False)),
    ("202.6", "250", "数量指标", {}, ("met", True)),          # bare elsewhere: ≥
    ("100%", "97.30%", None, {}, ("missed", False)),
    ("100", "100%", None, {}, ("met", False)),
    ("≥100百分比", "100", None, {}, ("met", False)),
    ("≥95%", "98", None, {}, ("met", True)),
    ("≥266米", "≥266米", None, {}, ("met", False)),     # the operator repeated in the 完成值
    ("≥266米", "≥300米", None, {}, ("met", True)),
    ("≤5%", "≤3%", None, {}, ("met", True)),
    ("≥1.2万人", "13000人", None, {}, ("met", True)),
    ("95", "96", None, {"operator": "≥", "unit": "%"}, ("met", True)),
    ("5", "6", None, {"operator": "≤", "unit": "%"}, ("missed", False)),
    ("2023年12月", "2023年11月", "时效指标", {}, ("met", True)),   # earlier meets a date
    ("2023年12月", "2023年12月", "时效指标", {}, ("met", False)),
    ("2023年12月底前", "2023年12月20日", None, {}, ("met", False)),
    ("2023年12月", "2024年3月", None, {}, ("missed", False)),
    ("2023年12月31日", "2023年12月", None, {}, ("met", False)),
    ("达成预期指标", "达成预期指标", None, {}, ("met", False)),
    ("效果明显", "效果明显", None, {}, ("met", False)),       # repeats its target
    ("有效", "达成年度指标", None, {}, ("met", False)),
    ("≥95%", "达成预期指标", None, {}, ("met", False)),
    ("有效", "部分达成", None, {}, ("partial", False)),
    ("有效", "未达成", None, {}, ("unmet", False)),
]


@pytest.mark.parametrize(("target", "actual", "level2", "extra", "outcome"), JUDGED)
def test_judged(target, actual, level2, extra, outcome):
    judgement = judge(target, actual, level2=level2, **extra)
    assert judgement is not None
    assert (judgement.outcome, judgement.exceeded) == outcome


UNJUDGED = [
    ("≥50个", "50%"),               # 个 against %: not compared
    ("≥95%", "0.98"),               # a fraction or a percentage? not certain
    ("≥95", 0.98),                  # 98% typed into a cell holds 0.98
    (0.95, "98"),
    ("3", "1"),                     # bare numbers either side of 1: not certain either
    ("有效", "效果明显"),             # other words
    ("效果明显", "显著提升"),
    ("≥95%", "完成"),
    ("有效", "100%"),
    ("/", "/"),
    ("≥50个", None),
    (None, "50"),
    ("≥50个", "/"),
    ("2023年12月31日", "2024年"),
    ("2023年12月15日", "2023年12月"),    # some day of December: before or after the 15th?
    ("12月底前", "2023年11月"),          # a year on one side only
    ("2023年12月", "100%"),
    ("=0起", "1起"),                   # "=0": judged as ≥ or scored 0; not certain
    ("≥266米", "≥200米"),              # a bound below the target does not say it was missed
    ("≥5万", "60000"),
    ("≥95%（含）", "96%"),
]


@pytest.mark.parametrize(("target", "actual"), UNJUDGED)
def test_unjudged(target, actual):
    assert judge(target, actual) is None


def _fits(methods, score):
    return [m.name for m in methods if m.fits(D(score))]


@pytest.mark.parametrize(
    ("target", "actual", "level2", "weight", "fits", "misfits"),
    [
        # E6 居民健康档案: 37442 / 38508 × 3 = 2.9169… → 2.92; integer rounding is not a method
        ("38508", "37442", None, "3", ["2.92", "2.9169"], ["3", "2.9"]),
        # E6 疫苗接种率: 97.30 / 100 × 2 = 1.946 → 1.95; 1.9 fits no method at 0.01
        ("100.00%", "97.30%", None, "2", ["1.95"], ["1.9", "2"]),
        # E6 老年人体检数: 4044 / 5662 × 2 = 1.4285 → 1.43
        ("5662", "4044", None, "2", ["1.43"], ["1.4"]),
        # met or exceeded: the full weight
        ("≥50个", "60个", None, "10", ["10"], ["9", "9.99"]),
        # reverse: 200 / 220 × 10 = 9.09 (ratio) and (1 − 20 / 200) × 10 = 9 (linear)
        ("≤200万元", "220", None, "10", ["9.09", "9"], ["8", "10"]),
        # reverse, beyond twice the target: ratio 3.33, linear 0
        ("≤100", "300", "成本指标", "10", ["3.33", "0"], ["5"]),
        # qualitative bands, national: met 8–10, partial 6–8, unmet 0–6
        ("达成预期指标", "达成预期指标", None, "10", ["10", "8", "9.5"], ["7.99", "10.01"]),
        ("有效", "部分达成", None, "10", ["6", "7", "8"], ["5", "9"]),
        ("有效", "未达成", None, "10", ["0", "5.99"], ["7"]),
        ("2023年12月", "2023年10月", "时效指标", "5", ["5"], ["4"]),
    ],
)
def test_methods(target, actual, level2, weight, fits, misfits):
    judgement = judge(target, actual, level2=level2)
    methods = score_methods(judgement, D(weight))
    for score in fits:
        assert _fits(methods, score), (score, methods)
    for score in misfits:
        assert not _fits(methods, score), (score, methods)


def test_the_edition_orders_the_reverse_methods():
    judgement = judge("≤200", "220")
    assert [m.expected for m in score_methods(judgement, D(10))] == [D("9.09"), D("9.00")]
    assert [m.expected for m in score_methods(judgement, D(10), reverse=("linear", "ratio"))] == [D("9.00"), D("9.09")]
    assert [m.expected for m in score_methods(judgement, D(10), reverse=("linear",))] == [D("9.00")]


def test_hubei_bands():
    judgement = judge("有效", "部分达成")
    national, = score_methods(judgement, D(10))
    both = score_methods(judgement, D(10), bands=("hubei", "national"))
    assert (national.low, national.high) == (D(6), D(8))
    assert [(m.low, m.high) for m in both] == [(D(5), D(8)), (D(6), D(8))]


def test_a_missed_date_has_no_documented_method():
    assert score_methods(judge("2023年12月", "2024年2月"), D(5)) == []


def test_arithmetic_is_shown():
    method, = score_methods(judge("38508", "37442"), D(3))
    assert method.arithmetic.startswith("37442 / 38508 = ")
    assert method.arithmetic.endswith("× 3 = " + method.arithmetic.split("× 3 = ")[1])
    assert "→ 2.92" in method.arithmetic


def test_not_applicable_singleton():
    assert read_value(None) is NOT_APPLICABLE


@pytest.mark.parametrize(("target", "actual", "outcome"), [
    (100, 1, None),              # a stored 1 whose percent format was not read: 100%? 1%? not judged
    (95, 0.96, None),
    (0.95, 96, None),
    (100, "1%", "missed"),       # written as text, it is what it says
    (100, "100%", "met"),        # as a reader that knows the format passes it
    (1, 1, "met"),               # 1% against ≥1%: nothing to doubt
])
def test_a_bare_fraction_against_a_percentage_is_not_judged(target, actual, outcome):
    found = judge(target, actual, operator="≥", unit="%")
    assert (found.outcome if found else None) == outcome
