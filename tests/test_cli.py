"""The command line: output contract, exit codes, annotated copies, the rule reference."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from evaluator.rules import FAMILIES_OF, FAMILY_RULES, FAMILY_TITLES, RULES
from evaluator.cli import main

SAMPLES = Path(__file__).resolve().parent.parent / "sample_workbooks"


def _run(*args: str):
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def inbox(tmp_path) -> Path:
    folder = tmp_path / "inbox"
    (folder / "sub").mkdir(parents=True)
    shutil.copy(SAMPLES / "2022-广州市工业和信息化局.xlsx", folder / "seed.xlsx")
    shutil.copy(SAMPLES / "planted-rate-score.xlsx", folder / "sub" / "seed.xlsx")
    shutil.copy(SAMPLES / "correct-form.xlsx", folder / "correct.xlsx")
    return folder


def test_json_contract(inbox):
    result = _run("check", str(inbox), "--format", "json")
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    by_path = {Path(entry["path"]).relative_to(inbox).as_posix(): entry for entry in report["files"]}
    assert set(by_path) == {"seed.xlsx", "sub/seed.xlsx", "correct.xlsx"}
    seed = by_path["seed.xlsx"]
    assert seed["status"] == "findings"
    assert seed["department"] == "广州市工业和信息化局" and seed["year"] == 2022
    assert report["contract"] == 4
    assert report["skipped"] == [] and report["summary"]["skipped"] == 0
    assert (seed["family"], seed["edition"]) == ("department", "guangzhou-department-2022")
    assert {k: seed["total"][k] for k in ("declared", "recomputed")} == {"declared": "94.31", "recomputed": "94.31"}
    assert {k: seed["grade"][k] for k in ("declared", "computed")} == {"declared": "优", "computed": "优"}
    assert [f["rule"] for f in seed["findings"]] == ["deduction-mismatch"]
    planted = by_path["sub/seed.xlsx"]
    finding, total = planted["findings"]
    assert (total["rule"], total["consequence_of"]) == (
        "total-mismatch", {"rule": "rate-score", "sheet": "部门整体支出绩效自评表", "cell": "G13"})
    assert {k: finding[k] for k in ("rule", "severity", "cell", "indicator", "expected", "actual")} == {
        "rule": "rate-score", "severity": "error", "cell": "G13", "indicator": "专项资金支出率",
        "expected": "4.62", "actual": "4.52"}
    assert "92.31% × 5 = 4.6155 → 4.62" in finding["message"]
    assert by_path["correct.xlsx"]["status"] == "ok"
    assert report["summary"] == {**report["summary"], "files": 3, "ok": 1, "with_errors": 1, "unreadable": 0}


@pytest.mark.parametrize(("fail_on", "files", "code"), [
    ("error", ["correct-form.xlsx"], 0),
    ("error", ["2022-广州市工业和信息化局.xlsx"], 0),
    ("warning", ["2022-广州市工业和信息化局.xlsx"], 1),
    ("error", ["planted-total-mismatch.xlsx"], 1),
    ("never", ["planted-total-mismatch.xlsx"], 0),
])
def test_exit_codes(fail_on, files, code):
    result = _run("check", *[str(SAMPLES / name) for name in files], "--fail-on", fail_on)
    assert result.exit_code == code, result.output


def test_usage_errors_exit_2(tmp_path):
    assert _run("check", str(tmp_path / "missing.xlsx")).exit_code == 2
    assert _run("check", str(SAMPLES), "--format", "xml").exit_code == 2
    bad = tmp_path / "catalog.yaml"
    bad.write_text("form: {id: x}\n", encoding="utf-8")
    result = _run("check", str(SAMPLES / "correct-form.xlsx"), "--catalog", str(bad))
    assert result.exit_code == 2 and "invalid catalog" in result.output


def test_annotated_copies_mirror_subfolders_and_leave_inputs_untouched(inbox, tmp_path):
    before = {p: _digest(p) for p in inbox.rglob("*.xlsx")}
    out = tmp_path / "out"
    result = _run("check", str(inbox), "--out", str(out), "--format", "json")
    assert result.exit_code == 1
    assert {p: _digest(p) for p in inbox.rglob("*.xlsx")} == before
    copies = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.checked.xlsx"))
    assert copies == ["correct.checked.xlsx", "seed.checked.xlsx", "sub/seed.checked.xlsx"]
    assert not list(out.rglob(".~tmp-*"))

    book = openpyxl.load_workbook(out / "sub" / "seed.checked.xlsx")
    form = book["部门整体支出绩效自评表"]
    cell = form["G13"]
    assert "92.31% × 5 = 4.6155 → 4.62" in cell.comment.text and "应为：4.62" in cell.comment.text
    assert cell.fill.fgColor.rgb.endswith("FFC7CE")
    assert form["G12"].comment is None
    # Formatting and merges of the original are kept.
    original = openpyxl.load_workbook(inbox / "sub" / "seed.xlsx")["部门整体支出绩效自评表"]
    assert sorted(map(str, form.merged_cells.ranges)) == sorted(map(str, original.merged_cells.ranges))
    assert form.column_dimensions["H"].width == original.column_dimensions["H"].width
    results = book["校验结果"]
    assert "总分 申报 94.21 / 复核 94.21" in results["A2"].value
    finding_row = next(row for row in results.iter_rows() if row[2].value == "rate-score")
    assert finding_row[3].hyperlink.location == "'部门整体支出绩效自评表'!G13"
    assert [c.value for c in finding_row[4:7]] == ["专项资金支出率", 4.52, 4.62]


def test_output_into_the_input_folder_never_touches_inputs(inbox):
    before = {p: _digest(p) for p in inbox.rglob("*.xlsx")}
    assert _run("check", str(inbox), "--out", str(inbox)).exit_code == 1
    for path, digest in before.items():
        assert _digest(path) == digest
    # A second run does not pick up its own outputs as inputs.
    result = _run("check", str(inbox), "--out", str(inbox), "--format", "json")
    assert len(json.loads(result.stdout)["files"]) == 3


def test_text_output_is_a_short_summary():
    result = _run("check", str(SAMPLES / "planted-rate-score.xlsx"))
    assert "rate-score" in result.stdout and "G13" in result.stdout
    assert "1 份表" in result.stdout


def test_rules_lists_every_rule_with_its_documentation():
    result = _run("rules")
    assert result.exit_code == 0
    blocks = result.stdout.strip().split("\n\n")
    assert len(blocks) == len(RULES)
    for block, (slug, rule) in zip(blocks, RULES.items()):
        head, *lines = block.splitlines()
        severity = {"error": "错误", "warning": "警告", "info": "提示"}[rule.severity.value]
        forms = "、".join({"department": "部门整体", "project": "项目"}[family] for family in FAMILIES_OF[slug])
        assert head == f"{slug}  {severity}  {rule.title}（{forms}）"
        assert lines[:4] == [f"  它发现什么：{rule.catches}", f"  为什么重要：{rule.why}",
                             f"  通过的例子：{rule.passing}", f"  出错的例子：{rule.failing}"]
        # A form whose own rule gives other examples shows them too, named.
        for family in FAMILIES_OF[slug][1:]:
            own = FAMILY_RULES[family].get(slug)
            if own is not None and (own.passing, own.failing) != (rule.passing, rule.failing):
                assert f"  出错的例子（{FAMILY_TITLES[family]}）：{own.failing}" in lines


CJK = re.compile(r"[\u4e00-\u9fff]")
# A Chinese character touching a Latin letter or digit: the texts put a space between them.
UNSPACED = re.compile(r"[\u4e00-\u9fff][A-Za-z0-9]|[A-Za-z0-9][\u4e00-\u9fff]")


def test_every_rule_says_in_chinese_what_it_catches_and_why_it_matters():
    for slug, rule in RULES.items():
        for text in (rule.catches, rule.why):
            assert len(CJK.findall(text)) >= 10, f"{slug}: say it in Chinese"
            assert "`" not in text and not UNSPACED.search(text), (slug, UNSPACED.search(text))


@pytest.mark.parametrize("command", [[], ["check"], ["watch"], ["rules"]])
def test_help_is_in_chinese_with_the_option_names_as_they_are(command):
    result = CliRunner().invoke(main, [*command, "--help"], prog_name="evaluator")
    assert result.exit_code == 0
    text = result.stdout
    assert text.startswith(f"用法：evaluator {' '.join(command)}".rstrip() + " ")
    assert "选项：" in text and "显示此帮助并退出。" in text and "--help" in text
    assert "`" not in text and not UNSPACED.search(text), UNSPACED.search(text)
    for line in text.splitlines():
        words = re.findall(r"\b[a-z]{3,}\b", re.sub(r"--?[\w-]+|\[[^\]]*\]|\S*\.\w+|[A-Z_]{2,}", "", line))
        allowed = {"evaluator", "check", "watch", "rules", "editions", "stdout", "stderr", "unreadable", "cron", "zip",
                   "id", "json", "text", "html", "error", "warning", "never"}
        assert set(words) <= allowed, (line, set(words) - allowed)
    if command in (["check"], ["watch"]):
        for option in ("--out DIR", "--format [text|json|html]", "--timeout SECONDS", "--max-rows N", "--fail-on"):
            assert option in text
    widest = max(_columns(line) for line in text.splitlines())
    assert widest <= 80, widest


def _columns(line: str) -> int:
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line)


def test_every_rule_is_documented():
    from evaluator.rules import DOCS

    for slug, rule in RULES.items():
        assert len(DOCS[slug]) > 80, f"{slug} needs a docstring saying what and why"
        assert rule.passing and rule.failing and rule.title and rule.message


def test_a_catalog_of_another_year_is_used(tmp_path):
    """--catalog replaces the bundled catalog: here 资产配置合规性 and 资产盘点情况 swap weights.

    Each row's wrong 分值 is one finding: its score is not judged again against a 分值 the form does
    not print (out of range, points lost without a reason)."""
    import yaml

    from conftest import CATALOG_FILE

    data = yaml.safe_load(CATALOG_FILE.read_text("utf-8"))
    leaves = data["indicators"][1]["children"][0]["children"]
    leaves[0]["weight"], leaves[2]["weight"] = 1, 2
    custom = tmp_path / "2023.yaml"
    custom.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    result = _run("check", str(SAMPLES / "correct-form.xlsx"), "--catalog", str(custom), "--format", "json")
    findings = json.loads(result.stdout)["files"][0]["findings"]
    assert [(f["rule"], f["cell"], f["expected"], f["actual"]) for f in findings if not f["consequence_of"]] == [
        ("weight-mismatch", "F17", "1", "2"),
        ("weight-mismatch", "F19", "2", "1"),
    ]
    # Once F17 is 1, the full 2 points of G17 exceed it: the score follows, and so does the total.
    follows = {(f["rule"], f["cell"]): f for f in findings if f["consequence_of"]}
    assert follows[("score-out-of-range", "G17")]["expected"] == "1"
    assert follows[("score-out-of-range", "G17")]["consequence_of"]["cell"] == "F17"


def test_a_form_with_notes_only_is_counted_as_such(make_form):
    """A formula that cannot be evaluated is a note: the form neither passes nor has errors."""
    path = make_form({"total": "=SUM([外部.xlsx]Sheet1!G12:G39)"})
    result = _run("check", str(path), "--format", "json")
    assert result.exit_code == 0
    summary = json.loads(result.stdout)["summary"]
    assert (summary["ok"], summary["with_errors"], summary["only_info"]) == (0, 0, 1)
    assert "1 份仅有提示" in _run("check", str(path)).stdout


@pytest.mark.parametrize(("args", "said"), [
    (["chek", "x"], "没有 chek 这个命令；您是不是要用 check（"),
    (["check", "--bogus", "x"], "没有 --bogus 这个选项"),
    (["check", "/no/such/path"], "PATHS（要检查的文件或文件夹）：路径 /no/such/path 不存在"),
    (["check"], "缺少参数 PATHS（要检查的文件或文件夹）"),
    (["check", "--format", "xml", "x"], "--format：xml 不是可选的值；可选：text（文本）"),
    (["check", "--jobs", "0", "."], "--jobs/-j：0 超出允许的范围（不小于 1）"),
    (["check", "--jobs", "many", "."], "--jobs/-j：many 不是整数"),
    (["check", "--out"], "选项 --out 后面需要一个值"),
    (["watch", "."], "缺少选项 --out"),
    (["rules", "extra"], "多余的参数：extra"),
    (["check", "--edition", "nope", "."], "项目支出绩效自评表（全国通用）（project-national）"),
])
def test_command_line_mistakes_are_said_in_chinese(args, said):
    """click's own words (Error:, Try … for help, Invalid value, Did you mean) never reach the user."""
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2
    assert said in result.stderr, result.stderr
    for english in ("Error", "Try ", "Invalid value", "Did you mean", "No such", "Missing", "Usage"):
        assert english not in result.stderr, result.stderr
    assert result.stdout == ""


def test_a_tool_failure_is_said_without_error_prefix(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("form: [", encoding="utf-8")
    result = CliRunner().invoke(main, ["check", "--catalog", str(bad), str(tmp_path)])
    assert result.exit_code == 2 and result.stderr and not result.stderr.startswith("Error")
