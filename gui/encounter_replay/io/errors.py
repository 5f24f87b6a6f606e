"""The one error every reader raises for input it cannot use."""

from __future__ import annotations

from pathlib import Path


class ReadError(Exception):
    """Unreadable input: names the file, the line (or record) and the cause in plain words.

    ``str(err)`` is the one-line message the CLI prints and the window shows.
    """

    def __init__(self, path: str | Path, message: str, line: int | None = None) -> None:
        self.path = str(path)
        self.line = line
        self.message = message
        super().__init__(str(self))

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line is not None else self.path
        return f"{where}: {self.message}"
