"""Window checkpoints → the encounter list, in memory bounded by a number of pairs.

The pair tables of all windows together grow with the archive (about 1 KB per pair and
window; 30 days of the benchmark's traffic: 270,000 pairs). So they are not held at once:
the pairs are split by a hash of their ids into as many passes as needed to keep about
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

#: Window rows (a pair in a window) merged in one pass: ~100 MB of pair tables.
ROWS_PER_PASS = 100_000
#: DuckDB's memory for sorting the parts (it spills to disk beyond).
SORT_MEMORY = "256MB"


def _pass_of(frame: pd.DataFrame, passes: int) -> np.ndarray:
    key = (frame["a_id"].astype(str) + "\x1f" + frame["b_id"].astype(str)).to_numpy(object)
    return pd.util.hash_array(key) % np.uint64(passes)


def _facts(work: WorkDir, indices: list[int]) -> dict[str, pd.DataFrame]:
    """Per-track facts of all windows, concatenated (runs, tracks, excluded samples)."""
    parts: dict[str, list[pd.DataFrame]] = {"runs": [], "tracks": [], "excluded": [], "near": []}
    for k in indices:
        facts = work.load_window(k)[2]
        for name, frames in parts.items():
            if name in facts and len(facts[name]):
                frames.append(facts[name])
    empty = {
        "runs": pd.DataFrame({c: [] for c in coverage.RUN_COLUMNS}),
        "tracks": pd.DataFrame({c: [] for c in coverage.TRACK_COLUMNS}),
        "excluded": pd.DataFrame({"id": [], "time": []}),
        "near": pd.DataFrame({c: [] for c in affected.COLUMNS}),
    }
    return {
        name: pd.concat(frames, ignore_index=True) if frames else empty[name]
        for name, frames in parts.items()
    }


def _with_facts(
    merged: pd.DataFrame, facts: dict[str, pd.DataFrame], hsep_m: float
) -> pd.DataFrame:
    """Merged pairs with the figures that need whole tracks recomputed over them."""
    if len(merged) and "assessed_s" in merged:
        merged["assessed_s"], merged["unassessed_s"] = coverage.assessed(
            merged, facts["runs"], facts["tracks"]
        )
    if len(merged) and "affected_by_excluded" in merged:
        merged["affected_by_excluded"] = affected.affected(merged, facts["near"], hsep_m)
    return merged


def excluded_path(out: Path) -> Path:
    """Where the samples the cleaning left out are listed, beside the encounter list."""
    return out.with_name(out.stem + ".excluded.parquet")


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
    facts = _facts(work, indices)
    hsep = float(info["settings"]["hsep_m"])
    excluded = facts["excluded"].sort_values(["id", "time"], kind="stable")
    excluded.reset_index(drop=True).to_parquet(excluded_path(out), index=False)
    info = {**info, "excluded_samples": len(excluded)}
    passes = max(1, math.ceil(rows_total / ROWS_PER_PASS))
    if passes == 1:
        frames = [work.load_window(k)[0] for k in indices]
        table = finish(_with_facts(merge_windows(frames), facts, hsep))
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
        table = finish(_with_facts(merge_windows(frames), facts, hsep))
        del frames
        if len(table):
            pq.write_table(output.arrow_table(table), parts_dir / f"{p}.parquet")
            n += len(table)
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
