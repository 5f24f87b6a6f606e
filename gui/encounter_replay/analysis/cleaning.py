"""What of a recording the analysis may trust: implausible samples out, stale positions and
ground time cut off, each track's own gap limit, and ACMI objects held until they go.

The recording itself is never changed (a briefing shows the data as recorded); this stage
builds the analysis's view of it, with every sample it leaves out listed (track, time,
file line, reason) so an analyst can check it and a pair it might have changed can say so.

Rules (the README's "What the figures mean" states them for users):

* **Spike.** A step between consecutive samples is implausible when the object would have
  to fly faster than its class can (horizontal or vertical limit × Δt, plus a tolerance
  for time-stamp and quantisation noise). A run of at most :data:`SPIKE_RUN` samples with
  implausible steps on both sides, whose neighbours are plausible with each other, is a
  spike: excluded, and the track moves straight from the sample before to the one after.
  The same short run at a track's start or end (next to a much longer rest) is excluded
  too. Any implausible step left is a *sustained step*: the track is split there (no
  motion across it), since it is unknown which side is right.
* **Stale position.** A position repeated unchanged while the aircraft reports a speed
  that should have carried it :data:`STALE_DIST_M` further (or, with no speed reported,
  for :data:`STALE_HOLD_S` by an aeroplane above :data:`GROUND_ALT_M`) is not a
  position: the repeats
  are excluded, so the track ends at its last fresh position (or, when fresh positions
  resume within the gap limit, moves straight to the next one).
* **Ground.** On-ground state comes from the data (readsb ``"ground"``, CSV on-ground
  columns); where the data does not say, an aircraft (not a helicopter) is on the ground
  when its speed (reported, else from its positions) is under :data:`GROUND_SPEED_MPS`
  and its altitude under :data:`GROUND_ALT_M` (or unknown). Ground samples are not paired
  unless ``include_ground``.
* **Gaps.** ACMI objects (``held_until``) move straight between updates however far apart
  and hold their last state until removed or the recording ends. Other tracks are gapped
  where samples lie further apart than their limit: ``max_gap_s`` when set, else the larger
  of ``gap_s`` and three times the track's median sampling interval.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..model import DataWarning, ObjectClass, TrackSet
from ..model.trackset import ALL_SAMPLE_FIELDS, HELD_UNTIL
from ..model.units import KT
from .prepared import ALT_ABS_MAX, SOURCE, PreparedTracks, prepare
from .result import excluded_frame
from .settings import AnalysisSettings

#: Longest run of samples treated as a spike (longer runs split the track instead).
SPIKE_RUN = 3
#: Noise allowed on top of the class limits: time stamps rounded to the second, ADS-B
#: 25 ft altitude steps, position jitter.
POS_TOL_M = 200.0
ALT_TOL_M = 30.0
#: Reported speed × time a repeated position must stand for before it is called stale
#: (well above the few metres of ADS-B position resolution).
STALE_DIST_M = 50.0
#: Time an aeroplane's position may stay unchanged in the air when no speed is reported.
STALE_HOLD_S = 60.0
#: Speed and altitude under which an aircraft without on-ground data counts as on the
#: ground (40 kt: no aeroplane flies that slowly; 2,000 m: above the highest airports'
#: taxiways only by a few hundred metres).
GROUND_SPEED_MPS = 40 * KT
GROUND_ALT_M = 2_000.0
#: Reasons an excluded sample is listed with.
REASON_SPIKE_POSITION = "position spike"
REASON_SPIKE_ALTITUDE = "altitude spike"
REASON_EDGE = "implausible jump at track end"
REASON_STALE = "stale position"

_EARTH_R = 6_371_008.8
_RAD = np.pi / 180.0
_ROTOR_WORDS = ("rotorcraft", "helicopter")


@dataclass
class Cleaned:
    """The analysis's view of a set: same tracks in the same order, fewer (or held) samples.

    ``brk[i]`` says there is no motion from sample ``i − 1`` to ``i`` (a split); ``gap_s``
    is each track's gap limit (``inf`` for ACMI objects); ``excluded`` lists the samples
    left out as implausible or stale; ``n_ground`` counts samples not paired because on
    the ground.
    """

    ts: TrackSet
    brk: np.ndarray
    gap_s: np.ndarray
    excluded: pd.DataFrame = field(default_factory=excluded_frame)
    warnings: list[DataWarning] = field(default_factory=list)
    n_ground: int = 0


def class_limits(ts: TrackSet, settings: AnalysisSettings) -> tuple[np.ndarray, np.ndarray]:
    """Horizontal and vertical speed limits (m/s) of every track from its class (and
    ``helicopter`` from its type text: rotorcraft fly much slower than aeroplanes)."""
    classes = [str(c) for c in ts.meta["cls"]] if len(ts) else []
    types = [str(x).lower() if isinstance(x, str) else "" for x in ts.meta["type"]]
    kinds = [
        "helicopter"
        if c == ObjectClass.AIRCRAFT.value and any(w in ty for w in _ROTOR_WORDS)
        else c
        for c, ty in zip(classes, types, strict=True)
    ]
    limits = settings.speed_limits
    inf = (np.inf, np.inf)
    h = np.array([limits.get(k, inf)[0] for k in kinds], dtype=np.float64)
    v = np.array([limits.get(k, inf)[1] for k in kinds], dtype=np.float64)
    return h, v


def _pair_steps(
    cols: dict[str, np.ndarray], i: np.ndarray | None = None, j: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(dt, horizontal distance², |Δalt|)`` from samples ``i`` to ``j`` (consecutive
    samples when not given: slices, no gathers). Equirectangular distance: plenty to
    tell a flight from a jump."""
    t, lat, lon, alt = cols["t"], cols["lat"], cols["lon"], cols["alt"]
    if i is None:
        t0, t1, la0, la1 = t[:-1], t[1:], lat[:-1], lat[1:]
        lo0, lo1, h0, h1 = lon[:-1], lon[1:], alt[:-1], alt[1:]
    else:
        t0, t1, la0, la1 = t[i], t[j], lat[i], lat[j]
        lo0, lo1, h0, h1 = lon[i], lon[j], alt[i], alt[j]
    dt = np.abs(t1 - t0)
    dy = (la1 - la0) * (_RAD * _EARTH_R)
    dx = lo1 - lo0
    dx += 180.0
    dx %= 360.0
    dx -= 180.0
    dx *= np.cos(la1 * _RAD) * (_RAD * _EARTH_R)
    dx *= dx
    dy *= dy
    dx += dy
    return dt, dx, np.abs(h1 - h0)


def _too_fast(
    steps: tuple[np.ndarray, np.ndarray, np.ndarray], lim_h, lim_v
) -> tuple[np.ndarray, np.ndarray]:
    """Whether each step needs more than the limits (horizontal, vertical)."""
    dt, d2, dz = steps
    with np.errstate(invalid="ignore"):  # no limit (inf) × 0 s: no finding
        reach = lim_h * dt + POS_TOL_M
        bad_h = (d2 > reach * reach) & np.isfinite(reach)
        bad_v = dz > lim_v * dt + ALT_TOL_M  # NaN: False
    return bad_h, bad_v


def _step_limits(lim: np.ndarray, track: np.ndarray) -> np.ndarray | float:
    """Per-step limits (of the step's later sample's track); a number when all agree."""
    if len(lim) and np.all(lim == lim[0]):
        return float(lim[0])
    return lim[track[1:]]


def _spikes(
    cols: dict[str, np.ndarray],
    track: np.ndarray,
    lim_h: np.ndarray,
    lim_v: np.ndarray,
    active: np.ndarray,
    steps: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None,
    recorded: tuple[np.ndarray, np.ndarray] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Codes of samples to exclude (0 keep, 1 position, 2 altitude, 3 track end) and the
    implausible steps (``bad[i]``: step ``i → i+1``) of one pass over ``cols``
    (``steps``: :func:`_pair_steps` of ``cols`` when already at hand)."""
    n = len(track)
    code = np.zeros(n, dtype=np.int8)
    if n < 2:
        return code, np.zeros(n, dtype=bool)
    same = (track[1:] == track[:-1]) & active[1:]
    bh, bv = _too_fast(
        steps if steps is not None else _pair_steps(cols),
        _step_limits(lim_h, track),
        _step_limits(lim_v, track),
    )
    bad = np.zeros(n, dtype=bool)
    bad[:-1] = same & (bh | bv)
    badh = np.zeros(n, dtype=bool)
    badh[:-1] = same & bh
    if not bad.any():
        return code, bad
    # Pieces: runs of samples between implausible steps (or track ends).
    start = np.ones(n, dtype=bool)
    start[1:] = ~same | bad[:-1]
    starts = np.flatnonzero(start)
    ends = np.append(starts[1:], n) - 1
    length = ends - starts + 1
    bad_before = np.zeros(len(starts), dtype=bool)
    bad_before[starts > 0] = bad[starts[starts > 0] - 1]
    bad_after = bad[ends]
    short = length <= SPIKE_RUN
    # Between two implausible steps: a spike when its neighbours agree with each other.
    mid = np.flatnonzero(short & bad_before & bad_after)
    if len(mid):
        a, b = starts[mid] - 1, ends[mid] + 1
        ok_h, ok_v = _too_fast(_pair_steps(cols, a, b), lim_h[track[a]], lim_v[track[a]])
        mid = mid[~(ok_h | ok_v)]
    # At a track's start or end, next to a rest at least twice as long.
    piece_track = track[starts]
    t_first = np.searchsorted(track, piece_track, side="left")
    t_last = np.searchsorted(track, piece_track, side="right") - 1
    track_len = t_last - t_first + 1
    at_start = (starts == t_first) & bad_after & ~bad_before
    at_end = (ends == t_last) & bad_before & ~bad_after
    if recorded is not None:  # a part of the recording: only its true ends are ends
        t = cols["t"]
        with np.errstate(invalid="ignore"):
            at_start &= ~(t[starts] > recorded[0][piece_track])
            at_end &= ~(t[ends] < recorded[1][piece_track])
    edge = np.flatnonzero(short & (at_start | at_end) & (track_len >= 3 * length))
    for which, value in ((mid, 0), (edge, 3)):
        if not len(which):
            continue
        cnt = length[which]
        idx = np.repeat(starts[which], cnt) + (
            np.arange(int(cnt.sum())) - np.repeat(np.cumsum(cnt) - cnt, cnt)
        )
        if value:
            code[idx] = value
        else:
            # Position when a step next to the sample is too long, else altitude.
            pos = badh[idx] | badh[np.maximum(idx - 1, 0)]
            code[idx] = np.where(pos, 1, 2)
    return code, bad


#: The sample fields the analysis reads; the view's other fields are left unknown (NaN).
_ANALYSED = ("t", "lat", "lon", "alt")


def _take(ts: TrackSet, keep: np.ndarray, track: np.ndarray) -> TrackSet:
    """The set with only the samples where ``keep``, every track kept (maybe empty)."""
    if keep.all():
        return ts
    lengths = np.bincount(track[keep], minlength=len(ts))
    offsets = np.zeros(len(ts) + 1, dtype=np.int64)
    np.cumsum(lengths, out=offsets[1:])
    unknown = np.full(int(lengths.sum()), np.nan)
    cols = {
        name: getattr(ts, name)[keep] if name in _ANALYSED else unknown
        for name in ALL_SAMPLE_FIELDS
    }
    return TrackSet(**cols, offsets=offsets, meta=ts.meta, title=ts.title)


def _median_intervals(t: np.ndarray, offsets: np.ndarray) -> np.ndarray:
    """Median sampling interval of every track (0 for tracks with fewer than 2 samples).

    Only tracks whose intervals are mostly long (> 10 s) need the exact median for the gap
    rule; the others get 0 without a sort over every sample.
    """
    n_tracks = len(offsets) - 1
    out = np.zeros(n_tracks)
    if len(t) < 2:
        return out
    n_int = np.maximum(np.diff(offsets) - 1, 0)
    long_at = np.flatnonzero(np.diff(t) > 10.0)  # step i → i + 1
    k = np.searchsorted(offsets, long_at, side="right") - 1
    inner = long_at + 1 < offsets[k + 1]  # not a step across tracks
    n_long = np.bincount(k[inner], minlength=n_tracks)
    sparse = np.flatnonzero((2 * n_long >= n_int) & (n_int > 0))
    for j in sparse:  # (few tracks: those sampled sparsely)
        out[j] = float(np.median(np.diff(t[offsets[j] : offsets[j + 1]])))
    return out


def _held_until(ts: TrackSet) -> np.ndarray:
    if HELD_UNTIL not in ts.meta or len(ts) == 0:
        return np.full(len(ts), np.nan)
    return pd.to_numeric(ts.meta[HELD_UNTIL], errors="coerce").to_numpy(np.float64)


def _hold(ts: TrackSet, brk: np.ndarray, until: np.ndarray) -> tuple[TrackSet, np.ndarray]:
    """Add a copy of each held track's last sample at its ``until`` time."""
    if ts.n_samples == 0:
        return ts, brk
    nonempty = np.diff(ts.offsets) > 0
    last = ts.offsets[1:] - 1
    add = np.flatnonzero(nonempty & (until > np.where(nonempty, ts.t[np.maximum(last, 0)], 0)))
    if not len(add):
        return ts, brk
    at = ts.offsets[add + 1]
    src = at - 1
    cols = {}
    for name in ALL_SAMPLE_FIELDS:
        arr = getattr(ts, name)
        vals = until[add] if name == "t" else arr[src]
        if name == "line":
            vals = np.full(len(add), np.nan)
        cols[name] = np.insert(arr, at, vals)
    grown = np.zeros(len(ts), dtype=np.int64)
    grown[add] = 1
    offsets = ts.offsets + np.r_[0, np.cumsum(grown)]
    out = TrackSet(**cols, offsets=offsets, meta=ts.meta, title=ts.title)
    return out, np.insert(brk, at, False)


def clean(ts: TrackSet, settings: AnalysisSettings) -> Cleaned:
    """The analysis's view of ``ts`` (see the module docstring for the rules)."""
    n_tr = len(ts)
    track = ts.track_index_of_samples()
    cls = np.array([str(c) for c in ts.meta["cls"]] or [""], dtype=object)[:n_tr]
    wanted = np.array([c in settings.include for c in cls], dtype=bool) & (
        cls != ObjectClass.REFERENCE.value
    )
    active = wanted[track]
    lim_h, lim_v = class_limits(ts, settings)

    def names(tracks: np.ndarray) -> np.ndarray:
        """Labels of some tracks (callsign, else name, else id, as :func:`labels`)."""
        uniq, inv = np.unique(tracks, return_inverse=True)
        cols = [
            ts.meta[c].to_numpy(dtype=object)[uniq] if c in ts.meta else [""] * len(uniq)
            for c in ("callsign", "name", "id")
        ]
        text = [
            next((str(v) for v in vals if isinstance(v, str) and v), str(vals[-1]))
            for vals in zip(*cols, strict=True)
        ]
        return np.array(text or [""], dtype=object)[inv] if len(uniq) else np.zeros(0, object)

    held = _held_until(ts)
    is_held = np.isfinite(held)
    warnings: list[DataWarning] = []
    cols = {name: getattr(ts, name) for name in ("t", "lat", "lon", "speed")}
    with np.errstate(invalid="ignore"):  # absurd altitudes are unknown, as in prepare
        cols["alt"] = np.where(np.abs(ts.alt) <= ALT_ABS_MAX, ts.alt, np.nan)
    n = ts.n_samples
    reason = np.zeros(n, dtype=np.int8)  # 0 kept; 1/2/3 spike kinds; 4 stale
    split_before = np.zeros(n, dtype=bool)
    steps = _pair_steps(cols) if n > 1 else None

    if not settings.keep_outliers and n > 1:
        code, bad = _spikes(cols, track, lim_h, lim_v, active, steps, _recorded(ts))
        reason[code > 0] = code[code > 0]
        if (code > 0).any():
            # Steps between the samples left: unchanged where consecutive, else a bridge
            # over excluded samples, judged now (a spike's neighbours agree by definition,
            # an end piece leaves no bridge).
            rest = np.flatnonzero(code == 0)
            r0, r1 = rest[:-1], rest[1:]
            step_bad = bad[r0].copy()
            bridge = np.flatnonzero(r1 != r0 + 1)
            if len(bridge):
                a, b = r0[bridge], r1[bridge]
                bh, bv = _too_fast(_pair_steps(cols, a, b), lim_h[track[a]], lim_v[track[a]])
                step_bad[bridge] = (bh | bv) & (track[a] == track[b]) & active[b]
            split_before[r1[step_bad]] = True
        else:
            split_before[1:] = bad[:-1]
        fixed_wing = (cls == ObjectClass.AIRCRAFT.value) & (lim_h > 200.0)
        reason[_stale(cols, track, active & (reason == 0), is_held, fixed_wing)] = 4

    # Stale repeats are left out like spikes: at a track's end the track ends at its last
    # fresh position; between fresh positions it moves straight across them (if the gap
    # limit allows), which is where it was.
    removed = np.zeros(n, dtype=bool)
    # On the ground: from the data, else the speed-and-height rule.
    ground = _on_ground(ts, track, lim_h, active, reason == 0, steps)
    n_ground = 0
    if not settings.include_ground:
        gmask = ground & (reason == 0)
        n_ground = int(gmask.sum())
        removed = removed | gmask
    keep = reason == 0
    if not settings.include_ground:
        keep &= ~ground
    # Ground samples removed leave no motion across them (spikes and stale repeats do:
    # the track moves straight past them), and nor does a sustained step.
    if removed.any() or split_before.any():
        kept = np.flatnonzero(keep)
        c_removed = np.cumsum(removed)
        c_split = np.cumsum(split_before)
        brk = np.zeros(len(kept), dtype=bool)
        if len(kept) > 1:
            a, b = kept[:-1], kept[1:]
            brk[1:] = (c_removed[b - 1] - c_removed[a] > 0) | (c_split[b] - c_split[a] > 0)
    else:
        brk = np.zeros(int(keep.sum()), dtype=bool)
    cleaned = _take(ts, keep, track)
    cleaned, brk = _hold(cleaned, brk, np.where(is_held & wanted, held, np.nan))

    ex = np.flatnonzero((reason > 0) & active)
    texts = np.array(
        ["", REASON_SPIKE_POSITION, REASON_SPIKE_ALTITUDE, REASON_EDGE, REASON_STALE],
        dtype=object,
    )
    excluded = pd.DataFrame(
        {
            "track": track[ex].astype(np.int64),
            "id": pd.Series(ts.meta["id"].to_numpy(dtype=object)[track[ex]], dtype=object),
            "name": pd.Series(names(track[ex]) if len(ex) else [], dtype=object),
            "time": ts.t[ex],
            "lat": ts.lat[ex],
            "lon": ts.lon[ex],
            "line": ts.line[ex],
            "reason": pd.Series(texts[reason[ex]], dtype=object),
        }
    )
    if len(excluded):
        warnings.append(_excluded_warning(excluded, reason[ex], texts, names))
    n_split = int((split_before & keep).sum())
    if n_split:
        where = names(np.unique(track[split_before & keep]))
        warnings.append(
            DataWarning(
                SOURCE,
                f"{n_split} sustained implausible step(s) split tracks ({_examples(where)}): "
                "no motion is assumed across them",
                count=n_split,
            )
        )
    if n_ground:
        where = names(np.unique(track[ground & (reason == 0)]))
        warnings.append(
            DataWarning(
                SOURCE,
                f"{n_ground} sample(s) on the ground in {len(where)} track(s) "
                f"({_examples(where)}) not paired (--include-ground pairs them)",
                count=n_ground,
            )
        )
    gap = _gap_limits(cleaned, settings, is_held)
    return Cleaned(cleaned, brk, gap, excluded, warnings, n_ground)


def _examples(names: np.ndarray, k: int = 3) -> str:
    more = f" and {len(names) - k} more" if len(names) > k else ""
    return ", ".join(str(x) for x in names[:k]) + more


def _excluded_warning(
    excluded: pd.DataFrame, codes: np.ndarray, texts: np.ndarray, names
) -> DataWarning:
    counts = np.bincount(codes, minlength=len(texts))
    kinds = "; ".join(f"{int(c)} {texts[r]}" for r, c in enumerate(counts) if c)
    tracks = pd.unique(excluded["track"].to_numpy())
    return DataWarning(
        SOURCE,
        f"{len(excluded)} implausible sample(s) left out of the analysis ({kinds}) in "
        f"{len(tracks)} track(s) ({_examples(names(tracks[:3]))}"
        f"{f' and {len(tracks) - 3} more' if len(tracks) > 3 else ''}); see "
        "excluded_samples (--keep-outliers keeps them)",
        count=len(excluded),
    )


def _stale(
    cols: dict[str, np.ndarray],
    track: np.ndarray,
    active: np.ndarray,
    is_held: np.ndarray,
    fixed_wing: np.ndarray,
) -> np.ndarray:
    """Samples repeating the previous position while the reported speed says the
    aircraft should by then be :data:`STALE_DIST_M` further on, or, without a speed, an
    aeroplane's position held unchanged :data:`STALE_HOLD_S` in the air (sampled sources
    only: ACMI writes only changes)."""
    n = len(track)
    out = np.zeros(n, dtype=bool)
    if n < 2:
        return out
    lat, lon, t, speed = cols["lat"], cols["lon"], cols["t"], cols["speed"]
    rep = np.zeros(n, dtype=bool)
    rep[1:] = (lat[1:] == lat[:-1]) & (lon[1:] == lon[:-1])
    rep[1:] &= track[1:] == track[:-1]
    rep &= active
    if not rep.any():
        return out
    rep &= ~is_held[track]
    # Runs of repeats: the run's time since its fresh sample, times the speed reported.
    idx = np.flatnonzero(rep)
    start = np.r_[True, idx[1:] != idx[:-1] + 1]
    run = np.cumsum(start) - 1
    fresh_t = t[idx[start] - 1]
    since = t[idx] - fresh_t[run]
    with np.errstate(invalid="ignore"):
        far = speed[idx] * since >= STALE_DIST_M
        # Without a reported speed: an aeroplane does not hang in the air for a minute.
        far |= (
            ~np.isfinite(speed[idx])
            & (since >= STALE_HOLD_S)
            & (cols["alt"][idx] >= GROUND_ALT_M)
            & fixed_wing[track[idx]]
        )
    # The whole run is stale once it is far enough (its early repeats included).
    stale_run = np.zeros(int(run[-1]) + 1 if len(run) else 0, dtype=bool)
    stale_run[run[far]] = True
    out[idx[stale_run[run]]] = True
    return out


def _on_ground(
    ts: TrackSet,
    track: np.ndarray,
    lim_h: np.ndarray,
    active: np.ndarray,
    usable: np.ndarray,
    steps: tuple[np.ndarray, np.ndarray, np.ndarray] | None,
) -> np.ndarray:
    """On-ground flag per sample: the data's, else the speed-and-height rule (aircraft,
    not helicopters: their limit is below an aeroplane's)."""
    n = len(track)
    flag = ts.ground
    out = np.zeros(n, dtype=bool)
    known = np.isfinite(flag)
    out[known] = flag[known] > 0.5
    cls = np.array([str(c) for c in ts.meta["cls"]] or [""], dtype=object)[: len(ts)]
    plane = (cls == ObjectClass.AIRCRAFT.value) & (lim_h > 200.0)
    with np.errstate(invalid="ignore"):
        low = ~(ts.alt >= GROUND_ALT_M)  # (unknown altitude counts as low)
    rule = low & ~known & active & usable
    if not rule.any():
        return out & active
    rule &= plane[track]
    i = np.flatnonzero(rule)
    speed = ts.speed[i]
    need = ~np.isfinite(speed)
    if need.any() and steps is not None:  # from the positions: faster of the steps in/out
        dt, d2, _ = steps
        k = i[need]
        same = np.r_[track[1:] == track[:-1], False]

        def step_speed(s: np.ndarray) -> np.ndarray:  # speed of step s → s + 1
            ok = (s >= 0) & (s < n - 1)
            sc = np.clip(s, 0, max(n - 2, 0))
            with np.errstate(invalid="ignore", divide="ignore"):
                # (a step across a gap says nothing of the speed at either end)
                good = ok & same[sc] & (dt[sc] > 0) & (dt[sc] <= 30.0)
                return np.where(good, np.sqrt(d2[sc]) / dt[sc], np.nan)

        speed[need] = np.fmax(step_speed(k - 1), step_speed(k))
    with np.errstate(invalid="ignore"):
        out[i] |= speed < GROUND_SPEED_MPS
    return out & active


#: Meta columns giving the first and last recorded time of each track when the set holds
#: only part of it (an archive screened in windows): a window's edge is not a track's end.
RECORDED_COLUMNS = ("recorded_first_t", "recorded_last_t")


def _recorded(ts: TrackSet) -> tuple[np.ndarray, np.ndarray] | None:
    if not all(c in ts.meta for c in RECORDED_COLUMNS) or not len(ts):
        return None
    return tuple(
        pd.to_numeric(ts.meta[c], errors="coerce").to_numpy(np.float64) for c in RECORDED_COLUMNS
    )


#: Meta column fixing a track's gap limit from outside: a part of a recording (an archive
#: screened in windows) cannot see the whole track's median interval, its screen can.
GAP_LIMIT_COLUMN = "gap_limit_s"


def gap_limit(settings: AnalysisSettings, median_interval: np.ndarray) -> np.ndarray:
    """The gap limit of sampled tracks from their median sampling interval (0: not
    sparse, see :func:`_median_intervals`)."""
    if settings.max_gap_s is not None:
        return np.full(len(median_interval), float(settings.max_gap_s))
    return np.maximum(float(settings.gap_s), 3.0 * median_interval)


def _gap_limits(ts: TrackSet, settings: AnalysisSettings, is_held: np.ndarray) -> np.ndarray:
    """Each track's gap limit: ``inf`` for held (ACMI) tracks, ``max_gap_s`` when set,
    else the larger of ``gap_s`` and three times the track's median interval (or the
    meta's :data:`GAP_LIMIT_COLUMN` where it gives one)."""
    if settings.max_gap_s is not None:
        gap = gap_limit(settings, np.zeros(len(ts)))
    else:
        gap = gap_limit(settings, _median_intervals(ts.t, ts.offsets))
        if GAP_LIMIT_COLUMN in ts.meta and len(ts):
            fixed = pd.to_numeric(ts.meta[GAP_LIMIT_COLUMN], errors="coerce").to_numpy(float)
            gap = np.where(np.isfinite(fixed), fixed, gap)
    return np.where(is_held, np.inf, gap)


def cleaned_and_prepared(ts: TrackSet, settings: AnalysisSettings) -> PreparedTracks:
    """The prepared tracks :func:`.engine.analyze` builds from ``ts``: cleaned, then
    prepared with each track's own gap limit (for what needs the analysis's view of a
    few tracks: the window's unassessed stretches, archive screening)."""
    cleaned = clean(ts, settings)
    return prepare(
        cleaned.ts,
        settings.include,
        settings.gap_s,
        settings.visual_ranges(ts.meta),
        brk=cleaned.brk,
        track_gap=cleaned.gap_s,
    )
