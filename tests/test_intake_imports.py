"""The intake is one door with no import circle: every module of evaluator/intake/ imports on its
own in a fresh interpreter, and the graph of their imports of one another (read from the source,
function-level imports included) has no cycle. The safety checks are split by concern, and none of
them reaches back to the facade that dispatches to them."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import SAMPLES

REPO = Path(__file__).resolve().parent.parent
INTAKE = REPO / "evaluator" / "intake"
MODULES = sorted(path.stem for path in INTAKE.glob("*.py") if path.stem != "__init__")


def _imports(module: str) -> set[str]:
    """The intake modules ``module`` imports, at any depth of its source (lazy imports too)."""
    tree = ast.parse((INTAKE / f"{module}.py").read_text("utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            if node.module.startswith("evaluator.intake."):
                found.add(node.module.split(".")[2])
            elif node.module == "evaluator.intake":
                found.update(alias.name for alias in node.names if alias.name in MODULES)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("evaluator.intake."):
                    found.add(alias.name.split(".")[2])
    return found - {module}


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle of ``graph``, as a path that comes back to its start, or None."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for target in sorted(graph.get(node, ())):
            if state.get(target) == 1:
                return stack[stack.index(target):] + [target]
            if target not in state and (found := visit(target)) is not None:
                return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node)) is not None:
            return found
    return None


def test_the_cycle_finder_finds_a_cycle():
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set(), "c": {"a", "b"}}) is None


def test_the_intake_modules_import_one_another_without_a_circle():
    graph = {module: _imports(module) for module in MODULES}
    assert graph["files"] and graph["safety"], "the graph was not read"
    assert _cycle(graph) is None, " → ".join(_cycle(graph))


def test_the_safety_checks_are_split_by_concern_and_never_import_the_facade():
    graph = {module: _imports(module) for module in MODULES}
    for concern in ("zipcheck", "xmlcheck", "olecheck", "textcheck", "refusals", "inspection", "files"):
        assert "safety" not in graph[concern], concern
    assert {"zipcheck", "olecheck", "textcheck", "files"} <= graph["safety"]
    assert "xmlcheck" in graph["zipcheck"]
    assert graph["refusals"] == set()


@pytest.mark.parametrize("module", MODULES)
def test_each_intake_module_imports_alone(module):
    done = subprocess.run([sys.executable, "-c", f"import evaluator.intake.{module}"], cwd=REPO,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr


def test_one_call_reads_a_file_by_its_kind(tmp_path):
    from evaluator import intake
    from evaluator.intake.inspection import Kind
    from evaluator.intake.refusals import Refused

    read = intake.open(SAMPLES / "correct-form.xlsx")
    assert read.kind is Kind.XLSX and [grid.name for grid in read.grids] == ["部门整体支出绩效自评表"]
    assert read.skipped == {} and read.data == (SAMPLES / "correct-form.xlsx").read_bytes()
    text = tmp_path / "form.xls"   # a web system's "xls": CSV text
    text.write_text("项目,金额\n合计,12.5\n", encoding="gb18030")
    read = intake.open(text)
    assert read.kind is Kind.CSV and read.grids[0].cells[(2, 2)] == "12.5"
    pdf = tmp_path / "form.xlsx"
    pdf.write_bytes(b"%PDF-1.4\n")
    with pytest.raises(Refused) as refused:
        intake.open(pdf)
    assert refused.value.slug == "not-a-workbook"


#: The intake's inner steps, each reached only through its door (evaluator.intake.open / read).
INNER_STEPS = {"safety": {"inspect", "inspect_data"}, "workbook": {"load_grids"},
               "texttables": {"read_html", "read_csv"}}


def _inner_calls(path: Path) -> list[str]:
    """The inner steps of the intake that the module at ``path`` imports or reaches by attribute."""
    tree = ast.parse(path.read_text("utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("evaluator.intake."):
            step = INNER_STEPS.get(node.module.split(".")[2], set())
            found += [f"{node.module}.{alias.name}" for alias in node.names if alias.name in step]
        elif isinstance(node, ast.Attribute) and isinstance(node.value, (ast.Name, ast.Attribute)):
            owner = node.value.id if isinstance(node.value, ast.Name) else node.value.attr
            if node.attr in INNER_STEPS.get(owner, set()):
                found.append(f"{owner}.{node.attr}")
    return found


def test_the_inner_step_finder_finds_them(tmp_path):
    module = tmp_path / "m.py"
    module.write_text("from evaluator.intake.workbook import SheetGrid, load_grids\n"
                      "def f():\n    from evaluator.intake import safety\n    return safety.inspect('x')\n")
    assert _inner_calls(module) == ["evaluator.intake.workbook.load_grids", "safety.inspect"]


def test_nothing_outside_the_intake_opens_a_file_but_through_its_door():
    """Outside evaluator/intake/, a file is read only by ``intake.open`` (or ``intake.read`` of an
    inspection): nothing inspects or parses it by the inner steps, which would skip a check the
    door makes (one read of the bytes, the stderr of the native reader kept quiet)."""
    outside = [path for path in (REPO / "evaluator").rglob("*.py") if INTAKE not in path.parents]
    assert len(outside) > 20
    found = {str(path.relative_to(REPO)): calls for path in outside if (calls := _inner_calls(path))}
    assert found == {}
