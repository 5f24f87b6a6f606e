"""Reading one member of an untrusted zip (KMZ) without letting it exhaust memory.

A hostile archive can lie about sizes, hide members behind ``../`` or drive letters, or
be encrypted; zipfile raises a zoo of exception types on damaged ones. These helpers turn
all of that into :class:`ReadError` and count every decompressed byte against a limit,
because the size a zip header states is only a claim.

Shared by the KMZ reader and :mod:`.acmi_container`; each picks its member its own way (an
ACMI zip must hold exactly one, a KMZ may also carry icons and overlays).
"""

from __future__ import annotations

import re
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from .errors import ReadError

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
    return f"{limit / 1024**2:.0f} MiB" if limit >= 1024**2 else f"{limit} bytes"


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


def open_zip(path: Path) -> zipfile.ZipFile:
    """The archive at ``path``; ReadError when it is not a readable zip."""
    try:
        return zipfile.ZipFile(path)
    except ZIP_ERRORS as exc:
        raise ReadError(path, f"not a readable zip archive ({exc})") from None


def bounded_chunks(path: Path, raw: BinaryIO, limit: int, what: str = "data") -> Iterator[bytes]:
    """Chunks of ``raw`` until EOF; ReadError past ``limit`` bytes or on corrupt data.

    Works for plain files, gzip streams and zip members alike, so every container is held
    to the same limit however its headers describe it.
    """
    total = 0
    while True:
        try:
            chunk = raw.read(CHUNK_BYTES)
        except ZIP_ERRORS as exc:
            raise ReadError(path, f"corrupt or truncated {what} ({exc})") from None
        if not chunk:
            return
        total += len(chunk)
        if total > limit:
            raise ReadError(path, f"{what} exceeds the {limit_text(limit)} limit")
        yield chunk
