"""Random scored-tree forms (the Hunan 评分表, the 投入/过程 指标表): consistent forms give no error
or warning; each planted fault is found at its row, by its rule; every form is read by its own
edition."""

from __future__ import annotations

import random

import pytest

from evaluator.findings import Severity
from evaluator.runner.engine import check_file
from evaluator.values.cells import coordinates
from treebuilder import FAULTS, plant, random_form, write
from findingsets import independent, stray_consequences

EDITIONS = {"hunan": "hunan-department-score", "indicators": "input-process-indicators"}
SEEDS = range(12)


@pytest.mark.parametrize("layout", sorted(EDITIONS))
@pytest.mark.parametrize("seed", SEEDS)
def test_a_consistent_form_has_no_error_or_warning(layout, seed, tmp_path, definitions):
    form = random_form(random.Random(f"{layout}-{seed}"), layout)
    path = tmp_path / "form.xlsx"
    write(form, path)
    result = check_file(path, definitions)
    [checked] = result.forms
    assert checked.edition == EDITIONS[layout]
    loud = [(f.rule, f.cell, f.message) for f in checked.findings if f.severity is not Severity.INFO]
    assert loud == []
    assert checked.total.recomputed == form.recomputed
    assert len(checked.model.rows) == len(form.rows)


@pytest.mark.parametrize("layout,fault", [(layout, fault) for layout in sorted(EDITIONS) for fault in FAULTS[layout]])
@pytest.mark.parametrize("seed", range(4))
def test_a_planted_fault_is_found_at_its_row(layout, fault, seed, tmp_path, definitions):
    rng = random.Random(f"{layout}-{fault}-{seed}")
    form = random_form(rng, layout)
    rule, index = plant(rng, form, fault)
    path = tmp_path / "form.xlsx"
    where = write(form, path)
    [checked] = check_file(path, definitions).forms
    assert checked.edition == EDITIONS[layout]
    loud = independent(f for f in checked.findings if f.severity is not Severity.INFO)
    assert stray_consequences(checked.findings, loud) == []
    assert [f.rule for f in loud] == [rule], [(f.rule, f.cell, f.message) for f in loud]
    row, _ = coordinates(loud[0].cell)
    assert row == where[index]
