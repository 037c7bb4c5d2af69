"""Rules every family shares: about the file rather than any one form.

A file that cannot be read, a workbook in which no form is found, a sheet too large to read and an
extension that lies about the content are reported the same whatever form the file was meant to
hold. Each rule is a module with a ``RULE``; the engine emits them itself, so none has a ``check``.
"""

from __future__ import annotations

from evaluator.checks import form_not_found, form_unsupported, sheet_skipped, unreadable, wrong_extension

MODULES = (form_not_found, form_unsupported, unreadable, sheet_skipped, wrong_extension)

FORM_NOT_FOUND = form_not_found.RULE
FORM_UNSUPPORTED = form_unsupported.RULE
UNREADABLE = unreadable.RULE
SHEET_SKIPPED = sheet_skipped.RULE
WRONG_EXTENSION = wrong_extension.RULE
