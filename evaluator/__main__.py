"""The ``evaluator`` command (``python -m evaluator`` and the console script).

Before the command line is imported, the record classes are told to reuse the code compiled in
earlier runs (:func:`evaluator.cache.remember_generated_code`): a one-file check starts faster. A
program that imports :mod:`evaluator` or :mod:`evaluator.cli` itself is left as it is.
"""

from __future__ import annotations


def main(args: list[str] | None = None) -> None:
    """Run the command with ``args`` (the process's arguments when ``None``)."""
    from evaluator.cache import remember_generated_code

    remember_generated_code()
    from evaluator.cli import main as command

    command(args)


if __name__ == "__main__":
    main()
