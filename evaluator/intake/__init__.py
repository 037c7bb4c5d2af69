"""The shared intake: inspect a file before any parser touches it, then read it into grids of
values with merged ranges (and evaluate formulas saved without their results).

One call does it all: ``evaluator.intake.open(path, limits) -> Intake`` (grids, kind, what the
inspection found; :mod:`evaluator.intake.door`). It is imported on first use, so that importing
``evaluator.intake.limits`` alone stays cheap.
"""

from __future__ import annotations

from typing import Any

__all__ = ["Intake", "open"]


def __getattr__(name: str) -> Any:
    if name in ("open", "Intake", "read"):
        from evaluator.intake import door

        return getattr(door, name)
    raise AttributeError(f"module 'evaluator.intake' has no attribute {name!r}")
