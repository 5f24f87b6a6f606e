"""Timeline widget: mapping, zoom, seek and loop gestures, bands and markers as drawn."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PySide6 import QtCore, QtGui

from encounter_replay.view.timeline import COLORS, Timeline, merge_intervals

pytestmark = pytest.mark.gui
T0 = 1_444_000_000.0


def brute_union(rows: list[tuple[float, float]]) -> list[tuple[float, float]]:
    out: list[list[float]] = []
    for a, b in sorted(rows):
        if out and a <= out[-1][1]:
            out[-1][1] = max(out[-1][1], b)
        else:
            out.append([a, b])
    return [tuple(r) for r in out]


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 1000), st.integers(0, 60)).map(lambda p: (p[0], p[0] + p[1])),
        max_size=40,
    )
)
def test_merge_intervals_matches_brute_force(rows):
    got = [tuple(r) for r in merge_intervals(np.array(rows, dtype=float).reshape(-1, 2))]
    assert got == brute_union([(float(a), float(b)) for a, b in rows])


def pairs_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "a": [0, 0],
            "b": [1, 2],
            "a_id": ["1", "1"],
            "b_id": ["2", "3"],
            "a_name": ["VIPER", "VIPER"],
            "b_name": ["FENCER", "TEXACO"],
            "cpa_time": [T0 + 300.0, T0 + 500.0],
            "cpa_slant_m": [185.2, 9000.0],
            "visual_contact": [[(T0 + 250.0, T0 + 350.0)], [(T0 + 330.0, T0 + 400.0)]],
            "loss_of_separation": [[(T0 + 290.0, T0 + 310.0)], []],
        }
    )


@pytest.fixture
def timeline(qtbot) -> Timeline:
    tl = Timeline()
    qtbot.addWidget(tl)
    tl.resize(1090, 100)
    tl.set_span(T0, T0 + 1000)
    tl.show()
    qtbot.waitExposed(tl)
    return tl


def test_time_x_mapping_round_trips_and_clamps(timeline):
    tl = timeline
    for t in (T0, T0 + 123.4, T0 + 1000):
        assert tl.x_to_time(tl.time_to_x(t)) == pytest.approx(t)
    assert tl.time_to_x(T0 + 1000) - tl.time_to_x(T0) == pytest.approx(tl._plot_width())
    assert tl.x_to_time(-50) == T0 and tl.x_to_time(5000) == T0 + 1000


def wheel(tl: Timeline, x: float, notches: int) -> None:
    pos = QtCore.QPointF(x, 30)
    ev = QtGui.QWheelEvent(
        pos,
        QtCore.QPointF(tl.mapToGlobal(pos.toPoint())),
        QtCore.QPoint(0, 0),
        QtCore.QPoint(0, 120 * notches),
        QtCore.Qt.MouseButton.NoButton,
        QtCore.Qt.KeyboardModifier.NoModifier,
        QtCore.Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QtCore.QCoreApplication.sendEvent(tl, ev)


def test_wheel_zooms_around_the_mouse_and_reset(timeline):
    tl = timeline
    x = tl.time_to_x(T0 + 700)
    wheel(tl, x, 2)
    lo, hi = tl.view
    assert hi - lo == pytest.approx(1000 / 1.25**2)
    assert tl.x_to_time(x) == pytest.approx(T0 + 700)  # the time under the mouse stays put
    assert tl.is_zoomed()
    wheel(tl, x, -10)  # zooming out stops at the whole recording
    assert tl.view == (T0, T0 + 1000) and not tl.is_zoomed()
    wheel(tl, x, 3)
    tl.reset_zoom()
    assert tl.view == (T0, T0 + 1000)


def test_zoomed_view_follows_the_clock(timeline):
    tl = timeline
    tl.set_view(T0 + 100, T0 + 200)
    tl.set_time(T0 + 450)
    lo, hi = tl.view
    assert lo <= T0 + 450 <= hi and hi - lo == pytest.approx(100)


def test_click_seeks_and_shift_drag_selects_loop(qtbot, timeline):
    tl = timeline
    seeks, loops = [], []
    tl.seekRequested.connect(seeks.append)
    tl.loopSelected.connect(lambda a, b: loops.append((a, b)))
    x1, x2 = round(tl.time_to_x(T0 + 200)), round(tl.time_to_x(T0 + 600))
    per_px = 1000 / tl._plot_width()
    qtbot.mouseClick(tl, QtCore.Qt.MouseButton.LeftButton, pos=QtCore.QPoint(x1, 20))
    assert seeks and abs(seeks[-1] - (T0 + 200)) <= per_px
    shift = QtCore.Qt.KeyboardModifier.ShiftModifier
    qtbot.mousePress(tl, QtCore.Qt.MouseButton.LeftButton, shift, QtCore.QPoint(x2, 20))
    qtbot.mouseMove(tl, QtCore.QPoint(x1, 20))
    qtbot.mouseRelease(tl, QtCore.Qt.MouseButton.LeftButton, shift, QtCore.QPoint(x1, 20))
    assert len(seeks) == 1  # a loop gesture does not seek
    ((a, b),) = loops
    assert abs(a - (T0 + 200)) <= per_px and abs(b - (T0 + 600)) <= per_px


def test_middle_drag_pans_when_zoomed(qtbot, timeline):
    tl = timeline
    tl.set_view(T0 + 400, T0 + 500)
    mid = QtCore.Qt.MouseButton.MiddleButton
    qtbot.mousePress(tl, mid, pos=QtCore.QPoint(600, 20))
    qtbot.mouseMove(tl, QtCore.QPoint(600 - round(tl._plot_width() / 2), 20))
    qtbot.mouseRelease(tl, mid, pos=QtCore.QPoint(600 - round(tl._plot_width() / 2), 20))
    assert tl.view[0] == pytest.approx(T0 + 450, abs=0.5)


def test_bands_all_pairs_or_selected_pair(timeline):
    tl = timeline
    tl.set_pairs(pairs_frame())
    # nothing selected: the top-ranked pair's bands (the first row), every pair's CPA
    assert tl.visual_bands.tolist() == [[T0 + 250, T0 + 350]]
    assert tl.los_bands.tolist() == [[T0 + 290, T0 + 310]]
    assert [m.kind for m in tl._marks] == ["cpa", "cpa"]
    tl.set_selected_pair((0, 2))  # a pair selected: only its bands and its CPA
    assert tl.visual_bands.tolist() == [[T0 + 330, T0 + 400]]
    assert tl.los_bands.shape == (0, 2)
    assert [m.kind for m in tl._marks] == ["cpa_sel"]
    tl.set_all_pairs(True)  # forced: all pairs, the selected CPA still highlighted
    assert tl.visual_bands.tolist() == [[T0 + 250, T0 + 400]]
    assert sorted(m.kind for m in tl._marks) == ["cpa", "cpa_sel"]


def test_marker_tooltips_name_the_pair_and_event(timeline):
    tl = timeline
    events = pd.DataFrame(
        {
            "time": [T0 + 700.0],
            "kind": ["Destroyed"],
            "ids": [("2",)],
            "text": ["FENCER"],
            "source": ["x"],
        }
    )
    tl.set_scene(["VIPER", "FENCER", "TEXACO"], events)
    tl.set_pairs(pairs_frame())
    cpa = tl.mark_at(tl.time_to_x(T0 + 300) + 2)
    assert cpa is not None and "CPA VIPER – FENCER" in cpa.tooltip and "0.10 NM" in cpa.tooltip
    ev = tl.mark_at(tl.time_to_x(T0 + 700))
    assert ev is not None and ev.kind == "event" and "Destroyed: FENCER" in ev.tooltip
    assert tl.mark_at(tl.time_to_x(T0 + 100)) is None


def test_bands_are_painted_where_they_are(qtbot, timeline):
    tl = timeline
    tl.set_pairs(pairs_frame())
    img = tl.grab().toImage()
    y_vis = int(tl._row_rect(0).center().y())
    y_los = int(tl._row_rect(2).center().y())
    inside, outside = round(tl.time_to_x(T0 + 300)), round(tl.time_to_x(T0 + 100))
    assert QtGui.QColor(img.pixel(inside, y_vis)) == COLORS["visual"]
    assert QtGui.QColor(img.pixel(outside, y_vis)) != COLORS["visual"]
    assert QtGui.QColor(img.pixel(inside + 1, y_los)) == COLORS["los"]
    assert QtGui.QColor(img.pixel(round(tl.time_to_x(T0 + 380)), y_los)) != COLORS["los"]


def test_zoomed_bands_stay_inside_the_plot_area(qtbot, timeline):
    tl = timeline
    tl.set_pairs(pairs_frame())
    tl.set_view(T0 + 280, T0 + 320)  # inside the visual band: it runs past both ends
    img = tl.grab().toImage()
    y = int(tl._row_rect(0).center().y())
    from encounter_replay.view.timeline import LEFT

    assert QtGui.QColor(img.pixel(LEFT + 5, y)) == COLORS["visual"]
    assert QtGui.QColor(img.pixel(LEFT - 5, y)) != COLORS["visual"]
    assert QtGui.QColor(img.pixel(tl.width() - 3, y)) != COLORS["visual"]
