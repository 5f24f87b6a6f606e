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

from . import output
from .merge import merge_windows
from .workdir import WorkDir

#: Window rows (a pair in a window) merged in one pass: ~100 MB of pair tables.
ROWS_PER_PASS = 100_000
#: DuckDB's memory for sorting the parts (it spills to disk beyond).
SORT_MEMORY = "256MB"


def _pass_of(frame: pd.DataFrame, passes: int) -> np.ndarray:
    key = (frame["a_id"].astype(str) + "\x1f" + frame["b_id"].astype(str)).to_numpy(object)
    return pd.util.hash_array(key) % np.uint64(passes)


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
    ``finish`` turns merged pairs into list rows (filters, file names, replay window)."""
    passes = max(1, math.ceil(rows_total / ROWS_PER_PASS))
    if passes == 1:
        frames = [work.load_window(k)[0] for k in indices]
        table = finish(merge_windows(frames))
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
        table = finish(merge_windows(frames))
        del frames
        if len(table):
            pq.write_table(output.arrow_table(table), parts_dir / f"{p}.parquet")
            n += len(table)
    if n == 0:
        output.write_parquet(finish(merge_windows([])), out, info)
        return 0
    _sort_parts(parts_dir, out, info, memory_limit)
    return n


def _sort_parts(parts_dir: Path, out: Path, info: dict, memory_limit: str | None) -> None:
    """The parts in the analysis' order (CPA slant range, unknown last), metadata kept."""
    from .ingest import connect

    con = connect(memory_limit or SORT_MEMORY)
    pattern = str(parts_dir / "*.parquet").replace("'", "''")
    meta = json.dumps({"kind": output.KIND, **info}).replace("'", "''")
    tmp = out.with_name(out.name + ".tmp")
    con.execute(
        f"""COPY (SELECT * FROM read_parquet('{pattern}', union_by_name = true)
            ORDER BY cpa_slant_m ASC NULLS LAST, min_horizontal_m ASC NULLS LAST, a_id, b_id)
        TO '{str(tmp).replace("'", "''")}'
        (FORMAT parquet, KV_METADATA {{{output.META_KEY.decode()}: '{meta}'}})"""
    )
    con.close()
    tmp.replace(out)
