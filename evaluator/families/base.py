"""What a form family provides, and what a checked form of any family looks like to the outputs.

A family (``families/<name>/family.py``) claims the sheets that hold its form, reads them, runs its
own rules and states the facts its outputs show. The runner offers every workbook to every family
and never checks a form against another family's definitions; the outputs read only
:class:`CheckedForm`, never a family's own model.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Protocol

from evaluator.findings import Finding, Severity

if TYPE_CHECKING:
    from evaluator.families import Definitions
    from evaluator.intake.workbook import SheetGrid


@dataclass
class Totals:
    """总分: as declared on the form, recomputed from its scores, and with every finding's expected
    score put in place (None when some finding has no single expected score)."""

    declared: Decimal | None = None
    recomputed: Decimal | None = None
    corrected: Decimal | None = None


@dataclass
class Grades:
    """评价等级: as ticked or written, as the recomputed total earns, and as the corrected total earns."""

    declared: str | None = None
    computed: str | None = None
    corrected: str | None = None


@dataclass
class CheckedForm:
    """One form found on one sheet and what its family's rules found in it.

    ``total`` and ``grade`` are None where the form prints none; ``facts`` are what the family
    shows of the form (JSON-ready: strings, decimal strings, numbers), keyed in English.
    """

    family: str | None
    edition: str | None
    title: str | None
    sheet: str | None
    findings: list[Finding]
    department: str | None = None
    year: int | None = None
    total: Totals | None = None
    grade: Grades | None = None
    facts: dict[str, Any] = field(default_factory=dict)
    model: Any = field(default=None, repr=False)   # the family's own parsed form, for tests

    def count(self, severity: Severity) -> int:
        return sum(1 for finding in self.findings if finding.severity == severity)


class Family(Protocol):
    """A form family: its id (``department``, ``project``), its printed title, and two calls."""

    id: str
    title: str

    def check(self, grids: "list[SheetGrid]", definitions: "Definitions") -> list[CheckedForm]:
        """Every form of this family in the workbook, checked; [] when no sheet holds one."""

    def seen(self, grids: "list[SheetGrid]", definitions: "Definitions") -> str:
        """For form-not-found: the labels this family looked for and those it saw, where."""
