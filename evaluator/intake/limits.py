"""How much of a file the tool will read: the limits that keep one bad file from stalling a batch.

A folder that people drop files into receives anything, including files built to exhaust memory
(a "zip bomb" that inflates to gigabytes, a sheet whose one cell sits at XFD1048576, a merged
range over a whole sheet). :mod:`evaluator.safety` measures every file against these limits
*before* any parser touches it, from the zip directory and a streaming scan of the parts, so the
tool's memory and time stay bounded whatever arrives.

=====================  =======  ==================================  ===============================
Limit                  Default  Command line / environment          What happens beyond it
=====================  =======  ==================================  ===============================
``max_file_mb``        50       ``--max-file-mb``                   the file is not read
                                ``EVALUATOR_MAX_FILE_MB``           (``unreadable``)
``max_unzipped_mb``    200      ``--max-unzipped-mb``               the file is not read
                                ``EVALUATOR_MAX_UNZIPPED_MB``
``max_ratio``          100      ``--max-ratio``                     the file is not read
                                ``EVALUATOR_MAX_RATIO``
``max_entries``        10000    ``--max-entries``                   the file is not read
                                ``EVALUATOR_MAX_ENTRIES``
``max_rows``           50000    ``--max-rows``                      that sheet is skipped, with a
                                ``EVALUATOR_MAX_ROWS``              ``sheet-skipped`` note
``max_cells``          500000   ``--max-cells``                     the largest sheets are skipped,
                                ``EVALUATOR_MAX_CELLS``             each with a note
=====================  =======  ==================================  ===============================

The defaults are far above any real form (one form is about 50 rows by 10 columns, a few tens of
kilobytes) and keep the peak memory of a whole run under 500 MB. A form sits in a small sheet, so
skipping a huge attachment sheet still finds and checks the form beside it.

Sheets are skipped only in an .xlsx. The reader builds every sheet of an .xls or an .ods as it
opens the file, so there a sheet over ``max_rows`` or ``max_cells`` refuses the whole file
(``unreadable``, saying to save it as .xlsx). HTML and CSV tables over the limits are refused too.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any

MB = 1024 * 1024


def _limit(default: int, env: str, help: str) -> Any:
    return field(default=default, metadata={"env": env, "help": help})


@dataclass(frozen=True)
class Limits:
    """The most the tool reads from one file. Every value is a positive whole number."""

    max_file_mb: int = _limit(
        50, "EVALUATOR_MAX_FILE_MB",
        "读取的文件最大多少 MB（一张自评表只有几十 KB）。")
    max_unzipped_mb: int = _limit(
        200, "EVALUATOR_MAX_UNZIPPED_MB",
        ".xlsx/.ods 解压后的总大小最大多少 MB（按 zip 目录计算）。")
    max_ratio: int = _limit(
        100, "EVALUATOR_MAX_RATIO",
        "大于 1 MB 的部件最高的压缩比（zip 炸弹可达 1000:1）。")
    max_entries: int = _limit(
        10_000, "EVALUATOR_MAX_ENTRIES",
        "一个 .xlsx/.ods 包最多含多少个部件。")
    max_rows: int = _limit(
        50_000, "EVALUATOR_MAX_ROWS",
        "一张工作表最多多少行；超过的工作表跳过，并附说明。")
    max_cells: int = _limit(
        500_000, "EVALUATOR_MAX_CELLS",
        "一个工作簿最多读取多少个单元格（各工作表的已用区域加合并区域）；超出时跳过最大的工作表，"
        "并附说明。")

    def __post_init__(self) -> None:
        for item in fields(self):
            value = getattr(self, item.name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"{item.name} must be a positive whole number, not {value!r}")

    @property
    def max_file_bytes(self) -> int:
        return self.max_file_mb * MB

    @property
    def max_unzipped_bytes(self) -> int:
        return self.max_unzipped_mb * MB

    @staticmethod
    def options() -> list[tuple[str, int, str, str]]:
        """(name, default, environment variable, help) of every limit, for the command line and docs."""
        return [(item.name, item.default, item.metadata["env"], item.metadata["help"]) for item in fields(Limits)]


DEFAULT_LIMITS = Limits()
