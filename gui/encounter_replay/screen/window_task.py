"""One window of the archive through the exact analysis: the unit of work of both engines.

A task names the Parquet files holding its rows (written by :mod:`.ingest`), its span (the
time it answers for) and the analysis settings. Its rows reach ``overlap`` seconds beyond
the span on both sides, so every segment that touches the span is whole, and
``analyze(..., span=...)`` reports the figures of the data restricted to the span. The task
is a plain picklable function of its arguments, so a Dask worker runs exactly what the
embedded engine runs.
"""

from __future__ import annotations

import functools
import os
import time
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from ..analysis import AnalysisSettings, analyze
from . import affected, coverage
from .tracks import trackset_from_rows

#: Columns a window result adds to the analysis' pair columns.
WINDOW_COLUMN = "window"
FILES_COLUMN = "files"


@dataclass(frozen=True)
class WindowTask:
    index: int
    span: tuple[float, float]
    parts: tuple[str, ...]
    tracks_path: str
    sources: tuple[str, ...]
    settings: AnalysisSettings
    #: Rows are used this far beyond the span (the largest gap limit and a second);
    #: ``parts`` then include the neighbouring windows' rows that far.
    reach: float = 0.0
    #: The span's end is the screened range's end (``--to``): it belongs to this window.
    closed_end: bool = False


@dataclass
class WindowResult:
    index: int
    pairs: pd.DataFrame
    samples: int
    seconds: float
    #: Per-track facts the merge needs beyond the pairs: ``runs`` and ``tracks``
    #: (:mod:`.coverage`), ``near``, ``thin`` and ``presence`` (:mod:`.affected`) and
    #: ``excluded`` (samples left out, within the span).
    facts: dict = field(default_factory=dict)


def read_rows(parts: tuple[str, ...] | list[str]) -> pa.Table:
    tables = [pq.read_table(p) for p in parts]
    tables = [t for t in tables if t.num_rows]
    if not tables:
        return pa.table({"id": pa.array([], pa.string()), "file": pa.array([], pa.int32())})
    return pa.concat_tables(tables, promote_options="default")


def read_track_meta(path: str) -> pd.DataFrame:
    """The archive-wide track table indexed by id, read once per process and file version
    (a worker runs many windows of one screen)."""
    stat = os.stat(path)
    return _track_meta(path, stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=2)
def _track_meta(path: str, mtime_ns: int, size: int) -> pd.DataFrame:
    return pq.read_table(path).to_pandas().set_index("id", drop=False)


def _recorded_spans(meta: pd.DataFrame, settings: AnalysisSettings) -> pd.DataFrame:
    """:func:`.affected.recorded_spans` of the archive-wide track table, computed once per
    table and class selection (not per window: the table has every track of the archive)."""
    key = (id(meta), tuple(sorted(settings.include)))
    if _SPANS.get("key") != key:
        _SPANS.clear()
        _SPANS.update(key=key, meta=meta, spans=affected.recorded_spans(meta, settings))
    return _SPANS["spans"]


#: The last :func:`_recorded_spans` (its table is kept so its id is not reused).
_SPANS: dict = {}


def pair_files(files: np.ndarray, a: np.ndarray, b: np.ndarray) -> list[list[int]]:
    """Per pair, the sorted union of the two tracks' file indices (``files``: per track)."""
    if len(a) == 0:
        return []
    counts = np.array([len(f) for f in files], dtype=np.int64)
    flat = np.concatenate(list(files)).astype(np.int64) if len(files) else np.zeros(0, np.int64)
    first = np.cumsum(counts) - counts
    top = int(flat.max()) + 1 if len(flat) else 1
    pair = np.arange(len(a))
    keys = []
    for side in (a, b):
        n = counts[side]
        idx = np.repeat(first[side] - np.cumsum(n) + n, n) + np.arange(int(n.sum()))
        keys.append(np.repeat(pair, n) * top + flat[idx])
    key = np.unique(np.concatenate(keys))
    owner, file_idx = key // top, key % top
    bounds = np.searchsorted(owner, np.arange(len(a) + 1))
    values = file_idx.tolist()
    return [values[bounds[i] : bounds[i + 1]] for i in range(len(a))]


def analyse_rows(
    rows: pa.Table,
    meta: pd.DataFrame | None,
    sources: list[str],
    settings: AnalysisSettings,
    span: tuple[float, float] | None,
    index: int = 0,
    facts: dict | None = None,
    closed_end: bool = False,
) -> pd.DataFrame:
    """Pairs of one window: the analysis' columns without the track indices (which mean
    nothing outside the window), plus the window index and the files of the two tracks.
    ``facts`` (a dict), when given, receives the window's per-track facts (see
    :class:`WindowResult`)."""
    ts, files = trackset_from_rows(rows, meta, sources)
    result = analyze(ts, settings, span=span)
    pairs = result.pairs.drop(columns=["a", "b"])
    a, b = result.pairs["a"].to_numpy(), result.pairs["b"].to_numpy()
    pairs[WINDOW_COLUMN] = np.full(len(pairs), index, dtype=np.int64)
    pairs[FILES_COLUMN] = pd.Series(pair_files(files, a, b), dtype=object, index=pairs.index)
    if facts is not None:
        t0, t1 = span if span is not None else (-np.inf, np.inf)
        if closed_end:  # (excluded samples at the range's end count, as in analyze)
            t1 = float(np.nextafter(t1, np.inf))
        prep = coverage.prepared(ts, settings)
        facts["runs"], facts["tracks"] = coverage.window_coverage(prep, (t0, t1))
        ex = result.excluded
        if meta is not None and "first_t" in meta:
            spans = _recorded_spans(meta, settings)
            facts["near"] = affected.window_near(prep, ex, spans, (t0, t1), settings)
            facts["thin"] = affected.thinned(ex, (t0, t1))[list(affected.THIN_COLUMNS)]
            facts["presence"] = affected.window_presence(prep, (t0, t1))
        inside = (ex["time"] >= t0) & (ex["time"] < t1)
        facts["excluded"] = ex[inside.to_numpy()].drop(columns=["track"]).reset_index(drop=True)
    return pairs


def run_window(task: WindowTask) -> WindowResult:
    """Read, analyse and reduce one window (runs in-process or on a Dask worker)."""
    t0 = time.perf_counter()
    rows = read_rows(task.parts)
    if task.reach > 0 and rows.num_rows:
        import pyarrow.compute as pc

        t = rows.column("t")
        lo, hi = task.span[0] - task.reach, task.span[1] + task.reach
        rows = rows.filter(pc.and_(pc.greater_equal(t, lo), pc.less_equal(t, hi)))
    meta = read_track_meta(task.tracks_path) if rows.num_rows else None
    facts: dict = {}
    pairs = analyse_rows(
        rows, meta, list(task.sources), task.settings, task.span, task.index, facts, task.closed_end
    )
    n = 0
    if rows.num_rows:  # samples the window answers for (its overlap is its neighbours')
        t = rows.column("t").to_numpy(zero_copy_only=False)
        n = int(np.count_nonzero((t >= task.span[0]) & (t < task.span[1])))
    return WindowResult(task.index, pairs, n, time.perf_counter() - t0, facts)
