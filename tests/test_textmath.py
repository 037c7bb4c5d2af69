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


def test_money_in_different_units_is_undecided():
    assert statements("1.2亿元×30%=3600万元") == []
    (same,) = statements("1.2亿元×30%=0.36亿元")
    assert same.holds


def test_a_dropped_percent_sign_is_a_slip_only_in_a_ratio():
    (ratio,) = statements("17/20=85")
    assert ratio.holds
    (product,) = statements("2×3=600")
    assert not product.holds


def test_brackets():
    (mean,) = statements("平均执行率=（95%+85%）÷2=90%")
    assert mean.holds and mean.arithmetic == "(95% + 85%) ÷ 2 = 90%"
    (wrong,) = statements("(95%+85%)/2=91%")
    assert not wrong.holds
    # The brackets of the prose around a statement are not part of it.
    (inside,) = statements("扣1分（3-2=1）")
    assert inside.text == "3-2=1" and inside.holds
    # A bracketed ratio beside a stated score is not arithmetic with that score as its result.
    assert statements("支出率92.31%（178,904.23万元/193,807万元），得分4.62") == []


def test_percentages_mixed_with_numbers_read_as_the_result_says():
    (fraction,) = statements("扣分=5×(1-92.15%)=0.39")
    assert fraction.holds and fraction.computed == Decimal("0.3925")
    (points,) = statements("100-92.31%=7.69%")
    assert points.holds
    (percent,) = statements("100%-92.31%=7.69%")
    assert percent.holds
    # 1−x% is a fraction, 100−x% points: a wrong result is found.
    (wrong,) = statements("5×(1-92.15%)=0.5")
    assert not wrong.holds and wrong.rounded == Decimal("0.4")
    (wrong_points,) = statements("100-92.31%=8.69%")
    assert not wrong_points.holds
    # Neither 1 nor 100 (2−50%): only a result that agrees with one reading is read.
    assert statements("2-50%=1.6") == []
    (either,) = statements("2-50%=1.5")
    assert either.holds


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


def test_a_planned_figure_is_a_target_value_not_an_aim():
    # 计划50人 / 计划完成50个 beside what was done: the score stated after them is this row's.
    assert [v for v, _ in _scores("计划50人，实际46人，完成率92%，最终得分9")] == [Decimal(9)]
    assert [v for v, _ in _scores("计划完成50个，实际完成46个，得9.2分")] == [Decimal("9.2")]
    # A plan for what is to come still is an aim.
    assert _scores("计划明年完成全部任务，得满分") == []
    assert _scores("计划于下年度补齐，得5分") == []
    assert _scores("计划于2024年6月完成，得满分") == []
    assert [v for v, _ in _scores("计划带动就业50人，实际带动46人，得9.2分")] == [Decimal("9.2")]


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


# More everyday phrasings, one a line: "row[.remedy]|text|rule expected (ok: none)|得分 (optional)".
# A wrong text gives exactly one finding, of that rule, on its own row; a consistent one gives none.
PROBES = [
    'procurement-policy-effectiveness|该项得分0.96|text-score',
    'procurement-policy-effectiveness|本指标得0.96分|text-score',
    'procurement-policy-effectiveness|执行率94%，故得0.96分|text-score',
    'procurement-policy-effectiveness|因此得分为0.96分|text-score',
    'procurement-policy-effectiveness|实际得分：0.96分|text-score',
    'procurement-policy-effectiveness|自评得分：0.96|text-score',
    'procurement-policy-effectiveness|评分0.96分|text-score',
    'procurement-policy-effectiveness|计得0.96分|text-score',
    'procurement-policy-effectiveness|共得0.96分|text-score',
    'procurement-policy-effectiveness|最终得0.96分|text-score',
    'procurement-policy-effectiveness|得0.96分（满分1分）|text-score',
    'procurement-policy-effectiveness|评定得分0.96|text-score',
    'procurement-policy-effectiveness|得分为 0.96 分|text-score',
    'procurement-policy-effectiveness|得 0.96 分|text-score',
    'procurement-policy-effectiveness|得０．９６分|text-score',
    'procurement-policy-effectiveness|得分是0.96|text-score',
    'procurement-policy-effectiveness|该项得分0.94|ok',
    'procurement-policy-effectiveness|本指标得0.94分|ok',
    'procurement-policy-effectiveness|执行率94%，故得0.94分|ok',
    'procurement-policy-effectiveness|实际得分：0.94分|ok',
    'procurement-policy-effectiveness|共得0.94分|ok',
    'procurement-policy-effectiveness|得０．９４分|ok',
    'procurement-policy-effectiveness|1分×94%=0.95分|text-arithmetic',
    'procurement-policy-effectiveness|94%×1分=0.95分|text-arithmetic',
    'procurement-policy-effectiveness|1×94%＝0.95|text-arithmetic',
    'procurement-policy-effectiveness|1 x 94% = 0.95|text-arithmetic',
    'procurement-policy-effectiveness|94%乘以1分等于0.95分|text-arithmetic',
    'procurement-policy-effectiveness|1分·94%=0.95分|text-arithmetic',
    'procurement-policy-effectiveness|94%X1=0.95|text-arithmetic',
    'procurement-policy-effectiveness|1＊94％＝0.95|text-arithmetic',
    'procurement-policy-effectiveness|得分：1×94%=0.95|text-arithmetic',
    'procurement-policy-effectiveness|0.95分=1分×94%|text-arithmetic',
    'procurement-policy-effectiveness|0.94分=1分×94%|ok',
    'procurement-policy-effectiveness|政策功能执行率94%，1分×94%=0.94分|ok',
    'procurement-policy-effectiveness|94%乘以1分等于0.94分|ok',
    'asset-management-compliance|发现问题3个，每个扣0.1分|deduction-mismatch',
    'asset-management-compliance|3处问题各扣0.1分|deduction-mismatch',
    'asset-management-compliance|共有3项未完成，分别扣0.1分|deduction-mismatch',
    'asset-management-compliance|扣除0.3分|deduction-mismatch',
    'asset-management-compliance|扣减0.3分|deduction-mismatch',
    'asset-management-compliance|共扣0.3分|deduction-mismatch',
    'asset-management-compliance|合计扣减0.3分|deduction-mismatch',
    'asset-management-compliance|累计扣分0.3分|deduction-mismatch',
    'asset-management-compliance|扣掉0.3分|deduction-mismatch',
    'asset-management-compliance|扣了0.3分|deduction-mismatch',
    'asset-management-compliance|扣分：0.3分|deduction-mismatch',
    'asset-management-compliance|失分0.3分|deduction-mismatch',
    'asset-management-compliance|减分0.3分|deduction-mismatch',
    'asset-management-compliance|3项资产未办理入库手续，按每项0.1分扣分|deduction-mismatch',
    'asset-management-compliance|每项扣0.1分，3项共扣0.3分|deduction-mismatch',
    'asset-management-compliance|发现问题5个，每个扣0.1分|ok',
    'asset-management-compliance|5处问题各扣0.1分|ok',
    'asset-management-compliance|扣除0.5分|ok',
    'asset-management-compliance|扣分：0.5分|ok',
    'asset-management-compliance|失分0.5分|ok',
    'asset-management-compliance|5项资产未办理入库手续，按每项0.1分扣分|ok',
    'asset-management-compliance|个别资产闲置，每发现一项扣0.1分|ok',
    'asset-management-compliance|每超过一个百分点扣0.5分|ok',
    'special-fund-spending-rate|193,807万元中已支出178,904.23万元，支出率92.31%，5×92.31%=4.62|ok',
    'special-fund-spending-rate|193,807万元中已支出178,904.23万元，支出率92.31%，5×92.31%=4.65|text-arithmetic',
    'special-fund-spending-rate|193,807万元中已支出178,904.23万元，支出率92.31%，5×92.31%=4.62|rate-score|4.52',
    'special-fund-spending-rate|193807万元中已支出178904.23万元，支出率为92.31%，得分5×92.31%=4.62分|ok',
    'special-fund-spending-rate|预算193,807万元，支出178,904.23万元，支出率=178,904.23÷193,807=92.31%，5×92.31%=4.62|ok',
    'special-fund-spending-rate|预算193,807万元，支出178,904.23万元，支出率=178,904.23÷193,807=92.41%，5×92.41%=4.62|text-arithmetic',
    'special-fund-spending-rate|专项资金支出率92.31%，得分4.62分|ok',
    'special-fund-spending-rate|专项资金支出率92.31%，得分4.52分|text-score',
    'special-fund-spending-rate|专项资金支出率92.31%，得分4.62分|rate-score|4.52',
    'special-fund-spending-rate|专项资金支出率92.31%，5×92.31%≈4.62|ok',
    'special-fund-spending-rate|专项资金支出率92.31%，5×92.31%＝4.62分|ok',
    'budget-spending-rate|执行率90%，5×90%=4.5|ok',
    'budget-spending-rate|执行率90%，5×90%=4.6|text-arithmetic',
    'budget-spending-rate|执行率90%，得4.6分|text-score',
    'budget-spending-rate|执行率90%，计4.5分|ok',
    'budget-spending-rate|平均执行率为90%，按比例计分，得分4.5|ok',
    'special-fund-performance|存在个别指标未完成，扣0.2分|ok',
    'special-fund-performance|存在个别指标未完成，扣分0.2分，得分19.8分|ok',
    'special-fund-performance|存在个别指标未完成，扣0.2分，得19.6分|text-score',
    'special-fund-performance|存在个别指标未完成，20-0.2=19.8|ok',
    'special-fund-performance|存在个别指标未完成，20-0.2=19.6|text-arithmetic',
    'special-fund-performance|2个指标未完成，每个扣0.1分|ok',
    'special-fund-performance|2个指标未完成，每个扣0.2分|deduction-mismatch',
    'special-fund-performance|虚拟电厂需求响应电力用户数指标值20家，实际完成值17家，完成率85%，扣0.2分|ok',
    'special-fund-performance|虚拟电厂需求响应电力用户数指标值20家，实际完成值17家，完成率=17/20=85%，扣0.2分|ok',
    'special-fund-performance|虚拟电厂需求响应电力用户数指标值20家，实际完成值17家，完成率=17/20=80%，扣0.2分|text-arithmetic',
    'special-fund-performance|专项资金绩效目标共设置指标120个，完成118个，2个指标未达到年度目标值，扣0.2分|ok',
    'special-fund-performance|部分项目受疫情影响未能按期完成，如“举办展会场次”指标值5场，实际完成3场，完成率60%，扣0.2分。|ok',
    'special-fund-performance|专项资金项目绩效自评平均得分为96.5分，按20分权重折算得19.3分，加权后得19.8分|ok',
    'special-fund-performance|专项资金项目绩效自评平均得分为99分，20×99%=19.8分|ok',
    'special-fund-performance|专项资金项目绩效自评平均得分为99分，20×99%=19.8分|text-arithmetic|19.7',
    'special-fund-performance|根据评分标准，每个未完成指标扣0.1分，共2个指标未完成，扣0.2分|ok',
    'special-fund-performance|按照“未完成一个指标扣0.1分”的标准，2个指标未完成，扣0.2分|ok',
    'special-fund-performance|（1）虚拟电厂需求响应电力用户数指标值20家，实际完成17家；（2）新增5G基站指标值1万座，实际完成0.8万座。共扣0.2分。|ok',
    'special-fund-performance|完成率低于100%的按完成比例扣分，共扣0.2分|ok',
    'special-fund-performance|1-12月累计支出进度92.31%，截至2022年12月31日，专项资金结余14,902.77万元|ok',
    'special-fund-spending-rate|截至2022年12月31日，专项资金预算193,807万元，已支出178,904.23万元，支出率92.31%。|ok',
    'special-fund-spending-rate|专项资金支出进度=已支出金额/预算金额=178,904.23/193,807=92.31%；得分=5×92.31%=4.62|ok',
    'special-fund-spending-rate|支出率92.31%（178,904.23万元/193,807万元），得分4.62|ok',
    'special-fund-spending-rate|支出进度未达100%，按比例扣0.38分|ok',
    'special-fund-spending-rate|支出进度未达100%，5-4.62=0.38，扣0.38分|ok',
    'special-fund-spending-rate|部分项目资金因疫情原因未能支出，支出率92.31%，按“支出率×分值”计算得分|ok',
    'special-fund-spending-rate|支出率92.31%，低于序时进度7.69个百分点|ok',
    'special-fund-spending-rate|年初预算193,807万元，年中追加5,000万元，实际支出178,904.23万元，支出率92.31%|ok',
    'overall-outcome-targets|部分指标实际完成值比年初目标值高于150%，减半得分，扣0.5分|ok',
    'overall-outcome-targets|共设置效益指标10个，其中1个指标完成值高于目标值150%，按评分规则扣0.5分，得9.5分|ok',
    'overall-outcome-targets|新增自主品牌汽车新车型数量目标值2款，实际完成7款，高出250%，得分减半，扣0.5分|ok',
    'overall-output-targets|产出指标20个，17个完成，3个未完成，扣1.05分|ok',
    'overall-output-targets|“课题研究报告完成数”指标值5个，完成3个，完成率60%，按比例得0.3分|ok',
    'overall-output-targets|其中“课题研究报告完成数”指标得分0.6分，“支持园区发展家数”得分0.45分|ok',
    'budget-spending-rate|2022年度部门预算资金支出率为90%，按比例计分，5×90%=4.5分|ok',
    'budget-spending-rate|年初预算数303,054.14万元，全年支出272,748.73万元，执行率90%|ok',
    'budget-spending-rate|执行率90%，比上年下降3.5个百分点，按比例计分得4.5分|ok',
    'budget-spending-rate|月度平均执行率为90%（1月12%，2月20%……12月100%），得分4.5分|ok',
    'budget-spending-rate|各月执行率平均为90%，较序时进度慢10%，得4.5分|ok',
    'asset-management-compliance|市产业发展中心个别资产处于闲置状态（2台电脑、1台打印机），采购的固定资产未办理入库手续，扣0.5分|ok',
    'asset-management-compliance|抽查发现3项固定资产未及时入账，扣0.5分|ok',
    'asset-management-compliance|评分标准：每发现一项不合规扣0.1分，最多扣2分。本年度发现5项，扣0.5分|ok',
    'asset-management-compliance|闲置资产共10台（件），原值合计12.5万元，扣0.5分|ok',
    'asset-management-compliance|资产账实相符率98%，个别资产闲置，得1.5分|ok',
    'performance-result-application|部分项目绩效指标未及时调整，扣1分。下一步将绩效评价结果与预算安排挂钩，确保得满分|ok',
    'performance-result-application|结果应用不充分（应用率80%），3分×80%=2.4分，酌情再扣0.4分|ok',
    'performance-result-application|支持提质增效试点园区发展家数“年度目标值10家”，“实际完成值23家”，偏差率130%，扣1分|ok',
    'contract-filing-timeliness|共签订合同25份，其中5份未在2个工作日内备案，扣0.5分|ok',
    'contract-filing-timeliness|部分合同未能在2个工作日内在“广东省政府采购网”备案公开，按时备案率80%，得0.5分|ok',
    'contract-filing-timeliness|未按时备案的合同5份，每份扣0.1分，共扣0.5分|ok',
    'contract-filing-timeliness|未按时备案合同占比50%，得分=1×50%=0.5分|ok',
    'procurement-policy-effectiveness|94%|ok',
    'procurement-policy-effectiveness|政府采购政策功能执行率94%，其中面向中小企业预留份额占比达40%以上|ok',
    'procurement-policy-effectiveness|中小企业采购金额1,234.5万元，占比94%，得0.94分|ok',
    'procurement-policy-effectiveness|采购政策执行率=执行项目数/应执行项目数=47/50=94%，1×94%=0.94|ok',
    'procurement-intent-disclosure-b|采购公开不全，共20个项目，有8个项目未公开采购意向，扣1分|ok',
    'procurement-intent-disclosure-b|采购意向公开率=12/20=60%，按评分标准得0.5分|ok',
    'procurement-intent-disclosure-b|（满分1.5分，公开率100%得满分，每降低10%扣0.25分）公开率60%，扣1分|ok',
    'special-fund-performance.remedy|下一步将强化绩效监控，力争本项得满分|ok',
    'special-fund-performance.remedy|强化项目日常绩效监控，确保下年度支出率达到95%以上|ok',
    'special-fund-spending-rate.remedy|加快支出进度，力争支出率达到100%，得5分|ok',
    'special-fund-spending-rate.remedy|下一步按月通报支出进度，未达序时进度的扣减下年度预算5%|ok',
    'asset-management-compliance.remedy|已对闲置资产再次投入使用，共盘活资产15项，价值23.6万元|ok',
    'asset-management-compliance.remedy|已办理入库手续3项|ok',
    'budget-spending-rate|2022年1-6月执行率40%，7-12月执行率95%，全年平均90%|ok',
    'budget-spending-rate|全年执行率90%，得分=90%×5=4.5|ok',
    'budget-spending-rate|全年执行率90%，得分=90%×5=4.5|rate-score|4.4',
    'budget-spending-rate|全年执行率88%，得分=88%×5=4.4|rate-score',
    'budget-spending-rate|执行率=实际支出/调整后预算=272,748.73/303,054.14=90%|ok',
    'budget-spending-rate|执行率=实际支出/调整后预算=272,748.73/303,054.14=89%|text-arithmetic',
    'overall-output-targets|共10项指标，3项未达标，每项扣0.35分|ok',
    'overall-output-targets|共10项指标，3项未达标，每项扣0.3分|ok',
    'overall-output-targets|3项指标未达标，每项扣0.35分，合计扣1.05分|ok',
    'overall-output-targets|3项指标未达标，每项扣0.3分，合计扣0.9分|deduction-mismatch',
    'overall-output-targets|3项指标未达标，每项扣0.35分，扣1.05分|ok',
    'overall-output-targets|3项指标未达标，扣1.05分（3×0.35=1.05）|ok',
    'overall-output-targets|3项指标未达标，扣1.05分（3×0.35=1.5）|text-arithmetic',
    'overall-output-targets|3项指标未达标，扣1.05分，得8.95分|ok',
    'overall-output-targets|3项指标未达标，扣1.05分，得9.05分|text-score',
    'overall-output-targets|10-1.05=8.95|ok',
    'overall-output-targets|10分-1.05分=8.95分|ok',
    'overall-output-targets|10分-1.05分=8.85分|text-arithmetic',
    'overall-output-targets|10分-1.15分=8.85分|text-arithmetic',
    'contract-filing-timeliness|合同备案及时率50%，1×50%=0.5|ok',
    'contract-filing-timeliness|合同备案及时率50%，1×50%=0.6|text-arithmetic',
    'contract-filing-timeliness|合同备案及时率50%，1×50%=0.5|text-arithmetic|0.6',
    'contract-filing-timeliness|合同备案及时率60%，1×60%=0.6|text-arithmetic',
    'contract-filing-timeliness|10份合同中5份未按时备案，每份扣0.1分|ok',
    'contract-filing-timeliness|10份合同中5份未按时备案，每份扣0.2分|deduction-mismatch',
    'performance-result-application|得分2分|ok',
    'performance-result-application|得分2.5分|text-score',
    'performance-result-application|自评2.0分|ok',
    'performance-result-application|评2分|ok',
    'performance-result-application|评2.5分|text-score',
    'performance-result-application|计2分|ok',
    'performance-result-application|计2.5分|text-score',
    'performance-result-application|最终得分2|ok',
    'performance-result-application|最终得分3|text-score',
    'performance-result-application|得分为2.00|ok',
    'performance-result-application|得分为2.10|text-score',
    'asset-management-compliance|3项资产未办理入库，扣0.1分/项|deduction-mismatch',
    'asset-management-compliance|5项资产未办理入库，扣0.1分/项|ok',
    'asset-management-compliance|资产管理得9.5分，本项个别资产闲置|ok',
    'asset-management-compliance|3项资产未入库，每项扣0.1分，扣0.3分|deduction-mismatch',
    'asset-management-compliance|5项资产未入库，每项扣0.1分，扣0.5分|ok',
    'asset-management-compliance|按照“每项扣0.1分”的标准，5项资产未入库，扣0.5分|ok',
    'overall-outcome-targets|部分指标完成值高于目标值150%，按规定减半得分，本项得9.5分|ok',
    'overall-outcome-targets|部分指标完成值高于目标值150%，按规定减半得分，本项得9分|text-score',
    'overall-outcome-targets|1项指标超150%，扣0.5分，10-0.5=9.5分|ok',
    'overall-outcome-targets|1项指标超150%，扣0.5分，10-0.5=9分|text-arithmetic',
    'overall-outcome-targets|2项指标超150%，各扣0.5分|deduction-mismatch',
    'overall-outcome-targets|2项指标超150%，各扣0.25分|ok',
    'overall-outcome-targets|效益指标完成情况较好，自评9.5分|ok',
    'overall-outcome-targets|效益指标完成情况较好，自评9.0分|text-score',
    'overall-output-targets|“课题研究报告完成数”完成率60%，该指标扣0.4分；其他指标扣0.65分；共扣1.05分，得8.95分|ok',
    'overall-output-targets|“课题研究报告完成数”完成率60%，该指标扣0.4分；其他指标扣0.65分；共扣1.05分，本项得8.85分|text-score',
    'overall-output-targets|“课题研究报告完成数”指标完成率为60%。该指标得0.6分。|ok',
    'overall-output-targets|“课题研究报告完成数”指标完成率为60%。其得分0.6分。|ok',
    'overall-outcome-targets|例如：“新增自主品牌汽车新车型数量”高出指标值250%；“新增集成电路布图设计专有权证书或专利证书数”高出指标值170%。得9.5分|ok',
    'overall-outcome-targets|例如：“新增自主品牌汽车新车型数量”高出指标值250%；“新增集成电路布图设计专有权证书或专利证书数”高出指标值170%。得9分|text-score',
    'overall-output-targets|“课题研究报告完成数”指标完成率为60%。本项得分8.95分。|ok',
    'overall-output-targets|“课题研究报告完成数”指标完成率为60%。本项得分9.5分。|text-score',
    'overall-output-targets|共扣1.15分|deduction-mismatch',
    'overall-output-targets|扣分合计：1.05分|ok',
    'overall-output-targets|本项满分10分，实际得分8.95分|ok',
    'overall-output-targets|本项满分10分，实际得分9.95分|text-score',
    'procurement-intent-disclosure-b|采购公开不全，得0.5分|ok',
    'procurement-intent-disclosure-b|采购公开不全，得1分|text-score',
    'procurement-intent-disclosure-b|采购公开不全，扣1分|ok',
    'procurement-intent-disclosure-b|采购公开不全，扣0.5分|deduction-mismatch',
    'procurement-intent-disclosure-b|20个项目中有8个未公开，每个扣0.125分|ok',
    'procurement-intent-disclosure-b|20个项目中有8个未公开，每个扣0.1分|deduction-mismatch',
    'procurement-intent-disclosure-b|公开率60%，1.5×60%=0.9，因公开不及时再扣0.4分|ok',
    'procurement-intent-disclosure-b|公开率60%，1.5×60%=0.9|text-arithmetic',
    'procurement-intent-disclosure-a|采购意向按时公开，得0.5分|ok',
    'special-fund-spending-rate|支出率92.31%，扣0.38分，得4.62分|ok',
    'special-fund-spending-rate|支出率92.31%，扣0.38分，得4.52分|text-score',
    'special-fund-spending-rate|支出率92.31%，扣0.48分|deduction-mismatch',
    'special-fund-spending-rate|专项资金支出率：92.31%；得分：4.62|ok',
    'special-fund-spending-rate|专项资金支出率：92.31%；得分：4.62|rate-score|4.72',
    'special-fund-spending-rate|支出率为92.31%，按5分×支出率计算，得4.62分|ok',
    'special-fund-spending-rate|5 × 92.31% ＝ 4.62（分）|ok',
    'special-fund-spending-rate|5 × 92.31% ＝ 4.72（分）|text-arithmetic',
    'special-fund-spending-rate|支出进度：178904.23÷193807×100%=92.31%|ok',
    'special-fund-spending-rate|支出进度：178904.23÷193807×100%=93.31%|text-arithmetic',
    'budget-spending-rate|部门预算支出率90%，按照5分×90%计算，得分4.5分|ok',
    'budget-spending-rate|部门预算支出率90%，按照5分×90%计算，得分4.4分|text-score',
    'budget-spending-rate|按月度执行率计算平均执行率为（95%+85%）÷2=90%|ok',
    'budget-spending-rate|平均执行率=(95%+85%)/2=90%|ok',
    'budget-spending-rate|平均执行率=(95%+85%)/2=91%|text-arithmetic',
    'contract-filing-timeliness|合同备案及时性：应备案合同10份，按时备案5份，及时率50%，得0.5分|ok',
    'contract-filing-timeliness|合同备案及时性：应备案合同10份，按时备案5份，及时率50%，得0.6分|text-score',
    'contract-filing-timeliness|及时率=5/10=50%|ok',
    'contract-filing-timeliness|及时率=5/10=60%|text-arithmetic',
    'procurement-policy-effectiveness|政策功能执行率94%，本项得0.94分，专项资金支出率得4.62分|ok',
    'procurement-policy-effectiveness|政策功能执行率94%。得分0.94。|ok',
    'procurement-policy-effectiveness|政策功能执行率94%。得分0.97。|text-score',
    'budget-spending-rate|平均执行率=(95%+85%)/2=90%|ok',
    'budget-spending-rate|平均执行率=(95%+85%)/2=91%|text-arithmetic',
    'budget-spending-rate|平均执行率=（95%+85%）÷2=90%，5×90%=4.5|ok',
    'budget-spending-rate|平均执行率=（95%+85%）÷2=90%，5×90%=4.6|text-arithmetic',
    'performance-result-application|部分项目绩效指标未及时调整，扣1分（3-2=1）|ok',
    'performance-result-application|扣分=(3-2)=1分|ok',
    'performance-result-application|3×(1-1/3)=2|ok',
    'performance-result-application|3×(1-1/3)=2.5|text-arithmetic',
    'special-fund-spending-rate|(178,904.23/193,807)×5=4.62|ok',
    'special-fund-spending-rate|(178,904.23/193,807)×5=4.72|text-arithmetic',
    'procurement-policy-effectiveness|该指标自评得分0.96分|text-score',
    'procurement-policy-effectiveness|此项得0.96分|text-score',
    'procurement-policy-effectiveness|经自评，得分0.96|text-score',
    'procurement-policy-effectiveness|评分结果为0.96分|text-score',
    'procurement-policy-effectiveness|打分0.96|text-score',
    'procurement-policy-effectiveness|最后得分0.96|text-score',
    'procurement-policy-effectiveness|实得分0.96|text-score',
    'procurement-policy-effectiveness|核定得分0.96|text-score',
    'procurement-policy-effectiveness|得分应为0.96|text-score',
    'procurement-policy-effectiveness|评分结果为0.94分|ok',
    'special-fund-spending-rate|5 分 × 92.31 % = 4.62 分|ok',
    'asset-management-compliance|被扣0.3分|deduction-mismatch',
    'asset-management-compliance|扣去0.3分|deduction-mismatch',
    'asset-management-compliance|共扣分0.3分|deduction-mismatch',
    'asset-management-compliance|共扣分0.5分|ok',
    'asset-management-compliance|闲置资产2台×3台=6台|ok',
    'asset-management-compliance|2×3=6|ok',
    'asset-management-compliance|1.2亿元×30%=3600万元，个别资产闲置|ok',
    'asset-management-compliance|75%×2=1.5|ok',
    'asset-management-compliance|75%×2=1.5|text-arithmetic|1.4',
    'special-fund-performance|存在个别指标未完成，扣一分|deduction-mismatch',
    'performance-result-application|部分项目绩效指标未及时调整，扣一分|ok',
    'contract-filing-timeliness|部分合同未按时备案，扣半分|ok',
    'contract-filing-timeliness|部分合同未按时备案，扣一分|deduction-mismatch',
    'budget-spending-rate|执行率90%，扣分=5×(1-90%)=0.5，扣0.5分|ok',
    'budget-spending-rate|执行率90%，扣分=5×(1-90%)=0.6，扣0.5分|text-arithmetic',
    'budget-spending-rate|执行率90%，扣分=5×(1-90%)=0.5，扣0.6分|deduction-mismatch',
    'budget-spending-rate|执行率90%，较100%差100-90%=10%|ok',
    'procurement-policy-effectiveness|政策功能执行率94%（得0.94分，扣0.06分）|ok',
    'procurement-policy-effectiveness|政策功能执行率94%（得0.96分，扣0.04分）|deduction-mismatch',
    'procurement-policy-effectiveness|政策功能执行率94%（满分1分，扣0.06分）|ok',
    'procurement-policy-effectiveness|政策功能执行率94%（满分1分，扣0.04分）|deduction-mismatch',
    'contract-filing-timeliness|（按时备案得满分，逾期扣分）部分合同未按时备案|ok',
    'contract-filing-timeliness|（满分1分，按时备案得满分，每逾期1份扣0.1分）5份合同逾期|ok',
    'contract-filing-timeliness|部分合同未能在2个工作日内在“广东省政府采购网”备案公开，得0.5分|ok',
    'contract-filing-timeliness|部分合同未能在2个工作日内在“广东省政府采购网”备案公开，得0.4分|text-score',
    'contract-filing-timeliness|部分合同未能在2个工作日内在“广东省政府采购网”备案公开。得0.4分|text-score',
    'performance-result-application|部分项目绩效指标未及时调整，如：支持提质增效试点园区发展家数“年度目标值10家”，“实际完成值23家”，得2分|ok',
    'performance-result-application|部分项目绩效指标未及时调整，如：支持提质增效试点园区发展家数“年度目标值10家”，“实际完成值23家”，得2.5分|text-score',
    'overall-outcome-targets|“新增自主品牌汽车新车型数量”高出指标值250%，得0.5分|ok',
    'overall-outcome-targets|“新增自主品牌汽车新车型数量”高出指标值250%。本项得9分|text-score',
    'overall-outcome-targets|“链长制”工作推进中，得9分|text-score',
    'special-fund-performance|存在个别指标未完成，扣0.2分，如虚拟电厂需求响应电力用户数指标值20家，实际完成值17家，得19.5分。|text-score',
    'special-fund-performance|存在个别指标未完成，扣0.2分，如虚拟电厂需求响应电力用户数指标值20家，实际完成值17家，得19.8分。|ok',
    'special-fund-spending-rate|专项资金支出进度=92.31%*5=4.62，得4.32分。|text-score',
    'asset-management-compliance|若干资产处于闲置状态，得1.2分|text-score',
    'asset-management-compliance|下一步将加强管理，力争得满分|ok',
    'overall-output-targets|目标10家，实际完成7家，10-3=7|ok',
    'overall-output-targets|10分-1.05分=8.95分|ok',
    'overall-output-targets|10-1.05=8.85|text-arithmetic',
]


@pytest.mark.parametrize("probe", PROBES)
def test_phrasing_probes(probe, correct_model, definitions):
    import copy

    from evaluator.families.department.checks import run_checks
    from evaluator.families.department.model import Value

    where, text, rule, *score = probe.split("|")
    row_id, _, column = where.partition(".")
    form = copy.deepcopy(correct_model)
    (row,) = [row for row in form.rows if row.indicator and row.indicator.id == row_id]
    cell = row.remedy if column == "remedy" else row.reason
    setattr(row, column or "reason", Value(raw=text, ref=cell.ref))
    if score:
        row.score = Value(raw=score[0], ref=row.score.ref)
    found = [f for f in run_checks(form, definitions.department) if f.rule in PROSE_RULES]
    if rule == "ok":
        assert found == []
    else:
        (finding,) = found
        assert finding.rule == rule
        assert int("".join(ch for ch in finding.cell if ch.isdigit())) == row.score.ref.row


@pytest.mark.parametrize(("text", "measured"), [
    ("新建10×0.5=5公里示范路段", True),      # a length: no unit the reader knows, still not a score
    ("3×40=120亩", True),
    ("92.31%*5=4.62", False),
    ("92.31%×5=4.62，扣0.38分", False),
    ("5×92.31%=4.62分", False),               # 分 is a unit: the score itself
    ("5×92.31%=4.62即为得分", False),
])
def test_a_result_followed_by_a_measure_word_counts_something(text, measured):
    (statement, *_) = statements(text)
    assert statement.measured is measured
