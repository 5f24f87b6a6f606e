"""What the timeline shows, as data: the bands and the markers, from the analysis pairs,
the notes and the recording's events. Kept apart from the widget, which only lays them out
and paints them (:mod:`.timeline`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..model.units import fmt_distance, fmt_time_utc


def merge_intervals(intervals: np.ndarray) -> np.ndarray:
    """Union of (start, end) rows as sorted, disjoint rows; vectorised (no loop over rows)."""
    iv = np.asarray(intervals, dtype=np.float64).reshape(-1, 2)
    if len(iv) == 0:
        return iv
    iv = iv[np.argsort(iv[:, 0], kind="stable")]
    ends = np.maximum.accumulate(iv[:, 1])
    new = np.ones(len(iv), dtype=bool)
    new[1:] = iv[1:, 0] > ends[:-1]
    group = np.cumsum(new) - 1
    starts = iv[new, 0]
    group_end = np.zeros(len(starts))
    np.maximum.at(group_end, group, ends)
    group_end = np.maximum(group_end, starts)
    return np.column_stack([starts, group_end])


def _intervals_of(column: pd.Series) -> np.ndarray:
    rows = [iv for cell in column for iv in (cell if cell is not None else [])]
    return np.asarray(rows, dtype=np.float64).reshape(-1, 2)


@dataclass
class Mark:
    time: float
    tooltip: str
    kind: str  # "cpa", "cpa_sel", "event", "note"


def timeline_content(
    pairs: pd.DataFrame | None,
    selected: tuple[int, int] | None,
    all_pairs: bool,
    names: list[str],
    notes: list[tuple[float, str]],
    events: pd.DataFrame | None,
    units: str,
) -> tuple[np.ndarray, np.ndarray, list[Mark]]:
    """(visual-contact bands, loss-of-separation bands, markers with their tooltips).

    Bands are the selected pair's, every pair's with ``all_pairs``, or — while no pair is
    selected — the top-ranked pair's (the first row: a formation flies "in contact" all
    along, so the union of every pair would cover the whole recording). CPA markers are
    the selected pair's, or every pair's; notes and events are always marked.
    """
    marks: list[Mark] = []
    vis = los = np.zeros((0, 2))
    if pairs is not None and len(pairs):
        sel = selected
        if sel is not None:
            is_sel = ((pairs["a"] == sel[0]) & (pairs["b"] == sel[1])).to_numpy()
        else:
            is_sel = np.zeros(len(pairs), dtype=bool)
        every = all_pairs or sel is None
        if all_pairs:
            chosen = pairs
        elif sel is None:
            chosen = pairs.iloc[:1]  # rows come in rank order
        else:
            chosen = pairs[is_sel]
        vis = merge_intervals(_intervals_of(chosen["visual_contact"]))
        los = merge_intervals(_intervals_of(chosen["loss_of_separation"]))
        for row, s in zip(pairs.itertuples(index=False), is_sel, strict=True):
            if not (every or s):
                continue
            name_a = names[row.a] if row.a < len(names) else row.a_name or row.a_id
            name_b = names[row.b] if row.b < len(names) else row.b_name or row.b_id
            tip = (
                f"CPA {name_a} – {name_b}\n{fmt_time_utc(row.cpa_time)}  "
                f"slant {fmt_distance(row.cpa_slant_m, units)}"
            )
            marks.append(Mark(float(row.cpa_time), tip, "cpa_sel" if s else "cpa"))
    for t, text in notes:
        marks.append(Mark(float(t), f"{fmt_time_utc(t)}  Note: {text}", "note"))
    if events is not None and len(events):
        for t, kind, text in zip(events["time"], events["kind"], events["text"], strict=True):
            label = f"{kind}: {text}" if text else str(kind)
            marks.append(Mark(float(t), f"{fmt_time_utc(t)}  {label}", "event"))
    return vis, los, marks


def well_clear_bands(
    pairs: pd.DataFrame | None, selected: tuple[int, int] | None, all_pairs: bool
) -> np.ndarray:
    """DAA well-clear violation bands, chosen like the other bands (the selected pair's,
    or every pair's); empty where the analysis has no well-clear column."""
    if pairs is None or not len(pairs) or "well_clear_violation" not in pairs:
        return np.zeros((0, 2))
    chosen = pairs
    if selected is not None and not all_pairs:
        chosen = pairs[(pairs["a"] == selected[0]) & (pairs["b"] == selected[1])]
    return merge_intervals(_intervals_of(chosen["well_clear_violation"]))
