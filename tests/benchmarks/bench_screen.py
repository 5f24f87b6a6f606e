"""Archive screening benchmark: a synthetic month built from the two real ADS-B days.

    python tests/benchmarks/bench_screen.py [--days 1 7 30] [--engines duckdb dask]
                                            [--workers 2] [--dir /tmp/screen-bench]

The archive (generated here, never committed): for day d, the quickstart (Paris, 3 h) and
switzerland (17 h) days of ../shared/data/adsb shifted to 2024-01-01 + d (same time of
day) and moved in space by a few tenths of a degree that change from day to day, flight
ids suffixed with the day: 367,662 samples a day, ~11 M for 30 days, one Parquet file per
day. For each number of days (the first N files) and each engine, ``encounter-replay
screen`` runs as a child process while a monitor samples the resident memory of its
whole process tree (the Dask workers included) every 0.1 s: wall time, peak memory of the
tree and of its largest process, samples per second. On one day the script also times
``encounter-replay analyze`` on the same day as CSV (and ``screen`` of that CSV), for the
ratio of the two.
"""

from __future__ import annotations

import argparse
import contextlib
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv
import pyarrow.parquet as pq

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "adsb"
DAYS = ("quickstart_2021-10-07.csv.gz", "switzerland_2018-08-01.csv.gz")
BASE = 1704067200  # 2024-01-01T00:00:00Z


def make_archive(folder: Path, n_days: int) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    tables = []
    for name in DAYS:
        t = pcsv.read_csv(DATA / name)
        secs = pc.cast(pc.cast(t["timestamp"], pa.timestamp("s", tz="UTC")), pa.int64())
        secs = secs.to_numpy()
        tables.append((t, secs - (secs.min() // 86400) * 86400))  # seconds of the day
    files = []
    for d in range(n_days):
        path = folder / f"day{d:02d}.parquet"
        files.append(path)
        if path.exists():
            continue
        parts = []
        for k, (t, tod) in enumerate(tables):
            dlat = 0.3 * np.sin(1.7 * d + k)
            dlon = 0.4 * np.cos(1.3 * d + 2 * k)
            stamps = pa.array((BASE + d * 86400 + tod) * 1_000_000, pa.int64()).cast(
                pa.timestamp("us", tz="UTC")
            )
            ids = pc.binary_join_element_wise(t["flight_id"], pa.scalar(f"_d{d:02d}"), "")
            parts.append(
                pa.table(
                    {
                        "timestamp": stamps,
                        "icao24": t["icao24"],
                        "callsign": t["callsign"],
                        "flight_id": ids,
                        "latitude": pc.add(t["latitude"], dlat),
                        "longitude": pc.add(t["longitude"], dlon),
                        "altitude": pc.cast(t["altitude"], pa.float64()),
                        "groundspeed": t["groundspeed"],
                        "track": t["track"],
                    }
                )
            )
        day = pa.concat_tables(parts).sort_by("timestamp")
        pq.write_table(day, path, row_group_size=65536)
    return files


def monitored(cmd: list[str]) -> tuple[float, float, float, str]:
    """Run ``cmd``; (wall s, peak RSS of the process tree MB, peak of one process MB, out)."""
    import psutil

    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak = {"tree": 0, "one": 0}
    done = threading.Event()

    def watch() -> None:
        root = psutil.Process(proc.pid)
        while not done.is_set():
            try:
                procs = [root, *root.children(recursive=True)]
                rss = []
                for p in procs:
                    with contextlib.suppress(psutil.Error):
                        rss.append(p.memory_info().rss)
                peak["tree"] = max(peak["tree"], sum(rss))
                peak["one"] = max(peak["one"], max(rss, default=0))
            except psutil.Error:
                pass
            time.sleep(0.1)

    th = threading.Thread(target=watch, daemon=True)
    th.start()
    out, err = proc.communicate()
    wall = time.perf_counter() - start
    done.set()
    th.join()
    if proc.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{err[-2000:]}")
    return wall, peak["tree"] / 2**20, peak["one"] / 2**20, out.strip()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--days", type=int, nargs="+", default=[1, 7, 30])
    ap.add_argument("--engines", nargs="+", default=["duckdb", "dask"])
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--dir", type=Path, default=Path("/tmp/screen-bench"))
    ap.add_argument("--no-ratio", action="store_true")
    ap.add_argument(
        "--window-sizes",
        nargs="*",
        default=["1h", "4h", "12h"],
        help="on one day: peak memory against the window length (the stated bound)",
    )
    args = ap.parse_args()
    if not DATA.is_dir():
        sys.exit("../shared/data/adsb is not present")
    files = make_archive(args.dir / "archive", max(args.days))
    exe = [sys.executable, "-m", "encounter_replay"]
    print(
        f"{'days':>4} {'engine':<10} {'samples':>11} {'wall s':>8} {'samples/s':>10} "
        f"{'tree MB':>8} {'max proc MB':>11}  pairs"
    )
    rows = []
    for n in args.days:
        samples = sum(pq.read_metadata(f).num_rows for f in files[:n])
        for engine in args.engines:
            out = args.dir / f"enc_{n}_{engine}.parquet"
            for stale in (out, Path(str(out) + ".screen")):
                subprocess.run(["rm", "-rf", str(stale)], check=True)
            cmd = [*exe, "screen", *map(str, files[:n]), "--out", str(out), "--no-progress"]
            if engine == "dask":
                cmd += ["--workers", str(args.workers)]
            wall, tree, one, text = monitored(cmd)
            pairs = text.split(" pair", 1)[0]
            rows.append((n, engine, samples, wall, tree, one, pairs))
            print(
                f"{n:>4} {engine:<10} {samples:>11,} {wall:>8.1f} {samples / wall:>10,.0f} "
                f"{tree:>8.0f} {one:>11.0f}  {pairs}",
                flush=True,
            )
    if not args.no_ratio:
        day_csv = args.dir / "day00.csv"
        if not day_csv.exists():
            t = pq.read_table(files[0])
            pcsv.write_csv(t, day_csv)
        wall_a, tree_a, _, text_a = monitored([*exe, "analyze", str(day_csv), "--csv"])
        n_a = len(text_a.splitlines()) - 1
        out = args.dir / "enc_csv.parquet"
        subprocess.run(["rm", "-rf", str(out), str(out) + ".screen"], check=True)
        wall_s, tree_s, _, _ = monitored(
            [*exe, "screen", str(day_csv), "--out", str(out), "--no-progress"]
        )
        wall_p, tree_p, _, _ = monitored(
            [*exe, "screen", str(files[0]), "--out", str(out), "--no-progress"]
        )
        n_day = pq.read_metadata(files[0]).num_rows
        print(f"\none day ({n_day:,} samples, {n_a} pairs):")
        print(f"  analyze day.csv       {wall_a:6.1f} s  {tree_a:6.0f} MB")
        print(
            f"  screen  day.csv       {wall_s:6.1f} s  {tree_s:6.0f} MB  ratio {wall_s / wall_a:.2f}"
        )
        print(
            f"  screen  day.parquet   {wall_p:6.1f} s  {tree_p:6.0f} MB  ratio {wall_p / wall_a:.2f}"
        )
    if args.window_sizes:
        window_memory(exe, files[0], args.window_sizes, args.dir)


def window_memory(exe: list[str], day: Path, sizes: list[str], folder: Path) -> None:
    """Peak memory of the embedded engine against the busiest window's sample count: the
    slope is the per-sample cost of the bound, the intercept the fixed part."""
    import pyarrow.compute as pc

    from encounter_replay.screen.command import parse_duration

    t = pq.read_table(day, columns=["timestamp"])
    secs = pc.cast(pc.cast(t["timestamp"], pa.timestamp("s", tz="UTC")), pa.int64()).to_numpy()
    print(f"\n{'window':>7} {'busiest window samples':>23} {'peak MB':>8}")
    points = []
    for size in sizes:
        w = parse_duration(size)
        busiest = int(np.bincount((secs // w - (secs // w).min()).astype(np.int64)).max())
        out = folder / f"mem_{size}.parquet"
        subprocess.run(["rm", "-rf", str(out), str(out) + ".screen"], check=True)
        _, tree, _, _ = monitored(
            [*exe, "screen", str(day), "--out", str(out), "--no-progress", "--window", size]
        )
        points.append((busiest, tree))
        print(f"{size:>7} {busiest:>23,} {tree:>8.0f}")
    if len(points) > 1:
        x, y = np.array(points, dtype=float).T
        slope, icpt = np.polyfit(x, y, 1)
        print(
            f"peak ≈ {icpt:.0f} MB + {slope * 2**20 / 1e3:.2f} kB × samples of the busiest window"
        )


if __name__ == "__main__":
    main()
