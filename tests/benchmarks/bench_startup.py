"""Time from process launch to the window shown with the sample encounter (target < 2 s).

Spawns ``python -m encounter_replay <sample>`` with ENCOUNTER_REPLAY_EXIT_AFTER_SHOWN=1,
which makes the app quit once the window is shown and painted with the scene loaded and
analysed. Measured from outside (spawn to the "shown" line) and as the app reports it
(from its own process start). Runs offscreen unless QT_QPA_PLATFORM says otherwise.

    python tests/benchmarks/bench_startup.py [--runs 5] [FILE...]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "sample_tracks" / "syria_oct2015_illustrative.txt.acmi"
TARGET_S = 2.0


def one_run(files: list[str]) -> tuple[float, float, float, str]:
    """(spawn → "shown" line, app-reported shown, app-reported analysis ready, the line)."""
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    env["ENCOUNTER_REPLAY_EXIT_AFTER_SHOWN"] = "1"
    # a fresh settings file: a first start, and the user's own settings left alone
    env["ENCOUNTER_REPLAY_SETTINGS"] = str(Path(tempfile.mkdtemp()) / "settings.ini")
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "encounter_replay", *files],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=ROOT,
    )
    shown_at = None
    line = ""
    assert proc.stdout is not None
    for line in proc.stdout:
        if line.startswith("shown"):
            shown_at = time.perf_counter() - t0
            break
    _out, err = proc.communicate(timeout=60)
    if shown_at is None or proc.returncode != 0:
        raise SystemExit(f"app did not report being shown (exit {proc.returncode}):\n{err}")
    words = line.split()
    return shown_at, float(words[1]), float(words[8]), line.strip()


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("files", nargs="*", default=[str(SAMPLE)])
    p.add_argument("--runs", type=int, default=5)
    args = p.parse_args()
    shown, ready = [], []
    for i in range(args.runs):
        _outside, t_shown, t_ready, line = one_run(args.files)
        shown.append(t_shown)
        ready.append(t_ready)
        print(f"run {i + 1}: {line}")
    for name, times in (("tracks shown", shown), ("analysis ready", ready)):
        median = statistics.median(times)
        verdict = "OK" if median < TARGET_S else "slower than target"
        print(
            f"{name}: best {min(times):.3f} s, median {median:.3f} s "
            f"(target < {TARGET_S} s: {verdict})"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
