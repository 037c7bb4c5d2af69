"""Findings as a test reads them: the independent errors, and the consequences that follow from
them (``consequence_of``, see evaluator/checks/consequences.py)."""

from __future__ import annotations


def independent(findings):
    """The findings that follow from no other one (a planted fault, a real error)."""
    return [f for f in findings if f.consequence_of is None]


def stray_consequences(findings, roots):
    """Consequences that do not follow from one of ``roots``: each is a finding the test did not
    plant, so it is reported as the test's failure."""
    keys = {(f.rule, f.sheet, f.cell) for f in roots}
    return [(f.rule, f.cell, f.consequence_of) for f in findings
            if f.consequence_of is not None and tuple(f.consequence_of) not in keys]
