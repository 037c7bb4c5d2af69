"""A readable workbook holds no recognizable form.

Reported by the reader, not by a check: the message lists the labels that locate the form (the
title, the 三级指标 / 得分 / 分值 headers, 总分, 评价等级) and which of them were found where, so the
accountant can see what is off (a renamed header, the wrong file).
"""

from __future__ import annotations

from evaluator.findings import Severity
from evaluator.checks.base import Rule

RULE = Rule(
    slug="form-not-found",
    severity=Severity.ERROR,
    title="未找到自评表",
    message="未找到可识别的绩效自评表。{details}",
    passing="a sheet with the header row 一级指标 | 分值 | … | 三级指标 | 分值 | 得分 | …",
    failing="a workbook whose only sheet is a list of projects",
)
