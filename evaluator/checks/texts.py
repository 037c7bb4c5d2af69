"""Rules about figures written in a row's text, written once against a small row interface.

``text-arithmetic``, ``text-score`` and ``deduction-mismatch`` read a row's free-text cells with
:mod:`evaluator.values.textmath` and compare what the text states with the row's 分值 and 得分.
A family turns its own rows into :class:`TextRow` (a label, the weight the row is scored against,
the score cell, the text cells, the names of the other rows, and what its own score rules already
judge) and calls these functions with its own :class:`~evaluator.checks.base.Rule` (same slug in
every family; its title, template and examples speak of the family's form). No rule here knows
any form's layout.

One error, one finding: a family says, per row, whether a result the text computes is compared
with the 得分 here (``compare_result``; not where a score rule of its own judges that score), and
which scores its score rules already expect for the row (``expected_scores``, ``expected_range``):
a stated score or deduction that only repeats such a finding is not reported again.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Iterable, Iterator

from evaluator.checks.base import Rule
from evaluator.findings import Finding
from evaluator.values.cell import Value
from evaluator.values.numbers import fmt, round_half_up
from evaluator.values.textmath import StatedDeduction, Statement, claimed_deduction, find_rate, stated_scores, statements

#: The message of a ``text-arithmetic`` finding whose arithmetic holds but whose result is not the 得分.
RESULT_NOT_SCORE = "{indicator}：{where}算得 {expected}（{arithmetic}），申报得分 {actual}"
#: The same where the row's own figures give the 得分: the text is the one to change.
RESULT_NOT_CONFIRMED_SCORE = "{indicator}：{where}算得 {actual}（{arithmetic}），但本行数字得出的得分是 {expected}，与申报一致，应改文字"
_SCORE_UNITS = (None, "分")


@dataclass(frozen=True)
class TextRow:
    """One scored row of any family's form, as the text rules see it.

    ``weight`` is the 分值 the row is scored against (None: nothing that needs it is judged);
    ``texts`` are the free-text cells that may state figures (only cells with a ``ref``);
    ``others`` the names of the other rows and groups (a sentence naming one states someone
    else's score). ``compare_result`` says whether a score the text computes is compared with
    the 得分 here (False where a rule of the family judges that score from the row's figures);
    ``score_confirmed`` says the row's own figures give exactly the 得分, so a text computing
    another score is the one to change (the finding sits on the text cell).
    ``rate_scored`` drops a stated score equal to the text's own rate × 分值 (the family's
    ``rate-score`` judges it). ``expected_scores`` / ``expected_range`` are what a score rule of
    the family already says the 得分 should be (a stated score or deduction that agrees with it
    repeats that finding).
    """

    label: str
    score: Value
    weight: Decimal | None = None
    texts: tuple[Value, ...] = ()
    others: tuple[str, ...] = ()
    compare_result: bool = True
    score_confirmed: bool = False
    rate_scored: bool = False
    expected_scores: tuple[Decimal, ...] = ()
    expected_range: tuple[Decimal, Decimal] | None = None


# --- stated deductions ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Claim:
    """What a row's texts say was deducted, and from which text cells."""

    amount: Decimal
    phrases: tuple[StatedDeduction, ...]
    cells: tuple[Value, ...]


def row_claim(row: TextRow) -> Claim | None:
    """The deduction a row's texts claim in all (None when they state none, or it is undecided)."""
    amount, phrases, cells = Decimal(0), [], []
    for text in row.texts:
        claimed = claimed_deduction(text.text)
        if claimed is None:
            continue
        amount += claimed[0]
        phrases.extend(claimed[1])
        cells.append(text)
    if not cells:
        return None
    return Claim(amount, tuple(phrases), tuple(cells))


def computed_scores(row: TextRow) -> set[Decimal]:
    """Scores the row's texts compute from its 分值 (3分×80%=2.4分), which a further deduction may
    start from (…，再扣0.4分 → 2)."""
    weight = row.weight
    if weight is None:
        return set()
    return {statement.final for text in row.texts for statement in statements(text.text)
            if statement.holds and statement.scores_from(weight) and statement.final is not None
            and statement.final_unit in _SCORE_UNITS and not statement.measured and statement.final <= weight}


def mismatch(row: TextRow) -> Claim | None:
    """The row's claim when it disagrees with 分值 − 得分 (or with a computed score − 得分), else None.

    A claim equal to 分值 − a score the family's score rules already expect repeats their finding."""
    score, weight = row.score.number, row.weight
    if score is None or weight is None:
        return None
    claim = row_claim(row)
    if claim is None:
        return None
    accepted = {weight - score} | {computed - score for computed in computed_scores(row)}
    accepted |= {weight - expected for expected in row.expected_scores}
    if claim.amount in accepted:
        return None
    if row.expected_range is not None and row.expected_range[0] <= weight - claim.amount <= row.expected_range[1]:
        return None
    return claim


def deduction_mismatch(rule: Rule, rows: Iterable[TextRow]) -> Iterator[Finding]:
    """``deduction-mismatch``: the deduction the text states differs from 分值 − 得分; at the first
    text cell that states one, with the 得分 cell (and any other such text cell) in ``related``."""
    for row in rows:
        claim = mismatch(row)
        if claim is None:
            continue
        score, weight = row.score.number, row.weight
        assert score is not None and weight is not None
        lost = weight - score
        counted = "；".join(p.arithmetic for p in claim.phrases if p.arithmetic)
        if len(claim.phrases) > 1 and not counted:
            counted = "，合计扣 " + fmt(claim.amount) + " 分"
        elif counted:
            counted = f"（{counted}）"
        first, *others = claim.cells
        yield rule.emit(first.ref, indicator=row.label, expected=lost, actual=claim.amount,
                        arithmetic=f"{fmt(weight)} − {fmt(score)} = {fmt(lost)}", expected_of="deduction",
                        related=[row.score.ref, *(other.ref for other in others)],
                        stated="、".join(p.words for p in claim.phrases), counted=counted)


# --- written arithmetic ---------------------------------------------------------------------------


def _expected_of(statement: Statement, weight: Decimal | None) -> str | None:
    if statement.result_unit in ("%", "‰"):
        return "rate"
    if weight is not None and statement.multiplies(weight) and statement.result_unit in _SCORE_UNITS:
        return "score"
    if statement.result_unit == "分":
        return "score"
    if statement.result_unit in ("万元", "亿元", "元"):
        return "amount"
    return None


def text_arithmetic(rule: Rule, rows: Iterable[TextRow]) -> Iterator[Finding]:
    """``text-arithmetic``: a statement written in a text that does not hold (at the text cell, the
    得分 cell related), or one that holds, computes a score from the row's 分值 and is not the 得分
    (at the 得分 cell, the text cell related; at the text cell where the row's figures confirm
    the 得分) where the row's ``compare_result`` allows."""
    for row in rows:
        weight = row.weight
        score = row.score.number
        for text in row.texts:
            where = f"{text.ref.a1} " if text.ref else ""
            for statement in statements(text.text):
                if not statement.holds:
                    yield rule.emit(text.ref or row.score.ref, indicator=row.label,
                                    expected=statement.rounded, actual=statement.result,
                                    arithmetic=statement.arithmetic, statement=statement.text, where=where,
                                    expected_of=_expected_of(statement, weight), related=[row.score.ref])
                    continue
                if (not row.compare_result or weight is None or score is None or not statement.scores_from(weight)
                        or statement.final_unit not in _SCORE_UNITS or statement.measured or statement.final == score):
                    continue
                claim = row_claim(row)
                if claim is not None and claim.amount == statement.final - score:
                    continue  # 3分×80%=2.4分，再扣0.4分: the text goes on from its result
                if row.score_confirmed:
                    yield rule.emit(text.ref, indicator=row.label, expected=score, actual=statement.final,
                                    arithmetic=statement.arithmetic, message=RESULT_NOT_CONFIRMED_SCORE, where=where,
                                    expected_of="score", related=[row.score.ref])
                    continue
                yield rule.emit(row.score.ref, indicator=row.label, expected=statement.final, actual=score,
                                arithmetic=statement.arithmetic, message=RESULT_NOT_SCORE, where=where,
                                expected_of="score", related=[text.ref])


# --- stated scores --------------------------------------------------------------------------------


def text_score(rule: Rule, rows: Iterable[TextRow]) -> Iterator[Finding]:
    """``text-score``: the one score the texts state for the row differs from its 得分 at the
    precision written (at the text cell, the 得分 cell related). Nothing is said without a 分值,
    with several different stated scores, where ``deduction-mismatch`` already reports the row, or
    where the stated score is what a score rule of the family already expects."""
    for row in rows:
        score, weight = row.score.number, row.weight
        if score is None or weight is None or not row.texts:
            continue
        found = [(text, stated) for text in row.texts
                 for stated in stated_scores(text.text, own=row.label, others=row.others)]
        found = [(text, stated) for text, stated in found if Decimal(0) <= stated.meant(weight) <= weight]
        if row.rate_scored:
            rate = next((r for r in (find_rate(text.text, weight) for text in row.texts) if r), None)
            if rate is not None:
                implied = round_half_up(min(rate[0], Decimal(1)) * weight)
                found = [(text, stated) for text, stated in found if not stated.agrees(implied, weight)]
        if row.expected_scores or row.expected_range is not None:
            low, high = row.expected_range or (None, None)
            found = [(text, stated) for text, stated in found
                     if not any(stated.agrees(expected, weight) for expected in row.expected_scores)
                     and not (low is not None and low <= stated.meant(weight) <= high)]
        if not found or len({stated.meant(weight) for _, stated in found}) != 1:
            continue
        if mismatch(row) is not None:
            continue
        text, stated = found[0]
        if stated.agrees(score, weight):
            continue
        meant = stated.meant(weight)
        yield rule.emit(text.ref, indicator=row.label, expected=score, actual=meant, expected_of="score",
                        arithmetic=f"文字 {fmt(meant)} ≠ 得分 {fmt(score)}", related=[row.score.ref],
                        stated=stated.words, shown=fmt(meant))


__all__ = ["Claim", "RESULT_NOT_CONFIRMED_SCORE", "RESULT_NOT_SCORE", "TextRow", "computed_scores", "deduction_mismatch", "mismatch",
           "row_claim", "text_arithmetic", "text_score"]
