"""The documentation stays true: the generated rule table, the README's first screen, its links,
screenshots and quick start, and the CI script running the README's test command."""

import re
from pathlib import Path

from evaluator.cli import rules_table

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
RULES = ROOT / "docs" / "rules.md"
_CJK = re.compile(r"[\u4e00-\u9fff]")


def test_rule_table_is_current():
    assert rules_table() in RULES.read_text("utf-8"), "regenerate it with: evaluator rules --markdown"


def test_the_readme_opens_in_chinese():
    first_screen = "\n".join(README.read_text("utf-8").splitlines()[:25])
    prose = re.sub(r"```.*?```|<[^>]+>|`[^`]*`|\]\([^)]*\)", " ", first_screen, flags=re.S)   # words, not code
    letters = [ch for ch in prose if ch.isalpha()]
    chinese = sum(1 for ch in letters if _CJK.match(ch))
    assert chinese > len(letters) / 2, "the README's first screen is for its Chinese users"
    assert "Python ≥ 3.11" in first_screen and "虚拟环境" in first_screen
    pictures = re.findall(r'<img src="([^"]+)"|!\[[^\]]*\]\(([^)]+)\)', first_screen)
    assert len(pictures) >= 2, "the first screen shows what the tool produces"
    for picture in pictures:
        assert (ROOT / (picture[0] or picture[1])).is_file()


def test_every_link_and_screenshot_of_the_readme_exists():
    text = README.read_text("utf-8")
    images = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", text) + re.findall(r'<img src="([^"]+)"', text)
    assert len(images) >= 2
    for target in re.findall(r"\]\(([^)#]+)\)", text) + re.findall(r'href="([^"#:]+)"', text):
        if not target.startswith(("http:", "https:")):
            assert (ROOT / target).is_file(), target
    for image in images:
        assert (ROOT / image).stat().st_size > 10_000, image   # a picture, not a placeholder


def test_the_quick_start_is_two_commands_and_ci_runs_the_second():
    text = README.read_text("utf-8")
    block = re.search(r"## 快速开始.*?```sh\n(.*?)```", text, re.S).group(1)
    commands = [line for line in block.splitlines() if line.strip()]
    assert len(commands) == 2
    assert "evaluator check sample_workbooks/" in commands[0] and "python3 -m venv" in commands[0]
    test_command = commands[1].split("&& ", 2)[-1]   # after making and entering the environment
    assert test_command == "pip install '.[test]' && python -m pytest"
    assert test_command in (ROOT / ".ci" / "run").read_text("utf-8")


def test_every_link_between_the_docs_exists():
    for page in (ROOT / "docs").glob("*.md"):
        for target in re.findall(r"\]\(([^)#:]+\.(?:md|png))\)", page.read_text("utf-8")):
            assert (page.parent / target).is_file(), (page.name, target)
