"""Part of a department-wide form's indicator table was not read, so the form was not wholly checked (warning).

What was read is counted (``coverage``): the indicator rows read and the points they carry (Σ 分值
of the 三级 rows, plus a coefficient form's 执行率权重) against the form's total (its printed total
分值, else the edition's 100). A form is partly read when

- the reader saw rows it could not read: a 三级 row whose 分值 is not a number, a row with 分值 and
  得分 but no indicator name;
- a Guangzhou-style catalog table is recognised only in part: enough of its 三级 indicators to be
  the catalog's (``claim_share``), too few to be judged as the whole form (``whole_share``). Then
  the rows that are the catalog's are judged one by one; the indicators not found and the rows
  that are none of them are named here, once, instead of one missing-indicator per absent row and
  sums and totals that cannot hold;
- or the points read fall short of the total while every sum of 分值 holds (a copy cut off before
  its total row; a sum that does not hold is ``weight-sum``'s, not a reading gap).

The finding sits on the indicator table's header cell. Such a form is never counted as 通过.

Why it matters: a form that passes without its indicator table having been read certifies what
nobody checked; an auditor needs to know which part to check by hand.

Passing: a Hunan 评分表 whose 三级 rows carry 100 of 100 points.
Failing: the same table cut off after 预算执行: 5 rows, 35/100 points, no total row.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterator

from evaluator.checks.base import Rule
from evaluator.checks.partly_read import partly_read, short
from evaluator.families.base import Coverage
from evaluator.findings import CellRef, Finding, Severity

if TYPE_CHECKING:
    from evaluator.families.department.catalog import Catalog
    from evaluator.families.department.model import Form

RULE = Rule(
    slug="form-partly-read",
    severity=Severity.WARNING,
    title="表格未完整读取",
    message="只读取了 {read} 项指标，计 {points}/{total} 分：{what}；未读取的部分没有校验，请人工核对",
    passing="湖南评分表：读取 9 项三级指标，计 100/100 分",
    failing="湖南评分表在“预算执行”之后中断、没有合计行：读取 5 项指标，计 35/100 分",
    catches="指标表只读取了一部分（有看到但读不懂的行、只认出指标目录的一部分、读到的分值合计少于总分），这样的表不计为通过",
    why="没有读到的指标就没有校验；把没读完的表当作“通过”，等于为没人核对过的内容作保",
)


def judge(found: Coverage, where: CellRef | None, sums_hold: bool = True) -> Iterator[Finding]:
    """The finding for a form read as ``found`` says, at ``where`` (the table's header cell);
    ``sums_hold``: every sum of 分值 on the form holds (else a shortfall is weight-sum's)."""
    reasons = [f"{item['where']}：{item['why']}" for item in found.not_read]
    if not reasons and short(found) and sums_hold:
        reasons.append("读到的分值合计少于总分，其余指标行可能未被读取（表格可能在此之后被截断）"
                       if found.indicators_read else "没有读到任何指标行")
    yield from partly_read(RULE, where, "指标表", found, reasons)


def check(form: "Form", catalog: "Catalog") -> Iterator[Finding]:
    """A catalog form: said only where the table is recognised in part (see the module)."""
    from evaluator.families.department.coverage import catalog_coverage, wholly_recognised

    if wholly_recognised(form, catalog):
        return
    yield from judge(catalog_coverage(form, catalog), form.header_ref, sums_hold=False)
