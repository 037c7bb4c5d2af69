"""Arithmetic, rates and deductions read from the text cells."""

from decimal import Decimal

from evaluator.values.textmath import find_rate, stated_deductions, statements


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


def test_the_three_rate_styles_of_the_seed():
    assert find_rate("专项资金支出进度=92.31%*5=4.62", Decimal(5))[0] == Decimal("0.9231")
    assert find_rate("因为疫情原因，按月度一般公共预算支出执行率计算平均执行率为90%，按比例计分。", Decimal(5))[0] == Decimal("0.9")
    assert find_rate("94%", Decimal(1))[0] == Decimal("0.94")


def test_ambiguous_rate_is_undecided():
    assert find_rate("上半年完成40%，下半年完成95%", Decimal(5)) is None
    assert find_rate("无", Decimal(5)) is None


def test_deductions():
    assert [amount for amount, _ in stated_deductions("存在个别指标未完成，扣1分，如…")] == [Decimal(1)]
    assert stated_deductions("每项扣0.5分") == []
    assert [amount for amount, _ in stated_deductions("扣０．５分；另扣除0.5分")] == [Decimal("0.5"), Decimal("0.5")]
