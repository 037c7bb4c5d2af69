"""Arithmetic written in text cells: statements (92.31%*5=4.62), rates (执行率为90%) and stated
deductions (扣1分). People write numbers with full-width digits and operators; text is NFKC-folded
first, so ９２．３１％＊５＝４．６２ reads like 92.31%*5=4.62.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, DivisionByZero, InvalidOperation

from evaluator.values.numbers import HUNDRED, decimal_places, fmt, normalize_text, round_half_up

_NUM = r"\d+(?:\.\d+)?%?"
_OP = r"[-+*/×÷xX]"
_STATEMENT = re.compile(
    rf"(?<![\d.%])(?P<expr>{_NUM}(?:\s*{_OP}\s*{_NUM})+)\s*=\s*(?P<result>{_NUM})(?![\d.])"
)
_TOKEN = re.compile(rf"{_NUM}|{_OP}")
_PERCENT = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?)%")
_RATE_CUE = re.compile(r"(率|进度|比例|比率)\s*(为|是|达|达到|=|:)?\s*$")
_DEDUCTION = re.compile(r"扣(?:除|减)?\s*(\d+(?:\.\d+)?)\s*分")
# Words before 扣N分 that make it a scoring rule, not a deduction taken: 每项扣0.5分, 最多扣2分,
# 未按时完成的扣1分, 否则扣1分, 酌情扣1分.
_RULE_CUE = re.compile(r"(每|各|按|最多|最高|不超过|的|则|酌情|一处|一次|一项|一个)")


def _number(token: str) -> Decimal:
    if token.endswith("%"):
        return Decimal(token[:-1]) / HUNDRED
    return Decimal(token)


def _show(token: str) -> str:
    return token if token.endswith("%") else fmt(Decimal(token))


@dataclass(frozen=True)
class Statement:
    """``a op b … = result`` found in a text, evaluated exactly."""

    text: str
    operands: tuple[Decimal, ...]
    operators: tuple[str, ...]
    computed: Decimal
    result: Decimal
    result_places: int
    shown: str

    @property
    def rounded(self) -> Decimal:
        """The computed value at the precision the text wrote its result with."""
        return round_half_up(self.computed, self.result_places)

    @property
    def holds(self) -> bool:
        return self.computed == self.result or self.rounded == self.result

    @property
    def arithmetic(self) -> str:
        """``92.31% × 5 = 4.6155 → 4.62`` (the arrow only when rounding changes the value)."""
        text = f"{self.shown} = {fmt(self.computed)}"
        if self.rounded != self.computed:
            text += f" → {fmt(self.rounded)}"
        return text

    def multiplies(self, factor: Decimal) -> bool:
        """True when the statement is a product with ``factor`` as one of its operands."""
        return set(self.operators) <= {"*", "×", "x", "X"} and factor in self.operands


def _evaluate(tokens: list[str]) -> Decimal:
    """Evaluate numbers and + − × ÷ with the usual precedence, exactly."""
    values = [_number(tokens[0])]
    ops: list[str] = []
    for op, token in zip(tokens[1::2], tokens[2::2]):
        value = _number(token)
        if op in "*×xX":
            values[-1] = values[-1] * value
        elif op in "/÷":
            values[-1] = values[-1] / value
        else:
            ops.append(op)
            values.append(value)
    total = values[0]
    for op, value in zip(ops, values[1:]):
        total = total + value if op == "+" else total - value
    return total


def statements(text: str | None) -> list[Statement]:
    """Every ``expression = result`` in a text."""
    if not text:
        return []
    folded = normalize_text(str(text))
    found = []
    for match in _STATEMENT.finditer(folded):
        tokens = _TOKEN.findall(match.group("expr"))
        try:
            computed = _evaluate(tokens)
        except (DivisionByZero, InvalidOperation, ZeroDivisionError):
            continue
        result_token = match.group("result")
        result = _number(result_token)
        places = decimal_places(Decimal(result_token.rstrip("%"))) + (2 if result_token.endswith("%") else 0)
        symbols = {"*": "×", "x": "×", "X": "×", "/": "÷", "-": "−"}
        shown = " ".join(symbols.get(t, t) if not t[0].isdigit() else _show(t) for t in tokens)
        found.append(
            Statement(
                text=match.group(0),
                operands=tuple(_number(t) for t in tokens[::2]),
                operators=tuple(tokens[1::2]),
                computed=computed,
                result=result,
                result_places=places,
                shown=shown,
            )
        )
    return found


def find_rate(text: str | None, weight: Decimal | None = None) -> tuple[Decimal, str] | None:
    """The rate a text states, as a fraction, with the words it was read from.

    Three styles occur on one form: ``专项资金支出进度=92.31%*5=4.62`` (a product with the weight),
    ``…计算平均执行率为90%，按比例计分。`` (a rate named by a cue word) and a bare ``94%``.
    Several different percentages and no cue: None (undecided, never a guess).
    """
    if not text:
        return None
    folded = normalize_text(str(text))
    if weight is not None:
        for statement in statements(folded):
            if statement.multiplies(weight):
                percents = _PERCENT.findall(statement.text)
                if len(percents) == 1:
                    return Decimal(percents[0]) / HUNDRED, statement.text
    matches = list(_PERCENT.finditer(folded))
    if not matches:
        return None
    cued = [m for m in matches if _RATE_CUE.search(folded[max(0, m.start() - 8) : m.start()])]
    distinct = {Decimal(m.group(1)) for m in (cued or matches)}
    if len(distinct) != 1:
        return None
    chosen = (cued or matches)[0]
    start = max(0, chosen.start() - 8)
    return Decimal(chosen.group(1)) / HUNDRED, folded[start : chosen.end()].strip()


def stated_deductions(text: str | None) -> list[tuple[Decimal, str]]:
    """Each ``扣N分`` that states a deduction taken (not a rule such as 每项扣0.5分)."""
    if not text:
        return []
    folded = normalize_text(str(text))
    found = []
    for match in _DEDUCTION.finditer(folded):
        before = folded[max(0, match.start() - 4) : match.start()]
        if _RULE_CUE.search(before):
            continue
        found.append((Decimal(match.group(1)), match.group(0)))
    return found
