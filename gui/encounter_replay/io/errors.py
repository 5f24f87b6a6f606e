"""The one error every reader raises for input it cannot use."""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ..model.text import printable

#: Longest error message shown whole (a quoted line may follow the explanation).
_MESSAGE_CHARS = 400


class ReadError(Exception):
    """Unreadable input: names the file, the line (or record) and the cause in plain words.

    ``str(err)`` is the one-line message the CLI prints and the window shows. Path and
    message are made printable there: both may quote bytes from a hostile file.
    """

    def __init__(self, path: str | Path, message: str, line: int | None = None) -> None:
        self.path = str(path)
        self.line = line
        self.message = message
        super().__init__(str(self))

    def __str__(self) -> str:
        where = printable(self.path) + (f":{self.line}" if self.line is not None else "")
        return f"{where}: {printable(self.message, _MESSAGE_CHARS)}"


@contextmanager
def as_read_error(path: Path, what: str) -> Iterator[None]:
    """Whatever a reader's body raises leaves as one :class:`ReadError` naming ``path``.

    The promise to the user is one clear message, never a traceback: a parser bug or a
    library's surprise exception still names the file and the format (``what``).
    """
    try:
        yield
    except ReadError:
        raise
    except MemoryError:
        raise ReadError(path, "file too large to load into memory") from None
    except (OSError, EOFError, zlib.error) as exc:
        reason = getattr(exc, "strerror", None) or exc
        raise ReadError(path, f"cannot read: {reason}") from None
    except Exception as exc:
        raise ReadError(
            path, f"internal error while reading {what} ({type(exc).__name__}: {exc})"
        ) from None
