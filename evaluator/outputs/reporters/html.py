"""The run report as one HTML page (report.html): an overview table, then every form's findings.

The page is self-contained: its style is inline, it loads nothing from the network and runs no
script, so it reads the same opened straight from disk, mailed, or archived. Links to the annotated
copies are relative to the page. Every text from a workbook is escaped (autoescape is on).
The template is ``templates/report.html.j2``, shipped inside the package as ``evaluator.templates``.
"""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import IO, Any

from evaluator import __version__
from evaluator.outputs.reporters.common import SEVERITY_LABELS, fact_lines, href, relative_path, status_label
from evaluator.outputs.reporters.json import effective_status

TEMPLATE = "report.html.j2"


def template_text(name: str = TEMPLATE) -> str:
    """A template's text: from the source checkout when running from one, else the installed package."""
    package_dir = Path(__file__).resolve().parents[2]
    checkout = package_dir.parent
    if (checkout / "pyproject.toml").is_file() and (checkout / "templates" / name).is_file():
        return (checkout / "templates" / name).read_text("utf-8")
    return resources.files("evaluator.templates").joinpath(name).read_text("utf-8")


@lru_cache(maxsize=1)
def _template():
    from jinja2 import Environment, StrictUndefined

    environment = Environment(autoescape=True, undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    return environment.from_string(template_text())


def _view(row: dict[str, Any], index: int, base: Path | None) -> dict[str, Any]:
    return {
        **row,
        "anchor": f"f{index}",
        "status_class": effective_status(row),
        "status_label": status_label(row),
        "annotated_href": href(row.get("annotated"), base),
        "annotated_name": relative_path(row.get("annotated"), base),
        "fact_lines": fact_lines(row.get("facts")),
        "findings": [
            {**finding, "severity_label": SEVERITY_LABELS.get(finding["severity"], finding["severity"])}
            for finding in row["findings"]
        ],
    }


def render(data: dict[str, Any], stream: IO[str], base: Path | None = None) -> None:
    page = _template().render(
        rows=[_view(row, index, base) for index, row in enumerate(data["files"], start=1)],
        summary=data["summary"],
        generated=datetime.now().astimezone().strftime("%Y-%m-%d %H:%M"),
        version=__version__,
    )
    stream.write(page)
    if not page.endswith("\n"):
        stream.write("\n")
