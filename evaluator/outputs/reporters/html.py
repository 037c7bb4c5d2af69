"""The run report as one HTML page (report.html): a search box and filters, charts, a table of
contents by unit, an overview of every form with a totals row, every finding, the paths found and
not read (未读取的路径) and the files that are not spreadsheets (其他文件), only when there are any,
and a section per form with its facts and its findings (cell, rule in Chinese, expected, actual,
arithmetic).

The page is self-contained: its style and its one script are inline, it loads nothing from the
network, so it works the same opened straight from disk, mailed, or archived. The script shows and
hides rows and reorders them (a search over forms and findings; filters by severity, rule,
department and family, kept in the address so that a reload or a link shows the same; sortable
columns), and redraws what follows the filters: the totals row, the charts, the table of contents,
the CSV export of the rows shown. Without it the page still reads in full, with the charts drawn
here as inline SVG. The page never scrolls sideways, at 1366 px or on a phone: wide tables scroll
inside their own box. Links to the annotated copies are relative to the page.

Every text from a workbook is escaped (autoescape is on, nothing is marked safe) and reaches the
script only through data attributes that it reads as text; the CSV it exports prefixes a cell that
begins with = + - or @ so that a spreadsheet never takes it for a formula.
The template is ``templates/report.html.j2``, shipped inside the package as ``evaluator.templates``.
"""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import IO, Any

from evaluator import __version__
from evaluator.outputs.reporters.common import (
    DASH, SEVERITIES, SEVERITY_LABELS, counts_sentence, department_of, distinct, expected_label, facts_lines,
    family_label, finding_details, href, number, relative_path, round_facts, rule_title, show_number, show_value,
    status_key, status_label)

TEMPLATE = "report.html.j2"
#: Bands of the chart of totals (the same as summary.xlsx's 统计).
TOTAL_BANDS = [(Decimal(0), Decimal(60), "60 以下"), (Decimal(60), Decimal(70), "60–70"),
               (Decimal(70), Decimal(80), "70–80"), (Decimal(80), Decimal(90), "80–90"),
               (Decimal(90), Decimal("1E9"), "90 及以上")]
GRADES = ("优", "良", "中", "差")


def template_text(name: str = TEMPLATE) -> str:
    """A template's text: from the source checkout when running from one, else the installed package."""
    package_dir = Path(__file__).resolve().parents[2]
    checkout = package_dir.parent
    if (checkout / "pyproject.toml").is_file() and (checkout / "templates" / name).is_file():
        return (checkout / "templates" / name).read_text("utf-8")
    return resources.files("evaluator.templates").joinpath(name).read_text("utf-8")


@lru_cache(maxsize=1)
def _template():
    from jinja2 import Environment, StrictUndefined

    environment = Environment(autoescape=True, undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    return environment.from_string(template_text())


def _score(text: Any) -> str:
    return show_number(text, 2) if text is not None else DASH


def _search_text(*parts: Any) -> str:
    """What the search box looks through, in lower case, on one line."""
    return " ".join(str(part) for part in parts if part not in (None, "")).replace("\n", " ").lower()


def _finding_view(finding: dict[str, Any], row: dict[str, Any], anchor: str) -> dict[str, Any]:
    kind = finding.get("expected_of")
    expected = finding.get("expected")
    where = f"{finding['sheet']}!{finding['cell']}" if finding.get("cell") else DASH
    return {
        "search": _search_text(row["path"], department_of(row), (row.get("facts") or {}).get("project_name"),
                               where, finding["rule"], rule_title(finding["rule"]), finding.get("indicator"),
                               finding.get("message")),
        **finding,
        "anchor": anchor,
        "path": row["path"],
        "family": row.get("family") or "",
        "department": department_of(row) or "",
        "severity_label": SEVERITY_LABELS.get(finding["severity"], finding["severity"]),
        "rule_title": rule_title(finding["rule"]),
        "where": f"{finding['sheet']}!{finding['cell']}" if finding.get("cell") else DASH,
        "actual_shown": show_value(finding.get("actual"), kind) if finding.get("actual") is not None else "",
        "actual_value": _sort_value(finding.get("actual")),
        "expected_label": expected_label(finding) if expected is not None or kind == "text" else "",
        "expected_shown": show_value(expected, kind) if expected is not None else "",
        "expected_value": _sort_value(expected),
        "details": finding_details(finding)[1:] if expected is not None or kind == "text" else finding_details(finding),
    }


def _sort_value(text: Any) -> str:
    value = number(text)
    return "" if value is None else str(value)


def _view(row: dict[str, Any], index: int, base: Path | None) -> dict[str, Any]:
    total, grade = row.get("total") or {}, row.get("grade") or {}
    anchor = f"f{index}"
    findings = [_finding_view(finding, row, anchor) for finding in row["findings"]]
    return {
        **row,
        "anchor": anchor,
        "status_class": status_key(row),
        "status_label": status_label(row),
        "family_key": row.get("family") or "",
        "family_label": family_label(row) or DASH,
        "department_shown": department_of(row) or "",
        "project_name": (row.get("facts") or {}).get("project_name") or "",
        "severities": " ".join(s for s in SEVERITIES if row["counts"].get(s)),
        "rules": " ".join(distinct(f["rule"] for f in row["findings"])),
        "has_total": bool(row.get("total")),
        "totals": [(label, _score(total.get(key)), _sort_value(total.get(key)))
                   for label, key in (("申报", "declared"), ("复核", "recomputed"), ("更正后", "corrected"))],
        "grades": [(label, grade.get(key) or DASH)
                   for label, key in (("申报", "declared"), ("应得", "computed"), ("更正后", "corrected"))],
        "has_grade": bool(row.get("grade")),
        "facts_lines": facts_lines(row) + round_facts(row),
        "annotated_href": href(row.get("annotated"), base),
        "annotated_name": relative_path(row.get("annotated"), base),
        "findings": findings,
        "unit": department_of(row) or "（未读出部门）",
        "file_name": Path(row["path"]).name,
        "search": _search_text(row["path"], row.get("sheet"), department_of(row),
                               (row.get("facts") or {}).get("project_name"), (row.get("facts") or {}).get("unit"),
                               row.get("form"), status_label(row), *(finding["search"] for finding in findings)),
    }


def _contents(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The table of contents: the forms grouped by unit (部门), units in name order."""
    units: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        units.setdefault(row["unit"], []).append(row)
    return [{"unit": unit, "rows": members, "errors": sum(1 for r in members if r["status_class"] in ("error", "unreadable"))}
            for unit, members in sorted(units.items(), key=lambda item: item[0])]


def _average(rows: list[dict[str, Any]], key: str) -> str:
    values = [number((row.get("total") or {}).get(key)) for row in rows]
    values = [value for value in values if value is not None]
    if not values:
        return DASH
    return show_number(sum(values) / len(values), 2)


# ------------------------------------------------------------------------------------------ charts

COLOURS = {"error": "#c0392b", "warning": "#d68910", "info": "#2e86c1",
           "申报": "#a6a6a6", "复核": "#2e75b6", "应得": "#2e75b6", "更正后": "#70ad47"}


def _rules_chart(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Horizontal stacked bars: findings per rule, by severity."""
    counts: dict[str, dict[str, int]] = {}
    for row in rows:
        for finding in row["findings"]:
            counts.setdefault(finding["rule"], dict.fromkeys(SEVERITIES, 0))[finding["severity"]] += 1
    order = sorted(counts, key=lambda rule: (-sum(counts[rule].values()), -counts[rule]["error"], rule))
    label_width, bar_width, row_height, top = 250, 330, 24, 8
    largest = max((sum(c.values()) for c in counts.values()), default=0)
    bars = []
    for position, rule in enumerate(order):
        y = top + position * row_height
        x = label_width
        segments = []
        for severity in SEVERITIES:
            n = counts[rule][severity]
            if not n:
                continue
            width = bar_width * n / largest
            segments.append({"x": round(x, 1), "width": round(width, 1), "colour": COLOURS[severity],
                             "title": f"{rule_title(rule)}：{SEVERITY_LABELS[severity]} {n} 处", "severity": severity})
            x += width
        bars.append({"y": y, "rule": rule, "label": rule_title(rule), "total": sum(counts[rule].values()),
                     "segments": segments, "end": round(x, 1)})
    return {"width": label_width + bar_width + 50, "height": top * 2 + max(1, len(order)) * row_height,
            "bars": bars, "label_width": label_width, "row_height": row_height}


def _grouped_chart(categories: list[str], series: dict[str, list[int]]) -> dict[str, Any]:
    """Vertical bars: for each category, one bar per series (申报, 复核 or 应得, 更正后)."""
    width, height, left, bottom, top = 420, 200, 30, 36, 16
    plot = height - bottom - top
    largest = max([max(values, default=0) for values in series.values()] + [1])
    group = (width - left - 10) / max(1, len(categories))
    bar = max(2, min(22, (group - min(12, group / 4)) / max(1, len(series))))
    groups = []
    for index, category in enumerate(categories):
        x0 = left + index * group + (group - bar * len(series)) / 2
        bars = []
        for offset, (name, values) in enumerate(series.items()):
            value = values[index]
            h = plot * value / largest
            bars.append({"x": round(x0 + offset * bar, 1), "y": round(top + plot - h, 1), "width": round(bar - 2, 1),
                         "height": round(h, 1), "colour": COLOURS[name], "value": value,
                         "title": f"{category}：{name} {value} 张"})
        groups.append({"label": category, "x": round(left + index * group + group / 2, 1), "bars": bars})
    return {"width": width, "height": height, "groups": groups, "baseline": top + plot, "left": left,
            "legend": [{"name": name, "colour": COLOURS[name]} for name in series], "largest": largest,
            "top": top}


def histogram_bins(values: list[Decimal]) -> tuple[int, int, int]:
    """The bins of the histogram of totals: (first, width, count), whole points wide (1, 2, 5 or 10
    points, the narrowest that gives at most 40 bins), starting at a multiple of the width."""
    if not values:
        return 0, 1, 0
    low, high = int(min(values) // 1), int(max(values) // 1)
    for width in (1, 2, 5, 10, 20, 50, 100):
        first = low - low % width
        count = (high - first) // width + 1
        if count <= 40:
            return first, width, count
    return first, width, count


def _totals_chart(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """A histogram of 复核总分 (the total the form's own scores give), whole-point bins: the spread."""
    values = [v for v in (number((row.get("total") or {}).get("recomputed")) for row in rows) if v is not None]
    first, width, count = histogram_bins(values)
    counts = [0] * count
    for value in values:
        counts[int((value // 1 - first) // width)] += 1
    labels = [str(first + index * width) for index in range(count)]
    chart = _grouped_chart(labels, {"复核": counts})
    step = max(1, -(-count // 10))   # a label every few bins: at most 10 labels
    for index, group in enumerate(chart["groups"]):
        group["show_label"] = index % step == 0
    chart["ticks"] = _ticks(chart)
    return chart


def _ticks(chart: dict[str, Any]) -> list[dict[str, Any]]:
    """Whole-number ticks of a count axis: 0, the largest, and a few whole steps between."""
    largest = chart["largest"]
    step = max(1, -(-largest // 4))
    plot = chart["baseline"] - chart["top"]
    return [{"value": value, "y": round(chart["baseline"] - plot * value / largest, 1)}
            for value in range(0, largest + 1, step)] if largest else []


def _grades_chart(rows: list[dict[str, Any]]) -> dict[str, Any]:
    keys = (("申报", "declared"), ("应得", "computed"), ("更正后", "corrected"))
    seen = {(row.get("grade") or {}).get(key) for row in rows for _, key in keys}
    categories = list(GRADES) + sorted(name for name in seen if name and name not in GRADES)
    series = {label: [sum(1 for row in rows if (row.get("grade") or {}).get(key) == name) for name in categories]
              for label, key in keys}
    chart = _grouped_chart(categories, series)
    for group in chart["groups"]:
        group["show_label"] = True
    chart["ticks"] = _ticks(chart)
    return chart


def render(data: dict[str, Any], stream: IO[str], base: Path | None = None) -> None:
    rows = [_view(row, index, base) for index, row in enumerate(data["files"], start=1)]
    # Paths a folder walk found and did not read (links out of the folder, pipes, devices): a short
    # section of their own, counted in the summary sentence; never rows of the overview.
    skipped = [{"path": item["path"], "reason": item["reason"]} for item in data.get("skipped") or []]
    page = _template().render(
        rows=rows,
        findings=[finding for row in rows for finding in row["findings"]],
        has_project=any(row["project_name"] or "project_name" in (entry.get("facts") or {})
                        for row, entry in zip(rows, data["files"])),
        summary=data["summary"],
        skipped=skipped,
        skipped_count=data["summary"].get("skipped", len(skipped)),
        others=[{"path": item["path"], "reason": item["reason"]} for item in data.get("others") or []],
        counts_sentence=counts_sentence(data["summary"]),
        totals={"error": sum(row["counts"]["error"] for row in rows),
                "warning": sum(row["counts"]["warning"] for row in rows),
                "info": sum(row["counts"]["info"] for row in rows),
                "declared": _average(rows, "declared"), "recomputed": _average(rows, "recomputed"),
                "corrected": _average(rows, "corrected")},
        filters={
            "rules": [(rule, rule_title(rule)) for rule in sorted(distinct(f["rule"] for row in rows for f in row["findings"]))],
            "departments": sorted(distinct(row["department_shown"] for row in rows)),
            "families": [(row["family_key"], row["family_label"]) for row in
                         {row["family_key"]: row for row in rows if row["family_key"]}.values()],
        },
        severities=[(severity, SEVERITY_LABELS[severity]) for severity in SEVERITIES],
        charts={"rules": _rules_chart(rows), "totals": _totals_chart(rows), "grades": _grades_chart(rows)},
        contents=_contents(rows),
        colours=COLOURS,
        generated=datetime.now().astimezone().strftime("%Y-%m-%d %H:%M"),
        version=__version__,
    )
    stream.write(page)
    if not page.endswith("\n"):
        stream.write("\n")
