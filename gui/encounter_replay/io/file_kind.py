"""What a path names before any reader opens it: a recording, or something to explain.

``Path.exists`` folds a symlink loop, a permission error and a dangling link into "no such
file", and a FIFO, ``/dev/zero`` or process substitution into "file is empty" — all wrong
answers. Here each gets its own words. Pipes and ``-`` (standard input) are read as
streams: copied, within the text limit, to a private temporary file the readers can seek,
after their first bytes show text; devices and sockets are refused as not regular files.
"""

from __future__ import annotations

import contextlib
import dataclasses
import errno
import os
import stat
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from ..model import TrackSet
from .errors import ReadError
from .limits import text_limit
from .zip_safety import bounded_chunks

#: How the user names standard input.
STDIN = "-"
#: Bytes of a stream judged before the rest is copied: text has line breaks and no NULs.
_JUDGE_BYTES = 64 * 1024

_NOT_REGULAR = {
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
    stat.S_IFSOCK: "a socket",
}


def check_path(path: Path) -> bool:
    """ReadError with the precise reason when ``path`` cannot be read as a recording.

    Returns True for a stream (FIFO, process substitution) that must be spooled first.
    """
    try:
        st = os.stat(path)
    except FileNotFoundError:
        if os.path.islink(path):
            raise ReadError(path, "symbolic link to a file that does not exist") from None
        raise ReadError(path, "no such file") from None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise ReadError(path, "symbolic link loop (the link points back to itself)") from None
        if exc.errno == errno.EACCES:
            raise ReadError(path, "permission denied (cannot reach the file)") from None
        raise ReadError(path, f"cannot open: {exc.strerror or exc}") from None
    mode = st.st_mode
    if stat.S_ISDIR(mode):
        raise ReadError(path, "is a directory, not a recording")
    if stat.S_IFMT(mode) in _NOT_REGULAR:
        what = _NOT_REGULAR[stat.S_IFMT(mode)]
        raise ReadError(
            path,
            f"not a regular file ({what}); to read a stream, pipe it in: "
            "encounter-replay info - < FILE",
        )
    if not os.access(path, os.R_OK):
        raise ReadError(path, "permission denied (file is not readable)")
    return stat.S_ISFIFO(mode)


@contextlib.contextmanager
def spooled(label: str, source: BinaryIO) -> Iterator[Path]:
    """A temporary copy of the stream ``source`` (named ``label`` in messages).

    The first bytes must look like text (a line break, no NUL bytes) so ``/dev/zero`` piped
    in is refused at once; the rest is copied within the text limit.
    """
    limit = text_limit("acmi")
    with tempfile.TemporaryDirectory(prefix="encounter-replay-stdin-") as tmp:
        # The stream's own name (a FIFO's) keeps its extension for the format sniffer.
        copy = Path(tmp) / (Path(label).name if label != "<stdin>" else "stream")
        chunks = bounded_chunks(Path(label), source, limit, "stream")
        with open(copy, "wb") as out:
            head = b""
            for chunk in chunks:
                out.write(chunk)
                if len(head) < _JUDGE_BYTES:
                    head += chunk[: _JUDGE_BYTES - len(head)]
                    _judge(label, head, final=len(head) >= _JUDGE_BYTES)
            _judge(label, head, final=True)
        yield copy


def _judge(label: str, head: bytes, final: bool) -> None:
    if b"\x00" in head:
        raise ReadError(label, "binary data (NUL bytes) on the stream, not a text recording")
    if final and not head.strip():
        raise ReadError(label, "the stream is empty")
    if final and len(head) >= _JUDGE_BYTES and b"\n" not in head and b"\r" not in head:
        raise ReadError(
            label, f"no line break in the first {_JUDGE_BYTES // 1024} KiB of the stream"
        )


def relabel(ts: TrackSet, copy: Path, label: str) -> TrackSet:
    """``ts`` read from the temporary ``copy`` of a stream, with ``label`` as its source."""
    old = str(copy)
    if "source" in ts.meta.columns:
        ts.meta["source"] = [label if s == old else s for s in ts.meta["source"]]
    if len(ts.events) and "source" in ts.events.columns:
        ts.events["source"] = [label if s == old else s for s in ts.events["source"]]
    ts.warnings[:] = [
        dataclasses.replace(w, source=label) if w.source == old else w for w in ts.warnings
    ]
    if ts.title == copy.name:
        ts.title = label
    return ts


def stdin_stream() -> BinaryIO:
    """Standard input as bytes."""
    return sys.stdin.buffer
