"""Caption strip: its words (checked against pyproj) and that painting it leaves marks."""

from __future__ import annotations

import numpy as np
import pytest
from pyproj import Geod, Transformer
from PySide6 import QtCore, QtGui

from encounter_replay.export.caption import (
    CaptionText,
    caption_text,
    source_note,
    strip_height,
)
from encounter_replay.export.image import paint_caption
from encounter_replay.export.video import rgb_array
from encounter_replay.model import TrackSet

T0 = 1_444_468_800.0  # 2015-10-10T09:20:00Z
NM, FT = 1852.0, 0.3048


def _scene(source: str = "/home/analyst/data/syria_oct2015_illustrative.txt.acmi", title=""):
    t = T0 + np.arange(0, 121, 10.0)
    n = len(t)
    return TrackSet.from_tracks(
        [
            dict(
                t=t,
                lat=np.linspace(35.50, 35.60, n),
                lon=np.full(n, 36.50),
                alt=np.full(n, 6000.0),
                id="101",
                name="F-16C",
                callsign="VIPER11",
                cls="aircraft",
                coalition="Blue",
                source=source,
            ),
            dict(
                t=t,
                lat=np.linspace(35.62, 35.52, n),
                lon=np.full(n, 36.56),
                alt=np.full(n, 6500.0),
                id="2a",
                name="Su-30SM",
                callsign="",
                cls="aircraft",
                coalition="Red",
                source=source,
            ),
            dict(
                t=t[:3],
                lat=np.full(3, 35.0),
                lon=np.full(3, 36.0),
                alt=np.full(3, 100.0),
                id="g1",
                name="Tanker",
                cls="aircraft",
                source=source,
            ),
        ],
        title=title,
    )


def _independent_separation(lat1, lon1, alt1, lat2, lon2, alt2):
    to_ecef = Transformer.from_crs("EPSG:4979", "EPSG:4978", always_xy=True)
    p1 = np.array(to_ecef.transform(lon1, lat1, alt1))
    p2 = np.array(to_ecef.transform(lon2, lat2, alt2))
    _, _, horizontal = Geod(ellps="WGS84").inv(lon1, lat1, lon2, lat2)
    return float(np.linalg.norm(p2 - p1)), float(horizontal), abs(alt2 - alt1)


def test_caption_words_and_figures_match_pyproj():
    ts = _scene()
    t = T0 + 45.0  # between samples: positions interpolated linearly
    cap = caption_text(ts, t, (0, 1))
    f = 45.0 / 120.0
    lat_a, lat_b = 35.50 + 0.10 * f, 35.62 - 0.10 * f
    slant, horiz, vert = _independent_separation(lat_a, 36.50, 6000.0, lat_b, 36.56, 6500.0)
    assert cap.title == "syria_oct2015_illustrative.txt.acmi"  # no title: the file name
    assert cap.time == "2015-10-10 09:20:45Z  (T+00:45)"
    assert cap.separation == (
        f"F-16C · VIPER11 – Su-30SM: slant {slant / NM:.2f} NM · horizontal {horiz / NM:.2f} NM · "
        f"vertical {vert / FT:,.0f} ft"
    )
    assert cap.illustrative
    assert cap.note == "Source: syria_oct2015_illustrative.txt.acmi"  # no local folders
    assert cap.lines()[-1].startswith("ILLUSTRATIVE · Source:")


def test_caption_in_km_units_and_explicit_title():
    ts = _scene(source="/data/real_recording.acmi", title="Exercise X")
    cap = caption_text(ts, T0 + 60.0, (0, 1), units="km", title="Briefing 3")
    slant, horiz, vert = _independent_separation(35.55, 36.50, 6000.0, 35.57, 36.56, 6500.0)
    assert cap.title == "Briefing 3"
    assert f"slant {slant / 1000:.2f} km" in cap.separation
    assert f"horizontal {horiz / 1000:.2f} km" in cap.separation
    assert f"vertical {vert:,.0f} m" in cap.separation and vert == 500.0
    assert not cap.illustrative
    assert caption_text(ts, T0, None).title == "Exercise X"
    assert caption_text(ts, T0, None).separation == ""


def test_caption_says_when_a_pair_member_is_absent():
    ts = _scene()
    cap = caption_text(ts, T0 + 100.0, (0, 2))  # the tanker's track ended at +20 s
    assert cap.separation == "F-16C · VIPER11 – Tanker: not both in the air at this time"


def test_fractional_times_show_tenths():
    ts = _scene()
    assert caption_text(ts, T0 + 12.34, None).time == "2015-10-10 09:20:12.3Z  (T+00:12)"


def test_source_note_lists_few_files():
    ts = _scene(source="/a/b/one.acmi")
    assert source_note(ts) == "Source: one.acmi"


@pytest.mark.parametrize(("w", "h"), [(1600, 900), (800, 600), (320, 100), (4000, 3000)])
def test_strip_height_is_legible_and_bounded(w, h):
    s = strip_height(w, h)
    assert s <= h // 4
    assert s >= min(40, h // 4)


def _paint(cap: CaptionText, w=1200, h=80) -> np.ndarray:
    img = QtGui.QImage(w, h, QtGui.QImage.Format.Format_RGB32)
    img.fill(QtGui.QColor("black"))
    p = QtGui.QPainter(img)
    paint_caption(p, QtCore.QRectF(0, 0, w, h), cap)
    p.end()
    return rgb_array(img)


def test_painted_caption_shows_each_text(qapp):
    full = CaptionText("Title text", "2015-10-10 09:20:45Z", "A – B: slant 1 NM", "Source", True)
    blank = CaptionText("", "", "", "", False)
    a, b = _paint(full), _paint(blank)
    assert (b[10:] == b[10, 0]).all()  # the empty strip is a flat background below the rule
    w = a.shape[1]
    half = w // 2
    regions = {
        "title": (slice(0, 40), slice(0, half)),
        "separation": (slice(40, 80), slice(0, half)),
        "time": (slice(0, 40), slice(half, w)),
        "note": (slice(40, 80), slice(half, w)),
    }
    for name, idx in regions.items():
        assert np.abs(a[idx].astype(int) - b[idx]).max() > 100, name
    # the ILLUSTRATIVE tag is amber
    amber = (a[..., 0] > 200) & (a[..., 1] > 130) & (a[..., 1] < 190) & (a[..., 2] < 60)
    assert amber[40:, w - 200 :].sum() > 300
