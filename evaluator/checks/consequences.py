"""Every consequence of a wrong figure, in the same report: 随之应为.

A wrong score makes the 总分 wrong once it is corrected; a corrected total may move the grade; a
corrected 分值 may leave a score above it; a corrected budget figure may break the identity on the
next line. Without this, an accountant who writes every expected value from one report meets new
errors in the next round.

:func:`with_consequences` finds them the way the next round would: it puts every error's expected
value in place in the form's model (:func:`substitute`), runs the family's rules again, and repeats
until nothing new appears (at most :data:`ROUNDS` times). A finding that appears only after the
corrections is reported now, with the rule that would fire next round, at its own cell, with the
value it must become, and with ``consequence_of`` naming the finding it follows from (the first
error whose corrections alone make it appear). A finding that was already there but whose expected
value changes once the other corrections are in place (a total that was wrong anyway) takes the
later value; one that turns out to ask for the value already written is dropped (the score was
wrong, not the total).

Only the model is changed, never the workbook; the rules stay pure and know nothing of this.
"""

from __future__ import annotations

import dataclasses
import logging
import re
from decimal import Decimal, InvalidOperation
from typing import Any, Callable, Iterable

from evaluator.findings import Finding, Severity
from evaluator.values.cell import Value
from evaluator.values.numbers import parse_number
from evaluator.values.patterns import lazy

log = logging.getLogger("evaluator")

#: How many times the rules run again at most (score → total → grade needs three).
ROUNDS = 4

Key = tuple[str, str]          # (sheet, A1)


def applicable(finding: Finding) -> bool:
    """An error that says what its cell must hold: it can be put in place."""
    return (finding.severity == Severity.ERROR and finding.expected is not None and finding.sheet is not None
            and finding.cell is not None and finding.expected_of != "text")


def _decimal(text: object) -> Decimal | None:
    try:
        return Decimal(str(text).replace(",", "").strip())
    except (InvalidOperation, ValueError):
        return None


_FIGURE = r"(?<![0-9.]){}(?![0-9])"


def replace_figure(text: str, old: str, new: str) -> str | None:
    """``text`` with the one figure ``old`` replaced by ``new``; None when ``old`` is not written
    exactly once (the rest of the text is kept as written)."""
    pattern = re.compile(_FIGURE.format(re.escape(old)))
    if len(pattern.findall(text)) != 1:
        return None
    return pattern.sub(lambda _: new, text, count=1)


_LAST_NUMBER = lazy(r"(-?[0-9][0-9,]*(?:\.[0-9]+)?)\s*(%?)\s*$")


def figure_in_text(finding: Finding) -> bool:
    """A text whose own arithmetic is wrong: the finding's arithmetic ends in its expected value
    and the text writes another (``92.31%*5=4.65`` for 4.62). Where the text's sum holds but
    another figure disagrees with it (``10-1.5=8.5`` beside a score of 9.2), which figure of the
    text is wrong is the author's to say: nothing is replaced."""
    if finding.actual is None or finding.expected is None or _same(finding.actual, finding.expected):
        return False
    found = _LAST_NUMBER.search(finding.arithmetic or "")
    if found is None:
        return False
    last = _decimal(found.group(1))
    if last is not None and found.group(2):
        last = last / 100
    return last is not None and last == _decimal(finding.expected)


def _is_prose(raw: Any) -> bool:
    """A text that is not a number as the readers read one (４．６２ and 4.62分 are numbers)."""
    return isinstance(raw, str) and parse_number(raw, percent_as_fraction=False) is None


def new_raw(finding: Finding, raw: Any) -> Any:
    """What the cell holding ``raw`` holds once ``finding``'s expected value is in place; None when
    it cannot be said (a figure that is not written exactly once in a text)."""
    expected = finding.expected
    if finding.expected_of == "grade":
        return expected
    if _is_prose(raw) and finding.expected_of != "rate":
        if not figure_in_text(finding):
            return None
        return replace_figure(raw, finding.actual or "", expected)
    if finding.expected_of == "rate":
        return expected
    number = _decimal(expected)
    return number if number is not None else expected


def substitute(model: Any, fixes: dict[Key, Finding]) -> Any:
    """A copy of a family's parsed form with every fixed cell's value replaced (objects that hold no
    fixed cell are shared, not copied; objects shared in the model stay shared in the copy).

    A :class:`Value` at a fixed cell takes the finding's expected value; a list of grade boxes
    (objects with ``name``, ``ticked`` and ``ref``) of which one sits on a fixed cell ticks only the
    expected grade."""
    memo: dict[int, Any] = {}

    def key(ref: Any) -> Key | None:
        return (ref.sheet, ref.a1) if ref is not None else None

    def walk(obj: Any) -> Any:
        if id(obj) in memo:
            return memo[id(obj)]
        new = obj
        if isinstance(obj, Value):
            finding = fixes.get(key(obj.ref))
            if finding is not None:
                raw = new_raw(finding, obj.raw)
                if raw is not None:
                    new = Value(raw=raw, ref=obj.ref)
        elif isinstance(obj, list):
            boxes = [item for item in obj if _is_box(item)]
            grade = next((fixes[key(item.ref)] for item in boxes if key(item.ref) in fixes
                          and fixes[key(item.ref)].expected_of == "grade"), None)
            if grade is not None and len(boxes) == len(obj):
                new = [dataclasses.replace(item, ticked=item.name == grade.expected) for item in obj]
            else:
                items = [walk(item) for item in obj]
                if any(a is not b for a, b in zip(items, obj)):
                    new = items
        elif isinstance(obj, dict):
            items = {name: walk(item) for name, item in obj.items()}
            if any(items[name] is not obj[name] for name in obj):
                new = items
        elif dataclasses.is_dataclass(obj) and not isinstance(obj, type) and _is_model(obj):
            changed = {}
            for field in dataclasses.fields(obj):
                old = getattr(obj, field.name)
                value = walk(old)
                if value is not old:
                    changed[field.name] = value
            if changed:
                new = dataclasses.replace(obj, **changed) if field_init_all(obj) else _copy_with(obj, changed)
        memo[id(obj)] = new
        return new

    return walk(model)


def _is_box(obj: Any) -> bool:
    return dataclasses.is_dataclass(obj) and all(hasattr(obj, name) for name in ("name", "ticked", "ref"))


def _is_model(obj: Any) -> bool:
    return type(obj).__module__.startswith("evaluator.families.")


def field_init_all(obj: Any) -> bool:
    return all(field.init for field in dataclasses.fields(obj))


def _copy_with(obj: Any, changed: dict[str, Any]) -> Any:
    import copy

    new = copy.copy(obj)
    for name, value in changed.items():
        object.__setattr__(new, name, value)
    return new


def _full_marks(finding: Finding) -> Finding:
    """A score that now exceeds a corrected 分值 must become the new full marks: a band's top is the
    value it takes (a score out of range found on its own gives only the band)."""
    if finding.expected is not None or finding.expected_range is None or finding.expected_of != "score":
        return finding
    low, high, actual = (_decimal(finding.expected_range[0]), _decimal(finding.expected_range[1]),
                         _decimal(finding.actual))
    if actual is None or high is None or low is None or low <= actual <= high:
        return finding
    return dataclasses.replace(finding, expected=finding.expected_range[1] if actual > high else finding.expected_range[0])


def _where(finding: Finding) -> tuple[str, str, str]:
    return (finding.rule, finding.sheet or "", finding.cell or "")


def _cell(finding: Finding) -> Key:
    return (finding.sheet or "", finding.cell or "")


def _same(a: str | None, b: str | None) -> bool:
    if a == b:
        return True
    x, y = _decimal(str(a).rstrip("%％")) if a else None, _decimal(str(b).rstrip("%％")) if b else None
    return x is not None and x == y


Where = tuple[str, str, str, int]   # (rule, sheet, A1, n): the n-th finding of one rule on one cell


def _numbered(findings: Iterable[Finding]) -> list[tuple[Where, Finding]]:
    """Each finding with its key: a rule may say two things about one cell (a text with two sums)."""
    seen: dict[tuple[str, str, str], int] = {}
    result = []
    for finding in findings:
        where = _where(finding)
        seen[where] = seen.get(where, -1) + 1
        result.append(((*where, seen[where]), finding))
    return result


def with_consequences(model: Any, findings: list[Finding],
                      run: Callable[[Any], Iterable[Finding]]) -> list[Finding]:
    """``findings`` (of ``run(model)``) with the consequences of their corrections (see the module
    docstring), in the order of the sheet. Should a form's model resist the corrections, the
    findings are reported as they are: a consequence is never a reason to lose the check."""
    if not any(applicable(finding) for finding in findings):
        return findings
    try:
        return _with_consequences(model, findings, run)
    except Exception as exc:  # noqa: BLE001 - the findings of the form stand without their consequences
        log.debug("随之应为：未能推算（%s: %s）", type(exc).__name__, exc)
        return findings


def _with_consequences(model: Any, findings: list[Finding],
                       run: Callable[[Any], Iterable[Finding]]) -> list[Finding]:
    report: dict[Where, Finding] = dict(_numbered(findings))
    original = set(report)
    fixes: dict[Key, Finding] = {}
    root: dict[Key, Finding] = {}
    owner: dict[Key, Where] = {}
    for where, finding in report.items():
        if applicable(finding) and _cell(finding) not in fixes:
            fixes[_cell(finding)] = root[_cell(finding)] = finding
            owner[_cell(finding)] = where
    for _ in range(ROUNDS):
        changed = False
        for where, finding in _numbered(run(substitute(model, fixes))):
            if finding.severity != Severity.ERROR:
                continue            # a warning that may follow is the next round's to say
            cell = _cell(finding)
            if where in report:
                if (applicable(finding) and owner.get(cell) == where
                        and not _same(fixes[cell].expected, finding.expected)):
                    # the same finding asks for another value once the other corrections are in place
                    updated = dataclasses.replace(
                        report[where], expected=finding.expected, arithmetic=finding.arithmetic,
                        message=finding.message, alternatives=finding.alternatives,
                        expected_range=finding.expected_range)
                    report[where] = fixes[cell] = updated
                    changed = True
                continue
            if cell in fixes:
                continue            # another finding already says what this cell must hold
            finding = _full_marks(finding)
            report[where] = finding
            if applicable(finding):
                fixes[cell], owner[cell] = finding, where
                changed = True
        if not changed:
            break
    roots = list(dict.fromkeys(_cell(f) for f in root.values()))
    seen: dict[Key, set[Where]] = {}
    for where in [w for w in report if w not in original]:
        source = _source(model, run, where, roots, root, fixes, report[where], seen) if len(roots) > 1 else roots[0]
        cause = root[source]
        report[where] = dataclasses.replace(report[where], consequence_of=_where(cause))
    result = []
    for where, finding in report.items():
        if where in original and applicable(finding) and _same(finding.expected, finding.actual):
            continue        # asks for what is written: it only followed another cell's error
        result.append(finding)
    return sorted(result, key=lambda finding: finding.sort_key)


def _source(model: Any, run: Callable[[Any], Iterable[Finding]], where: Where,
            roots: list[Key], root: dict[Key, Finding], fixes: dict[Key, Finding], finding: Finding,
            seen: dict[Key, set[Where]]) -> Key:
    """The first error whose corrections alone (with their own consequences) make ``where`` appear;
    where it takes several together, the first of them among the cells the finding names.
    ``seen`` keeps, per error, what its corrections alone make appear (computed once)."""
    for cell in roots:
        if cell not in seen:
            seen[cell] = _alone(model, run, cell, root, fixes)
        if where in seen[cell]:
            return cell
    named = {(sheet, cell) for sheet, cell in finding.related}
    return next((cell for cell in roots if cell in named), roots[0])


def _alone(model: Any, run: Callable[[Any], Iterable[Finding]], cell: Key, root: dict[Key, Finding],
           fixes: dict[Key, Finding]) -> set[Where]:
    """Every finding that appears once ``cell``'s correction and the corrections that follow it are
    in place, without the other errors' corrections."""
    alone: dict[Key, Finding] = {cell: fixes.get(cell, root[cell])}
    appeared: set[Where] = set()
    for _ in range(ROUNDS):
        found = dict(_numbered(run(substitute(model, alone))))
        appeared |= set(found)
        grown = False
        for other in found.values():
            key = _cell(other)
            if applicable(other) and key not in alone and key in fixes and key not in root:
                alone[key] = fixes[key]
                grown = True
        if not grown:
            break
    return appeared
