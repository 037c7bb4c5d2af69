"""The ticked 评价等级 is not the band of the total, or no box or several boxes are ticked.

The total is the recomputed Σ 得分 (the declared total when the recomputation is undecided); the
bands are the catalog's, half-open as printed: 优 90≤得分≤100, 良 80≤得分<90, 中 60≤得分<80,
差 得分<60. The finding sits on the ticked box (the first box when none is), with the 总分 cell in
``related``.

Why it matters: the grade is the form's conclusion; it must follow from the score.
"""

from __future__ import annotations

from typing import Iterator

from evaluator.families.department.catalog import Catalog
from evaluator.families.department.derive import computed_grade, grading_total, recomputed_total
from evaluator.findings import Finding, Severity
from evaluator.families.department.model import Form
from evaluator.values.numbers import fmt
from evaluator.checks.base import Rule

RULE = Rule(
    slug="grade-mismatch",
    severity=Severity.ERROR,
    title="评价等级与总分不符",
    message="评价等级：总分 {total} 属于“{expected}”（{band}），勾选的是“{actual}”",
    passing="总分 94.31，☑优",
    failing="总分 94.31，☑良",
    catches=(
        "勾选的评价等级与总分所在的等级区间不符（优 90–100，良 80–90，中 60–80，"
        "差 60 以下），或者没有勾选、勾选了不止一个等级。"
    ),
    why="评价等级是自评表的结论，必须由总分得出。",
)
NONE_TICKED = "评价等级：没有勾选任何等级，总分 {total} 应勾选“{expected}”"
SEVERAL = "评价等级：勾选了多个等级（{actual}），总分 {total} 应只勾选“{expected}”"


def check(form: Form, catalog: Catalog) -> Iterator[Finding]:
    band = computed_grade(form, catalog)
    total = grading_total(form)
    if band is None or total is None:
        return
    ticked = [mark for mark in form.grade_marks if mark.ticked]
    label = "" if recomputed_total(form) is not None else "（申报）"
    related = [form.total.ref]
    if not ticked:
        ref = form.grade_marks[0].ref if form.grade_marks else form.total.ref
        yield RULE.emit(ref, indicator="评价等级", expected=band.name, actual="（未勾选）",
                        message=NONE_TICKED, total=fmt(total) + label,
                        expected_of="grade", related=related)
    elif len(ticked) > 1:
        yield RULE.emit(ticked[0].ref, indicator="评价等级", expected=band.name,
                        actual="、".join(mark.name for mark in ticked), message=SEVERAL, total=fmt(total) + label,
                        expected_of="grade", related=related)
    elif ticked[0].name != band.name:
        yield RULE.emit(ticked[0].ref, indicator="评价等级", expected=band.name, actual=ticked[0].name,
                        total=fmt(total) + label, band=band.describe(),
                        expected_of="grade", related=related)
