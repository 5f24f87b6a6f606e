"""Bad records tallied by kind: one warning per kind, with its count and first example.

A file with ten thousand points missing a time should say so once, pointing at the first
of them, not ten thousand times and not never.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..model.trackset import DataWarning
from .errors import ReadError

_SHOW = 100  # characters of an example quoted in a warning


def short(text: str) -> str:
    """One line of at most a hundred characters, for quoting in a message."""
    text = " ".join(str(text).split())
    return text if len(text) <= _SHOW else text[: _SHOW - 1] + "…"


@dataclass
class _Kind:
    count: int
    line: int | None
    example: str


class Issues:
    """Warnings being collected for one file, merged by message."""

    def __init__(self, source: str) -> None:
        self.source = source
        self._kinds: dict[str, _Kind] = {}

    def add(self, message: str, line: int | None = None, example: str = "", count: int = 1) -> None:
        """Count ``count`` more records of kind ``message``; the first example is kept."""
        if count <= 0:
            return
        kind = self._kinds.get(message)
        if kind is None:
            self._kinds[message] = _Kind(count, line, example)
        else:
            kind.count += count

    def add_mask(
        self,
        message: str,
        bad: np.ndarray,
        lines: np.ndarray | None,
        example_of: Callable[[int], str],
    ) -> None:
        """Count the records where ``bad`` holds; the first one is the example.

        ``example_of(i)`` quotes record ``i``; it is called once, for the first bad record.
        ``lines`` (per record) is None for formats without meaningful line numbers.
        """
        n = int(np.count_nonzero(bad))
        if n:
            i = int(np.argmax(bad))
            self.add(message, int(lines[i]) if lines is not None else None, example_of(i), n)

    def nothing_left(self, path: Path, lead: str, otherwise: str) -> ReadError:
        """The error for a file none of whose records survived.

        The first kind of problem met, quoted with its example and line, is most likely what
        is wrong with the whole file; ``otherwise`` is for a file that had no records at all.
        """
        for message, kind in self._kinds.items():
            return ReadError(path, f"{lead}: {message} (e.g. {kind.example!r})", line=kind.line)
        return ReadError(path, otherwise)

    def warnings(self) -> list[DataWarning]:
        out = []
        for message, kind in self._kinds.items():
            example = f", e.g. {short(kind.example)!r}" if kind.example else ""
            out.append(DataWarning(self.source, message + example, kind.line, kind.count))
        return out
