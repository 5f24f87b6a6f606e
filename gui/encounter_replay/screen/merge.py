"""Per-window pair tables → one exact row per pair, over whatever columns the analysis has.

Every window answers for its own span, and the spans tile the screened time, so each
figure of a pair over the whole archive is a reduction of its figures per window. The
rules go by the kind of column, not by a list of names, so columns the analysis gains
later merge without a change here:

* interval lists (``visual_contact``, ``loss_of_separation``, …): concatenated and joined
  where they touch across a window edge;
* booleans: any window;
* ``min_<what>`` and its companions ``min_<what>_<…>`` (e.g. ``min_horizontal_time``):
  from the window with the least ``min_<what>``;
* other columns ending in ``_s`` (durations such as ``visual_s``, ``alt_unknown_s``):
  summed over windows;
* everything else (the CPA figures, names…): from the window holding the closest point
  of approach (least slant range; least horizontal minimum when slant is unknown; the
  earliest window on a tie, which is the approach side of a CPA on a window edge).

``files`` (source files of the two tracks) is united; ``window`` becomes ``windows``, the
number of windows that reported the pair.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..analysis.intervals import merge_touching
from .window_task import FILES_COLUMN, WINDOW_COLUMN

KEYS = ("a_id", "b_id")
#: Relative tolerance within which two windows' CPA slant ranges are taken as equal.
TIE_RTOL = 1e-9


def is_interval_column(series: pd.Series) -> bool:
    """Object columns whose cells are lists of ``(start, end)`` pairs."""
    if series.dtype != object:
        return False
    for cell in series:
        if isinstance(cell, list | tuple | np.ndarray):
            if len(cell) == 0:
                continue
            first = cell[0]
            return isinstance(first, list | tuple | np.ndarray) and len(first) == 2
        return False
    return bool(series.map(lambda c: isinstance(c, list | tuple | np.ndarray)).all())


#: Unit suffixes of measure columns: ``min_horizontal_m`` is the measure, and
#: ``min_horizontal_time`` its companion.
UNIT_SUFFIXES = ("m", "s", "mps", "deg", "ft", "kt")


def _stem(name: str) -> str:
    head, _, tail = name.rpartition("_")
    return head if head and tail in UNIT_SUFFIXES else name


def _is_measure(name: str, series: pd.Series) -> bool:
    """A ``min_…`` column that is a figure to minimise (not a time or a flag)."""
    return pd.api.types.is_float_dtype(series) and name.rpartition("_")[2] in UNIT_SUFFIXES


def _cpa_order(frame: pd.DataFrame) -> np.ndarray:
    """Row order putting each pair's CPA window first."""
    slant = frame["cpa_slant_m"].to_numpy(dtype=np.float64)
    key = np.where(np.isfinite(slant), slant, np.inf)
    # Equal within TIE_RTOL counts as a tie: quantise relative to the pair's least slant.
    group = frame["_pair"].to_numpy()
    least = pd.Series(key).groupby(group).transform("min").to_numpy()
    with np.errstate(invalid="ignore"):
        tie = np.isfinite(least) & (key <= least * (1 + TIE_RTOL) + 1e-9)
    key = np.where(tie, least, key)
    hmin = frame.get("min_horizontal_m")
    h = hmin.to_numpy(dtype=np.float64) if hmin is not None else np.zeros(len(frame))
    h = np.where(np.isfinite(h), h, np.inf)
    win = frame[WINDOW_COLUMN].to_numpy()
    return np.lexsort((win, np.where(np.isfinite(key), 0.0, h), key, group))


def _join_intervals(cells: pd.Series, group: np.ndarray, n_groups: int) -> list[list]:
    lengths = cells.map(len).to_numpy()
    owner = np.repeat(group, lengths)
    flat = [iv for cell in cells for iv in cell]
    spans = np.asarray(flat, dtype=np.float64).reshape(-1, 2)
    order = np.lexsort((spans[:, 0], owner))
    pair, start, end = merge_touching(owner[order], spans[order, 0], spans[order, 1])
    counts = np.bincount(pair, minlength=n_groups)
    rows = list(zip(start.tolist(), end.tolist(), strict=True))
    out, pos = [], 0
    for c in counts.tolist():
        out.append(rows[pos : pos + c])
        pos += c
    return out


def _united(cells: pd.Series, group: np.ndarray, n_groups: int) -> list[list[int]]:
    """Per group, the sorted union of integer lists."""
    lengths = cells.map(len).to_numpy()
    flat = np.fromiter(
        (x for cell in cells for x in cell), dtype=np.int64, count=int(lengths.sum())
    )
    top = int(flat.max()) + 1 if len(flat) else 1
    key = np.unique(np.repeat(group, lengths) * top + flat)
    owner, values = key // top, (key % top).tolist()
    bounds = np.searchsorted(owner, np.arange(n_groups + 1))
    return [values[bounds[i] : bounds[i + 1]] for i in range(n_groups)]


def merge_windows(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """One row per pair from the window tables (see module docstring), sorted like the
    analysis sorts: CPA slant range ascending (unknown last), then horizontal minimum."""
    frames = [f for f in frames if len(f)]
    if not frames:
        return pd.DataFrame(columns=[*KEYS, "windows", FILES_COLUMN])
    frame = pd.concat(frames, ignore_index=True)
    frame["_pair"] = pd.MultiIndex.from_frame(frame[list(KEYS)]).factorize()[0]
    frame = frame.iloc[_cpa_order(frame)].reset_index(drop=True)
    group = frame["_pair"].to_numpy()
    n = int(group.max()) + 1
    first = np.flatnonzero(np.r_[True, group[1:] != group[:-1]])
    out = frame.iloc[first].reset_index(drop=True)  # the CPA window's row of each pair
    by_pair = frame.groupby("_pair", sort=True)
    mins = [c for c in frame.columns if c.startswith("min_") and _is_measure(c, frame[c])]
    companions = set()
    for m in mins:
        values = frame[m].to_numpy(dtype=np.float64)
        key = np.where(np.isfinite(values), values, np.inf)
        pick = np.lexsort((frame[WINDOW_COLUMN].to_numpy(), key, group))
        rows = pick[np.flatnonzero(np.r_[True, group[pick][1:] != group[pick][:-1]])]
        stem = _stem(m)
        family = [
            c for c in frame.columns if c == m or (c.startswith(stem + "_") and c not in mins)
        ]
        companions.update(family)
        for c in family:
            out[c] = frame[c].to_numpy()[rows]
    for col in frame.columns:
        if col in (*KEYS, "_pair", WINDOW_COLUMN) or col in companions:
            continue
        series = frame[col]
        if col == FILES_COLUMN:
            out[col] = _united(series, group, n)
        elif is_interval_column(series):
            out[col] = pd.Series(_join_intervals(series, group, n), dtype=object)
        elif pd.api.types.is_bool_dtype(series):
            out[col] = by_pair[col].any().to_numpy()
        elif col.endswith("_s") and pd.api.types.is_numeric_dtype(series):
            out[col] = by_pair[col].sum(min_count=1).to_numpy()
    out["windows"] = by_pair[WINDOW_COLUMN].nunique().to_numpy()
    out = out.drop(columns=["_pair", WINDOW_COLUMN])
    slant = out["cpa_slant_m"].to_numpy(dtype=np.float64)
    hmin = out["min_horizontal_m"].to_numpy(dtype=np.float64) if "min_horizontal_m" in out else 0
    order = np.lexsort((hmin, np.nan_to_num(slant, nan=np.inf)))
    return out.iloc[order].reset_index(drop=True)


def rank_pairs(pairs: pd.DataFrame) -> pd.DataFrame:
    """Severity from the merged intervals, then the analysis' ranking over all merged
    pairs (a window's rank only ranks that window's pairs): rows in rank order, ``rank``
    1… with pairs of implausible closure last and unranked, as :func:`analyze` gives."""
    if "rank" not in pairs or not len(pairs):
        return pairs
    from ..analysis.pair_facts import rank_order, severities

    out = pairs.copy()
    out["severity"] = pd.Series(severities(out), dtype=object, index=out.index)
    out = out.iloc[rank_order(out)].reset_index(drop=True)
    ranked = ~out["implausible_closure"].to_numpy(bool)
    out["rank"] = np.where(ranked, np.cumsum(ranked), np.nan)
    return out
