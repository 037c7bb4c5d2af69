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


# ------------------------------------------------------------------------- many forms, any width

UNITS = ["市教育局", "市卫生健康委员会", "广州市工业和信息化局", "市财政局", "市交通运输局（含下属二级单位及直属事业单位）"]


def many_forms(count: int = 330) -> dict:
    """``count`` forms of five units, totals spread from 78 to 97, a finding on every third form."""
    entries = []
    for index in range(count):
        unit = UNITS[index % len(UNITS)]
        total = f"{78 + (index * 7) % 20}.{index % 100:02d}"
        findings = []
        if index % 3 == 0:
            findings.append(_finding("rate-score", "error", f"G{13 + index % 9}",
                                     f"第 {index} 张表：92.31% × 5 = 4.6155 → 4.62，申报 4.52", expected="4.62",
                                     actual="4.52", expected_of="score", arithmetic="92.31% × 5 = 4.6155 → 4.62"))
        if index % 7 == 0:
            findings.append(_finding("deduction-mismatch", "warning", "H12", "文中写“扣1分”，但 20 − 19.8 = 0.2",
                                     expected="0.2", actual="1", expected_of="deduction"))
        family = "project" if index % 2 else "department"
        facts = {"project_name": f"项目{index:03d}-一个相当长的项目名称用于检验换行与宽度", "department": unit,
                 "unit": "某某单位", "money_unit": "万元"} if family == "project" else {}
        entries.append(_form(f"很长的文件夹名称/第{index // 50}批/{unit}/自评表-{index:03d}-最终版-已盖章-修订稿.xlsx",
                             family, unit, findings, total={"declared": total, "recomputed": total, "corrected": total},
                             grade={"declared": "优" if float(total) >= 90 else "良", "computed": "优" if float(total) >= 90 else "良",
                                    "corrected": "优" if float(total) >= 90 else "良"}, facts=facts))
    return assemble(entries)


@pytest.fixture(scope="module")
def big_report(tmp_path_factory):
    folder = tmp_path_factory.mktemp("big")
    write_reports(many_forms(), folder)
    return folder / "report.html"


def _width(driver, width: int, height: int = 900) -> None:
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600})


@pytest.mark.parametrize("width", [1366, 390])
def test_the_page_never_scrolls_sideways(driver, big_report, width):
    _width(driver, width)
    try:
        driver.get(big_report.as_uri())
        page, view = driver.execute_script(
            "return [document.documentElement.scrollWidth, document.documentElement.clientWidth];")
        assert page <= view, f"the page is {page} px wide in a {view} px window"
        # The wide tables scroll inside their own box instead.
        boxes = driver.execute_script(
            "return Array.from(document.querySelectorAll('.scroll')).map(b => [b.scrollWidth, b.clientWidth]);")
        assert boxes and all(client <= view for _, client in boxes)
        if width == 390:
            assert any(inner > client for inner, client in boxes)   # the overview is wider than a phone
    finally:
        driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def test_each_forms_section_lists_its_findings(driver, big_report):
    driver.get(big_report.as_uri())
    sections = driver.execute_script("""
        return Array.from(document.querySelectorAll('section.file')).map(s => [s.id,
            s.querySelectorAll('table.form-findings tbody tr').length,
            Array.from(s.querySelectorAll('table.form-findings tbody tr td')).map(td => td.textContent.trim())]);""")
    assert len(sections) == 330
    data = many_forms()
    for (anchor, count, cells), entry in zip(sections, data["files"]):
        assert count == len(entry["findings"])
        if entry["findings"] and entry["findings"][0]["rule"] == "rate-score":
            # cell, the rule in Chinese, expected, actual and the arithmetic
            assert cells[0] == f"表!{entry['findings'][0]['cell']}" and cells[2] == "按比例计分的得分不符rate-score"
            assert cells[4] == "得分应为4.62" and cells[5] == "4.52" and "92.31% × 5 = 4.6155 → 4.62" in cells[6]


def test_search_filters_in_the_address_and_charts_that_follow(driver, big_report):
    from selenium.webdriver.common.by import By

    driver.get(big_report.as_uri())
    assert len(_visible(driver, "#overview tbody tr")) == 330
    box = driver.find_element(By.ID, "search")
    box.send_keys("自评表-042")
    assert [row.get_attribute("data-form") for row in _visible(driver, "#overview tbody tr")] == ["f43"]
    assert len(_visible(driver, "section.file")) == 1 and len(_visible(driver, "nav.toc li")) == 1
    box.clear()
    box.send_keys("第 99 张表")   # the text of a finding finds its form and the finding
    assert len(_visible(driver, "#findings tbody tr")) == 1 and len(_visible(driver, "#overview tbody tr")) == 1
    driver.find_element(By.ID, "filter-reset").click()

    _choose(driver, "family", "project")
    _choose(driver, "severity", "error")
    assert "family=project" in driver.current_url and "severity=error" in driver.current_url
    shown = len(_visible(driver, "#overview tbody tr"))
    driver.get(driver.current_url)   # a reload keeps the filters
    assert driver.find_element(By.ID, "filter-family").get_attribute("value") == "project"
    assert len(_visible(driver, "#overview tbody tr")) == shown == sum(
        1 for i in range(330) if i % 2 and i % 3 == 0)
    # The charts follow: only rate-score errors of the forms shown, and the histogram counts them.
    bars = driver.execute_script(
        "return Array.from(document.querySelectorAll('#chart-rules g.bar')).map(g => [g.getAttribute('data-rule'),"
        " g.lastElementChild.textContent]);")
    assert bars == [["rate-score", str(shown)]]
    counted = driver.execute_script(
        "return Array.from(document.querySelectorAll('#chart-totals rect title')).map(t => parseInt("
        "t.textContent.split(' ').slice(-2)[0], 10)).reduce((a, b) => a + b, 0);")
    assert counted == shown
    assert _text(driver, "total-forms") == str(shown)


def test_histogram_has_whole_point_bins_and_whole_number_ticks(driver, big_report):
    driver.get(big_report.as_uri())
    labels = driver.execute_script(
        "return Array.from(document.querySelectorAll('#chart-totals text.label')).map(t => t.textContent);")
    ticks = driver.execute_script(
        "return Array.from(document.querySelectorAll('#chart-totals text.tick')).map(t => t.textContent);")
    bins = driver.execute_script("return document.querySelectorAll('#chart-totals g.group').length;")
    assert bins == 20 and labels[0] == "78" and all(label.isdigit() for label in labels)   # 78 … 97, a bin a point
    assert ticks[0] == "0" and all(tick.isdigit() for tick in ticks)


def test_table_of_contents_by_unit(driver, big_report):
    driver.get(big_report.as_uri())
    units = driver.execute_script(
        "return Array.from(document.querySelectorAll('nav.toc details > summary')).map(s => s.textContent);")
    assert len(units) == len(UNITS) and all("66 张表" in unit for unit in units)
    links = driver.execute_script("return Array.from(document.querySelectorAll('nav.toc a')).map(a => a.getAttribute('href'));")
    assert len(links) == 330 and len(set(links)) == 330


def test_csv_export_holds_the_rows_shown(page):
    _choose(page, "severity", "warning")
    text = page.execute_script("return window.evaluatorReportCsv('findings');")
    lines = text.strip("\r\n").split("\r\n")
    assert lines[0].split(",")[:3] == ["文件", "单元格", "严重程度"]
    assert len(lines) == 1 + 2 and all("警告" in line for line in lines[1:])
    forms = page.execute_script("return window.evaluatorReportCsv('overview');").strip("\r\n").split("\r\n")
    assert len(forms) == 1 + 2   # the header and the two forms with a warning (no totals row)
    assert page.find_element("id", "export-findings").is_displayed()
