"""The view cache under the basemap: reused while the view pans or turns a little, drawn
afresh when the scale changes, the view leaves the margin or turns too far, and once the
view rests after a turn. Each reuse is compared with a fresh drawing of the same view."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6 import QtCore, QtGui

from encounter_replay.view.layers import cached
from encounter_replay.view.layers.cached import ViewCachedItem

pytestmark = pytest.mark.gui


class Pattern(ViewCachedItem):
    """Filled squares and diagonal lines over 0..1000 in data units: edges everywhere."""

    def content_rect(self) -> QtCore.QRectF:
        return QtCore.QRectF(-200, -200, 1400, 1400)

    def paint_content(self, p: QtGui.QPainter) -> None:
        p.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing)
        p.setPen(QtGui.QPen(QtGui.QColor(240, 240, 240), 0))
        for i in range(0, 1000, 50):
            p.fillRect(QtCore.QRectF(i, (i * 7) % 1000, 30, 30), QtGui.QColor(90, 160, 60))
            p.drawLine(QtCore.QPointF(i, 0), QtCore.QPointF(1000 - i, 1000))


@pytest.fixture
def view(qtbot):
    w = pg.PlotWidget()
    w.hideAxis("left")
    w.hideAxis("bottom")
    w.setBackground("k")
    w.resize(400, 300)
    qtbot.addWidget(w)
    vb = w.getPlotItem().getViewBox()
    vb.setAspectLocked(True)
    rotor = pg.ItemGroup()
    rotor.setParentItem(vb.childGroup)
    item = Pattern()
    item.setParentItem(rotor)
    w.show()
    vb.setRange(xRange=(300, 700), yRange=(350, 650), padding=0)
    qtbot.waitExposed(w)
    return w, vb, rotor, item


def grab(w: pg.PlotWidget) -> np.ndarray:
    img = w.viewport().grab().toImage().convertToFormat(QtGui.QImage.Format.Format_RGB32)
    a = np.frombuffer(img.constBits(), np.uint8).reshape(img.height(), img.bytesPerLine())
    return a[:, : 4 * img.width()].reshape(img.height(), img.width(), 4)[..., :3].astype(int)


def fresh(w: pg.PlotWidget, item: Pattern) -> np.ndarray:
    item.cache_enabled = False
    try:
        return grab(w)
    finally:
        item.cache_enabled = True


def close(a: np.ndarray, b: np.ndarray, mean: float, share: float) -> bool:
    """Mean difference under ``mean`` levels, and under ``share`` of pixels differ by more
    than 60 levels (antialiased edges land a fraction of a pixel apart)."""
    d = np.abs(a - b).max(axis=2)
    return float(d.mean()) < mean and float((d > 60).mean()) < share


def test_pan_reuses_the_image_and_matches_a_fresh_drawing(view) -> None:
    w, vb, _rotor, item = view
    grab(w)
    n = item.renders
    px, py = vb.viewPixelSize()
    vb.translateBy(x=13 * px, y=-8 * py)  # whole pixels, well inside the margin
    moved = grab(w)
    assert item.renders == n
    assert close(moved, fresh(w, item), mean=0.5, share=0.002)
    before = moved
    vb.translateBy(x=0.4 * px, y=0.3 * py)  # less than half a pixel: the same image
    moved = grab(w)
    assert item.renders == n
    assert np.array_equal(moved, before)
    # The unchanged view is the very image drawn, not a resampled one.
    assert np.array_equal(grab(w), moved)


def test_zoom_and_leaving_the_margin_draw_afresh(view) -> None:
    w, vb, _rotor, item = view
    grab(w)
    n = item.renders
    vb.scaleBy((0.8, 0.8))
    grab(w)
    assert item.renders == n + 1
    vb.translateBy(x=300.0)  # most of a view width: beyond the margin
    assert close(grab(w), fresh(w, item), mean=1.5, share=0.01)
    assert item.renders == n + 2


def test_small_turn_is_resampled_then_sharpened(view, qtbot) -> None:
    w, _vb, rotor, item = view
    turn = QtGui.QTransform().translate(500, 500).rotate(2.0).translate(-500, -500)
    rotor.setTransform(turn)
    grab(w)  # first turned view: drawn afresh for a turned view (square margin)
    n = item.renders
    turn = QtGui.QTransform().translate(500, 500).rotate(3.5).translate(-500, -500)
    rotor.setTransform(turn)
    turned = grab(w)
    assert item.renders == n  # 1.5° more: resampled
    assert close(turned, fresh(w, item), mean=8.0, share=0.05)  # a 1.5° error: 20, 0.14
    qtbot.waitUntil(lambda: item.renders == n + 1, timeout=3 * cached.SETTLE_MS + 1000)
    assert close(grab(w), fresh(w, item), mean=0.5, share=0.002)  # crisp again


def test_large_turn_draws_afresh(view) -> None:
    w, _vb, rotor, item = view
    grab(w)
    n = item.renders
    turn = (
        QtGui.QTransform().translate(500, 500).rotate(cached.MAX_TURN_DEG + 6).translate(-500, -500)
    )
    rotor.setTransform(turn)
    grab(w)
    assert item.renders == n + 1


def test_content_change_draws_afresh(view) -> None:
    w, _vb, _rotor, item = view
    grab(w)
    n = item.renders
    item.content_changed()
    grab(w)
    assert item.renders == n + 1


def test_margins_shrink_on_a_huge_screen():
    """A 1920×1080 view at 200 %: the turned square loses its extra reach, then the
    image stays under the pixel cap; a small view keeps its margins."""
    turn = QtGui.QTransform().rotate(10.0)
    flat = QtGui.QTransform()
    mx, my = ViewCachedItem._margins(turn, 1280, 800, 1.0)
    assert (1280 + 2 * mx) ** 2 >= 1.25**2 * (1280**2 + 800**2) - 1e4
    for tr in (turn, flat):
        mx, my = ViewCachedItem._margins(tr, 1920, 1080, 2.0)
        assert (1920 + 2 * mx) * (1080 + 2 * my) * 4 <= cached.MAX_PIXELS
    mx, my = ViewCachedItem._margins(turn, 1920, 1080, 2.0)
    assert (1920 + 2 * mx) ** 2 >= 1920**2 + 1080**2  # still covers any turn
    assert ViewCachedItem._margins(flat, 4000, 3000, 2.0) == (0, 0)
