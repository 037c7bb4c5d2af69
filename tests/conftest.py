"""Shared fixtures: the bundled catalog, the seed form's data and a builder of test workbooks."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests" / "sample_sources"))

import build_samples  # noqa: E402

from evaluator.families import load_definitions  # noqa: E402
from evaluator.families.department.catalog import load_catalog  # noqa: E402
from formbuilder import Layout, apply_edits, build_form, load_yaml  # noqa: E402

SAMPLES = REPO / "sample_workbooks"
CATALOG_FILE = build_samples.CATALOG


@pytest.fixture(scope="session")
def catalog():
    return load_catalog()


@pytest.fixture(scope="session")
def definitions():
    """The bundled editions of every family, as a run loads them."""
    return load_definitions()


@pytest.fixture(scope="session")
def catalog_data() -> dict[str, Any]:
    return load_yaml(CATALOG_FILE)


@pytest.fixture(scope="session")
def seed_data() -> dict[str, Any]:
    return load_yaml(build_samples.SEED_FORM)


@pytest.fixture(scope="session")
def correct_data(seed_data) -> dict[str, Any]:
    return apply_edits(seed_data, build_samples.CORRECT_EDITS)


@pytest.fixture
def make_form(tmp_path, catalog_data, correct_data):
    """Build a workbook from the correct form plus edits and a layout; return its path."""

    def make(edits: dict[str, Any] | None = None, layout: dict[str, Any] | None = None,
             name: str = "form.xlsx", base: dict[str, Any] | None = None) -> Path:
        data = apply_edits(base if base is not None else correct_data, edits or {})
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        build_form(catalog_data, data, Layout(**(layout or {})), path=path)
        return path

    return make
