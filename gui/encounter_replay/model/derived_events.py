"""Events the recording implies but does not state, merged with the ones it does.

DCS and most simulators write no "launch" event: a missile simply appears next to the
aircraft that fired it. Nor do they say "destroyed": the aircraft's object is removed
(``-id``) before the recording ends. An analyst wants both on the map and in a list, so:

* **Launch**: a weapon track's first sample is a launch by the nearest aircraft of its side
  present at that instant (any aircraft when the weapon has no side). Gun rounds
  (``Shell``/``Bullet``) of one shooter less than :data:`BURST_GAP_S` apart make one
  **Guns** event, not one per round.
* **Decoy**: a chaff or flare track's first sample, released by the nearest aircraft of any
  side (simulators put decoys on a neutral side).
* **Removed**: an aircraft whose object the file removed (ACMI ``-id``, kept by the reader as
  ``removed``) before the recording's end; **Destroyed** instead where the recording's own
  events say so (``Destroyed``) for that object. Sources without removal data get
  **Track ends** events only when asked (``track_ends=True``): for ADS-B that is every
  landing and every exit from coverage, usually noise.

Positions at event time come from the same linear interpolation the map draws, held at the
nearest sample within ``gap_s`` of the track's ends (a removal is stamped at the last
sample's frame, a Destroyed event often just after it). Everything is vectorised over
weapons × aircraft; the only Python loops are over event kinds.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..geo import ecef
from .identity import display_names
from .trackset import DEFAULT_GAP_S, ObjectClass, TrackSet

#: Gun rounds of one shooter closer together than this (s) are one burst.
BURST_GAP_S = 3.0
#: A removal this close to the recording's end (s) is the end of the recording, not an event.
END_TOLERANCE_S = 1.0

#: Columns of :func:`merged_events`.
EVENT_COLUMNS = (
    "time",
    "kind",
    "ids",
    "text",
    "source",
    "origin",  # "recorded" or "derived"
    "track",  # index of the object the event is placed at (-1: none)
    "other",  # index of a second object (shooter of a launch…), -1 if none
    "lat",
    "lon",
    "alt",
)

_GUN_TAGS = ("shell", "bullet")
_PAIRS_PER_BLOCK = 200_000


def _sample_key(ts: TrackSet) -> tuple[np.ndarray, float, float]:
    """A monotonic key over all samples (track index, then time) for vectorised lookups of
    (track, time) pairs with one ``searchsorted``."""
    t0 = float(ts.t.min()) if len(ts.t) else 0.0
    span = float(ts.t.max() - t0) + 1.0 if len(ts.t) else 1.0
    return ts.track_index_of_samples() * span + (ts.t - t0), t0, span


def state_at(
    ts: TrackSet, tracks: np.ndarray, times: np.ndarray, gap_s: float = DEFAULT_GAP_S
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """``(lat, lon, alt, present)`` of ``tracks[i]`` at ``times[i]`` for every i at once.

    Linear between samples no more than ``gap_s`` apart; held at the first/last sample up
    to ``gap_s`` outside the track; NaN (present False) otherwise or for track −1.
    """
    tracks = np.asarray(tracks, dtype=np.int64)
    times = np.asarray(times, dtype=np.float64)
    n = len(tracks)
    nan = np.full(n, np.nan)
    if n == 0 or len(ts.t) == 0:
        return nan, nan.copy(), nan.copy(), np.zeros(n, dtype=bool)
    valid = tracks >= 0
    k = np.where(valid, tracks, 0)
    key, t0, span = _sample_key(ts)
    first, last = ts.offsets[k], ts.offsets[k + 1] - 1
    q = k * span + (times - t0)
    i0 = np.clip(np.searchsorted(key, q, side="right") - 1, first, last)
    i1 = np.minimum(i0 + 1, last)
    ta, tb = ts.t[i0], ts.t[i1]
    before = times < ts.t[first]
    after = times > ts.t[last]
    with np.errstate(invalid="ignore", divide="ignore"):
        f = np.where(tb > ta, (times - ta) / (tb - ta), 0.0)
    f = np.clip(np.where(before | after, 0.0, f), 0.0, 1.0)
    held = np.where(before, ts.t[first] - times, np.where(after, times - ts.t[last], 0.0))
    inner_gap = ~(before | after) & (tb - ta > gap_s) & (tb > ta)
    present = valid & (held <= gap_s) & ~inner_gap
    dlon = (ts.lon[i1] - ts.lon[i0] + 180.0) % 360.0 - 180.0
    lat = ts.lat[i0] + f * (ts.lat[i1] - ts.lat[i0])
    lon = (ts.lon[i0] + f * dlon + 180.0) % 360.0 - 180.0
    alt = ts.alt[i0] + f * (ts.alt[i1] - ts.alt[i0])
    return (
        np.where(present, lat, np.nan),
        np.where(present, lon, np.nan),
        np.where(present, alt, np.nan),
        present,
    )


def _side(meta: pd.DataFrame) -> np.ndarray:
    co = meta["coalition"] if "coalition" in meta else pd.Series([""] * len(meta))
    return co.astype(object).fillna("").astype(str).str.strip().str.lower().to_numpy()


def _nearest_shooter(
    ts: TrackSet,
    objects: np.ndarray,
    same_side: bool,
    gap_s: float,
) -> tuple[np.ndarray, np.ndarray]:
    """For each object, the nearest aircraft present at its first sample (of its side when
    ``same_side`` and the object has one) and the distance in metres; −1/NaN if none."""
    aircraft = np.flatnonzero(ts.classes == ObjectClass.AIRCRAFT.value)
    n, m = len(objects), len(aircraft)
    if n == 0 or m == 0:
        return np.full(n, -1, dtype=np.int64), np.full(n, np.nan)
    # Objects × aircraft in blocks, so a server recording with thousands of rounds and
    # hundreds of aircraft stays within a few MB.
    block = max(1, _PAIRS_PER_BLOCK // m)
    if n > block:
        parts = [
            _nearest_shooter(ts, objects[i : i + block], same_side, gap_s)
            for i in range(0, n, block)
        ]
        return np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts])
    start = ts.offsets[objects]
    p_obj = ecef(ts.lat[start], ts.lon[start], np.nan_to_num(ts.alt[start]))
    t_obj = ts.t[start]
    tr = np.repeat(aircraft[None, :], n, axis=0).ravel()
    tq = np.repeat(t_obj, m)
    lat, lon, alt, present = state_at(ts, tr, tq, gap_s)
    p_air = ecef(lat, lon, np.nan_to_num(alt)).reshape(n, m, 3)
    dist = np.linalg.norm(p_air - p_obj[:, None, :], axis=-1)
    dist = np.where(present.reshape(n, m), dist, np.inf)
    if same_side:
        side = _side(ts.meta)
        s_obj = side[objects][:, None]
        s_air = side[aircraft][None, :]
        dist = np.where((s_obj == "") | (s_obj == s_air), dist, np.inf)
    best = np.argmin(dist, axis=1)
    d = dist[np.arange(n), best]
    found = np.isfinite(d)
    return np.where(found, aircraft[best], -1), np.where(found, d, np.nan)


def _frame(rows: dict[str, object], n: int) -> pd.DataFrame:
    out = {}
    for c in EVENT_COLUMNS:
        v = rows.get(c)
        out[c] = pd.Series(v if v is not None else [None] * n, dtype=object)
    df = pd.DataFrame(out)
    for c in ("time", "lat", "lon", "alt"):
        df[c] = df[c].astype("float64")
    for c in ("track", "other"):
        df[c] = df[c].astype("int64")
    return df


def empty_event_frame() -> pd.DataFrame:
    return _frame({}, 0)


def derived_events(
    ts: TrackSet, gap_s: float = DEFAULT_GAP_S, track_ends: bool = False
) -> pd.DataFrame:
    """Launches, gun bursts, decoy releases and removals implied by the tracks
    (:data:`EVENT_COLUMNS`, origin "derived"), in time order."""
    if len(ts) == 0:
        return empty_event_frame()
    names = np.array(display_names(ts.meta), dtype=object)
    ids = ts.meta["id"].astype(str).to_numpy()
    cls = ts.classes
    types = ts.meta["type"].astype(object).fillna("").astype(str).str.lower().to_numpy()
    source = ts.meta["source"].astype(object).fillna("").astype(str).to_numpy()
    parts: list[pd.DataFrame] = []

    def add(kind_of: np.ndarray, obj: np.ndarray, shooter: np.ndarray, time: np.ndarray, text):
        lat, lon, alt, _ = state_at(ts, obj, time, gap_s)
        parts.append(
            _frame(
                {
                    "time": time,
                    "kind": kind_of,
                    "ids": [
                        (ids[o],) if s < 0 else (ids[s], ids[o])
                        for o, s in zip(obj, shooter, strict=True)
                    ],
                    "text": text,
                    "source": source[obj],
                    "origin": ["derived"] * len(obj),
                    "track": obj,
                    "other": shooter,
                    "lat": lat,
                    "lon": lon,
                    "alt": alt,
                },
                len(obj),
            )
        )

    # Weapons: missiles, bombs… one launch each; gun rounds grouped into bursts.
    weapons = np.flatnonzero(cls == ObjectClass.WEAPON.value)
    gun = np.array([any(g in t for g in _GUN_TAGS) for t in types[weapons]], dtype=bool)
    shooter, _ = _nearest_shooter(ts, weapons, True, gap_s)
    t_first = ts.first_times
    launch = weapons[~gun]
    if len(launch):
        who = shooter[~gun]
        text = [
            f"{names[w]} launched" + (f" by {names[s]}" if s >= 0 else "")
            for w, s in zip(launch, who, strict=True)
        ]
        add(np.full(len(launch), "Launch", dtype=object), launch, who, t_first[launch], text)
    rounds, by = weapons[gun], shooter[gun]
    if len(rounds):
        order = np.lexsort((t_first[rounds], by))
        rounds, by = rounds[order], by[order]
        t = t_first[rounds]
        new = np.r_[True, (by[1:] != by[:-1]) | (np.diff(t) > BURST_GAP_S)]
        burst = np.cumsum(new) - 1
        count = np.bincount(burst)
        head = rounds[new]
        who = by[new]
        text = [
            f"guns: {c} round{'s' if c != 1 else ''}" + (f" by {names[s]}" if s >= 0 else "")
            for c, s in zip(count, who, strict=True)
        ]
        add(np.full(len(head), "Guns", dtype=object), head, who, t_first[head], text)

    decoys = np.flatnonzero(cls == ObjectClass.DECOY.value)
    if len(decoys):
        who, _ = _nearest_shooter(ts, decoys, False, gap_s)
        text = [
            f"{names[d]} released" + (f" by {names[s]}" if s >= 0 else "")
            for d, s in zip(decoys, who, strict=True)
        ]
        add(np.full(len(decoys), "Decoy", dtype=object), decoys, who, t_first[decoys], text)

    # Aircraft taken out of the recording before its end.
    aircraft = cls == ObjectClass.AIRCRAFT.value
    removed = (
        pd.to_numeric(ts.meta["removed"], errors="coerce").to_numpy(dtype=np.float64)
        if "removed" in ts.meta
        else np.full(len(ts), np.nan)
    )
    early = aircraft & (removed < ts.end - END_TOLERANCE_S)
    destroyed = _destroyed_ids(ts)
    gone = np.flatnonzero(early)
    if len(gone):
        said = np.array([ids[g] in destroyed for g in gone], dtype=bool)
        kind = np.where(said, "Destroyed", "Removed").astype(object)
        text = [
            f"{names[g]} " + ("destroyed" if s else "removed from the recording")
            for g, s in zip(gone, said, strict=True)
        ]
        add(kind, gone, np.full(len(gone), -1), removed[gone], text)
    if track_ends:
        ends = np.flatnonzero(
            aircraft & ~np.isfinite(removed) & (ts.last_times < ts.end - END_TOLERANCE_S)
        )
        if len(ends):
            text = [f"{names[g]} track ends" for g in ends]
            add(
                np.full(len(ends), "Track ends", dtype=object),
                ends,
                np.full(len(ends), -1),
                ts.last_times[ends],
                text,
            )

    if not parts:
        return empty_event_frame()
    out = pd.concat(parts, ignore_index=True)
    return out.sort_values("time", kind="stable").reset_index(drop=True)


def _destroyed_ids(ts: TrackSet) -> set[str]:
    ev = ts.events
    if ev is None or len(ev) == 0:
        return set()
    hit = ev[ev["kind"].astype(str).str.lower() == "destroyed"]
    return {str(i) for ids in hit["ids"] for i in (ids or ())}


def recorded_events(ts: TrackSet, gap_s: float = DEFAULT_GAP_S) -> pd.DataFrame:
    """The recording's own events (ACMI ``Event=``, bookmarks) with a position: that of the
    first object they name, at the event time (NaN when they name none)."""
    ev = ts.events
    if ev is None or len(ev) == 0:
        return empty_event_frame()
    index = {i: k for k, i in enumerate(ts.meta["id"].astype(str))}
    ids = [tuple(str(i) for i in (x or ())) for x in ev["ids"]]
    first = np.array([index.get(x[0], -1) if x else -1 for x in ids], dtype=np.int64)
    second = np.array([index.get(x[1], -1) if len(x) > 1 else -1 for x in ids], dtype=np.int64)
    time = ev["time"].to_numpy(dtype=np.float64)
    lat, lon, alt, _ = state_at(ts, first, time, gap_s)
    return _frame(
        {
            "time": time,
            "kind": ev["kind"].astype(str).tolist(),
            "ids": ids,
            "text": ev["text"].astype(object).fillna("").tolist(),
            "source": ev["source"].astype(object).fillna("").tolist(),
            "origin": ["recorded"] * len(ev),
            "track": first,
            "other": second,
            "lat": lat,
            "lon": lon,
            "alt": alt,
        },
        len(ev),
    )


def merged_events(
    ts: TrackSet, gap_s: float = DEFAULT_GAP_S, track_ends: bool = False
) -> pd.DataFrame:
    """Recorded and derived events in one time-ordered list (recorded first at equal times):
    what the events dock lists, the map marks and the timeline ticks."""
    parts = [recorded_events(ts, gap_s), derived_events(ts, gap_s, track_ends)]
    parts = [p for p in parts if len(p)]
    if not parts:
        return empty_event_frame()
    out = pd.concat(parts, ignore_index=True)
    return out.sort_values("time", kind="stable").reset_index(drop=True)
