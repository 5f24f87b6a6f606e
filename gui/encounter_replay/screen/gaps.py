"""Each track's gap limit over the whole archive, before any window is analysed.

The analysis bridges a gap of a sampled track when it is shorter than the track's limit:
``max_gap_s`` when set, else the larger of ``gap_s`` and three times the track's median
sampling interval (of its samples left after cleaning). A window sees only part of a
track, and a median of a part is not the median of the whole (a track with four samples
in a window and a thousand elsewhere). So a first pass cleans every window and reports
per track the sampling intervals that decide the median, the limits follow from all of
them, and the windows then analyse with those limits fixed
(:data:`..analysis.cleaning.GAP_LIMIT_COLUMN`) and rows reaching the largest limit
beyond their span.

The median needs the intervals only of sparse tracks (at least half the intervals over
:data:`LONG_S`; the analysis takes 0 otherwise), and of those only the long ones, the
count and the largest short one: all short intervals sort before the long ones, and the
middle of the sorted intervals is a long one or, for an even count with exactly half
short, the mean of the largest short and the least long one. Intervals within a
window's span are counted there; those from a track's last sample in one span to its
first in the next are counted at the end.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..analysis import AnalysisSettings
from ..analysis.cleaning import clean, gap_limit
from ..model import TrackSet

#: Intervals longer than this count as long (the analysis' own threshold).
LONG_S = 10.0


def window_intervals(
    ts: TrackSet, settings: AnalysisSettings, span: tuple[float, float]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``(stats, longs)`` of one window: per track the number of intervals within the
    span, the largest short one, the first and last cleaned sample in the span; and every
    long interval within the span."""
    cleaned = clean(ts, settings).ts
    t = cleaned.t
    track = cleaned.track_index_of_samples()
    ids = cleaned.meta["id"].to_numpy(dtype=object)
    inside = np.flatnonzero((t >= span[0]) & (t < span[1]))
    tr, ti = track[inside], t[inside]
    head = np.r_[True, tr[1:] != tr[:-1]] if len(tr) else np.zeros(0, bool)
    tail = np.r_[tr[1:] != tr[:-1], True] if len(tr) else np.zeros(0, bool)
    same = ~head[1:] if len(tr) else np.zeros(0, bool)
    dt = np.diff(ti)[same]
    owner = tr[1:][same]
    short = dt <= LONG_S
    tracks = tr[head]
    n = np.bincount(owner, minlength=len(ts))[tracks]
    max_short = np.full(len(ts), -np.inf)
    np.maximum.at(max_short, owner[short], dt[short])
    stats = pd.DataFrame(
        {
            "id": pd.Series(ids[tracks], dtype=object),
            "n": n.astype(np.int64),
            "max_short": max_short[tracks],
            "first": ti[head],
            "last": ti[tail],
        }
    )
    longs = pd.DataFrame({"id": pd.Series(ids[owner[~short]], dtype=object), "dt": dt[~short]})
    return stats, longs


def gap_table(stats: pd.DataFrame, longs: pd.DataFrame, settings: AnalysisSettings) -> pd.Series:
    """Gap limit per track id from all windows' :func:`window_intervals`."""
    if not len(stats):
        return pd.Series([], dtype=np.float64)
    st = stats.sort_values(["id", "first"], kind="stable").reset_index(drop=True)
    ids = st["id"].to_numpy(dtype=object)
    cont = np.r_[False, ids[1:] == ids[:-1]]
    cross = np.where(cont, st["first"].to_numpy() - np.r_[np.nan, st["last"].to_numpy()[:-1]], 0)
    cross_short = cont & (cross <= LONG_S)
    cross_long = cont & (cross > LONG_S)
    frame = pd.DataFrame(
        {
            "id": ids,
            "n": st["n"].to_numpy() + cont,
            "max_short": np.where(cross_short, np.fmax(st["max_short"], cross), st["max_short"]),
        }
    )
    per = frame.groupby("id", sort=True).agg(n=("n", "sum"), max_short=("max_short", "max"))
    long_all = pd.concat(
        [longs, pd.DataFrame({"id": ids[cross_long], "dt": cross[cross_long]})], ignore_index=True
    )
    by_id = long_all.groupby("id", sort=True)["dt"]
    n_long = by_id.size().reindex(per.index, fill_value=0).to_numpy()
    n_int = per["n"].to_numpy()
    sparse = (2 * n_long >= n_int) & (n_int > 0)
    med = np.zeros(len(per))
    lists = {k: np.sort(v.to_numpy()) for k, v in by_id if k in set(per.index[sparse])}
    for i in np.flatnonzero(sparse):  # (few tracks: the sparse ones)
        values = lists[per.index[i]]
        n, n_short = int(n_int[i]), int(n_int[i] - n_long[i])
        hi = values[n // 2 - n_short]
        if n % 2:
            med[i] = hi
        else:
            lo_at = n // 2 - 1
            lo = values[lo_at - n_short] if lo_at >= n_short else per["max_short"].iat[i]
            med[i] = (lo + hi) / 2.0
    return pd.Series(gap_limit(settings, med), index=per.index)
