"""Recording formats as data, picking a reader by name and content, merging files.

:data:`FORMATS` is the one table of formats: the reader registry, the sniffing order, the
open dialog's filter (:func:`dialog_patterns`), the command line's help and the
"expected …" error (:data:`FORMAT_NAMES`) are all generated from it, so adding a format
is adding a row (and its reader module).
"""

from __future__ import annotations

import gzip
import importlib
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..model import TrackSet, concat
from ..model.quality import quality_warnings
from .errors import ReadError
from .options import ReadOptions
from .sanitize import sanitize

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


def _xml_root(text: bytes) -> str | None:
    """'gpx' or 'kml' from the first bytes of an XML file (BOM already removed)."""
    if text.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 XML
        text = text.decode("utf-16", "replace").encode("utf-8", "replace")
    m = _XML_ROOT.match(text)
    return m.group(1).decode() if m else None


@dataclass(frozen=True)
class Format:
    """One recording format: everything the program knows about it, in one row.

    ``extensions`` name it (after any ``.gz``; also the open dialog's patterns);
    ``signature`` recognises its content before any name is looked at; ``content``
    recognises it from its first bytes when the name says nothing; ``reader`` is
    ``"module:function"`` in this package, imported on first use. A ``fallback`` content
    test (CSV's "a comma in the first line") runs after every other format's.
    """

    name: str
    title: str
    extensions: tuple[str, ...]
    reader: str
    signature: Callable[[bytes], bool] | None = None
    content: Callable[[bytes], bool] | None = None
    fallback: bool = False
    #: Patterns the open dialog shows besides ``*<extension>`` (compressed forms).
    extra_patterns: tuple[str, ...] = ()

    def load_reader(self) -> Reader:
        module, func = self.reader.split(":")
        return getattr(importlib.import_module(f".{module}", __package__), func)


#: Every format, in the order users see them listed.
FORMATS: tuple[Format, ...] = (
    Format(
        "acmi",
        "Tacview ACMI",
        (".acmi",),
        "acmi:read_acmi",
        signature=lambda text: text.startswith(b"FileType=text/acmi"),
        extra_patterns=("*.txt.acmi", "*.zip.acmi"),
    ),
    Format(
        "csv",
        "CSV",
        (".csv", ".tsv", ".txt"),
        "csv_reader:read_csv",
        content=lambda text: b"," in text.split(b"\n", 1)[0],
        fallback=True,
        extra_patterns=("*.csv.gz",),
    ),
    Format("gpx", "GPX", (".gpx",), "gpx:read_gpx", content=lambda t: _xml_root(t) == "gpx"),
    Format("kml", "KML", (".kml", ".kmz"), "kml:read_kml", content=lambda t: _xml_root(t) == "kml"),
    Format(
        "readsb",
        "readsb JSON",
        (".json",),
        "readsb:read_readsb",
        content=lambda t: _READSB.match(t) is not None,
        extra_patterns=("*.json.gz",),
    ),
)
_BY_NAME = {f.name: f for f in FORMATS}

#: "Tacview ACMI, CSV, GPX, KML or readsb JSON": for help texts and error messages.
FORMAT_NAMES = ", ".join(f.title for f in FORMATS[:-1]) + " or " + FORMATS[-1].title


def dialog_patterns() -> list[str]:
    """Glob patterns of every format, for a file dialog's filter."""
    out: list[str] = []
    for f in FORMATS:
        for p in (*(f"*{e}" for e in f.extensions), *f.extra_patterns):
            if p not in out:
                out.append(p)
    return out


def _by_extension(name: str) -> Format | None:
    return next((f for f in FORMATS if name.endswith(f.extensions)), None)


def sniff(path: Path) -> str:
    """Name of the format of ``path``: 'acmi', 'csv', 'gpx', 'kml', 'readsb'…; else ReadError.

    A zip is an ACMI by its name, else a KMZ; then a format's signature, its extension,
    and last what the content looks like.
    """
    name = path.name.lower()
    if name.endswith(".gz"):
        name = name[:-3]
    head = _head(path)
    if head[:2] == b"PK":
        if name.endswith(".acmi"):
            return "acmi"
        return "kml" if name.endswith(".kmz") or _zip_holds_kml(path) else "zip"
    text = head.lstrip(b"\xef\xbb\xbf").lstrip()
    for f in FORMATS:
        if f.signature is not None and f.signature(text):
            return f.name
    by_name = _by_extension(name)
    if by_name is not None:
        return by_name.name
    for f in sorted(FORMATS, key=lambda f: f.fallback):
        if f.content is not None and f.content(text):
            return f.name
    raise ReadError(path, f"unrecognised format (expected {FORMAT_NAMES})", line=1)


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
        if kind not in _BY_NAME:
            raise ReadError(path, f"unsupported format: {kind}")
        ts = _BY_NAME[kind].load_reader()(path, options)
    except ReadError:
        raise
    except (OSError, UnicodeError, ValueError, MemoryError) as exc:
        raise ReadError(path, f"cannot read: {exc}") from None
    ts = sanitize(ts, str(path))
    ts.warnings.extend(quality_warnings(ts, str(path)))
    return ts


#: ``progress(done, total, path)``, called before each file is read (it may raise to stop).
Progress = Callable[[int, int, str], None]


def read_files(
    paths: list[str | Path],
    options: ReadOptions | None = None,
    progress: Progress | None = None,
    base: TrackSet | None = None,
) -> TrackSet:
    """Read several recordings into one scene (ids kept unique, source recorded per track),
    added to ``base`` when given (its tracks keep their indices)."""
    sets = [base] if base is not None else []
    for i, p in enumerate(paths):
        if progress is not None:
            progress(i, len(paths), str(p))
        sets.append(read_file(p, options))
    return concat(sets)
