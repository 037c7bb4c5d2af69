"""Families as a registry: any number of families, each any number of editions at once; nothing
outside ``evaluator/families/`` names a family."""

from __future__ import annotations

import re
from pathlib import Path

from click.testing import CliRunner

from evaluator.cli import main
from evaluator.families import REGISTRY, load_definitions

REPO = Path(__file__).resolve().parent.parent


def test_nothing_outside_the_families_names_a_family():
    ids = "|".join(re.escape(entry.id) for entry in REGISTRY)
    # A family named in a comparison, a tuple of families, a family key or a table keyed by family.
    name = rf"""["'](?:{ids})["']"""
    pattern = re.compile(rf"""(==|!=)\s*{name}|{name}\s*(==|!=)|in\s*[(\[{{]\s*{name}|["']family["']\s*:\s*{name}"""
                         rf"""|{{\s*{name}\s*:""")
    offenders = []
    for path in (REPO / "evaluator").rglob("*.py"):
        if "families" in path.relative_to(REPO / "evaluator").parts:
            continue
        for number, line in enumerate(path.read_text("utf-8").splitlines(), start=1):
            if pattern.search(line):
                offenders.append(f"{path.relative_to(REPO)}:{number}: {line.strip()}")
    assert offenders == []


def test_only_the_guangzhou_edition_is_named_guangzhou(definitions):
    ids = definitions.edition_ids
    assert "guangzhou-department-2022" in ids
    assert [edition for edition in ids if "guangzhou" in edition] == ["guangzhou-department-2022"]
    assert len(ids) == len(set(ids))


def test_a_second_department_catalog_sits_beside_the_bundled_one(tmp_path):
    bundled = REPO / "evaluator" / "families" / "department" / "editions" / "guangzhou-department-2022.yaml"
    other = tmp_path / "shenzhen-department-2023.yaml"
    other.write_text(bundled.read_text("utf-8"), encoding="utf-8")
    definitions = load_definitions([other])
    department = [edition.id for edition in definitions.of("department")]
    assert department[:1] == ["guangzhou-department-2022"] and department[-1] == "shenzhen-department-2023"
    assert definitions.family_of("shenzhen-department-2023") == "department"
    assert definitions.family_of("project-hubei") == "project"


def test_the_editions_command_lists_every_family_and_edition_in_chinese(definitions):
    result = CliRunner().invoke(main, ["editions"])
    assert result.exit_code == 0, result.output
    for entry in REGISTRY:
        assert f"{entry.label}（{entry.id}）" in result.output
    for edition in definitions.edition_ids:
        assert f"\n  {edition}\n" in result.output
    assert result.output.count("识别：") == len(definitions.edition_ids)
    assert result.output.count("规则：") == len(definitions.edition_ids)


def test_the_docs_list_every_edition_from_the_registry(definitions):
    from evaluator.families import editions_table

    doc = (REPO / "docs" / "catalog-and-editions.md").read_text("utf-8")
    assert editions_table(definitions) in doc, "regenerate it with: evaluator editions --markdown"
