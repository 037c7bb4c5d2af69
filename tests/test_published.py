"""Real published project forms (tests/fixtures/published/) and synthetic renderings of the layouts
they use (tests/fixtures/layouts/), each checked against the findings audited by hand in the
folder's expected.yaml.

For every workbook: every true finding is found at its cell (with its expected value where the rule
gives one), no error or warning appears that the audit does not list (information is not counted),
and the read status is said — a form whose copy is cut off, or whose table carries nothing to
judge, is never 通过. A workbook the reader cannot yet get right carries a ``gap`` in its
expectation: its test is a strict xfail, so it fails as soon as the reader learns the layout and the
mark must go.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from pathlib import Path

import openpyxl
import pytest
import yaml

from evaluator.runner.engine import check_file

FIXTURES = Path(__file__).parent / "fixtures"
FOLDERS = ("published", "layouts")
#: The rules that say how much of a form was read; checked by ``read``, not as alarms.
READ_RULES = {"form-partly-read", "form-unsupported", "form-not-found"}
READ_STATES = {"full", "partly", "unread", "full-or-said"}


def expectations(folder: str) -> dict[str, dict]:
    return yaml.safe_load((FIXTURES / folder / "expected.yaml").read_text("utf-8"))


def workbooks(folder: str) -> list[Path]:
    here = FIXTURES / folder
    return sorted(p for p in here.iterdir() if p.suffix in (".xlsx", ".xls") and not p.name.startswith("~$"))


def cases():
    for folder in FOLDERS:
        expected = expectations(folder)
        for path in workbooks(folder):
            entry = expected.get(path.stem, {})
            marks = [pytest.mark.xfail(strict=True, reason=entry["gap"])] if entry.get("gap") else []
            yield pytest.param(folder, path.name, id=f"{folder}/{path.name}", marks=marks)


def rows_read(result) -> int:
    """Indicator rows read with their points (分值 a number; on forms without 分值, a score)."""
    count = 0
    for form in result.forms:
        for row in getattr(form.model, "indicators", None) or []:
            weight, score = getattr(row, "weight", None), getattr(row, "score", None)
            if weight is not None and weight.number is not None:
                count += 1
            elif (weight is None or weight.is_blank) and score is not None and score.number is not None:
                count += 1
    return count


def same_number(one: str | None, other: str) -> bool:
    try:
        return Decimal(str(one)) == Decimal(str(other))
    except (InvalidOperation, TypeError):
        return str(one) == str(other)


@pytest.mark.parametrize("folder", FOLDERS)
def test_every_workbook_has_its_audit(folder):
    expected = expectations(folder)
    stems = sorted({path.stem for path in workbooks(folder)})
    assert stems == sorted(expected), "a workbook without an audit, or an audit without its workbook"
    for name, entry in expected.items():
        assert entry.get("read") in READ_STATES, name
        assert isinstance(entry.get("indicators"), int), name
        for finding in entry.get("findings") or []:
            assert {"rule", "cell"} <= set(finding), (name, finding)


def test_every_published_form_has_its_transcription():
    """Each published workbook is written from a data file with its provenance, and the committed
    workbook holds what the data file says (a data file edited without re-running build.py fails)."""
    here = FIXTURES / "published"
    for path in workbooks("published"):
        data = yaml.safe_load((here / "forms" / f"{path.stem}.yaml").read_text("utf-8"))
        provenance = data["provenance"]
        assert {"url", "province", "year", "cut_off"} <= set(provenance), path.name
        wb = openpyxl.load_workbook(path)
        for spec in data["sheets"]:
            ws = wb[spec["title"]]
            for row, cells in (spec.get("rows") or {}).items():
                for col, value in enumerate(cells or [], start=1):
                    if value is not None:
                        assert ws.cell(int(row), col).value == value, (path.name, row, col)


@pytest.mark.parametrize(("folder", "name"), list(cases()))
def test_audited_findings(folder, name, definitions):
    entry = expectations(folder)[Path(name).stem]
    result = check_file(FIXTURES / folder / name, definitions)
    assert result.error is None, result.error
    default_sheet = result.forms[0].sheet if result.forms else "Sheet1"

    def key(item: dict) -> tuple[str, str, str]:
        return item["rule"], item.get("sheet", default_sheet), item["cell"]

    alarms = [f for f in result.findings if f.severity.rank > 0 and f.rule not in READ_RULES]
    found = {(f.rule, f.sheet, f.cell): f for f in alarms}
    required = entry.get("findings") or []
    missing = [key(item) for item in required if key(item) not in found]
    wrong = [(key(item), item["expected"], found[key(item)].expected) for item in required
             if key(item) in found and "expected" in item and not same_number(found[key(item)].expected,
                                                                              item["expected"])]
    allowed = {key(item) for item in required + (entry.get("allowed") or [])}
    # What a true error makes wrong once it is corrected (the 总分 after a score; consequence_of) is
    # part of that error's report, not a false alarm.
    extra = sorted((f.rule, f.sheet, f.cell, f.message) for f in alarms if (f.rule, f.sheet, f.cell) not in allowed
                   and (f.consequence_of is None or tuple(f.consequence_of) not in allowed))
    read = rows_read(result)
    read_said = {f.rule for f in result.findings if f.rule in READ_RULES}
    if entry["read"] == "full-or-said":
        # a layout the reader may not know: read it wholly, or say what was not read (then the
        # planted fault may go unseen, but no false alarm and no 通过 is allowed either way)
        if read_said:
            missing, wrong = [], []
        entry = {**entry, "read": "said" if read_said else "full"}
    problems = []
    if missing:
        problems.append(f"true findings not found: {missing}")
    if wrong:
        problems.append(f"found with another expected value (cell, audited, reported): {wrong}")
    if extra:
        problems.append(f"false alarms: {extra}")
    if read != entry["indicators"] and entry["read"] not in ("said", "unread"):
        problems.append(f"indicator rows read with their points: {read}, the workbook holds {entry['indicators']}")
    if entry["read"] == "full" and read_said:
        problems.append(f"a fully transcribed form is said to be partly read: {sorted(read_said)}")
    if entry["read"] == "partly" and "form-partly-read" not in read_said:
        problems.append("a cut-off form is not said to be partly read (form-partly-read)")
    if entry["read"] == "said" and result.status == "ok":
        problems.append("a form said to be partly read is reported 通过")
    if entry["read"] == "unread" and not read_said:
        problems.append("a form with nothing to judge is not said to be unread")
    if entry["read"] not in ("full", "said") and result.status == "ok":
        problems.append("a form not wholly read is reported 通过")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("name", ["ah-jinzhai-2023-meilixiangcun", "hun-lingling-2021-linye"])
def test_a_department_form_on_the_project_template_says_how_it_was_read(name):
    """The accountant reads that the 部门整体 form was checked by the project form's rules, and
    against which edition; a project form says nothing of the kind."""
    from click.testing import CliRunner

    from evaluator.cli import main

    said = CliRunner().invoke(main, ["check", str(FIXTURES / "published" / f"{name}.xlsx")]).output
    assert "表头为“部门整体支出绩效自评表”，按项目支出绩效自评表的版式读取和校验" in said
    plain = CliRunner().invoke(main, ["check", str(FIXTURES / "published" / "yn-yongde-2022-yingyang.xlsx")]).output
    assert "表头为" not in plain
