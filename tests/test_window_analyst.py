"""The analyst's window (issue 12): who is who, the Tote, framing, events and notes, places.

Real widgets driven with pytest-qt on the synthetic scene of :mod:`gui_scene` (answers
known without the analysis code) and, where they exist, the real recordings.
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
import pytest
from pyproj import Geod, Transformer
from PySide6 import QtCore, QtWidgets

import gui_scene
from encounter_replay.analysis import analyze
from encounter_replay.io import ReadOptions
from encounter_replay.model import TrackSet
from encounter_replay.model.units import FT, NM, speed_value
from encounter_replay.view.main_window import MainWindow
from encounter_replay.view.map_canvas import MapCanvas

pytestmark = pytest.mark.gui
T0 = gui_scene.T0


@pytest.fixture(scope="module")
def scene():
    ts = gui_scene.trackset()
    return ts, analyze(ts)


@pytest.fixture
def window(qtbot, tmp_path, scene, monkeypatch):
    monkeypatch.setattr(QtWidgets.QMessageBox, "critical", staticmethod(lambda *a, **k: None))
    settings = QtCore.QSettings(str(tmp_path / "s.ini"), QtCore.QSettings.Format.IniFormat)
    w = MainWindow(ReadOptions(), settings=settings)
    qtbot.addWidget(w)
    w.resize(1400, 900)
    w.show()
    qtbot.waitExposed(w)
    ts, result = scene
    w.set_scene(ts, result, ["scene.csv"])
    return w


def test_names_types_and_shades(window):
    """Labels, track list and table name what and who; types read as words; two aircraft
    of one side get two colours."""
    names = window.track_names()
    assert names[:3] == ["F-16C · VIPER 1", "Su-24M · FENCER 1", "KC-135 · TEXACO"]
    assert window.canvas.scene_data.labels[:3] == names[:3]
    colors = window.canvas.scene_data.base_colors
    assert colors[0] != colors[2]  # VIPER 1 and TEXACO, both blue
    window.controller.seek(T0 + 100)
    shown = {t for t, _ in window.canvas.labels.placed}
    assert any("F-16C · VIPER 1" in t for t in shown), shown


def test_opens_at_first_aircraft():
    ts = TrackSet.from_tracks(
        [
            dict(t=[T0, T0 + 50], lat=[35.0, 35.0], lon=[36.0, 36.0], id="1", name="Bullseye",
                 type="Navaid+Static+Bullseye", cls="reference"),
            dict(t=[T0 + 30, T0 + 40], lat=[35.0, 35.1], lon=[36.0, 36.0], id="2",
                 name="F-15E", callsign="Пилот #2", cls="aircraft"),
        ]
    )  # fmt: skip
    from encounter_replay.model.framing import first_aircraft_time

    assert first_aircraft_time(ts) == T0 + 30


def test_group_label_for_overlapping_aircraft(qtbot):
    """Two aircraft 60 m apart seen from 40 NM: one label says "+1"; zoomed in, two."""
    t = np.arange(0.0, 60.0)
    ts = TrackSet.from_tracks(
        [
            dict(t=T0 + t, lat=np.full(60, 35.0), lon=36.0 + t * 1e-4, alt=np.full(60, 5000.0),
                 id="1", name="Su-30SM", callsign="SOKOL 01", cls="aircraft", coalition="Red"),
            dict(t=T0 + t, lat=np.full(60, 35.0005), lon=36.0 + t * 1e-4, alt=np.full(60, 5000.0),
                 id="2", name="Su-30SM", callsign="SOKOL 02", cls="aircraft", coalition="Red"),
            dict(t=T0 + t, lat=np.full(60, 35.4), lon=np.full(60, 36.3), alt=np.full(60, 5000.0),
                 id="3", name="F-16C", callsign="VIPER", cls="aircraft", coalition="Blue"),
        ]
    )  # fmt: skip
    c = MapCanvas()
    qtbot.addWidget(c)
    c.resize(800, 600)
    c.show()
    qtbot.waitExposed(c)
    c.set_scene(ts)
    c.set_time(T0 + 30)
    c.grab()
    heads = [t for t, _ in c.labels.placed]
    assert any(h.endswith(" +1") and "SOKOL 0" in h for h in heads), heads
    # hovering the crowded spot lists both
    tip = c.group_tooltip(1)
    assert "SOKOL 01" in tip and "SOKOL 02" in tip
    pt = c.plot_widget.mapFromScene(c.vb.mapViewToScene(QtCore.QPointF(c.frame.x[0], c.frame.y[0])))
    c._mouse_moved(c.plot_widget.mapToScene(pt))
    assert "SOKOL 02" in c.plot_widget.toolTip()
    x, y = c.frame.x[:2].mean(), c.frame.y[:2].mean()
    c.set_view_rect(x - 150, x + 150, y - 150, y + 150)
    c.set_time(T0 + 30)
    c.grab()
    heads = [t for t, _ in c.labels.placed]
    assert sum("SOKOL" in h for h in heads) == 2 and not any("+1" in h for h in heads), heads


def _ecef(lat, lon, alt):
    tr = Transformer.from_crs("EPSG:4979", "EPSG:4978", always_xy=True)
    return np.array(tr.transform(lon, lat, alt))


def test_tote_live_sortable_and_selects_pair(qtbot, window):
    """Tote figures against pyproj; the table follows the clock; a row selects the pair."""
    tote = window.tote
    tote.set_primary(0)
    t = T0 + 250.0
    window.controller.seek(t)
    assert tote.tote is not None and tote.tote.time == t
    m = tote.model
    rows = {m.target(r): r for r in range(m.rowCount())}
    assert 1 in rows and 2 in rows and 0 not in rows
    # independent: the jets are on one parallel, 0.8 - 2*RATE*250 deg apart
    lon_a = gui_scene.LON0 - 0.4 + 250 * gui_scene.RATE
    lon_b = gui_scene.LON0 + 0.4 - 250 * gui_scene.RATE
    lat = gui_scene.LAT0
    slant = np.linalg.norm(_ecef(lat, lon_a, 6000.0) - _ecef(lat, lon_b, 6100.0))
    _, _, horiz = Geod(ellps="WGS84").inv(lon_a, lat, lon_b, lat)
    i = int(np.flatnonzero(tote.tote.target == 1)[0])
    assert tote.tote.slant_m[i] == pytest.approx(slant, rel=1e-6)
    assert tote.tote.horizontal_m[i] == pytest.approx(horiz, rel=1e-6)
    assert tote.tote.vertical_m[i] == pytest.approx(100.0)
    assert tote.tote.aspect_deg[i] == pytest.approx(180.0, abs=1.0)  # head-on
    assert m.data(m.index(rows[1], 3)).endswith("above")
    # τmod = (r² − DTHR²) / (r · closure) head-on (DO-365), DTHR 4,000 ft; only < 10 NM
    speed = gui_scene.RATE * np.radians(1.0) * 6_371_000 * np.cos(np.radians(lat))
    dthr = 4000 * FT
    expected = (horiz**2 - dthr**2) / (horiz * 2 * speed)
    assert tote.tote.tau_mod_s[i] == pytest.approx(expected, rel=0.01)
    assert np.isnan(tote.tote.tau_mod_s[int(np.flatnonzero(tote.tote.target == 2)[0])])
    # live: the range shrinks as the clock runs towards the CPA
    before = tote.tote.slant_m[i]
    window.controller.seek(t + 20)
    assert tote.tote.slant_m[i] < before
    # sortable: by slant, the closest object first
    tote.view.sortByColumn(1, QtCore.Qt.SortOrder.AscendingOrder)
    first = tote.proxy.mapToSource(tote.proxy.index(0, 0)).row()
    slants = tote.tote.slant_m[m.rows]
    assert m.rows[first] == m.rows[np.nanargmin(slants)]
    # a row selects that pair
    proxy_row = tote.proxy.mapFromSource(m.index(rows[2], 0)).row()
    rect = tote.view.visualRect(tote.proxy.index(proxy_row, 0))
    qtbot.mouseClick(tote.view.viewport(), QtCore.Qt.MouseButton.LeftButton, pos=rect.center())
    assert window.state.pair == (0, 2)


def test_map_click_then_ctrl_click_picks_a_pair(qtbot, window):
    c = window.canvas
    window.controller.seek(T0 + 100)
    window.controller.update(view="all")

    def click(k, mods=QtCore.Qt.KeyboardModifier.NoModifier):
        scene_pt = c.vb.mapViewToScene(QtCore.QPointF(c.frame.x[k], c.frame.y[k]))
        pt = c.plot_widget.mapFromScene(scene_pt)
        qtbot.mouseClick(c.plot_widget.viewport(), QtCore.Qt.MouseButton.LeftButton, mods, pt)

    click(2)
    assert window.state.selected_track == 2
    click(1, QtCore.Qt.KeyboardModifier.ControlModifier)
    assert window.state.pair == (1, 2)


def test_select_pair_frames_its_cpa(window, scene):
    _, result = scene
    row = result.pairs.iloc[0]
    a, b = int(row.a), int(row.b)
    window.select_pair(a, b)
    assert window.state.time == pytest.approx(float(row.cpa_time))
    x0, x1, y0, y1 = window.canvas.view_rect()
    fx, fy = window.canvas.frame.x[[a, b]], window.canvas.frame.y[[a, b]]
    assert np.all((fx > x0) & (fx < x1) & (fy > y0) & (fy < y1))
    assert x1 - x0 < 20 * NM  # zoomed in, not the whole recording
    assert math.isfinite(window.state.time)


def test_events_markers_dock_and_timeline(qtbot, window):
    """The missile's appearance is a derived launch by VIPER 1: a marker on the map once it
    happened, a row in the events dock whose click seeks there, a tick on the timeline."""
    ev = window.events
    launch = ev[ev["kind"].str.lower() == "launch"]
    assert len(launch) == 1 and int(launch["other"].iloc[0]) == 0
    t_launch = float(launch["time"].iloc[0])
    i = int(launch.index[0])
    window.controller.seek(t_launch - 5)
    assert i not in window.canvas.events.shown
    window.controller.seek(t_launch + 2)
    assert i in window.canvas.events.shown
    x, y = window.canvas.events.item.getData()
    lat, lon = float(launch["lat"].iloc[0]), float(launch["lon"].iloc[0])
    ex, ey = window.canvas.scene_data.proj.forward(np.array([lat]), np.array([lon]))
    assert np.any(np.hypot(x - ex[0], y - ey[0]) < 1.0)
    panel = window.events_panel
    assert panel.rowCount() == len(ev)
    assert "VIPER 1" in panel.item(i, 2).text()
    window.controller.seek(T0)
    rect = panel.visualItemRect(panel.item(i, 0))
    qtbot.mouseClick(panel.viewport(), QtCore.Qt.MouseButton.LeftButton, pos=rect.center())
    assert window.state.time == pytest.approx(t_launch)
    assert t_launch in window.controller.marks


def test_notes_dock_map_session_and_png(qtbot, window, tmp_path):
    """A note is listed, drawn on the map at its time, edited and deleted in the dock,
    survives a session round trip and appears in a PNG export of the map."""
    from encounter_replay.export.image import render_snapshot

    window.controller.select_track(0)
    window.controller.seek(T0 + 120)
    window.add_annotation("Tally two bandits")
    panel = window.notes_panel
    assert panel.list.count() == 1 and panel.list.item(0).text() == "Tally two bandits"
    window.canvas.grab()
    assert any("Tally two bandits" in t for t, _ in window.canvas.labels.placed)
    panel.list.item(0).setText("Tally one bandit")  # edited in place
    assert window.annotations[0].text == "Tally one bandit"
    session = window.current_session()
    assert [a.text for a in session.annotations] == ["Tally one bandit"]
    image = render_snapshot(window.canvas, 640, 400)
    window.canvas._twin.grab()
    assert any("Tally one bandit" in t for t, _ in window.canvas._twin.labels.placed)
    assert image.width() == 640
    window.controller.seek(T0 + 400)  # far from the note: not on the map
    window.canvas.grab()
    assert not any("Tally" in t for t, _ in window.canvas.labels.placed)
    panel.list.setCurrentRow(0)
    panel.delete_button.click()
    assert window.annotations == [] and panel.list.count() == 0
    window.set_annotations(session.annotations)  # what opening the session does
    assert panel.list.count() == 1


def test_places_by_zoom_and_basemap_menu(qtbot):
    """Around Paris: CDG's ICAO code and Paris drawn; a small field's code only close in;
    the Basemap menu turns airfields off."""
    t = np.arange(0.0, 120.0)
    ts = TrackSet.from_tracks(
        [dict(t=T0 + t, lat=49.0 + t * 1e-3, lon=np.full(120, 2.55), alt=np.full(120, 900.0),
              id="39c4d2", callsign="AFR12", type="A320", cls="aircraft")]
    )  # fmt: skip
    c = MapCanvas()
    qtbot.addWidget(c)
    c.resize(900, 700)
    c.show()
    qtbot.waitExposed(c)
    c.set_scene(ts)
    c.set_view_rect(-60_000, 60_000, -60_000, 60_000)
    c.set_time(T0)
    c.grab()
    drawn = c.places.item.drawn
    assert "LFPG" in drawn and "Paris" in drawn, drawn
    wide = set(drawn)
    c.set_view_rect(-800_000, 800_000, -800_000, 800_000)
    c.grab()
    assert "LFPG" in c.places.item.drawn
    assert len(set(c.places.item.drawn) & wide) < len(wide)  # small fields left out far out


def test_window_basemap_menu_and_tiles_option(window, tmp_path, monkeypatch):
    shown = []
    monkeypatch.setattr(
        QtWidgets.QMessageBox, "critical", staticmethod(lambda *a, **k: shown.append(a[2]))
    )
    menu = window.basemap_menu
    menu.airfields.setChecked(False)
    assert not window.canvas.places.item.show_airfields
    menu.fit_all.setChecked(True)
    wide = window.canvas.view_rect()
    menu.fit_all.setChecked(False)
    narrow = window.canvas.view_rect()
    assert wide[1] - wide[0] >= narrow[1] - narrow[0]
    bad = tmp_path / "x.mbtiles"
    bad.write_text("not tiles")
    assert not menu.load_tiles(str(bad)) and "x.mbtiles" in shown[0]
    from encounter_replay.cli.window import run_window

    with pytest.raises(SystemExit):
        run_window(["--tiles", str(tmp_path / "missing.pmtiles")])


def test_reverse_play_step_sizes_and_clock(qtbot, window):
    c = window.controller
    assert window.clock.elapsed_label.text() != "T+--:--"
    c.seek(T0 + 100)
    c.play_reverse()
    assert window.clock.speed_label.text().startswith("◀")
    qtbot.waitUntil(lambda: c.time < T0 + 99.9, timeout=3000)
    c.pause()
    assert not c.playing
    steps = {a.data(): a for a in window.menus.step_group.actions()}
    assert set(steps) == {0.1, 1.0, 10.0, 0.0}
    for size, expected in ((0.1, 0.1), (10.0, 10.0)):
        steps[size].trigger()  # Playback ▸ Step size
        t = c.time
        window.commands.fwd.trigger()
        assert c.time - t == pytest.approx(expected)
    c.set_step(0.0)  # next sample: the scene samples every second on the second
    c.seek(T0 + 50.3)
    window.commands.fwd.trigger()
    assert c.time == pytest.approx(T0 + 51.0)
    window.commands.back.trigger()
    assert c.time == pytest.approx(T0 + 50.0)


def test_edge_arrow_readout_angles_and_furniture(qtbot, window, scene):
    """Pan the pair off-screen: an arrow at the border points to it; the readout gives
    who is above and the Tote's angles; it never covers the scale bar."""
    _, result = scene
    row = result.pairs.iloc[0]
    a, b = int(row.a), int(row.b)
    window.select_pair(a, b)
    c = window.canvas
    c.grab()
    assert c.edge_arrow.tip is None
    r = c.readout
    assert {"ata_deg", "aspect_deg", "hca_deg"} <= set(r)
    texts = [t for t, _ in c.labels.placed]
    x0, x1, y0, y1 = c.view_rect()
    w = x1 - x0
    c.set_view_rect(x0 + 5 * w, x1 + 5 * w, y0, y1)  # the pair is now far to the west
    c.set_time(window.state.time)
    c.grab()
    tip = c.edge_arrow.tip
    assert tip is not None and tip.x() < c.vb.boundingRect().width() * 0.1
    assert texts
    for t, box in c.labels.placed:
        hit = [k for k in c.furniture.keep_out() if box.intersects(k)]
        assert not hit, (t, box, hit, c.labels.keep_out)


def test_separation_plot_log_axis_and_map_legend(qtbot, window, scene):
    _, result = scene
    row = result.pairs.iloc[0]
    window.select_pair(int(row.a), int(row.b))
    plots = window.plots
    assert plots.log_y and plots.sep_plot.getAxis("left").logMode
    assert plots.hsep_line.value() == pytest.approx(math.log10(result.settings.hsep_m / NM))
    assert plots.horiz_curve.opts["pen"].style() != plots.slant_curve.opts["pen"].style()
    # The key is in the header, in the plots' colours; nothing inside the plots covers
    # curves, and the two threshold labels never overlap.
    header = plots.message.text()
    assert window.track_names()[int(row.a)] in header and "slant" in plots.key.text()
    assert plots.key.isVisibleTo(plots)
    assert not [i for i in plots.glw.scene().items() if isinstance(i, pg.LegendItem)]
    plots.glw.resize(500, 320)
    plots.glw.grab()
    vis, hsep = plots.visual_line.label, plots.hsep_line.label
    assert vis.sceneBoundingRect().width() > 20 and hsep.sceneBoundingRect().width() > 20
    assert not vis.sceneBoundingRect().intersects(hsep.sceneBoundingRect())
    # Log ticks on 1-2-5 steps (decades in a short plot), never piled up.
    major, _minor = plots.sep_plot.getAxis("left")._tickLevels
    room = plots.sep_plot.getViewBox().height() / 18
    assert 1 <= len(major) <= max(room, 2)
    for v, text in major:
        mantissa = 10.0**v / 10.0 ** np.floor(v + 1e-9)
        assert round(mantissa, 6) in (1.0, 2.0, 5.0) and float(text) == pytest.approx(10.0**v)
    # A threshold off the plot's range shows no label (not one stranded at the edge).
    plots.sep_plot.setYRange(-1.5, -1.0, padding=0)
    assert not vis.isVisible() and not hsep.isVisible()
    plots.log_box.setChecked(False)
    assert plots.hsep_line.value() == pytest.approx(result.settings.hsep_m / NM)
    c = window.canvas
    assert not c.legend.isVisible()
    window.basemap_menu.legend.trigger()
    assert c.legend.isVisible() and c.legend.keep_out()
    c.set_time(window.state.time)
    c.grab()
    legend = c.legend.rect()
    assert not any(box.intersects(legend) for _t, box in c.labels.placed)


def test_heading_up_turns_the_map_about_the_primary(qtbot, window):
    """VIPER 1 flies east with FENCER 1 ahead on the same parallel: heading-up puts FENCER
    straight above VIPER on the screen (north-up: to its right); labels stay upright and
    the rings are round about the primary."""
    c = window.canvas
    window.controller.select_track(0)
    window.controller.seek(T0 + 200)
    c.grab()
    px, py = c.labels._to_px(c.frame.x[:2], c.frame.y[:2])
    assert px[1] - px[0] > 50 and abs(py[1] - py[0]) < 5  # north-up: east is right
    window.set_heading_up(True)
    window.controller.seek(T0 + 201)
    c.grab()
    assert c.heading_up and c.relative.angle_deg == pytest.approx(c.frame.angle[0], abs=1e-6)
    px, py = c.labels._to_px(c.frame.x[:2], c.frame.y[:2])
    assert abs(px[1] - px[0]) < 3 and py[0] - py[1] > 50  # nose up: ahead is up
    r = c.vb.boundingRect()
    assert abs(px[0] - r.center().x()) < 3 and abs(py[0] - r.center().y()) < 3  # centred
    assert c.relative.rings.isVisible() and c.relative.ring_step_m > 0
    # The rings' own frame sits on the primary with its nose up: centre on VIPER, the
    # first ring's label and the 12 o'clock bearing line straight above it.
    rings, labels = c.relative.rings, c.labels
    centre = rings.mapToItem(labels, QtCore.QPointF(0, 0))
    assert abs(centre.x() - px[0]) < 1 and abs(centre.y() - py[0]) < 1
    first = c.relative.ring_labels[0]
    up = first.mapToItem(labels, QtCore.QPointF(0, 0))
    assert abs(up.x() - px[0]) < 2 and up.y() < py[0] - 10
    sx, sy = c.relative.spokes.getData()
    nose = c.relative.spokes.mapToItem(labels, QtCore.QPointF(sx[1], sy[1]))
    assert abs(nose.x() - px[0]) < 2 and nose.y() < py[0] - 10
    assert any("FENCER 1" in t for t, _ in c.labels.placed)
    # a click on FENCER's symbol on the turned map still finds FENCER
    pt = c.plot_widget.mapFromScene(c.vb.mapToScene(QtCore.QPointF(px[1], py[1])))
    qtbot.mouseClick(c.plot_widget.viewport(), QtCore.Qt.MouseButton.LeftButton, pos=pt)
    assert window.state.selected_track == 1
    window.set_heading_up(False)
    assert c.relative.transform.isIdentity()


def test_well_clear_band_ring_tau_and_column(window, scene):
    """The head-on jets (100 m apart vertically) lose DAA well clear before they meet: the
    timeline and the separation plot shade it, the map rings DTHR round them, the readout
    gives τmod and the table says LOST."""
    _, result = scene
    pairs = result.pairs
    row = pairs[(pairs["a"] == 0) & (pairs["b"] == 1)].iloc[0]
    spans = row.well_clear_violation
    assert len(spans)
    window.select_pair(0, 1)
    assert len(window.timeline.well_clear_bands) and window.plots.wc_regions
    t0, t1 = spans[0]
    window.controller.seek(t0 + 0.4 * (t1 - t0))
    enc = window.canvas.encounter
    assert enc.well_clear_lost and len(enc.dthr_rings.getData()[0])
    assert math.isfinite(window.canvas.readout["tau_mod_s"])
    window.controller.seek(T0 + 5)
    x, _ = enc.dthr_rings.getData()
    assert not enc.well_clear_lost and (x is None or len(x) == 0)
    m = window.encounters.model
    col = [m.headerData(c, QtCore.Qt.Orientation.Horizontal) for c in range(m.columnCount())]
    wc = col.index("Well\nclear")
    texts = [m.data(m.index(r, wc)) for r in range(m.rowCount())]
    assert any(t.startswith(("LOST", "NMAC")) for t in texts)


def test_fit_ignores_far_objects_and_refits_on_resize(qtbot):
    """A bullseye 300 km away and a far A-10C stay out of the fit (unless asked); the fit
    follows the window's size until the user zooms."""
    t = np.arange(0.0, 60.0)
    ts = TrackSet.from_tracks(
        [
            dict(t=T0 + t, lat=np.full(60, 42.5), lon=41.7 + t * 1e-4, alt=np.full(60, 2000.0),
                 id="1", name="F-15E", callsign="Пилот #2", type="Air+FixedWing", cls="aircraft"),
            dict(t=T0 + t, lat=np.full(60, 42.51), lon=41.7 + t * 1e-4, alt=np.full(60, 2000.0),
                 id="2", name="M-2000C", type="Air+FixedWing", cls="aircraft"),
            dict(t=T0 + t, lat=np.full(60, 43.6), lon=np.full(60, 42.6), alt=np.full(60, 3000.0),
                 id="3", name="A-10C", type="Air+FixedWing", cls="aircraft"),
            dict(t=[T0], lat=[45.0], lon=[44.0], id="4", type="Navaid+Static+Bullseye",
                 cls="reference"),
        ]
    )  # fmt: skip
    c = MapCanvas()
    qtbot.addWidget(c)
    c.resize(800, 600)
    c.show()
    qtbot.waitExposed(c)
    c.set_scene(ts)
    x0, x1, _, _ = c.view_rect()
    assert x1 - x0 < 60_000  # the dogfight, not 300 km of empty map
    c.set_fit_all(True)
    a0, a1, _, _ = c.view_rect()
    assert a1 - a0 > 200_000
    c.set_fit_all(False)
    before = c.view_rect()
    c.resize(500, 600)
    qtbot.wait(50)
    assert c.view_rect() != before and c.auto_fit  # refitted to the new shape
    c.vb.scaleBy((0.5, 0.5))
    c.vb.sigRangeChangedManually.emit([True, True])  # what a wheel zoom emits
    zoomed = c.view_rect()
    c.resize(700, 600)
    qtbot.wait(50)
    assert not c.auto_fit
    w0 = zoomed[1] - zoomed[0]
    assert c.view_rect()[1] - c.view_rect()[0] <= w0 * 1.5  # not refitted to everything


def test_lower_plot_shows_speed_vertical_rate_heading_bearing(window):
    """VIPER 1 flies due east at RATE° of longitude a second; FENCER 1 is due east of it."""
    window.select_pair(0, 1)
    plots = window.plots
    knots = speed_value(250.0, "nm")  # the recorded ground speed, in the plot's units
    for what, check in (
        ("ground speed", lambda y: np.nanmedian(y[0]) == pytest.approx(knots, rel=0.01)),
        ("vertical rate", lambda y: np.nanmax(np.abs(y[0])) < 1e-6),
        ("heading", lambda y: np.nanmedian(y[0]) == pytest.approx(90.0, abs=0.5)),
        ("bearing", lambda y: np.nanmedian(y[0]) == pytest.approx(90.0, abs=0.5)),
    ):
        plots.quantity_box.setCurrentIndex(plots.quantity_box.findData(what))
        ys = [c.getData()[1] for c in plots.alt_curves]
        assert ys and check(ys), what


def test_extra_plots_watched_together(window):
    """Ground speed and bearing in plots of their own, under altitude, on one time axis
    with one cursor each; unticked, the plot goes and the rest close up."""
    window.select_pair(0, 1)
    plots = window.plots
    plots.extra_actions["ground speed"].trigger()
    plots.extra_actions["bearing"].trigger()
    assert list(plots.extra) == ["ground speed", "bearing"]
    speed = plots._extra_curves["ground speed"]
    assert len(speed) == 2
    assert np.nanmedian(speed[0].getData()[1]) == pytest.approx(speed_value(250.0, "nm"), rel=0.01)
    (brg,) = plots._extra_curves["bearing"]
    assert np.nanmedian(brg.getData()[1]) == pytest.approx(90.0, abs=0.5)
    assert plots.quantity == "altitude" and plots.alt_curves  # the lower plot unchanged
    for plot in plots.extra.values():  # one time axis
        assert plot.getViewBox().linkedView(pg.ViewBox.XAxis) is plots.sep_plot.getViewBox()
    window.controller.seek(T0 + 123.0)
    plots._apply_cursor()
    assert len(plots.cursors) == 4 and all(c.value() == T0 + 123.0 for c in plots.cursors)
    plots.extra_actions["ground speed"].trigger()
    assert list(plots.extra) == ["bearing"] and len(plots.cursors) == 3
    assert plots.glw.ci.getItem(2, 0) is plots.extra["bearing"]
