"""Chains of written arithmetic are found run by run (linear time) and the statements read are
the same as trying a chain from every position (the former, quadratic, search) with the one
expression of a whole chain the module used before it read a chain in steps (:func:`_chain_at`)."""

from __future__ import annotations

import random
import re

from evaluator.values import textmath

PIECES = ["1", "2", ".", "5", "0", ",", "%", "分", "万元", "+", "-", "×", "/", "=", "≈", "等于", "为", "得", "得分",
          "，", " ", "(", ")", "乘以", "约为", "a", "。", "3,000", "12.5", "  ", "\t", "92.31%", "*",
          "‰", "个百分点", ":", "–", "2023", "12", "GB/T ", "T"]


#: A whole chain as one expression: a run with an operator and one or more results, or the result
#: first (``0.94分=1分×94%``) and any results after the run.
EXPR = rf"{textmath._OPERAND}(?:{textmath._S}{textmath._OP}{textmath._S}{textmath._OPERAND})*"
CHAIN = re.compile(
    rf"(?<![\d.])(?<!\d,){textmath._NOT_CODE}(?:{textmath._OPERAND}{textmath._S}{textmath._OP}{textmath._S}"
    rf"{EXPR}(?:{textmath._EQ}{EXPR})+"
    rf"|{textmath._NUMU}{textmath._S}(?:=|等于){textmath._S}{textmath._OPERAND}{textmath._S}{textmath._OP}{textmath._S}"
    rf"{EXPR}(?:{textmath._EQ}{EXPR})*)")


def _every_position(folded: str) -> list[textmath.Statement]:
    return [statement for match in CHAIN.finditer(folded)
            for statement in textmath._chain_statements(folded, match.span())]


def _run_by_run(folded: str) -> list[textmath.Statement]:
    return [statement for span in textmath._chains(folded)
            for statement in textmath._chain_statements(folded, span)]


def test_run_by_run_reads_what_every_position_reads():
    rng = random.Random(20)
    for _ in range(20000):
        text = "".join(rng.choice(PIECES) for _ in range(rng.randint(1, 16)))
        assert _run_by_run(text) == _every_position(text), text


#: The words and signs a chain's steps can take apart: units that share a first character, results
#: that begin with another's word (得分为, 得分, 得), thousands separators and a comma before 得.
STEPS = PIECES + ["得分为", "计得", "得出", "约等于", "等", "约", "个", "人次", "人", "次", "百分点", "亿元", "x", "·",
                  "÷", "除以", "加上", "减去", "−", "乘", "1,234", ",5", "计", "A ", "b/", "   ", "((", "))",
                  "123,456.7", "，得", ",得"]


def test_a_chain_read_in_steps_is_what_the_whole_expression_matches_at_every_position():
    rng = random.Random(21)
    for _ in range(4000):
        text = "".join(rng.choice(STEPS) for _ in range(rng.randint(1, 24)))
        for start in range(len(text) + 1):
            match = CHAIN.match(text, start)
            assert textmath._chain_at(text, start) == (match.span() if match else None), (text, start)


def test_a_long_run_without_a_result_states_nothing_and_a_long_chain_is_read():
    assert textmath.statements("+".join(["1"] * 16384)) == []
    chain = textmath.statements("+".join(["1"] * 2000) + "=2000")
    assert len(chain) == 1 and chain[0].holds


def test_ranges_ratios_and_percentage_points_stay_linear():
    """The readings added for ranges, dates, ratios and percentage points cost no more than a
    constant per figure: a 32,767-character chain of each is read in well under a second."""
    import time

    for piece in ("1-2=", "2023-12=", "10:2=", "95%+3个百分点=", "100-5‰=", "GB/T 50-"):
        text = (piece * (32767 // len(piece) + 1))[:32767]
        started = time.perf_counter()
        textmath.statements(text)
        textmath.find_rate(text)
        assert time.perf_counter() - started < 2.0, piece
