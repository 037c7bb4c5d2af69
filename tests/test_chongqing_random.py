"""Random Chongqing 部门整体绩效自评表 (得分系数) forms: consistent forms give no error or warning,
each planted fault (执行率, 执行率得分, 指标得分, 自评总分, weights) is found at its row."""

from __future__ import annotations

import random
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
from openpyxl import Workbook

from evaluator.findings import Severity
from evaluator.runner.engine import check_file
from evaluator.values.cells import coordinates
from findingsets import independent, stray_consequences

D = Decimal
NAMES = ["政府采购执行率", "党性教育培训次数", "新闻宣传报道量", "公众满意度", "信息公开及时率", "重点任务完成数"]
FAULTS = {"execution-rate": "funds", "rate-score": "funds", "coefficient-score": "indicator",
          "total-mismatch": "total", "weight-sum": "last"}


def _round(value: Decimal) -> Decimal:
    return value.quantize(D("0.01"), rounding=ROUND_HALF_UP)


def build(rng: random.Random, fault: str | None, path: Path) -> dict[str, int]:
    budget = D(rng.randint(100, 5000))
    spent = _round(budget * D(rng.randint(600, 1000)) / 1000)
    rate = (spent / budget).quantize(D("0.0001"), rounding=ROUND_HALF_UP)
    percent_points = rng.random() < 0.5        # 76.23 under 执行率(%) rather than 76.23%
    rate_weight = D(rng.choice([10, 15, 20]))
    rate_score = _round(rate * rate_weight)
    count = rng.randint(3, 6)
    left = 100 - int(rate_weight)
    weights = [D(left // count)] * count
    weights[-1] += left - sum(weights)
    indicators = []
    for name, weight in zip(NAMES, weights):
        coefficient = D(rng.choice([100, 100, 90, 80, 60]))
        indicators.append([name, weight, coefficient, _round(coefficient / 100 * weight)])
    where = {"funds": 5}
    if fault == "execution-rate":
        rate += D("0.02")
        rate_score = _round(rate * rate_weight)
    elif fault == "rate-score":
        rate_score += D(1)
    elif fault == "coefficient-score":
        index = rng.randrange(count)
        indicators[index][3] += D("0.5") if indicators[index][3] + D("0.5") <= indicators[index][1] else D("-0.5")
        where["indicator"] = 7 + index
    elif fault == "weight-sum":
        indicators[-1][1] += 1
        indicators[-1][3] = _round(indicators[-1][2] / 100 * indicators[-1][1])
    total = rate_score + sum(row[3] for row in indicators)
    if fault == "total-mismatch":
        total += D(1)
    where["total"], where["last"] = 3, 6 + count
    wb = Workbook()
    ws = wb.active
    ws.title = "部门整体绩效自评表"
    ws.append(["部门整体绩效自评表"])
    ws.append(["（2023年度）"])
    ws.append(["主管部门", "某区融媒体中心", None, "财政处室", "文化科", None, "自评总分(分)", float(total)])
    ws.append(["部门预算执行情况", "年初预算数", "全年(调整)预算数", "全年执行数", "执行率(%)", "执行率权重", "执行率得分(分)"])
    shown = float(rate * 100) if percent_points else f"{rate * 100:.2f}%"
    ws.append([None, float(budget), float(budget), float(spent), shown, float(rate_weight), float(rate_score)])
    ws.append(["绩效指标", "指标名称", "计量单位", "指标性质", "年初指标值", "调整指标值", "全年完成值", "得分系数(%)",
               "指标权重(分)", "指标得分(分)", "是否核心指标"])
    for name, weight, coefficient, score in indicators:
        ws.append([None, name, "%", "定量指标", "≥90%", "≥90%", "95%", f"{coefficient}%", float(weight), float(score), "是"])
    wb.save(path)
    return where


@pytest.mark.parametrize("seed", range(12))
def test_a_consistent_chongqing_form_has_no_error_or_warning(seed, tmp_path, definitions):
    build(random.Random(f"cq-{seed}"), None, tmp_path / "form.xlsx")
    [form] = check_file(tmp_path / "form.xlsx", definitions).forms
    assert form.edition == "chongqing-department-coefficient"
    assert [(f.rule, f.cell, f.message) for f in form.findings if f.severity is not Severity.INFO] == []
    assert form.total.declared == form.total.recomputed


@pytest.mark.parametrize("fault", sorted(FAULTS))
@pytest.mark.parametrize("seed", range(4))
def test_a_planted_chongqing_fault_is_found_at_its_row(fault, seed, tmp_path, definitions):
    where = build(random.Random(f"cq-{fault}-{seed}"), fault, tmp_path / "form.xlsx")
    [form] = check_file(tmp_path / "form.xlsx", definitions).forms
    loud = independent(f for f in form.findings if f.severity is not Severity.INFO)
    assert stray_consequences(form.findings, loud) == []
    assert [f.rule for f in loud] == [fault], [(f.rule, f.cell, f.message) for f in loud]
    assert coordinates(loud[0].cell)[0] == where[FAULTS[fault]]
