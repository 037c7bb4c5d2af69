"""The file's content is not what its extension says: an HTML table or CSV text saved as ".xls"
(as web systems export them), or an .xlsx renamed to .xls.

Reported by the engine, not by a check: the file is read by its real format. Why it matters: Excel
warns when it opens such a file, and an HTML or CSV "workbook" has no formulas or formatting, so
its annotated copy is rebuilt from the values that were read.
"""

from __future__ import annotations

from evaluator.findings import Severity
from evaluator.checks.base import Rule

RULE = Rule(
    slug="wrong-extension",
    severity=Severity.INFO,
    title="扩展名与内容不符",
    message="文件扩展名是 {suffix}，内容却是{kind}；已按实际格式读取{consequence}",
    passing="an .xlsx saved by Excel",
    failing="a web system's export named 自评表.xls that is an HTML <table>",
    catches=(
        "文件内容与扩展名不符：网上系统导出的 HTML 表格或 CSV 文本存成了 .xls，"
        "或 .xlsx 改名成了 .xls；已按实际格式读取。"
    ),
    why="Excel 打开这类文件会先发出警告；HTML 和 CSV 没有公式和格式，批注副本只能按读到的值重建。",
)
