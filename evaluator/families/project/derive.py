"""What can be derived from a project form: the recomputed total (总分), the total with every
finding's expected score put in place, and the grade (评价等级) each earns from the edition's bands.

- :func:`recomputed_total`: the 年度资金总额 得分 + Σ indicator 得分 (repeats of the funds score on
  其中 rows are not added; rows that do not apply are left out); None when a score is not a number.
- :func:`corrected_total`: the same with each finding's expected score in place of the declared
  one; None when some finding on a score has no single expected score (a score that is not a
  number or out of range, a finding with alternatives or a band).
- :func:`grade_for`: the grade a total earns under the edition's first grade bands.
- :func:`totals` and :func:`grades`: the three figures of each, as the outputs show them.

And what the rules share: which rows are scored and their weights, how a row's target was met
(:func:`judgement`), the edition's scoring policy (:func:`policy`), rates as they are written
(:func:`read_rates`), and the sums that do not hold with the cell to change in each
(:func:`funds_corrections`, :func:`weight_problems`), so that one error gives one finding: a
rate or score that follows the corrected figure, or a total that follows the corrected scores
(:func:`total_explained`), is not reported again.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal
from functools import lru_cache, wraps
from typing import Any, Callable, Iterable, Mapping, TypeVar

from evaluator.checks.rows import ScoredRow, is_empty_explanation
from evaluator.checks.partly_read import POINTS_ROUNDING
from evaluator.families.base import Grades, Totals
from evaluator.families.project.model import FundsRow, IndicatorRow, ProjectForm
from evaluator.findings import Finding
from evaluator.values.cell import Value
from evaluator.values.numbers import decimal_places, fmt, from_float, normalize_text, round_half_up
from evaluator.values.targets import (
    QUALITATIVE_BANDS,
    REVERSE_METHODS,
    Judgement,
    NotApplicable,
    judge,
    read_value,
    score_methods,
)
from evaluator.values.text import is_blank_text

HUNDRED = Decimal(100)
ONE = Decimal(1)
#: A float read from a formula (=C5/B5) carries binary noise past this many decimals.
MAX_RATE_PLACES = 8

#: The national grade bands (办法; 预算司): 优 ≥ 90, 良 ≥ 80, 中 ≥ 60, 差 below.
NATIONAL_GRADES: tuple[tuple[str, Decimal], ...] = (
    ("优", Decimal(90)), ("良", Decimal(80)), ("中", Decimal(60)), ("差", Decimal(0)))


@dataclass(frozen=True)
class Policy:
    """The scoring choices an edition makes where the sources differ (form-xiangmu §6).

    ``reverse``: the methods for a missed ≤ target, the edition's first (``ratio`` = A/B × 分值,
    ``linear`` = (1 − (B − A)/A) × 分值). ``bands``: the qualitative band sets (``national``
    80/60, ``hubei`` 80/50), first the edition's own. ``standard_weights``: the first-level weights
    the edition declares (None: it declares none). ``grades``: each accepted set of grade bands as
    (name, lowest total) from the best grade down, the edition's first.
    """

    reverse: tuple[str, ...] = REVERSE_METHODS
    bands: tuple[str, ...] = ("national",)
    standard_weights: Mapping[str, Decimal] | None = None
    grades: tuple[tuple[tuple[str, Decimal], ...], ...] = (NATIONAL_GRADES,)


def _attr(edition: Any, *names: str) -> Any:
    for name in names:
        value = getattr(edition, name, None)
        if value is not None:
            return value
    return None


def _grade_sets(raw: Any) -> tuple[tuple[tuple[str, Decimal], ...], ...]:
    """Grade bands as an edition may hold them: a list of bands (objects with ``name`` and
    ``min``/``low``, or (name, low) pairs, or {name: low}), or a list of such lists."""
    if not raw:
        return (NATIONAL_GRADES,)
    if isinstance(raw, Mapping):
        raw = [raw]
    items = list(raw)
    first = items[0]
    nested = isinstance(first, Mapping) and not ({"name", "min", "low"} & set(first)) or (
        isinstance(first, (list, tuple)) and first and not isinstance(first[0], str))
    sets = items if nested else [items]
    result = []
    for one in sets:
        if isinstance(one, Mapping) and not ({"name", "min", "low"} & set(one)):
            bands = [(str(name), Decimal(str(low))) for name, low in one.items()]
        else:
            bands = []
            for band in one:
                if isinstance(band, (list, tuple)):
                    name, low = band[0], band[1]
                elif isinstance(band, Mapping):
                    name, low = band.get("name"), band.get("min", band.get("low"))
                else:
                    name, low = getattr(band, "name"), _attr(band, "min", "low", "lower", "minimum")
                bands.append((str(name), Decimal(str(low if low is not None else 0))))
        result.append(tuple(sorted(bands, key=lambda band: band[1], reverse=True)))
    return tuple(result)


def _policy(edition: Any) -> Policy:
    reverse = _attr(edition, "reverse_methods", "reverse")
    bands = _attr(edition, "qualitative_bands", "bands")
    standard = _attr(edition, "standard_weights", "first_level_weights")
    grades = _attr(edition, "grade_bands", "grades")
    if isinstance(bands, Mapping):
        bands = list(bands)
    return Policy(
        reverse=tuple(reverse) if reverse else REVERSE_METHODS,
        bands=tuple(name for name in (bands or ("national",)) if name in QUALITATIVE_BANDS) or ("national",),
        standard_weights={str(k): Decimal(str(v)) for k, v in standard.items()} if standard else None,
        grades=_grade_sets(grades),
    )


#: Each edition's policy, by the edition's identity: an edition is read-only once loaded, and it
#: cannot be hashed by value (its fields hold lists), so a cache keyed on it missed every time. The
#: entry holds the edition itself, so its id is not reused while the entry lives.
_POLICIES: dict[int, tuple[Any, Policy]] = {}


def policy(form: ProjectForm) -> Policy:
    """The scoring policy of the form's edition (defaults: the national one)."""
    edition = form.edition
    held = _POLICIES.get(id(edition))
    if held is None or held[0] is not edition:
        if len(_POLICIES) >= 64:
            _POLICIES.clear()
        held = _POLICIES[id(edition)] = (edition, _policy(edition))
    return held[1]


# ------------------------------------------------------------------------------------------
# Derived once per form

R = TypeVar("R")
_MEMO = "_derived"


def once(form: ProjectForm, key: Any, compute: Callable[[], R]) -> R:
    """``compute()`` the first time ``key`` is asked of this form, its stored answer afterwards.

    The rules of one form ask for the same derivations (the scored rows, the weight problems, other
    rules' findings) many times; a form is not changed once read, so each is computed once. The
    answers live on the form itself (a copy of the form starts afresh: they are tagged with the
    form's identity) and go with it."""
    memo = form.__dict__.get(_MEMO)
    if memo is None or memo[0] != id(form):
        memo = (id(form), {})
        form.__dict__[_MEMO] = memo
    store = memo[1]
    if key not in store:
        store[key] = compute()
    return store[key]


def _per_form(function: Callable[[ProjectForm], list]) -> Callable[[ProjectForm], list]:
    """A derivation of one form computed once; each caller gets its own list."""
    @wraps(function)
    def derived(form: ProjectForm) -> list:
        return list(once(form, function.__name__, lambda: function(form)))
    return derived


def findings_of(form: ProjectForm, module: Any) -> list[Finding]:
    """A rule module's findings on the form (checked once, whichever rule asks)."""
    return list(once(form, ("check", module.RULE.slug), lambda: list(module.check(form))))


# ------------------------------------------------------------------------------------------
# Rows


def number(value: Value) -> Decimal | None:
    return None if value.undecided else value.number


def indicator_weight(row: IndicatorRow) -> Decimal | None:
    """The 分值 the row is scored against: its 分值 cell, else points in its label, else None."""
    if row.weight.undecided:
        return None
    if row.weight.number is not None:
        return row.weight.number
    if row.weight.is_empty_text:
        return row.weight_from_label
    return None


def not_applicable(row: IndicatorRow) -> bool:
    """A row that does not apply: "/" for its target or its 完成值 and no score (天长 生态效益),
    "/" for both and a score of 0, or a template row nobody filled (指标1：… with every cell blank)."""
    if row.score.undecided or row.weight.undecided:
        return False
    target_na = isinstance(read_value(row.target.raw), NotApplicable)
    actual_na = isinstance(read_value(row.actual.raw), NotApplicable)
    if target_na and actual_na and row.score.number == 0:
        return True                     # "/" "/" and 0: not scored, whatever the 分值 says
    if not is_blank_text(row.score.raw):
        return False
    # A blank 完成值 is not "not applicable": a row with points, a blank 完成值 and a blank 得分 was
    # never scored (score-not-number). "/", "—", "不适用" written there say the row does not apply.
    no_points = row.weight.is_empty_text and (row.weight.ref is not None or row.weight_from_label is None)
    return no_points or declared_not_applicable(row.target) or declared_not_applicable(row.actual)


def declared_not_applicable(value: Value) -> bool:
    """A cell that says the row does not apply ("/", "—", "不适用", "无"), not merely a blank one."""
    if value.undecided or value.ref is None:
        return False
    reading = read_value(value.raw)
    return isinstance(reading, NotApplicable) and reading.text != ""


def shown_as_read(value: Value) -> str:
    """What a cell was read as, for messages: 空白, or the mark in quotes (“/”, “—”, “0”, “不适用”)."""
    if value.ref is None:
        return "没有此列"
    text = "".join(value.text.split())
    return "空白" if not text else f"“{text}”"


@_per_form
def scored_indicators(form: ProjectForm) -> list[IndicatorRow]:
    """The indicator rows that carry a score (not-applicable and blank template rows left out)."""
    return [row for row in form.indicators if not not_applicable(row)]


def judgement(row: IndicatorRow) -> Judgement | None:
    """How the row's 完成值 compares with its 指标值; None when that is not certain."""
    if row.target.undecided or row.actual.undecided:
        return None
    key = (row.target.raw, row.actual.raw, row.level2_name or None,
           row.nature.raw if row.nature.ref is not None else None,
           row.unit.raw if row.unit.ref is not None else None, row.label or None)
    try:
        return _judge(*key)
    except TypeError:   # an unhashable cell value
        return _judge.__wrapped__(*key)


@lru_cache(maxsize=4096, typed=True)
def _judge(target: Any, actual: Any, level2: str | None, operator: Any, unit: Any,
           name: str | None = None) -> Judgement | None:
    # Pure, and the same values recur across the rules of one form and the forms of a batch.
    return judge(target, actual, level2=level2, operator=operator, unit=unit, name=name)


def has_reason(row: IndicatorRow) -> bool:
    return row.reason.ref is not None and not is_empty_explanation(row.reason)


def funds_weight(row: FundsRow, form: ProjectForm) -> Decimal | None:
    """The 分值 of the 年度资金总额 row: its cell, else points in a label (预算执行情况(10分))."""
    if row.weight.undecided:
        return None
    if row.weight.number is not None:
        return row.weight.number
    if row.weight.is_empty_text:
        return row.weight_from_label if row.weight_from_label is not None else form.funds_weight_from_label
    return None


def indicator_rows(form: ProjectForm, skip: Iterable[Any] = ()) -> list[ScoredRow]:
    """The scored indicator rows as the shared rules see them; ``skip`` holds the score cells, as
    (sheet, A1), that already have a finding sending the author to the score (no
    missing-explanation there)."""
    skipped = frozenset(skip)
    return list(once(form, ("indicator_rows", skipped), lambda: _indicator_rows(form, skipped)))


def _indicator_rows(form: ProjectForm, skipped: frozenset[Any]) -> list[ScoredRow]:
    fixed = corrected_weights(form)
    rows = []
    for row in scored_indicators(form):
        found = judgement(row)
        rows.append(ScoredRow(
            label=row.label, score=row.score, weight=fixed.get(id(row), indicator_weight(row)), weight_cell=row.weight,
            explanations=(("偏差原因", row.reason),) if row.reason.ref is not None else (),
            missed=found is not None and found.outcome != "met",
            shortfall=found.shown if found is not None and found.outcome != "met" else "",
            skip_explanation=row.score.ref is not None and (row.score.ref.sheet, row.score.ref.a1) in skipped))
    return rows


def fits_score(form: ProjectForm, row: IndicatorRow, weight: Decimal, score: Decimal) -> bool | None:
    """Whether ``score`` fits a documented method for the row at ``weight``; None when the row's
    outcome cannot be judged (as in ``target-score``, a met target scored lower with a reason fits)."""
    outcome = judgement(row)
    if outcome is None:
        return None
    rules = policy(form)
    methods = score_methods(outcome, weight, reverse=rules.reverse, bands=rules.bands)
    if not methods:
        return None
    if any(method.fits(score) for method in methods):
        return True
    return outcome.met and outcome.kind != "words" and score < weight and has_reason(row)


# ------------------------------------------------------------------------------------------
# Weights that do not add up


@dataclass(frozen=True)
class WeightProblem:
    """A sum of 分值 that does not hold, and the cell to change: a group's points (产出指标(50分)),
    绩效指标(90分), the 总分 row's 分值, or, when exactly one row's score shows what its 分值 should
    be (the score fits the 分值 that makes the sum hold, not the one printed), that row's 分值."""

    ref: Any
    indicator: str
    expected: Decimal
    actual: Decimal
    arithmetic: str
    related: tuple[Any, ...] = ()
    row: IndicatorRow | None = None
    total: bool = False


def _blank_row(row: IndicatorRow) -> bool:
    """A template row nobody filled: no 分值 and no 得分."""
    return (not row.weight.undecided and row.weight.is_empty_text and row.weight_from_label is None
            and not row.score.undecided and is_blank_text(row.score.raw))


def _row_weights(rows: list[IndicatorRow]) -> list[Decimal] | None:
    values = []
    for row in rows:
        if _blank_row(row):
            continue
        weight = indicator_weight(row)
        if weight is None:
            if row.weight.undecided or not row.weight.is_empty_text:
                return None
            continue                    # "/" or blank: the row carries no points
        values.append(weight)
    return values or None


def _na_points(rows: list[IndicatorRow]) -> Decimal | None:
    """The 分值 printed on rows that do not apply ("/" and no score): a sum of 分值 holds either
    with them or without them (the template says to drop such rows and rescale)."""
    points = [indicator_weight(row) for row in rows if not _blank_row(row) and not_applicable(row)]
    points = [value for value in points if value is not None]
    return sum(points, Decimal(0)) if points else None


def _even_split(weights: list[Decimal], printed: Decimal) -> bool:
    """The group's points split evenly and rounded at the precision written: 3.33 × 3 under 10
    (the weights are right, their sum is a rounding)."""
    if len(set(weights)) != 1 or len(weights) < 2:
        return False
    places = decimal_places(weights[0])
    share = printed / len(weights)
    return weights[0] in (round_half_up(share, places), share.quantize(ONE.scaleb(-places), rounding=ROUND_DOWN))


def _sum_text(values: list[Decimal]) -> str:
    return " + ".join(fmt(v) for v in values) + f" = {fmt(sum(values, Decimal(0)))}"


def _blame(form: ProjectForm, rows: list[IndicatorRow], diff: Decimal) -> tuple[IndicatorRow, Decimal] | None:
    """The one row whose score says its 分值 should be ``weight − diff``, if exactly one does."""
    found = []
    for row in rows:
        weight, score = indicator_weight(row), number(row.score)
        if weight is None or score is None or _blank_row(row):
            continue
        fixed = weight - diff
        if fixed <= 0 or score < 0:
            continue
        now, then = fits_score(form, row, weight, score), fits_score(form, row, fixed, score)
        if (now is not None and then and not now) or (now is None and score == fixed and score != weight):
            found.append((row, fixed))
    return found[0] if len(found) == 1 else None


@_per_form
def weight_problems(form: ProjectForm) -> list[WeightProblem]:
    """Every sum of 分值 that does not hold, innermost first; a discrepancy already reported on a
    smaller group is not reported again around it (one error, one finding)."""
    problems: list[WeightProblem] = []
    reported: list[tuple[frozenset[int], Decimal]] = []
    cut = form.indicators[-1] if form.cut_off and form.indicators else None

    def explained(rows: frozenset[int]) -> tuple[Decimal, list[tuple[frozenset[int], Decimal]]]:
        inner = [entry for entry in reported if entry[0] <= rows]
        return sum((diff for _, diff in inner), Decimal(0)), inner

    def blamed(rows: list[IndicatorRow], diff: Decimal, printed: Decimal, label: str) -> WeightProblem | None:
        found = _blame(form, rows, diff)
        if found is None:
            return None
        row, fixed = found
        others = [indicator_weight(r) for r in rows if r is not row and not _blank_row(r)]
        arithmetic = f"{label} {fmt(printed)}" + "".join(f" − {fmt(w)}" for w in others) + f" = {fmt(fixed)}"
        return WeightProblem(row.weight.ref, row.label, fixed, indicator_weight(row), arithmetic,
                             related=(row.score.ref,), row=row)

    for group in sorted(form.groups, key=lambda g: -g.level):
        printed = number(group.weight)
        weights = _row_weights(group.rows)
        if printed is None or weights is None:
            continue
        rows = frozenset(id(row) for row in group.rows)
        diff = sum(weights, Decimal(0)) - printed
        if diff == 0 or diff == _na_points(group.rows):
            continue
        if diff < 0 and cut and id(cut) in rows:
            continue                    # the copy ends inside this group: its other rows were not read
        already, inner = explained(rows)
        for entry in inner:
            reported.remove(entry)
        reported.append((rows, diff))
        if already == diff or _even_split(weights, printed):
            continue
        problems.append(blamed(group.rows, diff - already, printed, group.name) or WeightProblem(
            group.weight.ref or group.label_ref, group.name, sum(weights, Decimal(0)), printed, _sum_text(weights),
            related=tuple(row.weight.ref for row in group.rows)))

    problems += _part_points(form, cut)
    every = frozenset(id(row) for row in form.indicators)
    weights = _row_weights(form.indicators)
    if weights is None:
        return problems
    indicator_sum = sum(weights, Decimal(0))
    label_points = form.indicators_weight_from_label
    if cut is not None and label_points is not None and indicator_sum < label_points:
        label_points = None             # the copy ends before the table does
    if label_points is not None and indicator_sum - label_points not in (0, _na_points(form.indicators)):
        already, _ = explained(every)
        diff = indicator_sum - label_points
        if diff != already:
            problems.append(blamed(form.indicators, diff - already, label_points, "绩效指标") or WeightProblem(
                form.indicators_ref, "绩效指标", indicator_sum, label_points, _sum_text(weights)))
        reported[:] = [(every, diff)]
    printed = number(form.total_weight)
    funds = form.funds_total
    funds_points = funds_weight(funds, form) if funds is not None else None
    if printed is None or funds_points is None:
        return problems
    parts = [funds_points] + weights
    diff = sum(parts, Decimal(0)) - printed
    already = explained(every)[0]
    if diff == 0 or already == diff or diff == _na_points(form.indicators):
        return problems
    problems.append(blamed(form.indicators, diff - already, printed - funds_points, "总分分值减预算执行分值")
                    or WeightProblem(form.total_weight.ref, "总分", sum(parts, Decimal(0)), printed,
                                     _sum_text(parts), total=True))
    return problems


def _part_points(form: ProjectForm, cut: IndicatorRow | None) -> list[WeightProblem]:
    """Where the rows print no 分值 (Hubei), a group's printed points against the points printed
    on the groups inside it: 年度绩效目标(80分) over 产出指标(60分) and 效益指标(40分)."""
    problems = []
    for group in form.groups:
        printed = number(group.weight)
        if printed is None or _row_weights(group.rows) is not None or not group.rows:
            continue
        members = {id(row) for row in group.rows}
        inner = [g for g in form.groups if g.level > group.level and number(g.weight) is not None
                 and g.rows and {id(row) for row in g.rows} <= members]
        if not inner:
            continue
        level = min(g.level for g in inner)
        parts = [g for g in inner if g.level == level]
        if {id(row) for g in parts for row in g.rows} != members:
            continue                    # some rows sit under no part with points: not comparable
        total = sum((number(g.weight) for g in parts), Decimal(0))
        if total == printed or (total < printed and cut is not None and id(cut) in members):
            continue
        problems.append(WeightProblem(
            group.weight.ref or group.label_ref, group.name, total, printed,
            " + ".join(f"{fmt(number(g.weight))}（{g.name}）" for g in parts) + f" = {fmt(total)}",
            related=tuple(g.weight.ref or g.label_ref for g in parts)))
    return problems


def corrected_weights(form: ProjectForm) -> dict[int, Decimal]:
    """``{id(row): 分值}`` for the rows whose printed 分值 ``weight-sum`` blames: their scores are
    judged against the 分值 that makes the sums hold (the weight is the error, not the score)."""
    return {id(problem.row): problem.expected for problem in weight_problems(form) if problem.row is not None}


# ------------------------------------------------------------------------------------------
# Rates as written


@dataclass(frozen=True)
class Rate:
    """One reading of a printed 执行率: a fraction and the decimals (of the fraction) it is
    written to, so 86% is (0.86, 2) and 100.00% is (1.0000, 4)."""

    fraction: Decimal
    places: int

    def agrees(self, computed: Decimal) -> bool:
        """The printed rate is the computed one at its precision, rounded half-up or truncated."""
        rounded = round_half_up(computed, self.places)
        truncated = computed.quantize(ONE.scaleb(-self.places), rounding=ROUND_DOWN)
        return self.fraction in (rounded, truncated)


def read_rates(value: Value) -> list[Rate]:
    """Every reading of a printed 执行率: ``86%`` and ``86.20%`` are percentages; a bare number is
    a fraction (a cell formatted as %) or a percentage written without its sign (79.27), and both
    readings are kept where both make sense. [] for a blank, a dash or anything else."""
    if value.undecided or is_blank_text(value.raw) or isinstance(value.raw, bool):
        return []
    raw = value.raw
    if isinstance(raw, (int, float, Decimal)):
        written = from_float(raw) if isinstance(raw, float) else Decimal(raw)
        percent_sign = False
    else:
        text = "".join(normalize_text(str(raw)).split())
        percent_sign = text.endswith("%")
        text = text.rstrip("%")
        try:
            written = Decimal(text)
        except ArithmeticError:
            return []
        if not written.is_finite():
            return []
    if written < 0:
        return []
    places = decimal_places(written)
    if percent_sign:
        readings = [_rate(written / HUNDRED, places + 2)]
    else:
        readings = [_rate(written, places), _rate(written / HUNDRED, places + 2)]
        if written > 2:
            readings = readings[1:]      # 86.2 is not 8620%
    return readings


def _rate(fraction: Decimal, places: int) -> Rate:
    if places > MAX_RATE_PLACES:
        return Rate(round_half_up(fraction, MAX_RATE_PLACES), MAX_RATE_PLACES)
    return Rate(fraction, places)


def rate_agrees(readings: list[Rate], budget: Decimal, spent: Decimal) -> bool:
    """A printed rate (any of its readings) agrees with spent / budget; a rate shown as 100% when
    more than the budget was spent is accepted (a display cap)."""
    if budget <= 0:
        return False
    computed = spent / budget
    if any(reading.agrees(computed) for reading in readings):
        return True
    return computed > ONE and any(reading.fraction == ONE for reading in readings)


# ------------------------------------------------------------------------------------------
# The funds block's sums

FUNDS_COLUMNS = (("initial", "年初预算数"), ("budget", "全年预算数"), ("spent", "全年执行数"))


@dataclass(frozen=True)
class FundsCorrection:
    """A column of the funds block whose 年度资金总额 is not Σ 其中, and the cell to change.

    Usually the total's cell (``expected`` the sum of the 其中 rows). When the total row agrees with
    its own 执行率 and exactly one 其中 row disagrees with its own 执行率 but would agree with the
    figure that makes the sum hold, that row's cell is the one to change (one typo, one finding).
    The total's cell is the one to change when it is 0 over 其中 rows that are not (an export that
    zeroed the row) or when its own 执行率 follows the sum rather than the figure written. Otherwise
    the form does not say which is wrong, the total or a 其中 row: ``ambiguous``, and nothing is
    built on either (the corrected figures keep what is written).
    """

    row: FundsRow
    key: str
    column: str
    declared: Decimal
    expected: Decimal
    arithmetic: str
    parts: tuple[Value, ...]
    ambiguous: bool = False


def _figure(row: FundsRow, key: str) -> Decimal | None:
    return number(row.cells()[key])


def _self_consistent(row: FundsRow) -> bool:
    """The row prints no rate, or its rate agrees with its own figures."""
    readings = read_rates(row.rate)
    budget, spent = _figure(row, "budget"), _figure(row, "spent")
    if not readings or budget is None or spent is None or budget == 0:
        return True
    return rate_agrees(readings, budget, spent)


@_per_form
def funds_corrections(form: ProjectForm) -> list[FundsCorrection]:
    """Every column of the funds block whose total is not the sum of its 其中 rows (compared at
    the precision the total is written with); a column whose 其中 rows are all blank, or with a
    blank total, text or a formula without a value, is not judged."""
    total, parts = form.funds_total, form.funds_parts
    if total is None or not parts:
        return []
    found = []
    for key, column in FUNDS_COLUMNS:
        cell = total.cells()[key]
        if cell.ref is None or cell.undecided or cell.number is None:
            continue
        values = [(part, part.cells()[key]) for part in parts]
        if any(value.undecided for _, value in values):
            continue
        written = [(part, value) for part, value in values if value.ref is not None and not value.is_empty_text]
        if not written or any(value.number is None for _, value in written):
            continue
        expected = sum((value.number for _, value in written), Decimal(0))
        declared = cell.number
        if expected == declared or round_half_up(expected, decimal_places(declared)) == declared:
            continue
        if _adds_up_nested(written, declared):
            continue
        arithmetic = " + ".join(fmt(value.number) for _, value in written) + f" = {fmt(expected)}"
        refs = tuple(value for _, value in written)
        blamed = _blamed_part(total, written, key, declared, expected) if key in ("budget", "spent") else None
        if blamed is not None:
            part, value, fixed = blamed
            others = [fmt(v.number) for p, v in written if p is not part]
            shown = f"{fmt(declared)}" + "".join(f" − {o}" for o in others) + f" = {fmt(fixed)}"
            found.append(FundsCorrection(part, key, column, value.number, fixed, shown,
                                         (total.cells()[key],) + tuple(v for p, v in written if p is not part)))
        else:
            found.append(FundsCorrection(total, key, column, declared, expected, arithmetic, refs,
                                         ambiguous=not _total_at_fault(total, key, declared, expected)))
    return found


def _total_at_fault(total: FundsRow, key: str, declared: Decimal, expected: Decimal) -> bool:
    """The total row is the one that is wrong: it is 0 over 其中 rows that are not, or its own
    执行率 agrees with the sum of the 其中 rows and not with the figure written."""
    if declared == 0:
        return True
    if key not in ("budget", "spent"):
        return False
    readings = read_rates(total.rate)
    budget, spent = _figure(total, "budget"), _figure(total, "spent")
    if not readings or budget is None or spent is None or _self_consistent(total):
        return False
    budget, spent = (expected, spent) if key == "budget" else (budget, expected)
    return budget != 0 and rate_agrees(readings, budget, spent)


def _adds_up_nested(written: list[tuple[FundsRow, Value]], declared: Decimal) -> bool:
    """The 其中 rows add up once a nested breakdown is left out: a second ``其中：`` right under a
    row (其中：当年财政拨款 100 / 其中：中央资金 60 / 省级资金 40) details that row, and the rows
    that add up to it are not added again."""
    values = [value.number for _, value in written]
    labels = ["".join(part.label.text.split()) for part, _ in written]
    kept: list[Decimal] = []
    index = 0
    while index < len(values):
        kept.append(values[index])
        detail = index + 1
        if detail < len(values) and labels[detail].startswith("其中"):
            running = Decimal(0)
            for end in range(detail, len(values)):
                running += values[end]
                if running == values[index]:
                    index = end
                    break
        index += 1
    if len(kept) == len(values):
        return False
    total = sum(kept, Decimal(0))
    return total == declared or round_half_up(total, decimal_places(declared)) == declared


def _blamed_part(total: FundsRow, written: list[tuple[FundsRow, Value]], key: str, declared: Decimal,
                 expected: Decimal) -> tuple[FundsRow, Value, Decimal] | None:
    if not _self_consistent(total) or not read_rates(total.rate):
        return None
    suspects = []
    for part, value in written:
        readings = read_rates(part.rate)
        budget, spent = _figure(part, "budget"), _figure(part, "spent")
        if not readings or budget is None or spent is None or _self_consistent(part):
            continue
        fixed = declared - (expected - value.number)
        if fixed < 0:
            continue
        budget, spent = (fixed, spent) if key == "budget" else (budget, fixed)
        if rate_agrees(readings, budget, spent):
            suspects.append((part, value, fixed))
    return suspects[0] if len(suspects) == 1 else None


def corrected_figures(form: ProjectForm, row: FundsRow) -> tuple[Decimal | None, Decimal | None]:
    """The row's 全年预算数 and 全年执行数 with the funds corrections put in place."""
    budget, spent = _figure(row, "budget"), _figure(row, "spent")
    for correction in funds_corrections(form):
        if correction.ambiguous:
            continue
        if correction.row is row and correction.key == "budget":
            budget = correction.expected
        elif correction.row is row and correction.key == "spent":
            spent = correction.expected
    return budget, spent


# ------------------------------------------------------------------------------------------
# Totals and grades

#: Rules whose findings are about a score cell and may give the score it should hold.
SCORE_RULES = frozenset({"rate-score", "target-score", "score-not-number", "score-out-of-range"})


@_per_form
def score_cells(form: ProjectForm) -> list[tuple[str, object, Decimal | None]]:
    """The scores the total adds: (label, cell, number), the funds score first."""
    cells = []
    funds = form.funds_total
    if funds is not None and funds.score.ref is not None and (
            not _blank(funds.score) or funds_weight(funds, form) is not None):
        cells.append(("预算执行", funds.score.ref, number(funds.score)))
    for row in scored_indicators(form):
        cells.append((row.level1_name or row.label, row.score.ref, number(row.score)))
    return cells


def _blank(value) -> bool:
    return value.formula is None and value.is_empty_text


def recomputed_total(form: ProjectForm) -> Decimal | None:
    """The funds 得分 + Σ indicator 得分; None when any of them is not a number (or there are none)."""
    cells = score_cells(form)
    if not cells or any(value is None for _, _, value in cells):
        return None
    return sum((value for _, _, value in cells), Decimal(0))


def subtotals(form: ProjectForm) -> list[tuple[str, Decimal]]:
    """The scores the total adds, per part in form order: 预算执行, then each 一级指标."""
    sums: dict[str, Decimal] = {}
    for label, _, value in score_cells(form):
        sums[label] = sums.get(label, Decimal(0)) + (value or Decimal(0))
    return list(sums.items())


def arithmetic(form: ProjectForm) -> str:
    """``9（预算执行）+ 50（产出指标）+ … = 98``."""
    parts = subtotals(form)
    total = sum((value for _, value in parts), Decimal(0))
    return " + ".join(f"{fmt(value)}（{name}）" for name, value in parts) + f" = {fmt(total)}"


def corrected_total(form: ProjectForm, findings: Iterable[Finding]) -> Decimal | None:
    """The total once every score finding's expected score is put in place; None when a finding on
    a score has no single expected score."""
    cells = score_cells(form)
    if not cells:
        return None
    replaced: dict[tuple[str, str], Decimal] = {}
    for finding in findings:
        if finding.rule not in SCORE_RULES:
            continue
        if (finding.expected is None or finding.expected_of != "score" or finding.alternatives
                or finding.expected_range is not None or finding.rule in ("score-not-number", "score-out-of-range")):
            return None
        replaced[(finding.sheet or "", finding.cell or "")] = Decimal(finding.expected)
    total = Decimal(0)
    for _, ref, value in cells:
        key = (ref.sheet, ref.a1) if ref is not None else None
        if key in replaced:
            total += replaced[key]
        elif value is None:
            return None
        else:
            total += value
    return total


def total_explained(form: ProjectForm, declared: Decimal, findings: Iterable[Finding]) -> bool:
    """The declared total is what the scores add up to once the score findings' expected scores
    (any of their alternatives, anywhere in their bands) are put in place: the scores are wrong,
    not the total, and total-mismatch has nothing to add."""
    cells = score_cells(form)
    choices: dict[tuple[str, str], tuple[list[Decimal], tuple[Decimal, Decimal] | None]] = {}
    for finding in findings:
        if finding.rule not in SCORE_RULES or finding.expected_of != "score":
            continue
        values = [Decimal(finding.expected)] if finding.expected is not None else []
        values += [Decimal(value) for _, value in finding.alternatives if value is not None]
        band = (tuple(Decimal(v) for v in finding.expected_range)  # type: ignore[misc]
                if finding.expected_range is not None else None)
        if not values and band is None:
            return False
        choices[(finding.sheet or "", finding.cell or "")] = (values, band)
    if not choices:
        return False
    base = Decimal(0)
    exact: list[list[Decimal]] = []
    low = high = Decimal(0)
    for _, ref, value in cells:
        key = (ref.sheet, ref.a1) if ref is not None else None
        if key in choices:
            values, band = choices.pop(key)
            if band is not None:
                low, high = low + band[0], high + band[1]
            else:
                exact.append(values)
        elif value is None:
            return False
        else:
            base += value
    if choices:
        return False            # a finding on a cell the total does not add
    sums = {Decimal(0)}
    for values in exact:
        sums = {done + value for done in sums for value in values}
        if len(sums) > 256:
            return False
    need = round_half_up(declared) - base
    return any(low <= need - done <= high if (low, high) != (0, 0) else round_half_up(done) == need
               for done in sums)


def grade_for(form: ProjectForm, total: Decimal | None) -> str | None:
    """The grade ``total`` earns under the edition's first bands (优 ≥ 90, 良 ≥ 80, 中 ≥ 60, 差)."""
    if total is None:
        return None
    return _band(policy(form).grades[0], total)


def grades_accepted(form: ProjectForm, total: Decimal) -> list[str]:
    """The grade ``total`` earns under each set of bands the edition accepts."""
    return [_band(bands, total) for bands in policy(form).grades]


def _band(bands: tuple[tuple[str, Decimal], ...], total: Decimal) -> str:
    for name, low in bands:
        if total >= low:
            return name
    return bands[-1][0]


def grading_total(form: ProjectForm) -> Decimal | None:
    """The total a grade is judged on: the recomputed one, else the declared one."""
    total = recomputed_total(form)
    return total if total is not None else number(form.total)


def totals(form: ProjectForm, findings: Iterable[Finding]) -> Totals | None:
    """总分 declared, recomputed and corrected; None where the form prints no 总分 row."""
    if form.total.ref is None:
        return None
    return Totals(declared=number(form.total), recomputed=recomputed_total(form),
                  corrected=corrected_total(form, findings))


def grades(form: ProjectForm, findings: Iterable[Finding]) -> Grades | None:
    """评价等级 declared, computed and corrected; None where the edition prints no grade."""
    if form.grade.ref is None:
        return None
    declared = form.grade.text or None
    return Grades(declared=declared, computed=grade_for(form, grading_total(form)),
                  corrected=grade_for(form, corrected_total(form, findings)))


# ------------------------------------------------------------------------------------------
# Read coverage


def _points_of_rows(form: ProjectForm, rows: list[IndicatorRow]) -> Decimal | None:
    """Σ 分值 of ``rows``; a row that prints no 分值 counts through the outermost group with
    printed points that holds it (Hubei's 年度绩效目标1(40分)), once per group."""
    total: Decimal | None = None
    counted: set[int] = set()
    for row in rows:
        weight = indicator_weight(row)
        if weight is None:
            holders = [group for group in form.groups if any(r is row for r in group.rows)
                       and number(group.weight) is not None]
            if not holders:
                continue
            group = min(holders, key=lambda g: g.level)
            if id(group) in counted:
                continue
            counted.add(id(group))
            weight = number(group.weight)
        total = (total or Decimal(0)) + weight
    return total


def coverage(form: ProjectForm):
    """How much of the form was read: indicator rows read and judged, points read (Σ 分值 of the
    rows read plus the funds block's) against the declared total, and what was seen and not read.
    Worked out once a form (form-partly-read judges it, the result shows it)."""
    return once(form, "coverage", lambda: _coverage(form))


def _coverage(form: ProjectForm):
    from evaluator.families.base import Coverage

    rows = [row for row in form.indicators if not _blank_row(row)]
    # Judged: a score that is a number, against a 分值 (the row's, or the edition prints none and
    # the row counts through its group's points, as Hubei's), for an outcome that could be told
    # (a 完成值 whose meaning is not certain leaves its score unjudged, and said here).
    judged = [row for row in scored_indicators(form) if not _blank_row(row) and number(row.score) is not None
              and (indicator_weight(row) is not None or not form.edition.indicators.weights_printed)
              and judgement(row) is not None]
    funds = form.funds_total
    funds_points = funds_weight(funds, form) if funds is not None else None
    if funds_points is None and funds is not None and funds.score.ref is not None and funds.weight.ref is None:
        funds_points = form.edition.funds.weight    # no 分值 column: the edition's points for the block
    declared = number(form.total_weight)
    total = declared if declared is not None and declared > 0 else form.edition.total_weight

    def read(rows: list[IndicatorRow]) -> Decimal | None:
        points = _points_of_rows(form, rows)
        if funds_points is not None:
            points = (points or Decimal(0)) + funds_points
        return points

    points = read(rows)
    if points != total:   # rows that do not apply may keep their 分值 or give it up (rescaled)
        applicable = read([row for row in rows if not not_applicable(row)])
        if applicable == total:
            points = applicable
    not_read = list(form.not_read)
    if form.cut_off and (points is None or total - points > POINTS_ROUNDING):
        last = form.indicators[-1].name.ref
        where = f"{last.sheet}!{last.a1} 之后" if last is not None else form.sheet
        not_read.append({"where": where, "why": "指标表到工作表末尾中断，没有总分行，其后的指标未读取"})
    return Coverage(indicators_read=len(rows), indicators_judged=len(judged), points_read=points,
                    points_total=total, not_read=not_read)


