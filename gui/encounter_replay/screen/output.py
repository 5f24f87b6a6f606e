"""The encounter list: one row per pair with every analysis figure, the source files and
the time window to replay; written as Parquet (and CSV), summarised by ``info``.

Times are POSIX seconds UTC like the analysis' own columns; interval lists are lists of
``[start, end]``. The file's metadata (key ``encounter_replay``) records the settings
and sources, so a replay of a row can load its neighbourhood with the same visual range
and gap limit the screen used.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from ..model.timefmt import clock_utc, iso_utc
from ..model.units import FT, NM, fmt_duration

META_KEY = b"encounter_replay"
KIND = "encounter list"
#: Seconds of replay before the first contact and after the last (issue 15: one minute).
REPLAY_MARGIN_S = 60.0


def replay_window(
    pairs: pd.DataFrame, margin_s: float = REPLAY_MARGIN_S
) -> tuple[np.ndarray, np.ndarray]:
    """Per pair, from a minute before its first contact (visual contact, loss of
    separation or the CPA, whichever is first) to a minute after the last."""
    start = pairs["cpa_time"].to_numpy(dtype=np.float64).copy()
    end = start.copy()
    for col in ("visual_contact", "loss_of_separation"):
        if col not in pairs:
            continue
        first = np.array([c[0][0] if len(c) else np.inf for c in pairs[col]], dtype=np.float64)
        last = np.array([c[-1][1] if len(c) else -np.inf for c in pairs[col]], dtype=np.float64)
        start = np.fmin(start, first)
        end = np.fmax(end, last)
    return start - margin_s, end + margin_s


def finish(merged: pd.DataFrame, sources: list[str]) -> pd.DataFrame:
    """Merged pairs → the encounter list (file paths instead of indices, replay window)."""
    out = merged.copy()
    out["source_files"] = pd.Series(
        [[sources[int(i)] for i in files] for files in out.get("files", [])],
        dtype=object,
        index=out.index,
    )
    out = out.drop(columns=["files"], errors="ignore")
    if len(out):
        out["replay_start"], out["replay_end"] = replay_window(out)
    else:
        out["replay_start"] = pd.Series([], dtype="float64")
        out["replay_end"] = pd.Series([], dtype="float64")
    return out.reset_index(drop=True)


def _arrow_ready(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    for col in out.columns:
        if out[col].dtype == object and len(out) and isinstance(out[col].iloc[0], list | tuple):
            out[col] = [[list(x) if isinstance(x, tuple) else x for x in cell] for cell in out[col]]
    return out


def arrow_table(frame: pd.DataFrame) -> pa.Table:
    """The list as Arrow, list columns typed even when every cell is empty (so parts of
    one list always share a schema)."""
    table = pa.Table.from_pandas(_arrow_ready(frame), preserve_index=False)
    for i, f in enumerate(table.schema):
        if pa.types.is_list(f.type) and (
            pa.types.is_null(f.type.value_type)
            or (
                pa.types.is_list(f.type.value_type)
                and pa.types.is_null(f.type.value_type.value_type)
            )
        ):
            want = (
                pa.list_(pa.string())
                if f.name == "source_files"
                else pa.list_(pa.list_(pa.float64()))
            )
            table = table.set_column(i, f.name, table.column(i).cast(want))
    return table


def write_parquet(frame: pd.DataFrame, path: Path, info: dict) -> None:
    table = arrow_table(frame)
    meta = dict(table.schema.metadata or {})
    meta[META_KEY] = json.dumps({"kind": KIND, **info}).encode()
    table = table.replace_schema_metadata(meta)
    tmp = path.with_name(path.name + ".tmp")
    pq.write_table(table, tmp)
    tmp.replace(path)


def _spans_text(spans) -> str:
    return " ".join(f"{iso_utc(a)}/{iso_utc(b)}" for a, b in spans)


def write_csv(parquet: Path, path: Path, batch_rows: int = 50_000) -> None:
    """The list as CSV (read back from its Parquet in batches): times ISO-8601 UTC,
    intervals ``start/end`` separated by spaces, source files by ``;``."""
    tmp = path.with_name(path.name + ".tmp")
    source = pq.ParquetFile(parquet)
    with open(tmp, "w", newline="") as fh:
        header = True
        for batch in source.iter_batches(batch_rows):
            _csv_frame(_lists(batch.to_pandas())).to_csv(fh, index=False, header=header)
            header = False
        if header:  # no rows: the header alone
            fh.write(",".join(source.schema_arrow.names) + "\n")
    tmp.replace(path)


def _csv_frame(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    for col in out.columns:
        if col == "source_files":
            out[col] = [";".join(files) for files in out[col]]
        elif (
            out[col].dtype == object
            and len(out)
            and isinstance(out[col].iloc[0], list | tuple | np.ndarray)
        ):
            out[col] = [_spans_text(cell) for cell in out[col]]
        elif col.endswith("_time") or col in ("replay_start", "replay_end"):
            out[col] = [iso_utc(x) for x in out[col]]
    return out


def read_encounters(path: str | Path) -> tuple[pd.DataFrame, dict]:
    """An encounter list and its metadata; ValueError when the file is not one."""
    path = Path(path)
    try:
        table = pq.read_table(path)
    except (OSError, pa.ArrowException) as exc:
        raise ValueError(f"{path}: not a readable Parquet file ({exc})") from None
    raw = (table.schema.metadata or {}).get(META_KEY)
    info = json.loads(raw) if raw else {}
    if info.get("kind") != KIND:
        raise ValueError(f"{path}: not an encounter list written by `encounter-replay screen`")
    return _lists(table.to_pandas()), info


def read_list_file(path: str | Path) -> tuple[pd.DataFrame, dict, Path]:
    """An encounter list opened by the user: the Parquet itself, or for the ``--csv`` copy
    the Parquet written beside it (the CSV has no room for the settings and sources a
    replay needs). Returns the list, its metadata and the Parquet's path."""
    path = Path(path)
    if path.suffix.lower() == ".csv":
        twin = path.with_suffix(".parquet")
        if not twin.is_file():
            raise ValueError(
                f"{path}: a CSV encounter list is replayed from the Parquet list written "
                f"beside it ({twin.name}), which is not there; open the .parquet list"
            )
        path = twin
    frame, info = read_encounters(path)
    return frame, info, path


def _lists(frame: pd.DataFrame) -> pd.DataFrame:
    """Arrow's list cells (numpy arrays) back as the analysis' lists of ``(start, end)``."""
    for col in frame.columns:
        if frame[col].dtype == object and len(frame) and isinstance(frame[col].iloc[0], np.ndarray):
            if col == "source_files":
                frame[col] = [list(c) for c in frame[col]]
            else:
                frame[col] = [[(float(a), float(b)) for a, b in c] for c in frame[col]]
    return frame


def is_encounter_list(path: str | Path) -> bool:
    path = Path(path)
    if not path.name.lower().endswith((".parquet", ".pq")) or not path.is_file():
        return False
    try:
        return (pq.read_schema(path).metadata or {}).get(META_KEY) is not None
    except (OSError, pa.ArrowException):
        return False


def _num(x: float, scale: float, decimals: int) -> str:
    return f"{x / scale:.{decimals}f}" if math.isfinite(x) else "-"


def summary(frame: pd.DataFrame, info: dict, top: int = 10) -> str:
    """What ``info encounters.parquet`` prints: scope, counts, the closest pairs."""
    s = info.get("settings", {})
    lines = [
        f"encounter list: {len(frame)} pair(s) from {len(info.get('sources', []))} source file(s)",
    ]
    if info.get("start") is not None:
        lines.append(
            f"screened {iso_utc(info['start'])} to {iso_utc(info['end'])} "
            f"({fmt_duration(info['end'] - info['start'])}), {info.get('samples', 0):,} samples, "
            f"{info.get('windows', 0)} windows"
        )
    if s:
        lines.append(
            f"within {s['within_m'] / NM:.1f} NM; visual range {s['visual_range_m'] / NM:.1f} NM; "
            f"separation minima {s['hsep_m'] / NM:.1f} NM / {s['vsep_m'] / FT:.0f} ft"
        )
    if "los" in frame:
        lines.append(f"loss of separation: {int(frame['los'].sum())} pair(s)")
    if "visual_s" in frame:
        lines.append(f"visual contact: {int((frame['visual_s'] > 0).sum())} pair(s)")
    if info.get("failed"):
        lines.append(f"unreadable source files: {len(info['failed'])}")
        lines += [f"  - {f}" for f in info["failed"][:10]]
    if len(frame):
        lines.append("")
        lines.append(f"closest {min(top, len(frame))}:")
        lines.append(
            f"{'row':>5}  {'pair':<28} {'CPA (UTC)':<12} {'slant NM':>8} {'vert ft':>8}  sep"
        )
        for i, row in frame.head(top).iterrows():
            pair = f"{row['a_name'] or row['a_id']} / {row['b_name'] or row['b_id']}"
            lines.append(
                f"{i:>5}  {pair[:28]:<28} {clock_utc(row['cpa_time']):<12} "
                f"{_num(row['cpa_slant_m'], NM, 2):>8} {_num(row['cpa_vertical_m'], FT, 0):>8}"
                f"  {'LOSS' if row.get('los') else ''}"
            )
    return "\n".join(lines)
