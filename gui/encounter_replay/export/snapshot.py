"""Pictures and clips of a :class:`ViewState`: the entry points the window and the CLI call.

Each call lays a fresh offscreen canvas out at the export size, applies the state, and
draws through :func:`.image.render_snapshot` (one frame) or :func:`.video.canvas_video`
(a clip), so both front ends produce identical pixels for the same state.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
from PySide6 import QtGui

from ..model import TrackSet
from ..model.view_state import ViewState
from .caption import CaptionText, caption_text
from .errors import ExportError
from .image import check_size, export_image, map_size, render_snapshot
from .offscreen import dispose, scene_canvas
from .video import Progress, VideoResult, canvas_video


def state_caption(ts: TrackSet, state: ViewState, title: str | None = None) -> CaptionText:
    return caption_text(ts, state.time, state.pair, title=title, units=state.units)


def snapshot_image(
    ts: TrackSet,
    analysis,
    state: ViewState,
    width: int,
    height: int,
    *,
    caption: bool = True,
    title: str | None = None,
    placement: str = "below",
    text_scale: float = 1.0,
) -> QtGui.QImage:
    """``state`` drawn at exactly ``width`` × ``height``, with the caption strip if asked;
    map text, symbols and lines ``text_scale`` times their on-screen size."""
    check_size(width, height)
    cap = state_caption(ts, state, title) if caption else None
    canvas = scene_canvas(ts, analysis, state, map_size(width, height, caption, placement))
    try:
        return render_snapshot(
            canvas, width, height, cap, placement=placement, text_scale=text_scale
        )
    finally:
        dispose(canvas)


def export_snapshot(
    ts: TrackSet,
    analysis,
    state: ViewState,
    path: str | Path,
    width: int,
    height: int,
    *,
    caption: bool = True,
    title: str | None = None,
    placement: str = "below",
    text_scale: float = 1.0,
) -> Path:
    """``state`` as a PNG or SVG file (by the suffix of ``path``)."""
    check_size(width, height)
    suffix = Path(path).suffix.lower()
    if suffix not in (".png", ".svg"):
        raise ExportError(
            f"{path}: unknown picture format {suffix or '(none)'!r}: use .png or .svg"
        )
    cap = state_caption(ts, state, title) if caption else None
    canvas = scene_canvas(ts, analysis, state, map_size(width, height, caption, placement))
    try:
        return export_image(
            canvas, path, width, height, cap, placement=placement, text_scale=text_scale
        )
    finally:
        dispose(canvas)


def export_clip(
    ts: TrackSet,
    analysis,
    state: ViewState,
    path: str | Path,
    times: np.ndarray,
    size: tuple[int, int],
    fps: float,
    *,
    caption: bool = True,
    title: str | None = None,
    placement: str = "below",
    progress: Progress | None = None,
) -> VideoResult:
    """A clip of ``state`` over ``times`` (the view is framed at the first frame's time)."""
    first = dataclasses.replace(state, time=float(times[0]))
    canvas = scene_canvas(ts, analysis, first, map_size(*size, caption, placement))
    try:
        return canvas_video(
            canvas,
            ts,
            path,
            times,
            size,
            fps,
            pair=state.pair,
            caption=caption,
            title=title,
            units=state.units,
            placement=placement,
            progress=progress,
        )
    finally:
        dispose(canvas)
