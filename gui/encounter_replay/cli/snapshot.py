"""``snapshot``: a picture of the map (or the whole window) at one instant, headless."""

from __future__ import annotations

import argparse
import dataclasses
from pathlib import Path

from ..export.errors import ExportError
from ..model.timefmt import iso_utc
from .options import UsageError
from .scene import (
    add_view_args,
    base_state,
    check_out_dir,
    check_positive,
    check_suffix,
    fail,
    load_scene,
    resolve_pair,
    resolve_time,
)


def setup(p: argparse.ArgumentParser) -> None:
    p.description = "Save a picture of the map at one instant (PNG or SVG), with no display."
    add_view_args(p, 1600, 900)
    p.add_argument(
        "--time",
        metavar="T",
        help="ISO-8601 UTC, +SECONDS / +MM:SS from the start, or cpa (the --pair's closest "
        "approach, else the closest pair's, which it selects); required unless a --session "
        "gives the time",
    )
    p.add_argument("--out", required=True, type=Path, help="PATH.png or PATH.svg")
    p.add_argument(
        "--scale",
        type=float,
        default=1.0,
        metavar="S",
        help="map text, symbols and lines S times their on-screen size (default 1; 2 for a "
        "2x picture of a window-sized map)",
    )
    p.add_argument(
        "--window",
        action="store_true",
        help="the whole replay window (panels, timeline) instead of the map alone; PNG only",
    )


def run(args: argparse.Namespace) -> int:
    check_positive(args, "width", "height", "scale")
    suffix = check_suffix(args.out, (".png", ".svg"), "picture")
    check_out_dir(args.out)
    if args.window and suffix != ".png":
        raise UsageError("--window pictures are PNG only")
    if args.time is None and args.session is None:
        raise UsageError("--time is required (or a --session that gives one)")
    scene = load_scene(args)
    state = base_state(scene, args)
    if args.time is not None:
        chosen = resolve_pair(args.pair, scene.ts)
        t, cpa_pair = resolve_time(args.time, scene.ts, scene.analysis, pair=chosen)
        pair = chosen or cpa_pair or state.pair
        state = dataclasses.replace(state, time=t, pair=pair)
    try:
        if args.window:
            from ..export.image import save_png
            from ..export.window_capture import window_snapshot

            save_png(
                window_snapshot(scene.ts, scene.analysis, state, args.width, args.height),
                args.out,
            )
        else:
            from ..export.snapshot import export_snapshot

            export_snapshot(
                scene.ts,
                scene.analysis,
                state,
                args.out,
                args.width,
                args.height,
                caption=not args.no_caption,
                title=args.title,
                text_scale=args.scale,
            )
    except ExportError as exc:
        return fail(exc)
    print(f"wrote {args.out} ({args.width}×{args.height}, {iso_utc(state.time)})")
    return 0
