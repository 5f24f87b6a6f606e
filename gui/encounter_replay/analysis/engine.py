"""All-pairs separation analysis: prune, then solve every union interval exactly.

Pipeline (docs/algorithms.md):

0. :func:`.cleaning.clean` — the analysis's view of the recording: implausible and stale
   samples left out (listed in ``AnalysisResult.excluded``), sustained steps split, ground
   time out unless ``include_ground``, each track's gap limit (adaptive for sampled
   sources, none for ACMI objects, which hold their last state until removed).
1. :func:`.prepared.prepare` — paired classes only (``settings.include``; reference points
   never), ECEF positions, altitude dropouts bridged when the known altitudes around them
   are at most ``gap_s`` apart; longer dropouts stay unknown (horizontal only) and are
   named in a warning.
2. :func:`.pruning.candidate_windows` — (pair, time window)s whose bounding boxes and
   straight-line bounds say something can happen there; whole buckets certainly in visual
   contact or loss of separation come back as intervals without exact work. Cost follows
   the number of close pairs.
3. In chunks of windows (bounded memory; progress and cancel between chunks):
   :func:`.union.union_intervals` builds every interval between consecutive sample times
   of either track, and on each one the closed forms of :mod:`.cpa`, :mod:`.intervals`
   and :mod:`.well_clear` give the minimum, the visual-contact, loss-of-separation, NMAC
   and well-clear pieces. Per pair reductions are segmented numpy reductions; nothing
   loops over pairs or samples.
4. :func:`.pair_facts.add_pair_facts` — assessed time, relation, formation, severity,
   closure plausibility; rows sorted by rank.

Motion model: linear in WGS84 ECEF between consecutive samples of a track; no motion
across gaps longer than the track's gap limit or across a split (an isolated sample
between two gaps is an instant of presence, which the CPA search includes and where a
condition that holds is reported as ``[t, t]``). Slant range is the ECEF chord. Horizontal
separation is minimised on the chord between ground points and reported as the pyproj
geodesic at that moment (the two differ by < 1 m below 100 km).

Closure (``closure_mps``) is the relative speed ``|v_B − v_A|`` at the CPA, on the
interval ending at the CPA when it falls on a sample time: how fast the two passed each
other. The range rate is zero at an interior minimum and says nothing there; it is given
separately (``range_rate_mps``) and is non-zero only when the closest moment is the start
or end of the common data. Both are unknown (NaN) when the CPA is an instant between gaps.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable

import numpy as np
import pandas as pd

from ..io.limits import check_analysis_budget
from ..model import DataWarning, TrackSet
from .cleaning import class_limits, clean
from .exact import ExactChunk
from .intervals import merge_touching
from .pair_facts import add_pair_facts
from .prepared import SOURCE, prepare
from .pruning import Windows, all_overlapping_windows, candidate_windows
from .result import PAIR_COLUMNS, AnalysisCancelled, AnalysisResult, empty_pairs
from .settings import AnalysisSettings
from .union import inside_counts
from .well_clear import WellClearColumns, well_clear_thresholds

Progress = Callable[[float], bool | None]

#: Union points per chunk: about 0.5 KB of working memory each.
CHUNK_POINTS = 250_000


def _spans_by_pair(
    spans: tuple[np.ndarray, np.ndarray, np.ndarray], n_pairs: int
) -> list[list[tuple[float, float]]]:
    """Intervals grouped per pair (sorted by pair) as lists of ``(start, end)`` tuples.

    Building the table's list column is the one per-pair Python step; it runs over the
    reported pairs only, after all numerical work.
    """
    pair, start, end = spans
    counts = np.bincount(pair, minlength=n_pairs).tolist()
    rows = list(zip(start.tolist(), end.tolist(), strict=True))
    out: list[list[tuple[float, float]]] = []
    pos = 0
    for c in counts:
        out.append(rows[pos : pos + c])
        pos += c
    return out


def _within_span(windows: Windows, t0: float, t1: float) -> Windows:
    """The candidate windows and certain spans cut to ``[t0, t1]``.

    A window cut down to one instant is dropped unless it was one already (an instant of
    common presence): the neighbouring span holds that edge instant itself.
    """
    w0, w1 = np.maximum(windows.w0, t0), np.minimum(windows.w1, t1)
    keep = (w1 > w0) | ((windows.w0 == windows.w1) & (w0 == w1))

    def cut(spans: tuple[np.ndarray, ...]) -> tuple[np.ndarray, ...]:
        if not spans:
            return spans
        da, db, s0, s1 = spans
        c0, c1 = np.maximum(s0, t0), np.minimum(s1, t1)
        ok = c1 > c0
        return (da[ok], db[ok], c0[ok], c1[ok])

    return Windows(
        windows.ja[keep],
        windows.jb[keep],
        w0[keep],
        w1[keep],
        n_box_pairs=windows.n_box_pairs,
        n_fine=windows.n_fine,
        n_kept=windows.n_kept,
        direct_vis=cut(windows.direct_vis),
        direct_los=cut(windows.direct_los),
        direct_wc=cut(windows.direct_wc),
    )


def analyze(
    ts: TrackSet,
    settings: AnalysisSettings | None = None,
    progress: Progress | None = None,
    *,
    chunk_points: int = CHUNK_POINTS,
    prune: bool = True,
    span: tuple[float, float] | None = None,
) -> AnalysisResult:
    """CPA, least horizontal separation, visual-contact and loss-of-separation intervals
    for every pair of paired-class tracks whose CPA slant range is within
    ``settings.within_m`` (see :class:`AnalysisResult` for the columns).

    ``progress(fraction)`` is called between stages and chunks; returning ``False``
    cancels with :class:`AnalysisCancelled`. ``prune=False`` examines every pair over its
    whole overlap (quadratic; for checking the pruning).

    ``span=(t0, t1)`` examines only that time: every figure and interval is then the one
    of the data restricted to ``[t0, t1]``, while samples outside still shape the motion
    across its edges. Archive screening relies on it: windows whose spans tile the time
    give, merged, exactly the figures of one run over everything.
    """
    settings = settings or AnalysisSettings()

    def report(fraction: float) -> None:
        if progress is not None and progress(min(max(fraction, 0.0), 1.0)) is False:
            raise AnalysisCancelled()

    report(0.0)
    vis = settings.visual_ranges(ts.meta)
    cleaned = clean(ts, settings)
    prep = prepare(
        cleaned.ts,
        settings.include,
        settings.gap_s,
        vis,
        brk=cleaned.brk,
        track_gap=cleaned.gap_s,
    )
    warnings: list[DataWarning] = [*cleaned.warnings, *prep.warnings]
    report(0.05)
    windows, margin = candidate_windows(
        prep,
        gap_s=settings.gap_s,
        within_m=settings.within_m,
        hsep_m=settings.hsep_m,
        vsep_m=settings.vsep_m,
        earth_k=settings.earth_k,
        well_clear=well_clear_thresholds(settings),
        nmac_h_m=settings.nmac_h_m,
        nmac_v_m=settings.nmac_v_m,
        span=span,
    )
    if not prune:
        windows = all_overlapping_windows(prep)
    if span is not None:
        windows = _within_span(windows, *span)
    stats = {
        "tracks": len(prep),
        "samples": len(prep.t),
        "box_pairs": windows.n_box_pairs,
        "fine_buckets": windows.n_fine,
        "kept_buckets": windows.n_kept,
        "windows": len(windows),
        "intervals": 0,
        "margin_eps": margin.eps,
        "margin_delta_m": margin.delta,
    }
    report(0.15)
    if len(windows) == 0:
        return AnalysisResult(settings, empty_pairs(), warnings, stats, cleaned.excluded)

    ja, jb, w0, w1 = windows.ja, windows.jb, windows.w0, windows.w1
    new_pair = np.r_[True, (ja[1:] != ja[:-1]) | (jb[1:] != jb[:-1])]
    pair_of_window = np.cumsum(new_pair) - 1
    n_pairs = int(pair_of_window[-1]) + 1
    check_analysis_budget(pairs=n_pairs)  # each may be reported: refuse before solving
    pair_a = ja[new_pair]
    pair_b = jb[new_pair]
    _, n_a, _, n_b = inside_counts(prep, ja, jb, w0, w1)
    npts = n_a + n_b + 2
    # Chunks hold whole pairs: chunk number = points before the pair's first window // budget.
    before = np.cumsum(npts) - npts
    chunk_of_pair = before[new_pair] // max(int(chunk_points), 1)
    chunk_of_window = chunk_of_pair[pair_of_window]
    bounds = np.flatnonzero(np.r_[True, chunk_of_window[1:] != chunk_of_window[:-1], True])
    total_pts = float(npts.sum())

    per_keys = [
        "cpa_time",
        "cpa_slant_m",
        "cpa_horizontal_m",
        "cpa_vertical_m",
        "closure_mps",
        "range_rate_mps",
        "bearing_ab_deg",
        "bearing_ba_deg",
        "min_horizontal_m",
        "min_horizontal_time",
        "unknown_h",
        "alt_unknown_s",
    ]
    acc = {name: np.full(n_pairs, np.nan) for name in per_keys}
    seen = np.zeros(n_pairs, dtype=bool)
    vis_parts: list[tuple[np.ndarray, ...]] = []
    los_parts: list[tuple[np.ndarray, ...]] = []
    wc = WellClearColumns(n_pairs)
    nmac_parts: list[tuple[np.ndarray, ...]] = []
    done = 0.0
    for c0, c1 in itertools.pairwise(bounds):
        sl = slice(int(c0), int(c1))
        p0 = int(pair_of_window[c0])
        chunk = ExactChunk(
            prep,
            settings,
            ja[sl],
            jb[sl],
            w0[sl],
            w1[sl],
            pair_of_window[sl] - p0,
            int(pair_of_window[c1 - 1]) - p0 + 1,
        )
        stats["intervals"] += chunk.n_intervals
        g = chunk.per_pair["pair"] + p0
        seen[g] = True
        for name in per_keys:
            acc[name][g] = chunk.per_pair[name]
        vis_parts.append((chunk.visual[0] + p0, chunk.visual[1], chunk.visual[2]))
        los_parts.append((chunk.los[0] + p0, chunk.los[1], chunk.los[2]))
        wc.add(chunk.well_clear, p0)
        nmac_parts.append((chunk.nmac[0] + p0, chunk.nmac[1], chunk.nmac[2]))
        done += float(npts[sl].sum())
        report(0.15 + 0.8 * done / total_pts)

    within = settings.within_m
    slant = acc["cpa_slant_m"]
    reported = seen & (
        (np.isfinite(slant) & (slant <= within))
        | (np.isfinite(acc["unknown_h"]) & (acc["unknown_h"] <= within))
        | wc.violated  # a well-clear violation is reported however far the CPA
    )
    idx = np.flatnonzero(reported)
    order = np.lexsort((acc["min_horizontal_m"][idx], np.nan_to_num(slant[idx], nan=np.inf)))
    idx = idx[order]
    remap = np.full(n_pairs, -1, dtype=np.int64)
    remap[idx] = np.arange(len(idx))

    # Whole buckets the pruning found certainly in contact / in loss of separation.
    n_tr = max(len(prep), 1)
    pair_keys = pair_a * n_tr + pair_b

    def direct(spans: tuple[np.ndarray, ...]) -> tuple[np.ndarray, ...]:
        if not spans or len(spans[0]) == 0:
            return (np.zeros(0, dtype=np.int64), np.zeros(0), np.zeros(0))
        da, db, s0, s1 = spans
        k = da * n_tr + db
        at = np.minimum(np.searchsorted(pair_keys, k), len(pair_keys) - 1)
        ok = pair_keys[at] == k
        return (at[ok], s0[ok], s1[ok])

    vis_parts.append(direct(windows.direct_vis))
    los_parts.append(direct(windows.direct_los))
    wc.parts.append(direct(windows.direct_wc))

    def gather(parts: list[tuple[np.ndarray, ...]]) -> list[list[tuple[float, float]]]:
        pair = np.concatenate([p[0] for p in parts]).astype(np.int64)
        start = np.concatenate([p[1] for p in parts])
        end = np.concatenate([p[2] for p in parts])
        row = remap[pair]
        keep = row >= 0
        row, start, end = row[keep], start[keep], end[keep]
        o = np.lexsort((start, row))
        return _spans_by_pair(merge_touching(row[o], start[o], end[o]), len(idx))

    visual = gather(vis_parts)
    los = gather(los_parts)
    well_clear = gather(wc.parts)
    nmac = gather(nmac_parts)
    ta = prep.track[pair_a[idx]]
    tb = prep.track[pair_b[idx]]
    names = np.array(prep.names, dtype=object)
    ids = np.array(prep.ids, dtype=object)
    pairs = pd.DataFrame(
        {
            "a": ta.astype(np.int64),
            "b": tb.astype(np.int64),
            "a_id": ids[pair_a[idx]],
            "b_id": ids[pair_b[idx]],
            "a_name": names[pair_a[idx]],
            "b_name": names[pair_b[idx]],
            **{name: acc[name][idx] for name in per_keys if name not in ("unknown_h",)},
            "visual_contact": pd.Series(visual, dtype="object"),
            "loss_of_separation": pd.Series(los, dtype="object"),
            "visual_s": np.array([sum(e - s for s, e in v) for v in visual], dtype=np.float64)
            if visual
            else np.zeros(0),
            "los": np.array([len(x) > 0 for x in los], dtype=bool),
            **wc.columns(idx, well_clear),
            "nmac": pd.Series(nmac, dtype="object"),
        }
    )
    limits_h, _ = class_limits(ts, settings)
    pairs, facts = add_pair_facts(
        pairs, ts, prep, pair_a[idx], pair_b[idx], cleaned.excluded, limits_h, settings, span
    )
    warnings += facts
    pairs = pairs[list(PAIR_COLUMNS)].reset_index(drop=True)
    partial = int((pairs["alt_unknown_s"] > 0).sum())
    if partial:
        warnings.append(
            DataWarning(
                SOURCE,
                f"{partial} reported pair(s) have stretches without altitude (alt_unknown_s): "
                "their slant CPA, visual contact and loss of separation cover only the rest",
                count=partial,
            )
        )
    stats["pairs"] = len(pairs)
    report(1.0)
    return AnalysisResult(settings, pairs, warnings, stats, cleaned.excluded)


__all__ = ["AnalysisCancelled", "analyze"]
