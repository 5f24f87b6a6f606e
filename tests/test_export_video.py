"""Video writer: frame arithmetic, MP4/GIF output read back, cancel, the missing extra."""

from __future__ import annotations

import sys

import numpy as np
import pytest
from PIL import Image
from PySide6 import QtCore, QtGui

from encounter_replay.export.errors import ExportCancelled, ExportError
from encounter_replay.export.video import (
    MP4_EXTRA_MESSAGE,
    frame_size,
    frame_times,
    rgb_array,
    write_video,
)

pytestmark = pytest.mark.usefixtures("qapp")

T0 = 1_444_468_800.0  # 2015-10-10T09:20:00Z


def test_frame_times_sixty_seconds_at_ten_times_ten_fps():
    times = frame_times(T0, T0 + 60, 10, 10)
    assert len(times) == 60
    np.testing.assert_allclose(np.diff(times), 1.0)
    assert times[0] == T0
    assert times[-1] == pytest.approx(T0 + 59)


@pytest.mark.parametrize(
    ("span", "speed", "fps", "n"),
    [(60, 1, 25, 1500), (10, 4, 30, 75), (7, 1, 10, 70), (1, 64, 10, 0)],
)
def test_frame_count_is_rounded_duration_times_fps(span, speed, fps, n):
    if n == 0:
        with pytest.raises(ExportError, match="no frame"):
            frame_times(T0, T0 + span, speed, fps)
    else:
        assert len(frame_times(T0, T0 + span, speed, fps)) == n


@pytest.mark.parametrize(
    ("args", "match"),
    [
        ((T0, T0 - 1, 1, 10), "after its start"),
        ((T0, T0 + 10, 0, 10), "speed must be positive"),
        ((T0, T0 + 10, 1, 0), "frame rate"),
        ((T0, float("nan"), 1, 10), "not a finite"),
    ],
)
def test_frame_times_rejects_bad_arguments(args, match):
    with pytest.raises(ExportError, match=match):
        frame_times(*args)


@pytest.mark.parametrize("speed", [1e-300, 0.0099, 1000.5, 1e300])
def test_frame_times_rejects_speeds_outside_a_hundredth_to_a_thousand(speed):
    with pytest.raises(ExportError, match=r"between 0\.01× and 1000×"):
        frame_times(T0, T0 + 60, speed, 25)


def test_frame_times_accepts_the_speed_bounds():
    assert len(frame_times(T0, T0 + 60, 0.01, 10)) == 60_000  # 6000 s of clip at 10 fps
    assert len(frame_times(T0, T0 + 60_000, 1000, 10)) == 600


@pytest.mark.parametrize(
    ("start", "end", "speed", "fps", "shown"),
    [
        (T0, T0 + 2400, 0.01, 100, "24,000,000"),  # 40 min at 0.01× and 100 fps
        (T0, T0 + 100_001, 1, 1, "100,001"),
        (-1e307, 1e308, 0.01, 120, "inf"),  # overflows to inf, not an OverflowError
    ],
)
def test_frame_times_refuses_more_than_100000_frames(start, end, speed, fps, shown):
    with pytest.raises(ExportError) as err:
        frame_times(start, end, speed, fps)
    msg = str(err.value)
    assert f"would have {shown} frames" in msg and "limit of 100,000" in msg
    assert "lower the frame rate" in msg


def test_frame_times_allows_exactly_100000_frames():
    assert len(frame_times(T0, T0 + 100_000, 1, 1)) == 100_000


@pytest.mark.parametrize(
    ("size", "expected"),
    [
        ((1280, 720), (1280, 720)),
        ((1000, 700), (1008, 704)),
        ((5, 9), (16, 16)),
        ((33, 40), (32, 48)),
    ],
)
def test_frame_size_rounds_to_multiples_of_16(size, expected):
    assert frame_size(*size) == expected
    assert all(v % 16 == 0 for v in frame_size(*size))


def test_frame_size_rejects_non_positive():
    with pytest.raises(ExportError):
        frame_size(0, 100)


def _square_renderer(w: int, h: int, t0: float):
    """Frames with a red square moving right 5 px per replay second (a real picture)."""

    def render(t: float) -> QtGui.QImage:
        img = QtGui.QImage(w, h, QtGui.QImage.Format.Format_RGB32)
        img.fill(QtGui.QColor("#10202c"))
        p = QtGui.QPainter(img)
        p.fillRect(QtCore.QRect(round((t - t0) * 5), h // 3, 24, 24), QtGui.QColor("#ef4444"))
        p.end()
        return img

    return render


def test_rgb_array_drops_scanline_padding():
    img = QtGui.QImage(13, 5, QtGui.QImage.Format.Format_RGB32)  # 39 bytes/line in RGB888
    img.fill(QtGui.QColor(10, 20, 30))
    arr = rgb_array(img)
    assert arr.shape == (5, 13, 3)
    assert (arr == [10, 20, 30]).all()


def test_mp4_frames_and_size_read_back(tmp_path):
    imageio_ffmpeg = pytest.importorskip("imageio_ffmpeg")
    out = tmp_path / "clip.mp4"
    times = frame_times(T0, T0 + 60, 10, 10)
    seen = []
    res = write_video(
        out,
        times,
        _square_renderer(320, 240, T0),
        (320, 240),
        10,
        progress=lambda d, n: seen.append((d, n)),
    )
    assert res.frames == 60
    assert seen[0] == (0, 60) and seen[-1] == (60, 60)
    n_frames, secs = imageio_ffmpeg.count_frames_and_secs(str(out))
    assert n_frames == 60
    assert secs == pytest.approx(6.0, abs=0.2)
    reader = imageio_ffmpeg.read_frames(str(out))
    meta = next(reader)
    assert tuple(meta["size"]) == (320, 240)
    first = np.frombuffer(next(reader), np.uint8).reshape(240, 320, 3)
    reader.close()
    # the red square is in the first frame, near the left edge
    red = (first[..., 0] > 180) & (first[..., 1] < 110) & (first[..., 2] < 110)
    assert red[:, :30].sum() > 200
    assert not list(tmp_path.glob(".*partial*"))


def test_gif_frame_count_and_timing_via_pillow(tmp_path):
    out = tmp_path / "clip.gif"
    times = frame_times(T0, T0 + 20, 2, 5)  # 50 frames
    write_video(out, times, _square_renderer(160, 96, T0), (160, 96), 5)
    with Image.open(out) as im:
        assert im.n_frames == 50
        assert im.size == (160, 96)
        assert im.info["duration"] == 200
        total_ms = 0
        for i in range(im.n_frames):
            im.seek(i)
            total_ms += im.info["duration"]
        rgb = np.asarray(im.convert("RGB"))
    assert total_ms == 50 * 200
    red = (rgb[..., 0] > 180) & (rgb[..., 1] < 110)
    # the square has moved (t = 19.6 s → x = 98 px) in the last frame
    assert red[:, 98:122].sum() > 400 and red[:, :90].sum() == 0


def test_gif_merges_identical_frames_but_keeps_timing(tmp_path):
    out = tmp_path / "still.gif"
    t0 = T0
    render = _square_renderer(64, 48, t0)
    times = frame_times(T0, T0 + 2, 0.5, 10)  # 40 frames over 0.0..1.95 s of replay
    write_video(out, times, lambda t: render(t0 + (t - t0 >= 1.0)), (64, 48), 10)
    with Image.open(out) as im:
        durations = []
        for i in range(im.n_frames):
            im.seek(i)
            durations.append(im.info["duration"])
    assert durations == [2000, 2000]


@pytest.mark.parametrize("suffix", [".gif", ".mp4"])
def test_cancel_leaves_nothing_behind(tmp_path, suffix):
    if suffix == ".mp4":
        pytest.importorskip("imageio_ffmpeg")
    out = tmp_path / f"clip{suffix}"
    out.write_bytes(b"older clip")  # an existing file must survive a cancelled export
    times = frame_times(T0, T0 + 30, 1, 10)
    with pytest.raises(ExportCancelled):
        write_video(
            out, times, _square_renderer(64, 64, T0), (64, 64), 10, progress=lambda d, n: d < 5
        )
    assert out.read_bytes() == b"older clip"
    assert sorted(p.name for p in tmp_path.iterdir()) == [out.name]


def test_missing_video_extra_gives_the_install_hint(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "imageio_ffmpeg", None)  # import now raises ImportError
    out = tmp_path / "clip.mp4"
    with pytest.raises(ExportError) as err:
        write_video(out, frame_times(T0, T0 + 2, 1, 5), _square_renderer(64, 64, T0), (64, 64), 5)
    assert str(err.value) == MP4_EXTRA_MESSAGE
    assert "pip install 'encounter-replay[video]'" in str(err.value)
    assert not out.exists() and not list(tmp_path.iterdir())


def test_rejects_unknown_suffix_and_wrong_frame_size(tmp_path):
    render = _square_renderer(64, 64, T0)
    times = frame_times(T0, T0 + 1, 1, 5)
    with pytest.raises(ExportError, match="unknown video format"):
        write_video(tmp_path / "clip.avi", times, render, (64, 64), 5)
    with pytest.raises(ExportError, match="multiple of 16"):
        write_video(tmp_path / "clip.gif", times, render, (60, 64), 5)
    with pytest.raises(ExportError, match="expected 80×64"):
        write_video(tmp_path / "clip.gif", times, render, (80, 64), 5)
    assert not list(tmp_path.iterdir())
