"""Exact numbers: reading figures as people write them, and rounding like Excel's ROUND.

Every amount and score is a :class:`~decimal.Decimal`. Binary floats get the form wrong:
``0.9231 * 5`` is ``4.615499…`` as a float and rounds to 4.61, while the form (and Excel) say 4.62.
"""

from __future__ import annotations

import unicodedata
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation, localcontext

from evaluator.values.text import strip_invisible
from evaluator.values.patterns import lazy

CENT = Decimal("0.01")
HUNDRED = Decimal(100)
#: The largest magnitude read as a number (exclusive): 10^15, Excel's 15 significant digits, far
#: beyond any budget or score. A cell beyond it (1e30 typed in a score, an uncached 9^9^9^9) is
#: read as no number, and the checks say so on that cell (``score-not-number``: too large), so
#: that no figure past what Decimal arithmetic holds exactly ever reaches a report.
BOUND = Decimal("1e15")

# A unit or currency word people append to a figure: 4.62分, 303,054.14万元, 3家.
_UNIT_SUFFIX = lazy(r"(万元|元|分|个|家|项|%)$")
_NUMBER = lazy(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
_THOUSANDS = lazy(r"^[+-]?\d{1,3}(,\d{3})+(\.\d*)?$")


def round_half_up(value: Decimal, places: int = 2) -> Decimal:
    """Round like Excel's ROUND: halves away from zero (4.6155 → 4.62). Never fails for want of
    precision: a number of any size gets the digits its rounding needs."""
    if not value.is_finite():
        return value
    with localcontext() as context:
        context.prec = max(context.prec, value.adjusted() + places + 2)
        return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def beyond_bound(value: Decimal) -> bool:
    """Whether a number is too large to be read as one (see :data:`BOUND`), or not finite."""
    return not value.is_finite() or abs(value) >= BOUND


def decimal_places(value: Decimal) -> int:
    """How many decimals a number was written with (4.62 → 2, 5 → 0)."""
    exponent = value.as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def fmt(value: Decimal | None) -> str:
    """Shortest plain rendering of a decimal: 5.00 → 5, 4.6155 → 4.6155, 100 → 100."""
    if value is None:
        return ""
    normal = value.normalize()
    text = format(normal, "f")
    return "0" if text in ("-0", "") else text


def fmt_percent(rate: Decimal) -> str:
    """0.9231 → 92.31%."""
    return f"{fmt(rate * HUNDRED)}%"


def normalize_text(text: str) -> str:
    """NFKC-fold a text: full-width digits, letters and punctuation become their ASCII forms."""
    return unicodedata.normalize("NFKC", strip_invisible(text))


def from_float(value: float) -> Decimal:
    """The decimal a person typed into a cell that a reader hands back as a float.

    ``repr`` gives the shortest string that round-trips, so 4.62 stays 4.62 and 0.1 + 0.2 stays
    0.30000000000000004 (a formula result keeps what the formula really produced).
    """
    return Decimal(repr(float(value)))


def parse_number(raw: object, *, percent_as_fraction: bool = True) -> Decimal | None:
    """Read a cell value as a number, or ``None`` when it is not one.

    Accepts numbers and numbers stored as text: ``303,054.14``, ``50.00``, ``４．６２`` (full-width),
    `` 4.62 `` (spaces), ``4.62分`` (a unit), ``94%`` (→ 0.94 with ``percent_as_fraction``).
    Booleans, dates and free text are not numbers, and neither is a number of :data:`BOUND` or
    more (:func:`too_large` tells those apart).
    """
    value = _parse_number(raw, percent_as_fraction=percent_as_fraction)
    return None if value is None or beyond_bound(value) else value


def too_large(raw: object) -> bool:
    """Whether a cell value is a number, but one too large to be read as one (:data:`BOUND`)."""
    value = _parse_number(raw, percent_as_fraction=False)
    return value is not None and beyond_bound(value) and not value.is_nan()


def _parse_number(raw: object, *, percent_as_fraction: bool = True) -> Decimal | None:
    if raw is None or isinstance(raw, bool):
        return None
    if isinstance(raw, Decimal):
        return raw
    if isinstance(raw, int):
        return Decimal(raw)
    if isinstance(raw, float):
        if raw != raw or raw in (float("inf"), float("-inf")):
            return None
        return from_float(raw)
    if not isinstance(raw, str):
        return None
    text = normalize_text(raw).strip().replace(" ", "")
    if not text:
        return None
    percent = text.endswith("%")
    while True:
        stripped = _UNIT_SUFFIX.sub("", text) if not text.endswith("%") else text[:-1]
        if stripped == text:
            break
        text = stripped
    if _THOUSANDS.match(text):
        text = text.replace(",", "")
    if not _NUMBER.match(text):
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:  # pragma: no cover - the pattern above admits only valid literals
        return None
    if percent and percent_as_fraction:
        value = value / HUNDRED
    return value
