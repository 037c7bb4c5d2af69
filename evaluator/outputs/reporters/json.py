"""The machine-readable contract: ``{"files": [...], "summary": {...}}``, numbers as decimal strings.

One entry per form (a workbook with two forms gives two entries with the same path); an unreadable
file or one without a form gives one entry. :func:`report` builds this data once; every reporter
(text, JSON, HTML, the summary workbook) formats the same data and computes nothing.

An entry reused from an earlier run (its file, catalog and tool version unchanged) has the status
``unchanged`` and keeps what it was then as ``previous_status``; the summary counts it by that.

Contract 3: the top-level ``skipped`` lists what a run found and deliberately did not read (a link
out of the folder, a named pipe), ``{"path", "reason"}`` each, counted in ``summary.skipped`` and
never in ``files``. Contract 4: each entry has ``coverage`` (how much of the form's indicator
table was read: ``{indicators_read, indicators_judged, points_read, points_total, not_read}``,
null for a file without a form). Entries may carry ``not_annotated`` (why there is no annotated copy: no form, or
unreadable), ``dropped_as`` (the hot folder's inbox path of a file checked from its archive) and
``replaced`` (``{sha256, checked_at}`` of the earlier result a file of the same name replaced).

Contract 4: every text is valid UTF-8. A file whose name is not UTF-8 (GBK bytes from a zip made on
Chinese Windows) has ``path`` (and ``dropped_as``) shown decoded as GBK, or with ``\\xNN`` escapes
where that fails, and says which in ``path_encoding`` (``"gbk"`` or ``"escaped"``; absent for UTF-8).
No text holds a bidirectional control character (U+202E RIGHT-TO-LEFT OVERRIDE and the like): they
are removed, so a file name or a unit reads in its real order.

Contract 4 (docs/round-trip.md): every finding carries ``consequence_of`` (``{rule, sheet, cell}`` of
the error it follows from, or null), ``since_last`` (``new``/``still`` against the last round of the
same form, or null) and ``reviewed`` (``{note, by, at}``, or null); every entry carries
``since_last`` (``{at, path, fixed, new, still}``, ``{ambiguous, note}`` or null) and
``corrected_copy`` (the ``--fix`` copy, or null).

Contract 4: every file of a folder is answered. The top-level ``others`` lists the files that are
not spreadsheets (a PDF, a Word document, a CSV, an image), ``{"path", "reason"}`` each, the reason
``不是表格文件（PDF 文档），未检查``. The summary counts them apart: ``files`` is the number of
workbooks (a workbook with two forms counts once), ``forms`` the forms found in them, ``no_form``
the workbooks read without a form, ``others`` the files that are not spreadsheets. ``ok``,
``with_errors``, ``with_warnings`` and ``only_info`` count forms only.
"""

from __future__ import annotations

from typing import Any, Iterable, TextIO

from evaluator.families.base import CheckedForm
from evaluator.runner.engine import FileResult
from evaluator.findings import Severity
from evaluator.outputs.inert import neutralised, shown_path
from evaluator.values.numbers import fmt


def _number(value) -> str | None:
    return fmt(value) if value is not None else None


def _totals(form: CheckedForm) -> dict[str, Any] | None:
    if form.total is None:
        return None
    return {"declared": _number(form.total.declared), "recomputed": _number(form.total.recomputed),
            "corrected": _number(form.total.corrected)}


def _grades(form: CheckedForm) -> dict[str, Any] | None:
    if form.grade is None:
        return None
    return {"declared": form.grade.declared, "computed": form.grade.computed, "corrected": form.grade.corrected}


def form_entry(result: FileResult, form: CheckedForm | None) -> dict[str, Any]:
    findings = result.findings if form is None else form.findings
    status = result.status if form is None or result.status in ("unreadable", "unchanged") else (
        "findings" if form.findings else "ok")
    entry: dict[str, Any] = {
        "path": result.display,
        "status": status,
        "family": None,
        "edition": None,
        "form": None,
        "sheet": None,
        "department": None,
        "year": None,
        "facts": {},
        "total": None,
        "grade": None,
        "coverage": None,
        "findings": [{**finding.to_dict(), "since_last": None, "reviewed": None} for finding in findings],
        "counts": {severity.value: sum(1 for f in findings if f.severity == severity) for severity in Severity},
        "annotated": result.annotated,
        "corrected_copy": result.corrected_copy,
        "since_last": None,
    }
    how = shown_path(str(result.path))[1]
    if how is not None:   # a name that is not UTF-8: shown decoded as GBK, or escaped
        entry["path_encoding"] = how
    if form is not None and form.family is not None:
        entry.update(
            family=form.family,
            edition=form.edition,
            form=form.title,
            sheet=form.sheet,
            department=form.department,
            year=form.year,
            facts=form.facts,
            total=_totals(form),
            grade=_grades(form),
            coverage=form.coverage.to_dict() if form.coverage is not None else None,
        )
    return entry


def entries(results: Iterable[FileResult]) -> list[dict[str, Any]]:
    rows = []
    for result in results:
        if result.forms:
            rows.extend(form_entry(result, form) for form in result.forms)
        else:
            rows.append(form_entry(result, None))
    return rows


def effective_status(row: dict[str, Any]) -> str:
    """What the file is: ok, findings or unreadable, also when its entry was reused unchanged."""
    if row["status"] == "unchanged":
        return row.get("previous_status") or "findings"
    return row["status"]


def is_form(row: dict[str, Any]) -> bool:
    """Whether an entry is a form (rather than a workbook without one, or one that cannot be read)."""
    return bool(row.get("family") or row.get("form")) and effective_status(row) != "unreadable"


def summary(rows: list[dict[str, Any]], skipped: list[dict[str, str]] | None = None,
            others: list[dict[str, str]] | None = None) -> dict[str, int]:
    forms = [row for row in rows if is_form(row)]
    return {
        # Workbooks read or tried (a workbook with two forms once); the forms found in them apart.
        "files": len({row["path"] for row in rows}),
        "forms": len(forms),
        "ok": sum(1 for row in forms if effective_status(row) == "ok"),
        "with_errors": sum(1 for row in forms if row["counts"]["error"]),
        "with_warnings": sum(1 for row in forms if row["counts"]["warning"]),
        # Forms with notes only (e.g. a formula that could not be evaluated): not flagged, not passed.
        "only_info": sum(1 for row in forms if row["counts"]["info"] and not row["counts"]["error"]
                         and not row["counts"]["warning"]),
        "unreadable": sum(1 for row in rows if effective_status(row) == "unreadable"),
        # Workbooks read in which no form was found.
        "no_form": sum(1 for row in rows if not is_form(row) and effective_status(row) != "unreadable"),
        "unchanged": sum(1 for row in rows if row["status"] == "unchanged"),
        # Paths found and deliberately not read (a link out of the folder, a pipe): not in "files".
        "skipped": len(skipped or []),
        # Files that are not spreadsheets (a PDF, a Word document, a CSV): not in "files" either.
        "others": len(others or []),
    }


#: The version of this contract; bumped with every change to it (docs/json-contract.md keeps the changelog).
CONTRACT = 4


def assemble(rows: list[dict[str, Any]], skipped: list[dict[str, str]] | None = None,
             others: list[dict[str, str]] | None = None) -> dict[str, Any]:
    """The report of a run from its entries, in the order given, the paths it did not read
    (``skipped``: ``{"path", "reason"}`` each) and the files that are not spreadsheets (``others``)."""
    # No bidi override is shown anywhere.
    rows, skipped, others = neutralised(rows), neutralised(list(skipped or [])), neutralised(list(others or []))
    return {"contract": CONTRACT, "files": rows, "skipped": skipped, "others": others,
            "summary": summary(rows, skipped, others)}


def report(results: Iterable[FileResult]) -> dict[str, Any]:
    return assemble(entries(results))


def render(data: dict[str, Any], stream: TextIO, base: str | None = None) -> None:
    import json   # here, not at the top: the text report, printed by default, does not need it

    json.dump(data, stream, ensure_ascii=False, indent=2)
    stream.write("\n")
