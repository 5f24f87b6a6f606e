"""An encounter's neighbourhood, loaded from the archive: what the replay of one row of an
encounter list needs, without reading the archive whole.

The two aircraft and every track that comes within the visual range of either of them,
from the row's ``replay_start`` to ``replay_end`` (a minute before its first contact to a
minute after its last). DuckDB reads only that time from the archive (Parquet row groups
outside it are skipped); the rows become a TrackSet by the same rules as a screen window.
Qt-free, so the window's encounter list can call it as the command line does.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from ..analysis.settings import AnalysisSettings
from ..geo import ecef_ground_and_normal
from ..io.errors import ReadError
from ..model import TrackSet
from . import ingest
from .output import read_encounters
from .sources import expand_sources
from .tracks import META_TEXT, trackset_from_rows


class EncounterError(Exception):
    """A LIST:ROW that names no encounter, or an archive without it (one line, exit 1)."""


def parse_spec(spec: str) -> tuple[Path, int]:
    """``encounters.parquet:12`` → (path, 12)."""
    path, sep, row = spec.rpartition(":")
    if not sep or not path or not row.strip().isdigit():
        raise EncounterError(
            f"--encounter expects LIST:ROW (e.g. encounters.parquet:0), got {spec!r}"
        )
    return Path(path), int(row)


def encounter_row(spec: str) -> tuple[pd.Series, dict]:
    path, row = parse_spec(spec)
    try:
        frame, info = read_encounters(path)
    except ValueError as exc:
        raise EncounterError(str(exc)) from None
    if not 0 <= row < len(frame):
        raise EncounterError(
            f"{path}: no row {row} (the list has {len(frame)} rows: 0…{len(frame) - 1})"
        )
    return frame.iloc[row], info


def _ecef(lat: np.ndarray, lon: np.ndarray, alt: np.ndarray) -> np.ndarray:
    g, n = ecef_ground_and_normal(lat, lon)
    return g + n * np.where(np.isfinite(alt), alt, 0.0)


def _near(ts: TrackSet, k_pair: list[int], reach_m: float) -> np.ndarray:
    """Per track: does it come within ``reach_m`` of either pair track at one of its samples
    (the pair's position interpolated at that time)?"""
    keep = np.zeros(len(ts), dtype=bool)
    keep[k_pair] = True
    track = ts.track_index_of_samples()
    p = _ecef(ts.lat, ts.lon, ts.alt)
    for k in k_pair:
        sl = ts.track_slice(k)
        tk = ts.t[sl]
        if len(tk) == 0:
            continue
        inside = (ts.t >= tk[0]) & (ts.t <= tk[-1])
        t = ts.t[inside]
        pos = np.stack([np.interp(t, tk, p[c, sl]) for c in range(3)])
        d = np.sqrt(((p[:, inside] - pos) ** 2).sum(axis=0))
        close = np.unique(track[inside][d <= reach_m])
        keep[close] = True
    return keep


def missing_sources(files: list[str | Path]) -> list[str]:
    """The files of ``files`` that are not there (an archive moved or unmounted)."""
    return [str(f) for f in files if not Path(f).exists()]


def missing_message(missing: list[str]) -> str:
    """One sentence naming the missing source files (the first few, then a count)."""
    shown = ", ".join(missing[:5])
    more = f" and {len(missing) - 5} more" if len(missing) > 5 else ""
    noun = "file" if len(missing) == 1 else "files"
    return f"source {noun} of the encounter not found: {shown}{more}"


def load_neighbourhood(archive: list[str], spec: str, options=None) -> TrackSet:
    """The TrackSet to replay row ``spec`` (``LIST:ROW``) of an encounter list from
    ``archive`` (files, globs, directories; the row's own source files when empty)."""
    row, info = encounter_row(spec)
    return row_neighbourhood(row, info, archive, options)


def row_neighbourhood(row: pd.Series, info: dict, archive=(), options=None) -> TrackSet:
    """The neighbourhood of one row of a list already read (``info``: the list's
    metadata), from ``archive`` or, when empty, the row's own source files."""
    start, end = float(row["replay_start"]), float(row["replay_end"])
    files = expand_sources(list(archive)) if archive else [Path(f) for f in row["source_files"]]
    missing = missing_sources(files)
    if missing:
        raise EncounterError(missing_message(missing))
    altitude = info.get("altitude")
    units = tuple(info.get("units") or (None, None))
    if options is not None:
        units = (options.altitude_unit or units[0], options.speed_unit or units[1])
    con = ingest.connect()
    tables = []
    where = ingest.where_sql(ingest.Filters(start, end), 0.0)
    for i, path in enumerate(files):
        try:
            layout = ingest.layout_of(con, path, altitude, units)
            sql = ingest.normalised_sql(con, layout, i, (start, end))
            tables.append(con.sql(f"SELECT * FROM ({sql}) WHERE {where}").to_arrow_table())
        except ReadError:
            continue  # a broken file of the archive: the neighbourhood is in the others
    con.close()
    tables = [t for t in tables if t.num_rows]
    if not tables:
        raise EncounterError(
            f"no samples between {row['replay_start']} and {row['replay_end']} in the archive"
        )
    rows = pa.concat_tables(tables, promote_options="default")
    meta = _joined_as_listed(_first_texts(rows), info.get("joined") or {})
    ts, _ = trackset_from_rows(
        rows, meta, [str(f) for f in files], title=f"{row['a_name']} / {row['b_name']}"
    )
    ids = ts.meta["id"].tolist()
    pair = [ids.index(x) for x in (row["a_id"], row["b_id"]) if x in ids]
    if len(pair) < 2:
        raise EncounterError(
            f"the archive holds no samples of {row['a_id']} and {row['b_id']} in the encounter's time"
        )
    settings = info.get("settings", {})
    reach = max(
        [
            float(settings.get("visual_range_m", AnalysisSettings().visual_range_m)),
            *map(float, settings.get("visual_range_by_type", {}).values()),
        ]
    )
    return ts.subset(_near(ts, pair, reach))


def _joined_as_listed(meta: pd.DataFrame, joined: dict) -> pd.DataFrame:
    """Pieces of one aircraft under the id the screen gave the joined track (its list
    records them), so the pair's ids are the neighbourhood's."""
    if not joined or meta.empty:
        return meta
    ids = meta["id"].astype(str)
    meta = meta.copy()
    meta["head"] = [joined.get(i, [i, 0])[0] for i in ids]
    meta["piece"] = [int(joined.get(i, [i, 0])[1]) for i in ids]
    # The joined track's texts: the head's, else (its piece is not in the time) this one's.
    heads = meta[~meta["id"].isin(list(joined))]
    extra = meta[meta["id"].isin(list(joined)) & ~meta["head"].isin(heads["id"])]
    extra = extra.drop_duplicates("head").assign(id=lambda f: f["head"])
    extra = extra.assign(head=extra["id"], piece=0).set_index("id", drop=False)
    return pd.concat([meta, extra])


def _first_texts(rows: pa.Table) -> pd.DataFrame:
    """Per id, the first non-empty metadata text in time order."""
    cols = ["id", "t", *[c for c in META_TEXT if c in rows.column_names]]
    frame = rows.select(cols).to_pandas().sort_values(["id", "t"], kind="stable")
    out = {}
    for c in cols[2:]:
        nonempty = frame[frame[c] != ""]
        out[c] = nonempty.groupby("id")[c].first()
    return (
        pd.DataFrame(out)
        .reindex(frame["id"].unique())
        .fillna("")
        .rename_axis("id")
        .reset_index()
        .set_index("id", drop=False)
    )
