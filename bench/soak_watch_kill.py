"""Soak: kill `evaluator watch --archive` many times at random moments; every file answered once?

    python bench/soak_watch_kill.py [--rounds 10] [--drops 40] [--kills 8] [--seed N]

Each round (tests/watchkill.py) drops DROPS workbooks while the watcher is killed with SIGKILL KILLS
times and restarted, then checks that the inbox is empty, the archive holds each file once, and
report.json answers each file once. Prints one line per round (seed, kill times, answered, seconds)
and exits 1 when any round lost or doubled a file. The suite runs a short version of this
(tests/test_watch_kill.py).
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from watchkill import run_round  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--drops", type=int, default=40)
    parser.add_argument("--kills", type=int, default=8)
    parser.add_argument("--seed", type=int, default=None)
    arguments = parser.parse_args()
    base = arguments.seed if arguments.seed is not None else random.SystemRandom().randrange(2**31)
    failed = 0
    answered = dropped = kills = 0
    for turn in range(arguments.rounds):
        seed = base + turn
        with tempfile.TemporaryDirectory(prefix="soak-watch-kill-") as folder:
            result = run_round(Path(folder), seed, drops=arguments.drops, kills=arguments.kills,
                               limit=60.0 + 3.0 * arguments.drops)
        answered += result.answered
        dropped += result.drops
        kills += len(result.killed_at)
        verdict = "ok" if not result.problems else "LOST OR DOUBLED"
        print(f"seed {seed}: {verdict}, {result.answered}/{result.drops} answered, killed at {result.killed_at} s, "
              f"{result.seconds:.1f} s", flush=True)
        for problem in result.problems:
            print("   ", problem, flush=True)
        failed += bool(result.problems)
    print(f"{arguments.rounds - failed}/{arguments.rounds} rounds clean; {answered}/{dropped} files answered once "
          f"across {kills} kills")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
