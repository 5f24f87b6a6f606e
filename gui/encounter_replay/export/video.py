"""Video clips of a replay: MP4 (H.264 through the optional ``imageio-ffmpeg``) or GIF (Pillow).

Frames are rendered one at a time by the same function as a snapshot, so a clip shows
exactly what a still would, and memory stays flat for MP4 however long the clip is. Output
goes to a hidden temporary file beside the target and is renamed into place at the end, so
a cancelled or failed export never leaves half a video (or destroys an older one).
"""

from __future__ import annotations

import math
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PySide6 import QtGui

from .errors import ExportCancelled, ExportError

#: H.264 in yuv420p works on whole macroblocks; sizes are rounded to this.
MACRO_BLOCK = 16

MP4_EXTRA_MESSAGE = (
    "MP4 export needs the optional 'video' extra: pip install 'encounter-replay[video]'"
)

VIDEO_SUFFIXES = (".mp4", ".gif")

#: Replay speeds a clip may use (× real time): slower than 1/100 or faster than 1000× is a
#: typing error rather than a briefing.
SPEED_MIN = 0.01
SPEED_MAX = 1000.0
#: Most frames one clip may have (over an hour at 25 fps): more is a mistake that would
#: render for hours and fill the disk, so it is refused before any work.
MAX_FRAMES = 100_000

#: Renders the frame for one replay time as a QImage of the clip's exact size.
FrameRenderer = Callable[[float], QtGui.QImage]
#: ``progress(frames_done, frames_total)``; returning False cancels the export.
Progress = Callable[[int, int], "bool | None"]


@dataclass(frozen=True)
class VideoResult:
    path: Path
    frames: int
    width: int
    height: int
    fps: float
    seconds: float  # wall-clock time the export took


def frame_times(start: float, end: float, speed: float, fps: float) -> np.ndarray:
    """Replay times of the frames of a clip of ``start``..``end`` at ``speed``× and ``fps``.

    The clip lasts ``(end - start) / speed`` seconds, so it has
    ``round((end - start) / speed * fps)`` frames, one every ``speed / fps`` replay seconds
    starting at ``start`` (60 s at 10× and 10 fps: 60 frames, one per replay second).
    Speeds outside :data:`SPEED_MIN`..:data:`SPEED_MAX` and clips of more than
    :data:`MAX_FRAMES` frames are refused before anything is allocated.
    """
    for name, v in (("start", start), ("end", end), ("speed", speed), ("fps", fps)):
        if not math.isfinite(v):
            raise ExportError(f"video {name} is not a finite number: {v!r}")
    if speed <= 0:
        raise ExportError(f"video speed must be positive, not {speed:g}")
    if not SPEED_MIN <= speed <= SPEED_MAX:
        raise ExportError(
            f"video speed must be between {SPEED_MIN:g}× and {SPEED_MAX:g}× real time, "
            f"not {speed:g}×"
        )
    if fps <= 0 or fps > 120:
        raise ExportError(f"video frame rate must be between 0 and 120 fps, not {fps:g}")
    if end <= start:
        raise ExportError("video end time must be after its start time")
    count = (end - start) / speed * fps  # may still be inf for absurd start/end
    if not count < MAX_FRAMES + 0.5:
        raise ExportError(
            f"the clip would have {count:,.0f} frames, more than the limit of {MAX_FRAMES:,}: "
            "shorten the time range, raise the speed or lower the frame rate"
        )
    n = round(count)
    if n < 1:
        raise ExportError(
            f"{end - start:g} s at {speed:g}× and {fps:g} fps gives no frame: "
            "use a longer range, a lower speed or a higher frame rate"
        )
    return start + np.arange(n, dtype=np.float64) * (speed / fps)


def frame_size(width: int, height: int) -> tuple[int, int]:
    """``width`` × ``height`` rounded to the nearest multiples of 16 (at least 16).

    H.264 players and encoders handle whole macroblocks best; rounding here, rather than
    letting ffmpeg rescale, keeps the pixels the canvas drew.
    """
    if width <= 0 or height <= 0:
        raise ExportError(f"video size must be positive, not {width}×{height}")

    def nearest(v: int) -> int:  # halves round up (Python's round() would go to even)
        return max(MACRO_BLOCK, int(v / MACRO_BLOCK + 0.5) * MACRO_BLOCK)

    return nearest(width), nearest(height)


def rgb_array(image: QtGui.QImage) -> np.ndarray:
    """A QImage as an (h, w, 3) uint8 RGB array (a copy; scan-line padding removed)."""
    img = image.convertToFormat(QtGui.QImage.Format.Format_RGB888)
    w, h, bpl = img.width(), img.height(), img.bytesPerLine()
    buf = np.frombuffer(img.constBits(), dtype=np.uint8, count=img.sizeInBytes())
    return buf.reshape(h, bpl)[:, : w * 3].reshape(h, w, 3).copy()


def _partial_path(path: Path) -> Path:
    # Same folder (so the final rename is atomic) and same suffix (ffmpeg picks the
    # container from it).
    return path.with_name(f".{path.stem}.partial-{os.getpid()}{path.suffix}")


def write_video(
    path: str | Path,
    times: np.ndarray,
    render: FrameRenderer,
    size: tuple[int, int],
    fps: float,
    progress: Progress | None = None,
) -> VideoResult:
    """Render a frame for each of ``times`` and write them as MP4 or GIF (by suffix).

    ``size`` must already be a :func:`frame_size`; every rendered frame must have it.
    Raises :class:`ExportCancelled` when ``progress`` returns False (nothing is left on
    disk), :class:`ExportError` for anything else the user can fix.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in VIDEO_SUFFIXES:
        raise ExportError(f"{path}: unknown video format {suffix or '(none)'!r}: use .mp4 or .gif")
    if not path.parent.exists():
        raise ExportError(f"{path}: folder {path.parent} does not exist")
    if tuple(size) != frame_size(*size):
        raise ExportError(f"video size {size[0]}×{size[1]} is not a multiple of 16")
    writer = _write_mp4 if suffix == ".mp4" else _write_gif
    tmp = _partial_path(path)
    t0 = time.perf_counter()
    try:
        writer(tmp, _frames(times, render, size, progress), size, fps)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return VideoResult(path, len(times), size[0], size[1], fps, time.perf_counter() - t0)


def _frames(times: np.ndarray, render: FrameRenderer, size: tuple[int, int], progress):
    """Yield RGB frames, reporting progress after each; cancellation raises here."""
    total = len(times)
    if progress is not None and progress(0, total) is False:
        raise ExportCancelled()
    for i, t in enumerate(times):
        image = render(float(t))
        if (image.width(), image.height()) != tuple(size):
            raise ExportError(
                f"frame {i} is {image.width()}×{image.height()}, expected {size[0]}×{size[1]}"
            )
        yield rgb_array(image)
        if progress is not None and progress(i + 1, total) is False:
            raise ExportCancelled()


def _write_mp4(path: Path, frames, size: tuple[int, int], fps: float) -> None:
    try:
        import imageio_ffmpeg
    except ImportError:
        raise ExportError(MP4_EXTRA_MESSAGE) from None
    gen = imageio_ffmpeg.write_frames(
        str(path),
        size,
        fps=fps,
        codec="libx264",
        pix_fmt_in="rgb24",
        pix_fmt_out="yuv420p",
        quality=8,  # maps are thin lines and text: spend bits on them
        macro_block_size=MACRO_BLOCK,
        ffmpeg_log_level="error",
        output_params=["-movflags", "+faststart"],  # playable while it downloads
    )
    try:
        _send(gen, None, path)
        for frame in frames:  # rendering errors and cancellation pass through untouched
            _send(gen, frame, path)
    finally:
        gen.close()


def _send(gen, frame, path: Path) -> None:
    try:
        gen.send(frame)
    except (OSError, RuntimeError) as exc:
        raise ExportError(f"{path}: ffmpeg failed: {str(exc).strip().splitlines()[0]}") from None


def _write_gif(path: Path, frames, size: tuple[int, int], fps: float) -> None:
    from PIL import Image

    # Pillow merges a frame identical to the one before into it (adding up their
    # durations), so a clip of a still scene has fewer GIF frames but the same timing.
    # One palette for the whole clip (taken from the first frame) so colours do not
    # flicker between frames; a map has few colours, so 255 hold them.
    palette = None
    images: list[Image.Image] = []
    for frame in frames:
        im = Image.fromarray(frame, "RGB")
        if palette is None:
            palette = im.quantize(colors=255, method=Image.Quantize.MEDIANCUT)
        images.append(im.quantize(palette=palette, dither=Image.Dither.NONE))
    try:
        images[0].save(
            path,
            format="GIF",
            save_all=True,
            append_images=images[1:],
            duration=max(20, round(1000 / fps)),  # GIF counts in 1/100 s; browsers clamp < 20 ms
            loop=0,
        )
    except OSError as exc:
        raise ExportError(f"{path}: cannot write GIF: {exc}") from None


def canvas_video(
    canvas,
    ts,
    path: str | Path,
    times: np.ndarray,
    size: tuple[int, int],
    fps: float,
    *,
    pair: tuple[int, int] | None = None,
    caption: bool = True,
    title: str | None = None,
    units: str = "nm",
    placement: str = "below",
    progress: Progress | None = None,
) -> VideoResult:
    """A clip of ``canvas`` (showing ``ts``) over ``times``, each frame a snapshot.

    The canvas is moved through the times and left at the last one, so it should be an
    export's own (see :func:`.snapshot.export_clip`), not the one on screen.
    """
    from .caption import caption_text
    from .image import render_snapshot

    w, h = size

    def render(t: float) -> QtGui.QImage:
        canvas.set_time(t)
        cap = caption_text(ts, t, pair, title=title, units=units) if caption else None
        return render_snapshot(canvas, w, h, cap, placement=placement)

    return write_video(path, times, render, size, fps, progress)
