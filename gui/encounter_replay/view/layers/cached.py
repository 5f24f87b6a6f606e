"""An item that keeps what it drew as a screen-sized image until the view moves.

The basemap and tile underlay do not change while a replay plays, yet the whole view is
repainted every frame because tracks move over it. Qt's own ``DeviceCoordinateCache``
caches the item's *whole* device-space bounding rectangle, which for a coastline polygon
hundreds of kilometres across at close zoom is a pixmap far beyond what Qt will allocate
(drawing then silently fails: "Paint device returned engine == 0"). This cache holds
exactly the painted device area instead, and is redrawn when the transform, the device
size or the content changes.
"""

from __future__ import annotations

import pyqtgraph as pg
from PySide6 import QtCore, QtGui


class ViewCachedItem(pg.GraphicsObject):
    """Subclasses implement :meth:`paint_content` and :meth:`content_rect`; call
    :meth:`content_changed` when what they draw changes."""

    def __init__(self) -> None:
        super().__init__()
        self._key: tuple | None = None
        self._image: QtGui.QImage | None = None
        self.cache_enabled = True

    def content_rect(self) -> QtCore.QRectF:  # pragma: no cover - abstract
        raise NotImplementedError

    def paint_content(self, p: QtGui.QPainter) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def content_changed(self) -> None:
        self.prepareGeometryChange()
        self._key = None
        self._image = None
        self.update()

    def boundingRect(self) -> QtCore.QRectF:
        return self.content_rect()

    def paint(self, p: QtGui.QPainter, *args) -> None:
        if self.content_rect().isEmpty():
            return
        device = p.device()
        if not self.cache_enabled or device is None:
            self.paint_content(p)
            return
        tr = p.transform()
        dpr = float(device.devicePixelRatioF())
        w, h = int(device.width() * dpr), int(device.height() * dpr)
        if w <= 0 or h <= 0:
            return
        key = (tr.m11(), tr.m12(), tr.m21(), tr.m22(), tr.m31(), tr.m32(), w, h, dpr)
        if key != self._key or self._image is None:
            img = QtGui.QImage(w, h, QtGui.QImage.Format.Format_ARGB32_Premultiplied)
            img.setDevicePixelRatio(dpr)
            img.fill(QtCore.Qt.GlobalColor.transparent)
            q = QtGui.QPainter(img)
            q.setTransform(tr)
            self.paint_content(q)
            q.end()
            self._image, self._key = img, key
        p.save()
        p.resetTransform()
        p.drawImage(QtCore.QPointF(0, 0), self._image)
        p.restore()
