"""report.html in a real browser: the filters, the sorting, the totals row and the charts work.

Drives Debian's chromium through selenium and /usr/bin/chromedriver, headless, with --no-sandbox
(CI runs as root). Where no browser is installed the tests skip and say why; under CI=true they
fail instead, so a CI machine that lost its browser cannot pass silently. ``.ci/run`` installs
chromium and chromium-driver.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from evaluator.outputs.reporters import write_reports
from evaluator.outputs.reporters.json import assemble

CHROMEDRIVER = Path("/usr/bin/chromedriver")
CHROMIUM = ("/usr/bin/chromium", "/usr/bin/chromium-browser")


def _finding(rule: str, severity: str, cell: str, message: str, **changes) -> dict:
    finding = {"rule": rule, "severity": severity, "message": message, "sheet": "表", "cell": cell,
               "indicator": "指标", "expected": None, "actual": None, "arithmetic": None, "expected_of": None,
               "related": [], "alternatives": [], "expected_range": None}
    finding.update(changes)
    return finding


def _form(path: str, family: str | None, department: str | None, findings: list[dict], total=None, grade=None,
          facts=None, status=None) -> dict:
    counts = {severity: sum(1 for f in findings if f["severity"] == severity) for severity in ("error", "warning", "info")}
    return {"path": path, "status": status or ("findings" if findings else "ok"), "family": family,
            "edition": {"department": "guangzhou-department-2022", "project": "project-national"}.get(family),
            "form": {"department": "部门整体支出绩效自评表", "project": "项目支出绩效自评表"}.get(family),
            "sheet": "表" if family else None, "department": department, "year": 2023 if family else None,
            "facts": facts or {}, "total": total, "grade": grade, "findings": findings, "counts": counts,
            "annotated": None}


def report_data() -> dict:
    """Two department forms, two project forms, one unreadable file; every severity, several rules."""
    project_facts = {"project_name": "校园安全改造工程", "department": "市教育局", "unit": "第一中学", "money_unit": "万元",
                     "funds": {"initial": "1200", "budget": "1300.5", "spent": "1200.46", "rate": "0.9231",
                               "weight": "10", "score": "9.23"}}
    return assemble([
        _form("部门/工信局.xlsx", "department", "广州市工业和信息化局", [
            _finding("rate-score", "error", "G13", "专项资金支出率：92.31% × 5 = 4.6155 → 4.62，申报 4.52",
                     expected="4.62", actual="4.52", expected_of="score"),
            _finding("deduction-mismatch", "warning", "H12", "文中写“扣1分”，但 20 − 19.8 = 0.2",
                     expected="0.2", actual="1", expected_of="deduction")],
            total={"declared": "94.21", "recomputed": "94.21", "corrected": "94.31"},
            grade={"declared": "优", "computed": "优", "corrected": "优"}),
        _form("部门/财政局.xlsx", "department", "广州市财政局", [],
              total={"declared": "88", "recomputed": "88", "corrected": "88"},
              grade={"declared": "良", "computed": "良", "corrected": "良"}),
        _form("项目/校园安全.xlsx", "project", "市教育局", [
            _finding("rate-score", "error", "H7", "年度资金总额：得分应为 9.23", expected="9.23", actual="8.7",
                     expected_of="score"),
            _finding("target-score", "warning", "G20", "满意度：<b>不在</b>范围内", expected="8", actual="5",
                     expected_of="score", expected_range={"min": "8", "max": "10"})],
            total={"declared": "88.5", "recomputed": "88.5", "corrected": "89.03"}, facts=project_facts),
        _form("项目/食堂改造.xlsx", "project", "市教育局", [
            _finding("formula-no-value", "info", "G40", "G40 的公式没有计算结果")],
            total={"declared": "92", "recomputed": "92", "corrected": None},
            facts={**project_facts, "project_name": "食堂改造"}),
        _form("坏文件.xlsx", None, None, [_finding("unreadable", "error", None, "文件已损坏", sheet=None)],
              status="unreadable"),
    ])


def _browser_reason() -> str | None:
    try:
        import selenium.webdriver  # noqa: F401
    except ImportError:
        return "selenium is not installed (pip install '.[test]')"
    if not CHROMEDRIVER.is_file():
        return f"no {CHROMEDRIVER} (apt-get install chromium chromium-driver)"
    if not any(Path(path).is_file() for path in CHROMIUM) and not shutil.which("chromium"):
        return "no chromium (apt-get install chromium chromium-driver)"
    return None


@pytest.fixture(scope="module")
def driver():
    reason = _browser_reason()
    if reason:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true and the browser test cannot run: {reason}")
        pytest.skip(reason)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = next((path for path in CHROMIUM if Path(path).is_file()), shutil.which("chromium") or "")
    for argument in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--window-size=1400,1000"):
        options.add_argument(argument)
    browser = webdriver.Chrome(service=Service(executable_path=str(CHROMEDRIVER)), options=options)
    yield browser
    browser.quit()


@pytest.fixture()
def page(driver, tmp_path):
    write_reports(report_data(), tmp_path)
    driver.get((tmp_path / "report.html").as_uri())
    return driver


def _visible(driver, selector: str):
    """The elements the page shows (one round trip: the script asks the layout, as is_displayed does)."""
    return driver.execute_script(
        "return Array.from(document.querySelectorAll(arguments[0])).filter(e => e.getClientRects().length > 0);",
        selector)


def _choose(driver, name: str, value: str) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    Select(driver.find_element(By.ID, f"filter-{name}")).select_by_value(value)


def _text(driver, element_id: str) -> str:
    from selenium.webdriver.common.by import By

    return driver.find_element(By.ID, element_id).text


def test_the_page_runs_its_script_and_shows_everything(page):
    assert len(_visible(page, "#overview tbody tr")) == 5
    assert len(_visible(page, "#findings tbody tr")) == 6
    assert _text(page, "shown") == "显示 5 张表、6 条问题"
    assert page.find_element("css selector", "html").get_attribute("data-script") == "ready"   # ran to its end
    # The hostile-looking message is shown as text, not markup.
    assert "<b>不在</b>" in page.find_element("css selector", "#findings").text


def test_filter_by_severity(page):
    _choose(page, "severity", "error")
    findings = _visible(page, "#findings tbody tr")
    assert [row.get_attribute("data-severity") for row in findings] == ["error"] * 3
    forms = _visible(page, "#overview tbody tr")
    assert len(forms) == 3   # the forms with an error, the unreadable file among them
    assert _text(page, "total-error") == "3" and _text(page, "total-forms") == "3"
    assert _text(page, "shown") == "显示 3 张表、3 条问题"
    _choose(page, "severity", "info")
    assert [row.get_attribute("data-rule") for row in _visible(page, "#findings tbody tr")] == ["formula-no-value"]


def test_filter_by_family_department_and_rule(page):
    _choose(page, "family", "project")
    forms = _visible(page, "#overview tbody tr")
    assert [row.get_attribute("data-family") for row in forms] == ["project", "project"]
    assert {row.get_attribute("data-family") for row in _visible(page, "#findings tbody tr")} == {"project"}
    assert len(_visible(page, "section.file")) == 2
    # The totals row follows: the average of 88.50 and 92.00, one corrected total of 89.03.
    assert (_text(page, "total-recomputed"), _text(page, "total-corrected")) == ("90.25", "89.03")
    assert (_text(page, "total-error"), _text(page, "total-warning"), _text(page, "total-info")) == ("1", "1", "1")

    page.find_element("id", "filter-reset").click()
    _choose(page, "department", "广州市工业和信息化局")
    assert [row.get_attribute("data-department") for row in _visible(page, "#overview tbody tr")] == ["广州市工业和信息化局"]
    assert len(_visible(page, "#findings tbody tr")) == 2

    page.find_element("id", "filter-reset").click()
    _choose(page, "rule", "rate-score")
    assert [row.get_attribute("data-rule") for row in _visible(page, "#findings tbody tr")] == ["rate-score"] * 2
    assert len(_visible(page, "#overview tbody tr")) == 2
    _choose(page, "family", "department")
    assert len(_visible(page, "#findings tbody tr")) == 1 and len(_visible(page, "#overview tbody tr")) == 1


def _column(driver, table: str, index: int) -> list[str]:
    return [row.find_elements("css selector", "td")[index].text for row in _visible(driver, f"#{table} tbody tr")]


def test_columns_sort_as_numbers_and_text(page):
    headers = page.find_elements("css selector", "#overview thead th")
    titles = [header.text.replace("↕", "").strip() for header in headers]
    recomputed = titles.index("复核总分")
    headers[recomputed].click()
    assert headers[recomputed].get_attribute("aria-sort") == "ascending"
    assert _column(page, "overview", recomputed) == ["88.00", "88.50", "92.00", "94.21", "—"]   # blanks last
    headers[recomputed].click()
    assert headers[recomputed].get_attribute("aria-sort") == "descending"
    assert _column(page, "overview", recomputed) == ["94.21", "92.00", "88.50", "88.00", "—"]
    errors = titles.index("错误")
    headers[errors].click()
    assert _column(page, "overview", errors) == ["0", "0", "1", "1", "1"]

    cell = page.find_elements("css selector", "#findings thead th")[1]
    cell.click()   # cells in their natural order: G13 before G20 before G40, H7 before H12
    assert _column(page, "findings", 1) == ["—", "表!G13", "表!G20", "表!G40", "表!H7", "表!H12"]
    severity = page.find_elements("css selector", "#findings thead th")[2]
    severity.click()   # ascending: 提示, 警告, 错误
    assert _column(page, "findings", 2) == ["提示", "警告", "警告", "错误", "错误", "错误"]
    # Sorting keeps the filter.
    _choose(page, "severity", "warning")
    headers[recomputed].click()
    assert len(_visible(page, "#overview tbody tr")) == 2


def test_charts_are_inline_svg(page):
    from selenium.webdriver.common.by import By

    rules = page.find_element(By.CSS_SELECTOR, "#chart-rules svg")
    labels = [text.text for text in rules.find_elements(By.CSS_SELECTOR, "g.bar > text")]
    assert "按比例计分的得分不符" in labels and "2" in labels
    segments = rules.find_elements(By.CSS_SELECTOR, "rect")
    assert len(segments) == 5   # one per rule and severity that occurs
    assert all(float(rect.get_attribute("width")) > 0 for rect in segments)
    for chart in ("totals", "grades"):
        bars = page.find_elements(By.CSS_SELECTOR, f"#chart-{chart} svg rect")
        assert bars and any(float(bar.get_attribute("height")) > 0 for bar in bars)
        assert page.find_element(By.CSS_SELECTOR, f"#chart-{chart} svg").size["width"] > 100
