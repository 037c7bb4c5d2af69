"""Help pages in Chinese: click's help layout with Chinese headings, wrapped by display width.

click wraps help text at spaces and counts every character as one column; Chinese has no spaces
and each character takes two columns, so a Chinese help text would run off the screen in one
piece. :class:`Formatter` wraps between any two Chinese characters (never before a closing mark
such as ``，`` or ``）``, never after an opening one), keeps Latin words whole, and measures lines
as a terminal shows them. The few texts click writes itself (the help and version options, the
``[default: …]`` notes) are put in Chinese here; option names stay as they are.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Iterable

import click

from evaluator.values.patterns import lazy

HEADINGS = {"Options": "选项", "Commands": "命令", "Arguments": "参数"}
CLICK_TEXTS = {
    "Show this message and exit.": "显示此帮助并退出。",
    "Show the version and exit.": "显示版本并退出。",
}
CLOSING = set("，。；：、）」』”’！？》〉】…")
OPENING = set("（「『“‘《〈【")
_EXTRA = lazy(r"\s*\[([^\[\]]+)\]\s*$")


def width(text: str) -> int:
    """Columns a terminal gives ``text``: two for a wide (Chinese) character, one otherwise."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _wide(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in "WF"


def _tokens(text: str) -> list[str]:
    """The units a line may break between: at a space, or between two Chinese characters (a Latin
    word touching a Chinese character, and punctuation, stay with their neighbour)."""
    tokens: list[str] = []
    latin = ""
    for ch in text:
        if ch.isspace() or _wide(ch):
            if latin:
                tokens.append(latin)
                latin = ""
            tokens.append(" " if ch.isspace() else ch)
        else:
            latin += ch
    if latin:
        tokens.append(latin)
    glued: list[str] = []  # a Latin word touching a Chinese character stays with it
    for token in tokens:
        if glued and token != " " and glued[-1] != " " and not (_wide(glued[-1][-1]) and _wide(token[0])):
            glued[-1] += token
        else:
            glued.append(token)
    tokens = glued
    closed: list[str] = []  # a closing mark stays with what it closes
    for token in tokens:
        if token != " " and token[0] in CLOSING and closed and closed[-1] != " ":
            closed[-1] += token
        else:
            closed.append(token)
    bound: list[str] = []  # an opening mark stays with what it opens
    for token in reversed(closed):
        if token != " " and token[-1] in OPENING and bound and bound[-1] != " ":
            bound[-1] = token + bound[-1]
        else:
            bound.append(token)
    return bound[::-1]


def wrap(text: str, columns: int) -> list[str]:
    """One paragraph as lines of at most ``columns`` columns (a longer word gets a line of its own)."""
    lines: list[str] = []
    line, space = "", False
    for token in _tokens(" ".join(text.split())):
        if token == " ":
            space = bool(line)
            continue
        gap = " " if space else ""
        if line and width(line) + len(gap) + width(token) > columns:
            lines.append(line)
            line = token
        else:
            line += gap + token
        space = False
    if line:
        lines.append(line)
    return lines


def _join_lines(paragraph: str) -> str:
    """A docstring paragraph's lines as one text: joined with a space between Latin words only."""
    text = ""
    for line in (line.strip() for line in paragraph.splitlines()):
        if not line:
            continue
        if text and not (_wide(text[-1]) or _wide(line[0])):
            text += " "
        text += line
    return text


def translate(text: str) -> str:
    """click's own help texts in Chinese: the help and version options, the notes in brackets."""
    text = CLICK_TEXTS.get(text, text)
    match = _EXTRA.search(text)
    if match is None:
        return text
    notes = []
    for note in match.group(1).split("; "):
        name, _, value = note.partition(": ")
        if name == "default":
            notes.append(f"默认：{value}")
        elif name == "env var":
            notes.append(f"环境变量：{value}")
        elif note == "required":
            notes.append("必填")
        elif note.startswith("x>="):
            notes.append(f"不小于 {note[3:]}")
        elif note.startswith("x>"):
            notes.append(f"大于 {note[2:]}")
        else:
            notes.append(note)
    return f"{text[:match.start()].rstrip()}（{'；'.join(notes)}）"


class Formatter(click.HelpFormatter):
    """click's help layout with Chinese headings, wrapped by display width."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, prefix="用法：")

    def write_heading(self, heading: str) -> None:
        self.write(f"{'':>{self.current_indent}}{HEADINGS.get(heading, heading)}：\n")

    def write_text(self, text: str) -> None:
        indent = " " * self.current_indent
        paragraphs = [_join_lines(part) for part in re.split(r"\n\s*\n", text) if part.strip()]
        blocks = ["\n".join(indent + line for line in wrap(paragraph, max(self.width - len(indent), 20)))
                  for paragraph in paragraphs]
        self.write("\n\n".join(blocks))
        self.write("\n")

    def write_dl(self, rows: Iterable[tuple[str, str]], col_max: int = 30, col_spacing: int = 2) -> None:
        rows = [(term, translate(text)) for term, text in rows]
        first = min(max((width(term) for term, _ in rows), default=0), col_max) + col_spacing
        columns = max(self.width - first - self.current_indent, 20)
        for term, text in rows:
            self.write(f"{'':>{self.current_indent}}{term}")
            if not text:
                self.write("\n")
                continue
            if width(term) <= first - col_spacing:
                self.write(" " * (first - width(term)))
            else:
                self.write("\n" + " " * (first + self.current_indent))
            lines = wrap(text, columns) or [""]
            self.write(lines[0] + "\n")
            for line in lines[1:]:
                self.write(" " * (first + self.current_indent) + line + "\n")


class Context(click.Context):
    formatter_class = Formatter


class Command(click.Command):
    """A command whose help is in Chinese."""

    context_class = Context

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("options_metavar", "[选项]")
        super().__init__(*args, **kwargs)


class Group(click.Group):
    """A group whose help, its commands' help and its error messages are in Chinese
    (:mod:`evaluator.clierrors`)."""

    context_class = Context
    command_class = Command

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("options_metavar", "[选项]")
        kwargs.setdefault("subcommand_metavar", "命令 [参数]...")
        super().__init__(*args, **kwargs)

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        """click's standalone main, with its errors shown in Chinese (exit codes as click's)."""
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        import errno
        import sys

        try:
            result = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except click.ClickException as exc:
            from evaluator import clierrors   # only for an error: a check that runs does not load it

            clierrors.show(exc)
            sys.exit(exc.exit_code)
        except click.Abort:
            click.echo("已中止。", err=True)
            sys.exit(1)
        except OSError as exc:
            if exc.errno == errno.EPIPE:   # stdout closed early (… | head): not an error of ours
                sys.stdout = click.utils.PacifyFlushWrapper(sys.stdout)
                sys.exit(1)
            raise
        sys.exit(result if isinstance(result, int) else 0)
