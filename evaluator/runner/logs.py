"""Where the run's log goes: stderr (warnings by default), and a file with ``--log``.

stdout carries only the report; everything said along the way (a copy that could not be written,
waiting for another run's lock, with ``--verbose`` one line per file) goes to stderr and the log
file. ``--quiet`` keeps only errors on stderr; the log file always gets everything from INFO on
(from DEBUG with ``--verbose``).
"""

from __future__ import annotations

import logging
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

LOGGER = "evaluator"


class _Console(logging.StreamHandler):
    """stderr, written around a progress bar when one is showing rather than through it."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            from tqdm import tqdm

            tqdm.write(self.format(record), file=self.stream)
        except Exception:  # noqa: BLE001 - logging must never fail the run
            self.handleError(record)


@contextmanager
def configured(verbose: bool = False, quiet: bool = False, log_file: Path | None = None) -> Iterator[None]:
    """Send the tool's log to stderr and ``log_file`` for the duration of the block."""
    from evaluator.outputs.atomic import quiet_abandoned_writers

    quiet_abandoned_writers()   # a full disk is said once per file, not again as a traceback
    logger = logging.getLogger(LOGGER)
    previous = (logger.handlers[:], logger.level, logger.propagate)
    stderr = _Console(sys.stderr)
    stderr.setLevel(logging.DEBUG if verbose else logging.ERROR if quiet else logging.WARNING)
    stderr.setFormatter(logging.Formatter("%(message)s"))
    handlers: list[logging.Handler] = [stderr]
    if log_file is not None:
        log_file.parent.mkdir(parents=True, exist_ok=True)
        to_file = logging.FileHandler(log_file, encoding="utf-8", errors="backslashreplace")
        to_file.setLevel(logging.DEBUG if verbose else logging.INFO)
        to_file.setFormatter(logging.Formatter("%(asctime)s %(process)d %(levelname)s %(message)s"))
        handlers.append(to_file)
    logger.handlers = handlers
    logger.setLevel(logging.DEBUG)
    logger.propagate = False
    try:
        yield
    finally:
        for handler in handlers:
            handler.close()
        logger.handlers, logger.level, logger.propagate = previous
