"""The project family: editions as data, the detector, the reader and the facts."""

from __future__ import annotations

from pathlib import Path

import pytest

from evaluator.families import CatalogError, load_definitions
from evaluator.families.project import detector
from evaluator.families.project.edition import parse_edition
from evaluator.runner.engine import check_file
from projectbuilder import ProjectLayout, apply_project_edits, build_projects, load_project, make_project

EDITIONS = ("project-national", "project-ab", "project-sichuan", "project-yunnan", "project-hubei")


def _forms(path, definitions):
    return check_file(Path(path), definitions).forms


def test_bundled_editions_load_and_digest_covers_them():
    definitions = load_definitions()
    assert [edition.id for edition in definitions.project_editions] == list(EDITIONS)
    assert definitions.project_edition("project-hubei").funds.weight == 10 * 2


def test_a_catalog_file_goes_to_the_family_it_names_and_replaces_a_bundled_id(tmp_path):
    text = (Path(__file__).parent.parent / "evaluator/families/project/editions/project-national.yaml").read_text("utf-8")
    edited = tmp_path / "national.yaml"
    edited.write_text(text.replace("money_unit: 万元", "money_unit: 元"), "utf-8")
    other = tmp_path / "province.yaml"
    other.write_text(text.replace("id: project-national", "id: project-guizhou"), "utf-8")
    base = load_definitions()
    definitions = load_definitions([edited, other])
    assert definitions.project_edition("project-national").money_unit == "元"
    assert definitions.project_edition("project-guizhou") is not None
    assert len(definitions.project_editions) == len(EDITIONS) + 1
    assert definitions.department.digest == base.department.digest
    assert definitions.digest != base.digest


def test_unknown_keys_and_unknown_ids_fail_at_load_naming_the_place(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: project-x\nfamily: project\ntitle: x\ntitles: [项目支出绩效自评表]\n"
                   "identify: [年度资金总额]\ncolour: red\n", "utf-8")
    with pytest.raises(CatalogError, match=r"bad\.yaml.*colour"):
        load_definitions([bad])
    with pytest.raises(CatalogError, match="project-nowhere"):
        load_definitions(edition="project-nowhere")
    with pytest.raises(CatalogError, match="qualitative_bands"):
        parse_edition("id: p\nfamily: project\ntitle: x\ntitles: [t]\nidentify: [l]\nqualitative_bands: [hunan]\n", "p.yaml")


@pytest.mark.parametrize("name", EDITIONS)
def test_each_sample_is_read_with_its_own_edition(name, tmp_path, definitions):
    (form,) = _forms(make_project(name, path=tmp_path / "f.xlsx"), definitions)
    assert (form.family, form.edition) == ("project", name)


def test_edition_forces_one(tmp_path):
    definitions = load_definitions(edition="project-national")
    (form,) = _forms(make_project("project-ab", path=tmp_path / "f.xlsx"), definitions)
    assert form.edition == "project-national"


def test_a_project_form_never_gets_department_findings_and_the_reverse(tmp_path, definitions, make_form):
    forms = _forms(make_project("project-national", path=tmp_path / "p.xlsx"), definitions)
    assert [form.family for form in forms] == ["project"]
    forms = _forms(make_form(), definitions)
    assert [form.family for form in forms] == ["department"]


def test_one_project_per_sheet_and_covers_are_not_reported(tmp_path, definitions):
    path = tmp_path / "many.xlsx"
    forms = [(load_project(name), ProjectLayout(sheet_name=name, cover_sheet=index == 0))
             for index, name in enumerate(EDITIONS)]
    build_projects(forms, path)
    result = check_file(path, definitions)
    assert [(form.sheet, form.edition) for form in result.forms] == [(name, name) for name in EDITIONS]
    assert result.findings == []


@pytest.mark.parametrize("layout", [
    {"row": 4, "col": 3}, {"numbers_as_text": "unit"}, {"numbers_as_text": "thousands"},
    {"numbers_as_text": "plain"}, {"formulas": True}, {"blank_row": True}, {"cover_sheet": True},
])
@pytest.mark.parametrize("name", EDITIONS)
def test_layouts_read_the_same(name, layout, tmp_path, definitions):
    (plain,) = _forms(make_project(name, path=tmp_path / "a.xlsx"), definitions)
    (moved,) = _forms(make_project(name, layout=layout, path=tmp_path / "b.xlsx"), definitions)
    assert moved.findings == []
    assert moved.facts == plain.facts
    assert moved.total.declared == plain.total.declared


def test_labels_with_line_breaks_and_no_title(tmp_path, definitions):
    data = apply_project_edits(load_project("project-national"), {
        "funds.fiscal.label": "其中：当年财政\n拨款", "title": "表一"})
    path = tmp_path / "f.xlsx"
    build_projects([(data, None)], path)
    (form,) = _forms(path, definitions)
    assert form.family == "project" and form.findings == []
    assert form.model.funds[1].name == "其中：当年财政拨款"


def test_a_department_title_over_the_project_layout_is_read_by_the_project_rules(tmp_path, definitions):
    """A department-wide form filed on the project template (部门整体支出绩效自评表 over the funds
    block and the 年度指标值 | 实际完成值 | 分值 | 得分 table) is the project layout: read by the
    project family under its own title, with exactly the findings the same form has untitled as a
    project form, and never by a department edition."""
    national = load_project("project-national")
    planted = {"funds.total.score": "9"}
    as_project, as_department = tmp_path / "p.xlsx", tmp_path / "d.xlsx"
    build_projects([(apply_project_edits(national, planted), None)], as_project)
    build_projects([(apply_project_edits(national, {**planted, "title": "部门整体支出绩效自评表"}), None)], as_department)
    [expected] = _forms(as_project, definitions)
    [form] = _forms(as_department, definitions)
    assert (form.family, form.edition, form.title) == ("project", "project-national", "部门整体支出绩效自评表")
    said = lambda found: sorted((f.rule, f.cell, f.expected) for f in found.findings)  # noqa: E731
    assert said(form) == said(expected) and said(form)
    assert form.coverage.to_dict() == expected.coverage.to_dict()


def test_a_department_title_without_the_project_layout_is_not_a_project_form(definitions):
    """The Guangzhou form (部门整体支出绩效自评表 over its own 三级指标 | 分值 | 得分 table, no
    年度指标值 / 实际完成值 columns) is never the project family's."""
    forms = _forms(Path(__file__).parent.parent / "sample_workbooks" / "correct-form.xlsx", definitions)
    assert [form.family for form in forms] == ["department"]


def test_choose_edition_prefers_national_on_a_tie():
    from evaluator.intake.workbook import SheetGrid

    grid = SheetGrid(name="s", cells={(1, 1): "项目支出绩效自评表"})
    editions = load_definitions().project_editions
    assert detector.choose_edition(grid, editions).id == "project-national"


TEXT_FORMS = Path(__file__).parent / "fixtures" / "project-text"


@pytest.mark.parametrize(("name", "edition", "total", "warned"), [
    ("tianchang", "project-ab", "100", []),     # (A)/(B) headers in full-width brackets, labels written once
    ("suixi", "project-ab", "100", []),         # no 年初预算数, 分值 before the values, the 其中 row scored too
    # 元, 指标性质 ≧ ═, "当年财政 拨款", 总分 on the 其他需要说明事项 row; 满意度 96% of ≥90% scored
    # 16.1 of 20 with a reason: a met target reduced, quoted as a warning.
    ("yongde", "project-yunnan", "96", ["met-target-reduced"]),
    ("qingshen", "project-sichuan", "100", []),  # 510000_0013zp: 22.5 × 4 under 绩效指标(90分), 合计 100
])
def test_forms_laid_out_as_published_read_clean(name, edition, total, warned, definitions):
    """Tables as the published copies lay them out (form-xiangmu §3–§4), saved as CSV: no merged
    cells, 一级/二级 labels written once above blank cells, amounts with thousands separators."""
    (form,) = _forms(TEXT_FORMS / f"{name}.csv", definitions)
    assert (form.family, form.edition) == ("project", edition)
    assert [f.rule for f in form.findings if f.severity.value != "info"] == warned
    assert str(form.total.declared) == total and form.total.recomputed == form.total.declared
    assert all(row.level1_name and row.level2_name for row in form.model.indicators)


def test_forms_stacked_on_one_sheet_are_read_one_by_one(tmp_path, definitions):
    text = (TEXT_FORMS / "tianchang.csv").read_text("utf-8") + ",,,,,,,,\n" + (TEXT_FORMS / "suixi.csv").read_text("utf-8")
    path = tmp_path / "stacked.csv"
    path.write_text(text, "utf-8")
    forms = _forms(path, definitions)
    assert [(form.department, form.year) for form in forms] == [("天长市医疗保障局", 2022), ("濉溪县水利局", 2019)]
    assert [finding for form in forms for finding in form.findings] == []


def test_an_unfilled_indicator_table_has_no_total_and_is_said_unread(tmp_path, definitions):
    data = load_project("project-national")
    blank = {f"indicators.{row['id']}.{field}": None for row in data["indicators"]
             for field in ("target", "actual", "weight", "score")}
    blank.update({f"funds.total.{field}": None for field in ("initial", "budget", "spent", "rate")})
    blank.update({f"funds.{part['id']}.{field}": None for part in data["funds"]["parts"]
                  for field in ("initial", "budget", "spent", "rate")})
    (form,) = _forms(make_project("project-national", {**blank, "total.score": None}, path=tmp_path / "t.xlsx"), definitions)
    assert form.total.declared is None
    # Nothing in it is wrong, and nothing in it was read: never 通过.
    assert [f.rule for f in form.findings if f.severity.value != "info"] == ["form-partly-read"]
    assert "未填写" in form.findings[0].message and form.coverage.indicators_read == 0


def test_form_not_found_names_every_family_and_the_labels_of_each_sheet(tmp_path, definitions):
    path = tmp_path / "list.csv"
    path.write_text("序号,项目名称,金额（万元）\n1,乡村道路提升改造工程,150\n", "utf-8")
    [finding] = check_file(path, definitions).findings
    assert finding.rule == "form-not-found"
    assert "部门整体支出绩效自评表：" in finding.message and "项目支出绩效自评表：" in finding.message
    assert "“list”（序号、项目名称、金额（万元）、乡村道路提升改造工程）" in finding.message


def test_indicator_columns_in_any_order(tmp_path, definitions):
    import csv
    import io

    rows = list(csv.reader(io.StringIO((TEXT_FORMS / "tianchang.csv").read_text("utf-8"))))
    start = next(index for index, row in enumerate(rows) if row[0] == "绩效指标")
    order = [0, 1, 2, 3, 7, 8, 6, 5, 4]   # 得分, 原因, 分值, 实际完成值, 年度指标值
    for row in rows[start:]:
        row[:] = [row[index] for index in order]
    path = tmp_path / "reordered.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    (form,) = _forms(path, definitions)
    (plain,) = _forms(TEXT_FORMS / "tianchang.csv", definitions)
    assert form.findings == [] and form.total.declared == plain.total.declared
    assert [(r.label, r.target.raw, r.actual.raw, r.weight.raw, r.score.raw) for r in form.model.indicators] == [
        (r.label, r.target.raw, r.actual.raw, r.weight.raw, r.score.raw) for r in plain.model.indicators]


def test_reports_show_a_project_forms_facts(tmp_path, definitions):
    import io

    from evaluator.outputs.reporters import html, text
    from evaluator.outputs.reporters.json import report

    data = report([check_file(Path(__file__).parent.parent / "sample_workbooks" / "project-national.xlsx", definitions)])
    printed, page = io.StringIO(), io.StringIO()
    text.render(data, printed)
    html.render(data, page)
    line = ("项目名称 乡村道路提升改造工程；实施单位 某县农村公路管理所；项目资金（万元） 年初预算数 120.00 / "
            "全年预算数 150.00 / 全年执行数 138.60 / 执行率 92.40% / 分值 10.00 / 得分 9.24")
    assert line in printed.getvalue()
    assert "<dt>项目名称</dt><dd>乡村道路提升改造工程</dd>" in page.getvalue()
    assert data["files"][0]["grade"] is None and "评价等级 申报" not in printed.getvalue()


def test_hubei_goal_headings_across_the_table_and_repeated_headers(definitions):
    """Hubei copies may print each 年度绩效目标N(40分) as a row across the table (its text merged
    over the columns) and repeat the column headers under it: neither is an indicator."""
    from evaluator.families import FAMILIES
    from evaluator.intake.workbook import SheetGrid

    rows = [
        ["项目绩效自评表"], ["（2023年度）"],
        ["项目名称", "高标准农田建设补助", None, None, "主管部门", "某县农业农村局"],
        ["项目实施单位", "某县农田建设服务中心", None, None, "项目类别", "部门预算项目"],
        ["预算执行情况(万元)(20分)", None, "预算数(A)", "执行数(B)", "执行率(B/A)", "得分(20分*执行率)"],
        ["年度财政资金总额", None, 200, 190, "95.00%", 19],
    ]
    header = [None, "一级指标", "二级指标", "三级指标", "年初目标值(A)", "实际完成值(B)", "得分"]
    goals = [("年度绩效目标1(40分)", "完成农田改造1000亩", [("产出指标", "数量指标", "完成农田改造面积", "≥1000亩", "1020亩", 25),
                                                       ("效益指标", "社会效益指标", "受益农户数", "≥300户", "310户", 15)]),
             ("年度绩效目标2(40分)", "农户满意", [("满意度指标", "服务对象满意度指标", "受益农户满意度", "≥90%", "96%", 40)])]
    merged = []
    for goal, text, indicators in goals:
        rows.append([goal, text])
        merged.append((len(rows), 2, len(rows), 7))
        rows.append(header)
        rows.extend([[None, *indicator] for indicator in indicators])
    rows.append(["总分", None, None, None, None, None, 99])
    cells = {(r, c): value for r, row in enumerate(rows, start=1) for c, value in enumerate(row, start=1)
             if value is not None}
    grid = SheetGrid(name="湖北", cells=cells, merged=merged)
    project = next(family for family in FAMILIES if family.id == "project")
    (form,) = project.check([grid], definitions)
    assert form.edition == "project-hubei"
    assert [row.label for row in form.model.indicators] == ["完成农田改造面积", "受益农户数", "受益农户满意度"]
    assert [row.group for row in form.model.indicators] == ["年度绩效目标1", "年度绩效目标1", "年度绩效目标2"]
    assert form.findings == [] and str(form.total.declared) == "99"


def test_a_group_weight_column_left_of_the_names_is_not_the_indicators(definitions):
    from evaluator.families import FAMILIES
    from evaluator.intake.workbook import SheetGrid

    rows = [
        ["项目支出绩效自评表"],
        ["项目名称", "示例项目"],
        [None, "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"],
        ["年度资金总额", 10, 10, 10, 10, "100%", 10],
        ["一级指标", "分值", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"],
        ["产出指标", 50, "数量指标", "完成数量", "≥10个", "10个", 50, 50],
        ["效益指标", 30, "社会效益指标", "受益人数", "≥100人", "120人", 30, 30],
        ["满意度指标", 10, "服务对象满意度指标", "满意度", "≥90%", "95%", 10, 10],
        ["总分", None, None, None, None, None, 100, 100],
    ]
    cells = {(r, c): value for r, row in enumerate(rows, start=1) for c, value in enumerate(row, start=1)
             if value is not None}
    project = next(family for family in FAMILIES if family.id == "project")
    (form,) = project.check([SheetGrid(name="s", cells=cells)], definitions)
    assert [row.weight.ref.a1 for row in form.model.indicators] == ["G6", "G7", "G8"]
    assert form.findings == []
