"""Build the sample workbooks of sample_workbooks/ from the seed form's data.

    python tests/sample_sources/build_samples.py [OUT_DIR]

writes, into OUT_DIR (default: this folder):

* ``2022-广州市工业和信息化局.xlsx`` — the seed form as published;
* ``correct-form.xlsx`` — the seed with its one inconsistency fixed (the 专项资金绩效完成情况 text
  says 扣0.2分, matching 20 − 19.8): every check should pass on it;
* one ``planted-*.xlsx`` per entry of :data:`PLANTED`, each the correct form with exactly one error;
* ``project-<edition>.xlsx``, a correct 项目支出绩效自评表 of each shipped edition (national, ab,
  sichuan, yunnan, hubei; data in ``forms/project-*.yaml``): every check passes on each;
* one ``project-planted-*.xlsx`` per entry of :data:`PROJECT_PLANTED`, each a correct project form
  with exactly one error.

The output is deterministic: rebuilding gives byte-identical files.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent       # tests/sample_sources: the data the samples are built from
REPO = HERE.parent.parent
SAMPLES = REPO / "sample_workbooks"          # where the samples go: workbooks only
for _path in (REPO, REPO / "tests"):  # run as a script from anywhere; the form builder is test support
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))

from formbuilder import apply_edits, build_form, load_yaml  # noqa: E402
from projectbuilder import apply_project_edits, build_project, load_project  # noqa: E402

CATALOG = REPO / "evaluator" / "families" / "department" / "editions" / "guangzhou-department-2022.yaml"
SEED_FORM = HERE / "forms" / "gz-industry-2022.yaml"

#: Edits that turn the seed into a fully consistent form.
CORRECT_EDITS: dict[str, Any] = {
    "rows.special-fund-performance.reason":
        "存在个别指标未完成，扣0.2分，如虚拟电厂需求响应电力用户数指标值20家，实际完成值17家。",
}

#: Planted-error samples: file name → edits applied to the correct form. Each plants exactly one
#: error; where a score changes, the declared total changes with it (and stays in the 优 band).
PLANTED: dict[str, dict[str, Any]] = {
    # 92.31% × 5 = 4.62, but 4.52 is declared.
    "planted-rate-score.xlsx": {"rows.special-fund-spending-rate.score": "4.52", "total": "94.21"},
    # Σ 得分 = 94.31, but 95.31 is declared.
    "planted-total-mismatch.xlsx": {"total": "95.31"},
    # 94.31 is 优, but 良 is ticked.
    "planted-grade-mismatch.xlsx": {"grade": "良"},
    # 总预算 ≠ 基本支出 + 项目支出 + 专项资金 + 其他事业发展支出 (off by 27.00).
    "planted-budget-sum.xlsx": {"budget.基本支出": "14252.14"},
    # A row below full score without its 改进措施.
    "planted-missing-explanation.xlsx": {"rows.asset-management-compliance.remedy": None},
    # 得分 2.5 above its 分值 2.
    "planted-score-out-of-range.xlsx": {"rows.asset-allocation-compliance.score": "2.5", "total": "94.81"},
    # The arithmetic written in the text is wrong (92.31% × 5 = 4.62); the score is right.
    "planted-text-arithmetic.xlsx": {"rows.special-fund-spending-rate.reason": "专项资金支出进度=92.31%*5=4.65"},
}


#: The project samples, one per shipped edition: data file stem → file name.
PROJECT_EDITIONS = ("project-national", "project-ab", "project-sichuan", "project-yunnan", "project-hubei")

#: Planted-error project samples: file name → (base sample, edits). Each plants exactly one error
#: (where a score changes, the declared 总分 changes with it).
PROJECT_PLANTED: dict[str, tuple[str, dict[str, Any]]] = {
    # 138.6 / 150 × 10 = 9.24, but 9.5 is declared.
    "project-planted-rate-score.xlsx": ("project-national", {"funds.total.score": "9.5", "total.score": "98.7"}),
    # 138.6 / 150 = 92.40%, but 94.20% is printed (the 得分 9.24 is right).
    "project-planted-execution-rate.xlsx": ("project-national", {"funds.total.rate": "94.20%"}),
    # 年初预算数: 年度资金总额 120 ≠ 110 + 0 + 0.
    "project-planted-budget-sum.xlsx": ("project-national", {"funds.fiscal.initial": "110"}),
    # 46 / 50 × 10 = 9.2, but 9.5 is declared (with its 偏差原因).
    "project-planted-target-score.xlsx": ("project-national", {"indicators.b2.score": "9.5", "total.score": "98.74"}),
    # 9.24 + 89.2 = 98.44, but 97.44 is declared.
    "project-planted-total-mismatch.xlsx": ("project-national", {"total.score": "97.44"}),
    # The 分值 add up to 100, but the 总分 row prints 105.
    "project-planted-weight-sum.xlsx": ("project-national", {"total.weight": "105"}),
    # b2 misses its target and loses 0.8, and its 偏差原因 is empty.
    "project-planted-missing-explanation.xlsx": ("project-national", {"indicators.b2.reason": None}),
    # Yunnan prints a grade: 99.68 is 优, but 良 is printed.
    "project-planted-grade-mismatch.xlsx": ("project-yunnan", {"grade": "良"}),
}


def main(out_dir: str | Path | None = None) -> list[Path]:
    """Write every sample into ``out_dir`` (default: sample_workbooks/); return the paths written."""
    target = Path(out_dir) if out_dir is not None else SAMPLES
    target.mkdir(parents=True, exist_ok=True)
    catalog = load_yaml(CATALOG)
    seed = load_yaml(SEED_FORM)
    correct = apply_edits(seed, CORRECT_EDITS)

    samples: dict[str, dict[str, Any]] = {
        f"{seed['year']}-{seed['department']}.xlsx": seed,
        "correct-form.xlsx": correct,
    }
    samples.update({name: apply_edits(correct, edits) for name, edits in PLANTED.items()})

    written = []
    for name, data in samples.items():
        path = target / name
        build_form(catalog, data, path=path)
        written.append(path)
    for name in PROJECT_EDITIONS:
        path = target / f"{name}.xlsx"
        build_project(load_project(name), path=path)
        written.append(path)
    for name, (base, edits) in PROJECT_PLANTED.items():
        path = target / name
        build_project(apply_project_edits(load_project(base), edits), path=path)
        written.append(path)
    return written


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir", nargs="?", help="folder to write into (default: sample_workbooks/)")
    arguments = parser.parse_args()
    for written_path in main(arguments.out_dir):
        print(written_path.relative_to(REPO) if written_path.is_relative_to(REPO) else written_path)
