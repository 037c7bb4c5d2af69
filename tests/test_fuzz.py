"""Throw mutated workbooks at the reader: nothing may escape but the tool's documented outcomes.

A documented outcome is a :class:`~evaluator.engine.FileResult` whose status is ``ok``, ``findings``
or ``unreadable``, whose findings all belong to registered rules, whose unreadable reason is one
line naming the file, and whose annotated copy is written with no formula that was not in the
input. No exception, nothing on stderr. The examples are few and small so that the suite stays fast.
"""

from __future__ import annotations

import io
import random
from datetime import datetime
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from conftest import SAMPLES
from evaluator.outputs.annotate import write_annotated
from evaluator.rules import RULES
from evaluator.runner.engine import check_file
from inert import HOSTILE, assert_no_new_formulas

FORM_BYTES = (SAMPLES / "correct-form.xlsx").read_bytes()
STATUSES = {"ok", "findings", "unreadable"}
# A mutated form costs about 0.3 s (build, check, annotate, inspect the copy); bytes cost milliseconds.
FUZZ_FORMS = settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))

values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-10**12, max_value=10**12),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.datetimes(min_value=datetime(1900, 3, 1), max_value=datetime(2100, 1, 1)),
    st.sampled_from(["总分", "得分", "分值", "三级指标", "评价等级", "☑优 □良", "满分", "4.62分", "９４．３１", "", " "]),
    st.sampled_from(HOSTILE[:6]),
    st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=40),   # what a cell can hold
)
rows = st.integers(min_value=1, max_value=45)
cols = st.integers(min_value=1, max_value=12)
mutations = st.lists(st.one_of(
    st.tuples(st.just("set"), rows, cols, values),
    st.tuples(st.just("delete_rows"), rows, st.integers(min_value=1, max_value=5)),
    st.tuples(st.just("insert_rows"), rows, st.integers(min_value=1, max_value=3)),
    st.tuples(st.just("shuffle_columns"), st.permutations(list(range(1, 11)))),
    st.tuples(st.just("merge"), rows, cols, st.integers(min_value=0, max_value=6), st.integers(min_value=0, max_value=4)),
    st.tuples(st.just("unmerge"), st.integers(min_value=0, max_value=200)),
), min_size=1, max_size=8)


def _mutate(operations) -> bytes:
    workbook = load_workbook(io.BytesIO(FORM_BYTES))
    ws = workbook.worksheets[0]
    for operation in operations:
        kind = operation[0]
        if kind == "set":
            _, row, col, value = operation
            cell = ws.cell(row=row, column=col)
            if type(cell).__name__ == "MergedCell":
                continue
            cell.value = value
            if isinstance(value, str) and value.startswith("="):
                cell.data_type = "s"   # typed as text by the user; the reader must keep it text
        elif kind == "delete_rows":
            ws.delete_rows(operation[1], operation[2])
        elif kind == "insert_rows":
            ws.insert_rows(operation[1], operation[2])
        elif kind == "shuffle_columns":
            order = operation[1]
            grid = {(r, c): ws.cell(row=r, column=c).value for r in range(1, ws.max_row + 1) for c in range(1, 11)
                    if type(ws.cell(row=r, column=c)).__name__ != "MergedCell"}
            for (r, c), value in grid.items():
                target = ws.cell(row=r, column=order[c - 1])
                if type(target).__name__ != "MergedCell":
                    target.value = value
        elif kind == "merge":
            # Written straight into the merge list: overlapping and broken ranges included.
            _, row, col, height, width = operation
            ws.merged_cells.add(f"{ws.cell(row=row, column=col).coordinate}:"
                                f"{ws.cell(row=row + height, column=col + width).coordinate}")
        elif kind == "unmerge" and ws.merged_cells.ranges:
            ranges = sorted(ws.merged_cells.ranges, key=str)
            ws.merged_cells.remove(ranges[operation[1] % len(ranges)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _documented(path: Path, definitions, out: Path) -> None:
    result = check_file(path, definitions)
    assert result.status in STATUSES
    assert all(finding.rule in RULES for finding in result.findings)
    if result.status == "unreadable":
        assert result.error.startswith(f"{path.name}：") and "\n" not in result.error
        return
    copy = write_annotated(result, out / f"{path.stem}.checked.xlsx")
    assert_no_new_formulas(copy, path)


@FUZZ_FORMS
@given(operations=mutations)
def test_mutated_forms_give_documented_outcomes(operations, definitions, tmp_path_factory, capfd):
    folder = tmp_path_factory.mktemp("fuzz")
    path = folder / "mutated.xlsx"
    path.write_bytes(_mutate(operations))
    _documented(path, definitions, folder)
    assert capfd.readouterr().err == ""


damage = st.lists(st.tuples(st.sampled_from(["flip", "cut", "insert", "zero"]),
                            st.floats(min_value=0, max_value=1), st.binary(min_size=1, max_size=64)),
                  min_size=1, max_size=4)


@FUZZ
@given(damages=damage, suffix=st.sampled_from([".xlsx", ".xls", ".ods"]))
def test_damaged_bytes_give_documented_outcomes(damages, suffix, definitions, tmp_path_factory, capfd):
    data = bytearray(FORM_BYTES)
    for kind, where, junk in damages:
        if not data:
            break
        at = int(where * (len(data) - 1))
        if kind == "flip":
            data[at] ^= junk[0] or 1
        elif kind == "cut":
            del data[at:]
        elif kind == "insert":
            data[at:at] = junk
        else:
            data[at:at + len(junk)] = bytes(len(junk))
    folder = tmp_path_factory.mktemp("damaged")
    path = folder / f"damaged{suffix}"
    path.write_bytes(bytes(data))
    _documented(path, definitions, folder)
    assert capfd.readouterr().err == ""


@FUZZ
@given(blob=st.binary(max_size=2048), head=st.sampled_from([b"", b"PK\x03\x04", bytes.fromhex("D0CF11E0A1B11AE1"),
                                                           b"<table><tr><td>", b"\xef\xbb\xbf"]))
def test_arbitrary_bytes_give_documented_outcomes(blob, head, definitions, tmp_path_factory, capfd):
    folder = tmp_path_factory.mktemp("blob")
    path = folder / f"blob-{random.randrange(10**6)}.xlsx"
    path.write_bytes(head + blob)
    _documented(path, definitions, folder)
    assert capfd.readouterr().err == ""
