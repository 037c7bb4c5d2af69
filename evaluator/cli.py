"""The command line: parse options, call the library, pick a reporter, map findings to an exit code.

Exit codes: 0 when no finding reaches ``--fail-on``, 1 when one does, 2 for a usage error or a
failure of the tool itself (a bad catalog, an output folder that cannot be written). A file that
cannot be read is an ``unreadable`` finding (an error), never a reason to stop the batch.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import click

from . import __version__
from .catalog import CatalogError, load_catalog
from .checks import DOCS, RULES
from .findings import Severity
from .limits import Limits
from .reporters import REPORTERS
from .run import discover, run

FAIL_ON = {"error": Severity.ERROR, "warning": Severity.WARNING, "never": None}


class ToolError(click.ClickException):
    exit_code = 2


def limit_options(command):
    """One option per limit (--max-rows, …), with its default and environment variable, from Limits."""
    for name, default, env, text in reversed(Limits.options()):
        command = click.option(f"--{name.replace('_', '-')}", name, type=click.IntRange(min=1), default=default,
                               envvar=env, show_default=True, show_envvar=True, help=text)(command)
    return command


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
@limit_options
def check(paths: tuple[Path, ...], out_dir: Path | None, output_format: str, fail_on: str,
          catalog_path: Path | None, **limit_values: int) -> None:
    """Check the workbooks at PATHS (files, or folders searched recursively)."""
    try:
        catalog = load_catalog(catalog_path)
    except CatalogError as exc:
        raise ToolError(str(exc)) from exc
    if out_dir is not None:
        try:
            out_dir.mkdir(parents=True, exist_ok=True)
            with tempfile.TemporaryFile(dir=out_dir):
                pass
        except OSError as exc:
            raise ToolError(f"输出文件夹 {out_dir} 无法创建或写入（{exc.strerror or exc}）；"
                            f"请用 --out 指定一个可以写入的文件夹") from exc
    jobs = discover(paths, out_dir)
    results = list(run(jobs, catalog, out_dir, limits=Limits(**limit_values)))
    REPORTERS[output_format](results, sys.stdout)
    threshold = FAIL_ON[fail_on]
    failed = threshold is not None and any(
        finding.severity.rank >= threshold.rank for result in results for finding in result.findings
    )
    sys.exit(1 if failed else 0)


@main.command()
def rules() -> None:
    """List every rule with its documentation."""
    for slug, rule in RULES.items():
        click.echo(f"{slug}  [{rule.severity.value}]  {rule.title}")
        for line in DOCS[slug].splitlines():
            click.echo(f"    {line}".rstrip())
        click.echo(f"    Pass: {rule.passing}")
        click.echo(f"    Fail: {rule.failing}")
        click.echo()
