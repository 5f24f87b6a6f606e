"""The offline basemap reader: the right coastlines and borders, clipped correctly.

Truth is geography: known places (Latakia's shore, the Swiss border tripoint at Basel,
Lake Geneva) measured with pyproj's geodesic, not the reader's own output.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pyproj import Geod

from encounter_replay.geo import basemap as bm

GEOD = Geod(ellps="WGS84")


def nearest_m(lat: np.ndarray, lon: np.ndarray, point: tuple[float, float]) -> float:
    ok = np.isfinite(lat) & np.isfinite(lon)
    n = int(ok.sum())
    _, _, d = GEOD.inv(np.full(n, point[1]), np.full(n, point[0]), lon[ok], lat[ok])
    return float(d.min())


def inside(poly_lat: np.ndarray, poly_lon: np.ndarray, lat: float, lon: float) -> bool:
    """Ray casting, written here independently of the reader."""
    n = len(poly_lat)
    hit = False
    for i in range(n):
        y1, x1 = poly_lat[i], poly_lon[i]
        y2, x2 = poly_lat[(i + 1) % n], poly_lon[(i + 1) % n]
        if (y1 > lat) != (y2 > lat) and lon < x1 + (lat - y1) * (x2 - x1) / (y2 - y1):
            hit = not hit
    return hit


SYRIA = bm.LonLatBox(34.8, 36.2, 35.0, 36.5)
SWISS = bm.LonLatBox(45.7, 48.0, 5.8, 10.6)


def test_latakia_coastline() -> None:
    lat, lon = bm.coastlines(SYRIA, "i")
    # Latakia harbour front, 35.52N 35.77E: the intermediate coastline passes within 2 km.
    assert nearest_m(lat, lon, (35.52, 35.77)) < 2000
    # The coast runs north-south there: at 35.5N it is at 35.7–35.9E, nowhere else.
    near = np.abs(lat - 35.5) < 0.05
    assert near.any()
    assert np.all((lon[near] > 35.7) & (lon[near] < 35.9))
    # Inland Syria (Hama, 35.13N 36.75E, outside this box) contributes nothing.
    assert np.nanmax(lon) < 36.6


def test_resolutions_get_finer() -> None:
    counts = [np.isfinite(bm.coastlines(SYRIA, r)[0]).sum() for r in bm.RESOLUTIONS]
    assert counts[0] < counts[1] < counts[2]
    with pytest.raises(ValueError):
        bm.coastlines(SYRIA, "h")


def test_swiss_borders_at_known_places() -> None:
    lat, lon = bm.borders(SWISS, "i")
    assert nearest_m(lat, lon, (47.5896, 7.5885)) < 1500  # CH-DE-FR tripoint, Basel
    assert nearest_m(lat, lon, (46.15, 6.15)) < 1500  # Geneva / France
    assert nearest_m(lat, lon, (45.83, 9.03)) < 1500  # Chiasso / Italy
    assert nearest_m(lat, lon, (47.37, 8.54)) > 20_000  # Zurich is well inside


def test_lake_geneva_is_a_lake_polygon() -> None:
    lakes = [p for p in bm.land_polygons(SWISS, "i") if p[2] == bm.LAKE]
    leman = [p for p in lakes if inside(p[0], p[1], 46.45, 6.6)]  # mid-lake off Lausanne
    assert len(leman) == 1
    la, lo, _ = leman[0]
    assert 46.15 < la.min() < 46.25 and 46.45 < la.max() < 46.6
    assert 6.05 < lo.min() < 6.2 and 6.85 < lo.max() < 7.0
    assert not inside(la, lo, 46.56, 6.63)  # Lausanne's northern suburbs are dry land


def test_lines_are_clipped_to_the_box() -> None:
    box = bm.LonLatBox(35.0, 36.0, 35.3, 36.2)
    lat, lon = bm.coastlines(box, "i")
    ins = (lat >= box.south) & (lat <= box.north) & (lon >= box.west) & (lon <= box.east)
    # Every run (between NaNs) touches the box; at most one vertex beyond it at each end.
    runs = np.split(np.arange(len(lat)), np.flatnonzero(np.isnan(lat)))
    runs = [r[np.isfinite(lat[r])] for r in runs if np.isfinite(lat[r]).any()]
    assert runs
    for r in runs:
        assert ins[r].any()
        assert (~ins[r]).sum() <= 2


def test_polygons_are_clipped_exactly() -> None:
    box = bm.LonLatBox(35.0, 36.0, 35.3, 36.2)
    polys = bm.land_polygons(box, "i")
    assert polys
    for lat, lon, _kind in polys:
        assert lat.min() >= box.south - 1e-9 and lat.max() <= box.north + 1e-9
        assert lon.min() >= box.west - 1e-9 and lon.max() <= box.east + 1e-9
    # A box in the middle of a continent is all land: one polygon covering the box.
    inland = bm.LonLatBox(48.0, 49.0, 30.0, 31.0)
    land = [p for p in bm.land_polygons(inland, "l") if p[2] == bm.LAND]
    assert len(land) == 1 and inside(land[0][0], land[0][1], 48.5, 30.5)


def test_box_across_the_dateline() -> None:
    box = bm.LonLatBox(60.0, 72.0, 170.0, 200.0)  # Chukotka and western Alaska
    lat, lon = bm.coastlines(box, "i")
    ok = np.isfinite(lon)
    assert (lon[ok] < 180).any() and (lon[ok] > 180).any()
    # Alaska's Seward Peninsula (Nome, 64.50N 165.41W = 194.59E) is in the box's frame.
    assert nearest_m(lat, np.where(ok, lon - 360.0, np.nan), (64.50, -165.41)) < 5000
    # The data's seam at ±180° is not drawn as a coastline: no segment runs along it.
    on_seam = ok & (np.abs(lon - 180.0) < 1e-6)
    assert on_seam.any()
    assert not (on_seam[1:] & on_seam[:-1]).any()


def test_box_around_points() -> None:
    box = bm.LonLatBox.around(np.array([50.0, 51.0]), np.array([179.5, -179.5]), 1.0)
    assert box.south == pytest.approx(49.0, abs=1e-5) and box.north == pytest.approx(52.0, abs=1e-5)
    assert box.west < 179.5 and box.east > 180.5  # straddles the dateline, east > 180
    assert box.east - box.west < 10


def test_pick_resolution() -> None:
    assert bm.pick_resolution(100_000) == "i"
    assert bm.pick_resolution(1_000_000) == "l"
    assert bm.pick_resolution(5_000_000) == "c"


@pytest.mark.gui
@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.floats(-300, 300, allow_nan=False), min_size=4, max_size=60),
    st.integers(0, 2**31),
)
def test_clipped_lines_draw_the_same_inside_the_map(xs, seed):
    """A vector export draws only the segments that can touch the printed map: painted
    into the map's rectangle, the clipped line and the whole one give the same pixels."""
    from PySide6 import QtCore, QtGui

    from encounter_replay.view.layers.basemap_layer import _path, clip_polyline

    rng = np.random.default_rng(seed)
    x = np.asarray(xs, dtype=float)
    y = rng.uniform(-300, 300, len(x))
    x[rng.random(len(x)) < 0.1] = np.nan  # breaks, as the coastline data has
    # the image is -50..50 × -40..40; lines are clipped with a margin (a stroke's width
    # reaches into the map from just outside), as the export clips with 5 % of the map
    rect = QtCore.QRectF(-52, -42, 104, 84)

    def draw(path: QtGui.QPainterPath) -> np.ndarray:
        img = QtGui.QImage(100, 80, QtGui.QImage.Format.Format_RGB32)
        img.fill(0)
        p = QtGui.QPainter(img)
        p.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing)
        p.translate(50, 40)
        p.setPen(QtGui.QPen(QtGui.QColor("white"), 1.5))
        p.drawPath(path)
        p.end()
        return np.frombuffer(bytes(img.constBits()), np.uint8).astype(int)

    clipped = clip_polyline(x, y, rect)
    # the same pixels, to antialiasing noise (a stroke outline computed from another
    # start differs by a few levels where lines retrace; a lost segment differs by 255)
    assert np.abs(draw(clipped) - draw(_path(x, y))).max() <= 16
    assert clipped.elementCount() <= _path(x, y).elementCount() + np.isfinite(x).sum()


def test_clipping_drops_what_lies_outside():
    from PySide6 import QtCore

    from encounter_replay.view.layers.basemap_layer import clip_polyline

    x = np.linspace(-10_000.0, 10_000.0, 2001)  # a long border through a small map
    y = np.zeros_like(x)
    path = clip_polyline(x, y, QtCore.QRectF(-50, -50, 100, 100))
    assert 10 <= path.elementCount() <= 14  # the 11 vertices in the map and one beyond each side
    r = path.boundingRect()
    assert r.left() == pytest.approx(-60) and r.right() == pytest.approx(60)
