"""Build scored-tree department forms (the Hunan 评分表, the 投入/过程 指标表) directly with openpyxl:
consistent random forms, and the same with one planted fault.

A form is a tree of :class:`Leaf` rows, each with its 分值, a printed 评分标准 of a known shape and
the set of scores that rule allows; :func:`random_form` draws a score from that set for every row
(with a reason where points are lost), :func:`plant` breaks one thing and says which row and rule
must report it, :func:`write` lays the form out as its edition prints it (merged or repeated group
labels, points in brackets or in columns, a title or a web page's 部门(单位)名称 head).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook

D = Decimal


@dataclass(frozen=True)
class Leaf:
    name: str
    weight: Decimal
    rule: str              # the printed 评分标准
    allowed: tuple[Decimal, ...] | None   # None: proportional, any 0…weight at 0.01
    explanation: str = ""


def cap(name: str, weight: int, step: str) -> Leaf:
    w, s = D(weight), D(step)
    values = []
    value = w
    while value >= 0:
        values.append(value)
        value -= s
    return Leaf(name, w, f"{name}≤100%得满分，每超1个百分点扣{step}分，扣完为止", tuple(values + [D(0)]))


def bands(name: str, weight: int, middle: int) -> Leaf:
    return Leaf(name, D(weight), f"≥90%得{weight}分，80%（含）-90%得{middle}分，80%以下不得分",
                (D(weight), D(middle), D(0)))


def checklist(name: str, parts: tuple[int, ...]) -> Leaf:
    sums = {D(0)}
    for part in parts:
        sums |= {value + part for value in sums}
    marks = "①②③④⑤"
    text = "；".join(f"{marks[i]}第{i + 1}项制度已建立并执行得{part}分" for i, part in enumerate(parts))
    return Leaf(name, D(sum(parts)), text, tuple(sorted(sums, reverse=True)))


def counted(name: str, weight: int, step: str) -> Leaf:
    leaf = cap(name, weight, step)
    return replace(leaf, rule=f"每发现一项问题扣{step}分，扣完为止")


def proportional(name: str, weight: int) -> Leaf:
    return Leaf(name, D(weight), "按完成比例计分", None)


#: The tree: (一级, [(二级, [leaves])]), 100 points in all.
TREE: list[tuple[str, list[tuple[str, list[Leaf]]]]] = [
    ("投入", [("预算配置", [cap("财政供养人员控制率", 3, "0.5"), cap("“三公经费”变动率", 3, "0.5"),
                            bands("重点支出安排率", 9, 7)])]),
    ("过程", [("预算执行", [cap("预算完成率", 10, "0.5"), counted("结转结余率", 10, "1")]),
              ("预算管理", [checklist("管理制度健全性", (2, 2, 1)), counted("资金使用合规性", 10, "1")])]),
    ("产出", [("职责履行", [proportional("重点工作完成率", 30)])]),
    ("效果", [("履职效益", [bands("社会公众满意度", 15, 12), proportional("政府采购执行率", 5)])]),
]


@dataclass
class Row:
    level1: str
    level2: str
    leaf: Leaf
    weight: Decimal
    score: Decimal | str
    reason: str = ""


@dataclass
class TreeForm:
    layout: str                    # hunan | indicators
    rows: list[Row]
    group_weights: dict[str, Decimal]
    total: Decimal | None = None   # None: the sum of the scores
    total_weight: Decimal = D(100)
    grade: str | None = None       # written in a 评价等级 row (Hunan only)
    title: bool = True
    merged: bool = True
    extra: dict = field(default_factory=dict)

    @property
    def recomputed(self) -> Decimal:
        return sum((row.score for row in self.rows if isinstance(row.score, Decimal)), D(0))


def grade_of(total: Decimal) -> str:
    return "优" if total >= 90 else "良" if total >= 80 else "中" if total >= 60 else "差"


def random_form(rng: random.Random, layout: str) -> TreeForm:
    rows = []
    weights: dict[str, Decimal] = {}
    for one, twos in TREE:
        for two, leaves in twos:
            for leaf in leaves:
                if leaf.allowed is None:
                    score = (leaf.weight * D(rng.randint(60, 100)) / 100).quantize(D("0.01"))
                else:
                    score = rng.choice(leaf.allowed) if rng.random() < 0.5 else leaf.weight
                reason = f"{leaf.name}未达到满分标准，扣{leaf.weight - score}分" if score < leaf.weight else ""
                rows.append(Row(one, two, leaf, leaf.weight, score, reason))
                weights[two] = weights.get(two, D(0)) + leaf.weight
                weights[one] = weights.get(one, D(0)) + leaf.weight
    form = TreeForm(layout=layout, rows=rows, group_weights=weights, title=rng.random() < 0.7,
                    merged=rng.random() < 0.6)
    if layout == "hunan" and rng.random() < 0.5:
        form.grade = grade_of(form.recomputed)
    return form


#: The faults one can plant, by layout.
FAULTS = {
    "hunan": ("subtotal", "over", "not-allowed", "reason", "total", "grade"),
    "indicators": ("subtotal", "over", "not-allowed", "total"),
}


def plant(rng: random.Random, form: TreeForm, fault: str) -> tuple[str, int | str]:
    """Break ``form`` in one way; return the rule that must report it and the index of its row
    (``"total"`` / ``"grade"`` for the closing rows; for ``subtotal`` the first row of the group).
    A written grade follows the new scores unless the grade is the fault."""
    found = _plant(rng, form, fault)
    if form.grade is not None and fault != "grade":
        form.grade = grade_of(form.recomputed)
    return found


def _plant(rng: random.Random, form: TreeForm, fault: str) -> tuple[str, int | str]:
    rows = form.rows
    if fault == "subtotal":
        index = next(i for i, row in enumerate(rows) if row.leaf.name == "资金使用合规性")
        rows[index].weight += 1      # counted in whole points: every score stays allowed
        rows[index].reason = rows[index].reason or "发现一项问题"
        first = next(i for i, row in enumerate(rows) if row.level2 == rows[index].level2)
        form.extra["lost_reason"] = index
        return "weight-sum", first
    if fault == "over":
        index = rng.randrange(len(rows))
        rows[index].score = rows[index].weight + D("0.5")
        rows[index].reason = ""
        return "score-out-of-range", index
    if fault == "not-allowed":
        index = next(i for i, row in enumerate(rows) if row.leaf.name == "重点支出安排率")
        rows[index].score = D(8)
        rows[index].reason = "安排率85%"
        return "score-not-allowed", index
    if fault == "reason":
        index = rng.choice([i for i, row in enumerate(rows) if row.leaf.allowed and len(row.leaf.allowed) > 1])
        rows[index].score = sorted(rows[index].leaf.allowed, reverse=True)[1]
        rows[index].reason = ""
        return "missing-explanation", index
    if fault == "total":
        form.total = form.recomputed + (D(1) if form.recomputed <= 99 else D(-1))
        return "total-mismatch", "total"
    if fault == "grade":
        right = grade_of(form.recomputed)
        form.grade = next(name for name in ("优", "良", "中", "差") if name != right)
        return "grade-mismatch", "grade"
    raise ValueError(fault)


def _header(layout: str) -> list[str]:
    if layout == "hunan":
        return ["一级指标", "二级指标", "三级指标", "评分标准", "分值", "自评得分", "扣分原因和其他说明"]
    return ["一级指标", "分值", "二级指标", "分值", "三级指标", "分值", "评价标准", "指标说明", "得分"]


def write(form: TreeForm, path: Path) -> dict[str | int, int]:
    """Write the form; return the sheet row of each form row (by index) and of ``total``/``grade``."""
    wb = Workbook()
    ws = wb.active
    ws.title = "评分表" if form.layout == "hunan" else "指标表"
    r = 1
    if form.title:
        ws.cell(r, 1, "附件3-1" if form.layout == "hunan" else "附件1")
        r += 1
        ws.cell(r, 1, "2023年度部门整体支出绩效评价评分表" if form.layout == "hunan" else "部门整体支出绩效评价指标表")
        r += 1
    ws.cell(r, 1, "部门(单位)名称")
    ws.cell(r, 2, "某县农业农村局")
    r += 1
    for c, label in enumerate(_header(form.layout), start=1):
        ws.cell(r, c, label)
    r += 1
    where: dict[str | int, int] = {}
    spans: dict[tuple[int, str], list[int]] = {}
    for index, row in enumerate(form.rows):
        where[index] = r
        spans.setdefault((1, row.level1), []).append(r)
        spans.setdefault((2, row.level2), []).append(r)
        w1, w2 = form.group_weights[row.level1], form.group_weights[row.level2]
        score = row.score if isinstance(row.score, str) else float(row.score) if row.score % 1 else int(row.score)
        weight = float(row.weight) if row.weight % 1 else int(row.weight)
        if form.layout == "hunan":
            values = [f"{row.level1}({w1}分)", f"{row.level2}({w2}分)", row.leaf.name, row.leaf.rule, weight, score,
                      row.reason or None]
        else:
            values = [row.level1, int(w1), row.level2, int(w2), row.leaf.name, weight, row.leaf.rule,
                      row.leaf.explanation or f"反映{row.leaf.name}情况", score]
        for c, value in enumerate(values, start=1):
            ws.cell(r, c, value)
        r += 1
    if form.merged:
        cols = (1, 2) if form.layout == "hunan" else (1, 2, 3, 4)
        for (level, _), rows in spans.items():
            if len(rows) < 2:
                continue
            for c in cols:
                if form.layout == "hunan" and c != level:
                    continue
                if form.layout == "indicators" and (c + 1) // 2 != level:
                    continue
                for other in rows[1:]:
                    ws.cell(other, c).value = None
                ws.merge_cells(start_row=rows[0], start_column=c, end_row=rows[-1], end_column=c)
    total = form.total if form.total is not None else form.recomputed
    total_value = float(total) if total % 1 else int(total)
    where["total"] = r
    if form.layout == "hunan":
        ws.cell(r, 1, "合计")
        ws.cell(r, 5, int(form.total_weight))
        ws.cell(r, 6, total_value)
    else:
        ws.cell(r, 1, "合计")
        ws.cell(r, 2, int(form.total_weight))
        ws.cell(r, 9, total_value)
    r += 1
    if form.grade is not None:
        where["grade"] = r
        ws.cell(r, 1, "评价等级")
        ws.cell(r, 2, form.grade)
    wb.save(path)
    return where
