"""What an archive is made of: files found from SOURCE arguments, and the meaning of
their columns, decided by the CSV reader's own rules (:mod:`..io.csv_columns`).

The same detection serves the OpenSky state-vector layout (``time, icao24, lat, lon,
velocity, heading, …, baroaltitude, geoaltitude``: metres, m/s, the aircraft's icao24 as
its track) and the project's CSV layout (``timestamp, flight_id, latitude, longitude,
altitude, groundspeed, …``: feet and knots by the ADS-B convention). Each file becomes
one DuckDB ``SELECT`` giving the normalised rows: id, POSIX seconds, degrees, metres, m/s.
"""

from __future__ import annotations

import glob
import os
from dataclasses import dataclass, field
from pathlib import Path

from ..io import csv_columns as cc
from ..io.errors import ReadError

#: File names an archive directory is searched for (compressed CSV included).
SUFFIXES = (".parquet", ".pq", ".csv", ".csv.gz", ".tsv", ".tsv.gz", ".txt", ".txt.gz")
#: Altitude column names by source (normalised as csv_columns does).
BARO = ("baroaltitude", "altbaro", "barometricaltitude", "altitudebaro", "pressurealtitude")
GEO = ("geoaltitude", "altgeom", "geometricaltitude", "altitudegeo", "gpsaltitude", "height")
#: Metadata roles carried to the track table.
TEXT_ROLES = ("name", "callsign", "type", "coalition", "cls", "color", "icao24")
_GLOB = set("*?[")


class SourceError(Exception):
    """A SOURCE argument that names nothing usable (printed as one line, exit 2)."""


def is_parquet(path: Path) -> bool:
    return path.name.lower().endswith((".parquet", ".pq"))


def _archive_file(path: Path) -> bool:
    return path.is_file() and path.name.lower().endswith(SUFFIXES)


def expand_sources(patterns: list[str]) -> list[Path]:
    """Files named by ``patterns`` (files, globs, directories searched recursively), in
    sorted order per pattern, each once."""
    found: list[Path] = []
    for pattern in patterns:
        path = Path(pattern)
        if path.is_dir():
            hits = sorted(p for p in path.rglob("*") if _archive_file(p))
            if not hits:
                raise SourceError(f"{pattern}: no Parquet or CSV files in this directory")
        elif _GLOB & set(pattern):
            hits = sorted(
                Path(p) for p in glob.glob(pattern, recursive=True) if _archive_file(Path(p))
            )
            if not hits:
                raise SourceError(f"{pattern}: no Parquet or CSV files match")
        elif path.is_file():
            hits = [path]
        else:
            raise SourceError(f"{pattern}: no such file or directory")
        found.extend(hits)
    seen: set[str] = set()
    out = []
    for p in found:
        key = os.path.realpath(p)
        if key not in seen:
            seen.add(key)
            out.append(p)
    return out


def scan_sql(path: Path) -> str:
    """DuckDB table function reading ``path`` (CSV cells as text: typed per role below,
    so one odd cell late in a file cannot fail a sniffed type)."""
    quoted = str(path).replace("'", "''")
    if is_parquet(path):
        return f"read_parquet('{quoted}', file_row_number = true)"
    return f"read_csv('{quoted}', all_varchar = true, header = true)"


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


@dataclass
class Layout:
    """One file's columns: which plays which role, units, and the notes on guesses."""

    path: Path
    columns: dict[str, str]  # role -> column name
    types: dict[str, str]  # column name -> DuckDB type
    alt_factor: float = 1.0
    speed_factor: float = 1.0
    heading_factor: float = 1.0
    time_scale: float | None = None  # seconds per unit of a numeric time column
    notes: list[str] = field(default_factory=list)


def detect_layout(
    path: Path,
    names_types: list[tuple[str, str]],
    altitude: str | None = None,
    altitude_unit: str | None = None,
    speed_unit: str | None = None,
) -> Layout:
    """Roles and units of a file's columns; :class:`ReadError` when time, latitude,
    longitude or an id is missing, or the altitude source asked for is absent."""
    names = [n for n, _ in names_types]
    layout = cc.detect(names)
    missing = layout.missing()
    if "id" not in layout.roles:
        missing.append("id")
    if missing:
        labels = " and ".join(cc.ROLE_LABELS.get(r, "track id") for r in missing)
        raise ReadError(path, f"no {labels} column recognised; {cc.describe_found(layout)}")
    if altitude in ("baro", "geo"):
        wanted = (*BARO, "altitude", "alt") if altitude == "baro" else GEO
        hit = next((c for base in wanted for c in _columns(names) if c.base == base), None)
        if hit is None:
            kind = "barometric" if altitude == "baro" else "geometric"
            raise ReadError(path, f"no {kind} altitude column; columns are: {', '.join(names)}")
        layout.roles["alt"] = hit
    alt_u = cc.altitude_unit(layout, altitude_unit)
    speed_u = cc.speed_unit(layout, speed_unit)
    out = Layout(
        path=path,
        columns={role: col.name for role, col in layout.roles.items()},
        types=dict(names_types),
        alt_factor=alt_u.factor if alt_u else 1.0,
        speed_factor=speed_u.factor if speed_u else 1.0,
        heading_factor=cc.angle_factor(layout.roles.get("heading")),
        time_scale=cc.time_scale(layout.roles["time"]),
        notes=[u.guessed_note for u in (alt_u, speed_u) if u and u.guessed_note],
    )
    return out


def _columns(names: list[str]) -> list[cc.Column]:
    cols = []
    for i, name in enumerate(names):
        c = cc.split_name(name)
        cols.append(cc.Column(index=i, name=c.name, base=c.base, unit=c.unit))
    return cols


def _num(col: str, layout: Layout) -> str:
    return f"TRY_CAST({_ident(col)} AS DOUBLE)"


def time_sql(layout: Layout, numeric_scale: float | None) -> str:
    """SQL giving POSIX seconds (float) from the time column, µs exact like the reader."""
    col = layout.columns["time"]
    typ = layout.types[col].upper()
    if typ.startswith(("TIMESTAMP", "DATE")):
        us = f"epoch_us(CAST({_ident(col)} AS TIMESTAMPTZ))"
    elif numeric_scale is not None:
        return f"TRY_CAST({_ident(col)} AS DOUBLE) * {numeric_scale!r}"
    else:
        us = f"epoch_us(TRY_CAST(trim({_ident(col)}) AS TIMESTAMPTZ))"
    return f"(CAST({us} // 1000000 AS DOUBLE) + CAST({us} % 1000000 AS DOUBLE) / 1e6)"


def time_filter_sql(layout: Layout, numeric_scale: float | None, t0: float, t1: float) -> str:
    """A predicate on the raw time column for ``[t0, t1]`` that DuckDB can push into the
    Parquet scan (row groups outside are skipped); TRUE where it cannot be said cheaply."""
    col = layout.columns["time"]
    typ = layout.types[col].upper()
    if typ.startswith("TIMESTAMP WITH TIME ZONE") or typ == "TIMESTAMPTZ":
        return f"{_ident(col)} BETWEEN to_timestamp({t0 - 1!r}) AND to_timestamp({t1 + 1!r})"
    if typ.startswith("TIMESTAMP"):
        return (
            f"{_ident(col)} BETWEEN CAST(to_timestamp({t0 - 1!r}) AS TIMESTAMP) "
            f"AND CAST(to_timestamp({t1 + 1!r}) AS TIMESTAMP)"
        )
    if numeric_scale is not None and is_parquet(layout.path) and not typ.startswith("VARCHAR"):
        return (
            f"{_ident(col)} BETWEEN {(t0 - 1) / numeric_scale!r} AND {(t1 + 1) / numeric_scale!r}"
        )
    return "TRUE"


def rows_sql(
    layout: Layout,
    file_index: int,
    numeric_scale: float | None,
    between: tuple[float, float] | None = None,
) -> str:
    """The file's normalised rows: id, t, lat, lon, alt, speed, heading, the metadata
    texts, the file index and the row's place in the file (``seq``); ``between`` limits
    them to a time range early, in the scan."""
    c = layout.columns
    parts = [
        f"trim(CAST({_ident(c['id'])} AS VARCHAR)) AS id",
        f"{time_sql(layout, numeric_scale)} AS t",
        f"{_num(c['lat'], layout)} AS lat",
        f"{_num(c['lon'], layout)} AS lon",
    ]
    for role, factor in (
        ("alt", layout.alt_factor),
        ("speed", layout.speed_factor),
        ("heading", layout.heading_factor),
    ):
        if role in c:
            parts.append(f"{_num(c[role], layout)} * {factor!r} AS {role}")
        else:
            parts.append(f"CAST(NULL AS DOUBLE) AS {role}")
    for role in TEXT_ROLES:
        if role in c:
            parts.append(f"coalesce(trim(CAST({_ident(c[role])} AS VARCHAR)), '') AS {role}")
        else:
            parts.append(f"'' AS {role}")
    parts.append(f"CAST({file_index} AS INTEGER) AS file")
    if is_parquet(layout.path):
        parts.append("CAST(file_row_number AS BIGINT) AS seq")
    else:
        parts.append("CAST(row_number() OVER () AS BIGINT) AS seq")
    sql = f"SELECT {', '.join(parts)} FROM {scan_sql(layout.path)}"
    if between is not None:
        sql += f" WHERE {time_filter_sql(layout, numeric_scale, *between)}"
    return sql


def numeric_time_probe_sql(layout: Layout) -> str | None:
    """A query for the magnitude of a numeric time column (None for timestamps)."""
    col = layout.columns["time"]
    typ = layout.types[col].upper()
    if typ.startswith(("TIMESTAMP", "DATE")):
        return None
    return (
        f"SELECT count(x), count(*), median(abs(x)) FROM (SELECT TRY_CAST({_ident(col)} AS DOUBLE) AS x "
        f"FROM {scan_sql(layout.path)} WHERE {_ident(col)} IS NOT NULL LIMIT 2000)"
    )


def numeric_scale(layout: Layout, probe: tuple[int, int, float | None]) -> float | None:
    """Seconds per unit of a numeric time column, or None when the column holds texts."""
    numbers, total, magnitude = probe
    if not total or 2 * numbers < total:
        return None
    if layout.time_scale is not None:
        return layout.time_scale
    mag = float(magnitude or 0.0)
    return 1e-9 if mag > 1e17 else 1e-6 if mag > 1e14 else 1e-3 if mag > 1e11 else 1.0
