"""Reading one member of an untrusted zip (KMZ) without letting it exhaust memory.

A hostile archive can lie about sizes, hide members behind ``../`` or drive letters, or
be encrypted; zipfile raises a zoo of exception types on damaged ones. These helpers turn
all of that into :class:`ReadError` and count every decompressed byte against a limit,
because the size a zip header states is only a claim.

Shared by the KMZ reader and :mod:`.acmi_container`; each picks its member its own way (an
ACMI zip must hold exactly one, a KMZ may also carry icons and overlays).
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from .errors import ReadError
from .limits import bomb_limit, check_objects, size_text

#: Bytes read (and fed onwards) at a time.
CHUNK_BYTES = 1 << 20
_DRIVE = re.compile(r"^[A-Za-z]:")
#: What zipfile may raise on a damaged archive, besides BadZipFile.
ZIP_ERRORS = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    zlib.error,
    EOFError,
    OSError,
    ValueError,
    NotImplementedError,
    RuntimeError,
    IndexError,
    KeyError,
    OverflowError,
)


def limit_text(limit: int) -> str:
    """A byte limit as people read it."""
    return size_text(limit) if limit >= 1024**2 else f"{limit} bytes"


def unsafe_name(name: str) -> bool:
    """True for member names that point outside the archive or cannot be a file name."""
    pieces = re.split(r"[\\/]", name)
    return (
        name.startswith(("/", "\\"))
        or bool(_DRIVE.match(name))
        or ".." in pieces
        or ("\x00" in name)
    )


def check_member(path: Path, info: zipfile.ZipInfo, limit: int) -> None:
    """ReadError unless ``info`` is a plain, unencrypted member of plausible size."""
    name = info.filename
    if unsafe_name(name):
        raise ReadError(path, f"zip member has an unsafe path {name!r}")
    if info.flag_bits & 0x1:
        raise ReadError(path, f"zip member {name!r} is encrypted; decrypt it first")
    if info.file_size > limit:
        raise ReadError(
            path,
            f"zip member {name!r} unpacks to {info.file_size} bytes, over the "
            f"{limit_text(limit)} limit",
        )
    if info.file_size > bomb_limit(info.compress_size):
        raise ReadError(
            path,
            f"zip member {name!r} unpacks to {size_text(info.file_size)} from "
            f"{size_text(info.compress_size)}: refused as a decompression bomb",
        )


def open_zip(path: Path) -> zipfile.ZipFile:
    """The archive at ``path``; ReadError when it is not a readable zip."""
    try:
        return zipfile.ZipFile(path)
    except ZIP_ERRORS as exc:
        raise ReadError(path, f"not a readable zip archive ({exc})") from None


class Inflation:
    """Counts decompressed bytes against a size limit and a bomb ratio, as they come.

    ``compressed`` is the size of the compressed input (None for plain text, which only
    the size limit bounds). Both checks run on every chunk, so a bomb is refused after
    at most :data:`~.limits.BOMB_FLOOR` or ``BOMB_RATIO`` × its size, never fully inflated.
    """

    def __init__(
        self,
        path: Path,
        limit: int,
        what: str,
        compressed: int | None = None,
        count_rows: bool = False,
    ) -> None:
        self.path = path
        self.count_rows = count_rows  # one sample per line: check the budget as they come
        self.rows = 0
        self.limit = limit
        self.what = what
        self.bomb = bomb_limit(compressed) if compressed is not None else None
        self.compressed = compressed
        self.total = 0

    def add(self, n: int) -> None:
        """Count ``n`` more bytes; ReadError once a limit is passed."""
        self.total += n
        if self.total > self.limit:
            raise ReadError(self.path, f"{self.what} exceeds the {limit_text(self.limit)} limit")
        if self.bomb is not None and self.total > self.bomb:
            raise ReadError(
                self.path,
                f"{self.what} inflates to over {size_text(self.total)} from "
                f"{size_text(self.compressed or 0)} compressed: refused as a decompression bomb",
            )


class BoundedReader(io.RawIOBase):
    """A read-only file over ``raw`` that raises ReadError past the :class:`Inflation` limits.

    For parsers that want a file object rather than chunks (Arrow, pandas, TextIOWrapper).
    With ``quiet`` a refusal ends the stream instead (EOF) and is kept in ``refused`` for
    the caller to raise once the parser has returned: Arrow reads ahead on its own thread,
    and an exception raised there leaves that thread to abort the process at exit.
    """

    def __init__(self, raw: BinaryIO, inflation: Inflation, quiet: bool = False) -> None:
        super().__init__()
        self._raw = raw
        self._count = inflation
        self._quiet = quiet
        self.refused: Exception | None = None

    def raise_refused(self) -> None:
        """Raise the refusal a quiet reader kept, if any."""
        if self.refused is not None:
            raise self.refused

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[override]
        if self.refused is not None:
            return 0
        if not self._quiet:
            return self._readinto(buffer)
        try:
            return self._readinto(buffer)
        except Exception as exc:  # ReadError, OverBudget: kept for the caller
            self.refused = exc
            return 0

    def _readinto(self, buffer) -> int:
        try:
            data = self._raw.read(len(buffer))
        except ZIP_ERRORS as exc:
            raise ReadError(
                self._count.path, f"corrupt or truncated {self._count.what} ({exc})"
            ) from None
        n = len(data)
        self._count.add(n)
        if self._count.count_rows:
            self._count.rows += data.count(b"\n")
            check_objects(self._count.path, 0, self._count.rows)
        buffer[:n] = data
        return n

    def close(self) -> None:
        self._raw.close()
        super().close()


def bounded_chunks(
    path: Path, raw: BinaryIO, limit: int, what: str = "data", compressed: int | None = None
) -> Iterator[bytes]:
    """Chunks of ``raw`` until EOF; ReadError past ``limit`` bytes, when a compressed stream
    of ``compressed`` bytes inflates like a bomb, or on corrupt data.

    Works for plain files, gzip streams and zip members alike, so every container is held
    to the same limits however its headers describe it.
    """
    count = Inflation(path, limit, what, compressed)
    while True:
        try:
            chunk = raw.read(CHUNK_BYTES)
        except ZIP_ERRORS as exc:
            raise ReadError(path, f"corrupt or truncated {what} ({exc})") from None
        if not chunk:
            return
        count.add(len(chunk))
        yield chunk
