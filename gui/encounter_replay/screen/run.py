"""A whole screen: sources → partitions (DuckDB) → window tasks (here or on Dask) →
merged pairs → the encounter list. Resumable: see :mod:`.workdir`.

Exactness beyond one window: pieces of one aircraft are joined on the archive-wide track
table (:func:`.ingest.join_heads`); each track's gap limit comes from its whole recording
(:mod:`.gaps`, a cleaning pass before the analysis) and windows read rows that far beyond
their span; figures that are not reductions of window figures are recomputed after the
merge (:mod:`.coverage`, :mod:`.affected`, :mod:`.formation`, rank in :mod:`.merge`).

Memory bound. Partitioning runs inside DuckDB under its memory limit (spilling to disk
beyond it). A window task holds its rows, its TrackSet and the analysis (rows spanning the
window plus twice the reach: the ingest overlap, or the largest gap limit when a sparse
track makes it longer); measured on one day (``tests/benchmarks/bench_screen.py``), the
whole screen's peak is about 431 MB + 0.12 kB per sample of the busiest window, and
433 / 461 / 523 MB on 1 / 7 / 30 days. With Dask, each worker
holds one window at a time and the cluster lets go of each result once it is checkpointed.
Window results and their per-track facts go to disk as they come; the merge reads them
back in passes of a bounded number of window rows, the facts through DuckDB for the
pass's pairs only, and formation reads candidate tracks in batches of bounded rows
(:mod:`.assemble`, :mod:`.formation`). What stays proportional to the archive is per
track: the track table (a few hundred bytes a track) and, for one formation candidate,
its two whole tracks.
"""

from __future__ import annotations

import dataclasses
import math
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

import numpy as np
import pandas as pd

from ..analysis import AnalysisSettings
from ..analysis.cleaning import GAP_LIMIT_COLUMN
from ..io.errors import ReadError
from . import engines, gaps, ingest, output
from .assemble import assemble
from .formation import whole_formations
from .merge import rank_pairs
from .progress import ProgressBar
from .sources import expand_sources
from .tracks import trackset_from_rows
from .window_task import WindowTask, read_rows
from .workdir import WorkDir

#: Default window: one hour of the archive per task.
DEFAULT_WINDOW_S = 3600.0
PAIR_FILTERS = ("all", "los", "visual", "cross-side", "no-formation")


@dataclass
class ScreenOptions:
    sources: list[str]
    out: Path
    settings: AnalysisSettings = field(default_factory=AnalysisSettings)
    filters: ingest.Filters = field(default_factory=ingest.Filters)
    window_s: float = DEFAULT_WINDOW_S
    altitude: str | None = None
    altitude_unit: str | None = None
    speed_unit: str | None = None
    pairs: str = "all"
    csv: bool = False
    workers: int | None = None
    scheduler: str | None = None
    memory_limit: str | None = None
    threads: int | None = None
    keep_work: bool = False
    progress: bool = True


@dataclass
class ScreenOutcome:
    pairs: int
    out: Path
    windows: int
    samples: int
    failed_files: list[str]
    failed_windows: list[int]
    resumed: bool


class ScreenInterrupted(Exception):
    """Ctrl+C: the windows done so far are kept for a rerun."""

    def __init__(self, done: int, total: int, work: Path) -> None:
        self.done, self.total, self.work = done, total, work
        super().__init__(
            f"interrupted: {done} of {total} windows done and kept in {work}; "
            "run the same command again to resume"
        )


def overlap_s(settings: AnalysisSettings) -> float:
    """Rows shared with each neighbouring window: the longest segment the analysis
    interpolates across (the gap limit), plus a second against rounding at the edge."""
    gap = max(float(settings.gap_s), float(getattr(settings, "max_gap_s", 0.0) or 0.0))
    return gap + 1.0


def window_settings(settings: AnalysisSettings) -> AnalysisSettings:
    """The settings each window runs with: ``within`` at least as wide as the reach of the
    visual range and the separation minima, so a window reports every pair that has an
    interval in it, even when its CPA lies in another window."""
    reach = max(settings.max_visual_range(), math.hypot(settings.hsep_m, settings.vsep_m) * 1.01)
    if settings.within_m >= reach:
        return settings
    return dataclasses.replace(settings, within_m=reach)


def _reported(pairs: pd.DataFrame, within: float) -> np.ndarray:
    """The analysis' rule for reporting a pair, on merged rows (see window_settings)."""
    slant = pairs["cpa_slant_m"].to_numpy(dtype=np.float64)
    hmin = pairs["min_horizontal_m"].to_numpy(dtype=np.float64)
    unknown = (
        pairs["alt_unknown_s"].to_numpy(dtype=np.float64) > 0 if "alt_unknown_s" in pairs else False
    )
    with np.errstate(invalid="ignore"):
        return (slant <= within) | ((~np.isfinite(slant) | unknown) & (hmin <= within))


def select_pairs(pairs: pd.DataFrame, which: str) -> pd.DataFrame:
    """``--pairs``: all, los (loss of separation), visual (visual contact), and, when the
    analysis gives the columns, cross-side / no-formation."""
    if which == "all" or pairs.empty:
        return pairs
    if which == "los":
        keep = pairs["los"].to_numpy(dtype=bool)
    elif which == "visual":
        keep = pairs["visual_s"].to_numpy(dtype=np.float64) > 0
    elif which == "cross-side":
        if "relation" not in pairs:
            raise ValueError("--pairs cross-side needs the analysis' 'relation' column")
        keep = (pairs["relation"] == "cross-side").to_numpy()
    elif which == "no-formation":
        if "formation" not in pairs:
            raise ValueError("--pairs no-formation needs the analysis' 'formation' column")
        keep = ~pairs["formation"].to_numpy(dtype=bool)
    else:
        raise ValueError(f"unknown --pairs {which!r}: choose from {', '.join(PAIR_FILTERS)}")
    return pairs[keep].reset_index(drop=True)


def _manifest(opts: ScreenOptions, files: list[Path]) -> dict:
    def stat(p: Path) -> dict:
        st = p.stat()
        return {"path": str(p), "size": st.st_size, "mtime": st.st_mtime}

    return {
        "sources": [stat(p) for p in files],
        "settings": window_settings(opts.settings).to_dict(),
        "window_s": opts.window_s,
        "overlap_s": overlap_s(opts.settings),
        "filters": dataclasses.asdict(opts.filters),
        "altitude": opts.altitude,
        "units": [opts.altitude_unit, opts.speed_unit],
    }


def screen(opts: ScreenOptions, err: TextIO | None = None) -> ScreenOutcome:
    """Run (or resume) a screen; writes ``opts.out`` (and the CSV beside it)."""
    err = err or sys.stderr
    if not opts.window_s > 2 * overlap_s(opts.settings):
        raise ValueError(
            f"--window must be longer than twice the overlap ({2 * overlap_s(opts.settings):g} s)"
        )
    files = expand_sources(opts.sources)
    sources = [str(p.absolute()) for p in files]  # the list is replayed from any folder
    work = WorkDir(opts.out)
    resumed = work.open(_manifest(opts, files))
    if resumed:
        print(f"resuming the screen kept in {work.root}", file=err)
    con = ingest.connect(opts.memory_limit, opts.threads)
    wsettings = window_settings(opts.settings)
    ov = overlap_s(opts.settings)
    failed: list[str] = []
    fresh = False  # some file was read in this run: the track table is out of date
    notes: dict[str, None] = {}
    bar = ProgressBar("reading", len(files), err) if opts.progress else None
    try:
        for i, path in enumerate(files):
            state = work.ingest_state(i)
            if state != "ok":  # not read yet, or failed before: (re)try it
                retry = state is not None
                fresh = True
                work.drop_partial(i)
                try:
                    layout = ingest.layout_of(
                        con, path, opts.altitude, (opts.altitude_unit, opts.speed_unit)
                    )
                    for note in layout.notes:
                        notes.setdefault(note)
                    ingest.ingest_file(con, layout, i, work, opts.window_s, ov, opts.filters)
                    if retry:
                        work.forget_windows_of(i)
                    work.mark_ingested(i)
                    state = "ok"
                except ReadError as exc:
                    work.drop_partial(i)
                    work.mark_ingested(i, str(exc))
                    print(f"\nencounter-replay: {exc} (skipped; the other files go on)", file=err)
                    state = str(exc)
            if state != "ok":
                failed.append(state)
            if bar:
                bar.update(1)
    except KeyboardInterrupt:
        if bar:
            bar.close()
        raise ScreenInterrupted(0, len(work.window_indices()), work.root) from None
    for note in notes:
        print(f"note: {note}", file=err)
    indices = work.window_indices()
    if indices and (fresh or not work.tracks.exists()):
        ingest.build_track_table(con, work)
    con.close()
    tasks = [_task(work, k, opts, wsettings, sources) for k in indices]
    tasks = [t for t in tasks if t.span[1] > t.span[0]]
    reach = _fix_gap_limits(work, tasks, opts.settings, fresh, err if opts.progress else None)
    if reach > ov:
        tasks = [_task(work, k, opts, wsettings, sources, reach) for k in [t.index for t in tasks]]
    samples = rows = 0
    todo = []
    for t in tasks:
        saved = work.load_window(t.index)
        if saved is None:
            todo.append(t)
        else:
            rows += len(saved[0])
            samples += saved[1]
        del saved
    failed_windows: list[int] = []
    bar = ProgressBar("windows", len(tasks), err) if opts.progress else None
    if bar:
        bar.skip(len(tasks) - len(todo))

    def on_done(result) -> None:
        nonlocal samples, rows
        work.save_window(result.index, result.pairs, result.samples, result.facts)
        rows += len(result.pairs)
        samples += result.samples
        if bar:
            bar.update(1, result.samples)

    def on_error(task: WindowTask, exc: BaseException) -> None:
        failed_windows.append(task.index)
        print(
            f"\nencounter-replay: window {task.index} failed ({type(exc).__name__}: {exc}); "
            "rerun to retry it",
            file=err,
        )
        if bar:
            bar.update(1)

    try:
        if opts.workers or opts.scheduler:
            engines.run_dask(
                todo, on_done, on_error, workers=opts.workers, scheduler=opts.scheduler
            )
        else:
            engines.run_embedded(todo, on_done, on_error)
    except KeyboardInterrupt:
        if bar:
            bar.close()
        done = len(tasks) - len(todo) + sum(1 for t in todo if work.checkpoint(t.index).exists())
        raise ScreenInterrupted(done, len(tasks), work.root) from None

    def finish(merged: pd.DataFrame) -> pd.DataFrame:
        if len(merged):
            merged = merged[_reported(merged, opts.settings.within_m)].reset_index(drop=True)
        if "formation" in merged:
            merged["formation"] = whole_formations(
                merged, work, opts.settings, opts.window_s, sources, opts.memory_limit
            )
        merged = rank_pairs(merged)
        return output.finish(select_pairs(merged, opts.pairs), sources)

    spans = [t.span for t in tasks]
    info = {
        "settings": opts.settings.to_dict(),
        "sources": sources,
        "failed": failed,
        "window_s": opts.window_s,
        "windows": len(tasks),
        "samples": samples,
        "start": min(s[0] for s in spans) if spans else None,
        "end": max(s[1] for s in spans) if spans else None,
        "gap_s": opts.settings.gap_s,
        "altitude": opts.altitude,
        "units": [opts.altitude_unit, opts.speed_unit],
        "pairs_filter": opts.pairs,
        "incomplete_windows": failed_windows,
        "joined": _joined_pieces(work),
    }
    opts.out.parent.mkdir(parents=True, exist_ok=True)
    done = [t.index for t in tasks if t.index not in set(failed_windows)]
    n_pairs = assemble(work, done, rows, finish, opts.out, info, opts.memory_limit)
    if opts.csv:
        output.write_csv(opts.out, opts.out.with_suffix(".csv"))
    if not opts.keep_work and not failed_windows:
        work.remove()
    return ScreenOutcome(n_pairs, opts.out, len(tasks), samples, failed, failed_windows, resumed)


def _joined_pieces(work: WorkDir) -> dict[str, list]:
    """``{piece id: [joined track's id, piece rank]}`` of the pieces joined under another
    id, kept in the list so a replay joins the neighbourhood's pieces the same way."""
    if not work.tracks.exists():
        return {}
    meta = pd.read_parquet(work.tracks, columns=["id", "head", "piece"])
    moved = meta[meta["id"] != meta["head"]]
    return {
        str(i): [str(h), int(r)]
        for i, h, r in zip(moved["id"], moved["head"], moved["piece"], strict=True)
    }


def _fix_gap_limits(
    work: WorkDir,
    tasks: list[WindowTask],
    settings: AnalysisSettings,
    fresh: bool,
    err: TextIO | None,
) -> float:
    """Each track's gap limit over the whole archive (:mod:`.gaps`), written into the
    track table; returns how far beyond its span a window needs rows (the largest limit
    and a second). One cleaning pass over the windows, in this process, a window at a
    time."""
    if settings.max_gap_s is not None or not tasks:
        return overlap_s(settings)
    meta = pd.read_parquet(work.tracks)
    if GAP_LIMIT_COLUMN in meta and not fresh:
        return float(np.nanmax(meta[GAP_LIMIT_COLUMN].to_numpy(float), initial=0.0)) + 1.0
    table = meta.set_index("id", drop=False)
    stats, longs = [], []
    bar = ProgressBar("gap limits", len(tasks), err) if err is not None else None
    for t in tasks:
        rows = read_rows(t.parts)
        if rows.num_rows:
            ts, _ = trackset_from_rows(rows, table, list(t.sources))
            st, lg = gaps.window_intervals(ts, t.settings, t.span)
            stats.append(st)
            longs.append(lg)
        if bar:
            bar.update(1)
    if bar:
        bar.close()
    limits = gaps.gap_table(
        pd.concat(stats, ignore_index=True) if stats else pd.DataFrame(),
        pd.concat(longs, ignore_index=True) if longs else pd.DataFrame({"id": [], "dt": []}),
        settings,
    )
    head = meta["head"] if "head" in meta else meta["id"]
    meta[GAP_LIMIT_COLUMN] = limits.reindex(head.to_numpy(dtype=object)).to_numpy(float)
    meta.to_parquet(work.tracks, index=False)
    return float(np.nanmax(meta[GAP_LIMIT_COLUMN].to_numpy(float), initial=0.0)) + 1.0


def _task(
    work: WorkDir,
    k: int,
    opts: ScreenOptions,
    settings: AnalysisSettings,
    sources: list[str],
    reach: float = 0.0,
) -> WindowTask:
    """Window ``k``; with ``reach`` beyond the ingest overlap, the neighbouring windows'
    rows that far are read too."""
    s0, s1 = k * opts.window_s, (k + 1) * opts.window_s
    f = opts.filters
    if f.t_from is not None:
        s0 = max(s0, f.t_from)
    if f.t_to is not None:
        s1 = min(s1, f.t_to)
    return WindowTask(
        index=k,
        span=(s0, s1),
        parts=_parts(work, k, opts, reach),
        tracks_path=str(work.tracks),
        sources=tuple(sources),
        settings=settings,
        reach=reach,
        closed_end=f.t_to is not None and s1 == f.t_to,
    )


def _parts(work: WorkDir, k: int, opts: ScreenOptions, reach: float) -> tuple[str, ...]:
    extra = max(0.0, reach - overlap_s(opts.settings))
    m = math.ceil(extra / opts.window_s) if extra > 0 else 0
    return tuple(p for j in range(k - m, k + m + 1) for p in work.window_parts(j))


__all__ = ["ScreenInterrupted", "ScreenOptions", "ScreenOutcome", "screen"]
