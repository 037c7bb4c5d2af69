"""Arithmetic, rates, stated scores and deductions read from the text cells."""

from decimal import Decimal

import pytest

from evaluator.values.textmath import claimed_deduction, find_rate, stated_deductions, stated_scores, statements


def test_statement_holds_at_written_precision():
    (found,) = statements("专项资金支出进度=92.31%*5=4.62")
    assert found.computed == Decimal("4.6155")
    assert found.holds
    assert found.arithmetic == "92.31% × 5 = 4.6155 → 4.62"
    (wrong,) = statements("92.31%*5=4.65")
    assert not wrong.holds and wrong.rounded == Decimal("4.62")


def test_precedence_and_operators():
    (found,) = statements("合计 1+2×3=7")
    assert found.holds
    (found,) = statements("17÷20=85%")
    assert found.holds and found.result == Decimal("0.85")


def test_no_statement_in_plain_text():
    assert statements("高出指标值250%；“课题研究报告完成数”指标完成率为60%。") == []
    assert statements("2022-06-01起施行") == []
    assert statements("部分合同未能在2个工作日内备案公开") == []


@pytest.mark.parametrize("text", [
    "5*92.31%=4.62", "5×92.31%=4.62", "5x92.31%=4.62", "5X92.31%=4.62", "5＊92.31％＝4.62", "5·92.31%=4.62",
    "5乘以92.31%等于4.62", "5 × 92.31% ＝ 4.62", "92.31%×5分=4.62分", "5分×92.31%=4.62分", "5×92.31%得4.62",
    "5×92.31%，得4.62分", "5×92.31%，得分4.62", "5×92.31%约为4.62", "５×９２．３１％＝４．６２",
])
def test_every_notation_of_one_product(text):
    (found,) = statements(text)
    assert found.holds and found.multiplies(Decimal(5)) and found.percents == (Decimal("0.9231"),)
    assert find_rate(text, Decimal(5))[0] == Decimal("0.9231")


@pytest.mark.parametrize("text", ["5*92.31%=4.65", "5乘以92.31%等于4.65", "1分×94%=0.95分", "5×92.31%，得4.65分"])
def test_wrong_products_in_any_notation(text):
    (found,) = statements(text)
    assert not found.holds


def test_units_and_thousands_separators():
    (found,) = statements("178,904.23万元÷193,807万元=92.31%")
    assert found.operands == (Decimal("178904.23"), Decimal("193807")) and found.holds
    assert found.arithmetic == "178904.23万元 ÷ 193807万元 ≈ 92.3105% → 92.31%"
    (found,) = statements("1分×94%=0.94分")
    assert found.holds and found.result_unit == "分"


def test_chains_are_judged_step_by_step():
    first, second = statements("支出率=178,904.23/193,807=92.31%×5=4.62")
    assert first.holds and second.holds and second.multiplies(Decimal(5))
    assert first.final == second.final == Decimal("4.62")
    exact, rounded = statements("5×92.31%=4.6155≈4.62")
    assert exact.holds and rounded.holds and exact.final == Decimal("4.62")
    _, wrong = statements("支出率=178,904.23/193,807=92.31%×5=4.52")
    assert not wrong.holds


def test_a_rate_beside_its_amounts():
    implied, product = statements("193,807万元中已支出178,904.23万元，支出率92.31%，5×92.31%=4.62")
    assert implied.implied and implied.holds and product.holds
    (wrong, _) = statements("193,807万元中已支出178,904.23万元，支出率93.31%，5×93.31%=4.67")
    assert not wrong.holds and wrong.rounded == Decimal("0.9231")
    # A rate the text's own arithmetic contradicts is not read as the rate.
    assert find_rate("193,807万元中已支出178,904.23万元，支出率93.31%，5×93.31%=4.67", Decimal(5)) is None
    assert statements("预算100万元，已支出92万元，结余8万元，执行率92%") == []  # three amounts
    (spent,) = statements("预算100万元，实际支出92.5万元，执行率92.5%")
    assert spent.holds
    # No amount named as spent: the rate may be of something else.
    assert statements("申请资金200万元，下达150万元，支出率100%") == []
    # Three amounts, or amounts in different units: nothing to tie the rate to.
    assert statements("年初预算100万元，调整后120万元，支出110万元，执行率91.67%") == []


def test_percentage_points_mixed_with_numbers_are_undecided():
    assert statements("100-92.31%=7.69%") == []
    (points,) = statements("100%-92.31%=7.69%")
    assert points.holds


def test_the_three_rate_styles_of_the_seed():
    assert find_rate("专项资金支出进度=92.31%*5=4.62", Decimal(5))[0] == Decimal("0.9231")
    assert find_rate("因为疫情原因，按月度一般公共预算支出执行率计算平均执行率为90%，按比例计分。", Decimal(5))[0] == Decimal("0.9")
    assert find_rate("94%", Decimal(1))[0] == Decimal("0.94")


def test_ambiguous_rate_is_undecided():
    assert find_rate("上半年完成40%，下半年完成95%", Decimal(5)) is None
    assert find_rate("无", Decimal(5)) is None


def _scores(text, **kwargs):
    return [(s.value, s.words) for s in stated_scores(text, **kwargs)]


@pytest.mark.parametrize(("text", "value"), [
    ("政策功能执行率94%，得0.96分", "0.96"), ("个别资产闲置，得1.2分", "1.2"), ("本项得分为1.5", "1.5"),
    ("得分1.5", "1.5"), ("得分：1.5分", "1.5"), ("得分1.5分", "1.5"), ("最终得分1.5", "1.5"), ("实际得分1.5", "1.5"),
    ("自评1.5分", "1.5"), ("自评得分1.5", "1.5"), ("自评分1.5", "1.5"), ("评1.5分", "1.5"), ("评为1.5分", "1.5"),
    ("按影响程度计1.5分", "1.5"), ("给予1.5分", "1.5"), ("应得2分，实得1.5分", "1.5"), ("扣0.5分后得1.5分", "1.5"),
    ("获得3项专利，得1.5分", "1.5"), ("得到1.5分", "1.5"), ("得１．５分", "1.5"),
])
def test_stated_scores(text, value):
    assert [v for v, _ in _scores(text)] == [Decimal(value)]


def test_full_marks():
    (full,) = stated_scores("资产盘点按时完成，得满分")
    assert full.full_marks and full.meant(Decimal(2)) == Decimal(2)
    assert stated_scores("未得满分") == []


@pytest.mark.parametrize("text", [
    "得分率95%", "完成率达到95%以上的得5分", "达到90%以上得满分", "否则得0分", "最高得5分", "可得1分",
    "项目平均得分95分", "总得分94.31分", "原得分4分", "扣减得分0.5分", "合计3分", "共计3分", "得分3项", "各得0.5分",
    "“课题研究报告完成数”指标完成率为60%，得0.6分", "5×92.31%=4.62，得4.62分", "5×92.31%=4.62分",
    "支出率92.31%，得分率99%", "按比例计分", "减半得分",
])
def test_figures_that_are_not_this_rows_score(text):
    assert _scores(text) == []


def test_another_indicator_named_in_the_sentence():
    others = ["专项资金支出率", "资产配置合规性"]
    assert _scores("专项资金支出率得分4.62。", own="采购政策效能", others=others) == []
    assert _scores("资产配置合规性得2分", own="资产管理合规性", others=others) == []
    # Its own name, quoted or not, ties the score to the row.
    assert _scores("“采购政策效能”得0.94分", own="采购政策效能", others=others) == [(Decimal("0.94"), "得0.94分")]


def test_agreement_at_the_precision_written():
    (stated,) = stated_scores("得4.6分")
    assert stated.agrees(Decimal("4.62")) and not stated.agrees(Decimal("4.66"))
    (whole,) = stated_scores("得1分")
    assert not whole.agrees(Decimal("0.5")) and whole.agrees(Decimal(1))


def test_deductions():
    assert [d.amount for d in stated_deductions("存在个别指标未完成，扣1分，如…")] == [Decimal(1)]
    assert stated_deductions("每项扣0.5分") == []
    assert [d.amount for d in stated_deductions("扣０．５分；另扣除0.5分")] == [Decimal("0.5"), Decimal("0.5")]
    assert [d.amount for d in stated_deductions("扣分0.2分；扣分为0.3")] == [Decimal("0.2"), Decimal("0.3")]


@pytest.mark.parametrize(("text", "claimed"), [
    ("3项资产未办理入库，每项扣0.1分", "0.3"),
    ("3项资产未办理入库，各扣0.1分", "0.3"),
    ("三项资产未入库，分别扣0.1分", "0.3"),
    ("两个项目未及时调整，均扣0.5分", "1"),
    ("资产未入库，每项扣0.1分，共3项", "0.3"),
    ("2个指标未完成，如指标值20家、实际17家，每项扣0.1分", "0.2"),
    ("2个指标未完成，分别扣0.5分和0.3分", "0.8"),
    ("2个指标未完成，每项扣0.1分，共扣0.3分", "0.3"),
    ("闲置扣0.5分，未入库扣0.5分，共扣1分", "1"),
    ("共扣除0.5分", "0.5"),
    ("扣分合计0.5分", "0.5"),
])
def test_counted_deductions_and_totals(text, claimed):
    assert claimed_deduction(text)[0] == Decimal(claimed)


def test_counted_deduction_shows_its_arithmetic():
    (counted,) = stated_deductions("3项资产未办理入库，每项扣0.1分")
    assert (counted.count, counted.each, counted.arithmetic) == (3, Decimal("0.1"), "3 × 0.1 = 0.3")


@pytest.mark.parametrize("text", [
    "每超过一个百分点扣0.5分", "每项扣0.5分，按影响程度折半计", "最多扣2分", "未按时备案的扣1分",
    "部分合同未能在2个工作日内备案公开，每项扣0.5分",  # 2个工作日 is a time, not a count
    "3个项目、2个指标未及时调整，各扣0.2分",  # two counts: which one is multiplied?
    "扣3项", "扣除2022年度结余",
])
def test_rules_and_undecided_counts_claim_nothing(text):
    assert claimed_deduction(text) is None


# --- everyday phrasings on the seed form ----------------------------------------------------------
# Each row: the indicator id, the text put in its 未达标原因, its 得分 (None: unchanged) and the
# findings of the prose rules expected, as (rule, cell). The rest of the form is the correct sample.

PROSE_RULES = {"text-arithmetic", "text-score", "deduction-mismatch", "rate-score"}
PHRASINGS = [
    # rates and scores stated in words
    ("procurement-policy-effectiveness", "政策功能执行率94%，得0.94分", None, []),
    ("procurement-policy-effectiveness", "政策功能执行率94%，得0.96分", None, [("text-score", "H34")]),
    ("procurement-policy-effectiveness", "政策功能执行率为94%，本项得分0.94分。", None, []),
    ("procurement-policy-effectiveness", "政策功能执行率为94%，本项得分0.9分。", None, []),  # at the precision written
    ("procurement-policy-effectiveness", "政策功能执行率为94%，本项得分0.96分。", None, [("text-score", "H34")]),
    ("procurement-policy-effectiveness", "政策功能执行率94%，按比例计0.94分", None, []),
    ("procurement-policy-effectiveness", "政策功能执行率94%，自评0.94分", "0.95", [("rate-score", "G34")]),
    ("asset-management-compliance", "个别资产闲置，得1.5分", None, []),
    ("asset-management-compliance", "个别资产闲置，得1.2分", None, [("text-score", "H21")]),
    ("asset-management-compliance", "个别资产闲置，扣0.5分，得分1.5分", None, []),
    ("asset-management-compliance", "个别资产闲置，自评得分为1.0分", None, [("text-score", "H21")]),
    ("asset-management-compliance", "满分2分，因个别资产闲置，得1.5分", None, []),
    ("contract-filing-timeliness", "部分合同未能按时备案，最终得分0.5分", None, []),
    ("contract-filing-timeliness", "部分合同未能按时备案，最终得分0.6分", None, [("text-score", "H33")]),
    ("contract-filing-timeliness", "（按时备案得满分，每逾期1份扣0.1分）部分合同未按时备案", None, []),
    ("contract-filing-timeliness", "评分标准：按时备案得满分，逾期扣分。部分合同未按时备案", None, []),
    ("contract-filing-timeliness", "下一步力争得满分", None, []),
    ("special-fund-performance", "专项资金项目自评平均得分95分，折算后得19.8分，扣0.2分", None, []),
    ("special-fund-performance", "专项资金项目自评平均得分95分，折算后得19分", None, [("text-score", "H12")]),
    # arithmetic in every notation
    ("special-fund-spending-rate", "专项资金支出进度：5分×92.31%=4.62分", None, []),
    ("special-fund-spending-rate", "专项资金支出进度：5分×92.31%=4.61分", None, [("text-arithmetic", "H13")]),
    ("special-fund-spending-rate", "得分=分值×支出率=5×92.31%=4.62", None, []),
    ("special-fund-spending-rate", "得分=分值×支出率=5×92.31%=4.6", None, []),  # at the precision written
    ("special-fund-spending-rate", "得分=分值×支出率=5×92.31%=4.65", None, [("text-arithmetic", "H13")]),
    ("special-fund-spending-rate", "支出率92.31%，92.31%X5=4.62分", None, []),
    ("special-fund-spending-rate", "专项资金支出率为92.31%，5乘以92.31%约为4.62", None, []),
    ("special-fund-spending-rate", "全年预算数193,807.00万元，全年执行数178,904.23万元，执行率92.31%，得4.62分", None, []),
    ("special-fund-spending-rate", "全年预算数193,807.00万元，全年执行数178,904.23万元，执行率93.31%，得4.67分", None,
     [("text-arithmetic", "H13"), ("text-score", "H13")]),
    ("special-fund-spending-rate", "专项资金支出率=178,904.23万元÷193,807万元=92.31%，得分=92.31%×5=4.62分", None, []),
    ("special-fund-spending-rate", "专项资金支出进度=92.31%*5=4.62", "4.52", [("rate-score", "G13")]),
    ("budget-spending-rate", "按月度执行率计算平均执行率为90%，90%×5=4.5分", None, []),
    ("budget-spending-rate", "按月度执行率计算平均执行率为90%，90%×5=4.6分", None, [("text-arithmetic", "H16")]),
    ("budget-spending-rate", "平均执行率为90%，得4.5分，较上年提高2.5个百分点", None, []),
    ("budget-spending-rate", "年初预算100万元，调整预算120万元，支出108万元，执行率90%，1-12月平均执行率90%", None, []),
    # deductions
    ("asset-management-compliance", "3项资产未办理入库，每项扣0.1分", None, [("deduction-mismatch", "H21")]),
    ("asset-management-compliance", "5项资产未办理入库，每项扣0.1分", None, []),
    ("asset-management-compliance", "闲置资产1处、未入库资产2项，各扣0.1分", None, []),
    ("asset-management-compliance", "个别资产闲置扣0.2分，未入库扣0.3分，共扣0.5分", None, []),
    ("asset-management-compliance", "个别资产闲置扣0.2分，未入库扣0.2分，共扣0.4分", None, [("deduction-mismatch", "H21")]),
    ("asset-management-compliance", "资产管理不规范，扣分0.5分", None, []),
    ("budget-spending-rate", "执行率90%，每低于100%一个百分点扣0.05分", None, []),
    ("performance-result-application", "部分项目绩效指标未及时调整，扣1分（3-2=1）", None, []),
    ("performance-result-application", "部分项目绩效指标未及时调整，扣1分（3-2=1.5）", None, [("text-arithmetic", "H31")]),
    ("contract-filing-timeliness", "部分合同未能在2个工作日内备案公开，扣0.5分", None, []),
    ("contract-filing-timeliness", "部分合同未能在2个工作日内备案公开，扣1分", None, [("deduction-mismatch", "H33")]),
]


@pytest.fixture(scope="module")
def correct_model(definitions):
    from pathlib import Path

    from evaluator.runner.engine import check_file

    sample = Path(__file__).resolve().parent.parent / "sample_workbooks" / "correct-form.xlsx"
    (form,) = check_file(sample, definitions).forms
    return form.model


@pytest.mark.parametrize(("row_id", "text", "score", "expected"), PHRASINGS,
                         ids=[f"{row}: {text}" for row, text, *_ in PHRASINGS])
def test_everyday_phrasings_on_the_seed_form(row_id, text, score, expected, correct_model, definitions):
    import copy

    from evaluator.families.department.checks import run_checks
    from evaluator.families.department.model import Value

    form = copy.deepcopy(correct_model)
    (row,) = [row for row in form.rows if row.indicator and row.indicator.id == row_id]
    row.reason = Value(raw=text, ref=row.reason.ref)
    if score is not None:
        row.score = Value(raw=score, ref=row.score.ref)
    found = sorted((f.rule, f.cell) for f in run_checks(form, definitions.department) if f.rule in PROSE_RULES)
    assert found == sorted(expected)
