"""The sample forms as accountants actually submit them, and where each cell went.

Every sample of ``sample_workbooks/`` (the seed, the correct form, each planted error) can be
written in every :data:`VARIANTS` entry: moved behind a cover sheet or to an offset, drawn with
repeated labels, renamed headers or reordered columns, with blank rows, numbers stored as text,
formulas without results, a second department's form on another sheet, or saved by an office suite
(the committed files of ``tests/fixtures/``, made by ``tests/fixtures/make_fixtures.py``).

:func:`build` writes a variant and returns, for each form in it, the map from the builder's cell
keys (``("row", 3, "score")``, ``("total", "score")``, …) to the cell where that part of the form
sits in *that* file. A finding on the original is followed to the variant through these maps, so
that no address is written down by hand.

    python tests/variants.py OUT_DIR     # writes every variant of every sample, for a look

The project samples (``sample_workbooks/project-*.xlsx``) have their own :data:`PROJECT_VARIANTS`:
office-suite round trips (.xlsx and .xls, with formula results), a cover sheet, offsets, a blank row
in the table, numbers stored as text (plain, with units, with thousands separators), formulas
without results, and one project per sheet. Their cell maps are keyed by the project builder's
edit keys (``funds.total.score``, ``indicators.b2.score``, ``total.score``).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
for folder in (REPO, REPO / "tests" / "sample_sources"):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

import build_samples  # noqa: E402

from formbuilder import Layout, apply_edits, build_form, load_yaml, save_workbook  # noqa: E402
from projectbuilder import ProjectLayout, apply_project_edits, build_projects, load_project  # noqa: E402

FIXTURES = HERE / "fixtures"
CellMap = dict[tuple, tuple[str, int, int]]

#: The department of the second form in a two-form workbook (on its own sheet).
SECOND_DEPARTMENT = "示例部门乙"
SECOND_SHEET = "示例部门乙"


@lru_cache(maxsize=1)
def samples() -> dict[str, dict[str, Any]]:
    """Every sample's data by its file stem, as build_samples.py makes them (do not modify:
    :func:`apply_edits` gives a copy)."""
    seed = load_yaml(build_samples.SEED_FORM)
    correct = apply_edits(seed, build_samples.CORRECT_EDITS)
    result = {f"{seed['year']}-{seed['department']}": seed, "correct-form": correct}
    for name, edits in build_samples.PLANTED.items():
        result[Path(name).stem] = apply_edits(correct, edits)
    return result


@dataclass(frozen=True)
class Variant:
    """One way a form arrives.

    ``layout`` and ``edits`` are passed to the builder; ``second_form`` adds the seed form of
    another department on a second sheet; ``fixture`` names a folder of committed files made by an
    office suite from the samples built with ``layout`` (``suffix`` is their extension).
    """

    name: str
    layout: dict[str, Any] = field(default_factory=dict)
    edits: dict[str, Any] = field(default_factory=dict)
    second_form: bool = False
    fixture: str | None = None
    suffix: str = ".xlsx"


# Ids after which blank rows are inserted: inside a 二级 group, between two 二级 groups of one
# 一级 group, and between the two 一级 groups.
BLANK_AFTER = ["special-fund-performance", "special-fund-spending-rate", "fixed-asset-utilization",
               "budget-spending-rate"]
EXPLANATION_AFTER_LEVEL3 = ["level1", "level1_weight", "level2", "level2_weight", "level3", "explanation",
                            "weight", "score", "reason", "remedy"]
REMEDY_BEFORE_REASON = ["level1", "level1_weight", "level2", "level2_weight", "level3", "weight", "score",
                        "remedy", "reason", "explanation"]

VARIANTS: list[Variant] = [
    # Saved by an office suite (committed files; see fixtures/make_fixtures.py).
    Variant("libreoffice-xlsx", fixture="libreoffice-xlsx"),
    Variant("libreoffice-formulas-xlsx", layout={"formulas": True}, fixture="libreoffice-formulas-xlsx"),
    Variant("libreoffice-formulas-xls", layout={"formulas": True}, fixture="libreoffice-formulas-xls",
            suffix=".xls"),
    # Where the form sits.
    Variant("cover-sheet", layout={"cover_sheet": True}),
    Variant("offset", layout={"row_offset": 5, "col_offset": 3}),
    Variant("cover-sheet-and-offset", layout={"cover_sheet": True, "row_offset": 2, "col_offset": 1,
                                              "sheet_name": "Sheet2"}),
    Variant("blank-rows", layout={"blank_rows_after": BLANK_AFTER}),
    Variant("year-2023", edits={"year": 2023}),
    Variant("year-in-title", layout={"year_in_title": True}, edits={"year": 2023}),
    # How the table is drawn.
    Variant("repeated-labels", layout={"merge_labels": False}),
    Variant("repeated-labels-blank-rows", layout={"merge_labels": False, "blank_rows_after": BLANK_AFTER}),
    Variant("headers-得分-权重", layout={"headers": {"score": "得分", "weight": "权重"}}),
    Variant("headers-自评分-分值（分）-偏差原因", layout={"headers": {
        "score": "自评分", "weight": "分值（分）", "reason": "偏差原因分析及改进措施"}}),
    Variant("headers-自评得分", layout={"headers": {"score": "自评得分"}}),
    Variant("explanation-after-level3", layout={"column_order": EXPLANATION_AFTER_LEVEL3}),
    Variant("remedy-before-reason", layout={"column_order": REMEDY_BEFORE_REASON}),
    # Numbers stored as text.
    Variant("text-thousands", layout={"numbers_as_text": True}),
    Variant("text-fullwidth", layout={"numbers_as_text": True, "text_style": "fullwidth"}),
    Variant("text-spaces", layout={"numbers_as_text": True, "text_style": "spaced"}),
    Variant("text-units", layout={"numbers_as_text": True, "text_style": "unit"}),
    Variant("text-percent-weights", layout={"numbers_as_text": True, "text_style": "percent"}),
    # Formulas without cached results, as scripts write them.
    Variant("formulas", layout={"formulas": True}),
    Variant("formulas-repeated-labels", layout={"formulas": True, "merge_labels": False}),
    Variant("formulas-offset-reordered", layout={"formulas": True, "row_offset": 3, "col_offset": 2,
                                                 "column_order": EXPLANATION_AFTER_LEVEL3}),
    # Two departments in one workbook.
    Variant("two-forms", second_form=True),
]
BY_NAME = {variant.name: variant for variant in VARIANTS}


@dataclass
class Built:
    """A variant written to ``path``, and for each of its forms the cell map of its parts."""

    path: Path
    forms: list[CellMap]


@lru_cache(maxsize=1)
def _catalog() -> dict[str, Any]:
    return load_yaml(build_samples.CATALOG)


def cell_map(data: dict[str, Any], layout: dict[str, Any] | None = None,
             catalog: dict[str, Any] | None = None) -> CellMap:
    """Where each part of a form built from ``data`` with ``layout`` sits (nothing is saved)."""
    cells: CellMap = {}
    build_form(catalog or _catalog(), data, Layout(**(layout or {})), cells=cells)
    return cells


@lru_cache(maxsize=None)
def _fixture_cells(variant: str, sample: str) -> CellMap:
    variant_ = BY_NAME[variant]
    return cell_map(apply_edits(samples()[sample], variant_.edits), variant_.layout)


def fixture_path(variant: Variant, sample: str) -> Path:
    return FIXTURES / variant.fixture / f"{sample}{variant.suffix}"


def build(variant: Variant, sample: str, folder: Path, catalog: dict[str, Any] | None = None) -> Built:
    """Write ``variant`` of ``sample`` into ``folder`` (or find its committed file)."""
    if variant.fixture is not None:
        return Built(path=fixture_path(variant, sample), forms=[dict(_fixture_cells(variant.name, sample))])
    catalog = catalog or _catalog()
    data = apply_edits(samples()[sample], variant.edits)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{sample}.{variant.name}.xlsx"
    first: CellMap = {}
    workbook = build_form(catalog, data, Layout(**variant.layout), cells=first)
    forms = [first]
    if variant.second_form:
        second: CellMap = {}
        other = apply_edits(samples()[seed_sample()], {"department": SECOND_DEPARTMENT})
        build_form(catalog, other, Layout(**{**variant.layout, "sheet_name": SECOND_SHEET}),
                   workbook=workbook, cells=second)
        forms.append(second)
    save_workbook(workbook, path)
    return Built(path=path, forms=forms)


def seed_sample() -> str:
    """The file stem of the seed form (the published one, with its one warning)."""
    return next(iter(samples()))


# --------------------------------------------------------------------------------------------
# Project forms


@lru_cache(maxsize=1)
def project_samples() -> dict[str, dict[str, Any]]:
    """Every project sample's data by its file stem, as build_samples.py makes them."""
    result = {name: load_project(name) for name in build_samples.PROJECT_EDITIONS}
    for name, (base, edits) in build_samples.PROJECT_PLANTED.items():
        result[Path(name).stem] = apply_project_edits(load_project(base), edits)
    return result


#: The project samples saved by an office suite (committed under tests/fixtures/project-*/):
#: every edition and three planted faults, which keeps the committed files small.
PROJECT_FIXTURE_SAMPLES = (*build_samples.PROJECT_EDITIONS, "project-planted-rate-score",
                           "project-planted-target-score", "project-planted-grade-mismatch")
#: The second project of the one-project-per-sheet variant, on its own sheet (another edition).
SECOND_PROJECT = "project-hubei"
SECOND_PROJECT_SHEET = "项目二"


@dataclass(frozen=True)
class ProjectVariant:
    """One way a project form arrives (``layout``: keys of :class:`projectbuilder.ProjectLayout`)."""

    name: str
    layout: dict[str, Any] = field(default_factory=dict)
    second_form: bool = False
    fixture: str | None = None
    suffix: str = ".xlsx"


PROJECT_VARIANTS: list[ProjectVariant] = [
    ProjectVariant("libreoffice-xlsx", fixture="project-libreoffice-xlsx"),
    ProjectVariant("libreoffice-formulas-xlsx", layout={"formulas": True}, fixture="project-libreoffice-formulas-xlsx"),
    ProjectVariant("libreoffice-formulas-xls", layout={"formulas": True}, fixture="project-libreoffice-formulas-xls",
                   suffix=".xls"),
    ProjectVariant("cover-sheet", layout={"cover_sheet": True}),
    ProjectVariant("offset", layout={"row": 6, "col": 4}),
    ProjectVariant("cover-sheet-and-offset", layout={"cover_sheet": True, "row": 3, "col": 2, "sheet_name": "Sheet2"}),
    ProjectVariant("blank-row", layout={"blank_row": True}),
    ProjectVariant("text-plain", layout={"numbers_as_text": "plain"}),
    ProjectVariant("text-units", layout={"numbers_as_text": "unit"}),
    ProjectVariant("text-thousands", layout={"numbers_as_text": "thousands"}),
    ProjectVariant("formulas", layout={"formulas": True}),
    ProjectVariant("formulas-offset", layout={"formulas": True, "row": 2, "col": 3}),
    ProjectVariant("one-project-per-sheet", second_form=True),
]
PROJECT_BY_NAME = {variant.name: variant for variant in PROJECT_VARIANTS}
ProjectCellMap = dict[str, tuple[str, int, int]]


def _positions(where: dict[str, str], sheet: str) -> ProjectCellMap:
    from openpyxl.utils.cell import column_index_from_string, coordinate_from_string

    result = {}
    for key, address in where.items():
        letters, row = coordinate_from_string(address)
        result[key] = (sheet, row, column_index_from_string(letters))
    return result


def project_cell_map(data: dict[str, Any], layout: dict[str, Any] | None = None) -> ProjectCellMap:
    """Where each part of a project form built from ``data`` with ``layout`` sits (not saved)."""
    spots: list[dict[str, str]] = []
    project_layout = ProjectLayout(**(layout or {}))
    build_projects([(data, project_layout)], None, spots)
    return _positions(spots[0], project_layout.sheet_name)


def project_fixture_path(variant: ProjectVariant, sample: str) -> Path:
    return FIXTURES / str(variant.fixture) / f"{sample}{variant.suffix}"


def project_samples_of(variant: ProjectVariant) -> list[str]:
    return list(PROJECT_FIXTURE_SAMPLES) if variant.fixture else list(project_samples())


def build_project_variant(variant: ProjectVariant, sample: str, folder: Path) -> Built:
    """Write ``variant`` of a project ``sample`` into ``folder`` (or find its committed file)."""
    data = project_samples()[sample]
    if variant.fixture is not None:
        return Built(path=project_fixture_path(variant, sample), forms=[project_cell_map(data, variant.layout)])
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{sample}.{variant.name}.xlsx"
    layout = ProjectLayout(**variant.layout)
    forms = [(data, layout)]
    if variant.second_form:
        forms.append((project_samples()[SECOND_PROJECT], ProjectLayout(**{**variant.layout, "sheet_name": SECOND_PROJECT_SHEET})))
    spots: list[dict[str, str]] = []
    build_projects(forms, path, spots)
    return Built(path=path, forms=[_positions(where, form_layout.sheet_name)
                                   for where, (_, form_layout) in zip(spots, forms)])


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    out = Path(sys.argv[1])
    for variant in VARIANTS:
        for name in samples():
            built = build(variant, name, out / variant.name)
            print(built.path)
    for project_variant in PROJECT_VARIANTS:
        if project_variant.fixture:
            continue
        for name in project_samples():
            print(build_project_variant(project_variant, name, out / f"project-{project_variant.name}").path)
