"""Evaluate the simple formulas of a form that was saved without their results.

Excel, WPS and LibreOffice store each formula's last result beside it, and the reader uses that
result. Files written by scripts carry none: the cell is empty to a reader, and reading it as blank
or zero would raise false alarms (or hide real ones). The formulas found on these forms are sums and
roundings of the form's own cells (``=SUM(G12:G39)``, ``=B13+C13``, ``=ROUND(0.9231*5,2)``), so this
module evaluates exactly that, in exact decimal arithmetic:

* numbers (``92.31%`` too), cell references and ranges on any sheet of the same workbook
  (``G12``, ``$G$12``, ``G12:G39``, ``G:G``, ``'封面'!B3``);
* ``+ - * / ^``, unary ``-``/``+`` and postfix ``%``, with Excel's precedence;
* ``SUM`` (a range adds its numbers and skips text and blanks, as in Excel) and ``ROUND`` (halves
  away from zero, as in Excel);
* the result keeps Excel's 15 significant digits.

Anything else (another workbook, a defined name, ``IF``, a comparison, text, an error, a cycle) is
:class:`Unevaluable`: the cell is then reported as a formula without a value and the checks that
need it stay undecided. Tokens come from openpyxl's formula tokenizer; the rest is small on
purpose, because a general spreadsheet engine computes in binary floats (4.6155 would round to
4.61) and costs more to load than a whole form takes to check.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Context, Decimal, DivisionByZero, InvalidOperation, Overflow, localcontext
from functools import lru_cache
from typing import Any, Protocol

from evaluator.values.cells import column_index
from evaluator.values.numbers import from_float
from evaluator.values.patterns import lazy

#: Significant digits Excel keeps for a number.
EXCEL_DIGITS = 15
#: How deep one formula may reach through others before it is given up (a chain, not a form).
MAX_DEPTH = 100

_CELL = lazy(r"^\$?([A-Za-z]{1,3})\$?(\d+)$")
_COLUMN = lazy(r"^\$?([A-Za-z]{1,3})$")
_ROW = lazy(r"^\$?(\d+)$")
_PLAIN_NUMBER = lazy(r"^[+-]?(\d{1,3}(,\d{3})+|\d+)?(\.\d+)?%?$")


class Unevaluable(Exception):
    """A formula this module does not compute; the message says why (for logs and tests)."""


@dataclass(frozen=True)
class Ref:
    """A cell or a range on one sheet (``sheet`` None: the formula's own sheet), 1-based, inclusive.

    A whole column or row has ``None`` for its open ends; the lookup bounds it by the sheet's extent.
    """

    sheet: str | None
    top: int | None
    left: int | None
    bottom: int | None
    right: int | None

    @property
    def is_cell(self) -> bool:
        return self.top is not None and self.top == self.bottom and self.left is not None and self.left == self.right


class Cells(Protocol):
    """What a formula can see: the cells of its workbook, other formulas evaluated on demand."""

    def value(self, sheet: str, row: int, col: int) -> Any:
        """The raw value of a cell (None when empty); :class:`Unevaluable` if its own formula is."""

    def extent(self, sheet: str) -> tuple[int, int]:
        """(max_row, max_col) of a sheet, which bounds whole-column and whole-row references."""

    def has(self, sheet: str) -> bool:
        """Whether the workbook has a worksheet of that name."""


# ---------------------------------------------------------------------------------------------
# Parsing: tokens → a small tree of tuples


def _parse_ref(text: str) -> Ref:
    sheet: str | None = None
    if "!" in text:
        sheet, _, text = text.rpartition("!")
        if sheet.startswith("'") and sheet.endswith("'"):
            sheet = sheet[1:-1].replace("''", "'")
        if not sheet or "[" in sheet:
            raise Unevaluable(f"reference to another workbook: {sheet}!{text}")
    parts = text.split(":")
    if len(parts) == 1:
        match = _CELL.match(parts[0])
        if not match:
            raise Unevaluable(f"not a cell reference: {text}")  # a defined name, most likely
        row, col = int(match.group(2)), column_index(match.group(1).upper())
        return Ref(sheet, row, col, row, col)
    if len(parts) != 2:
        raise Unevaluable(f"not a range: {text}")
    first, last = parts
    cells = _CELL.match(first), _CELL.match(last)
    if cells[0] and cells[1]:
        r0, c0 = int(cells[0].group(2)), column_index(cells[0].group(1).upper())
        r1, c1 = int(cells[1].group(2)), column_index(cells[1].group(1).upper())
        return Ref(sheet, min(r0, r1), min(c0, c1), max(r0, r1), max(c0, c1))
    columns = _COLUMN.match(first), _COLUMN.match(last)
    if columns[0] and columns[1]:
        c0, c1 = (column_index(m.group(1).upper()) for m in columns)
        return Ref(sheet, None, min(c0, c1), None, max(c0, c1))
    rows = _ROW.match(first), _ROW.match(last)
    if rows[0] and rows[1]:
        r0, r1 = (int(m.group(1)) for m in rows)
        return Ref(sheet, min(r0, r1), None, max(r0, r1), None)
    raise Unevaluable(f"not a range: {text}")


class Token:
    """The token kinds of openpyxl's formula tokenizer (the constants of its ``Token``), named here
    so that importing this module does not import openpyxl: a form whose formulas all have cached
    values never needs it."""

    OPERAND, FUNC, PAREN, SEP, WSPACE = "OPERAND", "FUNC", "PAREN", "SEP", "WHITE-SPACE"
    OP_PRE, OP_IN, OP_POST = "OPERATOR-PREFIX", "OPERATOR-INFIX", "OPERATOR-POSTFIX"
    TEXT, NUMBER, LOGICAL, RANGE = "TEXT", "NUMBER", "LOGICAL", "RANGE"
    OPEN, CLOSE, ARG = "OPEN", "CLOSE", "ARG"


def _tokens(formula: str) -> list[Token]:
    from openpyxl.formula.tokenizer import Tokenizer, TokenizerError

    text = formula if formula.startswith("=") else "=" + formula
    try:
        items = Tokenizer(text).items
    except (TokenizerError, IndexError, ValueError) as exc:
        raise Unevaluable(f"cannot tokenize: {exc}") from exc
    tokens: list[Token] = []
    for index, token in enumerate(items):
        if token.type == Token.WSPACE:
            before = items[index - 1] if index else None
            after = items[index + 1] if index + 1 < len(items) else None
            if (before is not None and after is not None and before.type == Token.OPERAND
                    and after.type == Token.OPERAND):
                raise Unevaluable("range intersection")
            continue
        tokens.append(token)
    return tokens


_INFIX = {"+": 1, "-": 1, "*": 2, "/": 2, "^": 3}


class _Parser:
    """Precedence climbing over openpyxl's tokens: + - < * / < ^ < unary - < postfix %."""

    def __init__(self, tokens: list[Token]):
        self.tokens = tokens
        self.pos = 0

    def peek(self) -> Token | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self) -> Token:
        token = self.peek()
        if token is None:
            raise Unevaluable("formula ends too early")
        self.pos += 1
        return token

    def parse(self) -> tuple:
        tree = self.expression(0)
        if self.peek() is not None:
            raise Unevaluable(f"unexpected {self.peek().value!r}")
        return tree

    def expression(self, floor: int) -> tuple:
        left = self.unary()
        while True:
            token = self.peek()
            if token is None or token.type != Token.OP_IN:
                return left
            if token.value not in _INFIX:
                raise Unevaluable(f"operator {token.value!r}")
            level = _INFIX[token.value]
            if level < floor:
                return left
            self.take()
            # ^ is left-associative in Excel, like the others.
            right = self.expression(level + 1)
            left = ("op", token.value, left, right)

    def unary(self) -> tuple:
        token = self.peek()
        if token is not None and token.type == Token.OP_PRE:
            self.take()
            operand = self.unary()
            return ("neg", operand) if token.value == "-" else operand
        return self.postfix(self.primary())

    def postfix(self, node: tuple) -> tuple:
        while (token := self.peek()) is not None and token.type == Token.OP_POST:
            self.take()
            if token.value != "%":
                raise Unevaluable(f"operator {token.value!r}")
            node = ("percent", node)
        return node

    def primary(self) -> tuple:
        token = self.take()
        if token.type == Token.OPERAND:
            if token.subtype == Token.NUMBER:
                try:
                    return ("number", Decimal(token.value))
                except InvalidOperation as exc:
                    raise Unevaluable(f"number {token.value!r}") from exc
            if token.subtype == Token.RANGE:
                return ("ref", _parse_ref(token.value))
            if token.subtype == Token.TEXT:
                return ("text", token.value[1:-1].replace('""', '"'))
            if token.subtype == Token.LOGICAL:
                return ("number", Decimal(1 if token.value.upper() == "TRUE" else 0))
            raise Unevaluable(f"operand {token.value!r}")  # an error literal such as #REF!
        if token.type == Token.PAREN and token.subtype == Token.OPEN:
            inner = self.expression(0)
            closing = self.take()
            if closing.type != Token.PAREN or closing.subtype != Token.CLOSE:
                raise Unevaluable("unbalanced parentheses")
            return inner
        if token.type == Token.FUNC and token.subtype == Token.OPEN:
            name = token.value[:-1].upper().removeprefix("_XLFN.")
            args: list[tuple] = []
            if (nxt := self.peek()) is not None and nxt.type == Token.FUNC and nxt.subtype == Token.CLOSE:
                self.take()
                return ("call", name, args)
            while True:
                args.append(self.expression(0))
                sep = self.take()
                if sep.type == Token.SEP and sep.subtype == Token.ARG:
                    continue
                if sep.type == Token.FUNC and sep.subtype == Token.CLOSE:
                    return ("call", name, args)
                raise Unevaluable(f"unexpected {sep.value!r} in {name}")
        raise Unevaluable(f"unexpected {token.value!r}")


@lru_cache(maxsize=4096)
def parse(formula: str) -> tuple:
    """The tree of a formula (with or without its leading ``=``), or :class:`Unevaluable`.

    Cached: the forms of one template repeat the same formulas from file to file.
    """
    return _Parser(_tokens(formula)).parse()


# ---------------------------------------------------------------------------------------------
# Evaluation


def _context() -> Context:
    context = Context(prec=34, rounding=ROUND_HALF_UP)
    context.traps[DivisionByZero] = True
    context.traps[InvalidOperation] = True
    context.traps[Overflow] = True
    return context


def text_to_number(text: str) -> Decimal:
    """A text operand of arithmetic as Excel converts it: ``" 4.62 "``, ``"1,234.5"``, ``"94%"``."""
    plain = text.strip()
    if not plain or not _PLAIN_NUMBER.match(plain) or not any(ch.isdigit() for ch in plain):
        raise Unevaluable(f"text {text!r} is not a number")
    value = Decimal(plain.rstrip("%").replace(",", ""))
    return value / 100 if plain.endswith("%") else value


def _number(value: Any) -> Decimal:
    """A single value used in arithmetic: blank is 0, TRUE is 1, numeric text is converted."""
    if value is None:
        return Decimal(0)
    if isinstance(value, bool):
        return Decimal(int(value))
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise Unevaluable("not a finite number")
        return from_float(value)
    if isinstance(value, str):
        return text_to_number(value)
    raise Unevaluable(f"{type(value).__name__} value")


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float, Decimal)) and not isinstance(value, bool)


def _cells(ref: Ref, sheet: str, book: Cells) -> Iterator[Any]:
    name = ref.sheet or sheet
    if not book.has(name):
        raise Unevaluable(f"no sheet {name!r}")
    max_row, max_col = book.extent(name)
    top, bottom = ref.top or 1, ref.bottom if ref.bottom is not None else max_row
    left, right = ref.left or 1, ref.right if ref.right is not None else max_col
    for row in range(top, min(bottom, max_row) + 1):
        for col in range(left, min(right, max_col) + 1):
            yield book.value(name, row, col)


def _excel_digits(value: Decimal) -> Decimal:
    """Keep at most Excel's 15 significant digits (1/3 → 0.333333333333333)."""
    digits = len(value.as_tuple().digits)
    if digits <= EXCEL_DIGITS or value == 0:
        return value
    exponent = value.adjusted() - EXCEL_DIGITS + 1
    return value.quantize(Decimal(1).scaleb(exponent), rounding=ROUND_HALF_UP)


def _round(value: Decimal, places: Decimal) -> Decimal:
    digits = int(places)  # Excel truncates the digits argument toward zero
    return value.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP) if digits >= 0 else (
        (value.scaleb(digits).quantize(Decimal(1), rounding=ROUND_HALF_UP)).scaleb(-digits))


def _evaluate(node: tuple, sheet: str, book: Cells) -> Decimal:
    kind = node[0]
    if kind == "number":
        return node[1]
    if kind == "text":
        return text_to_number(node[1])
    if kind == "ref":
        ref: Ref = node[1]
        if not ref.is_cell:
            raise Unevaluable("a range used as a single value")
        name = ref.sheet or sheet
        if not book.has(name):
            raise Unevaluable(f"no sheet {name!r}")
        return _number(book.value(name, ref.top, ref.left))
    if kind == "neg":
        return -_evaluate(node[1], sheet, book)
    if kind == "percent":
        return _evaluate(node[1], sheet, book) / 100
    if kind == "op":
        _, operator, left_node, right_node = node
        left, right = _evaluate(left_node, sheet, book), _evaluate(right_node, sheet, book)
        if operator == "+":
            return left + right
        if operator == "-":
            return left - right
        if operator == "*":
            return left * right
        if operator == "/":
            if right == 0:
                raise Unevaluable("division by zero")
            return left / right
        if left == 0 and right < 0:
            raise Unevaluable("division by zero")
        return left ** right
    if kind == "call":
        _, name, args = node
        if name == "SUM":
            total = Decimal(0)
            for arg in args:
                if arg[0] == "ref":
                    total += sum((_number(v) for v in _cells(arg[1], sheet, book) if _is_number(v)), Decimal(0))
                else:
                    total += _evaluate(arg, sheet, book)
            return total
        if name == "ROUND":
            if len(args) != 2:
                raise Unevaluable("ROUND takes two arguments")
            return _round(_evaluate(args[0], sheet, book), _evaluate(args[1], sheet, book))
        raise Unevaluable(f"function {name}")
    raise Unevaluable(f"node {kind}")  # pragma: no cover - the parser makes no other nodes


def evaluate(formula: str, sheet: str, book: Cells) -> Decimal:
    """The value of ``formula`` written on ``sheet``, or :class:`Unevaluable`."""
    tree = parse(formula)
    try:
        with localcontext(_context()):
            return _excel_digits(_evaluate(tree, sheet, book))
    except (InvalidOperation, DivisionByZero, Overflow) as exc:
        raise Unevaluable(f"arithmetic error: {type(exc).__name__}") from exc


class FormulaBook:
    """Evaluates every pending formula of a workbook, each once, following references between them.

    ``values[sheet]`` holds the cells a reader obtained; ``pending[sheet]`` maps (row, col) to the
    formula of a cell that has no value; ``blocked`` cells are pending but never evaluated (an array
    formula over several cells). :meth:`run` returns the computed values and the formulas
    that could not be computed, both keyed by (sheet, row, col).
    """

    def __init__(self, values: dict[str, dict[tuple[int, int], Any]],
                 pending: dict[str, dict[tuple[int, int], str]],
                 extents: dict[str, tuple[int, int]],
                 blocked: set[tuple[str, int, int]] = frozenset()):
        self.values = values
        self.pending = pending
        self.extents = extents
        self.done: dict[tuple[str, int, int], Decimal] = {}
        self.failed: dict[tuple[str, int, int], str] = {key: "not evaluated here" for key in blocked}
        self.active: list[tuple[str, int, int]] = []

    def extent(self, sheet: str) -> tuple[int, int]:
        return self.extents[sheet]

    def has(self, sheet: str) -> bool:
        return sheet in self.values

    def value(self, sheet: str, row: int, col: int) -> Any:
        key = (sheet, row, col)
        formula = self.pending.get(sheet, {}).get((row, col))
        if formula is None:
            return self.values[sheet].get((row, col))
        if key in self.done:
            return self.done[key]
        if key in self.failed:
            raise Unevaluable(f"{sheet}!{row},{col} has no value: {self.failed[key]}")
        if key in self.active:
            raise Unevaluable("circular reference")
        if len(self.active) >= MAX_DEPTH:
            raise Unevaluable("formulas nested too deep")
        self.active.append(key)
        try:
            result = evaluate(formula, sheet, self)
        except Unevaluable as exc:
            self.failed[key] = str(exc)
            raise
        finally:
            self.active.pop()
        self.done[key] = result
        return result

    def run(self) -> tuple[dict[tuple[str, int, int], Decimal], dict[tuple[str, int, int], str]]:
        for sheet, formulas in self.pending.items():
            for row, col in formulas:
                try:
                    self.value(sheet, row, col)
                except Unevaluable:
                    pass
        return self.done, self.failed
