"""readsb / tar1090 ``trace_full`` JSON reader (plain or gzipped) → TrackSet.

A trace file is one aircraft's day: ``{"icao": "3c66b0", "timestamp": <epoch s>,
"trace": [[dt_s, lat, lon, alt_ft | "ground" | null, gs_kt, track_deg, flags, vrate_fpm,
{details} | null, source, alt_geom_ft, geom_rate, ias_kt, roll_deg], ...], "r": reg,
"t": type, "desc": ...}``. tar1090 stores them gzipped, often still named ``.json``, so the
compression is recognised by its magic bytes. A JSON list of such objects is read too.

What the TrackSet holds for a trace:

* one aircraft track per ``icao`` (as written, ``~`` prefix of non-ICAO addresses kept);
  objects of a list with the same icao are one track. ``callsign`` is the first ``flight``
  of the details objects, ``name`` the callsign, else the registration, else the icao;
  ``registration`` (``r``) has a metadata column of its own;
  ``type`` the ICAO type designator (``t``), else ``desc``.
* ``t`` = ``timestamp`` + dt; altitude is field 3 in feet (barometric, or geometric where
  flag 8 says so, as ADS-B reports it: pressure altitude is not corrected to sea level);
  ``"ground"`` has no height, so it becomes NaN (unknown) with a warning rather than a
  made-up 0 m. Speed from knots, heading = track, roll from field 13 and indicated air
  speed (knots, to ``air["ias"]``) from field 12 where present.
  Stale (flag 1) and new-leg (flag 2) points are kept: a gap in time is drawn as a gap.
* the format states its units, so ``ReadOptions`` are not used.
"""

from __future__ import annotations

import gzip
import json
import math
import os
from pathlib import Path

import numpy as np

from ..model import ObjectClass, TrackSet
from .errors import ReadError, as_read_error
from .limits import text_limit
from .options import FT, KT, ReadOptions
from .record_issues import Issues, short
from .track_build import tidy_track, valid_position
from .zip_safety import bounded_chunks

#: Largest (decompressed) trace file we read; a day of one aircraft is a few MB.

_GZIP_MAGIC = b"\x1f\x8b"
_NAN = math.nan
#: Emitter categories of surface vehicles and obstacles (DO-260B), not aircraft.
_GROUND_CATEGORIES = {"C1": ObjectClass.GROUND, "C2": ObjectClass.GROUND}
_OTHER_CATEGORIES = ("C3", "C4", "C5", "C6", "C7", "B7")


def read_readsb(path: Path, options: ReadOptions | None = None) -> TrackSet:
    """Read a readsb/tar1090 trace JSON file; raises :class:`ReadError` and nothing else."""
    path = Path(path)
    with as_read_error(path, "ADS-B trace"):
        return _read(path)


def _load(path: Path) -> object:
    """The parsed JSON of ``path`` (gzipped or not), within the JSON text limit.

    json.loads holds every number as a Python object (~16 bytes of memory per byte of
    text), so the limit is the budget's sixteenth, counted while inflating.
    """
    with open(path, "rb") as fh:
        gz = fh.read(2) == _GZIP_MAGIC
        fh.seek(0)
        raw = gzip.GzipFile(fileobj=fh, mode="rb") if gz else fh
        what = "decompressed trace" if gz else "trace file"
        size = os.fstat(fh.fileno()).st_size if gz else None
        data = b"".join(bounded_chunks(path, raw, text_limit("json"), what, compressed=size))
    if not data.strip():
        raise ReadError(path, "file is empty" if not data else "file holds only white space")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise ReadError(path, "not UTF-8 text, so not a JSON trace", line=line) from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ReadError(path, f"malformed JSON: {exc.msg}", line=exc.lineno) from None
    except RecursionError:
        raise ReadError(path, "JSON nested too deeply to be a trace") from None
    except ValueError as exc:  # e.g. an integer of thousands of digits
        raise ReadError(path, f"malformed JSON: {exc}") from None


def _read(path: Path) -> TrackSet:
    doc = _load(path)
    issues = Issues(str(path))
    if isinstance(doc, dict):
        objects, single = [doc], True
    elif isinstance(doc, list):
        objects, single = doc, False
    else:
        raise ReadError(
            path,
            'expected a readsb trace object ({"icao": …, "timestamp": …, "trace": […]}) '
            f"or a list of them, found a JSON {type(doc).__name__}",
            line=1,
        )
    if not objects:
        raise ReadError(path, "the JSON list holds no trace objects", line=1)
    tracks: dict[str, dict] = {}
    first_error = None
    for n, obj in enumerate(objects, 1):
        where = "" if single else f"list item {n}: "
        why = _object_problem(obj)
        if why is not None:
            if single:
                raise ReadError(path, f"not a readsb trace: {why}", line=1)
            first_error = first_error or f"{where}{why}"
            issues.add("skipped list items that are not readsb trace objects", None, where + why)
            continue
        part = _trace(obj, where, issues)
        if not len(part["t"]):
            continue
        tid = part["id"]
        if tid in tracks:
            tracks[tid] = _merge(tracks[tid], part)
        else:
            tracks[tid] = part
    if not tracks:
        raise issues.nothing_left(  # readsb records have no line numbers
            path,
            "no usable positions",
            f"no usable positions ({first_error or 'every trace is empty'})",
        )
    out = []
    for tid, tr in tracks.items():
        tr["source"] = str(path)
        tr["registration"] = tr["name"]
        tr["name"] = tr["callsign"] or tr["name"] or tid
        out.append(tidy_track(tr, None, issues, tid))
    ts = TrackSet.from_tracks(out, warnings=issues.warnings(), title=path.name)
    ts.meta["registration"] = [tr["registration"] for tr in out if len(tr["t"])]
    return ts


def _number(x: object) -> float:
    """A JSON number as float; NaN for anything else (strings, null, bool, ±inf)."""
    if type(x) is float:
        return x if math.isfinite(x) else _NAN
    if type(x) is int:
        try:
            return float(x)
        except OverflowError:
            return _NAN
    return _NAN


def _object_problem(obj: object) -> str | None:
    """Why ``obj`` is not a trace object, or None if it is one."""
    if not isinstance(obj, dict):
        return f"a JSON {type(obj).__name__}, not an object"
    icao = obj.get("icao")
    if not isinstance(icao, str) or not icao.strip():
        return 'no "icao" text'
    if not math.isfinite(_number(obj.get("timestamp"))):
        return f'"timestamp" is not epoch seconds ({short(json.dumps(obj.get("timestamp")))})'
    if not isinstance(obj.get("trace"), list):
        return 'no "trace" list'
    return None


def _trace(obj: dict, where: str, issues: Issues) -> dict:
    """Samples and metadata of one trace object (bad entries tallied in ``issues``)."""
    trace = obj["trace"]
    icao = obj["icao"].strip()
    base = _number(obj["timestamp"])
    shaped = [isinstance(e, list) and len(e) >= 3 for e in trace]
    rows = [e for e, ok in zip(trace, shaped, strict=True) if ok]
    where = f"{where}icao {icao}, "
    if not all(shaped):
        k = shaped.index(False)
        issues.add(
            "skipped trace entries that are not [dt, lat, lon, …] lists",
            None,
            f"{where}trace[{k}] = {short(json.dumps(trace[k]))}",
            len(shaped) - sum(shaped),
        )
    index = np.flatnonzero(shaped)

    def col(i: int) -> np.ndarray:
        return np.fromiter(
            (_number(e[i]) if len(e) > i else _NAN for e in rows), np.float64, len(rows)
        )

    dt, lat, lon = col(0), col(1), col(2)
    t = base + dt
    alt_raw = [e[3] if len(e) > 3 else None for e in rows]
    alt = col(3) * FT
    ground = np.fromiter((a == "ground" for a in alt_raw), bool, len(rows))
    odd_alt = np.fromiter(
        (a is not None and a != "ground" and not isinstance(a, int | float) for a in alt_raw),
        bool,
        len(rows),
    )

    def quote(k: int) -> str:
        return f"{where}trace[{index[k]}] = {short(json.dumps(rows[k]))}"

    ok = valid_position(lat, lon) & np.isfinite(t)
    issues.add_mask(
        "skipped trace entries without a usable time offset or position "
        "(dt number, lat within ±90, lon within ±180)",
        ~ok,
        None,
        quote,
    )
    issues.add_mask(
        'altitude "ground" has no height: altitude unknown (NaN) for these points',
        ok & ground,
        None,
        quote,
    )
    issues.add_mask("altitude is not a number (unknown there)", ok & odd_alt, None, quote)
    callsign, category = _details(rows)
    sel = np.flatnonzero(ok)
    return {
        "t": t[sel],
        "lat": lat[sel],
        "lon": lon[sel],
        "alt": alt[sel],
        "speed": col(4)[sel] * KT,
        "heading": col(5)[sel],
        "roll": col(13)[sel],
        "ias": col(12)[sel] * KT,
        "ground": np.where(ground, 1.0, np.where(np.isfinite(alt), 0.0, np.nan))[sel],
        "id": icao,
        "callsign": callsign,
        "name": _text(obj.get("r")),
        "type": _text(obj.get("t")) or _text(obj.get("desc")),
        "cls": _category_class(category),
    }


def _details(rows: list[list]) -> tuple[str, str]:
    """First non-empty callsign ("flight") and emitter category of the details objects."""
    callsign = category = ""
    for e in rows:
        d = e[8] if len(e) > 8 else None
        if isinstance(d, dict):
            callsign = callsign or _text(d.get("flight"))
            category = category or _text(d.get("category"))
            if callsign and category:
                break
    return callsign, category


def _text(x: object) -> str:
    return x.strip() if isinstance(x, str) else ""


def _category_class(category: str) -> str:
    if category in _GROUND_CATEGORIES:
        return _GROUND_CATEGORIES[category]
    return ObjectClass.OTHER if category in _OTHER_CATEGORIES else ObjectClass.AIRCRAFT


def _merge(a: dict, b: dict) -> dict:
    """Two traces of one icao as one track (metadata: first non-empty)."""
    out = dict(a)
    for key in ("t", "lat", "lon", "alt", "speed", "heading", "roll", "ias"):
        out[key] = np.concatenate([a[key], b[key]])
    for key in ("callsign", "name", "type"):
        out[key] = a[key] or b[key]
    return out
