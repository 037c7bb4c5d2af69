"""One reporter per output format, chosen from :data:`REPORTERS` by name.

A reporter turns a run's results into text on a stream; it computes nothing.
"""

from __future__ import annotations

from typing import Callable, Iterable, TextIO

from ..engine import FileResult
from . import json as json_reporter
from . import text as text_reporter

Reporter = Callable[[Iterable[FileResult], TextIO], None]

REPORTERS: dict[str, Reporter] = {
    "text": text_reporter.render,
    "json": json_reporter.render,
}
