"""One-line descriptions of the scene for the status bar and the encounter table.

Plain functions of the data (no widgets), so the wording is easy to find and to test.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..analysis import AnalysisResult
from ..model import TrackSet
from ..model.units import fmt_distance, fmt_duration, fmt_time_utc


def pair_row(analysis: AnalysisResult | None, pair: tuple[int, int]) -> pd.Series | None:
    """The analysis row of track pair ``(a, b)``, None when there is none."""
    return None if analysis is None else analysis.pair_row(*pair)


def pairs_summary(analysis: AnalysisResult | None, units: str, busy: bool) -> str:
    """Above the encounter table: how many pairs, in visual contact, losing separation."""
    if analysis is None:
        return "Analysing separation…" if busy else "No analysis"
    s = analysis.settings
    n = len(analysis.pairs)
    los = int(analysis.pairs["los"].sum()) if n else 0
    vis = int((analysis.pairs["visual_s"] > 0).sum()) if n else 0
    return (
        f"{n} pair{'s' if n != 1 else ''} within {fmt_distance(s.within_m, units, 1)} · "
        f"{vis} in visual contact · {los} loss of separation"
    )


def scene_summary(ts: TrackSet | None, files: list[str], analysis: AnalysisResult | None) -> str:
    """Right of the status bar: files, tracks, samples, duration, pairs."""
    if ts is None:
        return "No recording open"
    parts = [
        f"{len(files)} file{'s' if len(files) != 1 else ''}",
        f"{len(ts)} tracks",
        f"{ts.n_samples:,} samples",
        fmt_duration(ts.end - ts.start) if len(ts) else "",
    ]
    if analysis is not None:
        parts.append(f"{len(analysis.pairs)} pairs")
    return " · ".join(p for p in parts if p)


def pair_readout(names: list[str], pair: tuple[int, int], row: pd.Series, units: str) -> str:
    """The selected pair and its closest approach, for the status bar."""
    return (
        f"Selected: {names[pair[0]]} – {names[pair[1]]} · CPA {fmt_time_utc(row.cpa_time)} · "
        f"{fmt_distance(row.cpa_slant_m, units)} slant"
    )


def window_title(ts: TrackSet, files: list[str]) -> str:
    title = ts.title or ", ".join(Path(f).name for f in files)
    return f"{title} — Encounter Replay" if title else "Encounter Replay"
