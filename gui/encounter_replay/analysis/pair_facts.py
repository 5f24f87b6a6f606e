"""What kind of encounter each reported pair is, and where it stands in the ranking.

Computed after the exact stage, over the reported pairs only, all vectorised:

* ``assessed_s``/``unassessed_s``: the pair's common time (overlap of the two tracks'
  spans) split into what was assessed (both moving on a segment with known altitude)
  and what was not (gaps, splits, unknown altitude).
* ``relation``: ``cross-side`` when both coalitions are known and differ, ``same-side``
  when known and equal, else ``unknown``.
* ``formation``: within ``formation_h_m`` horizontally and ``formation_v_m`` vertically
  (the lead's height taken up to 30 s earlier or later: a wingman in trail climbs after
  the lead) with speeds within ``formation_dv_mps`` of each other, for at least
  ``formation_share`` of the time both were present (at least :data:`FORMATION_MIN_S`).
* ``severity``: the highest of :data:`SEVERITY_LEVELS` reached.
* ``affected_by_excluded``: a sample excluded by the cleaning stage lies in the pair's
  common time (of the tracks as recorded) within the pair's visual range, separation
  minimum or CPA distance of the other aircraft (or the other was absent then), so
  keeping it could change the figures.
* ``implausible_closure``: an aircraft pair whose closure exceeds the sum of the two
  classes' speed limits: flagged and not ranked.
* ``rank``: 1 = the encounter to brief first (see :func:`rank_order`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..geo import ecef_ground_and_normal
from ..model import DataWarning, ObjectClass, TrackSet
from .prepared import SOURCE, PreparedTracks
from .settings import AnalysisSettings

#: Severity levels, most severe first (a DAA well-clear violation sits between NMAC and
#: loss of separation); everything orders by the position in this tuple.
SEVERITY_LEVELS = ("nmac", "well_clear", "loss_of_separation", "visual_contact", "none")
#: Interval column that decides each level (``none`` has none).
SEVERITY_COLUMNS = {
    "nmac": "nmac",
    "well_clear": "well_clear_violation",
    "loss_of_separation": "loss_of_separation",
    "visual_contact": "visual_contact",
}
RELATIONS = ("cross-side", "unknown", "same-side")
#: Least time both present for a pair to count as a formation.
FORMATION_MIN_S = 60.0
#: Lags (s) of the lead's height a wingman's is compared with (in trail it climbs later).
FORMATION_LAGS_S = (-30.0, -15.0, 15.0, 30.0)
#: Most probe times per pair in the formation test.
FORMATION_PROBES = 240
#: Excluded samples of a track are compared with a pair once per this many seconds, and
#: the other aircraft is taken to move at most this fast meanwhile.
THIN_S = 10.0
MAX_SPEED_MPS = 800.0
_NO_SIDE = frozenset({"", "neutral", "neutrals", "unknown", "none", "nan"})
_MAX_NAMED = 20


def _coverage(prep: PreparedTracks) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Runs of assessed time per track: ``(key_start, length, cum_before, run_track)``
    sorted by key (keys as :meth:`PreparedTracks.keys`)."""
    n = len(prep.t)
    if n < 2:
        z = np.zeros(0)
        return z, z, z, np.zeros(0, dtype=np.int64)
    known = np.isfinite(prep.alt)
    ok = prep.seg_ok[:-1] & known[:-1] & known[1:]
    edge = np.diff(np.r_[0, ok.astype(np.int8), 0])
    first = np.flatnonzero(edge == 1)
    last = np.flatnonzero(edge == -1)  # exclusive end segment index = end sample index
    key0 = prep.key[first]
    length = prep.t[last] - prep.t[first]
    cum = np.r_[0.0, np.cumsum(length)[:-1]]
    track = np.searchsorted(prep.offsets, first, side="right") - 1
    return key0, length, cum, track


def _covered_upto(cov: tuple[np.ndarray, ...], prep: PreparedTracks, j, t) -> np.ndarray:
    """Global cumulative assessed time up to time ``t`` of track ``j`` (differences of two
    values of one track give its assessed time between them)."""
    key0, length, cum, _ = cov
    if len(key0) == 0:
        return np.zeros(np.shape(t))
    x = prep.keys(j, t)
    r = np.searchsorted(key0, x, side="right") - 1
    rc = np.maximum(r, 0)
    inside = np.clip(x - key0[rc], 0.0, length[rc])
    return np.where(r >= 0, cum[rc] + inside, 0.0)


def assessed_time(
    prep: PreparedTracks,
    ja: np.ndarray,
    jb: np.ndarray,
    span: tuple[float, float] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """``(assessed_s, common_s)`` of prepared-track pairs ``ja``, ``jb`` (within ``span``
    when given: an analysis of a span answers for that time only)."""
    c0 = np.maximum(prep.first[ja], prep.first[jb])
    c1 = np.minimum(prep.last[ja], prep.last[jb])
    if span is not None:
        c0, c1 = np.maximum(c0, span[0]), np.minimum(c1, span[1])
    common = np.maximum(c1 - c0, 0.0)
    cov = _coverage(prep)
    key0, length, _, run_track = cov
    n_runs = np.bincount(run_track, minlength=len(prep))
    run_first = np.r_[0, np.cumsum(n_runs)[:-1]].astype(np.int64)
    cnt = n_runs[ja]
    pair = np.repeat(np.arange(len(ja)), cnt)
    r = np.repeat(run_first[ja], cnt) + (
        np.arange(int(cnt.sum())) - np.repeat(np.cumsum(cnt) - cnt, cnt)
    )
    s = key0[r] - ja[pair] * prep.span_key + prep.t_ref
    e = s + length[r]
    s, e = np.maximum(s, c0[pair]), np.minimum(e, c1[pair])
    ok = e > s
    jbp = jb[pair[ok]]
    got = _covered_upto(cov, prep, jbp, e[ok]) - _covered_upto(cov, prep, jbp, s[ok])
    assessed = np.bincount(pair[ok], weights=got, minlength=len(ja))
    return np.minimum(assessed, common), common


def relations(meta: pd.DataFrame, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``cross-side``/``same-side``/``unknown`` of each pair from the tracks' coalitions."""
    raw = meta["coalition"] if "coalition" in meta else [""] * len(meta)
    side = [str(x).strip().lower() if isinstance(x, str) else "" for x in raw]
    side = np.array(["" if x in _NO_SIDE else x for x in side] or [""], dtype=object)
    sa, sb = side[a], side[b]
    known = (sa != "") & (sb != "")
    return np.where(known, np.where(sa == sb, "same-side", "cross-side"), "unknown").astype(object)


def _locate(prep: PreparedTracks, j: np.ndarray, t: np.ndarray) -> tuple[np.ndarray, ...]:
    """``(i, nx, moving, present, f)``: the segment ``i → nx`` of each track at each time,
    whether it moves there, whether the track is present, and the fraction along it."""
    i = prep.last_at_or_before(j, t)
    lo, hi = prep.offsets[j], prep.offsets[j + 1] - 1
    inside = (i >= lo) & (i <= hi)
    i = np.clip(i, lo, hi)
    nx = np.minimum(i + 1, hi)
    moving = inside & prep.seg_ok[i] & (nx > i)
    present = moving | (inside & (prep.t[i] == t))
    with np.errstate(invalid="ignore", divide="ignore"):
        f = np.where(moving, (t - prep.t[i]) / (prep.t[nx] - prep.t[i]), 0.0)
    return i, nx, moving, present, f


def _ground_at(prep: PreparedTracks, j: np.ndarray, t: np.ndarray) -> tuple[np.ndarray, ...]:
    """Presence and ground point (3, n) of tracks at times (the cheap part of _state)."""
    i, nx, _moving, present, f = _locate(prep, j, t)
    return present, prep.g[:, i] + f * (prep.g[:, nx] - prep.g[:, i])


def _state(prep: PreparedTracks, j: np.ndarray, t: np.ndarray) -> tuple[np.ndarray, ...]:
    """Presence, ground point (3, n), altitude and ECEF velocity (3, n) of tracks at times."""
    i, nx, moving, present, f = _locate(prep, j, t)
    with np.errstate(invalid="ignore", divide="ignore"):
        vel = np.where(moving, (prep.p[:, nx] - prep.p[:, i]) / (prep.t[nx] - prep.t[i]), np.nan)
    g = prep.g[:, i] + f * (prep.g[:, nx] - prep.g[:, i])
    alt = prep.alt[i] + f * (prep.alt[nx] - prep.alt[i])
    return present, g, alt, vel


def _probes(
    prep: PreparedTracks, a: np.ndarray, b: np.ndarray, most: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(pair, t, step)``: up to ``most`` evenly spaced times (at least 1 s apart) over
    each pair's common span; ``pair`` indexes ``a``/``b``, ``step`` is per pair."""
    c0 = np.maximum(prep.first[a], prep.first[b])
    c1 = np.minimum(prep.last[a], prep.last[b])
    span = np.maximum(c1 - c0, 0.0)
    n = np.clip(np.ceil(span), 1, most).astype(np.int64)
    step = span / n
    pair = np.repeat(np.arange(len(a)), n)
    k = np.arange(int(n.sum())) - np.repeat(np.cumsum(n) - n, n)
    return pair, c0[pair] + (k + 0.5) * step[pair], step


def _horizontal_share(
    prep: PreparedTracks, a: np.ndarray, b: np.ndarray, limit: float, most: int
) -> np.ndarray:
    """Share of the probes with both present at which the two are within ``limit``
    horizontally (a cheap first look: formation needs most of the time so close)."""
    pair, t, _ = _probes(prep, a, b, most)
    pa, ga = _ground_at(prep, a[pair], t)
    pb, gb = _ground_at(prep, b[pair], t)
    both = pa & pb
    dg = gb - ga
    close = both & (np.sum(dg * dg, axis=0) <= limit * limit)
    n_both = np.bincount(pair, weights=both, minlength=len(a))
    n_close = np.bincount(pair, weights=close, minlength=len(a))
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(n_both > 0, n_close / n_both, 0.0)


def formations(
    prep: PreparedTracks,
    ja: np.ndarray,
    jb: np.ndarray,
    min_horizontal: np.ndarray,
    settings: AnalysisSettings,
) -> np.ndarray:
    """Whether each pair flew together (see the module docstring), probed at up to
    :data:`FORMATION_PROBES` evenly spaced times (at least one a second), after a coarse
    look that drops pairs seldom within the horizontal limit."""
    out = np.zeros(len(ja), dtype=bool)
    cand = np.flatnonzero(min_horizontal <= settings.formation_h_m)
    if not len(cand):
        return out
    # Coarse: 24 probes; a pair close at under half of them is no formation (the fine
    # share cannot reach 80 % then but by a sampling fluke of that size).
    coarse = _horizontal_share(prep, ja[cand], jb[cand], settings.formation_h_m, 24)
    cand = cand[coarse >= min(0.5, settings.formation_share)]
    if not len(cand):
        return out
    a, b = ja[cand], jb[cand]
    pair, t, step = _probes(prep, a, b, FORMATION_PROBES)
    pa, ga, ha, va = _state(prep, a[pair], t)
    pb, gb, hb, vb = _state(prep, b[pair], t)
    both = pa & pb
    dg = gb - ga
    with np.errstate(invalid="ignore"):
        dv = np.abs(np.sqrt(np.sum(vb * vb, axis=0)) - np.sqrt(np.sum(va * va, axis=0)))
        close = (
            both
            & (np.sum(dg * dg, axis=0) <= settings.formation_h_m**2)
            & (dv <= settings.formation_dv_mps)
        )
        level = close & (np.abs(hb - ha) <= settings.formation_v_m)
    # A wingman in trail climbs, descends and turns behind the lead: heights are compared
    # allowing the lag (only where the rest holds), and speeds, not directions, must match.
    todo = np.flatnonzero(close & ~level)
    for lag in FORMATION_LAGS_S:
        if not len(todo):
            break
        _, _, h_lag, _ = _state(prep, a[pair[todo]], t[todo] + lag)
        with np.errstate(invalid="ignore"):
            ok = np.abs(hb[todo] - h_lag) <= settings.formation_v_m
        level[todo[ok]] = True
        todo = todo[~ok]
    n_both = np.bincount(pair, weights=both, minlength=len(cand))
    n_close = np.bincount(pair, weights=level, minlength=len(cand))
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(n_both > 0, n_close / n_both, 0.0)
    out[cand] = (share >= settings.formation_share) & (n_both * step >= FORMATION_MIN_S)
    return out


def severities(pairs: pd.DataFrame) -> np.ndarray:
    """The highest level of :data:`SEVERITY_LEVELS` each pair reached."""
    out = np.full(len(pairs), SEVERITY_LEVELS[-1], dtype=object)
    for level in reversed(SEVERITY_LEVELS[:-1]):
        col = SEVERITY_COLUMNS[level]
        if col in pairs:
            hit = np.array([len(x) > 0 for x in pairs[col]], dtype=bool)
            out[hit] = level
    return out


def affected_by_excluded(
    ts: TrackSet,
    excluded: pd.DataFrame,
    prep: PreparedTracks,
    ja: np.ndarray,
    jb: np.ndarray,
    radius: np.ndarray,
    span: tuple[float, float] | None = None,
) -> np.ndarray:
    """Whether an excluded sample of either aircraft could have changed the pair: it lies
    in their common time (of the tracks as recorded, so stale repeats after a track's end
    count) at a place within ``radius`` (per pair: the largest of its visual range, the
    horizontal separation minimum and its CPA distance) of where the other aircraft was
    then, or the other was not present to compare with."""
    out = np.zeros(len(ja), dtype=bool)
    if len(excluded) == 0 or len(ja) == 0:
        return out
    a, b = prep.track[ja], prep.track[jb]
    first, last = ts.first_times, ts.last_times
    c0 = np.maximum(first[a], first[b])
    c1 = np.minimum(last[a], last[b])
    if span is not None:  # (an analysis of a span answers for that time only)
        c0, c1 = np.maximum(c0, span[0]), np.minimum(c1, span[1])
    ex_track = excluded["track"].to_numpy(np.int64)
    ex_time = excluded["time"].to_numpy(np.float64)
    span = float(np.nanmax(np.abs(ts.t))) * 4.0 + 1.0 if ts.n_samples else 1.0
    order = np.argsort(ex_track * span + ex_time, kind="stable")
    # One excluded sample per track and THIN_S (stale runs hold hundreds): the other
    # aircraft moves at most THIN_S × its top speed meanwhile, added to the radius.
    bucket = np.floor(ex_time[order] / THIN_S)
    tr = ex_track[order]
    first = np.r_[True, (tr[1:] != tr[:-1]) | (bucket[1:] != bucket[:-1])]
    order = order[first]
    radius = radius + THIN_S * MAX_SPEED_MPS
    keys = (ex_track * span + ex_time)[order]
    g_ex, _ = ecef_ground_and_normal(
        excluded["lat"].to_numpy(np.float64)[order], excluded["lon"].to_numpy(np.float64)[order]
    )
    ex_time = ex_time[order]
    for own, other in ((a, jb), (b, ja)):
        lo = np.searchsorted(keys, own * span + c0, side="left")
        hi = np.searchsorted(keys, own * span + c1, side="right")
        cnt = hi - lo
        if not cnt.any():
            continue
        pair = np.repeat(np.arange(len(ja)), cnt)
        k = np.repeat(lo, cnt) + (np.arange(int(cnt.sum())) - np.repeat(np.cumsum(cnt) - cnt, cnt))
        present, g_other = _ground_at(prep, other[pair], ex_time[k])
        d = g_ex[:, k] - g_other
        with np.errstate(invalid="ignore"):
            near = ~present | (np.sum(d * d, axis=0) <= radius[pair] ** 2)
        out[pair[near]] = True
    return out


def _codes(values: np.ndarray, levels: tuple[str, ...]) -> np.ndarray:
    """Position of each value in ``levels`` (unknown values after all of them)."""
    out = np.full(len(values), len(levels), dtype=np.int64)
    for i, level in enumerate(levels):
        out[values == level] = i
    return out


def rank_order(pairs: pd.DataFrame) -> np.ndarray:
    """Row order of the ranking: flagged (implausible closure) pairs last, then
    non-formation before formation, cross-side before unknown before same-side, severity
    (NMAC, loss of separation, visual contact, none), CPA slant range (unknown last),
    least horizontal separation."""
    sev = _codes(pairs["severity"].to_numpy(dtype=object), SEVERITY_LEVELS)
    rel = _codes(pairs["relation"].to_numpy(dtype=object), RELATIONS)
    slant = np.nan_to_num(pairs["cpa_slant_m"].to_numpy(np.float64), nan=np.inf)
    return np.lexsort(
        (
            np.nan_to_num(pairs["min_horizontal_m"].to_numpy(np.float64), nan=np.inf),
            slant,
            sev,
            rel,
            pairs["formation"].to_numpy(bool),
            pairs["implausible_closure"].to_numpy(bool),
        )
    )


def add_pair_facts(
    pairs: pd.DataFrame,
    ts: TrackSet,
    prep: PreparedTracks,
    ja: np.ndarray,
    jb: np.ndarray,
    excluded: pd.DataFrame,
    limits_h: np.ndarray,
    settings: AnalysisSettings,
    span: tuple[float, float] | None = None,
) -> tuple[pd.DataFrame, list[DataWarning]]:
    """``pairs`` with the columns of the module docstring added, sorted by rank."""
    warnings: list[DataWarning] = []
    a = pairs["a"].to_numpy(np.int64)
    b = pairs["b"].to_numpy(np.int64)
    assessed, common = assessed_time(prep, ja, jb, span)
    cls = np.array([str(c) for c in ts.meta["cls"]], dtype=object)
    both_air = (cls[a] == ObjectClass.AIRCRAFT.value) & (cls[b] == ObjectClass.AIRCRAFT.value)
    with np.errstate(invalid="ignore"):
        flagged = both_air & (pairs["closure_mps"].to_numpy(np.float64) > limits_h[a] + limits_h[b])
    facts = pd.DataFrame(
        {
            "assessed_s": assessed,
            "unassessed_s": common - assessed,
            "relation": pd.Series(relations(ts.meta, a, b), dtype=object),
            "formation": formations(
                prep, ja, jb, pairs["min_horizontal_m"].to_numpy(np.float64), settings
            ),
            "severity": pd.Series(severities(pairs), dtype=object),
            "affected_by_excluded": affected_by_excluded(
                ts,
                excluded,
                prep,
                ja,
                jb,
                np.fmax.reduce(
                    [
                        np.maximum(prep.visual_range[ja], prep.visual_range[jb]),
                        np.full(len(ja), settings.hsep_m),
                        pairs["cpa_slant_m"].to_numpy(np.float64),
                        pairs["min_horizontal_m"].to_numpy(np.float64),
                    ]
                ),
                span,
            ),
            "implausible_closure": flagged,
        }
    )
    pairs = pd.concat([pairs, facts], axis=1)
    order = rank_order(pairs)
    pairs = pairs.iloc[order].reset_index(drop=True)
    ranked = ~pairs["implausible_closure"].to_numpy(bool)
    pairs["rank"] = np.where(ranked, np.cumsum(ranked), np.nan)

    a_names = pairs["a_name"].to_numpy(dtype=object)
    b_names = pairs["b_name"].to_numpy(dtype=object)

    def pair_name(k: int) -> str:
        return f"{a_names[k]}–{b_names[k]}"

    if flagged.any():
        hit = [pair_name(k) for k in np.flatnonzero(~ranked)]
        warnings.append(
            DataWarning(
                SOURCE,
                f"{len(hit)} aircraft pair(s) report a closure no two aircraft can fly "
                f"({', '.join(hit[:5])}{' …' if len(hit) > 5 else ''}): flagged, not ranked",
                count=len(hit),
            )
        )
    with np.errstate(invalid="ignore", divide="ignore"):
        share = pairs["unassessed_s"].to_numpy() / (
            pairs["assessed_s"].to_numpy() + pairs["unassessed_s"].to_numpy()
        )
    poor = np.flatnonzero(share > settings.unassessed_share)
    for k in poor[:_MAX_NAMED]:
        warnings.append(
            DataWarning(
                SOURCE,
                f"{pair_name(k)}: {share[k]:.0%} of the common time "
                f"({pairs['unassessed_s'].iat[k]:.0f} s) not assessed (gaps, splits or "
                "unknown altitude)",
            )
        )
    if len(poor) > _MAX_NAMED:
        warnings.append(
            DataWarning(
                SOURCE,
                f"{len(poor) - _MAX_NAMED} more pair(s) with over "
                f"{settings.unassessed_share:.0%} of their common time not assessed",
                count=len(poor) - _MAX_NAMED,
            )
        )
    return pairs, warnings
