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
    catches=(
        "文件无法作为工作簿读取：不是电子表格、已损坏或不完整、设有打开密码、超过读取限制，"
        "或处理用时超过 --timeout。"
    ),
    why="这份文件没有经过任何校验，不能当作通过；提示说明了原因和处理办法，其余文件照常检查。",
)
