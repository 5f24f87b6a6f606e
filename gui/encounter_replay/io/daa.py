"""DAIDALUS encounter files (``.daa``, NASA's detect-and-avoid scenarios) → TrackSet.

The format: ``##`` lines are comments; the first other line is the header (``NAME lat lon
alt … time``, columns separated by commas or blanks), usually followed by a units line
(``[deg] [ft] [knot] [fpm] [s]``, ``unitless`` or ``[none]`` for the name); then one row
per aircraft state. At each time the first row is the ownship, the rest its intruders.
Velocity comes as ``vx vy vz`` (east, north, up) or ``trk gs vs``; extra columns (wind,
heading, airspeed, sensor uncertainty) are allowed and ignored.

What the TrackSet holds: one aircraft track per name, positions and altitudes as given
(converted to SI with the units line; without one, DAIDALUS's defaults: degrees, feet,
knots, feet per minute, seconds), ground speed and track angle from the velocity
columns. Times stay as the file gives them (seconds from the scenario's start, shown as
a time on 1 January 1970). Between rows the replay moves the aircraft linearly from
position to position, as for every format; the velocity columns are kept for display,
not used for motion.
"""

from __future__ import annotations

import gzip
import re
from pathlib import Path

import numpy as np
import pandas as pd

from ..model import ObjectClass, TrackSet
from ..model.units import FT, KT, NM
from .errors import ReadError, as_read_error
from .options import ReadOptions
from .record_issues import Issues, short
from .track_build import numbers, tidy_track, valid_position
from .zip_safety import bounded_chunks

#: Largest .daa file read (after decompression): rows are held as Python strings.
MAX_DAA_BYTES = 512 * 1024**2

_SPLIT = re.compile(r"[,\s]+")
#: Unit names (lower case, without brackets) → factor to SI (m, m/s, deg, s).
_UNITS = {
    "length": {"ft": FT, "m": 1.0, "km": 1000.0, "nmi": NM, "nm": NM, "mi": 1609.344},
    "speed": {
        **dict.fromkeys(("knot", "knots", "kn", "kt", "kts"), KT),
        **dict.fromkeys(("m/s", "mps"), 1.0),
        **dict.fromkeys(("fpm", "ft/min"), FT / 60.0),
        "ft/s": FT,
        "km/h": 1000.0 / 3600.0,
        "kph": 1000.0 / 3600.0,
        "mph": 1609.344 / 3600.0,
        "m/min": 1.0 / 60.0,
    },
    "angle": {"deg": 1.0, "rad": 180.0 / np.pi},
    "time": {"s": 1.0, "sec": 1.0, "ms": 1e-3, "min": 60.0, "h": 3600.0, "hr": 3600.0},
}
#: Column → (kind of unit, DAIDALUS's default unit).
_COLUMNS = {
    "lat": ("angle", "deg"),
    "lon": ("angle", "deg"),
    "alt": ("length", "ft"),
    "time": ("time", "s"),
    "vx": ("speed", "knot"),
    "vy": ("speed", "knot"),
    "vz": ("speed", "fpm"),
    "trk": ("angle", "deg"),
    "gs": ("speed", "knot"),
    "vs": ("speed", "fpm"),
}
_REQUIRED = ("lat", "lon", "alt", "time")


def _text_lines(path: Path) -> list[str]:
    with open(path, "rb") as raw:
        gz = raw.read(2) == b"\x1f\x8b"
        raw.seek(0)
        stream = gzip.GzipFile(fileobj=raw) if gz else raw
        data = b"".join(bounded_chunks(path, stream, MAX_DAA_BYTES, "DAA file"))
    return data.decode("utf-8", "replace").lstrip("\ufeff").splitlines()


def _is_units_line(tokens: list[str]) -> bool:
    tokens = [t for t in tokens if t]
    return bool(tokens) and all(
        (t.startswith("[") and t.endswith("]")) or t.lower() in ("unitless", "none") for t in tokens
    )


def _factors(path: Path, names: list[str], units: list[str] | None, line: int) -> dict:
    """SI factor of every known column, from the units line or the defaults."""
    out = {}
    for k, name in enumerate(names):
        if name not in _COLUMNS:
            continue
        kind, default = _COLUMNS[name]
        unit = default
        if units is not None and k < len(units):
            unit = units[k].strip("[]").lower()
        factor = _UNITS[kind].get(unit)
        if factor is None:
            raise ReadError(
                path,
                f"unit [{unit}] of column {name!r} is not a {kind} unit this reader knows "
                f"({', '.join(_UNITS[kind])})",
                line=line,
            )
        out[name] = factor
    return out


def read_daa(path: Path, options: ReadOptions | None = None) -> TrackSet:
    """Read a DAIDALUS ``.daa`` file; raises :class:`ReadError` and nothing else for bad
    input. ``options`` is accepted for the reader interface; the file states its units."""
    path = Path(path)
    with as_read_error(path, "DAA"):
        return _read(path, _text_lines(path))


def _read(path: Path, lines: list[str]) -> TrackSet:
    issues = Issues(str(path))
    body = [(n + 1, s.strip()) for n, s in enumerate(lines)]
    body = [(n, s) for n, s in body if s and not s.startswith("#")]
    if not body:
        raise ReadError(path, "no header line (NAME lat lon alt … time) in this DAA file")
    head_line, head = body[0]
    names = [t.lower() for t in _SPLIT.split(head) if t]
    missing = [c for c in _REQUIRED if c not in names]
    if names[0] in _COLUMNS:
        raise ReadError(
            path, f"the first column must be the aircraft's name: {short(head)!r}", line=head_line
        )
    if missing:
        hint = (
            " (Euclidean sx/sy/sz positions are not supported: this reader needs lat/lon)"
            if "sx" in names
            else ""
        )
        raise ReadError(
            path,
            f"header lacks column(s) {', '.join(missing)}{hint}: {short(head)!r}",
            line=head_line,
        )
    rows = body[1:]
    units = None
    units_line = head_line
    if rows:
        first = [t for t in _SPLIT.split(rows[0][1]) if t]
        if _is_units_line(first):
            units, units_line = first, rows[0][0]
            rows = rows[1:]
    factors = _factors(path, names, units, units_line)
    # Repeated headers and units lines (concatenated files) are skipped.
    rows = [(n, s) for n, s in rows if s != head and not _is_units_line(_SPLIT.split(s))]
    if not rows:
        raise ReadError(path, "no aircraft states after the header", line=head_line)
    line_no = np.array([n for n, _ in rows], dtype=np.int64)
    cells = pd.Series([s for _, s in rows], dtype=object).str.split(_SPLIT)
    cells = cells.map(lambda c: [t for t in c if t])
    width = cells.map(len).to_numpy()
    bad_width = width != len(names)
    issues.add_mask(
        f"skipped rows without exactly {len(names)} fields (the header's columns)",
        bad_width,
        line_no,
        lambda i: rows[i][1],
    )
    table = pd.DataFrame(cells[~bad_width].tolist(), columns=names) if (~bad_width).any() else None
    if table is None:
        raise issues.nothing_left(path, "no usable rows", "no aircraft states")
    lines_ok = line_no[~bad_width]
    raw = [rows[i][1] for i in np.flatnonzero(~bad_width)]
    val = {c: numbers(table[c].tolist()) * f for c, f in factors.items()}
    ok = valid_position(val["lat"], val["lon"])
    issues.add_mask(
        "skipped rows without a valid lat/lon (degrees within ±90/±180)",
        ~ok,
        lines_ok,
        raw.__getitem__,
    )
    timed = np.isfinite(val["time"]) & (np.abs(val["time"]) < 1e10)
    issues.add_mask(
        "skipped rows whose time is not a plausible number of seconds",
        ok & ~timed,
        lines_ok,
        raw.__getitem__,
    )
    issues.add_mask(
        "altitude is not a number (unknown there)",
        ok & timed & ~np.isfinite(val["alt"]),
        lines_ok,
        raw.__getitem__,
    )
    use = ok & timed
    if not use.any():
        raise issues.nothing_left(path, "no usable rows", "no aircraft states")
    speed, heading = _velocity(val)
    ident = table[names[0]].to_numpy(dtype=object)
    tracks = []
    idx = np.flatnonzero(use)
    codes, order = pd.factorize(ident[idx])
    for k, name in enumerate(order):
        sel = idx[codes == k]
        track = {
            "t": val["time"][sel],
            "lat": val["lat"][sel],
            "lon": val["lon"][sel],
            "alt": val["alt"][sel],
            "speed": speed[sel],
            "heading": heading[sel],
            "id": str(name),
            "name": str(name),
            "cls": ObjectClass.AIRCRAFT,
            "source": str(path),
        }
        tracks.append(tidy_track(track, lines_ok[sel], issues, str(name), "states"))
    return TrackSet.from_tracks(tracks, warnings=issues.warnings(), title=path.name)


def _velocity(val: dict[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Ground speed (m/s) and track angle (degrees true) from either velocity form."""
    n = len(val["lat"])
    if "vx" in val and "vy" in val:
        vx, vy = val["vx"], val["vy"]
        return np.hypot(vx, vy), np.degrees(np.arctan2(vx, vy)) % 360.0
    if "gs" in val and "trk" in val:
        return val["gs"], val["trk"] % 360.0
    return np.full(n, np.nan), np.full(n, np.nan)
