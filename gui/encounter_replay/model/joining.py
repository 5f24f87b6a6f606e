"""One aircraft, one track: pieces of the same aircraft joined when a scene is built.

Recorders split one flight into several tracks (a KML with a ground and an airborne
Placemark, an ADS-B export starting a new flight id after a gap, the same aircraft in two
files). Left apart, every encounter of that aircraft is reported once per piece.

Rule: tracks are the same aircraft when their ``icao24`` (and callsign, so that two flights
of one airframe stay two) is the same, or, where they lack one, when their callsign (for KML/GPX, whose tracks carry only a name: the name)
and type are the same. Within such a group, pieces that do not overlap in time are
joined end to end; a piece overlapping another from a *different* file is the same
aircraft recorded twice and is merged sample by sample (time order, the first of equal
times kept). Overlapping pieces of one file are left apart: one file does not record
one aircraft twice at once, so they are different aircraft sharing a callsign.
"""

from __future__ import annotations

import itertools
from collections import defaultdict

import numpy as np
import pandas as pd

from .trackset import DataWarning, TrackSet

_NAME_SOURCES = (".kml", ".kmz", ".gpx")
_MAX_NAMED = 5


def _identity(meta: pd.DataFrame) -> list[tuple | None]:
    """The key naming the aircraft of each track, or None when nothing identifies it."""

    def col(name: str) -> list[str]:
        if name not in meta:
            return [""] * len(meta)
        return [str(x).strip() if isinstance(x, str) else "" for x in meta[name]]

    icao, callsign, name = col("icao24"), col("callsign"), col("name")
    kind, source, cls = col("type"), col("source"), col("cls")
    keys: list[tuple | None] = []
    for k in range(len(meta)):
        if icao[k]:  # (two flights of one airframe keep their own callsigns)
            keys.append(("icao", icao[k].lower(), callsign[k]))
        elif callsign[k]:
            keys.append(("callsign", callsign[k], kind[k], cls[k]))
        elif name[k] and source[k].lower().endswith(_NAME_SOURCES):
            keys.append(("callsign", name[k], kind[k], cls[k]))
        else:
            keys.append(None)
    return keys


def _groups(ts: TrackSet) -> list[list[int]]:
    """Groups of track indices to become one track (each in start-time order)."""
    sources = ts.meta["source"].astype(str).tolist() if len(ts) else []
    return piece_groups(ts.meta, ts.first_times, ts.last_times, [{s} for s in sources])


def piece_groups(
    meta: pd.DataFrame, first: np.ndarray, last: np.ndarray, files: list[set]
) -> list[list[int]]:
    """Groups of rows of ``meta`` (tracks in the scene's order) to become one track, each
    in start-time order; its lowest index is the head, whose id the joined track keeps.

    Works on metadata alone (first and last times, the files each track came from), so an
    archive screened in windows joins its tracks exactly as a whole-file read does. Two
    overlapping pieces are kept apart when they share a file (one file does not record one
    aircraft twice at once); a track read from one file has just that file.
    """
    keys = _identity(meta)
    by_key: dict[tuple, list[int]] = defaultdict(list)
    for k, key in enumerate(keys):
        if key is not None:
            by_key[key].append(k)
    out: list[list[int]] = []
    for members in by_key.values():
        if len(members) < 2:
            continue
        members.sort(key=lambda k: (first[k], k))
        group = [members[0]]
        end = last[members[0]]
        for k in members[1:]:
            overlaps = first[k] <= end
            if overlaps and all(files[g] & files[k] for g in group):
                continue  # same file, same time: another aircraft with that callsign
            group.append(k)
            end = max(end, last[k])
        if len(group) > 1:
            out.append(group)
    return out


def join_pieces(ts: TrackSet) -> TrackSet:
    """``ts`` with pieces of one aircraft joined (see the module docstring); the same
    object when there is nothing to join."""
    if len(ts) < 2:
        return ts
    groups = _groups(ts)
    if not groups:
        return ts
    absorbed = np.zeros(len(ts), dtype=bool)
    members_of: dict[int, list[int]] = {}
    for group in groups:
        head = min(group)
        members_of[head] = group
        absorbed[[k for k in group if k != head]] = True
    order = np.flatnonzero(~absorbed)
    pieces = []
    lengths = []
    for k in order:
        parts = members_of.get(int(k), [int(k)])
        idx = np.concatenate([np.arange(ts.offsets[p], ts.offsets[p + 1]) for p in parts])
        # Time order; of equal times (a sample recorded in both files) the first is kept.
        idx = idx[np.argsort(ts.t[idx], kind="stable")]
        if len(idx) > 1:
            idx = idx[np.r_[True, np.diff(ts.t[idx]) > 0]]
        pieces.append(idx)
        lengths.append(len(idx))
    take = np.concatenate(pieces)
    offsets = np.zeros(len(order) + 1, dtype=np.int64)
    np.cumsum(lengths, out=offsets[1:])
    warnings = list(ts.warnings)
    ids = ts.meta["id"].astype(str).to_numpy()
    texts = [f"{' + '.join(ids[g] for g in sorted(grp))} → {ids[min(grp)]}" for grp in groups]
    more = f" and {len(texts) - _MAX_NAMED} more" if len(texts) > _MAX_NAMED else ""
    merged = sum(
        1
        for grp in groups
        if any(ts.first_times[b] <= ts.last_times[a] for a, b in itertools.pairwise(grp))
    )
    how = f" ({merged} recorded twice at once, merged sample by sample)" if merged else ""
    warnings.append(
        DataWarning(
            str(ts.meta["source"].iat[groups[0][0]]),
            f"{len(groups)} aircraft recorded as several tracks joined into one each{how}: "
            + "; ".join(texts[:_MAX_NAMED])
            + more,
            count=len(groups),
        )
    )
    return ts.take_samples(take, offsets, ts.meta.iloc[order].reset_index(drop=True), warnings)
