"""evaluator: checks Chinese public-budget performance self-evaluation workbooks (绩效自评表)."""

__version__ = "0.1.0"
