"""Time the exports of the sample encounter: one PNG, a 60-frame MP4 and GIF, the briefing.

The 60-frame clip is the README's example (``--start +0 --end +60 --speed 10 --fps 10``),
at 1280×720 with the caption, from an offscreen canvas as the CLI makes it.
Run: ``.venv/bin/python tests/benchmarks/bench_export.py``
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from encounter_replay.analysis import analyze
from encounter_replay.export.briefing import write_briefing_with_map
from encounter_replay.export.offscreen import ensure_qapp
from encounter_replay.export.snapshot import export_clip, export_snapshot
from encounter_replay.export.video import frame_size, frame_times
from encounter_replay.io import read_files
from encounter_replay.model.view_state import ViewState

SAMPLE = (
    Path(__file__).resolve().parents[2] / "sample_tracks" / "syria_oct2015_illustrative.txt.acmi"
)
SIZE = (1280, 720)


def main() -> None:
    ensure_qapp()
    ts = read_files([SAMPLE])
    result = analyze(ts)
    state = ViewState(time=ts.start)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        for suffix in (".png", ".svg"):
            t = time.perf_counter()
            export_snapshot(ts, result, state, out / f"a{suffix}", *SIZE)
            print(f"{suffix[1:].upper()} 1280×720 with caption: {time.perf_counter() - t:.3f} s")

        times = frame_times(ts.start, ts.start + 60, 10, 10)
        size = frame_size(*SIZE)
        for suffix in (".mp4", ".gif"):
            try:
                r = export_clip(ts, result, state, out / f"clip{suffix}", times, size, 10)
            except Exception as exc:  # the video extra may be absent
                print(f"{suffix}: {exc}")
                continue
            mb = (out / f"clip{suffix}").stat().st_size / 1e6
            print(
                f"{suffix[1:].upper()} {r.frames} frames {r.width}×{r.height}: {r.seconds:.2f} s "
                f"({1000 * r.seconds / r.frames:.0f} ms/frame, {mb:.1f} MB)"
            )

        t = time.perf_counter()
        write_briefing_with_map(out / "b.html", ts, result)
        print(f"HTML briefing with map: {time.perf_counter() - t:.2f} s")


if __name__ == "__main__":
    main()
