"""Every grade band edge of every edition: a total exactly on a lower bound earns that band, a
total one cent below earns the band under it.

The bands are the form's conclusion and they are read from data (each edition's YAML, the
default bands of a project edition, the department catalog): a bound moved (the national 中 at 50
instead of 60), a ``>=`` turned ``>``, or a band set dropped must fail here, for each edition on
its own. tests/cases/project/grade-mismatch.yaml checks the same edges end to end on the one
edition that prints its grade (Yunnan).
"""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace

import pytest

from evaluator.families import load_definitions
from evaluator.families.project.derive import grade_for, grades_accepted

DEFINITIONS = load_definitions()

#: The national bands (财预〔2020〕10号): 优 ≥ 90, 良 ≥ 80, 中 ≥ 60, 差 below.
NATIONAL_EDGES = [("100", "优"), ("90", "优"), ("89.99", "良"), ("80", "良"), ("79.99", "中"),
                  ("60", "中"), ("59.99", "差"), ("0", "差")]
#: The second set the national edition accepts (one vendor's template): 优 ≥ 80, 良 ≥ 70, 中 ≥ 60.
VENDOR_EDGES = [("90", "优"), ("80", "优"), ("79.99", "良"), ("70", "良"), ("69.99", "中"),
                ("60", "中"), ("59.99", "差"), ("0", "差")]

#: Every bundled project edition's grade band sets, first the edition's own, as the sources print them.
PROJECT_BANDS = {
    "project-national": [NATIONAL_EDGES, VENDOR_EDGES],
    "project-ab": [NATIONAL_EDGES],
    "project-hubei": [NATIONAL_EDGES],
    "project-sichuan": [NATIONAL_EDGES],
    "project-yunnan": [NATIONAL_EDGES],
}


def test_every_bundled_project_edition_is_covered():
    assert sorted(edition.id for edition in DEFINITIONS.project_editions) == sorted(PROJECT_BANDS)


def _form(edition_id: str) -> SimpleNamespace:
    """What the grade functions read of a form: its edition."""
    edition = DEFINITIONS.project_edition(edition_id)
    assert edition is not None, edition_id
    return SimpleNamespace(edition=edition)


@pytest.mark.parametrize("edition_id", sorted(PROJECT_BANDS))
def test_project_grade_on_every_band_edge(edition_id):
    form = _form(edition_id)
    band_sets = PROJECT_BANDS[edition_id]
    for total, grade in band_sets[0]:
        assert grade_for(form, Decimal(total)) == grade, f"{edition_id}: {total}"
    for index, edges in enumerate(band_sets):
        for total, grade in edges:
            accepted = grades_accepted(form, Decimal(total))
            assert len(accepted) == len(band_sets) and accepted[index] == grade, f"{edition_id} set {index}: {total}"


@pytest.mark.parametrize("edition_id", sorted(PROJECT_BANDS))
def test_no_grade_for_no_total(edition_id):
    assert grade_for(_form(edition_id), None) is None


def test_department_grade_on_every_band_edge():
    catalog = DEFINITIONS.department
    # Printed on the form: 优 90分≤得分≤100分；良 80分≤得分＜90分；中 60分≤得分＜80分；差 得分＜60分.
    for total, grade in NATIONAL_EDGES:
        band = catalog.grade_for(Decimal(total))
        assert band is not None and band.name == grade, f"{total}: {band}"
    # Above the whole (100 is the top band's closed upper bound) and below 0, no band.
    assert catalog.grade_for(Decimal("100.01")) is None
    assert catalog.grade_for(Decimal("-0.01")) is None
