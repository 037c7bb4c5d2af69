"""The file cannot be read as a workbook.

Reported by the engine, not by a check, with one line saying why (not a spreadsheet, damaged,
encrypted, too large) and what to do. The batch goes on with the next file.
"""

from __future__ import annotations

from evaluator.findings import Severity
from evaluator.checks.base import Rule

RULE = Rule(
    slug="unreadable",
    severity=Severity.ERROR,
    title="文件无法读取",
    message="{reason}",
    passing="a workbook saved by Excel, WPS or LibreOffice (.xlsx, .xlsm, .xls, .ods)",
    failing="a text file renamed to .xlsx",
)
