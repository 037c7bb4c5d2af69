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
    catches=(
        "文件能打开，但没有一张工作表里找得到可识别的绩效自评表：表头（一级指标、三级指标、"
        "分值、得分）、总分、评价等级等定位标志不全。"
    ),
    why=(
        "找不到表就无法做任何校验，这份文件不能算作通过；提示列出了找到和没找到的标志，"
        "便于判断是表头改了名，还是交错了文件。"
    ),
)
