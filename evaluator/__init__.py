"""evaluator: checks Chinese public-budget performance self-evaluation workbooks (绩效自评表).

For notebooks and scripts: ``evaluator.check(*paths, **options)`` returns a report with ``.forms``,
``findings_frame()``, ``forms_frame()`` and ``.write(out_dir)`` (see :mod:`evaluator.api`).
Importing this package is light: nothing is read or imported until ``check`` is called.
"""

__version__ = "0.1.0"


def check(*paths, **options):
    """Check the workbooks at ``paths``; see :func:`evaluator.api.check`."""
    from evaluator.api import check as _check

    return _check(*paths, **options)


__all__ = ["check", "__version__"]
