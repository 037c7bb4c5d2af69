"""Which sheets hold a project form, and which edition each one is.

A sheet is claimed only on the project form's own title (项目支出绩效自评表, 部门预算项目支出绩效
自评表, 项目(绩效)自评表, 绩效目标自评表 …: the titles the editions declare) and headers (a funds
block or an indicator block with a 三级指标 and a 得分 column). A title that names a whole
department (部门整体…) is a project form only when the sheet holds the project layout itself
(:func:`department_title`: a department-wide form filed on the project template). Without a title a sheet is claimed only when it
holds both a funds row (年度资金总额 …) and an indicator block with 年度指标值 and 实际完成值
columns: no other form prints them together.

The edition is the one whose identifying labels the sheet holds most of; a tie goes to the national
edition; ``--edition`` forces one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Sequence

from evaluator.families.project.edition import NATIONAL, Edition, exact_label, loose_label
from evaluator.intake.workbook import SheetGrid

#: A title longer than this is a sentence (a note that mentions the form), not a title.
MAX_TITLE = 40
#: Titles of forms that are not project forms although they may contain a project title's words.
NOT_PROJECT = ("部门整体", "整体支出", "部门绩效")
#: Labels longer than this are texts, not labels.
MAX_LABEL = 40
#: Identifying labels at least this long also match inside a longer cell (预算执行情况(10分)).
SUBSTRING_MIN = 4

_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class Title:
    row: int
    col: int
    text: str


def _strings(grid: SheetGrid) -> list[tuple[tuple[int, int], str]]:
    return [(rc, value) for rc, value in grid.cells.items() if isinstance(value, str) and value.strip()]


@lru_cache(maxsize=64)
def _title_keys(titles: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(sorted({loose_label(title) for title in titles}, key=len, reverse=True))


def title_keys(editions: Sequence[Edition]) -> tuple[str, ...]:
    return _title_keys(tuple(title for edition in editions for title in edition.titles))


def find_title(grid: SheetGrid, editions: Sequence[Edition]) -> Title | None:
    """The topmost cell that reads as a project form's title, or None."""
    keys = title_keys(editions)
    quick = _last_chars(keys)
    best: Title | None = None
    for (r, c), value in _strings(grid):
        if len(value) > MAX_TITLE * 2 or (quick is not None and not any(char in value for char in quick)):
            continue
        key = loose_label(value)
        if len(key) > MAX_TITLE or any(word in key for word in NOT_PROJECT):
            continue
        if any(title in key for title in keys):
            if best is None or (r, c) < (best.row, best.col):
                best = Title(r, c, _SPACES.sub("", value.strip()))
    return best


def find_titles(grid: SheetGrid, editions: Sequence[Edition]) -> list[Title]:
    """Every title cell, top to bottom, one per row (several forms stacked on one sheet)."""
    keys = title_keys(editions)
    quick = _last_chars(keys)
    found: dict[int, Title] = {}
    for (r, c), value in sorted(_strings(grid)):
        if r in found or len(value) > MAX_TITLE * 2 or (quick is not None and not any(char in value for char in quick)):
            continue
        key = loose_label(value)
        if len(key) <= MAX_TITLE and not any(word in key for word in NOT_PROJECT) and any(t in key for t in keys):
            found[r] = Title(r, c, _SPACES.sub("", value.strip()))
    return list(found.values())


def segments(grid: SheetGrid, editions: Sequence[Edition]) -> list[tuple[SheetGrid, Title | None]]:
    """The sheet cut into one grid per form when several titled forms are stacked on it (each
    from its title to the next one's), else the sheet itself with its title. A part without a
    funds total row or an indicator block is not a form and stays with the one above it."""
    titles = find_titles(grid, editions)
    if len(titles) < 2:
        return [(grid, titles[0] if titles else None)]
    total_rows = [label for edition in editions for label in edition.funds.total_rows]
    names = [label for edition in editions for label in edition.indicators.columns.name]
    parts: list[tuple[int, Title]] = []
    for index, title in enumerate(titles):
        bottom = titles[index + 1].row if index + 1 < len(titles) else grid.max_row + 1
        part = _rows(grid, title.row, bottom)
        if has_label(part, total_rows) or has_label(part, names):
            parts.append((title.row, title))
    if len(parts) < 2:
        return [(grid, parts[0][1] if parts else titles[0])]
    result = []
    for index, (top, title) in enumerate(parts):
        bottom = parts[index + 1][0] if index + 1 < len(parts) else grid.max_row + 1
        result.append((_rows(grid, 1 if index == 0 else top, bottom), title))
    return result


def _rows(grid: SheetGrid, top: int, bottom: int) -> SheetGrid:
    """The rows top ≤ r < bottom of a grid, at their own row numbers (cell references stay true)."""
    inside = lambda coord: top <= coord[0] < bottom  # noqa: E731
    return SheetGrid(
        name=grid.name,
        cells={coord: value for coord, value in grid.cells.items() if inside(coord)},
        merged=[rng for rng in grid.merged if top <= rng[0] < bottom],
        formulas={coord: text for coord, text in grid.formulas.items() if inside(coord)},
        computed={coord: text for coord, text in grid.computed.items() if inside(coord)},
        widths=grid.widths,
        number_format=grid.number_format,
    )


def foreign_title(grid: SheetGrid) -> bool:
    """Whether the sheet is titled as another family's form (部门整体…表): never a project form."""
    for _, value in _strings(grid):
        if "表" not in value:
            continue
        key = loose_label(value)
        if len(key) <= MAX_TITLE and any(word in key for word in NOT_PROJECT) and key.endswith("表"):
            return True
    return False


def department_title(grid: SheetGrid, edition: Edition) -> Title | None:
    """The title of a department-wide form (部门整体支出绩效自评表) filed on the project form's
    grid: the sheet is titled as a department-wide form and still holds the project layout itself
    — a funds total row and an indicator block with 年度指标值, 实际完成值 and 得分 columns — so the
    project rules read it. None when the sheet is not laid out so (then the title is another
    family's). Published copies of Anhui and Hunan units file their department-wide
    self-evaluation this way; fiscal systems (Tianjin) export it so."""
    if not looks_like_project(grid, edition):
        return None
    found: Title | None = None
    for (r, c), value in _strings(grid):
        if "表" not in value:
            continue
        key = loose_label(value)
        if len(key) <= MAX_TITLE and any(word in key for word in NOT_PROJECT) and key.endswith("表"):
            if found is None or (r, c) < (found.row, found.col):
                found = Title(r, c, _SPACES.sub("", value.strip()))
    return found


def sheet_labels(grid: SheetGrid) -> tuple[frozenset[str], list[str]]:
    """The exact keys of the sheet's short text cells, and the same as a list for substring tests."""
    keys = [exact_label(value) for _, value in _strings(grid) if len(value) <= MAX_LABEL * 2]
    keys = [key for key in keys if key and len(key) <= MAX_LABEL]
    return frozenset(keys), keys


def matched_labels(edition: Edition, exact: frozenset[str], cells: list[str] | str) -> int:
    """How many of the edition's identifying labels the sheet holds (``cells``: the cells' keys,
    or all of them joined by line breaks, which no key holds: one search instead of one a cell)."""
    joined = cells if isinstance(cells, str) else "\n".join(cells)
    count = 0
    for label in edition.identify_keys():
        if label in exact or (len(label) >= SUBSTRING_MIN and label in joined):
            count += 1
    return count


def choose_edition(grid: SheetGrid, editions: Sequence[Edition], forced: str | None = None) -> Edition:
    """The edition of the form on ``grid``: ``forced`` when it names a project edition, else the
    one with the most matched identifying labels (ties: the national one, then the first)."""
    if forced is not None:
        chosen = next((edition for edition in editions if edition.id == forced), None)
        if chosen is not None:
            return chosen
    exact, cells = sheet_labels(grid)
    joined = "\n".join(cells)
    scored = [(matched_labels(edition, exact, joined), edition.id == NATIONAL, -index, edition)
              for index, edition in enumerate(editions)]
    return max(scored, key=lambda item: item[:3])[3]


def _last_chars(keys) -> frozenset[str] | None:
    """The last characters of ``keys``: a cell that contains none of them cannot match one (a
    quick test before normalising every cell of a long list). None when a key ends in a character
    that normalisation may produce from another (ASCII), where the quick test does not hold."""
    chars = {key[-1] for key in keys if key}
    return None if any(ord(char) < 128 for char in chars) else frozenset(chars)


def has_label(grid: SheetGrid, labels: Sequence[str]) -> tuple[int, int] | None:
    """The first cell (row order) whose loose key is one of ``labels``."""
    wanted = {loose_label(label) for label in labels}
    quick = _last_chars(wanted)
    hits = [rc for rc, value in _strings(grid) if len(value) <= MAX_LABEL * 2
            and (quick is None or any(char in value for char in quick)) and loose_label(value) in wanted]
    return min(hits) if hits else None


def looks_like_project(grid: SheetGrid, edition: Edition) -> bool:
    """A sheet without a title is claimed only with a funds total row and an indicator block that
    has 年度指标值 and 实际完成值 columns (matched by the edition's synonyms)."""
    columns = edition.indicators.columns
    return bool(has_label(grid, edition.funds.total_rows) and has_label(grid, columns.name)
                and has_label(grid, columns.target) and has_label(grid, columns.actual)
                and has_label(grid, columns.score))


#: Words of a sheet that continues the table of the sheet before it.
CONTINUED = ("续表", "续")
#: Words of a title: a sheet with one (other than 续表) starts a form of its own.
_TITLE_WORDS = ("自评表", "评分表", "评价表", "绩效表", "目标表")


def continues(grid: SheetGrid, edition: Edition) -> bool:
    """The sheet goes on with the indicator table of the sheet before it: it is titled 续表 or has
    no title at all, holds an indicator header (三级指标 with a 得分 column) and no funds total row."""
    titled = False
    for _, value in _strings(grid):
        key = loose_label(value)
        if len(key) <= MAX_TITLE and any(word in key for word in _TITLE_WORDS) and not key.startswith(CONTINUED):
            titled = True
            break
    funds_totals = [label for label in edition.funds.total_rows if label not in edition.labels.total]
    if titled or foreign_title(grid) or has_label(grid, funds_totals):
        return False
    columns = edition.indicators.columns
    return bool(has_label(grid, columns.name) and has_label(grid, [*columns.score, *columns.review]))


def value_text(value: Any) -> str:
    return "" if value is None else str(value).strip()
