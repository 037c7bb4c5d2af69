"""Invisible characters: zero-width and bidirectional controls in labels change no finding, and no
bidirectional override reaches an output."""

from __future__ import annotations

import json
import random
import shutil
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from evaluator.cli import main
from evaluator.values.text import INVISIBLE, norm_label, strip_invisible

SAMPLES = Path(__file__).resolve().parent.parent / "sample_workbooks"
RLO = "\u202e"


def _sprinkled(source: Path, destination: Path, seed: int) -> Path:
    """Every text cell of ``source`` with two invisible characters at random places."""
    rng = random.Random(seed)
    workbook = load_workbook(source)
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and not cell.value.startswith("=") and len(cell.value) > 1:
                    for _ in range(2):
                        at = rng.randrange(len(cell.value) + 1)
                        cell.value = cell.value[:at] + rng.choice(INVISIBLE) + cell.value[at:]
    workbook.save(destination)
    return destination


def _findings(paths: list[Path]) -> dict[str, list[tuple[str, str]]]:
    result = CliRunner().invoke(main, ["check", *map(str, paths), "--format", "json"])
    return {Path(entry["path"]).name: sorted((f["rule"], f["cell"] or "") for f in entry["findings"])
            for entry in json.loads(result.stdout)["files"]}


def test_labels_match_whatever_invisible_characters_they_hold():
    assert norm_label("专项\u200b资金\u200d支出率\u202e") == norm_label("专项资金支出率")
    assert strip_invisible("a\ufeffb\u2066c\u2069") == "abc"


@pytest.mark.parametrize("sample", ["correct-form.xlsx", "planted-rate-score.xlsx", "project-national.xlsx",
                                    "project-planted-target-score.xlsx"])
def test_zero_width_and_bidi_characters_in_labels_add_no_finding(tmp_path, sample):
    clean = shutil.copy(SAMPLES / sample, tmp_path / "clean.xlsx")
    sprinkled = _sprinkled(SAMPLES / sample, tmp_path / "sprinkled.xlsx", seed=len(sample))
    found = _findings([Path(clean), sprinkled])
    assert found["sprinkled.xlsx"] == found["clean.xlsx"]


def test_no_bidi_override_reaches_an_output(tmp_path):
    folder, out = tmp_path / "in", tmp_path / "out"
    folder.mkdir()
    shutil.copy(SAMPLES / "planted-rate-score.xlsx", folder / f"invoice{RLO}xslx.xlsx")
    workbook = load_workbook(SAMPLES / "planted-rate-score.xlsx")
    workbook.active["H13"] = f"{RLO}专项资金支出进度=92.31%*5=4.62"
    workbook.save(folder / "unit.xlsx")
    result = CliRunner().invoke(main, ["check", str(folder), "--out", str(out), "--format", "text"])
    assert result.exit_code == 1 and RLO not in result.output
    assert all(RLO not in path.name for path in out.iterdir())
    for name in ("report.json", "report.html"):
        assert RLO not in (out / name).read_text("utf-8")
    for name in ("summary.xlsx", "invoicexslx.checked.xlsx", "unit.checked.xlsx"):
        with zipfile.ZipFile(out / name) as package:
            # what the tool wrote: every part, but the form's own sheet in a copy (the form's own text)
            ours = [part for part in package.namelist()
                    if name == "summary.xlsx" or not part.endswith("worksheets/sheet1.xml")]
            assert ours and all(RLO not in package.read(part).decode("utf-8", "replace") for part in ours), name
