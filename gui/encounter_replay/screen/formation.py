"""``formation`` of merged pairs, from the two whole tracks.

Formation is a share over a pair's whole common time (probed at evenly spaced times over
it, a wingman's height compared up to 30 s back or on), so no window's share decides it
and no reduction of window figures gives it. The candidates are few (the merged least
horizontal separation must be within the formation distance), so their tracks are read
whole from the partitions (each row once: from the window it falls in), cleaned and
prepared as the analysis does, and the analysis' own test runs on them, a batch of
about :data:`ROWS_PER_BATCH` rows at a time (tracks that recur every day of an archive
grow with it: a batch is bounded by rows, not tracks; one pair's two tracks are the
least a batch can hold).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..analysis import AnalysisSettings
from ..analysis.pair_facts import formations
from .coverage import prepared
from .tracks import trackset_from_rows
from .workdir import WorkDir

#: Rows read at once (whole tracks): about 0.5 kB each once prepared.
ROWS_PER_BATCH = 50_000
#: DuckDB's memory for extracting and sorting the candidates' rows (it spills beyond).
FORMATION_MEMORY = "128MB"


def whole_formations(
    pairs: pd.DataFrame,
    work: WorkDir,
    settings: AnalysisSettings,
    window_s: float,
    sources: list[str],
    memory_limit: str | None = None,
) -> np.ndarray:
    """The analysis' ``formation`` of each merged pair, on the whole tracks."""
    out = np.zeros(len(pairs), dtype=bool)
    if not len(pairs):
        return out
    hmin = pairs["min_horizontal_m"].to_numpy(np.float64)
    with np.errstate(invalid="ignore"):
        cand = np.flatnonzero(hmin <= settings.formation_h_m)
    if not len(cand):
        return out
    from .ingest import connect
    from .window_task import read_track_meta

    meta = read_track_meta(str(work.tracks))
    head = meta["head"] if "head" in meta else meta["id"]
    a_ids = pairs["a_id"].to_numpy(dtype=object)
    b_ids = pairs["b_id"].to_numpy(dtype=object)
    con = connect(memory_limit or FORMATION_MEMORY)
    con.execute("SET preserve_insertion_order = false")  # (rows are sorted after reading)
    pattern = str(work.parts / "*" / "*.parquet").replace("'", "''")
    w = float(window_s)
    # The candidates' rows, once (one scan of the partitions; each batch then reads this
    # much smaller file).
    names = set(a_ids[cand]) | set(b_ids[cand])
    wanted = meta.loc[head.isin(names).to_numpy(), "id"]
    con.register("wanted", pd.DataFrame({"id": pd.Series(wanted.to_numpy(object), dtype=object)}))
    extract = work.root / "formation.parquet"
    target = str(extract).replace("'", "''")
    con.execute(
        f"""COPY (SELECT r.* EXCLUDE (win) FROM read_parquet('{pattern}', hive_partitioning = true)
        r SEMI JOIN wanted USING (id) WHERE r.win = CAST(floor(r.t / {w!r}) AS BIGINT))
        TO '{target}' (FORMAT parquet)"""
    ).fetchall()
    con.unregister("wanted")
    batch: list[int] = []
    tracks: set = set()
    # Rows per joined track (its pieces' rows summed); unknown (an older table): a guess.
    if "rows" in meta:
        size = meta.groupby(head.to_numpy(dtype=object))["rows"].sum()
    else:
        size = pd.Series(dtype=np.float64)
    n_rows = 0

    def run(batch: list[int]) -> None:
        names = sorted({a_ids[k] for k in batch} | {b_ids[k] for k in batch})
        pieces = meta.loc[head.isin(names).to_numpy(), "id"].tolist()
        con.register("want", pd.DataFrame({"id": pd.Series(pieces, dtype=object)}))
        rows = con.sql(
            f"SELECT * FROM read_parquet('{target}') SEMI JOIN want USING (id)"
        ).to_arrow_table()
        con.unregister("want")
        ts, _ = trackset_from_rows(rows, meta, sources)
        prep = prepared(ts, settings)
        index = {name: j for j, name in enumerate(prep.ids)}
        ks = [k for k in batch if a_ids[k] in index and b_ids[k] in index]
        if not ks:
            return
        ja = np.array([index[a_ids[k]] for k in ks], dtype=np.int64)
        jb = np.array([index[b_ids[k]] for k in ks], dtype=np.int64)
        out[ks] = formations(prep, ja, jb, hmin[ks], settings)

    def rows_of(names: set) -> int:
        return int(sum(size.get(x, 2000) for x in names))

    for k in cand.tolist():
        new = {a_ids[k], b_ids[k]} - tracks
        if batch and n_rows + rows_of(new) > ROWS_PER_BATCH:
            run(batch)
            batch, tracks, n_rows = [], set(), 0
            new = {a_ids[k], b_ids[k]}
        batch.append(k)
        tracks |= new
        n_rows += rows_of(new)
    if batch:
        run(batch)
    con.close()
    extract.unlink(missing_ok=True)
    return out
