"""Per-frame and per-load costs of the issue-12 foundations (best of N, milliseconds).

* Tote (analysis/relative.py) of one primary against 100 and 1,000 tracks: it refreshes
  with the clock, so it must fit well inside a frame (target < 5 ms at 1,000 tracks).
* Places: first parse of airfields and towns (once per process), then a box query.
* Derived events and framing of the DCS dogfight (once per load).

Run: ``.venv/bin/python tests/benchmarks/bench_context.py``
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np

from encounter_replay.analysis.relative import tote
from encounter_replay.geo.basemap import LonLatBox
from encounter_replay.geo.places import airfields, all_airfields, all_towns, towns
from encounter_replay.io.acmi import read_acmi
from encounter_replay.model import TrackSet
from encounter_replay.model.derived_events import merged_events
from encounter_replay.model.framing import action_framing

SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "acmi"
DOGFIGHT = (
    SHARED
    / "pappavis__Tacview_ACMI__Tacview-20200207-194347-DCS-M-2000C_vs_F-15E_dogfight.txt.acmi"
)
TOTE_TARGET_MS = 5.0


def best_ms(fn, repeat: int = 20) -> float:
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best * 1000.0


def scene(n: int, samples: int = 600) -> TrackSet:
    rng = np.random.default_rng(1)
    t = np.arange(samples, dtype=float)
    tracks = []
    for k in range(n):
        lat0, lon0 = rng.uniform(45, 50), rng.uniform(0, 6)
        course = np.radians(rng.uniform(0, 360))
        step = 200.0 / 111_000.0
        tracks.append(
            {
                "t": t,
                "lat": lat0 + np.cos(course) * step * t,
                "lon": lon0 + np.sin(course) * step * t / np.cos(np.radians(lat0)),
                "alt": np.full(samples, rng.uniform(1000, 11000)),
                "id": f"T{k}",
                "cls": "aircraft",
            }
        )
    return TrackSet.from_tracks(tracks)


def main() -> int:
    ok = True
    for n in (100, 1000):
        ts = scene(n)
        ms = best_ms(lambda ts=ts: tote(ts, 0, 300.5))
        flag = "OK" if ms < TOTE_TARGET_MS or n < 1000 else "SLOW"
        ok &= flag == "OK"
        print(f"tote, {n:5d} tracks: {ms:7.2f} ms  {flag if n == 1000 else ''}")
    t0 = time.perf_counter()
    all_airfields()
    t1 = time.perf_counter()
    all_towns()
    t2 = time.perf_counter()
    print(
        f"places first load: airfields {1000 * (t1 - t0):.0f} ms, towns {1000 * (t2 - t1):.0f} ms"
    )
    box = LonLatBox(47.5, 50.0, 0.5, 4.5)
    print(
        f"places query (Paris box): airfields {best_ms(lambda: airfields(box)):.2f} ms, "
        f"towns {best_ms(lambda: towns(box)):.2f} ms"
    )
    if DOGFIGHT.is_file():
        ts = read_acmi(DOGFIGHT)
        print(f"dogfight merged events: {best_ms(lambda: merged_events(ts), 5):.1f} ms")
        print(f"dogfight action framing: {best_ms(lambda: action_framing(ts), 5):.1f} ms")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
