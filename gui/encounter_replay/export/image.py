"""Pictures of the map: PNG at any size, SVG as vectors, the whole window, the clipboard.

Every picture is made by :func:`render_snapshot` from a MapCanvas in its current state, so
the window's File ▸ Export, the CLI's ``snapshot`` and the frames of a video are the same
pixels for the same state. The size is the export's, never the screen's: the canvas
renders offscreen at exactly the requested size.
"""

from __future__ import annotations

from pathlib import Path

from PySide6 import QtCore, QtGui, QtWidgets

from .caption import CaptionText, paint_caption, strip_height
from .errors import ExportError

IMAGE_SUFFIXES = (".png", ".svg")

#: Largest side we render: a 16k × 16k RGB32 image is 1 GiB, beyond that Qt fails quietly.
MAX_SIDE = 16384

#: Where the caption goes: a strip below the map, or over the map's bottom edge.
PLACEMENTS = ("below", "over")


def check_size(width: int, height: int) -> None:
    """ExportError for a size no picture can have (non-positive, or absurdly large)."""
    if not (isinstance(width, int) and isinstance(height, int)):
        raise ExportError(f"image size must be whole pixels, not {width!r}×{height!r}")
    if width <= 0 or height <= 0:
        raise ExportError(f"image size must be positive, not {width}×{height}")
    if width > MAX_SIDE or height > MAX_SIDE:
        raise ExportError(f"image size {width}×{height} is too large (at most {MAX_SIDE} a side)")


def scaled_size(width: int, height: int, scale: float) -> tuple[int, int]:
    """The on-screen size × ``scale`` (a 2× export of a 900×600 canvas is 1800×1200)."""
    if not scale > 0:
        raise ExportError(f"scale must be positive, not {scale:g}")
    return max(1, round(width * scale)), max(1, round(height * scale))


def _map_rect(width: int, height: int, caption: CaptionText | None, placement: str):
    """(map rectangle, caption rectangle or None) inside a width × height picture."""
    if placement not in PLACEMENTS:
        raise ExportError(f"caption placement must be one of {', '.join(PLACEMENTS)}")
    if caption is None:
        return QtCore.QRect(0, 0, width, height), None
    strip = strip_height(width, height)
    cap = QtCore.QRectF(0, height - strip, width, strip)
    map_h = height - strip if placement == "below" else height
    return QtCore.QRect(0, 0, width, max(1, map_h)), cap


def render_snapshot(
    canvas,
    width: int,
    height: int,
    caption: CaptionText | None = None,
    *,
    placement: str = "below",
) -> QtGui.QImage:
    """The map as drawn by ``canvas`` now, as a ``width`` × ``height`` picture.

    With a caption, the map takes the picture less the strip (``below``) or the whole
    picture with the strip painted over its bottom (``over``, semi-transparent).
    """
    check_size(width, height)
    map_rect, cap_rect = _map_rect(width, height, caption, placement)
    if cap_rect is None:
        return _rgb32(canvas.render_image(width, height))
    out = QtGui.QImage(width, height, QtGui.QImage.Format.Format_RGB32)
    out.fill(QtGui.QColor("white"))
    p = QtGui.QPainter(out)
    try:
        p.drawImage(map_rect.topLeft(), canvas.render_image(map_rect.width(), map_rect.height()))
        paint_caption(p, cap_rect, caption, opacity=1.0 if placement == "below" else 0.82)
    finally:
        p.end()
    return out


def _rgb32(image: QtGui.QImage) -> QtGui.QImage:
    if image.isNull():
        raise ExportError("the map could not be rendered (out of memory?)")
    return image.convertToFormat(QtGui.QImage.Format.Format_RGB32)


def save_png(image: QtGui.QImage, path: str | Path) -> Path:
    path = Path(path)
    if not path.parent.exists():
        raise ExportError(f"{path}: folder {path.parent} does not exist")
    if not image.save(str(path), "PNG"):
        raise ExportError(f"{path}: cannot write PNG (permission or disk space?)")
    return path


def png_bytes(image: QtGui.QImage) -> bytes:
    """PNG-encoded bytes of ``image`` (for embedding in the HTML briefing)."""
    buf = QtCore.QBuffer()
    buf.open(QtCore.QIODevice.OpenModeFlag.WriteOnly)
    if not image.save(buf, "PNG"):
        raise ExportError("cannot encode the map picture as PNG")
    return bytes(buf.data())


# ---------------------------------------------------------------------------- SVG
def _graphics_view(canvas) -> QtWidgets.QGraphicsView:
    """The QGraphicsView inside the canvas (pyqtgraph's PlotWidget), whose scene we draw."""
    views = canvas.findChildren(QtWidgets.QGraphicsView)
    if isinstance(canvas, QtWidgets.QGraphicsView):
        views = [canvas, *views]
    if not views:
        raise ExportError("SVG export: the map canvas has no graphics view to draw")
    return max(views, key=lambda v: v.width() * v.height())


def render_svg(
    canvas,
    path: str | Path,
    width: int,
    height: int,
    caption: CaptionText | None = None,
    *,
    placement: str = "below",
    title: str = "",
) -> Path:
    """The map as vectors: the canvas's graphics scene painted onto a QSvgGenerator.

    pyqtgraph's own SVGExporter breaks on PySide6 ≥ 6.11 (design §9), but the scene paints
    itself with QPainter, and a QPainter on a QSvgGenerator writes SVG elements. The canvas
    is laid out at the export size first (as for PNG), so both formats frame the same view.
    """
    from PySide6 import QtSvg

    check_size(width, height)
    path = Path(path)
    if not path.parent.exists():
        raise ExportError(f"{path}: folder {path.parent} does not exist")
    map_rect, cap_rect = _map_rect(width, height, caption, placement)
    gen = QtSvg.QSvgGenerator()
    gen.setFileName(str(path))
    gen.setSize(QtCore.QSize(width, height))
    gen.setViewBox(QtCore.QRect(0, 0, width, height))
    gen.setTitle(title or (caption.title if caption else "Encounter Replay map"))
    gen.setDescription("\n".join(caption.lines()) if caption else "")
    with _laid_out(canvas, map_rect.width(), map_rect.height()):
        view = _graphics_view(canvas)
        p = QtGui.QPainter()
        if not p.begin(gen):
            raise ExportError(f"{path}: cannot write SVG (permission or disk space?)")
        try:
            p.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing, True)
            p.setClipRect(map_rect)
            view.render(p, QtCore.QRectF(map_rect), view.viewport().rect())
            p.setClipping(False)
            if cap_rect is not None:
                paint_caption(p, cap_rect, caption, opacity=1.0 if placement == "below" else 0.82)
        finally:
            p.end()
    if not path.exists() or path.stat().st_size == 0:
        raise ExportError(f"{path}: SVG was not written")
    return path


class _laid_out:
    """Context: the canvas resized to ``w`` × ``h`` for drawing, its old size restored after.

    A canvas that offers ``export_layout(w, h)`` (a context manager) is asked to do it
    itself; otherwise the widget is resized and its pending layout and resize events are
    delivered, which is what pyqtgraph needs to recompute the view box.
    """

    def __init__(self, canvas, w: int, h: int) -> None:
        self.canvas, self.w, self.h = canvas, w, h
        self._inner = None
        self._old: QtCore.QSize | None = None

    def __enter__(self):
        hook = getattr(self.canvas, "export_layout", None)
        if hook is not None:
            self._inner = hook(self.w, self.h)
            return self._inner.__enter__()
        self._old = self.canvas.size()
        self._resize(QtCore.QSize(self.w, self.h))
        return self.canvas

    def __exit__(self, *exc) -> None:
        if self._inner is not None:
            self._inner.__exit__(*exc)
        elif self._old is not None:
            self._resize(self._old)

    def _resize(self, size: QtCore.QSize) -> None:
        c = self.canvas
        if not c.isVisible():
            c.setAttribute(QtCore.Qt.WidgetAttribute.WA_DontShowOnScreen, True)
        c.resize(size)
        if c.layout() is not None:
            c.layout().activate()
        QtWidgets.QApplication.sendPostedEvents()
        for v in c.findChildren(QtWidgets.QGraphicsView):
            v.resize(v.size())


# ---------------------------------------------------------------------------- window, clipboard
def render_window(window: QtWidgets.QWidget, scale: float = 1.0) -> QtGui.QImage:
    """The whole window (panels, timeline and all) at ``scale`` × its on-screen size.

    Widgets paint with QPainter, so a scaled painter gives sharp text and lines rather than
    an enlarged screenshot.
    """
    w, h = scaled_size(window.width(), window.height(), scale)
    check_size(w, h)
    out = QtGui.QImage(w, h, QtGui.QImage.Format.Format_RGB32)
    out.fill(window.palette().color(QtGui.QPalette.ColorRole.Window))
    p = QtGui.QPainter(out)
    try:
        p.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing, True)
        p.setRenderHint(QtGui.QPainter.RenderHint.TextAntialiasing, True)
        p.scale(w / max(1, window.width()), h / max(1, window.height()))
        window.render(p, QtCore.QPoint(0, 0))
    finally:
        p.end()
    return out


def copy_to_clipboard(image: QtGui.QImage) -> None:
    QtGui.QGuiApplication.clipboard().setImage(image)


def export_image(
    canvas,
    path: str | Path,
    width: int,
    height: int,
    caption: CaptionText | None = None,
    *,
    placement: str = "below",
) -> Path:
    """PNG or SVG by the suffix of ``path``."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".png":
        return save_png(render_snapshot(canvas, width, height, caption, placement=placement), path)
    if suffix == ".svg":
        return render_svg(canvas, path, width, height, caption, placement=placement)
    raise ExportError(f"{path}: unknown picture format {suffix or '(none)'!r}: use .png or .svg")
