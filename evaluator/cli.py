"""The command line: parse options, call the library, pick a reporter, map findings to an exit code.

Exit codes: 0 when no finding reaches ``--fail-on``, 1 when one does, 2 for a usage error or a
failure of the tool itself (a bad catalog, an output folder that cannot be written or is held by
another run past ``--wait``), 130 when a check is interrupted (what finished is kept for the next
run). A file that cannot be read is an ``unreadable`` finding (an error), never a reason to stop
the batch. stdout carries only the report; progress and logs go to stderr.
"""

from __future__ import annotations

import functools
import sys
import tempfile
from pathlib import Path

import click

from evaluator import __version__
from evaluator.runner import logs
from evaluator.runner.batch import check_paths, fails
from evaluator.families import CatalogError, Definitions, load_definitions
from evaluator.rules import DOCS, FAMILIES_OF, FAMILY_RULES, FAMILY_TITLES, RULES
from evaluator.findings import Severity
from evaluator.intake.limits import Limits
from evaluator.runner.lock import FolderBusy
from evaluator.runner.parallel import Stop, stopping_on_signals
from evaluator.outputs.reporters import REPORTERS, STREAM_FORMATS

FAIL_ON = {"error": Severity.ERROR, "warning": Severity.WARNING, "never": None}
INTERRUPTED = 130


class ToolError(click.ClickException):
    exit_code = 2


def _definitions(paths: tuple[Path, ...], edition: str | None) -> Definitions:
    try:
        return load_definitions(paths, edition)
    except CatalogError as exc:
        raise ToolError(str(exc)) from exc


def _folder(path: Path, option: str = "--out") -> Path:
    """A folder the run writes into: created when missing, and proved writable before any work."""
    try:
        path.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=path):
            pass
    except OSError as exc:
        what = "输出文件夹" if option == "--out" else "归档文件夹"
        raise ToolError(f"{what} {path} 无法创建或写入（{exc.strerror or exc}）；"
                        f"请用 {option} 指定一个可以写入的文件夹") from exc
    return path


def _limits(values: dict[str, int]) -> Limits:
    return Limits(**{name: values.pop(name) for name, *_ in Limits.options()})


def _progress(quiet: bool) -> bool:
    return not quiet and sys.stderr.isatty()


def tool_failures(command):
    """A failure of the tool itself (not of a file: those are findings) exits 2, with its reason."""

    @functools.wraps(command)
    def guarded(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except KeyboardInterrupt:  # Ctrl-C twice: stopped at once; what finished is already saved
            click.echo("已中断。", err=True)
            sys.exit(INTERRUPTED)
        except (click.ClickException, click.exceptions.Exit, click.Abort, SystemExit):
            raise
        except FolderBusy as exc:
            raise ToolError(str(exc)) from exc
        except OSError as exc:
            where = f"{exc.filename}：" if exc.filename else ""
            raise ToolError(f"{where}{exc.strerror or exc}") from exc
        except Exception as exc:  # noqa: BLE001 - a bug: say so, exit 2, never pass for "findings"
            raise ToolError(f"内部错误：{type(exc).__name__}: {exc}") from exc

    return guarded


def run_options(command):
    """The options a checking command shares: catalog, cores, lock wait, logging."""
    options = [
        click.option("--catalog", "catalog_paths", multiple=True,
                     type=click.Path(exists=True, dir_okay=False, path_type=Path),
                     help="An edition (YAML) to add to the family it names; one with a bundled id replaces it. Repeatable."),
        click.option("--edition", default=None, help="Check every form against this edition id instead of the best-matching one."),
        click.option("--fail-on", type=click.Choice(list(FAIL_ON)), default="error", show_default=True,
                     help="Exit 1 when a finding of this severity or worse is found."),
        click.option("--jobs", "-j", type=click.IntRange(min=1), default=None,
                     help="Worker processes (default: every core)."),
        click.option("--wait", type=click.FloatRange(min=0), default=60.0, show_default=True,
                     help="Seconds to wait for another run holding the output folder before giving up."),
        click.option("--log", "log_file", type=click.Path(dir_okay=False, path_type=Path),
                     help="Also write the log to this file."),
        click.option("--quiet", "-q", is_flag=True, help="Only errors on stderr; no progress bar."),
        click.option("--verbose", "-v", is_flag=True, help="One line per file on stderr, and debug detail."),
    ]
    # One option per read limit (--max-rows, …), with its default and environment variable.
    options += [
        click.option(f"--{name.replace('_', '-')}", name, type=click.IntRange(min=1), default=default,
                     envvar=env, show_default=True, show_envvar=True, help=text)
        for name, default, env, text in Limits.options()
    ]
    return functools.reduce(lambda decorated, option: option(decorated), reversed(options), command)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="evaluator")
def main() -> None:
    """Check 绩效自评表 workbooks: recompute what can be derived, flag what disagrees."""


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Write <stem>.checked.xlsx for every readable file here (mirroring sub-folders), "
                   "and summary.xlsx, report.html and report.json.")
@click.option("--format", "output_format", type=click.Choice(STREAM_FORMATS), default="text",
              show_default=True, help="What to print on stdout.")
@click.option("--force", is_flag=True, help="Check every file again, even those unchanged since the last run into --out.")
@run_options
@tool_failures
def check(paths: tuple[Path, ...], out_dir: Path | None, output_format: str, force: bool, catalog_paths: tuple[Path, ...], edition: str | None,
          fail_on: str, jobs: int | None, wait: float, log_file: Path | None, quiet: bool, verbose: bool,
          **limit_values: int) -> None:
    """Check the workbooks at PATHS (files, or folders searched recursively)."""
    definitions = _definitions(catalog_paths, edition)
    limits = _limits(limit_values)
    if out_dir is not None:
        _folder(out_dir)
    with logs.configured(verbose, quiet, log_file), stopping_on_signals(Stop()) as stop:
        batch = check_paths(paths, definitions, out_dir, workers=jobs, force=force, wait=wait,
                            progress=_progress(quiet), stop=stop, limits=limits)
    if batch.interrupted:
        click.echo(f"已中断：{batch.checked} 份已检查，{batch.skipped} 份未开始；已完成的已记入清单，"
                   "重新运行会从这里继续。", err=True)
        sys.exit(INTERRUPTED)
    REPORTERS[output_format](batch.report, sys.stdout)
    sys.exit(1 if fails(batch.report, FAIL_ON[fail_on]) else 0)


@main.command()
@click.argument("inbox", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Where annotated copies, summary.xlsx, report.html and report.json go.")
@click.option("--archive", type=click.Path(file_okay=False, path_type=Path),
              help="Move each processed original here (never overwriting).")
@click.option("--once", is_flag=True, help="Process what is in INBOX now and exit (for cron).")
@click.option("--interval", type=click.FloatRange(min=0), default=2.0, show_default=True,
              help="Seconds between two looks at INBOX; a file is taken when unchanged across two.")
@click.option("--settle", type=click.FloatRange(min=0), default=60.0, show_default=True,
              help="Seconds after which a file that never becomes a whole workbook is reported as unreadable.")
@run_options
@tool_failures
def watch(inbox: Path, out_dir: Path, archive: Path | None, once: bool, interval: float, settle: float,
          catalog_paths: tuple[Path, ...], edition: str | None, fail_on: str, jobs: int | None, wait: float, log_file: Path | None,
          quiet: bool, verbose: bool, **limit_values: int) -> None:
    """Check every workbook that arrives in INBOX, once it is completely written.

    Runs until Ctrl-C or SIGTERM (then exits 0); with --once, exits like check.
    """
    from evaluator.runner.watch import Watcher, WatchOptions

    if archive is not None and archive.resolve() == inbox.resolve():
        raise click.UsageError("--archive must be another folder than INBOX")
    definitions = _definitions(catalog_paths, edition)
    _folder(out_dir)
    if archive is not None:
        _folder(archive, "--archive")
    options = WatchOptions(inbox=inbox, out_dir=out_dir, archive=archive, interval=interval, settle=settle,
                           workers=jobs, wait=wait, progress=_progress(quiet), limits=_limits(limit_values))

    def show(batch) -> None:  # each batch as it is done, also when stdout is a pipe to a log
        REPORTERS["text"](batch.report, sys.stdout)
        sys.stdout.flush()

    with logs.configured(verbose, quiet, log_file), stopping_on_signals(Stop()) as stop:
        watcher = Watcher(options, definitions, stop, on_batch=show)
        if not once:
            watcher.run()
            sys.exit(0)
        batch = watcher.once()
    sys.exit(1 if batch is not None and fails(batch.report, FAIL_ON[fail_on]) else 0)


def rules_table() -> str:
    """The rule reference as a Markdown table, generated from the registry (the README holds it)."""
    lines = ["| rule | severity | 含义 | forms | fails on (example) |", "|---|---|---|---|---|"]
    for slug, rule in RULES.items():
        example = rule.failing.replace("|", "\\|")
        lines.append(f"| `{slug}` | {rule.severity.value} | {rule.title} | {_forms(slug)} | `{example}` |")
    return "\n".join(lines)


def _forms(slug: str) -> str:
    """The forms a rule applies to, by their titles' short names (部门整体, 项目)."""
    return "、".join(FAMILY_TITLES[family].replace("支出绩效自评表", "") for family in FAMILIES_OF[slug])


@main.command()
@click.option("--markdown", is_flag=True, help="Print the rule table in Markdown, as in the README.")
def rules(markdown: bool) -> None:
    """List every rule with its documentation."""
    if markdown:
        click.echo(rules_table())
        return
    for slug, rule in RULES.items():
        click.echo(f"{slug}  [{rule.severity.value}]  {rule.title}  ({_forms(slug)})")
        for line in DOCS[slug].splitlines():
            click.echo(f"    {line}".rstrip())
        click.echo(f"    Pass: {rule.passing}")
        click.echo(f"    Fail: {rule.failing}")
        for family in FAMILIES_OF[slug][1:]:
            own = FAMILY_RULES[family].get(slug)
            if own is not None and (own.passing, own.failing) != (rule.passing, rule.failing):
                click.echo(f"    Pass ({FAMILY_TITLES[family]}): {own.passing}")
                click.echo(f"    Fail ({FAMILY_TITLES[family]}): {own.failing}")
        click.echo()
