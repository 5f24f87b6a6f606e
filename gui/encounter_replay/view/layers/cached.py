"""An item that keeps what it drew as an image a little larger than the screen, and reuses
it while the view only pans or turns.

The basemap and tile underlay do not change while a replay plays, yet the whole view is
repainted every frame because tracks move over it. Qt's own ``DeviceCoordinateCache``
caches the item's *whole* device-space bounding rectangle, which for a coastline polygon
hundreds of kilometres across at close zoom is a pixmap far beyond what Qt will allocate
(drawing then silently fails: "Paint device returned engine == 0"). This cache holds the
painted device area plus a margin instead.

Following an aircraft pans the view every frame, and the heading-up view also turns it:
re-rasterising coastlines and place names each frame cost ~6 ms of a 10 ms budget. So the
image is drawn once with a margin (a square over the view's diagonal while the view is
turned) and later frames place it with the transform that takes the old view to the new
one — a shift by whole pixels, or a resampled turn. It is drawn afresh when the scale or
the device changes, when the view leaves the margin, when the turn since the last drawing
exceeds :data:`MAX_TURN_DEG` (text drawn into the image, such as place names, stays
upright within that), and once the view has rested after a resampled turn, so a paused
replay is crisp.
"""

from __future__ import annotations

import math

import pyqtgraph as pg
from PySide6 import QtCore, QtGui

#: Margin round the view, as a fraction of its larger side, in the north-up view.
MARGIN = 0.2
#: Extra reach beyond the view's half-diagonal while the view is turned.
TURN_MARGIN = 0.25
#: Largest turn (degrees) shown by resampling the image before it is drawn afresh.
MAX_TURN_DEG = 4.0
#: Rest (ms) after a resampled frame before the image is drawn afresh, crisp.
SETTLE_MS = 250
#: Largest image kept (device pixels, ~80 MB): a 4K screen at 200 % gets smaller margins.
MAX_PIXELS = 20_000_000
#: Resample turned frames bilinearly (True) or by nearest pixel: bilinear costs ~0.9 ms
#: more per 1280×800 frame, and a view in motion is sharpened as soon as it rests.
SMOOTH = False


class ViewCachedItem(pg.GraphicsObject):
    """Subclasses implement :meth:`paint_content` and :meth:`content_rect`; call
    :meth:`content_changed` when what they draw changes. While :meth:`paint_content`
    runs, :attr:`view_rect` is the part of the painter's device the view shows now (the
    rest is margin), for content that budgets what it writes to the visible part."""

    def __init__(self) -> None:
        super().__init__()
        self._image: QtGui.QPixmap | None = None
        self._rect: QtCore.QRectF | None = None
        self._image_from_content = QtGui.QTransform()  # content → image (logical px)
        self._device: tuple[int, int, float] = (0, 0, 0.0)
        self.cache_enabled = True
        self.view_rect = QtCore.QRectF()
        self.renders = 0  # images drawn (tests, benchmarks)
        self._settle = QtCore.QTimer(self)
        self._settle.setSingleShot(True)
        self._settle.setInterval(SETTLE_MS)
        self._settle.timeout.connect(self._sharpen)

    def content_rect(self) -> QtCore.QRectF:  # pragma: no cover - abstract
        raise NotImplementedError

    def paint_content(self, p: QtGui.QPainter) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def backdrop(self) -> str | None:
        """The colour under the item when nothing else is (the sea, for the lowest map
        layer): the image is then opaque and placing it costs less than blending it."""
        return None

    def content_changed(self) -> None:
        self.prepareGeometryChange()
        self._image = None
        self._rect = None
        self.update()

    def boundingRect(self) -> QtCore.QRectF:
        # Asked several times a frame by the scene: kept until the content changes.
        if self._rect is None:
            self._rect = QtCore.QRectF(self.content_rect())
        return self._rect

    def paint(self, p: QtGui.QPainter, *args) -> None:
        if self.boundingRect().isEmpty():
            return
        device = p.device()
        if not self.cache_enabled or device is None:
            self.view_rect = (
                QtCore.QRectF(0, 0, device.width(), device.height()) if device else QtCore.QRectF()
            )
            self.paint_content(p)
            return
        w, h, dpr = device.width(), device.height(), float(device.devicePixelRatioF())
        if w <= 0 or h <= 0:
            return
        tr = p.transform()
        place = self._placement(tr, (w, h, dpr))
        if place is None:
            self._render(tr, w, h, dpr)
            place = self._placement(tr, (w, h, dpr))
            if place is None:  # a degenerate transform: draw directly
                self.paint_content(p)
                return
        p.save()
        p.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing, False)  # no edge blending
        turned = abs(place.m12()) > 1e-9 or abs(place.m21()) > 1e-9
        if turned:
            p.setRenderHint(QtGui.QPainter.RenderHint.SmoothPixmapTransform, SMOOTH)
            p.setTransform(place)
            self._settle.start()
            p.drawPixmap(QtCore.QPointF(0, 0), self._image)
        else:  # a shift by whole device pixels keeps the image sharp; only the part seen
            dx, dy = round(place.dx() * dpr), round(place.dy() * dpr)
            p.resetTransform()
            p.drawPixmap(
                QtCore.QRectF(0, 0, w, h),
                self._image,
                QtCore.QRectF(-dx, -dy, w * dpr, h * dpr),
            )
        p.restore()

    # ------------------------------------------------------------------ the cache
    def _placement(
        self, tr: QtGui.QTransform, device: tuple[int, int, float]
    ) -> QtGui.QTransform | None:
        """Image → device transform for the view ``tr``, or None when the image must be
        drawn afresh (none yet, another device, another scale, too far or too turned)."""
        if self._image is None or device != self._device:
            return None
        inv, ok = self._image_from_content.inverted()
        if not ok:
            return None
        place = inv * tr  # image px → content → device px
        # Same scale: the linear part is a rotation (unit columns, determinant +1).
        if abs(place.m11() * place.m22() - place.m12() * place.m21() - 1.0) > 1e-6:
            return None
        if abs(math.hypot(place.m11(), place.m12()) - 1.0) > 1e-6:
            return None
        if abs(math.degrees(math.atan2(place.m12(), place.m11()))) > MAX_TURN_DEG:
            return None
        back, ok = place.inverted()
        if not ok:
            return None
        w, h, _ = device
        iw, ih = (
            self._image.deviceIndependentSize().width(),
            self._image.deviceIndependentSize().height(),
        )
        for x, y in ((0, 0), (w, 0), (0, h), (w, h)):
            q = back.map(QtCore.QPointF(x, y))
            if not (-0.5 <= q.x() <= iw + 0.5 and -0.5 <= q.y() <= ih + 0.5):
                return None
        return place

    def _render(self, tr: QtGui.QTransform, w: int, h: int, dpr: float) -> None:
        mx, my = self._margins(tr, w, h, dpr)
        # Whole pixels, so the view at the time of drawing is the image's pixels exactly.
        iw, ih = w + 2 * mx, h + 2 * my
        backdrop = self.backdrop()
        opaque = QtGui.QImage.Format.Format_RGB32
        img = QtGui.QImage(
            int(iw * dpr),
            int(ih * dpr),
            opaque if backdrop else QtGui.QImage.Format.Format_ARGB32_Premultiplied,
        )
        img.setDevicePixelRatio(dpr)
        img.fill(QtGui.QColor(backdrop) if backdrop else QtCore.Qt.GlobalColor.transparent)
        to_image = tr * QtGui.QTransform.fromTranslate(mx, my)
        self.view_rect = QtCore.QRectF(mx, my, w, h)
        q = QtGui.QPainter(img)
        q.setTransform(to_image)
        self.paint_content(q)
        q.end()
        self._image, self._image_from_content = QtGui.QPixmap.fromImage(img), to_image
        self._device = (w, h, dpr)
        self.renders += 1

    @staticmethod
    def _margins(tr: QtGui.QTransform, w: int, h: int, dpr: float) -> tuple[int, int]:
        """Margins (logical px) round a ``w`` × ``h`` view: a square over the diagonal when
        the view is turned, a band otherwise; less, down to none, on a screen so large
        that the image would pass :data:`MAX_PIXELS`."""
        turned = abs(tr.m12()) > 1e-12 or abs(tr.m21()) > 1e-12
        if turned:
            options = [math.hypot(w, h) * (1.0 + TURN_MARGIN), math.hypot(w, h)]
            tries = [(math.ceil((s - w) / 2), math.ceil((s - h) / 2)) for s in options]
        else:
            tries = [(math.ceil(MARGIN * max(w, h)),) * 2]
        for mx, my in tries:
            if (w + 2 * mx) * (h + 2 * my) * dpr * dpr <= MAX_PIXELS:
                return mx, my
        return 0, 0  # only the view: reused only while it does not move

    def _sharpen(self) -> None:
        """The view rested after a resampled turn: draw the image afresh, crisp."""
        self._image = None
        self.update()
