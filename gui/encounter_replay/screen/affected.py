"""``affected_by_excluded`` over the whole archive, from what each window can see.

The analysis flags a pair when a sample excluded by the cleaning stage (thinned to one per
track and :data:`..analysis.pair_facts.THIN_S`) lies in the pair's common time, of the
tracks *as recorded*, at a place within the pair's radius (its visual range, separation
minimum, CPA slant range or least horizontal separation, plus the other aircraft's
travel over the thinning step) of the other aircraft, or the other was not present then.
Two parts of that need more than one window: the common time (the tracks' first and last
recorded samples over the archive) and the radius (the merged CPA). So each window lists,
for every excluded sample in its span and every track whose recorded span holds its
time, the distance to that track (0 when it was not present), keeping only distances
within the largest radius a listed pair can have (see :func:`bound`); the merge takes the
least per pair and compares it with the pair's merged radius. The radius of a pair
reported for a DAA well-clear violation alone, with a CPA beyond ``within``, can exceed
that bound; such a pair could miss a flag the whole-file analysis sets.
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


def _thinned(excluded: pd.DataFrame, span: tuple[float, float]) -> pd.DataFrame:
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
    """Per (track with an excluded sample, other track): the least distance from one of
    its excluded samples in ``span`` to the other (0 when absent), within :func:`bound`."""
    ex = _thinned(excluded, span)
    empty = pd.DataFrame({c: pd.Series([], dtype=object if "id" in c else float) for c in COLUMNS})
    if not len(ex) or not len(spans):
        return empty
    ids = np.asarray(prep.ids, dtype=object)
    own_id = ex["id"].to_numpy(dtype=object)
    x = ex["time"].to_numpy(np.float64)
    g_ex, _ = ecef_ground_and_normal(ex["lat"].to_numpy(np.float64), ex["lon"].to_numpy(np.float64))
    heads = spans.index.to_numpy(dtype=object)
    paired = np.flatnonzero(spans["paired"].to_numpy(bool))
    first = spans["first"].to_numpy(np.float64)[paired]
    last = spans["last"].to_numpy(np.float64)[paired]
    # Prepared index of each paired head (−1: not in this window's prepared tracks).
    pos = pd.Series(np.arange(len(ids)), index=pd.Index(ids)).reindex(heads[paired])
    j_of = pos.fillna(-1).to_numpy(np.int64)
    vis_of = np.where(j_of >= 0, prep.visual_range[np.maximum(j_of, 0)], 0.0)
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
        j = j_of[kk]
        d = np.zeros(len(ee))
        inwin = np.flatnonzero(j >= 0)
        if len(inwin):
            present, g = _ground_at(prep, j[inwin], x[ee[inwin]])
            diff = g_ex[:, ee[inwin]] - g
            dist = np.sqrt(np.sum(diff * diff, axis=0))
            d[inwin] = np.where(present, dist, 0.0)
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


def affected(pairs: pd.DataFrame, near: pd.DataFrame, hsep_m: float) -> np.ndarray:
    """``affected_by_excluded`` of merged pairs from all windows' :func:`window_near`."""
    n = len(pairs)
    if n == 0 or not len(near):
        return np.zeros(n, dtype=bool)
    both = pd.concat(
        [near, near.rename(columns={"a_id": "b_id", "b_id": "a_id"})], ignore_index=True
    )
    least = both.groupby(["a_id", "b_id"]).agg(d=("d", "min"), vis=("vis", "max"))
    key = pd.MultiIndex.from_arrays(
        [pairs["a_id"].to_numpy(dtype=object), pairs["b_id"].to_numpy(dtype=object)]
    )
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
        return got["d"].to_numpy(np.float64) <= radius
