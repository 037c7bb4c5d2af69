"""Every package of the source tree ships: pyproject.toml lists packages by name, and a sub-package
left out installs a tool that fails at run time while the tests (run from the checkout) pass."""

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_every_package_is_listed_in_pyproject():
    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["tool"]["setuptools"]["packages"])
    found = {".".join(path.parent.relative_to(ROOT).parts) for path in (ROOT / "evaluator").rglob("__init__.py")}
    assert found - listed == set(), "packages missing from [tool.setuptools] packages"
