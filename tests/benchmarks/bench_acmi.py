"""Load every shared ACMI recording (best of 5) and print time and sample counts.

Target (docs/targets.md): the 1.7 MB JSBSim file under 1 s on the 2-core machine.
Run: ``.venv/bin/python tests/benchmarks/bench_acmi.py [files…]``
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from encounter_replay.io import ReadOptions
from encounter_replay.io.acmi import read_acmi

SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "acmi"
TARGET_S = 1.0
REPEAT = 5


def bench(path: Path) -> tuple[float, int, int]:
    """Best wall time of REPEAT loads, samples and tracks."""
    best = float("inf")
    ts = None
    for _ in range(REPEAT):
        t0 = time.perf_counter()
        ts = read_acmi(path, ReadOptions())
        best = min(best, time.perf_counter() - t0)
    assert ts is not None
    return best, ts.n_samples, len(ts)


def main(argv: list[str]) -> int:
    paths = [Path(a) for a in argv] or sorted(SHARED.glob("*.acmi"))
    if not paths:
        print(f"no ACMI files (looked in {SHARED})")
        return 1
    slowest = 0.0  # MB/s over files big enough to time meaningfully
    print(f"{'file':60} {'MB':>6} {'ms':>8} {'samples':>8} {'tracks':>6} {'µs/sample':>9}")
    for path in paths:
        best, samples, tracks = bench(path)
        mb = path.stat().st_size / 1e6
        per = best / max(samples, 1) * 1e6
        print(
            f"{path.name[:60]:60} {mb:6.2f} {best * 1e3:8.1f} {samples:8d} {tracks:6d} {per:9.2f}"
        )
        if mb >= 0.1:
            rate = mb / best
            slowest = rate if slowest == 0.0 else min(slowest, rate)
        if "JSBSim" in path.name:
            verdict = "OK" if best < TARGET_S else "TOO SLOW"
            print(f"  -> JSBSim target < {TARGET_S:.0f} s: {best * 1e3:.0f} ms {verdict}")
    print(f"slowest throughput: {slowest:.1f} MB/s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
