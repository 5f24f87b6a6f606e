"""Pick a reader by extension and by sniffing content; merge several files into one scene."""

from __future__ import annotations

import gzip
import re
import zipfile
from collections.abc import Callable
from pathlib import Path

from ..model import TrackSet, concat
from ..model.quality import quality_warnings
from .errors import ReadError
from .file_kind import STDIN, check_path, relabel, spooled, stdin_stream
from .options import ReadOptions
from .sanitize import printable_text, sanitize

Reader = Callable[[Path, ReadOptions], TrackSet]


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


#: Format by file name (after any ``.gz``), checked after the ACMI and zip rules.
_BY_EXTENSION = {".gpx": "gpx", ".kml": "kml", ".kmz": "kml", ".json": "readsb"}
#: The XML document element, after any declaration, comments and DOCTYPE.
_XML_ROOT = re.compile(
    rb"(?:\s|<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^\[>]*(?:\[.*?\])?\s*>)*<(?:[\w.-]+:)?(gpx|kml)[\s>/]",
    re.DOTALL,
)
_READSB = re.compile(rb'\s*\[?\s*\{\s*"icao"\s*:')


def _zip_holds_kml(path: Path) -> bool:
    try:
        with zipfile.ZipFile(path) as zf:
            return any(n.lower().endswith(".kml") for n in zf.namelist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, KeyError, RuntimeError):
        return False


def _content_kind(text: bytes) -> str | None:
    """'gpx', 'kml' or 'readsb' from the first bytes of a file (BOM already removed)."""
    if text.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 XML
        text = text.decode("utf-16", "replace").encode("utf-8", "replace")
    m = _XML_ROOT.match(text)
    if m:
        return m.group(1).decode()
    return "readsb" if _READSB.match(text) else None


def sniff(path: Path) -> str:
    """Name of the format of ``path``: 'acmi', 'csv', 'gpx', 'kml', 'readsb'…; else ReadError."""
    name = path.name.lower()
    if name.endswith(".gz"):
        name = name[:-3]
    head = _head(path)
    if head[:2] == b"PK":
        if name.endswith(".acmi"):
            return "acmi"
        return "kml" if name.endswith(".kmz") or _zip_holds_kml(path) else "zip"
    text = head.lstrip(b"\xef\xbb\xbf").lstrip()
    if text.startswith(b"FileType=text/acmi"):
        return "acmi"
    if name.endswith(".acmi"):
        return "acmi"
    for ext, kind in _BY_EXTENSION.items():
        if name.endswith(ext):
            return kind
    if name.endswith((".csv", ".tsv", ".txt")):
        return "csv"
    kind = _content_kind(text)
    if kind is not None:
        return kind
    first = text.split(b"\n", 1)[0]
    if any(sep in first for sep in (b",", b";", b"\t")):  # a header of some delimiter
        return "csv"
    raise ReadError(
        path, "unrecognised format (expected Tacview ACMI, CSV, GPX, KML or readsb JSON)", line=1
    )


def _readers() -> dict[str, Reader]:
    from .acmi import read_acmi
    from .csv_reader import read_csv
    from .gpx import read_gpx
    from .kml import read_kml
    from .readsb import read_readsb

    return {
        "acmi": read_acmi,
        "csv": read_csv,
        "gpx": read_gpx,
        "kml": read_kml,
        "readsb": read_readsb,
    }


def read_file(path: str | Path, options: ReadOptions | None = None) -> TrackSet:
    """Read one recording; raises :class:`ReadError` and nothing else for bad input.

    ``-`` is standard input and a FIFO is read as a stream (both copied first, within the
    limits); a recording without a single track is an input error naming the file.
    """
    options = options or ReadOptions()
    if str(path) == STDIN:
        return _read_stream("<stdin>", stdin_stream(), options)
    path = Path(path)
    if check_path(path):
        try:
            with open(path, "rb") as fh:
                return _read_stream(str(path), fh, options)
        except OSError as exc:
            raise ReadError(path, f"cannot read: {exc.strerror or exc}") from None
    ts = _read_regular(path, options)
    if len(ts) == 0:
        why = f" ({ts.warnings[0].message})" if ts.warnings else ""
        raise ReadError(path, f"holds no tracks: nothing to replay or analyse{why}")
    return ts


def _read_stream(label: str, source, options: ReadOptions) -> TrackSet:
    with spooled(label, source) as copy:
        try:
            ts = read_file(copy, options)
        except ReadError as exc:
            raise ReadError(label, exc.message, line=exc.line) from None
        return relabel(ts, copy, label)


def _read_regular(path: Path, options: ReadOptions) -> TrackSet:
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
    ts = printable_text(sanitize(ts, str(path)))
    ts.warnings.extend(quality_warnings(ts, str(path)))
    return ts


def read_files(paths: list[str | Path], options: ReadOptions | None = None) -> TrackSet:
    """Read several recordings into one scene (ids kept unique, source recorded per track)."""
    return concat([read_file(p, options) for p in paths])
