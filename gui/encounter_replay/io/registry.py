"""Pick a reader by extension and by sniffing content; merge several files into one scene."""

from __future__ import annotations

import gzip
from collections.abc import Callable
from pathlib import Path

from ..model import TrackSet, concat
from ..model.quality import quality_warnings
from .errors import ReadError
from .options import ReadOptions

Reader = Callable[[Path, ReadOptions], TrackSet]

#: Largest file we will read (after decompression), to bound memory on hostile input.
MAX_BYTES = 2 * 1024**3


def _head(path: Path, n: int = 4096) -> bytes:
    with open(path, "rb") as fh:
        head = fh.read(n)
    if head[:2] == b"\x1f\x8b":
        try:
            with gzip.open(path, "rb") as fh:
                head = fh.read(n)
        except (OSError, EOFError) as exc:
            raise ReadError(path, f"not a readable gzip file ({exc})") from None
    return head


def sniff(path: Path) -> str:
    """Name of the format of ``path``: 'acmi', 'csv'…; ReadError when nothing fits."""
    name = path.name.lower()
    if name.endswith(".gz"):
        name = name[:-3]
    head = _head(path)
    if head[:2] == b"PK":
        return "acmi" if name.endswith(".acmi") else "zip"
    text = head.lstrip(b"\xef\xbb\xbf").lstrip()
    if text.startswith(b"FileType=text/acmi"):
        return "acmi"
    if name.endswith(".acmi"):
        return "acmi"
    if name.endswith((".csv", ".tsv", ".txt")):
        return "csv"
    if b"," in text.split(b"\n", 1)[0]:
        return "csv"
    raise ReadError(path, "unrecognised format (expected Tacview ACMI or CSV)", line=1)


def _readers() -> dict[str, Reader]:
    from .acmi import read_acmi
    from .csv_reader import read_csv

    return {"acmi": read_acmi, "csv": read_csv}


def read_file(path: str | Path, options: ReadOptions | None = None) -> TrackSet:
    """Read one recording; raises :class:`ReadError` and nothing else for bad input."""
    path = Path(path)
    options = options or ReadOptions()
    if not path.exists():
        raise ReadError(path, "no such file")
    if path.is_dir():
        raise ReadError(path, "is a directory, not a recording")
    try:
        if path.stat().st_size == 0:
            raise ReadError(path, "file is empty")
        kind = sniff(path)
        readers = _readers()
        if kind not in readers:
            raise ReadError(path, f"unsupported format: {kind}")
        ts = readers[kind](path, options)
    except ReadError:
        raise
    except (OSError, UnicodeError, ValueError, MemoryError) as exc:
        raise ReadError(path, f"cannot read: {exc}") from None
    ts.warnings.extend(quality_warnings(ts, str(path)))
    return ts


def read_files(paths: list[str | Path], options: ReadOptions | None = None) -> TrackSet:
    """Read several recordings into one scene (ids kept unique, source recorded per track)."""
    return concat([read_file(p, options) for p in paths])
