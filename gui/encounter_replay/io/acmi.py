"""Tacview ACMI 2.x reader: text, zip or gzip recording in, TrackSet out.

The line rules live in :mod:`.acmi_parser`, the container rules in
:mod:`.acmi_container`; this module turns the parser's flat sample rows into tracks with
numpy in one go (reference offsets, validity, ordering, de-duplication) and reports every
doubt about the data as a :class:`DataWarning`.

What the TrackSet holds for ACMI:

* ``id`` as the file writes it (``a01``, ``40000001``); ``<id>@r<r>`` for objects of the
  r-th appended run (r ≥ 2), ``<id>#<n>`` for the n-th object under an id that was removed
  and used again.
* ``heading`` = the transform's Yaw (clockwise from true north); the flat-world Heading
  field of 9-field transforms is used only where Yaw is unknown, since it is measured from
  the simulator's grid north, not true north (DCS files differ by several degrees).
* ``speed`` is left NaN: ACMI gives air speeds (IAS/TAS), not ground speed, and ground speed
  is better derived from the positions.
* Altitude is metres MSL as the format defines it, whatever ``ReadOptions`` says (those
  options are for formats that do not state their units).
* ``ias``, ``tas`` (m/s) and ``mach`` per sample in :attr:`TrackSet.air` where the file
  gives them (DCS writes IAS for the player's aircraft only); ``removed`` in the metadata is
  the time of the object's ``-id`` line (NaN if the file never removed it).
* Objects without Type are aircraft (JSBSim and similar writers record only aircraft and
  omit Type); one warning says how many.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ..model import DataWarning, ObjectClass, TrackSet, empty_events
from ..model.trackset import HELD_UNTIL
from .acmi_container import AcmiText, open_acmi
from .acmi_parser import NCOL, RUN_GAP_S, AcmiParser, HeaderError, ParsedAcmi
from .acmi_types import classify_type, coalition_from_color
from .csv_reader import T_ABS_MAX
from .errors import ReadError
from .options import ReadOptions

_SHOWN_RESTARTS = 3


def read_acmi(path: Path, options: ReadOptions | None = None) -> TrackSet:
    """Read a Tacview ACMI 2.x recording; raises :class:`ReadError` and nothing else.

    ``options`` is accepted for the reader interface; ACMI states its own (metric) units.
    """
    path = Path(path)
    try:
        with open_acmi(path) as text:
            parsed = AcmiParser().parse(iter(text))
    except HeaderError as exc:
        raise ReadError(path, exc.message, line=exc.line) from None
    except MemoryError:
        raise ReadError(path, "not enough memory to read this recording") from None
    except OSError as exc:
        raise ReadError(path, f"cannot read: {exc.strerror or exc}") from None
    source = str(path)
    warnings = _stream_warnings(parsed, text, source)
    return _assemble(parsed, source, warnings)


# ---------------------------------------------------------------------- warnings
def _stream_warnings(parsed: ParsedAcmi, text: AcmiText, source: str) -> list[DataWarning]:
    """Findings about the bytes and lines themselves (header, encoding, time, bad lines)."""
    found = [DataWarning(source, msg, line=line) for line, msg in parsed.header_notes]
    if text.bad_utf8_line is not None:
        found.append(
            DataWarning(
                source,
                "invalid UTF-8 bytes replaced by '\ufffd'",
                line=text.bad_utf8_line,
                count=max(text.bad_utf8_count, 1),
            )
        )
    if parsed.reference_time is None:
        found.append(
            DataWarning(
                source,
                "no ReferenceTime: times are relative (seconds from the start of the "
                "recording, shown as dates in 1970)",
            )
        )
    if parsed.restarts:
        n = len(parsed.restarts)
        lines = ", ".join(str(line) for line, _ in parsed.restarts[:_SHOWN_RESTARTS])
        shifts = ", ".join(
            f"run {r + 2} by {shift:+.1f} s"
            for r, (_, shift) in enumerate(parsed.restarts[:_SHOWN_RESTARTS])
        )
        more = " …" if n > _SHOWN_RESTARTS else ""
        found.append(
            DataWarning(
                source,
                f"time restarts {n} times: {n + 1} runs appended in one file (at lines "
                f"{lines}{more}); each later run is shifted to start {RUN_GAP_S:g} s after the previous "
                f"one ends ({shifts}{more}) and its objects are named <id>@r<run>",
                line=parsed.restarts[0][0],
                count=n,
            )
        )
    if parsed.backward.count:
        found.append(
            DataWarning(
                source,
                "time goes back by more than 1 s without returning to the start of the run "
                f"(first: {parsed.backward.example}): frames out of order or running "
                "backwards; samples were put in time order, on the frames' own times",
                line=parsed.backward.line,
                count=parsed.backward.count,
            )
        )
    if parsed.bad_time.count:
        found.append(
            DataWarning(
                source,
                f"frames with an implausible time skipped with all their lines (ReferenceTime "
                f"+ offset beyond ±{T_ABS_MAX:g} s POSIX, i.e. outside the years 1653–2286; "
                f"first: {parsed.bad_time.example!r})",
                line=parsed.bad_time.line,
                count=parsed.bad_time.count,
            )
        )
    if parsed.bad.count:
        found.append(
            DataWarning(
                source,
                f"malformed lines skipped (first: {parsed.bad.example})",
                line=parsed.bad.line,
                count=parsed.bad.count,
            )
        )
    if parsed.ref_changed_late.count:
        found.append(
            DataWarning(
                source,
                "ReferenceTime/ReferenceLongitude/ReferenceLatitude changed after positions "
                "were recorded; the last value applies to the whole recording",
                line=parsed.ref_changed_late.line,
                count=parsed.ref_changed_late.count,
            )
        )
    if parsed.open_continuation is not None:
        found.append(
            DataWarning(
                source,
                "file ends inside a continued line (truncated recording?); what was read is kept",
                line=parsed.open_continuation,
            )
        )
    elif text.stream_truncated:
        found.append(
            DataWarning(
                source,
                f"compressed {text.kind} stream ends early (truncated recording?); "
                "what was read is kept",
                line=parsed.lines or None,
            )
        )
    elif text.ends_without_newline:
        state = "was used" if parsed.last_line_ok else "was skipped"
        found.append(
            DataWarning(
                source,
                f"file does not end with a line break: the last line may be cut short "
                f"(truncated recording?) and {state}",
                line=parsed.lines or None,
            )
        )
    return found


def _first_line(lines: np.ndarray, mask: np.ndarray) -> int | None:
    hits = lines[mask]
    return int(hits.min()) if len(hits) else None


# ---------------------------------------------------------------------- assembly
def _assemble(parsed: ParsedAcmi, source: str, warnings: list[DataWarning]) -> TrackSet:
    """Flat sample rows → sorted, validated per-track arrays with metadata."""
    rows = np.frombuffer(parsed.samples, dtype=np.float64).reshape(-1, NCOL)
    track = rows[:, 0].astype(np.int64)
    t = rows[:, 1]
    with np.errstate(over="ignore"):  # absurd offsets overflow to inf: dropped below
        lon = rows[:, 2] + parsed.ref_lon
        lat = rows[:, 3] + parsed.ref_lat
    line = rows[:, 9].astype(np.int64)
    epoch = parsed.reference_time or 0.0

    # The parser skips frames with absurd times, judged by the ReferenceTime known then; a
    # ReferenceTime set later can still push offsets out of range.
    late_bad_t = ~(np.abs(t + epoch) < T_ABS_MAX)
    late_events = [e[4] for e in parsed.events if not abs(e[0] + epoch) < T_ABS_MAX]
    if late_bad_t.any() or late_events:
        first = min([*line[late_bad_t].tolist(), *late_events])
        warnings.append(
            DataWarning(
                source,
                f"transforms and events dropped: with the ReferenceTime set later in the file "
                f"their time is beyond ±{T_ABS_MAX:g} s POSIX (outside the years 1653–2286)",
                line=first,
                count=int(late_bad_t.sum()) + len(late_events),
            )
        )

    no_pos = ~(np.isfinite(lon) & np.isfinite(lat))
    if no_pos.any():
        n_tracks = len(np.unique(track[no_pos]))
        warnings.append(
            DataWarning(
                source,
                "transforms without a known longitude/latitude dropped "
                f"({n_tracks} object{'s' if n_tracks != 1 else ''})",
                line=_first_line(line, no_pos),
                count=int(no_pos.sum()),
            )
        )
    bad_pos = ~no_pos & ~late_bad_t & ((np.abs(lat) > 90.0) | (np.abs(lon) > 360.0))
    if bad_pos.any():
        warnings.append(
            DataWarning(
                source,
                "positions out of range dropped (latitude beyond ±90° or longitude beyond "
                "±360°: wrong reference offsets, or not degrees?)",
                line=_first_line(line, bad_pos),
                count=int(bad_pos.sum()),
            )
        )
    keep = ~(no_pos | bad_pos | late_bad_t)
    if not keep.all():
        rows, track, t, lon, lat = rows[keep], track[keep], t[keep], lon[keep], lat[keep]

    # Time order within each track; for equal times the file's last transform wins.
    order = np.lexsort((t, track))
    track, t = track[order], t[order]
    last = np.ones(len(t), dtype=bool)
    last[:-1] = (track[1:] != track[:-1]) | (t[1:] != t[:-1])
    order = order[last]
    track, t = track[last], t[last]

    lon = lon[order]
    lon = np.where(np.abs(lon) > 180.0, np.mod(lon + 180.0, 360.0) - 180.0, lon)
    lat = lat[order]
    alt, roll, pitch, yaw, flat_heading = (rows[order, c] for c in (4, 5, 6, 7, 8))
    air = {name: rows[order, c] for name, c in (("ias", 10), ("tas", 11), ("mach", 12))}
    sample_line = rows[order, 9]
    heading = np.mod(np.where(np.isnan(yaw), flat_heading, yaw), 360.0)
    ground = _ground_from_agl(parsed, track, t)  # (file times, as the AGL records)
    t = t + epoch

    counts = np.bincount(track, minlength=len(parsed.tracks))
    offsets = np.zeros(len(counts) + 1, dtype=np.int64)
    np.cumsum(counts, out=offsets[1:])
    tracks = []
    removed = []
    ends: list[float] = []  # when each object stops existing (it holds its state until then)
    untyped = 0
    for ti, props in enumerate(parsed.tracks):
        a, b = int(offsets[ti]), int(offsets[ti + 1])
        if a == b:
            continue
        type_tags = props.get("Type", "")
        if type_tags:
            cls = classify_type(type_tags)
        else:
            cls = ObjectClass.AIRCRAFT
            untyped += 1
        color = props.get("Color", "")
        # A missing update means unchanged: the object holds its last state until it is
        # removed or the recording ends (meta ``held_until``; the analysis extends it).
        ends.append(max(parsed.ends.get(ti, -np.inf) + epoch, t[b - 1]))
        idx = slice(a, b)
        tracks.append(
            {
                "t": t[idx],
                "lat": lat[idx],
                "lon": lon[idx],
                "alt": alt[idx],
                "heading": heading[idx],
                "roll": roll[idx],
                "pitch": pitch[idx],
                "line": sample_line[idx],
                "ground": ground[idx],
                **{name: col[idx] for name, col in air.items() if not np.isnan(col[idx]).all()},
                "id": props["id"],
                "name": props.get("Name", ""),
                "callsign": props.get("CallSign") or props.get("Pilot", ""),
                "type": type_tags,
                "cls": cls.value,
                "coalition": props.get("Coalition") or coalition_from_color(color),
                "color": color,
                "source": source,
            }
        )
        removed.append(props.get("removed", np.nan) + epoch)
    if untyped:
        warnings.append(DataWarning(source, f"{untyped} objects without Type treated as aircraft"))
    if not tracks:
        warnings.append(DataWarning(source, "no object with a known position in this recording"))
    ts = TrackSet.from_tracks(
        tracks,
        events=_events(parsed, source),
        warnings=warnings,
        title=parsed.title,
    )
    ts.meta["removed"] = np.asarray(removed, dtype=np.float64)
    ts.meta[HELD_UNTIL] = pd.Series(ends, dtype=object)
    return ts


#: Height above ground (m) under which an ACMI object with an AGL property is on the ground.
AGL_GROUND_M = 3.0


def _ground_from_agl(parsed: ParsedAcmi, track: np.ndarray, t: np.ndarray) -> np.ndarray:
    """On-ground state per sample (1/0) from the latest AGL written for the object at or
    before the sample's time; NaN where no AGL was written (the analysis then applies its
    speed-and-height rule)."""
    out = np.full(len(t), np.nan)
    rec = np.frombuffer(parsed.agl, dtype=np.float64).reshape(-1, 3)
    if not len(rec) or not len(t):
        return out
    span = float(max(np.abs(t).max(), np.abs(rec[:, 1]).max())) * 2.0 + 1.0
    key = rec[:, 0] * span + rec[:, 1]
    order = np.argsort(key, kind="stable")
    key, height, owner = key[order], rec[order, 2], rec[order, 0]
    at = np.searchsorted(key, track * span + t, side="right") - 1
    ok = (at >= 0) & (owner[np.maximum(at, 0)] == track)
    out[ok] = (height[at[ok]] < AGL_GROUND_M).astype(np.float64)
    return out


def _events(parsed: ParsedAcmi, source: str) -> pd.DataFrame:
    epoch = parsed.reference_time or 0.0
    # Same time bound as the samples (see ``late_bad_t`` in :func:`_assemble`).
    events = [e for e in parsed.events if abs(e[0] + epoch) < T_ABS_MAX]
    if not events:
        return empty_events()
    return pd.DataFrame(
        {
            "time": pd.Series([e[0] + epoch for e in events], dtype="float64"),
            "kind": pd.Series([e[1] for e in events], dtype="object"),
            "ids": pd.Series([e[2] for e in events], dtype="object"),
            "text": pd.Series([e[3] for e in events], dtype="object"),
            "source": pd.Series([source] * len(events), dtype="object"),
        }
    )
