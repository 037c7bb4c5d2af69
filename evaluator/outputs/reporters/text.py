"""A short human summary: one block per form, one line per finding, a closing count.

Every text that comes from a file (its name, a cell quoted in a message) is printed without control
characters, so a cell or a file name cannot move the cursor, recolour or retitle the terminal.
"""

from __future__ import annotations

from typing import Any, TextIO

from evaluator.families import family_title, filed_as
from evaluator.outputs.inert import printable
from evaluator.outputs.reporters.common import (
    SEVERITY_LABELS, alternatives_text, consequence_text, counts_sentence, coverage_text, edition_label, filled_facts,
    reviewed_text, round_line, rule_label)

#: The short tag of a finding against the last round.
ROUND_TAGS = {"new": "〔新〕", "still": "〔仍在〕"}


class _Printable:
    """A stream that prints each line without control characters (the newline that ends it aside)."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream

    def write(self, text: str) -> None:
        self.stream.write("\n".join(printable(line) for line in text.split("\n")))


def render(data: dict[str, Any], stream: TextIO, base: str | None = None) -> None:
    stream = _Printable(stream)
    rows = data["files"]
    for row in rows:
        where = f" [{row['sheet']}]" if row["sheet"] else ""
        head = f"{row['path']}{where}"
        if row["department"]:
            head += f" — {row['department']}"
        if row["year"]:
            head += f" {row['year']}年度"
        stream.write(head + "\n")
        if row["status"] == "unchanged":
            stream.write("  未变化，沿用上次结果\n")
        other = filed_as(row.get("family"), row.get("form"))
        if other is not None:
            # A form filed on another form's template (a 部门整体 form on the project template):
            # read as what it is laid out as, and said.
            stream.write(f"  表头为“{row['form']}”，按{family_title(row.get('family'))}的版式读取和校验：{edition_label(row)}\n")
        facts = filled_facts(row)
        if facts:
            stream.write("  " + "；".join(f"{label} {value}" for label, value in facts) + "\n")
        read = coverage_text(row)
        if read:
            stream.write(f"  {read}\n")
        total, grade = row["total"] or {}, row["grade"] or {}
        if total.get("recomputed") is not None or total.get("declared") is not None:
            # 更正后: the total once every finding's expected score is in place, shown when it differs.
            corrected = "corrected" in total and total["corrected"] != total.get("recomputed")
            line = f"  总分 申报 {total['declared'] or '—'} / 复核 {total['recomputed'] or '—'}"
            if corrected:
                line += f" / 更正后 {total.get('corrected') or '—'}"
            if grade:
                line += f"；评价等级 申报 {grade['declared'] or '—'} / 应为 {grade['computed'] or '—'}"
                if corrected and grade.get("corrected") != grade.get("computed"):
                    line += f" / 更正后 {grade.get('corrected') or '—'}"
            stream.write(line + "\n")
        for finding in row["findings"]:
            cell = f"{finding['sheet']}!{finding['cell']}" if finding["cell"] else "—"
            label = SEVERITY_LABELS.get(finding["severity"], finding["severity"])
            line = f"  {cell} {label} {rule_label(finding['rule'])}  {finding['message']}"
            if finding.get("expected") is None and finding.get("alternatives"):
                line += f"；{alternatives_text(finding)}"
            follows = consequence_text(finding)
            if follows:
                line += f"〔{follows}〕"
            line += ROUND_TAGS.get(finding.get("since_last") or "", "")
            reviewed = reviewed_text(finding)
            if reviewed:
                line += f"〔{reviewed}，不计入 --fail-on〕"
            stream.write(line + "\n")
        said = round_line(row)
        if said:
            stream.write(f"  {said}\n")
        for finding in (row.get("since_last") or {}).get("fixed") or []:
            cell = f"{finding.get('sheet')}!{finding.get('cell')}" if finding.get("cell") else "—"
            stream.write(f"    已更正 {cell} {rule_label(finding.get('rule') or '')}  {finding.get('message') or ''}\n")
        if not row["findings"] and row["status"] == "ok":
            stream.write("  通过：未发现问题\n")
        if row["annotated"]:
            stream.write(f"  批注副本：{row['annotated']}\n")
    for item in data.get("others") or []:   # not a spreadsheet: one line each, like a form
        stream.write(f"{item['path']}\n  {item['reason']}\n")
    stream.write(f"\n{counts_sentence(data['summary'])}\n")
    for item in data.get("skipped") or []:   # found and deliberately not read
        stream.write(f"跳过 {item['path']}：{item['reason']}\n")
