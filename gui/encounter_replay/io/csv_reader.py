"""CSV track files (one row per sample) → TrackSet, fast on clean files, exact on bad ones.

The fast path hands the file to Arrow's multithreaded CSV parser (the parser behind
``pandas.read_csv(engine="pyarrow")``, called directly so that only the needed columns
are converted and duplicate header names cannot confuse it), then works on whole arrays:
one stable sort by (track, time), run boundaries as offsets, per-track metadata from the
first non-empty value of each run. Arrow cannot say which *line* a problem was on, so
when a problem is found the text is scanned once more with the ``csv`` module, only up
to the first offending row, to name that line. Files Arrow refuses outright go through
pandas' C parser, and failing that a line-by-line parser that always knows where it is.
"""

from __future__ import annotations

import contextlib
import csv
import gzip
import io
import os
import re
import warnings
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv

from ..model.trackset import META_COLUMNS, DataWarning, TrackSet
from . import csv_columns as cc
from .errors import ReadError, as_read_error
from .limits import CSV_HEADER_BYTES, check_objects, text_limit
from .options import ReadOptions
from .zip_safety import BoundedReader, Inflation

#: Bytes of (decompressed) text inspected to find the header and the delimiter.
HEAD_BYTES = CSV_HEADER_BYTES
#: A number written with a decimal comma (European spreadsheets, ``;``-separated).
_DECIMAL_COMMA = re.compile(r"\s*[-+]?\d+,\d+\s*")
#: Plausible POSIX times (years 1653–2286); outside this a cell is not a time.
T_ABS_MAX = 1e10
#: Numeric times below this (before 1973) look like offsets from the start of a flight.
RELATIVE_T_MAX = 1e8
_SHOW = 80  # characters of a bad line quoted in a warning
#: Cells Arrow reads as missing; the text paths must treat them alike.
_NULL_TOKENS = frozenset(
    [
        "",
        "#N/A",
        "#N/A N/A",
        "#NA",
        "-1.#IND",
        "-1.#QNAN",
        "-NaN",
        "-nan",
        "1.#IND",
        "1.#QNAN",
        "N/A",
        "NA",
        "NULL",
        "NaN",
        "n/a",
        "nan",
        "null",
    ]
)
_LINE_END = re.compile(r"\r\n|\r|\n")  # as Arrow and the csv module see them
_FLOAT_FIELDS = ("t", "lat", "lon", "alt", "speed", "heading", "roll", "pitch")
_META_ROLES = ("name", "callsign", "type", "coalition", "cls", "color", "icao24")


def read_csv(path: Path, options: ReadOptions) -> TrackSet:
    """Read a CSV track file; raises :class:`ReadError` and nothing else for bad input.

    Rows it cannot use are dropped and reported as one :class:`DataWarning` per kind of
    problem, with the count and the first line, so a few bad lines never cost the file.
    """
    path = Path(path)
    with as_read_error(path, "CSV"):
        return _read(path, options or ReadOptions())


# ----------------------------------------------------------------------------- the text


@dataclass
class _Source:
    """Where the text is and how it is cut: enough to re-open it at any stage."""

    path: Path
    gz: bool
    sep: str
    header_line: int  # 1-based physical line of the header
    names: list[str]
    #: Quote characters seen in the head: quoted fields may then span lines.
    quoted: bool = True
    #: ',' when numbers are written with a decimal comma (``;``-separated European CSV).
    decimal: str = "."

    def open_bytes(self, quiet: bool = False) -> io.BufferedReader:
        """The (decompressed) bytes, counted against the CSV text limit and bomb ratio.

        A gzip header states no trustworthy size, so the count runs while inflating and
        every parser reads through it: Arrow, pandas and the csv module alike.
        """
        fh = open(self.path, "rb")  # noqa: SIM115 - closed with the reader
        compressed = os.fstat(fh.fileno()).st_size if self.gz else None
        raw = gzip.GzipFile(fileobj=fh, mode="rb") if self.gz else fh
        what = "decompressed CSV" if self.gz else "CSV file"
        count = Inflation(self.path, text_limit("csv"), what, compressed, count_rows=True)
        #: The counting layer of the stream opened last (its ``refused`` with ``quiet``).
        self.bounded = BoundedReader(raw, count, quiet=quiet)
        return io.BufferedReader(_Closing(self.bounded, fh), 1 << 20)

    @contextlib.contextmanager
    def open_text(self) -> Iterator[io.TextIOBase]:
        raw = self.open_bytes()
        with raw, io.TextIOWrapper(raw, encoding="utf-8", errors="replace", newline="") as fh:
            yield fh


class _Closing(io.RawIOBase):
    """``inner`` that also closes the file under it (the gzip layer leaves it open)."""

    def __init__(self, inner: io.RawIOBase, under: io.IOBase) -> None:
        super().__init__()
        self._inner, self._under = inner, under

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[override]
        return self._inner.readinto(buffer)

    def close(self) -> None:
        self._inner.close()
        self._under.close()
        super().close()


def _inspect(path: Path) -> _Source:
    """Find compression (by magic bytes), header line, delimiter and column names."""
    with open(path, "rb") as fh:
        gz = fh.read(2) == b"\x1f\x8b"
    try:
        with gzip.open(path, "rb") if gz else open(path, "rb") as fh:
            head = fh.read(HEAD_BYTES)
    except (OSError, EOFError, zlib.error) as exc:
        raise ReadError(path, f"not a readable gzip file ({exc})") from None
    if not head.strip():
        raise ReadError(path, "file is empty" if not head else "file holds only blank lines")
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ReadError(path, "text is UTF-16 encoded; save the file as UTF-8 CSV", line=1)
    nul = head.find(b"\x00")
    if nul >= 0:
        # Text has no NUL bytes; a stray one in a row is only a bad row, but one in the
        # header line, or many, mean this is not text at all.
        body = head.lstrip()
        first_end = _LINE_END.search(body.decode("latin-1"))
        header_end = len(head) - len(body) + (first_end.end() if first_end else len(body))
        if nul < header_end or head.count(b"\x00") > 1 + len(head) // 100:
            line = len(_LINE_END.split(head[:nul].decode("utf-8", errors="replace")))
            raise ReadError(path, "binary data (NUL bytes), not CSV text", line=line)
    complete = len(head) < HEAD_BYTES
    lines = _LINE_END.split(head.decode("utf-8", errors="replace").removeprefix("\ufeff"))
    k = next((i for i, ln in enumerate(lines) if ln.strip()), len(lines))
    sep = None
    m = re.fullmatch(r"\s*sep=(.)\s*", lines[k]) if k < len(lines) else None
    if m:  # Excel's delimiter hint line
        sep, k = m.group(1), k + 1
    if not complete and k == len(lines) - 1 and lines[k].strip():
        seps = max(lines[k].count(c) for c in (",", "\t", ";", "|"))
        raise ReadError(
            path,
            f"header line longer than {HEAD_BYTES // 1024} KiB ({seps + 1:,} or more columns): "
            "not a track file",
            line=k + 1,
        )
    if k >= len(lines) - (0 if complete else 1) or not lines[k].strip():
        raise ReadError(path, "no header line found", line=k + 1)
    header = lines[k]
    if sep is None:
        counts = {c: header.count(c) for c in (",", "\t", ";", "|")}
        sep = max(counts, key=lambda c: (counts[c], c == ","))
    try:
        names = [n.strip() for n in next(csv.reader([header], delimiter=sep), [])]
    except csv.Error:
        names = [n.strip() for n in header.split(sep)]
    body = lines[k + 1 :] if complete else lines[k + 1 : -1]
    names = _fit_trailing_blank(names, body, sep)
    decimal = "," if sep == ";" and _decimal_commas(body[:50], sep) else "."
    return _Source(
        path, gz, sep, header_line=k + 1, names=names, quoted=b'"' in head, decimal=decimal
    )


def _decimal_commas(body: list[str], sep: str) -> bool:
    """True when numbers in these rows are written with a decimal comma (``48,85``)."""
    with contextlib.suppress(csv.Error):
        for rec in csv.reader(body, delimiter=sep):
            if any(_DECIMAL_COMMA.fullmatch(v) for v in rec):
                return True
    return False


def _fit_trailing_blank(names: list[str], body: list[str], sep: str) -> list[str]:
    """Reconcile a trailing delimiter present on the header or on the rows but not both.

    Spreadsheet exports often end every data line (or only the header) with a comma;
    taken literally, every row would then have the wrong number of fields.
    """
    with contextlib.suppress(csv.Error):
        records = csv.reader(body, delimiter=sep)
        first = next((r for r in records if r), None)
        if first is not None:
            n_row, n_head = len(first), len(names)
            if n_row < n_head and not any(names[n_row:]):
                return names[:n_row]
            if n_row > n_head and not any(v.strip() for v in first[n_head:]):
                return names + [""] * (n_row - n_head)
    return names


# ----------------------------------------------------------------------------- parsing


@dataclass
class _Parsed:
    """Selected columns as Arrow arrays, plus the rows the parser skipped."""

    table: pa.Table
    ragged: int = 0  # rows skipped for a wrong number of fields
    ragged_line: int | None = None
    ragged_text: str = ""
    #: pandas' C parser keeps short rows (padding them) and skips only long ones.
    keeps_short_rows: bool = False


def _colname(i: int) -> str:
    return f"c{i}"


def _parse(src: _Source, layout: cc.Layout) -> _Parsed:
    try:
        return _parse_arrow(src, layout)
    except (pa.ArrowException, ValueError, OSError, EOFError, zlib.error):
        pass
    try:
        return _parse_pandas_c(src, layout)
    except (pd.errors.ParserError, ValueError, OSError, EOFError, zlib.error, OverflowError):
        pass
    return _parse_lines(src, layout)


def _parse_arrow(src: _Source, layout: cc.Layout) -> _Parsed:
    skipped: list[str] = []

    def skip(row: pcsv.InvalidRow) -> str:  # called from Arrow's threads, under the GIL
        skipped.append(row.text)
        return "skip"

    used = [_colname(i) for i in layout.used_indices()]
    text = {
        _colname(layout.roles[r].index): pa.string() for r in cc.TEXT_ROLES if r in layout.roles
    }
    # Quiet: a refusal ends the stream and is raised here, after Arrow's threads are done.
    with src.open_bytes(quiet=True) as stream:
        try:
            table = _arrow_read(stream, src, used, text, skip)
        except Exception:
            src.bounded.raise_refused()
            raise
        src.bounded.raise_refused()
    return _Parsed(table=table, ragged=len(skipped), ragged_text=skipped[0] if skipped else "")


def _arrow_read(stream, src: _Source, used: list[str], text: dict, skip) -> pa.Table:
    return pcsv.read_csv(
        stream,
        read_options=pcsv.ReadOptions(
            column_names=[_colname(i) for i in range(len(src.names))], skip_rows=src.header_line
        ),
        parse_options=pcsv.ParseOptions(
            # Safe multithreaded block splitting costs ~30 % more CPU; pay it only when
            # the file quotes fields (a quoted line break otherwise makes Arrow raise,
            # and the C parser takes over).
            delimiter=src.sep,
            newlines_in_values=src.quoted,
            invalid_row_handler=skip,
        ),
        convert_options=pcsv.ConvertOptions(
            include_columns=used, column_types=text, decimal_point=src.decimal
        ),
    )


_SKIPPING = re.compile(r"Skipping line (\d+)")


def _parse_pandas_c(src: _Source, layout: cc.Layout) -> _Parsed:
    # All columns, not usecols: with usecols the C parser silently drops extra fields.
    with warnings.catch_warnings(record=True) as caught, src.open_bytes() as stream:
        warnings.simplefilter("always")
        df = pd.read_csv(
            stream,
            engine="c",
            sep=src.sep,
            header=None,
            names=[_colname(i) for i in range(len(src.names))],
            skiprows=src.header_line,
            dtype=str,
            keep_default_na=False,
            na_filter=False,
            on_bad_lines="warn",
            encoding="utf-8",
            encoding_errors="replace",
        )
    lines = [int(n) for w in caught for n in _SKIPPING.findall(str(w.message))]
    table = pa.table(
        {
            _colname(i): pa.array(df[_colname(i)].astype(object).fillna("").tolist(), pa.string())
            for i in layout.used_indices()
        }
    )
    return _Parsed(
        table=table,
        ragged=len(lines),
        ragged_line=min(lines) if lines else None,
        keeps_short_rows=True,
    )


def _parse_lines(src: _Source, layout: cc.Layout) -> _Parsed:
    """Last resort, one record at a time: slow, but it always knows the line it is on."""
    ncols = len(src.names)
    used = layout.used_indices()
    cols: list[list[str]] = [[] for _ in used]
    ragged, ragged_line, ragged_text = 0, None, ""
    with src.open_text() as fh:
        reader = csv.reader(fh, delimiter=src.sep)
        prev = 0
        while True:
            try:
                rec = next(reader)
            except StopIteration:
                break
            except csv.Error as exc:
                raise ReadError(src.path, f"malformed CSV: {exc}", line=prev + 1) from None
            start, prev = prev + 1, reader.line_num
            if start <= src.header_line or not rec:
                continue
            if len(rec) != ncols:
                ragged += 1
                if ragged_line is None:
                    ragged_line, ragged_text = start, src.sep.join(rec)
                continue
            for out, i in zip(cols, used, strict=True):
                out.append(rec[i])
    table = pa.table(
        {_colname(i): pa.array(c, pa.string()) for i, c in zip(used, cols, strict=True)}
    )
    return _Parsed(table, ragged, ragged_line, ragged_text)


# ----------------------------------------------------------------------------- cell values


def _floats(col: pa.ChunkedArray | None, n: int, factor: float = 1.0) -> np.ndarray:
    """Float64 values of a column times ``factor``; cells that are not numbers become NaN."""
    if col is None:
        return np.full(n, np.nan)
    typ = col.type
    values = None
    if pa.types.is_floating(typ) or pa.types.is_integer(typ):
        if col.null_count:
            values = pc.fill_null(pc.cast(col, pa.float64(), safe=False), np.nan).to_numpy()
        else:
            values = col.to_numpy().astype(np.float64, copy=False)
    elif pa.types.is_decimal(typ):
        values = pc.fill_null(pc.cast(col, pa.float64(), safe=False), np.nan).to_numpy()
    elif pa.types.is_string(typ) or pa.types.is_large_string(typ):
        with contextlib.suppress(pa.ArrowException):
            values = pc.fill_null(pc.cast(col, pa.float64(), safe=False), np.nan).to_numpy()
        if values is None:  # some cells are not numbers: parse leniently, cell by cell
            cells = pd.Series(col.to_numpy(zero_copy_only=False), dtype=object).str.strip()
            values = pd.to_numeric(cells, errors="coerce").to_numpy(np.float64, na_value=np.nan)
    else:
        return np.full(n, np.nan)
    if factor != 1.0:
        return values * factor
    return values if values.flags.writeable else values.copy()  # Arrow memory is read-only


def _point(col: pa.ChunkedArray | None, decimal: str) -> pa.ChunkedArray | None:
    """Text numbers with a decimal comma rewritten with a point (parsers other than Arrow's
    keep them as text); everything else unchanged."""
    if decimal == "." or col is None or not pa.types.is_string(col.type):
        return col
    return pc.replace_substring(col, ",", ".")


_TRUE = frozenset({"true", "t", "1", "yes", "y", "1.0"})
_FALSE = frozenset({"false", "f", "0", "no", "n", "0.0"})


def _flags(col: pa.ChunkedArray | None, n: int) -> np.ndarray:
    """1.0 / 0.0 of a yes-no column (true/false, 1/0, yes/no); NaN where blank or other."""
    if col is None:
        return np.full(n, np.nan)
    if pa.types.is_boolean(col.type):
        return pc.fill_null(pc.cast(col, pa.float64()), np.nan).to_numpy()
    if pa.types.is_floating(col.type) or pa.types.is_integer(col.type):
        v = _floats(col, n)
        with np.errstate(invalid="ignore"):
            return np.where(np.isfinite(v), (v != 0).astype(np.float64), np.nan)
    cells = pd.Series(col.to_numpy(zero_copy_only=False), dtype=object).fillna("")
    low = cells.astype(str).str.strip().str.lower()
    return np.where(low.isin(_TRUE), 1.0, np.where(low.isin(_FALSE), 0.0, np.nan))


def _timestamp_seconds(col: pa.ChunkedArray | pa.Array) -> np.ndarray:
    per_s = {"s": 1.0, "ms": 1e3, "us": 1e6, "ns": 1e9}[col.type.unit]
    ints = pc.cast(col, pa.int64())
    return pc.fill_null(pc.cast(ints, pa.float64(), safe=False), np.nan).to_numpy() / per_s


def _numeric_times(values: np.ndarray, col: cc.Column) -> tuple[np.ndarray, bool]:
    """Epoch numbers → seconds; the unit from the name, else from the magnitude."""
    scale = cc.time_scale(col)
    if scale is None:
        finite = np.abs(values[np.isfinite(values)])
        mag = float(np.median(finite)) if len(finite) else 0.0
        scale = 1e-9 if mag > 1e17 else 1e-6 if mag > 1e14 else 1e-3 if mag > 1e11 else 1.0
    t = values * scale
    fin = np.abs(t[np.isfinite(t)])
    return t, bool(len(fin)) and float(fin.max()) < RELATIVE_T_MAX


def _times(col: pa.ChunkedArray, spec: cc.Column) -> tuple[np.ndarray, bool]:
    """POSIX seconds from ISO-8601 text (offset, 'Z' or none = UTC) or epoch numbers.

    Also says whether the numbers look relative (seconds from the start of a flight).
    """
    typ = col.type
    if pa.types.is_timestamp(typ):
        return _timestamp_seconds(col), False
    if pa.types.is_date(typ):
        return _timestamp_seconds(pc.cast(col, pa.timestamp("s"))), False
    if pa.types.is_integer(typ) or pa.types.is_floating(typ) or pa.types.is_decimal(typ):
        return _numeric_times(_floats(col, len(col)), spec)
    if pa.types.is_null(typ):
        return np.full(len(col), np.nan), False
    cells = pd.Series(pc.cast(col, pa.string()).to_numpy(zero_copy_only=False), dtype=object)
    cells = cells.fillna("").str.strip()
    numbers = pd.to_numeric(cells, errors="coerce").to_numpy(np.float64, na_value=np.nan)
    # Numbers, infinities included: Arrow types such a column as floats, and both paths
    # must read it the same way ("inf" is then an unreadable time, "-0" epoch zero).
    n_num = int((~np.isnan(numbers)).sum())
    if n_num and 2 * n_num >= int((~cells.isin(_NULL_TOKENS)).sum()):
        return _numeric_times(numbers, spec)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        stamps = pd.to_datetime(cells, format="ISO8601", utc=True, errors="coerce")
    return _timestamp_seconds(pa.Array.from_pandas(stamps)), False


def _codes(col: pa.ChunkedArray) -> tuple[np.ndarray, np.ndarray]:
    """Integer code per row and the distinct whitespace-trimmed texts, in order of appearance."""
    arr = col.combine_chunks()
    if not (pa.types.is_string(arr.type) or pa.types.is_large_string(arr.type)):
        arr = pc.cast(arr, pa.string())
    encoded = pc.fill_null(arr, "").dictionary_encode()
    codes = encoded.indices.to_numpy(zero_copy_only=False).astype(np.int64, copy=False)
    texts = [s.strip() for s in encoded.dictionary.to_pylist()]
    remap, uniques = pd.factorize(np.asarray(texts, dtype=object))
    if len(uniques) != len(texts):  # "AFR12 " and "AFR12" are one track
        codes = remap[codes]
    return codes, np.asarray(uniques, dtype=object)


def _first_nonempty(
    codes: np.ndarray, uniques: np.ndarray, track: np.ndarray, n_tracks: int
) -> list:
    """Per track, the first non-empty text of a column (samples already in track order)."""
    out = np.full(n_tracks, "", dtype=object)
    nonempty = np.asarray([bool(s) for s in uniques], dtype=bool)
    idx = np.flatnonzero(nonempty[codes]) if len(uniques) else np.zeros(0, dtype=np.int64)
    if len(idx):
        tr = track[idx]
        first = np.flatnonzero(np.r_[True, tr[1:] != tr[:-1]])
        out[tr[first]] = uniques[codes[idx[first]]]
    return list(out)


# ----------------------------------------------------------------------------- findings


@dataclass
class _Finding:
    """A warning waiting for its line number, all found in one scan at the end."""

    message: str
    count: int
    row: int | None = None  # parsed-row index; None = a row the parser skipped
    line: int | None = None
    text: str = ""

    def warning(self, source: str) -> DataWarning:
        example = f", e.g. {_short(self.text)!r}" if self.text else ""
        return DataWarning(source, self.message + example, line=self.line, count=self.count)


def _short(text: str) -> str:
    text = text.replace("\r", "").replace("\n", "⏎")
    return text if len(text) <= _SHOW else text[: _SHOW - 1] + "…"


def _locate(src: _Source, parsed: _Parsed, findings: list[_Finding]) -> None:
    """Fill in the physical line and text of each finding's first row, in one pass.

    Rows are counted as the parser counted them (blank lines skipped; rows with a wrong
    field count skipped, or for pandas' C parser only over-long ones), and the scan stops
    at the last row wanted, so it costs nothing on clean files and little on most others.
    """
    todo = [f for f in findings if f.line is None or not f.text]
    if not todo:
        return
    rows_wanted = {f.row for f in todo if f.row is not None}
    ragged_wanted = any(f.row is None for f in todo)
    last = max(rows_wanted, default=-1)
    ncols = len(src.names)
    found: dict[int, tuple[int, str]] = {}
    ragged: tuple[int, str] | None = None
    try:
        with src.open_text() as fh:
            reader = csv.reader(fh, delimiter=src.sep)
            prev, row = 0, -1
            for rec in reader:
                start, prev = prev + 1, reader.line_num
                if start <= src.header_line or not rec:
                    continue
                if len(rec) != ncols and not (parsed.keeps_short_rows and len(rec) < ncols):
                    if ragged_wanted and ragged is None and parsed.ragged_line in (None, start):
                        ragged = (start, src.sep.join(rec))
                else:
                    row += 1
                    if row in rows_wanted:
                        found[row] = (start, src.sep.join(rec))
                if row >= last and (ragged is not None or not ragged_wanted):
                    break
    except (csv.Error, OSError, EOFError, zlib.error):
        pass  # line numbers are a courtesy: never fail a load over them
    for f in todo:
        hit = found.get(f.row) if f.row is not None else ragged
        if hit is not None:
            f.line = f.line or hit[0]
            f.text = f.text or hit[1]


# ----------------------------------------------------------------------------- the reader


@dataclass
class _Samples:
    """Per-sample arrays being cleaned, with each sample's parsed-row index."""

    cols: dict[str, np.ndarray]
    track: np.ndarray  # id code per sample
    rows: np.ndarray  # parsed-row index per sample (for line numbers and metadata)

    def take(self, index: np.ndarray) -> None:
        self.cols = {k: v[index] for k, v in self.cols.items()}
        self.track = self.track[index]
        self.rows = self.rows[index]


def _read(path: Path, options: ReadOptions) -> TrackSet:
    src = _inspect(path)
    layout = cc.detect(src.names)
    missing = layout.missing()
    if missing:
        labels = " and ".join(cc.ROLE_LABELS[r] for r in missing)
        raise ReadError(
            path,
            f"no {labels} column recognised in the header; {cc.describe_found(layout)}",
            line=src.header_line,
        )
    parsed = _parse(src, layout)
    table = parsed.table
    n = table.num_rows
    source = str(path)
    notes: list[DataWarning] = []
    findings: list[_Finding] = []
    if parsed.ragged:
        findings.append(
            _Finding(
                f"skipped {parsed.ragged} lines whose number of fields differs from the "
                f"header's {len(src.names)}",
                parsed.ragged,
                line=parsed.ragged_line,
                text=parsed.ragged_text,
            )
        )
    if n == 0:
        if parsed.ragged:
            _locate(src, parsed, findings)
            raise ReadError(
                path,
                f"no usable rows: every line has a different number of fields than the "
                f"header's {len(src.names)} (e.g. {_short(findings[0].text)!r})",
                line=findings[0].line,
            )
        raise ReadError(path, "no data rows after the header", line=src.header_line + 1)

    def column(role: str) -> pa.ChunkedArray | None:
        spec = layout.roles.get(role)
        return table.column(_colname(spec.index)) if spec is not None else None

    alt_unit = cc.altitude_unit(layout, options.altitude_unit)
    speed_unit = cc.speed_unit(layout, options.speed_unit)
    notes += [
        DataWarning(source, u.guessed_note) for u in (alt_unit, speed_unit) if u and u.guessed_note
    ]
    t, relative = _times(column("time"), layout.roles["time"])
    factors = {"alt": alt_unit.factor if alt_unit else 1.0}
    factors["speed"] = speed_unit.factor if speed_unit else 1.0
    cols = {"t": t}
    # Columns the file lacks are filled with NaN at the end, not carried through sorting.
    for role in ("lat", "lon", "alt", "speed", "heading", "roll", "pitch"):
        if role in layout.roles:
            factor = factors.get(role) or cc.angle_factor(layout.roles[role])
            cols[role] = _floats(_point(column(role), src.decimal), n, factor)
    for role in ("alt", "speed", "heading", "roll", "pitch"):
        if role in cols:
            cols[role][np.isinf(cols[role])] = np.nan  # "inf" is no measurement either
    if "ground" in layout.roles:
        cols["ground"] = _flags(column("ground"), n)

    if "id" in layout.roles:
        id_codes, id_texts = _codes(column("id"))
    else:  # one object per file (Tacview's CSV): the file name is the id
        id_codes, id_texts = np.zeros(n, dtype=np.int64), np.asarray([_stem(path)], dtype=object)
    check_objects(path, len(id_texts), n)
    s = _Samples(cols, id_codes, np.arange(n))

    _drop_unplaceable(s, layout, id_texts, src, parsed, findings)
    if relative:
        notes.append(
            DataWarning(
                source,
                f"times in {layout.roles['time'].name!r} are small numbers "
                f"({s.cols['t'].min():g} … {s.cols['t'].max():g}): read as seconds after "
                "1970-01-01 UTC, since the file states no date",
            )
        )
    _sort_and_dedupe(s, findings)
    if "alt" in layout.roles:
        no_alt = ~np.isfinite(s.cols["alt"])
        if no_alt.any():
            findings.append(
                _Finding(
                    f"altitude missing in {int(no_alt.sum())} samples (kept; altitude unknown)",
                    int(no_alt.sum()),
                    row=int(s.rows[no_alt].min()),
                )
            )
    else:
        notes.append(DataWarning(source, "no altitude column: every altitude is unknown"))

    starts = np.flatnonzero(np.r_[True, s.track[1:] != s.track[:-1]])
    offsets = np.append(starts, len(s.track)).astype(np.int64)
    meta = _meta(path, layout, column, s, starts, id_texts, notes)
    _locate(src, parsed, findings)
    notes += [f.warning(source) for f in findings]
    # Line of each sample: parsed rows follow the header one per line unless the parser
    # skipped ragged lines (then unknown rather than wrong).
    lines = (
        (src.header_line + 1 + s.rows).astype(np.float64)
        if not parsed.ragged and not src.quoted
        else np.full(len(s.track), np.nan)
    )
    return TrackSet(
        **{k: s.cols.get(k, np.full(len(s.track), np.nan)) for k in _FLOAT_FIELDS},
        line=lines,
        ground=s.cols.get("ground"),
        offsets=offsets,
        meta=meta,
        warnings=notes,
        title=path.name,
    )


def _drop_unplaceable(
    s: _Samples,
    layout: cc.Layout,
    id_texts: np.ndarray,
    src: _Source,
    parsed: _Parsed,
    findings: list[_Finding],
) -> None:
    """Drop rows without a usable time, position or id; one finding counts them by cause."""
    t, lat, lon = s.cols["t"], s.cols["lat"], s.cols["lon"]
    with np.errstate(invalid="ignore"):
        causes = [
            (
                ~(np.abs(t) < T_ABS_MAX),
                f"time unreadable in {layout.roles['time'].name!r} (need ISO-8601 or epoch seconds)",
            ),
            (~(np.abs(lat) <= 90.0), "latitude missing or outside ±90"),
            (~(np.abs(lon) <= 180.0), "longitude missing or outside ±180"),
        ]
    if "id" in layout.roles:
        no_id = ~np.asarray([bool(x) for x in id_texts], dtype=bool)[s.track]
        causes.append((no_id, f"no track id in {layout.roles['id'].name!r}"))
    bad = np.logical_or.reduce([m for m, _ in causes])
    if not bad.any():
        return
    if bad.all():
        # Name the first cause that rules out every row, with the first row it hits.
        before = np.zeros(len(bad), dtype=bool)
        for mask, why in causes:
            if (before | mask).all():
                probe = _Finding("", 0, row=int(np.argmax(mask & ~before)))
                _locate(src, parsed, [probe])
                example = f" (e.g. {_short(probe.text)!r})" if probe.text else ""
                raise ReadError(src.path, f"no usable rows: {why}{example}", line=probe.line)
            before |= mask
    reasons = "; ".join(f"{int(m.sum())} {why}" for m, why in causes if m.any())
    n_bad = int(bad.sum())
    findings.append(
        _Finding(
            f"dropped {n_bad} rows that cannot be placed ({reasons})",
            n_bad,
            row=int(np.argmax(bad)),
        )
    )
    s.take(np.flatnonzero(~bad))


def _small_codes(track: np.ndarray) -> np.ndarray:
    """Track codes in the narrowest integer type, which numpy's stable sort radix-sorts."""
    top = int(track.max()) if len(track) else 0
    return track.astype(np.uint16 if top < 2**16 else np.int64, copy=False)


def _sort_and_dedupe(s: _Samples, findings: list[_Finding]) -> None:
    """Stable sort by (track, time); report out-of-order samples; keep the first of equal times."""
    track, t = s.track, s.cols["t"]
    dtrack, dt = np.diff(track), np.diff(t)
    if not (np.all(dtrack >= 0) and not np.any((dtrack == 0) & (dt < 0))):
        # Stable sort by track (radix sort on small codes); if the file was in time order
        # within each track (true of time-sorted, interleaved exports) that is all.
        order = np.argsort(_small_codes(track), kind="stable")
        t_sorted, tr_sorted = t[order], track[order]
        same = tr_sorted[1:] == tr_sorted[:-1]
        if np.any(same & (np.diff(t_sorted) < 0)):  # some track is not in time order
            order = np.lexsort((t, track))  # stable: equal times keep file order
            # A sample is late when an earlier line of its track has a later time.
            running_max = pd.Series(t).groupby(track, sort=False).cummax().to_numpy()
            late = running_max > t
            findings.append(
                _Finding(
                    f"{int(late.sum())} samples out of time order in "
                    f"{len(np.unique(track[late]))} tracks (sorted by time)",
                    int(late.sum()),
                    row=int(s.rows[late].min()),
                )
            )
        s.take(order)
        track, t = s.track, s.cols["t"]
        dtrack, dt = np.diff(track), np.diff(t)
    dup = np.r_[False, (dtrack == 0) & (dt == 0)]
    if dup.any():
        findings.append(
            _Finding(
                f"{int(dup.sum())} samples repeat an earlier timestamp of the same track "
                "(kept the first)",
                int(dup.sum()),
                row=int(s.rows[dup].min()),
            )
        )
        s.take(np.flatnonzero(~dup))


def _meta(path, layout, column, s: _Samples, starts, id_texts, notes) -> pd.DataFrame:
    """One row per track: first non-empty value of each metadata column in the track."""
    n_tracks = len(starts)
    lengths = np.diff(np.append(starts, len(s.track)))
    track_of = np.repeat(np.arange(n_tracks), lengths)
    meta: dict[str, list] = {"id": list(id_texts[s.track[starts]])}
    for role in _META_ROLES:
        col = column(role)
        if col is None:
            continue
        firsts = pc.cast(col.take(pa.array(s.rows[starts])), pa.string()).to_pylist()
        meta[role] = [(v or "").strip() for v in firsts]
        if not all(meta[role]):  # a track's first sample lacks it: look further along
            codes, texts = _codes(col)
            meta[role] = _first_nonempty(codes[s.rows], texts, track_of, n_tracks)
    if layout.tacview and "id" not in layout.roles:
        from_name = cc.tacview_file_meta(_stem(path))
        for key in ("name", "type", "color"):
            meta.setdefault(key, [from_name[key]] * n_tracks)
    # ADS-B files name flights by callsign; that is what an analyst calls them.
    meta.setdefault("name", list(meta.get("callsign", [""] * n_tracks)))
    if "cls" in meta:
        mapped = [cc.object_class(v) for v in meta["cls"]]
        unknown = sorted({v for v, c in zip(meta["cls"], mapped, strict=True) if c is None})
        if unknown:
            notes.append(
                DataWarning(
                    str(path),
                    f"unrecognised object class {', '.join(map(repr, unknown[:5]))} in "
                    f"{layout.roles['cls'].name!r}: treated as 'other'",
                    count=sum(c is None for c in mapped),
                )
            )
        meta["cls"] = [c or "other" for c in mapped]
    else:
        meta["cls"] = ["aircraft"] * n_tracks
    if "coalition" in meta:
        meta["coalition"] = [cc.coalition(v) for v in meta["coalition"]]
    meta["source"] = [str(path)] * n_tracks
    frame = pd.DataFrame(
        {c: pd.Series(meta.get(c, [""] * n_tracks), dtype=object) for c in META_COLUMNS}
    )
    if "icao24" in meta:
        frame["icao24"] = pd.Series(meta["icao24"], dtype=object)
    return frame


def _stem(path: Path) -> str:
    """File name without .csv/.gz-style suffixes: the id of a one-object file."""
    name = path.name
    for suffix in (".gz", ".csv", ".tsv", ".txt"):
        if name.lower().endswith(suffix):
            name = name[: -len(suffix)]
    return name or path.name
