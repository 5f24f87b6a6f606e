"""Archive rows → TrackSet, the same tracks the CSV reader would build from them.

Rows come from DuckDB (a window of the archive, or an encounter's neighbourhood) in no
particular order: one column per sample field in SI units and POSIX seconds, the track
id, and where the row came from (file index, row number in the file). Tracks are put in
id order, samples in time order; of samples sharing a track and a time the first in file
order is kept, as the CSV reader keeps the first line. Per-track metadata (callsign,
type…) comes from the archive-wide track table, so a track is named the same in every
window. The result goes through the readers' last gate (:func:`..io.sanitize.sanitize`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa

from ..analysis.cleaning import GAP_LIMIT_COLUMN, RECORDED_COLUMNS
from ..io.sanitize import sanitize
from ..model.trackset import META_COLUMNS, ObjectClass, TrackSet

#: Sample columns of archive rows besides the id, in SI units (angles in degrees).
ROW_FLOATS = ("t", "lat", "lon", "alt", "speed", "heading")
#: Text columns of the archive-wide track table besides the id.
META_TEXT = ("name", "callsign", "type", "coalition", "cls", "color", "icao24")


def _floats(table: pa.Table, name: str) -> np.ndarray:
    if name not in table.column_names:
        return np.full(table.num_rows, np.nan)
    col = table.column(name)
    return col.to_numpy(zero_copy_only=False).astype(np.float64, copy=False)


def trackset_from_rows(
    rows: pa.Table, meta: pd.DataFrame | None, sources: list[str], title: str = ""
) -> tuple[TrackSet, np.ndarray]:
    """The TrackSet of ``rows`` and, per track, the sorted file indices it came from
    (an object array of int arrays).

    ``meta`` is indexed by track id (missing ids get blank metadata); ``sources`` maps a
    file index to its path.
    """
    n = rows.num_rows
    ids = rows.column("id").to_numpy(zero_copy_only=False) if n else np.zeros(0, dtype=object)
    ids, piece = _joined(ids, meta)
    codes, uniques = pd.factorize(ids, sort=True)
    cols = {name: _floats(rows, name) for name in ROW_FLOATS}
    file_idx = rows.column("file").to_numpy().astype(np.int64) if n else np.zeros(0, np.int64)
    seq = rows.column("seq").to_numpy().astype(np.int64) if n else np.zeros(0, np.int64)
    order = np.lexsort((seq, file_idx, piece, cols["t"], codes))
    codes, file_idx = codes[order], file_idx[order]
    cols = {k: v[order] for k, v in cols.items()}
    keep = np.r_[True, (codes[1:] != codes[:-1]) | (cols["t"][1:] != cols["t"][:-1])]
    if not keep.all():
        codes, file_idx = codes[keep], file_idx[keep]
        cols = {k: v[keep] for k, v in cols.items()}
    with np.errstate(invalid="ignore"):
        for name in ("alt", "speed", "heading"):
            cols[name][np.isinf(cols[name])] = np.nan
    starts = np.flatnonzero(np.r_[True, codes[1:] != codes[:-1]]) if len(codes) else codes[:0]
    offsets = np.append(starts, len(codes)).astype(np.int64)
    track_ids = np.asarray(uniques, dtype=object)[codes[starts]] if len(codes) else np.zeros(0)
    frame = _meta(track_ids, meta, sources, file_idx[starts] if len(codes) else file_idx)
    nan = np.full(len(codes), np.nan)
    ts = TrackSet(**cols, roll=nan, pitch=nan.copy(), offsets=offsets, meta=frame, title=title)
    files = _files_per_track(codes, file_idx, len(track_ids))
    before = len(ts)
    ts = sanitize(ts, title or "archive")
    if len(ts) != before:  # sanitize dropped whole tracks: keep the file lists aligned
        kept = np.isin(track_ids, ts.meta["id"].to_numpy(dtype=object))
        files = files[kept]
    return ts, files


def _joined(ids: np.ndarray, meta: pd.DataFrame | None) -> tuple[np.ndarray, np.ndarray]:
    """Row ids put under their joined track's id (the track table's ``head``) and each
    row's piece rank, so pieces merge as :func:`..model.joining.join_pieces` merges them:
    time order, and of equal times the sample of the earlier piece."""
    piece = np.zeros(len(ids), dtype=np.int64)
    if meta is None or "head" not in meta or not len(ids):
        return ids, piece
    codes, uniques = pd.factorize(ids)
    found = meta.reindex(uniques)
    heads = found["head"].where(found["head"].notna(), pd.Series(uniques, index=found.index))
    ranks = found["piece"].fillna(0).to_numpy(np.int64)
    return heads.to_numpy(dtype=object)[codes], ranks[codes]


def _meta(
    track_ids: np.ndarray, meta: pd.DataFrame | None, sources: list[str], first_file: np.ndarray
) -> pd.DataFrame:
    n = len(track_ids)
    out = {"id": pd.Series(list(track_ids), dtype=object)}
    found = meta.reindex(track_ids) if meta is not None and n else None
    for col in META_TEXT:
        if found is not None and col in found:
            values = found[col].astype(object).where(found[col].notna(), "").to_numpy()
        else:
            values = np.full(n, "", dtype=object)
        out[col] = pd.Series(list(values), dtype=object)
    # ADS-B archives name flights by callsign, as the CSV reader does.
    out["name"] = out["name"].where(out["name"] != "", out["callsign"])
    out["cls"] = out["cls"].where(out["cls"] != "", ObjectClass.AIRCRAFT.value)
    out["source"] = pd.Series([sources[int(i)] for i in first_file], dtype=object)
    frame = pd.DataFrame({c: out[c] for c in META_COLUMNS})
    if found is not None and "icao24" in found and (out["icao24"] != "").any():
        frame["icao24"] = out["icao24"]
    if found is not None and GAP_LIMIT_COLUMN in found:  # fixed over the whole archive
        frame[GAP_LIMIT_COLUMN] = found[GAP_LIMIT_COLUMN].to_numpy(np.float64)
    if found is not None and all(c in found for c in RECORDED_COLUMNS):
        for c in RECORDED_COLUMNS:  # a window's edge is not the track's end
            frame[c] = found[c].to_numpy(np.float64)
    return frame


def _files_per_track(codes: np.ndarray, file_idx: np.ndarray, n_tracks: int) -> np.ndarray:
    """Sorted distinct file indices of every track (samples sorted by track)."""
    out = np.empty(n_tracks, dtype=object)
    if n_tracks == 0:
        return out
    top = int(file_idx.max()) + 1
    key = np.unique(codes * top + file_idx)
    track, files = key // top, key % top
    bounds = np.searchsorted(track, np.arange(n_tracks + 1))
    for k in range(n_tracks):  # per track, not per sample
        out[k] = files[bounds[k] : bounds[k + 1]]
    return out
