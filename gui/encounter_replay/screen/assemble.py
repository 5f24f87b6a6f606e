"""Window checkpoints → the encounter list, in memory bounded by a number of pairs.

The pair tables of all windows together grow with the archive (about 1 KB per pair and
window), and so do the windows' per-track facts (excluded samples and their distances to
other tracks: millions of rows a month). So neither is held at once: the facts stay in
their Parquet files and DuckDB reads, per pass, only those of the pass's tracks and
pairs, reduced (and sorts the excluded samples out of core); the pair tables are
split by a hash of their ids into as many passes as needed to keep about
:data:`ROWS_PER_PASS` window rows in memory; each pass reads every checkpoint, keeps its
own pairs, merges them exactly (:func:`.merge.merge_windows`) and writes a part. One part
is the list itself; several are sorted into it by DuckDB, out of core.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq

from . import affected, coverage, output
from .merge import merge_windows
from .workdir import WorkDir

#: Window rows (a pair in a window) merged in one pass: ~30 MB of pair tables.
ROWS_PER_PASS = 30_000
#: DuckDB's memory for sorting the parts (it spills to disk beyond).
SORT_MEMORY = "128MB"


def _pass_of(frame: pd.DataFrame, passes: int) -> np.ndarray:
    key = (frame["a_id"].astype(str) + "\x1f" + frame["b_id"].astype(str)).to_numpy(object)
    return pd.util.hash_array(key) % np.uint64(passes)


def _scan(files: list[str]) -> str:
    listed = ", ".join("'" + f.replace("'", "''") + "'" for f in files)
    return f"read_parquet([{listed}], union_by_name = true)"


def _pass_facts(con, work: WorkDir, indices: list[int], merged: pd.DataFrame) -> dict:
    """The per-track facts of the pairs of one pass, read by DuckDB from all windows' fact
    files (out of core): the assessed runs and spans of their tracks, and the excluded
    samples' least distances for their pairs, reduced per pair."""
    ids = pd.unique(
        np.concatenate([merged["a_id"].to_numpy(object), merged["b_id"].to_numpy(object)])
    )
    con.register("want_ids", pd.DataFrame({"id": pd.Series(ids, dtype=object)}))
    keys = pd.DataFrame(
        {
            "a_id": np.concatenate(
                [merged["a_id"].to_numpy(object), merged["b_id"].to_numpy(object)]
            ),
            "b_id": np.concatenate(
                [merged["b_id"].to_numpy(object), merged["a_id"].to_numpy(object)]
            ),
        }
    )
    con.register("want_pairs", keys)
    out = {
        "runs": pd.DataFrame({c: [] for c in coverage.RUN_COLUMNS}),
        "tracks": pd.DataFrame({c: [] for c in coverage.TRACK_COLUMNS}),
        "near": pd.DataFrame({c: [] for c in affected.COLUMNS}),
    }
    queries = {
        "runs": 'SELECT id, start, "end" FROM {scan} SEMI JOIN want_ids USING (id)',
        "tracks": "SELECT id, min(first) AS first, max(last) AS last FROM {scan} "
        "SEMI JOIN want_ids USING (id) GROUP BY id",
        "near": "SELECT a_id, b_id, min(d) AS d, max(vis) AS vis FROM {scan} "
        "SEMI JOIN want_pairs USING (a_id, b_id) GROUP BY a_id, b_id",
    }
    for name, sql in queries.items():
        files = work.fact_files(name, indices)
        if files:
            got = con.execute(sql.format(scan=_scan(files))).df()
            if len(got):
                out[name] = got
    thin = work.fact_files("thin", indices)
    if thin and work.tracks.exists():
        presence = work.fact_files("presence", indices)
        sql = affected.absent_sql(
            "want_pairs",
            _scan(thin),
            _scan(presence) if presence else None,
            _scan([str(work.tracks)]),
        )
        out["absent"] = con.execute(sql).df()
    con.unregister("want_ids")
    con.unregister("want_pairs")
    return out


def _with_facts(
    merged: pd.DataFrame, facts: dict[str, pd.DataFrame], hsep_m: float
) -> pd.DataFrame:
    """Merged pairs with the figures that need whole tracks recomputed over them."""
    if len(merged) and "assessed_s" in merged:
        merged["assessed_s"], merged["unassessed_s"] = coverage.assessed(
            merged, facts["runs"], facts["tracks"]
        )
    if len(merged) and "affected_by_excluded" in merged:
        merged["affected_by_excluded"] = affected.affected(
            merged, facts["near"], hsep_m, facts.get("absent")
        )
    return merged


def excluded_path(out: Path) -> Path:
    """Where the samples the cleaning left out are listed, beside the encounter list."""
    return out.with_name(out.stem + ".excluded.parquet")


def _write_excluded(con, work: WorkDir, indices: list[int], out: Path) -> int:
    """The excluded samples of all windows, by track and time, sorted by DuckDB out of
    core into :func:`excluded_path`; returns their number."""
    files = work.fact_files("excluded", indices)
    target = excluded_path(out)
    if not files:
        pd.DataFrame({"id": [], "time": []}).to_parquet(target, index=False)
        return 0
    scan = _scan(files)
    names = [r[0] for r in con.execute(f"DESCRIBE SELECT * FROM {scan}").fetchall()]
    order = ", ".join(
        f'"{c}"' for c in ["id", "time", *[c for c in names if c not in ("id", "time")]]
    )
    tmp = target.with_name(target.name + ".tmp")
    con.execute(
        f"COPY (SELECT * FROM {scan} ORDER BY {order}) TO '{str(tmp).replace(chr(39), chr(39) * 2)}' "
        "(FORMAT parquet)"
    )
    tmp.replace(target)
    return int(con.execute(f"SELECT count(*) FROM {scan}").fetchall()[0][0])


def assemble(
    work: WorkDir,
    indices: list[int],
    rows_total: int,
    finish: Callable[[pd.DataFrame], pd.DataFrame],
    out: Path,
    info: dict,
    memory_limit: str | None = None,
) -> int:
    """Merge the checkpoints of windows ``indices`` into ``out``; returns the pair count.
    ``finish`` turns merged pairs into list rows (filters, rank, file names, replay window).
    The excluded samples of the whole archive go to :func:`excluded_path`."""
    from .ingest import connect

    con = connect(memory_limit or SORT_MEMORY)
    try:
        hsep = float(info["settings"]["hsep_m"])
        info = {**info, "excluded_samples": _write_excluded(con, work, indices, out)}
        passes = max(1, math.ceil(rows_total / ROWS_PER_PASS))

        def merged_pass(frames: list[pd.DataFrame]) -> pd.DataFrame:
            merged = merge_windows(frames)
            facts = _pass_facts(con, work, indices, merged) if len(merged) else None
            return finish(_with_facts(merged, facts, hsep) if facts else merged)

        if passes == 1:
            table = merged_pass([work.load_window(k)[0] for k in indices])
            output.write_parquet(table, out, info)
            return len(table)
        parts_dir = work.root / "merged"
        parts_dir.mkdir(exist_ok=True)
        for old in parts_dir.glob("*.parquet"):
            old.unlink()
        n = 0
        for p in range(passes):
            frames = []
            for k in indices:
                frame = work.load_window(k)[0]
                frames.append(frame[_pass_of(frame, passes) == p])
            table = merged_pass(frames)
            del frames
            if len(table):
                pq.write_table(output.arrow_table(table), parts_dir / f"{p}.parquet")
                n += len(table)
    finally:
        con.close()
    if n == 0:
        output.write_parquet(finish(merge_windows([])), out, info)
        return 0
    _sort_parts(parts_dir, out, info, memory_limit)
    return n


def _rank_sql() -> tuple[str, str]:
    """The ranking of :func:`..analysis.pair_facts.rank_order` as a DuckDB ORDER BY, and
    the rank it gives (pairs of implausible closure last, unranked)."""
    from ..analysis.pair_facts import RELATIONS, SEVERITY_LEVELS

    def code(col: str, levels: tuple[str, ...]) -> str:
        whens = " ".join(f"WHEN '{v}' THEN {i}" for i, v in enumerate(levels))
        return f"CASE {col} {whens} ELSE {len(levels)} END"

    order = (
        "implausible_closure, formation, "
        f"{code('relation', RELATIONS)}, {code('severity', SEVERITY_LEVELS)}, "
        "coalesce(cpa_slant_m, 'inf'::DOUBLE), coalesce(min_horizontal_m, 'inf'::DOUBLE), "
        "a_id, b_id"
    )
    rank = (
        "CASE WHEN implausible_closure THEN NULL ELSE "
        f"CAST(row_number() OVER (ORDER BY {order}) AS DOUBLE) END"
    )
    return order, rank


def _sort_parts(parts_dir: Path, out: Path, info: dict, memory_limit: str | None) -> None:
    """The parts in the analysis' rank order, ranked over all of them, metadata kept."""
    from .ingest import connect

    con = connect(memory_limit or SORT_MEMORY)
    pattern = str(parts_dir / "*.parquet").replace("'", "''")
    meta = json.dumps({"kind": output.KIND, **info}).replace("'", "''")
    tmp = out.with_name(out.name + ".tmp")
    scan = f"read_parquet('{pattern}', union_by_name = true)"
    names = [r[0] for r in con.execute(f"DESCRIBE SELECT * FROM {scan}").fetchall()]
    if "rank" in names:
        order, rank = _rank_sql()
        select = ", ".join(rank + " AS rank" if c == "rank" else f'"{c}"' for c in names)
        query = f"SELECT {select} FROM {scan} ORDER BY {order}"
    else:
        query = (
            f"SELECT * FROM {scan} ORDER BY cpa_slant_m ASC NULLS LAST, "
            "min_horizontal_m ASC NULLS LAST, a_id, b_id"
        )
    con.execute(
        f"""COPY ({query})
        TO '{str(tmp).replace("'", "''")}'
        (FORMAT parquet, KV_METADATA {{{output.META_KEY.decode()}: '{meta}'}})"""
    )
    con.close()
    tmp.replace(out)
