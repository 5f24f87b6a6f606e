"""The map canvas, offscreen: what is drawn, where, and what is left out.

Positions are checked in pixels against pyproj's geodesic (not against the canvas's own
projection code), and drawing is checked on grabbed images as well as on the layers'
data, so a wrong transform or a trail drawn across a gap shows up as a failure.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from pyproj import Geod, Transformer
from PySide6 import QtCore, QtGui

from encounter_replay.model import TrackSet
from encounter_replay.view.map_canvas import MapCanvas
from encounter_replay.view.scene_data import BLUE, RED

pytestmark = pytest.mark.gui

GEOD = Geod(ellps="WGS84")
NM = 1852.0
T0 = 1_444_000_000.0
LAT0, LON0 = 52.8, 3.0  # North Sea: plain sea background under the tracks


def straight(lat0, lon0, az, speed, t, alt, **meta):
    lon, lat, _ = GEOD.fwd(
        np.full(len(t), lon0), np.full(len(t), lat0), np.full(len(t), az), speed * (t - t[0])
    )
    return dict(
        t=t, lat=lat, lon=lon, alt=np.full(len(t), float(alt)), heading=np.full(len(t), az), **meta
    )


def make_scene() -> TrackSet:
    t = T0 + np.arange(0.0, 600.0, 1.0)
    a = straight(
        LAT0,
        LON0 - 0.35,
        90.0,
        200.0,
        t,
        6000,
        id="A",
        callsign="VIPER11",
        cls="aircraft",
        coalition="Blue",
    )
    b = straight(
        LAT0,
        LON0 + 0.35,
        270.0,
        200.0,
        t,
        6000,
        id="B",
        callsign="BANDIT",
        cls="aircraft",
        coalition="Red",
    )
    w = straight(
        LAT0 - 0.25,
        LON0 - 0.3,
        90.0,
        600.0,
        t[100:160],
        6000,
        id="W",
        name="AIM-120",
        cls="weapon",
        coalition="Blue",
    )
    g = straight(
        LAT0 + 0.2,
        LON0 - 0.4,
        45.0,
        150.0,
        t,
        3000,
        id="G",
        callsign="GAP1",
        cls="aircraft",
        coalition="Blue",
    )
    keep = (np.arange(len(t)) < 100) | (np.arange(len(t)) >= 300)  # a 200 s hole
    for k in ("t", "lat", "lon", "alt", "heading"):
        g[k] = np.asarray(g[k])[keep]
    bull = dict(
        t=t[:1],
        lat=[LAT0 - 0.3],
        lon=[LON0 + 0.3],
        id="BE",
        name="Bullseye",
        cls="reference",
        coalition="Blue",
    )
    return TrackSet.from_tracks([a, b, w, g, bull], title="test")


@pytest.fixture
def canvas(qtbot):
    c = MapCanvas()
    qtbot.addWidget(c)
    c.resize(900, 700)
    c.show()
    qtbot.waitExposed(c)
    c.set_scene(make_scene(), None)
    QtCore.QCoreApplication.processEvents()
    return c


def grab(c: MapCanvas) -> QtGui.QImage:
    QtCore.QCoreApplication.processEvents()
    return c.plot_widget.grab().toImage()


def to_px(c: MapCanvas, lat: float, lon: float) -> QtCore.QPointF:
    """Where a geographic point lands in the plot widget (via the canvas projection)."""
    x, y = c.scene_data.proj.forward(np.array([lat]), np.array([lon]))
    return c.plot_widget.mapFromScene(c.vb.mapViewToScene(QtCore.QPointF(float(x[0]), float(y[0]))))


def near_color(
    img: QtGui.QImage, p: QtCore.QPoint, color: str, radius: int = 2, tol: float = 60
) -> bool:
    want = QtGui.QColor(color)
    for dy in range(-radius, radius + 1):
        for dx in range(-radius, radius + 1):
            c = img.pixelColor(p.x() + dx, p.y() + dy)
            d = math.dist((c.red(), c.green(), c.blue()), (want.red(), want.green(), want.blue()))
            if d < tol:
                return True
    return False


def pos_at(ts: TrackSet, k: int, t: float) -> tuple[float, float, float]:
    sl = ts.track_slice(k)
    return (
        float(np.interp(t, ts.t[sl], ts.lat[sl])),
        float(np.interp(t, ts.t[sl], ts.lon[sl])),
        float(np.interp(t, ts.t[sl], ts.alt[sl])),
    )


def test_heads_drawn_at_true_positions(canvas: MapCanvas) -> None:
    t = T0 + 100.0
    canvas.set_time(t)
    img = grab(canvas)
    ts = canvas.scene_data.ts
    (la, loa, _), (lb, lob, _) = pos_at(ts, 0, t), pos_at(ts, 1, t)
    pa, pb = to_px(canvas, la, loa), to_px(canvas, lb, lob)
    assert near_color(img, pa, BLUE) and near_color(img, pb, RED)
    # Pixel distance × metres per pixel = geodesic distance (projection + view transform).
    m_per_px = canvas.vb.viewPixelSize()[0]
    _, _, d = GEOD.inv(loa, la, lob, lb)
    assert math.hypot(pb.x() - pa.x(), pb.y() - pa.y()) * m_per_px == pytest.approx(d, rel=0.01)
    # A spot between them is background, so the check above is not trivially true.
    mid = QtCore.QPoint((pa.x() + pb.x()) // 2, (pa.y() + pb.y()) // 2 - 40)
    assert not near_color(img, mid, BLUE) and not near_color(img, mid, RED)


def test_render_image_any_size(canvas: MapCanvas) -> None:
    t = T0 + 100.0
    canvas.set_time(t)
    la, lo, _ = pos_at(canvas.scene_data.ts, 0, t)
    x, y = canvas.scene_data.proj.forward(np.array([la]), np.array([lo]))
    half = 8 * NM
    canvas.set_view_rect(x[0] - half, x[0] + half, y[0] - half, y[0] + half)
    for w, h in ((1600, 1000), (1200, 400), (320, 240)):
        img = canvas.render_image(w, h)
        assert (img.width(), img.height()) == (w, h)
        colors = {img.pixel(i, j) for i in range(0, w, 7) for j in range(0, h, 7)}
        assert len(colors) > 20  # not blank
        # The view is centred on VIPER11, so it sits mid-map whatever the aspect ratio.
        twin = canvas._twin
        p = twin.plot_widget.mapFromScene(twin.vb.mapViewToScene(QtCore.QPointF(x[0], y[0])))
        assert near_color(img, p, BLUE, radius=2)
        r = twin.vb.viewRect()
        assert r.contains(QtCore.QPointF(x[0] - half * 0.99, y[0] - half * 0.99))
        assert r.contains(QtCore.QPointF(x[0] + half * 0.99, y[0] + half * 0.99))
    assert canvas.size() == QtCore.QSize(900, 700)  # the on-screen canvas is untouched


def test_gap_is_not_drawn(canvas: MapCanvas) -> None:
    canvas.set_trail_seconds(None)  # full history: the hole is inside the trail
    t = T0 + 450.0
    canvas.set_time(t)
    ts = canvas.scene_data.ts
    seg = np.concatenate([prim.ndarray()[:n] for _pen, prim, n in canvas.tracks.trails._groups])
    lengths = np.hypot(seg[:, 2] - seg[:, 0], seg[:, 3] - seg[:, 1])
    assert lengths.max() < 5000.0  # ≤ 8 s (decimated) at ≤ 600 m/s; the hole would be 30 km
    # In pixels: the trail shows before the hole, the middle of the hole is empty.
    img = grab(canvas)
    sl = ts.track_slice(3)
    before = to_px(canvas, ts.lat[sl][50], ts.lon[sl][50])
    la_mid = 0.5 * (ts.lat[sl][99] + ts.lat[sl][100])
    lo_mid = 0.5 * (ts.lon[sl][99] + ts.lon[sl][100])
    hole = to_px(canvas, la_mid, lo_mid)
    bg = img.pixelColor(hole)
    assert bg == img.pixelColor(hole + QtCore.QPoint(0, 12)) or not near_color(
        img, hole, BLUE, 1, 90
    )
    trail = img.pixelColor(before)
    assert trail != QtGui.QColor("#0b1726") and not near_color(img, hole, trail.name(), 1, 10)


def test_hidden_class_not_drawn(canvas: MapCanvas) -> None:
    t = T0 + 130.0
    canvas.set_time(t)
    assert 2 in canvas.tracks.head_tracks
    la, lo, _ = pos_at(canvas.scene_data.ts, 2, t)
    p = to_px(canvas, la, lo)
    assert not near_color(grab(canvas), p, "#0b1726", radius=0, tol=5)  # something is there
    canvas.set_class_visible("weapon", False)
    assert 2 not in canvas.tracks.head_tracks
    img = grab(canvas)
    assert near_color(img, p, "#0b1726", radius=0, tol=5)  # plain sea again
    seg = np.concatenate([prim.ndarray()[:n] for _pen, prim, n in canvas.tracks.trails._groups])
    wx, wy = canvas.scene_data.proj.forward(np.array([la]), np.array([lo]))
    assert np.min(np.hypot(seg[:, 2] - wx[0], seg[:, 3] - wy[0])) > 2000  # no weapon trail
    canvas.set_class_visible("weapon", True)
    assert 2 in canvas.tracks.head_tracks


def test_reference_point_always_shown(canvas: MapCanvas) -> None:
    for t in (T0, T0 + 300.0, T0 + 599.0):
        canvas.set_time(t)
        assert 4 in canvas.tracks.head_tracks


def test_labels_present(canvas: MapCanvas) -> None:
    canvas.set_time(T0 + 100.0)
    grab(canvas)
    names = [n for n, _ in canvas.labels.placed]
    assert "VIPER11" in names and "BANDIT" in names and "Bullseye" in names


def test_labels_declutter_in_a_crowd(qtbot) -> None:
    """30 aircraft within 3 NM: no two labels overlap, none covers another aircraft, and
    the selected pair is always labelled."""
    rng = np.random.default_rng(3)
    t = T0 + np.arange(0.0, 60.0, 1.0)
    tracks = []
    for k in range(30):
        lon0, lat0, _ = GEOD.fwd(LON0, LAT0, rng.uniform(0, 360), rng.uniform(0, 3 * NM))
        tracks.append(
            straight(
                lat0,
                lon0,
                rng.uniform(0, 360),
                150.0,
                t,
                5000,
                id=f"c{k}",
                callsign=f"CROWD{k:02d}",
                cls="aircraft",
            )
        )
    c = MapCanvas()
    qtbot.addWidget(c)
    c.resize(800, 600)
    c.show()
    c.set_scene(TrackSet.from_tracks(tracks), None)
    c.set_selected_pair((7, 21))
    c.set_time(T0 + 30.0)
    grab(c)
    placed = c.labels.placed
    names = [n for n, _ in placed]
    assert "CROWD07" in names and "CROWD21" in names
    assert 3 <= len(placed) < 30  # some shown, some hidden
    boxes = [b for n, b in placed if n.startswith("CROWD")]
    for i in range(len(boxes)):
        for j in range(i + 1, len(boxes)):
            assert not boxes[i].intersects(boxes[j])
    heads = c.tracks.heads
    hx, hy = c.labels._to_px(heads._x, heads._y)
    for name, box in placed:
        if name in ("CROWD07", "CROWD21") or not name.startswith("CROWD"):
            continue  # forced labels may have to sit over something
        inner = box.adjusted(2, 2, -2, -2)
        assert not any(inner.contains(QtCore.QPointF(x, y)) for x, y in zip(hx, hy, strict=True))


def test_pair_readout_matches_geodesy(canvas: MapCanvas) -> None:
    canvas.set_selected_pair((0, 1))
    t = T0 + 60.0
    canvas.set_time(t)
    r = canvas.readout
    ts = canvas.scene_data.ts
    la, loa, aa = pos_at(ts, 0, t)
    lb, lob, ab = pos_at(ts, 1, t)
    ecef = Transformer.from_crs("EPSG:4979", "EPSG:4978", always_xy=True)
    pa = np.array(ecef.transform(loa, la, aa))
    pb = np.array(ecef.transform(lob, lb, ab))
    az12, az21, dist = GEOD.inv(loa, la, lob, lb)
    assert r["slant_m"] == pytest.approx(float(np.linalg.norm(pb - pa)), abs=1.0)
    assert r["horizontal_m"] == pytest.approx(dist, abs=1.0)
    assert r["bearing_ab_deg"] == pytest.approx(az12 % 360, abs=0.01)
    assert r["bearing_ba_deg"] == pytest.approx(az21 % 360, abs=0.01)
    # Head-on at 200 m/s each: closing at ~400 m/s (the parallels are not quite geodesics).
    assert r["closure_mps"] == pytest.approx(400.0, rel=0.01)
    grab(canvas)
    assert any("slant" in n for n, _ in canvas.labels.placed)
    canvas.set_units("km")
    grab(canvas)
    assert any(n.endswith("km slant") for n, _ in canvas.labels.placed)
    assert canvas.furniture.scale_text.endswith("km")
    with pytest.raises(ValueError):
        canvas.set_units("miles")


def test_pair_readout_sheds_its_bearings_on_a_small_map(canvas: MapCanvas) -> None:
    """The window's readout has the bearing lines; on a printed map a few inches wide the
    box would cover the map, so only slant, H/V, who is above and closure stay; a
    context map can go without the box."""
    canvas.set_selected_pair((0, 1))
    canvas.set_time(T0 + 60.0)
    grab(canvas)

    def readout_box(c: MapCanvas) -> QtCore.QRectF:
        (box,) = [b for n, b in c.labels.placed if n.endswith("slant")]
        return box

    big = readout_box(canvas)
    canvas.resize(360, 300)
    grab(canvas)
    small = readout_box(canvas)
    lines = canvas.labels.line_h
    # the angles line and the two bearing lines go
    assert big.height() - small.height() == pytest.approx(3 * lines, abs=1.0)
    assert small.width() <= 0.6 * canvas.vb.width()
    canvas.set_readout_shown(False)
    grab(canvas)
    assert not [n for n, _ in canvas.labels.placed if n.endswith("slant")]
    assert canvas.render_image(300, 200) is not None  # the twin copies the choice
    assert not canvas._twin.encounter.show_readout


def _analysis_for(ts: TrackSet):
    """An analysis result for pair (0, 1) built here from a dense geodesic sweep, so the
    overlay test does not depend on the analysis engine."""
    analysis = pytest.importorskip("encounter_replay.analysis")
    import pandas as pd

    tt = np.arange(T0, T0 + 599.0, 0.05)
    sa, sb = ts.track_slice(0), ts.track_slice(1)
    la, loa = np.interp(tt, ts.t[sa], ts.lat[sa]), np.interp(tt, ts.t[sa], ts.lon[sa])
    lb, lob = np.interp(tt, ts.t[sb], ts.lat[sb]), np.interp(tt, ts.t[sb], ts.lon[sb])
    _, _, d = GEOD.inv(loa, la, lob, lb)  # same altitude: horizontal = slant to < 1 m
    i = int(np.argmin(d))

    def interval(mask):
        on = np.flatnonzero(mask)
        return [(float(tt[on[0]]), float(tt[on[-1]]))] if len(on) else []

    row = dict(
        a=0,
        b=1,
        a_id="A",
        b_id="B",
        a_name="VIPER11",
        b_name="BANDIT",
        cpa_time=float(tt[i]),
        cpa_slant_m=float(d[i]),
        cpa_horizontal_m=float(d[i]),
        cpa_vertical_m=0.0,
        closure_mps=400.0,
        min_horizontal_m=float(d[i]),
        min_horizontal_time=float(tt[i]),
        visual_contact=interval(d <= 10 * NM),
        loss_of_separation=interval(d < 5 * NM),
    )
    row["visual_s"] = float(np.diff(row["visual_contact"][0])[0])
    row["los"] = True
    return analysis.AnalysisResult(
        settings=analysis.AnalysisSettings(), pairs=pd.DataFrame([row])
    ), row


def test_analysis_overlay(canvas: MapCanvas) -> None:
    ts = canvas.scene_data.ts
    result, row = _analysis_for(ts)
    canvas.set_analysis(result)
    t_los = float(np.mean(row["loss_of_separation"][0]))
    vc0, los0 = row["visual_contact"][0][0], row["loss_of_separation"][0][0]
    t_vis = 0.5 * (vc0 + los0)
    # During the loss of separation the pair is joined by the red line…
    canvas.set_time(t_los)
    assert len(canvas.encounter.los.xData) == 2
    # …in visual contact but separated, by the amber dashed one…
    canvas.set_time(t_vis)
    assert len(canvas.encounter.contact.xData) == 2 and len(canvas.encounter.los.xData) == 0
    # …and long before, by neither.
    canvas.set_time(T0 + 1.0)
    assert len(canvas.encounter.los.xData) == 0 and len(canvas.encounter.contact.xData) == 0
    # Selected, the pair's own line takes the colour of its state instead.
    canvas.set_selected_pair((0, 1))
    for t, color in ((t_los, "#ff2d55"), (t_vis, "#f59e0b"), (T0 + 1.0, "#ffffff")):
        canvas.set_time(t)
        assert canvas.encounter.pair_line.opts["pen"].color().name() == color
        assert len(canvas.encounter.los.xData) == 0 and len(canvas.encounter.contact.xData) == 0
    # Rings: visual range and separation minimum around both selected aircraft.
    rx, _ = canvas.encounter.rings.getData()
    assert np.isnan(rx).sum() == 2
    # CPA marks sit where the two aircraft were at the CPA time.
    t_cpa = row["cpa_time"]
    xs, ys = canvas.encounter.cpa_marks.getData()
    for i, k in enumerate((0, 1)):
        la, lo, _ = pos_at(ts, k, t_cpa)
        x, y = canvas.scene_data.proj.forward(np.array([la]), np.array([lo]))
        assert math.hypot(xs[i] - x[0], ys[i] - y[0]) < 5.0
    grab(canvas)
    cpa = [n for n, _ in canvas.labels.placed if n.startswith("CPA ")]
    # Head-on through each other: the CPA is a few metres, shown in feet, not "0.0 NM".
    assert row["cpa_slant_m"] < 0.1 * NM
    assert cpa and f"CPA {row['cpa_slant_m'] / 0.3048:,.0f} ft " in cpa[0]


def test_click_selects_track(canvas: MapCanvas, qtbot) -> None:
    t = T0 + 100.0
    canvas.set_time(t)
    grab(canvas)
    la, lo, _ = pos_at(canvas.scene_data.ts, 1, t)
    p = to_px(canvas, la, lo)
    with qtbot.waitSignal(canvas.trackClicked, timeout=1000) as blocker:
        qtbot.mouseClick(canvas.plot_widget.viewport(), QtCore.Qt.MouseButton.LeftButton, pos=p)
    assert blocker.args == [1]


def test_follow_and_zoom_to_pair(canvas: MapCanvas) -> None:
    canvas.set_follow(0)
    t = T0 + 300.0
    canvas.set_time(t)
    la, lo, _ = pos_at(canvas.scene_data.ts, 0, t)
    x, y = canvas.scene_data.proj.forward(np.array([la]), np.array([lo]))
    c = canvas.vb.viewRect().center()
    assert math.hypot(c.x() - x[0], c.y() - y[0]) < 10.0
    canvas.set_follow(None)
    canvas.zoom_to_pair(0, 1, T0 + 50.0)
    r = canvas.vb.viewRect()
    for k in (0, 1):
        la, lo, _ = pos_at(canvas.scene_data.ts, k, T0 + 50.0)
        x, y = canvas.scene_data.proj.forward(np.array([la]), np.array([lo]))
        assert r.contains(QtCore.QPointF(x[0], y[0]))
    assert r.width() < 60 * NM


def test_track_colour_and_visibility(canvas: MapCanvas) -> None:
    t = T0 + 100.0
    canvas.set_time(t)
    la, lo, _ = pos_at(canvas.scene_data.ts, 0, t)
    canvas.set_track_color(0, "#22c55e")
    assert near_color(grab(canvas), to_px(canvas, la, lo), "#22c55e")
    canvas.set_track_visible(0, False)
    assert 0 not in canvas.tracks.head_tracks
    canvas.set_track_visible(0, True)
    assert 0 in canvas.tracks.head_tracks


def test_empty_scene_and_no_analysis(qtbot) -> None:
    c = MapCanvas()
    qtbot.addWidget(c)
    c.set_scene(TrackSet.empty(), None)
    c.set_time(T0)
    img = c.render_image(200, 100)
    assert img.width() == 200
    c.set_scene(make_scene(), None)
    c.set_time(T0 + 10)
    c.set_scene(None, None)
    assert c.frame is None


def test_visual_range_rings_are_geodesic(canvas: MapCanvas) -> None:
    """The ring around a selected aircraft stays 10 NM from it on the ground, frame after
    frame (the ring is cached and shifted between recomputations)."""
    canvas.set_visual_range_m(10 * NM)
    canvas.set_selected_track(0)
    ts = canvas.scene_data.ts
    for t in T0 + np.array([100.0, 100.5, 101.7, 103.0, 110.0]):
        canvas.set_time(float(t))
        rx, ry = canvas.encounter.rings.getData()
        ok = np.isfinite(rx)
        lat, lon = canvas.scene_data.proj.inverse(rx[ok], ry[ok])
        la, lo, _ = pos_at(ts, 0, float(t))
        _, _, d = GEOD.inv(np.full(ok.sum(), lo), np.full(ok.sum(), la), lon, lat)
        np.testing.assert_allclose(d, 10 * NM, rtol=2e-3)


def test_label_figures(canvas: MapCanvas) -> None:
    """Ground speed is derived from positions when the recording has none (200 m/s =
    389 kt); altitude reads as a flight level above 18,000 ft, in feet below."""
    assert np.all(np.isnan(canvas.scene_data.ts.speed))
    canvas.set_time(T0 + 50.0)
    tl = canvas.labels.tracks
    lines = {tl.format(k)[0][0][0]: tl.format(k) for k in tl.track}
    assert [t for t, _ in lines["VIPER11"][1]] == ["FL197", "GS 389 kt"]  # 6,000 m
    assert [t for t, _ in lines["GAP1"][1]] == ["9,800 ft", "GS 292 kt"]  # 3,000 m, 150 m/s
    canvas.set_units("km")
    canvas.set_time(T0 + 50.0)
    tl = canvas.labels.tracks
    assert [t for t, _ in tl.format(0)[1]] == ["6,000 m", "GS 720 km/h"]
