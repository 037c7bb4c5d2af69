"""The command line: parse options, call the library, pick a reporter, map findings to an exit code.

Exit codes: 0 when no finding reaches ``--fail-on``, 1 when one does, 2 for a usage error or a
failure of the tool itself (a bad catalog, an output folder that cannot be written or is held by
another run past ``--wait``), 3 when the check ran and its report is on stdout but a report file
(summary.xlsx, report.html, report.json) could not replace the previous one (open in Excel, no
permission, a full disk: the message on stderr names it and where the new one went), 130 when a
check is interrupted (what finished is kept for the next run). A file that cannot be read is an ``unreadable`` finding (an error), never a reason to stop
the batch. stdout carries only the report; progress and logs go to stderr.

Start-up is kept short: ``evaluator --help`` and ``evaluator rules`` import neither openpyxl nor
pandas (nor numpy); what a command needs is imported when it runs.
"""

from __future__ import annotations

import functools
import sys
from pathlib import Path

import click

from evaluator import __version__
from evaluator.findings import Severity
from evaluator.helptext import Group
from evaluator.intake.limits import Limits
from evaluator.runner import logs

FAIL_ON = {"error": Severity.ERROR, "warning": Severity.WARNING, "never": None}
INTERRUPTED = 130
#: The check ran, but a report file could not replace the previous one (see the module docstring).
REPORT_NOT_REPLACED = 3
#: The formats printed on stdout: evaluator.outputs.reporters.STREAM_FORMATS (a test keeps them in
#: step), named here so that --help does not import the reporters.
STREAM_FORMATS = ("text", "json", "html")


class ToolError(click.ClickException):
    exit_code = 2


def _definitions(paths: tuple[Path, ...], edition: str | None):
    from evaluator.families import CatalogError, load_definitions

    try:
        if edition is not None:   # an unknown --edition said in Chinese, each id beside its name
            known = load_definitions(paths)
            if edition not in known.edition_ids:
                from evaluator.outputs.reporters.common import edition_titles

                titles = edition_titles()
                names = "、".join(f"{titles[i]}（{i}）" if i in titles else i for i in known.edition_ids)
                raise click.UsageError(f"--edition：没有 {edition} 这个版本；可用的版本：{names}")
        return load_definitions(paths, edition)
    except CatalogError as exc:
        raise ToolError(str(exc)) from exc


def _folder(path: Path, option: str = "--out") -> Path:
    """A folder the run writes into: created when missing, and proved writable before any work."""
    import tempfile

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


class _NeverRaised(Exception):
    pass


def _folder_busy() -> type[Exception]:
    """The lock's FolderBusy when the lock was used (only then can it be raised; a one-file check
    does not import the lock), else an exception nothing raises."""
    lock = sys.modules.get("evaluator.runner.lock")
    return lock.FolderBusy if lock is not None else _NeverRaised


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
        except _folder_busy() as exc:
            raise ToolError(str(exc)) from exc
        except OSError as exc:
            from evaluator.outputs.atomic import is_no_space

            where = f"{exc.filename}：" if exc.filename else ""
            if is_no_space(exc):   # said in Chinese, whatever the system's language
                raise ToolError(f"{where}磁盘空间不足（{exc.strerror}）；已完成的答案已保存，腾出空间后再运行即可") from exc
            raise ToolError(f"{where}{exc.strerror or exc}") from exc
        except Exception as exc:  # noqa: BLE001 - a bug: say so, exit 2, never pass for "findings"
            raise ToolError(f"内部错误：{type(exc).__name__}: {exc}") from exc

    return guarded


def run_options(command):
    """The options a checking command shares: catalog, cores, time limit, lock wait, logging."""
    options = [
        click.option("--catalog", "catalog_paths", multiple=True, metavar="FILE",
                     type=click.Path(exists=True, dir_okay=False, path_type=Path),
                     help="把一个表样版本（YAML）加入它所属的表样；id 与内置版本相同时替换内置版本。可重复。"),
        click.option("--edition", default=None, metavar="ID",
                     help="所有表都按这个版本 id 检查，不自动选择最匹配的版本。"),
        click.option("--fail-on", type=click.Choice(list(FAIL_ON)), default="error", show_default=True,
                     help="发现这一级别或更严重的问题时，退出码为 1。"),
        click.option("--jobs", "-j", type=click.IntRange(min=1), default=None, metavar="N",
                     help="工作进程数（默认：每个 CPU 核一个）。"),
        click.option("--timeout", type=click.FloatRange(min=0), default=300, envvar="EVALUATOR_TIMEOUT",
                     show_default=True, show_envvar=True, metavar="SECONDS",
                     help="每个文件（读取、检查、写批注副本）最多用时的秒数；超时的文件报告为 unreadable，"
                          "其余文件照常检查。0 表示不限时。"),
        click.option("--wait", type=click.FloatRange(min=0), default=60, show_default=True, metavar="SECONDS",
                     help="输出文件夹正被另一个运行占用时，最多等待的秒数。"),
        click.option("--log", "log_file", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE",
                     help="同时把日志写入这个文件。"),
        click.option("--quiet", "-q", is_flag=True, help="stderr 只输出错误，不显示进度条。"),
        click.option("--verbose", "-v", is_flag=True, help="stderr 每个文件一行，并输出调试信息。"),
    ]
    # One option per read limit (--max-rows, …), with its default and environment variable.
    options += [
        click.option(f"--{name.replace('_', '-')}", name, type=click.IntRange(min=1), default=default,
                     envvar=env, show_default=True, show_envvar=True, metavar="N", help=text)
        for name, default, env, text in Limits.options()
    ]
    return functools.reduce(lambda decorated, option: option(decorated), reversed(options), command)


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]},
             epilog="每个命令的选项：evaluator 命令 --help（例如 evaluator check --help）。")
@click.version_option(__version__, prog_name="evaluator")
def main() -> None:
    """检查绩效自评表工作簿：重算一切可以推导的数字，标出与申报不符之处。"""


@main.command(short_help="检查工作簿，写批注副本和汇总报告。")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), metavar="DIR",
              help="在这个文件夹中为每个能读取的文件写批注副本“文件名.checked.xlsx”（保持子文件夹结构），"
                   "并写 summary.xlsx、report.html 和 report.json。")
@click.option("--format", "output_format", type=click.Choice(STREAM_FORMATS), default="text",
              show_default=True, help="stdout 输出的格式。")
@click.option("--force", is_flag=True, help="全部重新检查，包括上次写入 --out 以来没有变化的文件。")
@click.option("--fix", is_flag=True,
              help="在批注副本旁另写一份更正稿“文件名.更正稿.xlsx”：把每个唯一确定的应为值写入其单元格，"
                   "并在“更正说明”工作表列出每处更正和未更正的问题（需要 --out；原文件不改动）。")
@click.option("--follow-symlinks", is_flag=True,
              help="也读取文件夹中指向文件夹以外的符号链接（只用于检查自己的文件，不要用于共享文件夹）。")
@run_options
@tool_failures
def check(paths: tuple[Path, ...], out_dir: Path | None, output_format: str, force: bool, fix: bool,
          follow_symlinks: bool,
          catalog_paths: tuple[Path, ...], edition: str | None,
          fail_on: str, jobs: int | None, timeout: float, wait: float, log_file: Path | None, quiet: bool,
          verbose: bool, **limit_values: int) -> None:
    """检查 PATHS 中的工作簿（文件，或逐层查找其中工作簿的文件夹）。

    stdout 只输出报告；进度和日志写到 stderr。退出码：0 没有达到 --fail-on 的问题，1 有，
    2 用法错误或工具本身出错，3 检查已完成但有报告文件无法替换（例如正在 Excel 中打开），130 被中断。
    """
    from evaluator.api import check as check_api
    from evaluator.outputs.reporters import REPORTERS
    from evaluator.runner.batch import fails
    from evaluator.runner.parallel import Stop, stopping_on_signals

    definitions = _definitions(catalog_paths, edition)
    if out_dir is not None:
        _folder(out_dir)
    elif fix:
        raise click.UsageError("--fix 需要 --out：更正稿写在批注副本旁边")
    with logs.configured(verbose, quiet, log_file), stopping_on_signals(Stop()) as stop:
        batch = check_api(*paths, out=out_dir, jobs=jobs, definitions=definitions, force=force, wait=wait,
                          progress=_progress(quiet), stop=stop, timeout=timeout,
                          follow_symlinks=follow_symlinks, fix=fix, **limit_values).batch
    if batch.interrupted:
        click.echo(f"已中断：{batch.checked} 份已检查，{batch.skipped} 份未开始；已完成的已记入清单，"
                   "重新运行会从这里继续。", err=True)
        sys.exit(INTERRUPTED)
    REPORTERS[output_format](batch.report, sys.stdout)
    sys.stdout.flush()
    _say_empty(batch.empty)
    if not quiet:
        _say_written(batch, out_dir)
    for problem in batch.unwritten:   # even with --quiet: the files on disk disagree until rerun
        click.echo(problem.message(), err=True)
    if batch.unwritten:
        sys.exit(REPORT_NOT_REPLACED)
    sys.exit(1 if fails(batch.report, FAIL_ON[fail_on]) else 0)


def _say_empty(paths) -> None:
    """A path that holds no workbook is said on stderr, even with --quiet: a wrong path in a nightly
    job must not pass unseen. It is not a failure (exit 0 when nothing else fails). A file named
    that is not a spreadsheet (report.pdf) is said with its reason, as its report line says."""
    for path in paths:
        if path.is_file():
            from evaluator.runner.discovery import not_a_spreadsheet   # only when there is such a path

            click.echo(f"{_shown(path)}：{not_a_spreadsheet(path.name)}", err=True)
            continue
        click.echo(f"{_shown(path)}：没有找到可检查的工作簿（.xlsx、.xlsm、.xls、.ods）", err=True)


def _say_written(batch, out_dir: Path | None) -> None:
    """The last lines on stderr: where the annotated copies and the reports went."""
    if out_dir is None:
        return
    copies = sum(1 for entry in _files(batch.report) if entry.get("annotated"))
    if copies:
        click.echo(f"批注副本：{copies} 份，在 {_shown(out_dir)}", err=True)
    corrected = sum(1 for entry in _files(batch.report) if entry.get("corrected_copy"))
    if corrected:
        click.echo(f"更正稿：{corrected} 份（“更正说明”工作表列出每处更正），在 {_shown(out_dir)}", err=True)
    for path in batch.reports:
        click.echo(f"已写入 {_shown(path)}", err=True)


def _files(report):
    seen = set()
    for entry in report["files"]:
        if entry["path"] not in seen:
            seen.add(entry["path"])
            yield entry


def _shown(path: Path) -> str:
    from evaluator.outputs.inert import printable

    return printable(str(path))


def _counts(summary: dict[str, int]) -> str:
    """A report's summary in words: "3 份表：1 份通过，1 份有错误，0 份有警告，1 份无法读取"."""
    from evaluator.outputs.reporters.common import counts_sentence

    return counts_sentence(summary)


def batch_line(batch, out_dir: Path) -> str:
    """The last line of a hot-folder batch: its own counts, and what report.json now holds."""
    line = f"本批 {_counts(batch.report['summary'])}"
    if batch.totals is not None:
        line += f"；{_shown(out_dir / 'report.json')} 现共 {_counts(batch.totals)}"
    return line


@main.command(short_help="监视收件文件夹，检查新到的工作簿。")
@click.argument("inbox", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path), metavar="DIR",
              help="批注副本、summary.xlsx、report.html 和 report.json 写到这个文件夹。")
@click.option("--archive", type=click.Path(file_okay=False, path_type=Path), metavar="DIR",
              help="把处理完的原件移到这个文件夹（不覆盖已有文件）。")
@click.option("--format", "output_format", type=click.Choice(STREAM_FORMATS), default="text",
              show_default=True, help="每批在 stdout 输出的格式（json：每批一个 JSON 对象，一行一个）。")
@click.option("--once", is_flag=True, help="处理 INBOX 中现有的文件后退出（用于 cron）。")
@click.option("--interval", type=click.FloatRange(min=0), default=2, show_default=True, metavar="SECONDS",
              help="两次查看 INBOX 相隔的秒数；文件在相邻两次查看之间没有变化才处理。")
@click.option("--settle", type=click.FloatRange(min=0), default=60, show_default=True, metavar="SECONDS",
              help="文件一直不是完整的工作簿时，过多少秒报告为 unreadable。")
@click.option("--fix", is_flag=True,
              help="同 check --fix：在批注副本旁另写一份更正稿“文件名.更正稿.xlsx”（原文件不改动）。")
@run_options
@tool_failures
def watch(inbox: Path, out_dir: Path, archive: Path | None, output_format: str, once: bool, interval: float,
          settle: float, fix: bool,
          catalog_paths: tuple[Path, ...], edition: str | None, fail_on: str, jobs: int | None, timeout: float,
          wait: float, log_file: Path | None, quiet: bool, verbose: bool, **limit_values: int) -> None:
    """监视 INBOX：每个工作簿完整写入后即检查，并更新 --out 中的汇总。

    一直运行到 Ctrl-C 或 SIGTERM（退出码 0）；加 --once 时处理完现有文件即退出，退出码同 check。
    不是表格文件的文件（PDF、Word、CSV 等）列为“其他文件”，不移动也不检查；报告文件无法替换
    （例如正在 Excel 中打开）时，另存为新的文件名并用一行中文说明，继续运行。
    每批的最后一行是这一批的统计，以及 report.json 现在的总计。
    """
    from evaluator.outputs.reporters import REPORTERS
    from evaluator.runner.batch import fails
    from evaluator.runner.parallel import Stop, stopping_on_signals
    from evaluator.runner.watch import Watcher, WatchOptions

    if archive is not None and archive.resolve() == inbox.resolve():
        raise click.UsageError("--archive 不能是 INBOX 本身，请另选一个文件夹")
    definitions = _definitions(catalog_paths, edition)
    _folder(out_dir)
    if archive is not None:
        _folder(archive, "--archive")
    options = WatchOptions(inbox=inbox, out_dir=out_dir, archive=archive, interval=interval, settle=settle,
                           workers=jobs, wait=wait, progress=_progress(quiet), limits=_limits(limit_values),
                           timeout=timeout, fix=fix)

    def show(batch) -> None:  # each batch as it is done, also when stdout is a pipe to a log
        if output_format == "json":  # one object per batch, one per line
            import json

            line = {**batch.report, "totals": batch.totals}
            sys.stdout.write(json.dumps(line, ensure_ascii=False, separators=(",", ":")) + "\n")
        elif output_format == "text":
            # The batch's report without its closing count, which would read as the whole folder's.
            import io

            text = io.StringIO()
            REPORTERS["text"](batch.report, text)
            sys.stdout.write(text.getvalue().rstrip("\n").rpartition("\n")[0].rstrip("\n") + "\n\n")
            sys.stdout.write(batch_line(batch, out_dir) + "\n")
        else:
            REPORTERS[output_format](batch.report, sys.stdout)
        sys.stdout.flush()
        if not quiet:
            corrected = sum(1 for entry in _files(batch.report) if entry.get("corrected_copy"))
            if corrected:
                click.echo(f"更正稿：{corrected} 份（“更正说明”工作表列出每处更正），在 {_shown(out_dir)}", err=True)
            click.echo("已更新 " + "、".join(_shown(path) for path in batch.reports), err=True)

    with logs.configured(verbose, quiet, log_file), stopping_on_signals(Stop()) as stop:
        watcher = Watcher(options, definitions, stop, on_batch=show)
        if not once:
            watcher.run()
            sys.exit(0)
        batch = watcher.once()
    if batch is None and not watcher.waiting and not watcher.answered_before:
        _say_empty([inbox])
    if batch is not None and batch.unwritten:   # said on stderr as it happened (see runner/watch.py)
        sys.exit(REPORT_NOT_REPLACED)
    sys.exit(1 if batch is not None and fails(batch.report, FAIL_ON[fail_on]) else 0)


def rules_table() -> str:
    """The rule reference as a Markdown table, generated from the registry (docs/rules.md holds it)."""
    from evaluator.rules import RULES

    lines = ["| rule | severity | 含义 | forms | fails on (example) |", "|---|---|---|---|---|"]
    for slug, rule in RULES.items():
        example = rule.failing.replace("|", "\\|")
        lines.append(f"| `{slug}` | {rule.severity.value} | {rule.title} | {_forms(slug)} | `{example}` |")
    return "\n".join(lines)


def _forms(slug: str) -> str:
    """The forms a rule applies to, by their titles' short names (部门整体, 项目)."""
    from evaluator.rules import FAMILIES_OF, FAMILY_TITLES

    return "、".join(FAMILY_TITLES[family].replace("支出绩效自评表", "") for family in FAMILIES_OF[slug])


#: Severity in words, as the reports show it.
SEVERITY_NAMES = {"error": "错误", "warning": "警告", "info": "提示"}


def rules_text() -> str:
    """The rule reference in Chinese: each rule's slug, severity, title and the forms it applies
    to, what it catches, why it matters, and a passing and a failing example (per form where a
    form's own rule gives other examples)."""
    from evaluator.rules import FAMILIES_OF, FAMILY_RULES, FAMILY_TITLES, RULES

    blocks = []
    for slug, rule in RULES.items():
        lines = [
            f"{slug}  {SEVERITY_NAMES[rule.severity.value]}  {rule.title}（{_forms(slug)}）",
            f"  它发现什么：{rule.catches}",
            f"  为什么重要：{rule.why}",
            f"  通过的例子：{rule.passing}",
            f"  出错的例子：{rule.failing}",
        ]
        for family in FAMILIES_OF[slug][1:]:
            own = FAMILY_RULES[family].get(slug)
            if own is not None and (own.passing, own.failing) != (rule.passing, rule.failing):
                lines.append(f"  通过的例子（{FAMILY_TITLES[family]}）：{own.passing}")
                lines.append(f"  出错的例子（{FAMILY_TITLES[family]}）：{own.failing}")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


@main.command(short_help="列出所有表式类别和版本。")
@click.option("--catalog", "catalog_paths", multiple=True, metavar="FILE",
              type=click.Path(path_type=Path, dir_okay=False),
              help="另加一个版本文件（YAML），可重复。")
@click.option("--markdown", is_flag=True, help="输出 Markdown 格式的版本表（docs/catalog-and-editions.md 中的那张表）。")
def editions(catalog_paths: tuple[Path, ...], markdown: bool) -> None:
    """列出每个表式类别及其每个版本：名称、识别依据、规则和来源。"""
    from evaluator.families import editions_table, editions_text

    definitions = _definitions(catalog_paths, None)
    click.echo(editions_table(definitions) if markdown else editions_text(definitions))


@main.command(short_help="列出所有规则及其说明。")
@click.option("--markdown", is_flag=True, help="输出 Markdown 格式的规则表（docs/rules.md 中的那张表）。")
def rules(markdown: bool) -> None:
    """列出每条规则：标识、级别、名称、适用的表，它发现什么、为什么重要，以及通过和出错的例子。"""
    click.echo(rules_table() if markdown else rules_text())
