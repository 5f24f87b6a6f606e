"""DuckDB reads, filters and partitions the archive, out of core, one source file at a time.

Every row goes to the time window it falls in, and also to the neighbouring window when
it lies within ``overlap`` seconds of the edge: window K then holds every sample of
``[K·W − overlap, (K+1)·W + overlap]``, so each segment that touches its span is whole.
DuckDB streams each file through the filters into ``parts/win=K/`` (Parquet), spilling to
disk beyond its memory limit, so no step holds more than one window's rows in Python.
Reading file by file also isolates a broken file: it is named and the rest goes on.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq

from ..analysis.cleaning import RECORDED_COLUMNS
from ..io import csv_columns as cc
from ..io.errors import ReadError
from ..model.joining import piece_groups
from . import extra
from .sources import Layout, detect_layout, numeric_scale, numeric_time_probe_sql, rows_sql
from .workdir import WorkDir


@dataclass(frozen=True)
class Filters:
    """Which rows of the archive are screened (all optional)."""

    t_from: float | None = None
    t_to: float | None = None
    region: tuple[float, float, float, float] | None = None  # lat0, lon0, lat1, lon1


def connect(memory_limit: str | None = None, threads: int | None = None):
    duckdb = extra.duckdb()
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    if memory_limit:
        con.execute(f"SET memory_limit = '{memory_limit}'")
    if threads:
        con.execute(f"SET threads = {int(threads)}")
    con.execute("SET preserve_insertion_order = true")
    return con


def layout_of(
    con, path: Path, altitude: str | None, units: tuple[str | None, str | None]
) -> Layout:
    from .sources import scan_sql

    try:
        described = con.execute(f"DESCRIBE SELECT * FROM {scan_sql(path)}").fetchall()
    except Exception as exc:  # duckdb.Error and its kin: the file is unreadable
        if _interrupted(exc):
            raise KeyboardInterrupt from None
        raise ReadError(path, f"cannot read: {_first_line(exc)}") from None
    return detect_layout(path, [(r[0], r[1]) for r in described], altitude, *units)


def normalised_sql(
    con, layout: Layout, file_index: int, between: tuple[float, float] | None = None
) -> str:
    probe = numeric_time_probe_sql(layout)
    scale = None
    if probe is not None:
        scale = numeric_scale(layout, con.execute(probe).fetchone())
    return rows_sql(layout, file_index, scale, between)


def where_sql(filters: Filters, margin: float) -> str:
    """Rows the analysis can use (the CSV reader's rules) within the filters."""
    cond = [
        "isfinite(t)",
        f"abs(t) < {1e10!r}",
        "abs(lat) <= 90",
        "abs(lon) <= 180",
        "id IS NOT NULL",
        "id <> ''",
    ]
    if filters.t_from is not None:
        cond.append(f"t >= {filters.t_from - margin!r}")
    if filters.t_to is not None:
        cond.append(f"t <= {filters.t_to + margin!r}")
    if filters.region is not None:
        lat0, lon0, lat1, lon1 = filters.region
        cond.append(f"lat BETWEEN {min(lat0, lat1)!r} AND {max(lat0, lat1)!r}")
        if lon0 <= lon1:
            cond.append(f"lon BETWEEN {lon0!r} AND {lon1!r}")
        else:  # across the antimeridian
            cond.append(f"(lon >= {lon0!r} OR lon <= {lon1!r})")
    return " AND ".join(cond)


def ingest_file(
    con,
    layout: Layout,
    file_index: int,
    work: WorkDir,
    window_s: float,
    overlap_s: float,
    filters: Filters,
) -> int:
    """Partition one source file into the work folder; returns its rows kept."""
    inner = normalised_sql(con, layout, file_index)
    w, ov = float(window_s), float(overlap_s)
    target = str(work.parts).replace("'", "''")
    sql = f"""
        COPY (
            SELECT * EXCLUDE (wins), unnest(wins) AS win FROM (
                SELECT *, list_distinct([
                    CAST(floor((t - {ov!r}) / {w!r}) AS BIGINT),
                    CAST(floor(t / {w!r}) AS BIGINT),
                    CAST(floor((t + {ov!r}) / {w!r}) AS BIGINT)]) AS wins
                FROM ({inner}) WHERE {where_sql(filters, ov)}
            )
        ) TO '{target}' (FORMAT parquet, PARTITION_BY (win),
            FILENAME_PATTERN 'f{file_index}_{{i}}', OVERWRITE_OR_IGNORE true)
    """
    try:
        rows = con.execute(sql).fetchone()
        if filters.t_from is not None or filters.t_to is not None:
            _recorded_spans(con, inner, filters, work.root / "spans" / f"{file_index}.parquet")
    except Exception as exc:
        if _interrupted(exc):
            raise KeyboardInterrupt from None
        raise ReadError(layout.path, f"cannot read: {_first_line(exc)}") from None
    return int(rows[0]) if rows else 0


def _recorded_spans(con, inner: str, filters: Filters, path: Path) -> None:
    """First and last time of every track in the file, whatever ``--from``/``--to`` say:
    an analysis of a time range joins pieces, and counts common time, by the tracks as
    recorded (a track going on after the range is present up to its end)."""
    path.parent.mkdir(exist_ok=True)
    unbounded = Filters(region=filters.region)
    target = str(path).replace("'", "''")
    con.execute(
        f"""COPY (SELECT id, min(t) AS first_t, max(t) AS last_t FROM ({inner})
            WHERE {where_sql(unbounded, 0.0)} GROUP BY id) TO '{target}' (FORMAT parquet)"""
    )


def build_track_table(con, work: WorkDir) -> int:
    """One row per track id: the first non-empty metadata text in time order (as the CSV
    reader takes it), object classes mapped as the reader maps them, the id its samples
    go under once pieces of one aircraft are joined (:func:`join_heads`), and its rows
    in the partitions (``rows``, the overlaps counted twice: a size to plan reads by)."""
    pattern = str(work.parts / "*" / "*.parquet").replace("'", "''")
    texts = ("name", "callsign", "type", "coalition", "cls", "color", "icao24")
    aggs = ", ".join(
        f"coalesce(arg_min({c}, t) FILTER (WHERE {c} <> ''), '') AS {c}" for c in texts
    )
    frame = con.execute(
        f"""SELECT id, {aggs}, min(t) AS first_t, max(t) AS last_t,
            arg_min(file, [file, seq]) AS first_file, arg_min(seq, [file, seq]) AS first_seq,
            list_sort(list_distinct(list(file))) AS files, count(*) AS rows
        FROM read_parquet('{pattern}') GROUP BY id ORDER BY id"""
    ).df()
    spans = work.root / "spans"
    if spans.is_dir() and any(spans.glob("*.parquet")):  # a time range: tracks as recorded
        pattern = str(spans / "*.parquet").replace("'", "''")
        whole = con.execute(
            f"""SELECT id, min(first_t) AS first_t, max(last_t) AS last_t
            FROM read_parquet('{pattern}') GROUP BY id"""
        ).df()
        got = whole.set_index("id").reindex(frame["id"])
        frame["first_t"] = got["first_t"].fillna(frame["first_t"].set_axis(got.index)).to_numpy()
        frame["last_t"] = got["last_t"].fillna(frame["last_t"].set_axis(got.index)).to_numpy()
    frame["cls"] = [cc.object_class(v) or "other" if v else "" for v in frame["cls"]]
    frame["coalition"] = [cc.coalition(v) for v in frame["coalition"]]
    frame = join_heads(frame)
    import pyarrow as pa

    pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), work.tracks)
    return len(frame)


def join_heads(frame: pd.DataFrame) -> pd.DataFrame:
    """The track table with ``head`` (the id a track's samples go under) and ``piece``
    (its place in its group: of samples at equal times, the lower piece's is kept).

    Pieces of one aircraft are grouped by the rule a whole-file read applies
    (:func:`..model.joining.piece_groups`) on the archive-wide first and last times and
    files. The head is the piece the CSV reader would put first: tracks come in file
    order, and within a file in order of their first line.
    """
    order = np.lexsort((frame["first_seq"].to_numpy(), frame["first_file"].to_numpy()))
    scene = frame.iloc[order].reset_index(drop=True)
    files = [set(np.asarray(f).tolist()) for f in scene["files"]]
    groups = piece_groups(
        scene, scene["first_t"].to_numpy(float), scene["last_t"].to_numpy(float), files
    )
    head = scene["id"].to_numpy(dtype=object).copy()
    piece = np.zeros(len(scene), dtype=np.int64)
    for group in groups:
        h = head[min(group)]
        for rank, k in enumerate(group):
            head[k], piece[k] = h, rank
    scene["head"] = pd.Series(head, dtype=object)
    scene["piece"] = piece
    # The joined track's recorded span, on every piece's row (a window sees part of it).
    first = scene.groupby("head")["first_t"].transform("min")
    last = scene.groupby("head")["last_t"].transform("max")
    scene[RECORDED_COLUMNS[0]], scene[RECORDED_COLUMNS[1]] = first, last
    return scene.sort_values("id", kind="stable").reset_index(drop=True)


def _interrupted(exc: BaseException) -> bool:
    """DuckDB turns Ctrl+C into its own exception: that is the user stopping, not a bad file."""
    return type(exc).__name__ == "InterruptException" or "interrupted" in str(exc).lower()


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__
