"""When a pair's separation was not assessed: the stretches of the two tracks' common time
where either was in a gap, split at a step, or without altitude.

The analysis reports only the total (``unassessed_s``); the timeline hatches where it
lies, so an analyst sees that "no loss of separation" at 12:40 means "no data" there. The
two tracks go through the same cleaning and preparation as in :func:`.engine.analyze`
(both act per track, so two tracks alone give the same result as the whole recording),
and the assessed runs of :mod:`.pair_facts` are intersected and taken from the common
time — interval algebra on a handful of runs, vectorised.
"""

from __future__ import annotations

import numpy as np

from ..model import TrackSet
from .cleaning import cleaned_and_prepared
from .pair_facts import _coverage
from .settings import AnalysisSettings


def unassessed_intervals(
    ts: TrackSet, a: int, b: int, settings: AnalysisSettings | None = None
) -> np.ndarray:
    """``(n, 2)`` start/end times (POSIX s) of the common time of tracks ``a`` and ``b``
    that the analysis could not assess; their lengths add up to the pair's
    ``unassessed_s``. Empty when the two are never present together or not paired."""
    settings = settings or AnalysisSettings()
    keep = np.zeros(len(ts), dtype=bool)
    keep[[a, b]] = True
    sub = ts.subset(keep)
    prep = cleaned_and_prepared(sub, settings)
    if len(prep) != 2:
        return np.zeros((0, 2))
    c0, c1 = float(prep.first.max()), float(prep.last.min())
    if not c1 > c0:
        return np.zeros((0, 2))
    key0, length, _, run_track = _coverage(prep)
    start = key0 - run_track * prep.span_key + prep.t_ref
    runs = [np.column_stack([start, start + length])[run_track == j] for j in (0, 1)]
    return _difference(np.array([[c0, c1]]), _intersection(*runs))


def _inside(iv: np.ndarray, t: np.ndarray) -> np.ndarray:
    """Whether each time lies inside sorted, disjoint intervals ``iv``."""
    if len(iv) == 0:
        return np.zeros(len(t), dtype=bool)
    i = np.searchsorted(iv[:, 0], t, side="right") - 1
    return (i >= 0) & (t < iv[np.maximum(i, 0), 1])


def _runs(edges: np.ndarray, on: np.ndarray) -> np.ndarray:
    """Intervals of consecutive elementary spans ``edges[k]..edges[k+1]`` where ``on``."""
    step = np.diff(np.r_[0, on.astype(np.int8), 0])
    first, last = np.flatnonzero(step == 1), np.flatnonzero(step == -1)
    return np.column_stack([edges[first], edges[last]])


def _combine(x: np.ndarray, y: np.ndarray, keep) -> np.ndarray:
    edges = np.unique(np.r_[x.ravel(), y.ravel()])
    if len(edges) < 2:
        return np.zeros((0, 2))
    mid = 0.5 * (edges[:-1] + edges[1:])
    return _runs(edges, keep(_inside(x, mid), _inside(y, mid)))


def _intersection(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    return _combine(x, y, np.logical_and)


def _difference(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    return _combine(x, y, lambda in_x, in_y: in_x & ~in_y)
