"""``affected_by_excluded`` over the whole archive, from what each window can see.

The analysis flags a pair when a sample excluded by the cleaning stage (thinned to one per
track and :data:`..analysis.pair_facts.THIN_S`) lies in the pair's common time, of the
tracks *as recorded*, at a place within the pair's radius (its visual range, separation
minimum, CPA slant range or least horizontal separation, plus the other aircraft's
travel over the thinning step) of the other aircraft, or the other was not present then.
Two parts of that need more than one window: the common time (the tracks' first and last
recorded samples over the archive) and the radius (the merged CPA). So each window lists,
for every excluded sample in its span and every track present then, the distance to that
track, keeping only distances within the largest radius a listed pair can have (see
:func:`bound`); the merge takes the least per pair and compares it with the pair's merged
radius. "Not present" is not listed track by track (every aircraft of a month-long
archive whose recorded span covers the time but that is not flying: rows growing with the
square of the archive); each window gives instead its excluded samples (:func:`thinned`)
and the intervals each of its tracks is present (:func:`window_presence`), and the merge
looks the listed pairs up in them (:func:`absent_sql`). The radius of a pair reported for
a DAA well-clear violation alone, with a CPA beyond ``within``, can exceed that bound;
such a pair could miss a flag the whole-file analysis sets.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..analysis import AnalysisSettings
from ..analysis.pair_facts import MAX_SPEED_MPS, THIN_S, _ground_at
from ..analysis.prepared import PreparedTracks
from ..geo import ecef_ground_and_normal
from ..model import ObjectClass

COLUMNS = ("a_id", "b_id", "d", "vis")
THIN_COLUMNS = ("id", "time")
PRESENCE_COLUMNS = ("id", "start", "end")
#: Excluded samples against tracks evaluated in one batch.
BATCH = 200_000


def bound(prep: PreparedTracks, settings: AnalysisSettings) -> float:
    """The largest radius of a pair the list can report (``within`` bounds its CPA)."""
    vis = float(np.max(prep.visual_range)) if len(prep) else 0.0
    return max(vis, settings.hsep_m, settings.within_m) + THIN_S * MAX_SPEED_MPS


def recorded_spans(meta: pd.DataFrame, settings: AnalysisSettings) -> pd.DataFrame:
    """Per joined track (head id): first and last recorded time over the archive and
    whether its class is paired."""
    head = meta["head"] if "head" in meta else meta["id"]
    frame = pd.DataFrame(
        {
            "head": head.to_numpy(dtype=object),
            "first": meta["first_t"].to_numpy(np.float64),
            "last": meta["last_t"].to_numpy(np.float64),
            "cls": meta["cls"].to_numpy(dtype=object),
        }
    )
    out = frame.groupby("head", sort=True).agg(
        first=("first", "min"), last=("last", "max"), cls=("cls", "first")
    )
    cls = out["cls"].fillna("").astype(str)
    cls = cls.where(cls != "", ObjectClass.AIRCRAFT.value)  # as the window's TrackSet has it
    out["paired"] = cls.isin(list(settings.include)) & (cls != ObjectClass.REFERENCE.value)
    return out


def thinned(excluded: pd.DataFrame, span: tuple[float, float]) -> pd.DataFrame:
    """The analysis' thinning (first sample per track and THIN_S bucket) of the samples
    in ``span`` (buckets starting before the span are judged from their start)."""
    t0, t1 = span
    lo = np.floor(t0 / THIN_S) * THIN_S if np.isfinite(t0) else -np.inf
    t = excluded["time"].to_numpy(np.float64)
    ex = excluded[(t >= lo) & (t < t1)]
    ex = ex.sort_values(["track", "time"], kind="stable")
    tr = ex["track"].to_numpy(np.int64)
    bucket = np.floor(ex["time"].to_numpy(np.float64) / THIN_S)
    first = np.r_[True, (tr[1:] != tr[:-1]) | (bucket[1:] != bucket[:-1])] if len(ex) else []
    ex = ex[np.asarray(first, dtype=bool)]
    t = ex["time"].to_numpy(np.float64)
    return ex[(t >= t0) & (t < t1)].reset_index(drop=True)


def window_near(
    prep: PreparedTracks,
    excluded: pd.DataFrame,
    spans: pd.DataFrame,
    span: tuple[float, float],
    settings: AnalysisSettings,
) -> pd.DataFrame:
    """Per (track with an excluded sample, other track present then): the least distance
    from one of its excluded samples in ``span`` to the other, within :func:`bound` (the
    other tracks' absence is the merge's to find: :func:`absent_sql`)."""
    ex = thinned(excluded, span)
    empty = pd.DataFrame({c: pd.Series([], dtype=object if "id" in c else float) for c in COLUMNS})
    if not len(ex) or not len(spans):
        return empty
    ids = np.asarray(prep.ids, dtype=object)
    own_id = ex["id"].to_numpy(dtype=object)
    x = ex["time"].to_numpy(np.float64)
    g_ex, _ = ecef_ground_and_normal(ex["lat"].to_numpy(np.float64), ex["lon"].to_numpy(np.float64))
    heads = spans.index.to_numpy(dtype=object)
    # The paired heads in this window's prepared tracks (the others are absent here).
    pos = pd.Series(np.arange(len(ids)), index=pd.Index(ids)).reindex(heads)
    inside = spans["paired"].to_numpy(bool) & pos.notna().to_numpy()
    paired = np.flatnonzero(inside)
    first = spans["first"].to_numpy(np.float64)[paired]
    last = spans["last"].to_numpy(np.float64)[paired]
    j_of = pos.to_numpy(np.float64)[paired].astype(np.int64)
    vis_of = prep.visual_range[j_of] if len(j_of) else np.zeros(0)
    own_pos = pd.Series(np.arange(len(ids)), index=pd.Index(ids)).reindex(own_id)
    own_vis = np.where(own_pos.notna(), prep.visual_range[own_pos.fillna(0).to_numpy(np.int64)], 0)
    limit = bound(prep, settings)
    rows: list[pd.DataFrame] = []
    per = max(1, BATCH // max(len(paired), 1))
    for s in range(0, len(ex), per):
        e = np.arange(s, min(s + per, len(ex)))
        # Every (excluded sample, other track) whose recorded span holds the sample.
        ee, kk = np.nonzero((first[None, :] <= x[e, None]) & (last[None, :] >= x[e, None]))
        ee = e[ee]
        other = heads[paired][kk]
        keep = other != own_id[ee]
        ee, kk, other = ee[keep], kk[keep], other[keep]
        present, g = _ground_at(prep, j_of[kk], x[ee])
        diff = g_ex[:, ee] - g
        d = np.where(present, np.sqrt(np.sum(diff * diff, axis=0)), np.inf)
        near = d <= limit
        rows.append(
            pd.DataFrame(
                {
                    "a_id": pd.Series(own_id[ee[near]], dtype=object),
                    "b_id": pd.Series(other[near], dtype=object),
                    "d": d[near],
                    "vis": np.maximum(own_vis[ee[near]], vis_of[kk[near]]),
                }
            )
        )
    frame = pd.concat(rows, ignore_index=True) if rows else empty
    return frame.groupby(["a_id", "b_id"], as_index=False, sort=False).agg(
        d=("d", "min"), vis=("vis", "max")
    )


def window_presence(prep: PreparedTracks, span: tuple[float, float]) -> pd.DataFrame:
    """Per track, the closed intervals of ``span`` in which it is present as the analysis
    finds it (:func:`..analysis.pair_facts._locate`: on one of its segments, or at one of
    its samples), each starting within ``[span[0], span[1])`` so the intervals of all
    windows never share a start."""
    n = len(prep.t)
    empty = pd.DataFrame({"id": pd.Series([], dtype=object), "start": [], "end": []})
    if n == 0:
        return empty
    track = np.repeat(np.arange(len(prep)), np.diff(prep.offsets))
    ok = prep.seg_ok[:n].copy()
    ok[prep.offsets[1:] - 1] = False  # (no segment from a track's last sample)
    starts = np.flatnonzero(~np.r_[False, ok[:-1]])
    ends = np.flatnonzero(~ok)
    s = np.maximum(prep.t[starts], span[0])
    e = np.minimum(prep.t[ends], span[1])
    keep = (s <= e) & (s < span[1])
    ids = np.asarray(prep.ids, dtype=object)
    return pd.DataFrame(
        {"id": pd.Series(ids[track[starts[keep]]], dtype=object), "start": s[keep], "end": e[keep]}
    )


def absent_sql(pairs: str, thin: str, presence: str | None, tracks: str) -> str:
    """DuckDB query of the (track, other) of ``pairs`` (a relation with both orders of
    each pair) where an excluded sample of the track (``thin``: every window's
    :func:`thinned`) lies in the other's recorded span (``tracks``: the track table) while
    the other was not present (``presence``: every window's :func:`window_presence`;
    None when no window has any). The latest interval starting at or before the sample
    is the only one that can hold it."""
    spans = (
        f"SELECT coalesce(head, id) AS head, min(first_t) AS first, max(last_t) AS last "
        f"FROM {tracks} GROUP BY 1"
    )
    hits = (
        f"SELECT p.a_id, p.b_id, x.time FROM {pairs} p JOIN {thin} x ON x.id = p.a_id "
        f"JOIN ({spans}) s ON s.head = p.b_id WHERE x.time BETWEEN s.first AND s.last"
    )
    if presence is None:
        return f"SELECT DISTINCT a_id, b_id FROM ({hits})"
    return (
        f"SELECT DISTINCT h.a_id, h.b_id FROM ({hits}) h ASOF LEFT JOIN {presence} r "
        'ON r.id = h.b_id AND h.time >= r.start WHERE r.start IS NULL OR h.time > r."end"'
    )


def affected(
    pairs: pd.DataFrame, near: pd.DataFrame, hsep_m: float, absent: pd.DataFrame | None = None
) -> np.ndarray:
    """``affected_by_excluded`` of merged pairs from all windows' :func:`window_near`, and
    the pairs (either order) one of which was absent at an excluded sample of the other
    (``absent``, from :func:`absent_sql`)."""
    n = len(pairs)
    key = pd.MultiIndex.from_arrays(
        [pairs["a_id"].to_numpy(dtype=object), pairs["b_id"].to_numpy(dtype=object)]
    )
    out = np.zeros(n, dtype=bool)
    if n and absent is not None and len(absent):
        both = pd.concat(
            [absent, absent.rename(columns={"a_id": "b_id", "b_id": "a_id"})], ignore_index=True
        )
        out |= key.isin(pd.MultiIndex.from_frame(both[["a_id", "b_id"]]))
    if n == 0 or not len(near):
        return out
    both = pd.concat(
        [near, near.rename(columns={"a_id": "b_id", "b_id": "a_id"})], ignore_index=True
    )
    least = both.groupby(["a_id", "b_id"]).agg(d=("d", "min"), vis=("vis", "max"))
    got = least.reindex(key)
    radius = (
        np.fmax.reduce(
            [
                got["vis"].to_numpy(np.float64),
                np.full(n, float(hsep_m)),
                pairs["cpa_slant_m"].to_numpy(np.float64),
                pairs["min_horizontal_m"].to_numpy(np.float64),
            ]
        )
        + THIN_S * MAX_SPEED_MPS
    )
    with np.errstate(invalid="ignore"):
        return out | (got["d"].to_numpy(np.float64) <= radius)
