"""The Python API: ``evaluator.check(*paths, **options)`` for notebooks and scripts.

    import evaluator

    report = evaluator.check("sample_workbooks/planted-rate-score.xlsx")
    report.summary["with_errors"]                # 1
    frame = report.findings_frame()              # pandas: one row per finding
    frame.loc[0, ["rule", "severity", "cell", "expected", "actual"]].tolist()
    # ['rate-score', 'error', 'G13', Decimal('4.62'), Decimal('4.52')]
    report.forms[0].total                        # Totals(declared=Decimal('94.21'), …)
    report.write("out")                          # annotated copies, summary.xlsx, report.html, report.json

:func:`check` finds the workbooks under the paths exactly as ``evaluator check`` does (a folder is a
boundary, files that are not spreadsheets are answered in ``others``), checks each and returns a
:class:`Report`. The command line is a thin layer over it: ``evaluator check`` calls
:func:`check` and prints :attr:`Report.data` with the reporter chosen by ``--format``.

* By default (``jobs=1``, no ``out``) every file is checked in this process, and
  :attr:`Report.forms` holds the :class:`~evaluator.families.base.CheckedForm` objects themselves.
* With ``jobs=N`` the files are checked on N worker processes (each with the per-file time limit
  ``timeout``); with ``out=DIR`` the whole batch of ``evaluator check --out DIR`` runs (the folder's
  lock, the manifest that skips unchanged files, annotated copies, the three reports). The report
  data are the same; :attr:`Report.forms` then checks the files again in this process on first use.

Numbers: :attr:`Report.data` is the JSON contract (decimal strings). The frames hold money, scores
and rates as :class:`decimal.Decimal` (exact, as the checks computed them; object columns) unless
``numbers="float"`` is given, which gives float64 columns for plotting and statistics.

Nothing heavy is imported before it is needed: ``import evaluator`` loads only this package's
entry point; pandas only when a frame is made, openpyxl only when a workbook is written (or read
from formulas without cached values).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable

if TYPE_CHECKING:   # pragma: no cover - names for the annotations only
    import pandas

    from evaluator.families.base import CheckedForm
    from evaluator.runner.batch import Batch
    from evaluator.runner.engine import FileResult

PathLike = str | os.PathLike


@dataclass
class Report:
    """What a check found: the report data (the JSON contract), and ways to look at it.

    ``data`` is what ``--format json`` prints; ``batch`` the runner's account of the run (files
    checked, reused, interrupted; reports that could not be written).
    """

    data: dict[str, Any]
    batch: "Batch | None" = None
    paths: tuple[Path, ...] = ()
    options: dict[str, Any] = field(default_factory=dict, repr=False)
    _results: "list[FileResult] | None" = field(default=None, repr=False)

    # ------------------------------------------------------------------------------------ data
    @property
    def summary(self) -> dict[str, int]:
        """The counts: files (workbooks), forms, ok, with_errors, … others (see the JSON contract)."""
        return self.data["summary"]

    @property
    def files(self) -> list[dict[str, Any]]:
        """One entry per form (a workbook without a form, or unreadable, gives one entry)."""
        return self.data["files"]

    @property
    def others(self) -> list[dict[str, str]]:
        """The files that are not spreadsheets, ``{"path", "reason"}`` each."""
        return self.data.get("others", [])

    @property
    def skipped(self) -> list[dict[str, str]]:
        """The paths found and deliberately not read, ``{"path", "reason"}`` each."""
        return self.data.get("skipped", [])

    @property
    def results(self) -> "list[FileResult]":
        """Each workbook's :class:`~evaluator.runner.engine.FileResult`, checked in this process."""
        if self._results is None:
            self._results = _check_here(self.paths, self.options)[1]
        return self._results

    @property
    def forms(self) -> "list[CheckedForm]":
        """Every form found, as the families checked it (findings, totals, grades, facts)."""
        return [form for result in self.results for form in result.forms if form.family is not None]

    # ---------------------------------------------------------------------------------- frames
    def findings_frame(self, numbers: str = "decimal") -> "pandas.DataFrame":
        """One row per finding: path, sheet, cell, rule, rule_title, severity, indicator, expected,
        actual, expected_of, message, arithmetic, department, family, edition.

        ``expected`` and ``actual`` are Decimal where they are numbers (a rate as a fraction,
        0.9231), text otherwise (a grade, a missing explanation); ``numbers="float"`` gives floats.
        """
        import pandas as pd

        from evaluator.outputs.reporters.common import department_of, rule_title

        columns = ["path", "sheet", "cell", "rule", "rule_title", "severity", "indicator", "expected", "actual",
                   "expected_of", "message", "arithmetic", "department", "family", "edition"]
        rows = []
        for entry in self.files:
            for finding in entry["findings"]:
                rows.append({
                    "path": entry["path"], "sheet": finding.get("sheet"), "cell": finding.get("cell"),
                    "rule": finding["rule"], "rule_title": rule_title(finding["rule"]),
                    "severity": finding["severity"], "indicator": finding.get("indicator"),
                    "expected": _value(finding.get("expected"), finding.get("expected_of"), numbers),
                    "actual": _value(finding.get("actual"), finding.get("expected_of"), numbers),
                    "expected_of": finding.get("expected_of"), "message": finding.get("message"),
                    "arithmetic": finding.get("arithmetic"), "department": department_of(entry),
                    "family": entry.get("family"), "edition": entry.get("edition"),
                })
        return pd.DataFrame(rows, columns=columns)

    def forms_frame(self, numbers: str = "decimal") -> "pandas.DataFrame":
        """One row per entry (form, workbook without a form, unreadable file): path, sheet, family,
        edition, form, department, year, status, total_declared, total_recomputed, total_corrected,
        grade_declared, grade_computed, grade_corrected, errors, warnings, infos, annotated.

        Totals are Decimal (``numbers="float"``: float, NaN where the form prints none)."""
        import pandas as pd

        from evaluator.outputs.reporters.common import department_of, status_key

        rows = []
        for entry in self.files:
            total, grade = entry.get("total") or {}, entry.get("grade") or {}
            rows.append({
                "path": entry["path"], "sheet": entry.get("sheet"), "family": entry.get("family"),
                "edition": entry.get("edition"), "form": entry.get("form"), "department": department_of(entry),
                "year": entry.get("year"), "status": status_key(entry),
                **{f"total_{key}": _value(total.get(key), "total", numbers)
                   for key in ("declared", "recomputed", "corrected")},
                **{f"grade_{key}": grade.get(key) for key in ("declared", "computed", "corrected")},
                "errors": entry["counts"]["error"], "warnings": entry["counts"]["warning"],
                "infos": entry["counts"]["info"], "annotated": entry.get("annotated"),
            })
        frame = pd.DataFrame(rows, columns=[
            "path", "sheet", "family", "edition", "form", "department", "year", "status",
            "total_declared", "total_recomputed", "total_corrected", "grade_declared", "grade_computed",
            "grade_corrected", "errors", "warnings", "infos", "annotated"])
        if numbers == "float":
            for column in ("total_declared", "total_recomputed", "total_corrected"):
                frame[column] = frame[column].astype(float)
        return frame

    # ----------------------------------------------------------------------------------- write
    def write(self, out_dir: PathLike, *, force: bool = False) -> "Report":
        """Write the usual outputs into ``out_dir``: an annotated copy of every workbook with a form,
        summary.xlsx, report.html and report.json, as ``evaluator check --out`` does (the same lock,
        manifest and names); returns the report of that run."""
        options = {**self.options, "out": Path(out_dir), "force": force}
        return check(*self.paths, **options)

    def __repr__(self) -> str:
        from evaluator.outputs.reporters.common import counts_sentence

        return f"<evaluator.Report {counts_sentence(self.summary)}>"


def _value(text: Any, kind: str | None, numbers: str) -> Any:
    """A decimal string as a Decimal (a rate as a fraction), or a float; other text as it is."""
    if numbers not in ("decimal", "float"):
        raise ValueError(f"numbers must be 'decimal' or 'float', not {numbers!r}")
    from evaluator.outputs.reporters.common import number, rate_number

    if text is None:
        return None if numbers == "decimal" else float("nan")
    value = rate_number(text) if kind == "rate" else number(text)
    if value is None:
        return text
    return value if numbers == "decimal" else float(value)


def _definitions(options: dict[str, Any]):
    from evaluator.families import load_definitions

    return load_definitions(tuple(Path(p) for p in options.get("catalog") or ()), options.get("edition"))


def _limits(options: dict[str, Any]):
    from evaluator.intake.limits import DEFAULT_LIMITS, Limits

    values = {name: options[name] for name, *_ in Limits.options() if options.get(name) is not None}
    return Limits(**{**{name: getattr(DEFAULT_LIMITS, name) for name, *_ in Limits.options()}, **values}) \
        if values else DEFAULT_LIMITS


def _check_here(paths: Iterable[Path], options: dict[str, Any]) -> tuple[dict[str, Any], "list[FileResult]"]:
    """Every workbook under ``paths`` checked in this process: the report data and the results."""
    from evaluator.outputs.reporters import json as json_reporter
    from evaluator.runner.run import find, process

    definitions = options.get("definitions") or _definitions(options)
    limits = _limits(options)
    found = find(list(paths), None, follow=bool(options.get("follow_symlinks")), limits=limits)
    results = [process(job, definitions, None, limits) for job in found.jobs]
    data = json_reporter.assemble(json_reporter.entries(results), [item.to_dict() for item in found.skipped],
                                  [item.to_dict() for item in found.others])
    return data, results


#: The options :func:`check` takes, besides the read limits (max_rows, …: see ``evaluator check --help``).
OPTIONS = ("out", "jobs", "edition", "catalog", "definitions", "force", "follow_symlinks", "timeout", "wait",
           "progress", "stop")


def check(*paths: PathLike, out: PathLike | None = None, jobs: int | None = 1, edition: str | None = None,
          catalog: Iterable[PathLike] = (), follow_symlinks: bool = False, timeout: float | None = None,
          force: bool = False, wait: float = 60.0, progress: bool = False, stop=None, definitions=None,
          fix: bool = False, **limits: int) -> Report:
    """Check the workbooks at ``paths`` (files, or folders searched recursively); a :class:`Report`.

    ``out``: also write the annotated copies and summary.xlsx, report.html, report.json there.
    ``jobs``: worker processes (1: in this process; None: one per core). ``edition``: check every
    form against this edition id. ``catalog``: extra edition files (YAML). ``timeout``: seconds one
    file may take (with worker processes). ``force``: recheck files unchanged since the last run
    into ``out``. ``fix``: beside each annotated copy in ``out``, a proposed corrected copy
    (``<stem>.更正稿.xlsx``, see docs/round-trip.md). Read limits by name (``max_rows=…``), as the
    command line's options.
    """
    from evaluator.intake.limits import Limits

    unknown = set(limits) - {name for name, *_ in Limits.options()}
    if unknown:
        raise TypeError(f"check() got unexpected options: {', '.join(sorted(unknown))}")
    if not paths:
        raise TypeError("check() needs at least one path")
    if fix and out is None:
        raise TypeError("check(fix=True) needs out: the corrected copy is written beside the annotated one")
    roots = tuple(Path(path) for path in paths)
    missing = [str(root) for root in roots if not os.path.lexists(root)]
    if missing:
        raise FileNotFoundError(f"路径不存在：{'、'.join(missing)}")
    options: dict[str, Any] = {"jobs": jobs, "edition": edition, "catalog": tuple(catalog),
                               "follow_symlinks": follow_symlinks, "timeout": timeout, "wait": wait, **limits}
    if definitions is None:
        definitions = _definitions(options)
    options["definitions"] = definitions
    if out is None and jobs == 1 and stop is None and not timeout:
        data, results = _check_here(roots, options)
        return Report(data=data, paths=roots, options=options, _results=results)
    from evaluator.runner.batch import check_paths

    batch = check_paths(roots, definitions, Path(out) if out is not None else None, workers=jobs, force=force,
                        wait=wait, progress=progress, stop=stop, limits=_limits(options),
                        follow_symlinks=follow_symlinks, timeout=timeout, fix=fix)
    return Report(data=batch.report, batch=batch, paths=roots, options=options)
