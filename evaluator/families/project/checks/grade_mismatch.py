"""The printed 评价等级 is not the band of the total.

Only where the form prints a grade (Yunnan's 公开14表 writes 优 beside the 总分; the national
template has none). The total is the recomputed one (the declared one when a score is not a
number); the bands are the edition's: nationally 优 90–100, 良 80–90, 中 60–80, 差 below 60.
An edition may accept a second set of bands (one vendor's 80/70/60); a grade that fits any
accepted set passes, as does the grade of the total once the score findings' expected scores are
in place (a wrong score is its own finding, not the grade's). 优秀 and 优（90分以上） read as 优; words that name no grade of the edition are not judged.

Why it matters: the grade is the form's conclusion; it must follow from the score.

Passing: ``总分 | 100 | 96 | 优``.
Failing: ``总分 | 100 | 86 | 优`` (86 is 良).
"""

from __future__ import annotations

from typing import Iterator

from evaluator.checks.base import Rule
from evaluator.families.project.checks.total_mismatch import score_findings
from evaluator.families.project.derive import corrected_total, grades_accepted, grading_total, policy, recomputed_total
from evaluator.families.project.model import ProjectForm
from evaluator.findings import Finding, Severity
from evaluator.values.numbers import fmt
from evaluator.values.text import norm_label

RULE = Rule(
    slug="grade-mismatch",
    severity=Severity.ERROR,
    title="评价等级与总分不符",
    message="评价等级：总分 {total} 属于“{expected}”，表中为“{actual}”",
    passing="总分 | 100 | 96 | 优",
    failing="总分 | 100 | 86 | 优（86 分为“良”）",
    catches="表中填写的评价等级与总分所在的等级区间不符（仅对印有评价等级的版本）",
    why="评价等级是整张表的结论，必须由总分得出",
)
_ALIASES = {"优秀": "优", "良好": "良", "中等": "中", "合格": "中", "较差": "差"}


def _grade_name(form: ProjectForm, text: str) -> str | None:
    """The edition's grade a printed text names: 优, 优秀 and 优（90分以上） are 优."""
    label = norm_label(text)
    label = _ALIASES.get(label, label)
    names = {name for bands in policy(form).grades for name, _ in bands}
    if label in names:
        return label
    starts = sorted((name for name in names if label.startswith(name)), key=len, reverse=True)
    return starts[0] if starts else None


def check(form: ProjectForm) -> Iterator[Finding]:
    if form.grade.ref is None or form.grade.undecided or form.grade.is_empty_text:
        return
    total = grading_total(form)
    if total is None:
        return
    declared = _grade_name(form, form.grade.text)
    if declared is None:
        return                          # words that name no grade of the edition: not judged
    accepted = grades_accepted(form, total)
    corrected = corrected_total(form, score_findings(form))
    if declared in accepted or (corrected is not None and declared in grades_accepted(form, corrected)):
        return
    label = "" if recomputed_total(form) is not None else "（申报）"
    yield RULE.emit(form.grade.ref, indicator="评价等级", expected=accepted[0], actual=form.grade.text,
                    expected_of="grade", total=fmt(total) + label, related=[form.total.ref],
                    arithmetic=f"总分 {fmt(total)}{label} → {accepted[0]}")
