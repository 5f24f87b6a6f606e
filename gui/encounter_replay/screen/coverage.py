"""Assessed time of a pair over the whole archive, from each window's share of it.

A pair's ``assessed_s`` is the measure of the time both tracks were assessed (moving on a
segment with known altitude) within their common time, and ``unassessed_s`` the rest of
the common time. A pair need not be reported in every window its tracks share (far apart
there, it is not a candidate), so summing window figures would lose time. Instead every
window reports, per track, its assessed runs cut to the window's span and the track's
first and last prepared sample within the span; the runs of all windows tile each track's assessed time,
and the least first / greatest last are the track's own. After the merge, each pair's
figures are computed from these exactly as :func:`..analysis.pair_facts.assessed_time`
computes them on the whole tracks.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..analysis import AnalysisSettings
from ..analysis.cleaning import cleaned_and_prepared
from ..analysis.pair_facts import _coverage
from ..analysis.prepared import PreparedTracks
from ..model import TrackSet

RUN_COLUMNS = ("id", "start", "end")
TRACK_COLUMNS = ("id", "first", "last")


def prepared(ts: TrackSet, settings: AnalysisSettings) -> PreparedTracks:
    """The prepared tracks :func:`..analysis.analyze` builds from ``ts``."""
    return cleaned_and_prepared(ts, settings)


def window_coverage(
    prep: PreparedTracks, span: tuple[float, float]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``(runs, tracks)`` of one window: assessed runs cut to ``span`` and each track's
    first and last prepared sample."""
    ids = np.asarray(prep.ids, dtype=object)
    key0, length, _, track = _coverage(prep)
    start = key0 - track * prep.span_key + prep.t_ref if len(key0) else np.zeros(0)
    # The run's own sample times (exact, not through the key's rounding).
    first_sample = np.searchsorted(prep.key, key0) if len(key0) else np.zeros(0, np.int64)
    start = prep.t[first_sample] if len(key0) else start
    end = start + length
    s, e = np.maximum(start, span[0]), np.minimum(end, span[1])
    ok = e > s
    runs = pd.DataFrame(
        {"id": pd.Series(ids[track[ok]], dtype=object), "start": s[ok], "end": e[ok]}
    )
    # First and last samples within the span (the overlap's are the neighbours' to give:
    # the cleaning of a sample is only sure where its window answers for it).
    inside = np.flatnonzero((prep.t >= span[0]) & (prep.t <= span[1]))
    j = np.searchsorted(prep.offsets, inside, side="right") - 1
    head = np.r_[True, j[1:] != j[:-1]] if len(j) else np.zeros(0, bool)
    tail = np.r_[j[1:] != j[:-1], True] if len(j) else np.zeros(0, bool)
    # A track present across the span's edge (samples on both sides) is there from the
    # edge: the screened time starts at the first window's start, as an analysis of a
    # span counts common time from the span's start.
    tj = j[head]
    before = prep.first[tj] < span[0]
    after = prep.last[tj] > span[1]
    tracks = pd.DataFrame(
        {
            "id": pd.Series(ids[tj], dtype=object),
            "first": np.where(before, span[0], prep.t[inside[head]]),
            "last": np.where(after, span[1], prep.t[inside[tail]]),
        }
    )
    return runs, tracks


def _cumulative(runs: pd.DataFrame, code: np.ndarray, t: np.ndarray) -> np.ndarray:
    """Assessed time of track ``code`` up to ``t`` (runs sorted by code, start, with
    ``code`` and ``cum`` columns)."""
    if not len(t) or not len(runs):
        return np.zeros(len(t))
    q = pd.DataFrame({"code": code, "t": t, "i": np.arange(len(t))}).sort_values("t")
    hit = pd.merge_asof(
        q,
        runs.sort_values("start")[["code", "start", "end", "cum"]],
        left_on="t",
        right_on="start",
        by="code",
        direction="backward",
    ).sort_values("i")
    inside = np.clip(hit["t"].to_numpy() - hit["start"].to_numpy(), 0.0, None)
    inside = np.minimum(inside, (hit["end"] - hit["start"]).to_numpy())
    return np.nan_to_num(hit["cum"].to_numpy() + inside, nan=0.0)


def assessed(
    pairs: pd.DataFrame, runs: pd.DataFrame, tracks: pd.DataFrame
) -> tuple[np.ndarray, np.ndarray]:
    """``(assessed_s, unassessed_s)`` of merged pairs from all windows' coverage."""
    n = len(pairs)
    if n == 0:
        return np.zeros(0), np.zeros(0)
    span = tracks.groupby("id", sort=True).agg(first=("first", "min"), last=("last", "max"))
    names = span.index.to_numpy(dtype=object)
    code_a = np.searchsorted(names, pairs["a_id"].to_numpy(dtype=object))
    code_b = np.searchsorted(names, pairs["b_id"].to_numpy(dtype=object))
    first, last = span["first"].to_numpy(), span["last"].to_numpy()
    c0 = np.maximum(first[code_a], first[code_b])
    c1 = np.minimum(last[code_a], last[code_b])
    common = np.maximum(c1 - c0, 0.0)
    r = runs.assign(code=np.searchsorted(names, runs["id"].to_numpy(dtype=object)))
    r = r.sort_values(["code", "start"], kind="stable").reset_index(drop=True)
    length = (r["end"] - r["start"]).to_numpy()
    code = r["code"].to_numpy()
    before = np.cumsum(length) - length
    block = np.searchsorted(code, np.arange(len(names) + 1))
    r["cum"] = before - before[block[code]]
    # Every run of a, cut to the common time, against b's cumulative assessed time.
    cnt = block[code_a + 1] - block[code_a]
    pair = np.repeat(np.arange(n), cnt)
    k = np.repeat(block[code_a], cnt) + (
        np.arange(int(cnt.sum())) - np.repeat(np.cumsum(cnt) - cnt, cnt)
    )
    s = np.maximum(r["start"].to_numpy()[k], c0[pair])
    e = np.minimum(r["end"].to_numpy()[k], c1[pair])
    ok = e > s
    cb = code_b[pair[ok]]
    got = _cumulative(r, cb, e[ok]) - _cumulative(r, cb, s[ok])
    done = np.minimum(np.bincount(pair[ok], weights=got, minlength=n), common)
    return done, common - done
