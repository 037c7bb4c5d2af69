"""The scored tree's rows as every family's shared row rules see them."""

from __future__ import annotations

from evaluator.checks.rows import ScoredRow
from evaluator.families.department.tree.model import TreeForm


def scored_rows(form: TreeForm) -> list[ScoredRow]:
    reason = form.edition.model.columns.reason[0] if form.edition.model.columns.reason else "扣分原因"
    return [ScoredRow(label=row.name, score=row.score, weight=row.weight.number, weight_cell=row.weight,
                      explanations=((reason, row.reason),) if row.reason.ref is not None else ())
            for row in form.rows]
