"""The README's rule table is generated from the registry; keep them in step."""

from pathlib import Path

from evaluator.cli import rules_table

README = Path(__file__).resolve().parent.parent / "README.md"


def test_readme_rule_table_is_current():
    assert rules_table() in README.read_text("utf-8"), "regenerate it with: evaluator rules --markdown"
