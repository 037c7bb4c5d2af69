"""The command line: parse options, call the library, pick a reporter, map findings to an exit code.

Exit codes: 0 when no finding reaches ``--fail-on``, 1 when one does, 2 for a usage error or a
failure of the tool itself (a bad catalog, an output folder that cannot be written).
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from . import __version__
from .catalog import CatalogError, load_catalog
from .checks import DOCS, RULES
from .findings import Severity
from .reporters import REPORTERS
from .run import discover, run

FAIL_ON = {"error": Severity.ERROR, "warning": Severity.WARNING, "never": None}


class ToolError(click.ClickException):
    exit_code = 2


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="evaluator")
def main() -> None:
    """Check 绩效自评表 workbooks: recompute what can be derived, flag what disagrees."""


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Write <stem>.checked.xlsx for every readable file here (mirroring sub-folders).")
@click.option("--format", "output_format", type=click.Choice(sorted(REPORTERS)), default="text",
              show_default=True, help="What to print on stdout.")
@click.option("--fail-on", type=click.Choice(list(FAIL_ON)), default="error", show_default=True,
              help="Exit 1 when a finding of this severity or worse is found.")
@click.option("--catalog", "catalog_path", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="An indicator catalog (YAML) for another year or city; default: the bundled Guangzhou one.")
def check(paths: tuple[Path, ...], out_dir: Path | None, output_format: str, fail_on: str,
          catalog_path: Path | None) -> None:
    """Check the workbooks at PATHS (files, or folders searched recursively)."""
    try:
        catalog = load_catalog(catalog_path)
    except CatalogError as exc:
        raise ToolError(str(exc)) from exc
    if out_dir is not None:
        try:
            out_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ToolError(f"无法创建输出文件夹 {out_dir}：{exc.strerror or exc}") from exc
    jobs = discover(paths, out_dir)
    results = list(run(jobs, catalog, out_dir))
    REPORTERS[output_format](results, sys.stdout)
    threshold = FAIL_ON[fail_on]
    failed = threshold is not None and any(
        finding.severity.rank >= threshold.rank for result in results for finding in result.findings
    )
    sys.exit(1 if failed else 0)


def rules_table() -> str:
    """The rule reference as a Markdown table, generated from the registry (the README holds it)."""
    lines = ["| rule | severity | 含义 | fails on (example) |", "|---|---|---|---|"]
    for slug, rule in RULES.items():
        example = rule.failing.replace("|", "\\|")
        lines.append(f"| `{slug}` | {rule.severity.value} | {rule.title} | `{example}` |")
    return "\n".join(lines)


@main.command()
@click.option("--markdown", is_flag=True, help="Print the rule table in Markdown, as in the README.")
def rules(markdown: bool) -> None:
    """List every rule with its documentation."""
    if markdown:
        click.echo(rules_table())
        return
    for slug, rule in RULES.items():
        click.echo(f"{slug}  [{rule.severity.value}]  {rule.title}")
        for line in DOCS[slug].splitlines():
            click.echo(f"    {line}".rstrip())
        click.echo(f"    Pass: {rule.passing}")
        click.echo(f"    Fail: {rule.failing}")
        click.echo()
