"""Frame time of the map canvas while playing (docs/targets.md), offscreen.

Synthetic scenes: N aircraft starting within ~250 NM, sampled at 1 Hz for an hour,
flying gentle turns at different speeds and levels; default 2-minute trails; the view is
the fit to all tracks. One frame = ``set_time`` + ``processEvents`` (which delivers the
scene's queued update and paints the widget, as the real event loop does) + a
synchronous repaint only if no paint happened. Painting is counted with an event filter,
so every frame is drawn exactly once.

Prints median, 90th percentile and minimum wall time per frame with a per-stage
breakdown, and the median CPU time of the process per frame: wall times suffer when
other jobs share the machine, CPU time does not.

Targets: < 10 ms with 100 tracks, < 33 ms with 1,000 tracks.
Run: ``.venv/bin/python tests/benchmarks/bench_frame.py [n_tracks ...] [--frames N]
[--trail S] [--size WxH]``
"""

from __future__ import annotations

import argparse
import os
import sys
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore

from encounter_replay.model import TrackSet
from encounter_replay.view.map_canvas import MapCanvas

TARGETS_MS = {100: 10.0, 1000: 33.0}
T0 = 1_600_000_000.0


def synthetic_scene(n: int, duration_s: float = 3600.0, seed: int = 1) -> TrackSet:
    """n aircraft at 1 Hz, random starts within ±2° of 47N 8E, turning slowly."""
    rng = np.random.default_rng(seed)
    t = T0 + np.arange(0.0, duration_s, 1.0)
    m = len(t)
    lat0 = 47.0 + rng.uniform(-2, 2, n)
    lon0 = 8.0 + rng.uniform(-3, 3, n)
    speed = rng.uniform(110, 260, n)  # m/s
    hdg0 = rng.uniform(0, 360, n)
    turn = rng.uniform(-0.05, 0.05, n)  # deg/s
    hdg = (hdg0[:, None] + turn[:, None] * np.arange(m)[None, :]) % 360.0
    step = speed[:, None] * np.ones((1, m))
    dn = np.cos(np.radians(hdg)) * step
    de = np.sin(np.radians(hdg)) * step
    lat = lat0[:, None] + np.cumsum(dn, axis=1) / 111_320.0
    lon = lon0[:, None] + np.cumsum(de, axis=1) / (111_320.0 * np.cos(np.radians(lat)))
    alt = rng.uniform(1000, 12000, n)[:, None] * np.ones((1, m))
    coal = rng.choice(["Blue", "Red", "Neutral"], n)
    tracks = [
        dict(
            t=t,
            lat=lat[k],
            lon=lon[k],
            alt=alt[k],
            heading=hdg[k],
            id=f"t{k}",
            callsign=f"AC{k:04d}",
            name="F-16C",
            cls="aircraft",
            coalition=str(coal[k]),
        )
        for k in range(n)
    ]
    return TrackSet.from_tracks(tracks, title=f"synthetic {n}")


def run(
    n: int, frames: int, trail_s: float, size: tuple[int, int], heading_up: bool = False
) -> dict[str, float]:
    app = pg.mkQApp()
    ts = synthetic_scene(n)
    canvas = MapCanvas()
    canvas.resize(*size)
    canvas.show()
    t_scene = time.perf_counter()
    canvas.set_scene(ts, None)
    t_scene = time.perf_counter() - t_scene
    canvas.set_trail_seconds(None if trail_s < 0 else trail_s)
    canvas.set_selected_pair((0, 1))
    # Everything the analyst's window draws on (issue 12): places and rivers (on by
    # default), event markers, a note on the map, the legend, the edge arrow's check;
    # heading-up with --heading-up.
    from encounter_replay.model.derived_events import merged_events

    canvas.set_events(merged_events(ts))
    canvas.set_notes([(ts.start + 900.0 + 0.5 * frames / 2, "note under test", 0)])
    canvas.set_legend_visible(True)
    if heading_up:
        canvas.set_selected_track(0)
        canvas.set_heading_up(True)
    app.processEvents()
    viewport = canvas.plot_widget.viewport()
    counter = PaintCounter()
    viewport.installEventFilter(counter)
    t_start = ts.start + 900.0
    stages = {"set_time": [], "paint": [], "frame": [], "cpu": []}
    forced = 0
    for i in range(frames + 10):
        counter.count = 0
        cpu = time.process_time()
        a = time.perf_counter()
        canvas.set_time(t_start + 0.5 * i)
        b = time.perf_counter()
        app.processEvents()
        if counter.count == 0:
            viewport.repaint()
            forced += 1
        c = time.perf_counter()
        cpu = time.process_time() - cpu
        if i >= 10:  # warm-up frames fill caches
            stages["set_time"].append(b - a)
            stages["paint"].append(c - b)
            stages["frame"].append(c - a)
            stages["cpu"].append(cpu)
    viewport.removeEventFilter(counter)
    canvas.close()
    canvas.deleteLater()
    app.processEvents()
    out = {k: 1e3 * float(np.median(v)) for k, v in stages.items()}
    out["frame_p90"] = 1e3 * float(np.percentile(stages["frame"], 90))
    out["frame_min"] = 1e3 * float(np.min(stages["frame"]))
    out["scene_s"] = t_scene
    out["forced"] = forced
    return out


class PaintCounter(QtCore.QObject):
    """Counts paint events of the map's viewport."""

    count = 0

    def eventFilter(self, obj: QtCore.QObject, ev: QtCore.QEvent) -> bool:
        if ev.type() == QtCore.QEvent.Type.Paint:
            self.count += 1
        return False


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("tracks", nargs="*", type=int, default=[100, 1000])
    ap.add_argument("--frames", type=int, default=200)
    ap.add_argument(
        "--trail", type=float, default=120.0, help="trail length, s (< 0: full history)"
    )
    ap.add_argument("--size", default="1280x800")
    ap.add_argument("--heading-up", action="store_true", help="primary-oriented view")
    args = ap.parse_args(argv)
    size = tuple(int(v) for v in args.size.lower().split("x"))
    print(
        f"offscreen, {size[0]}×{size[1]}, trail {args.trail:g} s, {args.frames} frames;"
        f" load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores"
    )
    print(
        f"{'tracks':>6} {'scene s':>8} {'set_time':>9} {'paint':>7}"
        f" {'frame med':>10} {'p90':>7} {'min':>7} {'cpu med':>8} {'target':>7}"
    )
    ok = True
    for n in args.tracks:
        r = run(n, args.frames, args.trail, size, args.heading_up)
        target = TARGETS_MS.get(n)
        verdict = "" if target is None else ("ok" if r["frame"] < target else "MISSED")
        ok &= verdict != "MISSED"
        print(
            f"{n:>6} {r['scene_s']:>8.2f} {r['set_time']:>9.2f} {r['paint']:>7.2f}"
            f" {r['frame']:>10.2f} {r['frame_p90']:>7.2f} {r['frame_min']:>7.2f} {r['cpu']:>8.2f}"
            f" {'' if target is None else f'<{target:g}':>7} {verdict}",
            flush=True,
        )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
