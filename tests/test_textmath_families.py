"""Phrasings that look like arithmetic, family by family: a correct one states nothing that fails,
a wrong one exactly one statement that does not hold (see docs/text-arithmetic.md).

The rules' cases (tests/cases/text-arithmetic.yaml) check the same families on a whole form; this
file checks many phrasings of each against the reader alone."""

from __future__ import annotations

from decimal import Decimal

import pytest

from evaluator.values.textmath import find_rate, statements

# Each correct phrasing: every statement read holds (or none is read).
CORRECT = {
    "per mille from a whole": ["100-5‰=99.5%", "差错率5‰，100-5‰=99.5%", "100%-5‰=99.5%", "1-5‰=99.5%",
                               "1000-5‰=995‰", "1000‰-5‰=995‰"],
    "percentages added and subtracted": ["100%-2%=98%", "100-2%=98%", "92.31%+7.69%=100%", "100-92.31%=7.69%",
                                         "比上年提高2.3%（95.3%-93%=2.3%）", "扣分=（100%-95%）×10=0.5", "（1-5%）×10=9.5",
                                         "超出目标值（95%-90%）/90%=5.56%"],
    "percentage points": ["95%+3个百分点=98%", "100%-95%=5个百分点", "95%-90%=5个百分点", "100-3个百分点=97%",
                          "每降低1个百分点扣0.5分，降低3个百分点，3个百分点×0.5分=1.5分"],
    "per mille alone": ["5‰+3‰=8‰", "5‰+3‰=8", "5‰×200=1份", "1/200=5‰", "0.5‰×1000=0.5"],
    "a unit on one side only": ["100-92.31=7.69%", "100%-95%=5", "95%-90%=5", "100-95=5%", "1-0.95=5%",
                                "10分-1.5=8.5分", "1分×94%=0.94", "5×92.31%=4.62分"],
    "ranges": ["90%-100%", "完成率90%-100%=得满分", "完成率达到90%-100%为5分", "完成率90%-100%得5分", "第1-3项为5分",
               "第3-5项", "执行率90%-100为满分", "80-90分为良好", "1-12月累计支出=100万元"],
    "dates": ["2023-2025年", "2023-2025=3年", "1-12月", "2023年1-12月=12个月", "2023-12-31为100%", "2023/12/31为100%",
              "截至2023-12为100%", "完成时间2023.1-2023.12=全年", "2025-2023=2年"],
    "codes and telephone numbers": ["GB/T 50-2019", "GB/T50-2019=标准", "GB/T 50-2019为2019", "DB44/T 1234-2020=1",
                                    "电话020-12345678", "联系电话：0871-12345678"],
    "ratios": ["5:1", "比例为5:1", "人员配比1:1", "10:2=5", "配套比例1:1=100%", "时间8:30-17:30为工作时间", "比例尺1:50000",
               "8:30-12:30=4小时"],
    "fractions": ["1/3", "1/3=33.33%", "1/3=0.33", "2/3=66.7%", "1/3=33%", "完成比例3/5为60%"],
    "list markers": ["①5×90%=4.5；②2×50%=1", "⑴5×90%=4.5", "①2023-2025年", "(1)5×90%=4.5"],
    "everyday arithmetic": ["178,904.23/193,807=92.31%×5=4.62", "执行率=178.9/193.8×100%=92.31%",
                            "增长率=（120-100）÷100×100%=20%", "(20-17)/20=15%", "17÷20=85%×10=8.5",
                            "得分=20×100%=20分", "10-2=8分", "3项+2项=5项", "执行率(B/A) 得分 (20 分*执行率) 285.84 285.84 100% 20"],
}

# Each wrong phrasing: exactly one statement that does not hold, with (expected, written) values.
WRONG = {
    "per mille from a whole": ("100-5‰=95%", "1", "0.95"),
    "percentages subtracted": ("100%-2%=97%", "0.98", "0.97"),
    "percentage points": ("95%+3个百分点=99%", "0.98", "0.99"),
    "percentage points counted": ("3个百分点×0.5分=2.5分", "1.5", "2.5"),
    "per mille alone": ("5‰+3‰=9‰", "0.008", "0.009"),
    "percent on the result only": ("100-92.31=7.5%", "0.077", "0.075"),
    "percent on the operands only": ("100%-95%=6", "0.05", "0.06"),
    "a subtraction from the larger figure": ("100%-90%=20%", "0.1", "0.2"),
    "a difference of years": ("2025-2023=3年", "2", "3"),
    "arithmetic beside a code": ("按GB/T 50-2019，10-2=9项", "8", "9"),
    "a ratio worked out": ("10:2=4", "5", "4"),
    "a fraction": ("1/3=30%", "0.33", "0.3"),
    "after a list marker": ("①5×90%=4.6", "4.5", "4.6"),
}


@pytest.mark.parametrize("family", sorted(CORRECT))
def test_a_correct_phrasing_states_nothing_that_fails(family):
    for text in CORRECT[family]:
        failing = [s.text for s in statements(text) if not s.holds]
        assert failing == [], f"{family}: {text!r} reads {failing}"


@pytest.mark.parametrize("family", sorted(WRONG))
def test_a_wrong_phrasing_states_exactly_one_failure(family):
    text, expected, written = WRONG[family]
    failing = [s for s in statements(text) if not s.holds]
    assert len(failing) == 1, f"{family}: {text!r} reads {[s.text for s in statements(text)]}"
    (statement,) = failing
    assert (statement.rounded, statement.result) == (Decimal(expected), Decimal(written))


def test_the_terms_of_a_subtraction_or_a_range_are_not_the_rate():
    assert find_rate("执行率100%-10%=90%，按比例计分")[0] == Decimal("0.9")
    assert find_rate("准确率100%-5‰=99.5%")[0] == Decimal("0.995")
    assert find_rate("执行率90%-100%为满分") is None
