"""Is reading figures in prose linear in the text's length? A 32,767-character cell (Excel's most)
of adversarial text, read by every text reader, and checked end to end.

    python bench/textmath_linear.py

For each text (``1+1+…``, ``1×1×…`` with no result, ``1=1=…``, ``得分1，…``, ``扣1分，…``, …) at 4,096,
8,192, 16,384 and 32,767 characters, prints the seconds the readers take together; linear means the
time doubles with the length, not quadruples. Then, side by side in this run, the chain search the
readers used before (the whole chain's expression's ``finditer``, which tries a chain from every position) on ``1+1+…`` at
4,096 and 8,192 characters, and finally ``evaluator check`` on a form whose explanation cell holds
32,767 characters of ``1+1+…`` (wall-clock seconds, start-up included). The machine may be
loaded: compare the figures of one run with each other.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from evaluator.values import textmath  # noqa: E402

sys.path.insert(0, str(REPO / "tests"))
from test_text_linear import CHAIN  # noqa: E402  (the whole chain's one expression, read before)

TEXTS = {
    "1+1+…": "1+",
    "1×1×…": "1×",
    "1=1=…": "1=",
    "(((1": "(",
    "得分1，…": "得分1，",
    "扣1分，…": "扣1分，",
    "每项扣0.1分，…": "每项扣0.1分，",
    "支出1万元，…": "支出1万元，",
}
LENGTHS = (4096, 8192, 16384, 32767)


def text_of(unit: str, length: int) -> str:
    return (unit * (length // len(unit) + 1))[:length - 1] + "1"


def read_all(text: str) -> float:
    textmath._statements.cache_clear()
    textmath.fold.cache_clear()
    started = time.perf_counter()
    textmath.statements(text)
    textmath.find_rate(text)
    textmath.stated_scores(text)
    textmath.stated_deductions(text)
    textmath.claimed_deduction(text)
    return time.perf_counter() - started


def main() -> int:
    print("seconds for every text reader on one text (the machine may be loaded)")
    print(f"{'text':<16}" + "".join(f"{length:>10}" for length in LENGTHS))
    worst = 0.0
    for name, unit in TEXTS.items():
        times = [read_all(text_of(unit, length)) for length in LENGTHS]
        worst = max(worst, times[-1])
        print(f"{name:<16}" + "".join(f"{seconds:>10.3f}" for seconds in times))
    print(f"slowest at 32,767 characters: {worst:.3f} s")

    print("\nside by side: the chain search before (every position) and now (every run)")
    for length in (4096, 8192):
        text = textmath.fold(text_of("1+", length))
        started = time.perf_counter()
        list(CHAIN.finditer(text))
        before = time.perf_counter() - started
        started = time.perf_counter()
        list(textmath._chains(text))
        now = time.perf_counter() - started
        print(f"1+1+… {length:>6} characters: before {before:.3f} s, now {now:.4f} s ({before / max(now, 1e-9):.0f}×)")

    from openpyxl import load_workbook

    with tempfile.TemporaryDirectory() as folder:
        form = Path(folder) / "long-explanation.xlsx"
        workbook = load_workbook(REPO / "sample_workbooks" / "correct-form.xlsx")
        workbook.active["H13"] = text_of("1+", 32767)
        workbook.save(form)
        started = time.perf_counter()
        result = subprocess.run([sys.executable, "-m", "evaluator", "check", str(form), "--format", "json"],
                                cwd=REPO, capture_output=True)
        print(f"\nevaluator check, a 32,767-character explanation: exit {result.returncode}, "
              f"{time.perf_counter() - started:.2f} s wall (start-up included)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
