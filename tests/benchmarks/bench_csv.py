"""CSV load time against plain ``pandas.read_csv(engine="pyarrow")`` on the same file.

Target (docs/targets.md): a 1 M-sample CSV loads within 1.5× of pandas+pyarrow. The
synthetic file is OpenSky/traffic-shaped (1,000 flights × 1,000 samples, ISO times) and
is written to a temporary directory, never into the repository. The real ADS-B files in
../shared/data/adsb are timed too when present.

Run: ``.venv/bin/python tests/benchmarks/bench_csv.py [--tracks 1000] [--samples 1000]``
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from encounter_replay.io import read_file
from encounter_replay.io.options import ReadOptions

SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "adsb"


def make_csv(path: Path, n_tracks: int, n_per: int, seed: int = 1) -> None:
    """An OpenSky-like export: one row per sample, grouped by flight, 1 s apart."""
    rng = np.random.default_rng(seed)
    k = np.repeat(np.arange(n_tracks), n_per)
    j = np.tile(np.arange(n_per), n_tracks)
    t0 = 1_633_608_000 + rng.integers(0, 3600, n_tracks)
    icao = np.array([f"{x:06x}" for x in rng.integers(0, 2**24, n_tracks)])
    callsign = np.array([f"AFR{x:04d}" for x in range(n_tracks)])
    flight_id = np.array([f"AFR{x:04d}_{x % 7:03d}" for x in range(n_tracks)])
    n = len(k)
    frame = pd.DataFrame(
        {
            "timestamp": pd.to_datetime(t0[k] + j, unit="s", utc=True).strftime(
                "%Y-%m-%dT%H:%M:%SZ"
            ),
            "icao24": icao[k],
            "callsign": callsign[k],
            "flight_id": flight_id[k],
            "latitude": (48 + rng.uniform(-1, 1, n_tracks)[k] + j * 1e-4).round(6),
            "longitude": (2 + rng.uniform(-1, 1, n_tracks)[k] + j * 1e-4).round(6),
            "altitude": (30_000 + j * 5) // 25 * 25,
            "groundspeed": (400 + rng.normal(0, 5, n)).round(1),
            "track": rng.uniform(0, 360, n).round(4),
            "vertical_rate": rng.normal(0, 500, n).round(0),
        }
    )
    frame.to_csv(path, index=False)


def best_of(fn: Callable[[], object], repeat: int = 3) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - t0)
    return best, result


def compare(path: Path, label: str, repeat: int) -> float:
    """Time both loaders alternately (the machine is shared: interleave, keep the best)."""
    base, ours = float("inf"), float("inf")
    tracks = None
    for _ in range(repeat):
        b, _ = best_of(lambda: pd.read_csv(path, engine="pyarrow"), 1)
        # The whole load a user waits for: sniffing, parsing, sanity and quality checks.
        o, tracks = best_of(lambda: read_file(path, ReadOptions()), 1)
        base, ours = min(base, b), min(ours, o)
    ratio = ours / base
    print(
        f"{label:<34} pandas+pyarrow {base * 1000:7.0f} ms   read_file {ours * 1000:7.0f} ms   "
        f"ratio {ratio:4.2f}   ({len(tracks)} tracks, {tracks.n_samples:,} samples)"
    )
    return ratio


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--tracks", type=int, default=1000)
    ap.add_argument("--samples", type=int, default=1000, help="per track")
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "synthetic.csv"
        t0 = time.perf_counter()
        make_csv(path, args.tracks, args.samples)
        size = path.stat().st_size / 1e6
        print(
            f"wrote {args.tracks * args.samples:,} samples, {size:.0f} MB, in {time.perf_counter() - t0:.1f} s"
        )
        ratio = compare(path, "synthetic 1 M (target ≤ 1.5)", args.repeat)
        shuffled = Path(tmp) / "time_sorted.csv"
        pd.read_csv(path, engine="pyarrow", dtype={"icao24": str}).sort_values(
            "timestamp", kind="stable"
        ).to_csv(shuffled, index=False)
        compare(shuffled, "same, rows in time order", args.repeat)
    for name in ("quickstart_2021-10-07.csv.gz", "switzerland_2018-08-01.csv.gz"):
        if (SHARED / name).exists():
            compare(SHARED / name, name, args.repeat)
        else:
            print(f"{name}: not present, skipped")
    print(f"synthetic ratio {ratio:.2f}: {'PASS' if ratio <= 1.5 else 'FAIL'} (target ≤ 1.5)")


if __name__ == "__main__":
    main()
