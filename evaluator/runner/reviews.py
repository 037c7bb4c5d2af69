"""Reviewed warnings: a finding an auditor has looked at and accepted stops failing the run.

An auditor marks a finding where they already work:

- in summary.xlsx, sheet 问题清单, column 核实意见 (free text: ``已核实：原因见附件``);
- for scripts, in ``reviewed.csv`` in the output folder, one line per finding:
  ``form,rule,cell,value,note,by,at`` — ``form`` is the form's identity as the 问题清单 shows it
  (``family|unit|project|year``), ``cell`` is ``Sheet!A1``, ``value`` the value the cell held when
  it was reviewed (the finding's ``actual``).

Every run reads both; a note written in summary.xlsx is moved into reviewed.csv (summary.xlsx is
written again each run), so no review is lost. Only what a person changed in summary.xlsx is moved:
its 问题清单 keeps, in a hidden column, each row's note as this tool wrote it, and a note still as
written never overrides reviewed.csv, so a note edited, cleared or removed in reviewed.csv stands.
When both were changed for one finding, differently, reviewed.csv is kept and a warning gives the
other note in full (:meth:`Reviews._take_row`). A run with an output folder moves them before its
workers start (:meth:`Reviews.take_in`), so that the annotated copies it writes show the same
reviews as its other reports; the end of the run reads summary.xlsx again only when it has changed
since. A finding that matches a review (same form, rule and cell, and the cell still holds the value
reviewed) carries ``reviewed: {note, by, at}``, is shown as 已核实, and does not count towards
``--fail-on`` — also in an entry reported unchanged. What a file's annotated copy shows as
reviewed is kept in the manifest as a digest (:func:`shown_digest`): a file whose reviews changed
since its copy was written has its copy written again, even when nothing else of it changed.
A review lapses when the cell's value changes. An error is reviewed only with a note; a review of
an error without one is ignored, and said so.

reviewed.csv is the auditor's file: lines this tool cannot read are kept as they are and named in a
warning; the file is written atomically and its last good copy kept
(:mod:`evaluator.runner.statefile`). A file that cannot be decoded at all is set aside, never
deleted.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import stat
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Iterator

from evaluator.runner import statefile
from evaluator.runner.rounds import identity
from evaluator.values.digest import sha256_hex
from evaluator.values.numbers import fmt

log = logging.getLogger("evaluator")
REVIEWS_NAME = "reviewed.csv"
COLUMNS = ["form", "rule", "cell", "value", "note", "by", "at"]
SUMMARY_NAME = "summary.xlsx"
FINDINGS_SHEET = "问题清单"
NOTE_COLUMN = "核实意见"
FORM_COLUMN = "表标识"
#: The hidden column of 问题清单 holding each row's 核实意见 as this tool wrote it (see
#: :meth:`Reviews._take_row`): a note that differs from it was changed by a person.
WRITTEN_COLUMN = "核实意见（写出时）"
WHAT = "核实记录"
#: summary.xlsx as a run read it: its (size, modification time in ns, inode), and whether its notes
#: are in reviewed.csv since (False: not, and what could not be read of it was said already).
Seen = tuple[tuple[int, int, int], bool]


def _stamp(path: Path) -> tuple[int, int, int] | None:
    """``path``'s (size, modification time in ns, inode); None when it is not a regular file."""
    try:
        info = path.stat()
    except OSError:
        return None
    if not stat.S_ISREG(info.st_mode):
        return None
    return (info.st_size, info.st_mtime_ns, info.st_ino)


def _text(value: Any) -> str:
    """A cell of 问题清单 as a note: its text, stripped."""
    return str(value or "").strip()


def _as_written(note: str) -> str:
    """A note of reviewed.csv as summary.xlsx holds it once written there (read back as a note)."""
    from evaluator.outputs.inert import xlsx_text

    return _text(xlsx_text(note))


def norm(value: Any) -> str:
    """A value as compared: numbers by their decimal value (4.5 and 4.50 and 4.5 as a float agree),
    texts stripped."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, (int, float, Decimal)):
        return fmt(Decimal(repr(value)) if isinstance(value, float) else Decimal(value))
    text = str(value).strip()
    try:
        number = Decimal(text.replace(",", ""))
    except InvalidOperation:
        return text
    return fmt(number) if number.is_finite() else text


@dataclass
class Review:
    form: str
    rule: str
    cell: str
    value: str
    note: str
    by: str
    at: str

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.form, self.rule, self.cell)

    def row(self) -> list[str]:
        return [self.form, self.rule, self.cell, self.value, self.note, self.by, self.at]

    def shown(self) -> dict[str, str]:
        """What a finding it holds for carries: ``reviewed``."""
        return {"note": self.note, "by": self.by, "at": self.at}


class Reviews:
    """The reviews of one output folder (see the module docstring)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.items: dict[tuple[str, str, str], Review] = {}
        self.kept: list[list[str]] = []       # lines that could not be read, kept as they are
        self.changed = False
        self.quiet = False                    # peek: read, never say or set anything aside
        self.seen: Seen | None = None         # summary.xlsx as read (see Seen)

    @property
    def path(self) -> Path:
        return self.folder / REVIEWS_NAME

    @classmethod
    def load(cls, folder: Path, seen: Seen | None = None) -> "Reviews":
        """reviewed.csv and the notes of summary.xlsx; with ``seen`` (what :meth:`take_in` read at
        the start of this run), summary.xlsx is not read again while it is the same file."""
        reviews = cls(folder)
        reviews._read_csv()
        reviews._read_summary(seen)
        return reviews

    @classmethod
    def take_in(cls, folder: Path) -> Seen | None:
        """Before the workers of a run start (the run holds the folder's lock): the notes typed in
        summary.xlsx since it was written, moved into reviewed.csv, so that the annotated copies the
        workers write (:meth:`peek`) show them in this run, as report.json and summary.xlsx do.
        Returns what was read, for the end of the run (:meth:`load`); None, having read nothing,
        when the folder has no summary.xlsx.

        A summary.xlsx that cannot be read is said here, once; a reviewed.csv that cannot be read is
        set aside and said here, the lines of it that cannot be read at the end of the run (as
        before). When reviewed.csv cannot be written now, nothing is said: the end of the run reads
        summary.xlsx again and writes it, as a run did before (without saying twice what it could
        not read of summary.xlsx)."""
        if _stamp(folder / SUMMARY_NAME) is None:
            return None
        reviews = cls(folder)
        reviews.quiet = True     # lines not understood: said once, by the end of the run
        reviews._read_csv()
        reviews._read_summary(None)
        try:
            reviews.save()
        except OSError as exc:
            log.debug("%s 暂未写入（%s），运行结束时再写", REVIEWS_NAME, exc)
            return (reviews.seen[0], False) if reviews.seen is not None else None
        return reviews.seen

    @classmethod
    def peek(cls, folder: Path) -> "Reviews":
        """The reviews of reviewed.csv as they are, read without a word or a change to any file (for
        a worker's annotated copy, before the run reads summary.xlsx and records the reviews)."""
        reviews = cls(folder)
        reviews.quiet = True
        try:
            text = reviews.path.read_bytes().decode("utf-8-sig")
        except (OSError, UnicodeDecodeError):
            return reviews
        reviews._parse(text, reviews.path.name)
        return reviews

    def _read_csv(self) -> None:
        for candidate in (self.path, statefile.backup_of(self.path)):
            try:
                text = candidate.read_bytes().decode("utf-8-sig")
            except FileNotFoundError:
                continue
            except (OSError, UnicodeDecodeError) as exc:
                if candidate == self.path:
                    statefile.set_aside(self.path, WHAT, f"{type(exc).__name__}: {exc}")
                    continue
                log.warning("%s的备份 %s 也无法读取，从头开始记录", WHAT, candidate.name)
                return
            if candidate != self.path:
                log.warning("%s：改用上一份完好的副本 %s", WHAT, candidate.name)
                self.changed = True
            self._parse(text, candidate.name)
            return

    def _parse(self, text: str, name: str) -> None:
        rows = list(csv.reader(io.StringIO(text)))
        if rows and [cell.strip().lower() for cell in rows[0][:len(COLUMNS)]] == COLUMNS:
            rows = rows[1:]
        for number, row in enumerate(rows, start=2):
            if not any(cell.strip() for cell in row):
                continue
            if len(row) < 5 or not row[0].strip() or not row[1].strip() or not row[2].strip():
                if not self.quiet:
                        log.warning("%s 第 %d 行无法读取（应为 %s），原样保留", name, number, ",".join(COLUMNS))
                self.kept.append(row)
                continue
            cells = [cell.strip() for cell in row] + [""] * (len(COLUMNS) - len(row))
            review = Review(*cells[:len(COLUMNS)])
            self.items[review.key] = review

    def _read_summary(self, seen: Seen | None = None) -> None:
        """The notes written in summary.xlsx's 核实意见 column since it was written; none when
        ``seen`` says they were taken in already from this very file. A file ``seen`` could not
        read is tried again (a lock may have gone) without saying the same thing twice."""
        path = self.folder / SUMMARY_NAME
        stamp = _stamp(path)
        if stamp is None:
            return
        said = False
        if seen is not None and seen[0] == stamp:
            if seen[1]:
                self.seen = seen
                return
            said = True
        self.seen = (stamp, True)
        try:
            from openpyxl import load_workbook

            workbook = load_workbook(path, read_only=True, data_only=True)
            try:
                if FINDINGS_SHEET not in workbook.sheetnames:
                    return
                rows = workbook[FINDINGS_SHEET].iter_rows(values_only=True)
                header = [str(cell).strip() if cell is not None else "" for cell in next(rows, ())]
                if NOTE_COLUMN not in header or FORM_COLUMN not in header:
                    return
                at = datetime.fromtimestamp(stamp[1] / 1e9).astimezone().isoformat(timespec="seconds")
                column = {name: header.index(name) for name in header if name}
                # None: a summary.xlsx of an earlier version, which did not record what it wrote
                # (read as :meth:`_take_row` says).
                recorded = WRITTEN_COLUMN in column
                for row in rows:
                    def get(name: str) -> Any:
                        index = column.get(name)
                        return row[index] if index is not None and index < len(row) else None
                    form, rule, cell = get(FORM_COLUMN), get("规则代号"), get("单元格")
                    if not form or not rule or not cell:
                        continue
                    written = _text(get(WRITTEN_COLUMN)) if recorded else None
                    self._take_row(Review(str(form), str(rule), str(cell), norm(get("申报值")),
                                          _text(get(NOTE_COLUMN)), SUMMARY_NAME, at), written, said)
            finally:
                workbook.close()
        except Exception as exc:  # noqa: BLE001 - a summary someone broke must not stop the run
            self.seen = (stamp, False)
            log.log(logging.DEBUG if said else logging.WARNING, "%s 的“%s”列无法读取（%s: %s），本次未读取其中的核实意见",
                    SUMMARY_NAME, NOTE_COLUMN, type(exc).__name__, exc)

    def _take_row(self, typed: Review, written: str | None, said: bool) -> None:
        """One row of summary.xlsx's 问题清单: ``typed`` holds its 核实意见 as it is now, ``written``
        the note this tool wrote there (its hidden column 核实意见（写出时）; None for a summary of an
        earlier version, which has no such column).

        The row speaks only where a person changed it: a note still as the tool wrote it never
        overrides reviewed.csv (a note edited, cleared or removed there since stands). A note typed,
        changed or cleared in summary.xlsx is taken in (cleared: the review is removed) when
        reviewed.csv still says for this row what the tool wrote. When both were changed, and
        differently, reviewed.csv is kept — it is the file of record, and scripts write it — and a
        warning names the finding and gives the note typed in summary.xlsx in full, so that nothing
        typed is lost (a person can put it in reviewed.csv). The next summary.xlsx shows the note kept.

        A summary of an earlier version is read as if the tool had written there what reviewed.csv
        holds now for each row: a note in a row reviewed.csv has nothing for is taken in (as the
        earlier version did); one that differs from reviewed.csv's is not (who changed which cannot
        be told) and is named in a warning; an empty cell never removes a review."""
        known = self.items.get(typed.key)
        # What reviewed.csv says for this row now: the note of its review when that review holds for
        # the row's value (as the note the tool wrote was the note of the review that matched).
        in_csv = known.note if known is not None and norm(known.value) == typed.value else ""
        where = f"{typed.form} {typed.cell}（{typed.rule}）"
        level = logging.DEBUG if said else logging.WARNING
        if written is None:
            if not typed.note or typed.note == in_csv:
                return
            if in_csv:
                log.log(level, "%s 为上一版本所写，无法分辨核实意见是哪边后改的：%s 在其中为“%s”，与 %s 中的“%s”不同，"
                        "保留 %s 的（如需采用 %s 中的意见，请改写 %s）",
                        SUMMARY_NAME, where, typed.note, REVIEWS_NAME, in_csv, REVIEWS_NAME, SUMMARY_NAME, REVIEWS_NAME)
                return
        elif typed.note == written or typed.note == in_csv:
            return          # as the tool wrote it (reviewed.csv stands), or the same change made in both
        elif _as_written(in_csv) != written:
            log.log(level, "核实意见两处都改过且不同：%s 在 %s 中为“%s”，在 %s 中为“%s”（本工具写出时为“%s”）；"
                    "保留 %s 的，%s 中的意见未采用（如需采用，请改写 %s）",
                    where, REVIEWS_NAME, in_csv or "（无）", SUMMARY_NAME, typed.note or "（空）", written or "（空）",
                    REVIEWS_NAME, SUMMARY_NAME, REVIEWS_NAME)
            return
        if typed.note:
            self.items[typed.key] = typed
        else:
            del self.items[typed.key]     # cleared in summary.xlsx: reviewed.csv holds it for this row
            # Said as a warning: a review that stops holding can make the run fail.
            log.log(level, "%s 中清除了 %s 的核实意见“%s”，已从 %s 删除这条核实记录",
                    SUMMARY_NAME, where, in_csv, REVIEWS_NAME)
        self.changed = True

    def _matches(self, entries: list[dict[str, Any]]) -> Iterator[tuple[dict[str, Any], dict[str, Any], Review]]:
        """Every finding of ``entries`` a review holds for, with its entry and the review."""
        for entry in entries:
            form = identity(entry)
            for finding in entry.get("findings") or []:
                if form is None or not finding.get("cell"):
                    continue
                review = self.items.get((form, finding.get("rule") or "", f"{finding.get('sheet')}!{finding['cell']}"))
                if review is None:
                    continue
                if norm(review.value) != norm(finding.get("actual")):
                    continue        # the cell has changed since: the review lapses
                if finding.get("severity") == "error" and not review.note:
                    if not self.quiet:
                            log.warning("%s %s：错误只能附核实意见后核实，%s 中这一行没有意见，未采用",
                                    entry.get("path"), finding["cell"], REVIEWS_NAME)
                    continue
                yield entry, finding, review

    def apply(self, entries: list[dict[str, Any]]) -> int:
        """Put ``reviewed`` on every finding a review holds for; returns how many."""
        for entry in entries:
            for finding in entry.get("findings") or []:
                finding["reviewed"] = None
        count = 0
        for _, finding, review in self._matches(entries):
            finding["reviewed"] = review.shown()
            count += 1
        return count

    def digest(self, entries: list[dict[str, Any]]) -> str | None:
        """:func:`shown_digest` of ``entries`` as :meth:`apply` would leave them, without changing them."""
        return _digest([_shown_row(entry, finding, review.shown()) for entry, finding, review in self._matches(entries)])

    def save(self) -> None:
        if not self.changed:
            return
        stream = io.StringIO()
        writer = csv.writer(stream, lineterminator="\n")
        writer.writerow(COLUMNS)
        for review in self.items.values():
            writer.writerow(review.row())
        for row in self.kept:
            writer.writerow(row)
        # With a byte-order mark: Excel opens it as UTF-8.
        statefile.save_text(self.path, "\ufeff" + stream.getvalue())
        self.changed = False


def shown_digest(entries: list[dict[str, Any]]) -> str | None:
    """What the findings of ``entries`` show as reviewed (each finding's ``reviewed``, after
    :meth:`Reviews.apply`), as one SHA-256; None when none is reviewed. Two digests are equal
    exactly when an annotated copy of these entries would show the same 已核实 notes."""
    return _digest([_shown_row(entry, finding, review) for entry in entries for finding in entry.get("findings") or []
                    if isinstance(review := finding.get("reviewed"), dict)])


def _shown_row(entry: dict[str, Any], finding: dict[str, Any], review: dict[str, Any]) -> list[str]:
    return [identity(entry) or "", finding.get("rule") or "", finding.get("sheet") or "", finding.get("cell") or "",
            review.get("note") or "", review.get("by") or "", review.get("at") or ""]


def _digest(rows: list[list[str]]) -> str | None:
    if not rows:
        return None
    return sha256_hex(json.dumps(sorted(rows), ensure_ascii=False))
