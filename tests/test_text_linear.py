"""Chains of written arithmetic are found run by run (linear time) and the statements read are
the same as trying a chain from every position (the former, quadratic, search)."""

from __future__ import annotations

import random

from evaluator.values import textmath

PIECES = ["1", "2", ".", "5", "0", ",", "%", "分", "万元", "+", "-", "×", "/", "=", "≈", "等于", "为", "得", "得分",
          "，", " ", "(", ")", "乘以", "约为", "a", "。", "3,000", "12.5", "  ", "\t", "92.31%", "*",
          "‰", "个百分点", ":", "–", "2023", "12", "GB/T ", "T"]


def _every_position(folded: str) -> list[textmath.Statement]:
    return [statement for match in textmath._CHAIN.finditer(folded)
            for statement in textmath._chain_statements(folded, match)]


def _run_by_run(folded: str) -> list[textmath.Statement]:
    return [statement for match in textmath._chains(folded)
            for statement in textmath._chain_statements(folded, match)]


def test_run_by_run_reads_what_every_position_reads():
    rng = random.Random(20)
    for _ in range(20000):
        text = "".join(rng.choice(PIECES) for _ in range(rng.randint(1, 16)))
        assert _run_by_run(text) == _every_position(text), text


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
