"""Rounds: what changed since the last check of the same form.

The output folder keeps ``.evaluator-history.json``: for every form identity (family, unit,
project, year — not the file name, so ``更正-X.xlsx`` follows ``X.xlsx``), its last rounds, each
the findings of every form of that identity checked in that run. Each newly checked entry is
compared with the last round of its identity:

- ``entry["since_last"]``: ``{"at", "path", "fixed": [finding, …], "new", "still"}``, where
  ``fixed`` are the full findings of the last round that are gone, and ``new``/``still`` count the
  findings that are new or still there; ``ambiguous: true`` (and ``note``) when several forms of
  one identity were checked in a round and the file name does not say which is which;
- each finding's ``since_last``: ``"new"`` or ``"still"`` (a finding is the same when its rule,
  sheet and cell are).

An entry with no earlier round has ``since_last: null``. An entry reused unchanged keeps what it
said when it was checked. The history is written atomically, with its last good copy kept
(:mod:`evaluator.runner.statefile`).
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path, PurePath
from typing import Any, NamedTuple

from evaluator.runner import statefile

HISTORY_NAME = ".evaluator-history.json"
FORMAT = 1
KEEP_ROUNDS = 10
WHAT = "历史记录"


def identity(entry: dict[str, Any]) -> str | None:
    """``family|unit|project|year`` of an entry; None for a file with no form."""
    family = entry.get("family")
    if not family:
        return None
    facts = entry.get("facts") or {}
    unit = facts.get("unit") or entry.get("department") or ""
    project = facts.get("project_name") or ""
    year = entry.get("year") or ""
    return "|".join(str(part).strip() for part in (family, unit, project, year))


def finding_key(finding: dict[str, Any]) -> tuple[str, str, str]:
    return (finding.get("rule") or "", finding.get("sheet") or "", finding.get("cell") or "")


def _name(path: str) -> str:
    return PurePath(path).name


def _valid(data: Any) -> bool:
    return isinstance(data, dict) and data.get("format") == FORMAT and isinstance(data.get("forms"), dict)


class History:
    """The rounds of one output folder (see the module docstring)."""

    def __init__(self, folder: Path, forms: dict[str, list[dict[str, Any]]] | None = None) -> None:
        self.folder = folder
        self.forms = forms or {}

    @property
    def path(self) -> Path:
        return self.folder / HISTORY_NAME

    @classmethod
    def load(cls, folder: Path) -> "History":
        data = statefile.load_json(folder / HISTORY_NAME, WHAT, _valid)
        forms = {}
        if data is not None:
            forms = {key: rounds for key, rounds in data["forms"].items() if isinstance(rounds, list)}
        return cls(folder, forms)

    def save(self) -> None:
        statefile.save_json(self.path, {"format": FORMAT, "forms": self.forms})

    def last_round(self, key: str) -> dict[str, Any] | None:
        rounds = self.forms.get(key) or []
        last = rounds[-1] if rounds else None
        return last if isinstance(last, dict) and isinstance(last.get("forms"), list) else None

    def compare(self, entries: list[dict[str, Any]]) -> None:
        """Mark every newly checked entry against the last round of its identity, then record this
        round (entries reused unchanged are neither compared again nor recorded)."""
        groups: dict[str, list[dict[str, Any]]] = {}
        for entry in entries:
            if entry.get("status") == "unchanged":
                continue
            key = identity(entry)
            if key is None:
                continue
            groups.setdefault(key, []).append(entry)
        now = datetime.now().astimezone().isoformat(timespec="seconds")
        for key, group in groups.items():
            rounds = [one for one in self.forms.get(key) or [] if isinstance(one, dict)
                      and isinstance(one.get("forms"), list)]
            for entry, previous, note in _match(group, rounds):
                _mark(entry, previous, previous.get("at") if previous else None, note)
            self.forms.setdefault(key, []).append({
                "at": now,
                "forms": [{"path": entry["path"], "sheet": entry.get("sheet"),
                           "findings": [_stored(f) for f in entry.get("findings") or []]} for entry in group],
            })
            del self.forms[key][:-KEEP_ROUNDS]


def _stored(finding: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in finding.items() if key not in ("since_last", "reviewed")}


def _match(group: list[dict[str, Any]], rounds: list[dict[str, Any]]):
    """Pairs each entry of this round with the form it follows: the last form checked under the
    same file name (and sheet) in the kept rounds; else, for the only entry of its identity, the
    only form of the last round; ambiguous otherwise (several forms of one identity, and the file
    name does not say which is which)."""
    latest = rounds[-1]["forms"] if rounds else []
    by_name: dict[tuple[str, Any], dict[str, Any]] = {}
    for one in rounds:
        for form in one.get("forms") or []:
            if isinstance(form, dict):
                form = {**form, "at": one.get("at")}
                by_name[(_name(form.get("path") or ""), form.get("sheet"))] = form
                by_name[(_name(form.get("path") or ""), None)] = form
    for entry in group:
        name = _name(entry["path"])
        same = by_name.get((name, entry.get("sheet"))) or by_name.get((name, None))
        if same is not None:
            yield entry, same, None
        elif not latest:
            yield entry, None, None
        elif len(group) == 1 and len(latest) == 1:
            yield entry, {**latest[0], "at": rounds[-1].get("at")}, None
        else:
            names = "、".join(sorted({_name(form.get("path") or "") for form in latest}))
            yield entry, None, (f"上一轮有 {len(latest)} 份同一单位、项目、年度的表（{names}），"
                                f"本轮有 {len(group)} 份，按文件名无法确定与哪一份对比")


def _mark(entry: dict[str, Any], previous: dict[str, Any] | None, at: str | None, note: str | None) -> None:
    findings = entry.get("findings") or []
    if previous is None:
        entry["since_last"] = {"ambiguous": True, "note": note} if note else None
        return
    before = {finding_key(f): f for f in previous.get("findings") or [] if isinstance(f, dict)}
    now = {finding_key(f) for f in findings}
    for finding in findings:
        finding["since_last"] = "still" if finding_key(finding) in before else "new"
    entry["since_last"] = {
        "at": at,
        "path": previous.get("path"),
        "fixed": [finding for key, finding in before.items() if key not in now],
        "new": sum(1 for f in findings if f["since_last"] == "new"),
        "still": sum(1 for f in findings if f["since_last"] == "still"),
    }


def take_in(folder: Path) -> tuple | None:
    """Before the workers of a run over ``folder`` start: the notes typed in its summary.xlsx moved
    into reviewed.csv, for the annotated copies to show them (:meth:`evaluator.runner.reviews.Reviews.take_in`).
    Returns what was read, for :func:`follow_up`; None when there is no summary.xlsx."""
    from evaluator.runner.reviews import Reviews

    return Reviews.take_in(folder)


def follow_up(entries: list[dict[str, Any]], folder: Path, seen: tuple | None = None) -> tuple | None:
    """What a run over ``folder`` adds to its entries: each against the last round of its form
    (recorded), and the reviews of reviewed.csv and summary.xlsx (see :mod:`evaluator.runner.reviews`;
    ``seen``: what :func:`take_in` read, not read again while summary.xlsx is unchanged). Returns
    what was read of summary.xlsx, for :func:`review_only`.
    Never raises for a broken history or review file: that is said, and the run goes on."""
    from evaluator.runner.reviews import Reviews

    history = History.load(folder)
    history.compare(entries)
    history.save()
    reviews = Reviews.load(folder, seen)
    reviews.apply(entries)
    reviews.save()
    return reviews.seen


def review_only(entries: list[dict[str, Any]], folder: Path, seen: tuple | None = None) -> None:
    """The reviews alone, on entries read back from the manifest (a report of the whole folder);
    ``seen`` as for :func:`follow_up`."""
    from evaluator.runner.reviews import Reviews

    Reviews.load(folder, seen).apply(entries)


_PREVIEW: dict[Path, tuple[float, dict[str, Any]]] = {}


class Shown(NamedTuple):
    """What an annotated copy's 校验结果 says of the rounds and reviews: the lines of the last round
    (one per form that has one), each finding's 本轮变化 by (rule, sheet, cell), and the digest of
    the reviews it shows (:func:`evaluator.runner.reviews.shown_digest`, None: none)."""

    lines: list[str]
    marks: dict[tuple[str, str, str], str]
    reviews: str | None


def preview_lines(entries: list[dict[str, Any]], folder: Path) -> list[str]:
    """What the annotated copy's 校验结果 says of the last round (see :func:`preview`): its lines."""
    return preview(entries, folder).lines


def _history_forms(folder: Path) -> dict[str, Any]:
    """The rounds of the output folder's history by identity, read once per change of the file;
    none when it cannot be read (nothing is said: the end of the run says it)."""
    import json

    path = folder / HISTORY_NAME
    try:
        stamp = path.stat().st_mtime
        if path not in _PREVIEW or _PREVIEW[path][0] != stamp:
            data = json.loads(path.read_text("utf-8"))
            _PREVIEW[path] = (stamp, data["forms"] if _valid(data) else {})
        return _PREVIEW[path][1]
    except (OSError, ValueError, KeyError):
        return {}


def _copy(entry: dict[str, Any]) -> dict[str, Any]:
    return {**entry, "findings": [dict(f) for f in entry.get("findings") or []]}


def preview(entries: list[dict[str, Any]], folder: Path) -> Shown:
    """What the annotated copy's 校验结果 says of the last round, for entries not yet compared (in
    a worker, before the run records its round): one line per form that has an earlier round, and
    each finding's 本轮变化 (本轮新出现 / 上轮已有，仍未更正, with 已核实 … when reviewed.csv holds a
    review of it: the notes typed in summary.xlsx are there since :func:`take_in`) by (rule, sheet, cell). Reads the history and the reviews without changing them,
    and says nothing when they cannot be read."""
    forms = _history_forms(folder)
    copies = []
    for entry in entries:
        key = identity(entry)
        if key is None:
            continue
        rounds = [one for one in forms.get(key) or [] if isinstance(one, dict) and isinstance(one.get("forms"), list)]
        copy = _copy(entry)
        if rounds:
            for marked, previous, note in _match([copy], rounds):
                _mark(marked, previous, previous.get("at") if previous else None, note)
        copies.append(copy)
    return _shown(copies, folder)


def replay(entries: list[dict[str, Any]], folder: Path) -> Shown:
    """What the annotated copy's 校验结果 says of entries compared when they were checked (the
    manifest's, of a file checked again only for its copy to show the reviews changed since): their
    own comparison with the last round, as the reports show it — not one with the file itself —
    and the reviews reviewed.csv holds now."""
    return _shown([_copy(entry) for entry in entries if identity(entry) is not None], folder)


def _shown(copies: list[dict[str, Any]], folder: Path) -> Shown:
    """The lines and marks of entries (copies) that carry their comparison (``since_last``), with
    the reviews of reviewed.csv put on their findings."""
    from evaluator.outputs.reporters.common import SINCE_LAST_LABELS, reviewed_text, round_line, rule_label
    from evaluator.runner.reviews import Reviews, shown_digest

    lines: list[str] = []
    marks: dict[tuple[str, str, str], str] = {}
    for copy in copies:
        line = round_line(copy)
        if line:
            fixed = (copy.get("since_last") or {}).get("fixed") or []
            if fixed:
                line += "：" + "、".join(f"{f.get('cell')} {rule_label(f.get('rule') or '')}" for f in fixed)
            lines.append(line)
    try:
        Reviews.peek(folder).apply(copies)
    except Exception:  # noqa: BLE001 - a column of the copy, never a reason to fail the file
        for copy in copies:
            for finding in copy["findings"]:
                finding["reviewed"] = None      # the copy shows none, and its digest says so
    for copy in copies:
        for finding in copy["findings"]:
            said = [SINCE_LAST_LABELS.get(finding.get("since_last") or ""), reviewed_text(finding)]
            if any(said):
                marks[finding_key(finding)] = "；".join(part for part in said if part)
    return Shown(lines, marks, shown_digest(copies))
