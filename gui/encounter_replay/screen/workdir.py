"""The work folder beside ``--out``: partitions, the track table and checkpoints.

``encounters.parquet.screen/`` holds what a rerun needs to resume: ``manifest.json`` (the
sources with size and modification time, and every option that changes the result),
``parts/win=K/`` (the rows of window K, one file per source file), ``ingested/`` (a marker
per source file read in full, or the reason it could not be), ``tracks.parquet`` and
``windows/K.pkl`` (each window's pairs, written atomically when it is done, after its
per-track facts in ``facts/NAME/K.parquet``: on disk, not in memory, so the merge can read
them back out of core). A rerun with another manifest starts afresh; one with the same
picks up where the last stopped.
"""

from __future__ import annotations

import json
import os
import pickle
import shutil
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

MANIFEST_VERSION = 3


class WorkDir:
    def __init__(self, out: Path) -> None:
        self.root = Path(str(out) + ".screen")
        self.parts = self.root / "parts"
        self.ingested = self.root / "ingested"
        self.windows = self.root / "windows"
        self.tracks = self.root / "tracks.parquet"
        self.facts = self.root / "facts"
        self.manifest = self.root / "manifest.json"

    def open(self, manifest: dict) -> bool:
        """Prepare the folder for ``manifest``; True when resuming earlier work."""
        doc = {"version": MANIFEST_VERSION, **manifest}
        if self.manifest.exists():
            try:
                old = json.loads(self.manifest.read_text())
            except (OSError, ValueError):
                old = None
            if old == json.loads(json.dumps(doc)):
                return True
            shutil.rmtree(self.root)
        for d in (self.parts, self.ingested, self.windows):
            d.mkdir(parents=True, exist_ok=True)
        _atomic_write(self.manifest, json.dumps(doc, indent=1).encode())
        return False

    # ---------------------------------------------------------------- ingest markers
    def ingest_state(self, index: int) -> str | None:
        """'ok', the failure message, or None (not read yet)."""
        ok, bad = self.ingested / f"{index}.ok", self.ingested / f"{index}.failed"
        if ok.exists():
            return "ok"
        if bad.exists():
            return bad.read_text()
        return None

    def mark_ingested(self, index: int, failure: str | None = None) -> None:
        name = f"{index}.failed" if failure else f"{index}.ok"
        _atomic_write(self.ingested / name, (failure or "").encode())

    def drop_partial(self, index: int) -> None:
        """Files a broken-off read of source ``index`` may have left."""
        for p in self.parts.glob(f"win=*/f{index}_*.parquet"):
            p.unlink()
        (self.root / "spans" / f"{index}.parquet").unlink(missing_ok=True)

    def forget_windows_of(self, index: int) -> None:
        """Drop the checkpoints of the windows holding rows of source ``index`` (read now
        after failing before: those windows must be analysed again with its rows)."""
        for p in self.parts.glob(f"win=*/f{index}_*.parquet"):
            self.checkpoint(int(p.parent.name.split("=", 1)[1])).unlink(missing_ok=True)
        (self.ingested / f"{index}.failed").unlink(missing_ok=True)

    def window_indices(self) -> list[int]:
        out = []
        for d in self.parts.glob("win=*"):
            if any(d.glob("*.parquet")):
                out.append(int(d.name.split("=", 1)[1]))
        return sorted(out)

    def window_parts(self, index: int) -> tuple[str, ...]:
        return tuple(str(p) for p in sorted((self.parts / f"win={index}").glob("*.parquet")))

    # ---------------------------------------------------------------- checkpoints
    def checkpoint(self, index: int) -> Path:
        return self.windows / f"{index}.pkl"

    def save_window(
        self, index: int, pairs: pd.DataFrame, samples: int, facts: dict | None = None
    ) -> None:
        """The window's facts (each a table: ``facts/NAME/K.parquet``, empty ones left
        out), then its pairs: the checkpoint says the window is done, facts included."""
        for name, frame in (facts or {}).items():
            folder = self.facts / name
            path = folder / f"{index}.parquet"
            if frame is None or not len(frame):
                path.unlink(missing_ok=True)
                continue
            folder.mkdir(parents=True, exist_ok=True)
            table = pa.Table.from_pandas(frame, preserve_index=False)
            tmp = path.with_name(path.name + ".tmp")
            pq.write_table(table, tmp)
            os.replace(tmp, path)
        _atomic_write(self.checkpoint(index), pickle.dumps((pairs, samples, {})))

    def fact_files(self, name: str, indices: list[int]) -> list[str]:
        """The files of fact ``name`` of windows ``indices`` (windows without any left out)."""
        folder = self.facts / name
        return [str(p) for k in indices if (p := folder / f"{k}.parquet").exists()]

    def load_window(self, index: int) -> tuple[pd.DataFrame, int, dict] | None:
        """``(pairs, samples, {})`` of a finished window, or None (its facts are read from
        :meth:`fact_files`)."""
        path = self.checkpoint(index)
        if not path.exists():
            return None
        try:
            saved = pickle.loads(path.read_bytes())  # our own file, written atomically
        except (OSError, EOFError, pickle.UnpicklingError):
            return None
        return saved if len(saved) == 3 else None

    def remove(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)


def _atomic_write(path: Path, data: bytes) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)
