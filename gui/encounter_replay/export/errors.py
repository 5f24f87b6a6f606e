"""The one error type of the export layer, so callers catch one thing."""

from __future__ import annotations


class ExportError(Exception):
    """An export that cannot be done: ``str(err)`` is the one line shown to the user.

    Raised for things the user can fix (a bad size, an unwritable path, a missing optional
    extra); a traceback from the export layer would mean a bug.
    """


class ExportCancelled(ExportError):
    """The user cancelled an export in progress; any partial output has been removed."""

    def __init__(self, message: str = "export cancelled") -> None:
        super().__init__(message)
