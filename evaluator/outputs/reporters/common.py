"""What the outputs people read share: Chinese labels, rule titles, the expected value said in words,
the totals with their corrected figures, each family's facts, and links to annotated copies.

Everything here formats the report data (the JSON contract) or a finding; nothing computes a figure.
Nothing here imports openpyxl or pandas: the command line imports the reporters at start-up.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Iterator
from urllib.parse import quote

from evaluator.outputs.reporters.json import effective_status
from evaluator.values.numbers import beyond_bound, round_half_up
from evaluator.values.patterns import lazy

SEVERITY_LABELS = {"error": "错误", "warning": "警告", "info": "提示"}
SEVERITIES = ("error", "warning", "info")
#: Fill colours (as Excel ARGB without alpha) of the severities, and of a form's status.
SEVERITY_COLOURS = {"error": "FFC7CE", "warning": "FFEB9C", "info": "DDEBF7"}
STATUS_COLOURS = {"error": "FFC7CE", "warning": "FFEB9C", "info": "DDEBF7", "ok": "E2F0D9", "unreadable": "D9D9D9"}


#: What ``expected`` is the expected value of, said before the value: "扣分应为：0.20".
EXPECTED_LABELS = {
    "score": "得分应为",
    "deduction": "扣分应为",
    "weight": "分值应为",
    "rate": "执行率应为",
    "total": "总分应为",
    "grade": "评价等级应为",
    "amount": "金额应为",
    "text": "需填写",
}

#: A project form's facts, in the order shown: (key in ``facts``, label).
PROJECT_FACTS = (("project_name", "项目名称"), ("department", "主管部门"), ("unit", "实施单位"),
                 ("money_unit", "金额单位"))
#: The funds row of a project form: (key in ``facts["funds"]``, label).
FUNDS_FACTS = (("initial", "年初预算数"), ("budget", "全年预算数"), ("spent", "全年执行数"),
               ("rate", "执行率"), ("weight", "分值"), ("score", "得分"))
MONEY_FUNDS = ("initial", "budget", "spent")

DASH = "—"


# ----------------------------------------------------------------------------------------- rules

@lru_cache(maxsize=None)
def rule_title(slug: str) -> str:
    """The rule's Chinese title (RULES[slug].title); the slug itself for a rule this build lacks."""
    # the registry loads every family's rules: its titles are kept in the definitions cache
    from evaluator.families.titles import rule_titles

    return rule_titles().get(slug, slug)


def rule_label(slug: str) -> str:
    """The Chinese title with the slug beside it, for people and for searching: 按比例计分的得分不符（rate-score）."""
    title = rule_title(slug)
    return slug if title == slug else f"{title}（{slug}）"


@lru_cache(maxsize=1)
def edition_titles() -> dict[str, str]:
    """The Chinese title of every bundled edition by its id (empty when they cannot be loaded)."""
    try:
        from evaluator.families import load_definitions

        definitions = load_definitions()
        titles = {loaded.edition.id: loaded.edition.title for loaded in definitions.project}
        department = definitions.department
        titles.setdefault(department.id, department.form.title)
        return titles
    except Exception:  # noqa: BLE001 - a label is never worth failing a report for
        return {}


def edition_label(row: dict[str, Any]) -> str | None:
    """An edition id beside its Chinese name: 项目支出绩效自评表（全国通用）（project-national）."""
    edition = row.get("edition")
    if not edition:
        return None
    title = edition_titles().get(edition) or row.get("form")
    return f"{title}（{edition}）" if title else edition


# ------------------------------------------------------------------------------------- findings

def expected_label(finding: dict[str, Any]) -> str:
    """What the expected value is the expected value of: 得分应为, 扣分应为, … (应为 when unsaid)."""
    return EXPECTED_LABELS.get(finding.get("expected_of") or "", "应为")


def expected_text(finding: dict[str, Any]) -> str | None:
    """The expected value in words, "扣分应为：0.20", "需填写"; None when the finding expects nothing."""
    label = expected_label(finding)
    expected = finding.get("expected")
    if finding.get("expected_of") == "text":
        return label if expected is None else f"{label}：{expected}"
    if expected is None:
        return None
    return f"{label}：{show_value(expected, finding.get('expected_of'))}"


def alternatives_text(finding: dict[str, Any]) -> str | None:
    """The other accepted methods: "其他方法：线性 → 4.5；A/B × 分值 → 4.62"; without a single
    expected value, the values of which one is to be chosen."""
    alternatives = finding.get("alternatives") or []
    if not alternatives:
        return None
    parts = [f"{item['method']} → {show_value(item['expected'], finding.get('expected_of'))}"
             for item in alternatives]
    if finding.get("expected") is None:
        # no single expected value: which of these is right is the author's to say (a budget
        # identity whose wrong side the form does not tell)
        return "无法判断哪一处有误，改其一即可：" + "；".join(parts)
    return "其他方法：" + "；".join(parts)


def range_text(finding: dict[str, Any]) -> str | None:
    """The accepted band: "应在 4 至 5 之间"."""
    band = finding.get("expected_range")
    if not band:
        return None
    kind = finding.get("expected_of")
    return f"应在 {show_value(band['min'], kind)} 至 {show_value(band['max'], kind)} 之间"


def cell_name(sheet: str | None, cell: str | None, home: str | None = None) -> str | None:
    """"G13" on the finding's own sheet, "Sheet!G13" elsewhere; None without a cell."""
    if not cell:
        return None
    return cell if sheet is None or sheet == home else f"{sheet}!{cell}"


def related_text(finding: dict[str, Any]) -> str | None:
    """The other cells involved: "相关单元格：H13、I13"."""
    related = finding.get("related") or []
    names = [cell_name(item.get("sheet"), item.get("cell"), finding.get("sheet")) for item in related]
    names = [name for name in names if name]
    return "相关单元格：" + "、".join(names) if names else None


def consequence_text(finding: dict[str, Any]) -> str | None:
    """For a figure that follows another finding: "随之应为：G13（按比例计分的得分不符）更正后，此处随之改变"."""
    cause = finding.get("consequence_of")
    if not cause:
        return None
    where = cell_name(cause.get("sheet"), cause.get("cell"), finding.get("sheet")) or "—"
    value = finding.get("expected")
    shown = f" {show_value(value, finding.get('expected_of'))}" if value is not None else ""
    return f"随之应为{shown}：{where}（{rule_title(cause.get('rule') or '')}）更正后，此处随之改变"


#: A finding against the last round of its form (evaluator/runner/rounds.py).
SINCE_LAST_LABELS = {"new": "本轮新出现", "still": "上轮已有，仍未更正"}


def since_last_text(finding: dict[str, Any]) -> str | None:
    """"本轮新出现" / "上轮已有，仍未更正"; None without an earlier round."""
    return SINCE_LAST_LABELS.get(finding.get("since_last") or "")


def reviewed_text(finding: dict[str, Any]) -> str | None:
    """"已核实：原因见附件（张三，2026-12-01）"; None when not reviewed."""
    review = finding.get("reviewed")
    if not review:
        return None
    who = "，".join(part for part in (review.get("by"), (review.get("at") or "")[:10]) if part)
    note = (review.get("note") or "").strip()
    return (note if note.startswith("已核实") else f"已核实：{note}") + (f"（{who}）" if who else "")


def round_line(entry: dict[str, Any]) -> str | None:
    """"与上轮（2026-12-01，X.xlsx）相比：已更正 2 处，新出现 0 处，仍在 1 处"; None without one."""
    since = entry.get("since_last")
    if not since:
        return None
    if since.get("ambiguous"):
        return f"无法与上轮对比：{since.get('note') or ''}"
    name = Path(since.get("path") or "").name
    when = (since.get("at") or "")[:16].replace("T", " ")
    return (f"与上轮（{when}，{name}）相比：已更正 {len(since.get('fixed') or [])} 处，"
            f"新出现 {since.get('new', 0)} 处，仍在 {since.get('still', 0)} 处")


def round_facts(entry: dict[str, Any]) -> list[tuple[str, str]]:
    """(label, text) of the last round and of what it had that is gone, for a report's form facts."""
    line = round_line(entry)
    if not line:
        return []
    facts = [("本轮变化", line)]
    fixed = (entry.get("since_last") or {}).get("fixed") or []
    if fixed:
        facts.append(("本轮已更正", "；".join(
            f"{cell_name(f.get('sheet'), f.get('cell'), entry.get('sheet')) or DASH} {rule_title(f.get('rule') or '')}"
            for f in fixed)))
    return facts


def finding_details(finding: dict[str, Any]) -> list[str]:
    """The lines that follow a finding's message: expected, alternatives, band, related cells, and
    what a figure that follows another finding follows (随之应为)."""
    lines = [expected_text(finding), alternatives_text(finding), range_text(finding), related_text(finding),
             consequence_text(finding), since_last_text(finding), reviewed_text(finding)]
    return [line for line in lines if line]


def worst_severity(counts: dict[str, int]) -> str | None:
    return next((severity for severity in SEVERITIES if counts.get(severity)), None)


def status_key(row: dict[str, Any]) -> str:
    """The colour key of an entry: unreadable, error, warning, info or ok."""
    if effective_status(row) == "unreadable":
        return "unreadable"
    return worst_severity(row.get("counts") or {}) or "ok"


def verdict(counts: dict[str, int], unreadable: int = 0) -> str:
    """One line that says what to do: 结论：有 2 处错误须更正（另有 1 处警告），…"""
    errors, warnings, infos = (counts.get(severity, 0) for severity in SEVERITIES)
    others = [f"{n} 处{SEVERITY_LABELS[s]}" for s, n in (("warning", warnings), ("info", infos)) if n]
    if unreadable:
        return f"结论：{unreadable} 份文件无法读取，请按说明提供可读取的文件"
    if errors:
        tail = f"（另有 {'、'.join(others)}）" if others else ""
        return f"结论：有 {errors} 处错误{tail}，请按批注更正后再报送"
    if warnings:
        tail = f"（另有 {infos} 处提示）" if infos else ""
        return f"结论：未发现错误；有 {warnings} 处警告{tail}，请核对"
    if infos:
        return f"结论：未发现错误或警告；有 {infos} 处提示"
    return "结论：未发现问题"


def counts_sentence(summary: dict[str, int]) -> str:
    """A report's summary in words, forms and other files counted apart:
    "3 份表：1 份通过，1 份有错误，1 份有警告，1 份无法读取；另有 2 个其他文件（不是表格文件）"."""
    forms = summary.get("forms", summary.get("files", 0))
    text = (f"{forms} 份表：{summary['ok']} 份通过，{summary['with_errors']} 份有错误，"
            f"{summary['with_warnings']} 份有警告，"
            + (f"{summary['only_info']} 份仅有提示，" if summary.get("only_info") else "")
            + f"{summary['unreadable']} 份无法读取"
            + (f"，{summary['unchanged']} 份未变化" if summary.get("unchanged") else ""))
    extra = []
    if summary.get("no_form"):
        extra.append(f"{summary['no_form']} 个工作簿中未找到自评表")
    if summary.get("others"):
        extra.append(f"{summary['others']} 个其他文件（不是表格文件）")
    if extra:
        text += "；另有 " + "，".join(extra)
    return text


# ---------------------------------------------------------------------------------------- values

def number(text: Any) -> Decimal | None:
    """A decimal string (or a number) as a Decimal; None for anything else."""
    if text is None or isinstance(text, bool):
        return None
    if isinstance(text, (int, Decimal)):
        return Decimal(text)
    if isinstance(text, float):
        return Decimal(repr(text))
    if not isinstance(text, str) or not text.strip():
        return None
    try:
        value = Decimal(text.strip().replace(",", ""))
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def is_rate_text(text: Any) -> bool:
    return isinstance(text, str) and text.strip().endswith("%")


def rate_number(text: Any) -> Decimal | None:
    """A rate as a fraction: "92.31%" → 0.9231, "0.9231" → 0.9231.

    The contract gives a rate as a fraction; a bare number above 10 (1000%) can only be a
    percentage written without its sign (79.27), and is shown as one rather than as 7927%.
    """
    if is_rate_text(text):
        value = number(text.strip()[:-1])
        return None if value is None else value / 100
    value = number(text)
    if value is not None and value > 10:
        return value / 100
    return value


def show_number(text: Any, places: int | None = 2, grouped: bool = False) -> str:
    """A decimal string for people: fixed places (scores: 2), thousands grouped for money."""
    value = number(text)
    if value is None:
        return DASH if text is None or text == "" else str(text)
    if beyond_bound(value):   # too large to be read as a number (a score of 1e30): shown, not rounded
        return f"{value:.6E}" if value.is_finite() else str(text)
    if places is None:
        exponent = value.normalize().as_tuple().exponent
        places = max(0, -exponent) if isinstance(exponent, int) else 0
    value = round_half_up(value, places)   # as the form rounds; never fails on a large number
    return f"{value:,.{places}f}" if grouped else f"{value:.{places}f}"


def show_rate(text: Any) -> str:
    """A rate as a percentage with two places: "0.9231" → "92.31%"; a written "92.3%" → "92.30%"."""
    value = rate_number(text)
    if value is None:
        return DASH if text is None or text == "" else str(text)
    return f"{round_half_up(value * 100, 2):.2f}%"


def show_value(text: Any, kind: str | None = None) -> str:
    """A finding's value as people read it, by what it is: scores to 0.01, money grouped, rates in %."""
    if text is None:
        return DASH
    if kind == "rate":
        return show_rate(text)
    if kind == "amount":
        return show_number(text, None, grouped=True)
    if kind in ("score", "deduction", "weight", "total") and number(text) is not None:
        return show_number(text, 2)
    return str(text)


def total_parts(row: dict[str, Any]) -> list[tuple[str, str | None]]:
    """(label, decimal string) of 申报, 复核 and 更正后 总分; [] when the form prints no total."""
    total = row.get("total")
    if not total:
        return []
    return [("申报", total.get("declared")), ("复核", total.get("recomputed")), ("更正后", total.get("corrected"))]


def grade_parts(row: dict[str, Any]) -> list[tuple[str, str | None]]:
    grade = row.get("grade")
    if not grade:
        return []
    return [("申报", grade.get("declared")), ("应得", grade.get("computed")), ("更正后", grade.get("corrected"))]


def totals_line(row: dict[str, Any]) -> str:
    """"申报 94.21 / 复核 94.21 / 更正后 94.31"; — when the form prints no total."""
    parts = total_parts(row)
    if not parts:
        return DASH
    return " / ".join(f"{label} {show_number(value) if value is not None else DASH}" for label, value in parts)


def grades_line(row: dict[str, Any]) -> str:
    parts = grade_parts(row)
    if not parts:
        return DASH
    return " / ".join(f"{label} {value or DASH}" for label, value in parts)


# ----------------------------------------------------------------------------------------- facts

def family_label(row: dict[str, Any]) -> str | None:
    from evaluator.families import family_label as label

    return label(row.get("family"))


def department_of(row: dict[str, Any]) -> str | None:
    """The department a form belongs to: 部门名称, or a project's 主管部门."""
    return row.get("department") or (row.get("facts") or {}).get("department")


def project_facts(row: dict[str, Any]) -> list[tuple[str, Any]]:
    """(label, value) of a project form's facts, None where a fact is missing; [] for other forms."""
    facts = row.get("facts") or {}
    if not facts:
        return []
    return [(label, facts.get(key)) for key, label in PROJECT_FACTS]


def funds_facts(row: dict[str, Any]) -> list[tuple[str, str, Any]]:
    """(key, label, decimal string) of a project form's funds row; [] when the form has none."""
    funds = (row.get("facts") or {}).get("funds") or {}
    if not funds:
        return []
    return [(key, label, funds.get(key)) for key, label in FUNDS_FACTS]


def show_fund(key: str, value: Any, unit: str | None = None) -> str:
    if value is None or value == "":
        return DASH
    if key == "rate":
        return show_rate(value)
    if key in MONEY_FUNDS:
        return show_number(value, 2, grouped=True)
    return show_number(value, 2)


def filled_facts(row: dict[str, Any]) -> list[tuple[str, str]]:
    """A project form's facts that are filled, as (label, text), for one line of text output:
    项目名称, 实施单位 and its 年度资金总额 row; [] for a form whose family states none."""
    lines = [(label, str(value)) for label, value in project_facts(row)
             if value not in (None, "") and label not in ("主管部门", "金额单位")]
    unit = (row.get("facts") or {}).get("money_unit") or "万元"
    funds = [f"{label} {show_fund(key, value)}" for key, label, value in funds_facts(row) if value not in (None, "")]
    if funds:
        lines.append((f"项目资金（{unit}）", " / ".join(funds)))
    return lines


def coverage_text(row: dict[str, Any]) -> str | None:
    """How much of the form was read, from the entry's ``coverage``: ``读取 12 项指标，计 90/100 分``
    (then how many could be judged and what was not read, where that differs); None without one."""
    coverage = row.get("coverage")
    if not coverage:
        return None
    read = coverage.get("points_read")
    total = coverage.get("points_total")
    line = (f"读取 {coverage.get('indicators_read', 0)} 项指标，"
            f"计 {show_number(read, None) if read is not None else 0}/{show_number(total, None) if total is not None else DASH} 分")
    if coverage.get("indicators_judged") != coverage.get("indicators_read"):
        line += f"（其中 {coverage.get('indicators_judged', 0)} 项可校验）"
    unread = coverage.get("not_read") or []
    if unread:
        line += "；未读取：" + "；".join(f"{item.get('where')}（{item.get('why')}）" for item in unread)
    return line


def facts_lines(row: dict[str, Any]) -> list[tuple[str, str]]:
    """Every fact of a form as (label, text), in the order the outputs show them."""
    lines: list[tuple[str, str]] = []
    if row.get("family"):
        lines.append(("类别", family_label(row) or DASH))
    if row.get("edition"):
        lines.append(("版本", edition_label(row)))
    for label, value in project_facts(row):
        lines.append((label, DASH if value in (None, "") else str(value)))
    unit = (row.get("facts") or {}).get("money_unit")
    for key, label, value in funds_facts(row):
        text = show_fund(key, value)
        if key in MONEY_FUNDS and unit and text != DASH:
            text = f"{text} {unit}"
        lines.append((f"资金{label}" if key in ("weight", "score") else label, text))
    read = coverage_text(row)
    if read:
        lines.append(("读取情况", read))
    return lines


# ----------------------------------------------------------------------------------------- links

def status_label(row: dict[str, Any]) -> str:
    """通过, 有错误, 有警告, 仅有提示, 无法读取; a reused entry says so: 有错误（未变化）."""
    key = status_key(row)
    label = {"ok": "通过", "error": "有错误", "warning": "有警告", "info": "仅有提示",
             "unreadable": "无法读取"}[key]
    if row["status"] == "unchanged":
        return f"{label}（未变化）"
    return label


#: While a report is rendered (:func:`paths_resolved_once`): each path resolved once, not once per
#: link to it (a thousand rows resolved the output folder three thousand times, a path component
#: at a time).
_RESOLVED: dict[str, Path] | None = None


@contextmanager
def paths_resolved_once() -> Iterator[None]:
    """Within the block, a path that :func:`relative_path` resolves is resolved once (the files do
    not move while one report is rendered); forgotten after it."""
    global _RESOLVED
    outer = _RESOLVED
    if outer is None:
        _RESOLVED = {}
    try:
        yield
    finally:
        _RESOLVED = outer


def _resolve(path: str | Path) -> Path:
    if _RESOLVED is None:
        return Path(path).resolve()
    key = os.fspath(path)
    found = _RESOLVED.get(key)
    if found is None:
        found = _RESOLVED[key] = Path(path).resolve()
    return found


def relative_path(target: str | None, base: Path | None) -> str | None:
    """``target`` as seen from the folder ``base`` (POSIX separators), or as given when base is None."""
    if not target:
        return None
    if base is None:
        return Path(target).as_posix()
    try:
        return Path(os.path.relpath(_resolve(target), _resolve(base))).as_posix()
    except ValueError:  # another drive on Windows: no relative path exists
        return _resolve(target).as_uri()


def href(target: str | None, base: Path | None) -> str | None:
    """A relative URL to ``target`` that works when the report is opened straight from disk."""
    path = relative_path(target, base)
    if path is None or path.startswith("file:"):
        return path
    return quote(path, safe="/")


def sheet_location(sheet: str, cell: str) -> str:
    """A place in a workbook as a hyperlink's location: 'Sheet name'!G13 (always quoted)."""
    return "'" + sheet.replace("'", "''") + "'!" + cell


def distinct(values: Iterable[Any]) -> list[Any]:
    """The values in first-seen order, without repeats or blanks."""
    seen: dict[Any, None] = {}
    for value in values:
        if value not in (None, ""):
            seen.setdefault(value, None)
    return list(seen)


# ------------------------------------------------------------------------------ spreadsheet cells
# Shared by the 校验结果 sheet of the annotated copy and summary.xlsx. openpyxl is imported inside
# each function: only a run that writes a workbook pays for it.

NUMBER_FORMATS = {"rate": "0.00%", "amount": "#,##0.00", "score": "0.00", "deduction": "0.00",
                  "weight": "0.00", "total": "0.00"}
LINK_COLOUR = "0563C1"
HEADER_COLOUR = "D9E1F2"


def cell_value(text: Any, kind: str | None = None) -> tuple[Any, str | None]:
    """A finding's value as a spreadsheet should hold it: a number when it parses (a Decimal, exact),
    with the number format of what it is; otherwise the text as it is."""
    if text is None or text == "":
        return None, None
    if kind == "rate" or is_rate_text(text):
        value = rate_number(text)
        if value is not None:
            return value, "0.00%"
    value = number(text) if isinstance(text, str) else None
    if value is None:
        return text, None
    return value, NUMBER_FORMATS.get(kind or "", "General")


@lru_cache(maxsize=None)
def fill(colour: str):
    """A solid fill of ``colour`` (one shared object per colour: a cell keeps a copy of what it is
    given, and the 校验结果 writer tells formats apart faster by the objects they share)."""
    from openpyxl.styles import PatternFill

    return PatternFill("solid", start_color=colour, end_color=colour)


def write_cell(ws, row: int, col: int, value: Any, number_format: str | None = None):
    """Write a value as inert data: a text never becomes a formula (see :mod:`evaluator.outputs.inert`)."""
    from evaluator.outputs.inert import FORMULA_START, xlsx_text

    if isinstance(value, str):
        value = xlsx_text(value)
    cell = ws.cell(row=row, column=col, value=value)
    if isinstance(value, str) and value.startswith(FORMULA_START):
        cell.data_type = "s"
        cell.quotePrefix = True
    if number_format:
        cell.number_format = number_format
    return cell


def link_cell(cell, *, location: str | None = None, target: str | None = None, tooltip: str | None = None) -> None:
    """A hyperlink: ``location`` alone is a place in this workbook ('Sheet'!G13); with ``target`` it
    is that place in another file (file#'Sheet'!G13)."""
    from openpyxl.worksheet.hyperlink import Hyperlink

    cell.hyperlink = Hyperlink(ref=cell.coordinate, location=location, target=target, tooltip=tooltip)
    cell.font = _link_font()


@lru_cache(maxsize=None)
def _link_font():
    from openpyxl.styles import Font

    return Font(color=LINK_COLOUR, underline="single")


@lru_cache(maxsize=None)
def _header_look():
    """(font, fill, alignment, border) of a table's header cell, built once."""
    from openpyxl.styles import Alignment, Border, Font, Side

    return (Font(bold=True), fill(HEADER_COLOUR), Alignment(vertical="center", wrap_text=True),
            Border(bottom=Side(style="thin", color="8EA9DB")))


def header_row(ws, row: int, titles: Iterable[str], col: int = 1) -> None:
    font, header_fill, alignment, border = _header_look()
    for offset, title in enumerate(titles):
        cell = write_cell(ws, row, col + offset, title)
        cell.font = font
        cell.fill = header_fill
        cell.alignment = alignment
        cell.border = border


#: Printing on A4 landscape: at least this scale (percent); a wider table continues on the next page.
MIN_PRINT_SCALE = 60
#: Column width units that fit across an A4 landscape page at 100 % (about 267 mm of 1.9 mm units,
#: within the margins set by :func:`print_a4_landscape`).
PAGE_WIDTH_UNITS = 140


def print_a4_landscape(ws, title_rows: str | None, width: float, footer_right: str = "",
                       repeat_first_column: bool = False, fit_width: bool = False) -> None:
    """A4 landscape at the largest scale from 100 % down to :data:`MIN_PRINT_SCALE` that fits
    ``width`` (column width units) on one page; wider, the table continues on the next pages (its
    first column repeated with ``repeat_first_column``). With ``fit_width`` the program printing
    it scales the columns to one page wide itself (for a table whose widths keep that scale
    legible: a program whose default font is wider than Excel's then shrinks it a little more,
    rather than cut a row across two pages). Header rows repeated, the sheet's name and the page
    number (第 n 页，共 m 页) in the footer, ``footer_right`` at its right."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.sheet_properties.pageSetUpPr.fitToPage = fit_width
    if fit_width:
        ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    else:
        ws.page_setup.scale = max(MIN_PRINT_SCALE, min(100, int(100 * PAGE_WIDTH_UNITS / max(width, 1))))
    ws.page_setup.pageOrder = "overThenDown"
    ws.print_options.gridLines = False
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top, ws.page_margins.bottom = 0.5, 0.6
    if title_rows:
        ws.print_title_rows = title_rows
    if repeat_first_column and width * ws.page_setup.scale / 100 > PAGE_WIDTH_UNITS:
        ws.print_title_cols = "A:A"
    for footer in (ws.oddFooter, ws.evenFooter):
        footer.left.text = "&A"
        footer.center.text = "第 &P 页，共 &N 页"
        footer.right.text = footer_right or None


def landscape(ws, title_rows: str | None = None) -> None:
    """Printed landscape, every column on one page wide, as many pages tall as it takes."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.print_options.gridLines = False
    if title_rows:
        ws.print_title_rows = title_rows


# compiled on first use: only the workbook reports measure columns (a large character class is slow to compile)
_WIDE = lazy(r"[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]")


def display_width(value: Any) -> int:
    """Columns a value takes on screen: a Chinese character is two."""
    text = "" if value is None else str(value)
    longest = max(text.split("\n"), key=len) if text else ""
    return len(longest) + len(_WIDE.findall(longest))
