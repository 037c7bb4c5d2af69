"""Command-line mistakes said in Chinese: click's usage errors, missing paths, unknown commands and
options with "您是不是要用 …", and the tool's own failures, each without click's ``Error:`` and
``Try … for help`` lines.

click builds its messages in English (through gettext, with no Chinese catalogue). Rather than
matching its sentences, :func:`message` reads what the exception carries — the parameter, its type,
the name that was not found and the names close to it — and says it again in Chinese. A message
already in Chinese (the tool's own ``UsageError`` and ``ClickException``) is kept as it is.
"""

from __future__ import annotations

import re
from difflib import get_close_matches

import click

#: What an argument is, beside its metavar: "PATHS（要检查的文件或文件夹）".
ARGUMENT_NAMES = {"PATHS": "要检查的文件或文件夹", "INBOX": "收件文件夹"}
#: Choices said with their meaning: "error（错误）".
CHOICE_NAMES = {"error": "错误", "warning": "警告", "never": "从不", "text": "文本", "json": "JSON", "html": "网页"}
_CJK = re.compile(r"[\u4e00-\u9fff]")
_QUOTED = re.compile(r"'((?:[^'\\]|\\.)*)'|\"((?:[^\"\\]|\\.)*)\"")


def _first_quoted(text: str) -> str | None:
    match = _QUOTED.search(text)
    return None if match is None else (match.group(1) if match.group(1) is not None else match.group(2))


def param_name(param: click.Parameter | None) -> str:
    """An option as typed (``--jobs/-j``), an argument with what it is (``PATHS（要检查的文件或文件夹）``)."""
    if param is None:
        return "参数"
    if isinstance(param, click.Option):
        return "/".join(param.opts)
    name = param.human_readable_name
    return f"{name}（{ARGUMENT_NAMES[name]}）" if name in ARGUMENT_NAMES else name


def _range(kind: click.types._NumberRangeBase) -> str:
    parts = []
    if kind.min is not None:
        parts.append(f"{'大于' if kind.min_open else '不小于'} {kind.min}")
    if kind.max is not None:
        parts.append(f"{'小于' if kind.max_open else '不大于'} {kind.max}")
    return "，".join(parts)


_PATH_PROBLEMS = {"does not exist": "不存在", "is a file": "是文件，这里需要文件夹",
                  "is a directory": "是文件夹，这里需要文件", "is not readable": "无法读取（没有读取权限）",
                  "is not writable": "无法写入（没有写入权限）", "is not executable": "不可执行"}


def _bad_value(exc: click.BadParameter) -> str:
    """An invalid value, said by what the parameter expects."""
    param, text = exc.param, exc.message or ""
    where = param_name(param)
    if _CJK.search(text):
        return f"{where}：{text}"
    kind = getattr(param, "type", None)
    value = _first_quoted(text)
    if isinstance(kind, click.Path):
        for english, chinese in _PATH_PROBLEMS.items():
            if english in text:
                return f"{where}：路径 {value if value is not None else ''} {chinese}".replace("  ", " ")
    if isinstance(kind, click.Choice):
        choices = "、".join(f"{choice}（{CHOICE_NAMES[choice]}）" if choice in CHOICE_NAMES else str(choice)
                           for choice in kind.choices)
        return f"{where}：{value if value is not None else text} 不是可选的值；可选：{choices}"
    if isinstance(kind, click.types._NumberRangeBase):
        shown = value if value is not None else text.split(" is not")[0]
        if "not in the range" in text:
            return f"{where}：{shown} 超出允许的范围（{_range(kind)}）"
    if isinstance(kind, (click.types.IntParamType, click.types.FloatParamType)):
        what = "整数" if isinstance(kind, click.types.IntParamType) else "数字"
        return f"{where}：{value if value is not None else text} 不是{what}"
    return f"{where}：取值无效（{text}）"


def _commands(ctx: click.Context | None) -> dict[str, str]:
    """The commands of the group in ``ctx`` (or its parent), with their short help."""
    while ctx is not None and not isinstance(ctx.command, click.Group):
        ctx = ctx.parent
    if ctx is None:
        return {}
    group = ctx.command
    return {name: (group.get_command(ctx, name).get_short_help_str(60) if group.get_command(ctx, name) else "")
            for name in group.list_commands(ctx)}


def _no_such_command(name: str, ctx: click.Context | None) -> str:
    commands = _commands(ctx)
    close = get_close_matches(name, list(commands), n=3)
    text = f"没有 {name} 这个命令"
    if close:
        text += "；您是不是要用 " + "、".join(f"{c}（{commands[c].rstrip('。')}）" if commands[c] else c
                                           for c in close) + "？"
    elif commands:
        text += "；可用的命令：" + "、".join(commands)
    return text


def _no_such_option(exc: click.NoSuchOption) -> str:
    text = f"没有 {exc.option_name} 这个选项"
    close = exc.possibilities or []
    if close:
        text += "；您是不是要用 " + "、".join(sorted(close)) + "？"
    return text


def message(exc: click.ClickException) -> str:
    """What went wrong, in Chinese, in one line (without ``Error:``)."""
    if isinstance(exc, click.NoSuchOption):
        return _no_such_option(exc)
    no_such_command = getattr(click.exceptions, "NoSuchCommand", None)
    if no_such_command is not None and isinstance(exc, no_such_command):
        return _no_such_command(exc.command_name, exc.ctx)
    if isinstance(exc, click.MissingParameter):
        param = exc.param
        if isinstance(param, click.Option):
            return f"缺少选项 {param_name(param)}"
        return f"缺少参数 {param_name(param)}"
    if isinstance(exc, click.BadOptionUsage):
        name = exc.option_name
        if "requires" in exc.message:
            return f"选项 {name} 后面需要一个值"
        if "does not take a value" in exc.message:
            return f"选项 {name} 不接受值"
        return f"选项 {name} 用法不对（{exc.message}）"
    if isinstance(exc, click.BadParameter):
        return _bad_value(exc)
    if isinstance(exc, click.FileError):
        return f"无法打开文件 {exc.ui_filename}（{exc.message}）"
    text = exc.format_message() if not isinstance(exc, click.UsageError) else exc.message
    if _CJK.search(text):
        return text
    found = re.match(r"No such command (.+)\.$", text)
    if found:
        return _no_such_command(_first_quoted(found.group(1)) or found.group(1), getattr(exc, "ctx", None))
    found = re.match(r"Got unexpected extra arguments? \((.*)\)$", text)
    if found:
        return f"多余的参数：{found.group(1)}"
    if text == "Missing command.":
        return "缺少命令"
    return f"命令行有误（{text}）"


def show(exc: click.ClickException) -> None:
    """Print ``exc`` on stderr in Chinese: for a usage error the usage line, what is wrong and where
    help is; for a failure of the tool, its message alone."""
    if isinstance(exc, click.UsageError):
        ctx = exc.ctx
        lines = []
        if ctx is not None:
            lines.append(ctx.get_usage())
        lines.append(message(exc))
        if ctx is not None and ctx.command.get_help_option(ctx) is not None:
            lines.append(f"查看帮助：{ctx.command_path} --help")
        click.echo("\n".join(lines), err=True)
        return
    click.echo(message(exc), err=True)
