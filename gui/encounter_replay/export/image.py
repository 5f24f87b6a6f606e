"""Pictures of a map canvas: PNG at any size, SVG as vectors, the whole window, clipboard.

:func:`render_snapshot` turns a canvas into a picture of exactly the requested size (the
canvas draws offscreen at that size, never a scaled screenshot) with the caption strip;
stills, video frames and the briefing's map all go through it. Which canvas, in which
state, is :mod:`.snapshot`'s business.
"""

from __future__ import annotations

from pathlib import Path

from PySide6 import QtCore, QtGui, QtWidgets

from .. import palette
from .caption import ILLUSTRATIVE, CaptionText, strip_height
from .errors import ExportError

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


def map_size(width: int, height: int, captioned: bool, placement: str = "below") -> tuple[int, int]:
    """Size of the map area inside a ``width`` × ``height`` picture (less the caption strip
    when it goes below), which is the size to lay the map out at."""
    if captioned and placement == "below":
        return width, max(1, height - strip_height(width, height))
    return width, height


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
    text_scale: float = 1.0,
) -> QtGui.QImage:
    """The map as drawn by ``canvas`` now, as a ``width`` × ``height`` picture.

    With a caption, the map takes the picture less the strip (``below``) or the whole
    picture with the strip painted over its bottom (``over``, semi-transparent).
    ``text_scale`` > 1 lays the map out that many times smaller and draws it enlarged, so
    a 2× export has 2× map text, symbols and lines (sharp: drawn, not resampled).
    """
    check_size(width, height)
    map_rect, cap_rect = _map_rect(width, height, caption, placement)
    if cap_rect is None:
        return _rgb32(_map_image(canvas, width, height, text_scale))
    out = QtGui.QImage(width, height, QtGui.QImage.Format.Format_RGB32)
    out.fill(QtGui.QColor(palette.PAPER))
    p = QtGui.QPainter(out)
    try:
        p.drawImage(
            map_rect.topLeft(), _map_image(canvas, map_rect.width(), map_rect.height(), text_scale)
        )
        paint_caption(p, cap_rect, caption, opacity=1.0 if placement == "below" else 0.82)
    finally:
        p.end()
    return out


def _layout_size(width: int, height: int, text_scale: float) -> tuple[int, int]:
    if not (text_scale > 0 and text_scale < 64):
        raise ExportError(f"text scale must be positive, not {text_scale:g}")
    return max(1, round(width / text_scale)), max(1, round(height / text_scale))


def _map_image(canvas, width: int, height: int, text_scale: float) -> QtGui.QImage:
    """The canvas's map at ``width`` × ``height``, laid out at that size ÷ ``text_scale``."""
    if abs(text_scale - 1.0) < 1e-9:
        return canvas.render_image(width, height)
    lw, lh = _layout_size(width, height, text_scale)
    view = _export_view(canvas, lw, lh)
    image = QtGui.QImage(width, height, QtGui.QImage.Format.Format_ARGB32_Premultiplied)
    from ..view.layers import style  # the theme's ground (white in print)

    image.fill(QtGui.QColor(style.SEA))
    p = QtGui.QPainter(image)
    try:
        p.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing, True)
        p.setRenderHint(QtGui.QPainter.RenderHint.TextAntialiasing, True)
        with _vector_mode(view, p):
            view.render(p, QtCore.QRectF(0, 0, width, height), view.viewport().rect())
    finally:
        p.end()
    return image


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
def _export_view(canvas, width: int, height: int) -> QtWidgets.QGraphicsView:
    """A graphics view showing the canvas's map laid out at ``width`` × ``height``.

    ``render_image`` lays out an offscreen twin of the canvas at the requested size (the
    same one that draws PNGs); its graphics view is what we paint as vectors, so PNG and
    SVG frame the same area with the same labels.
    """
    canvas.render_image(width, height)
    source = getattr(canvas, "_twin", None) or canvas
    views = source.findChildren(QtWidgets.QGraphicsView)
    if isinstance(source, QtWidgets.QGraphicsView):
        views = [source, *views]
    if not views:
        raise ExportError("SVG export: the map canvas has no graphics view to draw")
    return max(views, key=lambda v: v.width() * v.height())


class _vector_mode:
    """Make the scene paint vectors: pyqtgraph items draw cached pixmaps (symbols, text)
    unless told they are being exported, and cached items (Qt's cache modes, the canvas's
    own screen-sized basemap cache) would reach the SVG as one large bitmap. All are
    switched off while the SVG is painted and restored after."""

    def __init__(self, view: QtWidgets.QGraphicsView, painter: QtGui.QPainter) -> None:
        self.items = view.scene().items()
        self.opts = {"antialias": True, "background": None, "painter": painter}
        self.caches: list[tuple[QtWidgets.QGraphicsItem, QtWidgets.QGraphicsItem.CacheMode]] = []
        # the canvas's own screen-sized caches (basemap, tiles) say so with `cache_enabled`
        self.own = [i for i in self.items if getattr(i, "cache_enabled", False) is True]

    def __enter__(self) -> None:
        none = QtWidgets.QGraphicsItem.CacheMode.NoCache
        for item in self.items:
            if hasattr(item, "setExportMode"):
                item.setExportMode(True, self.opts)
            if item.cacheMode() != none:
                self.caches.append((item, item.cacheMode()))
                item.setCacheMode(none)
        for item in self.own:
            item.cache_enabled = False

    def __exit__(self, *exc) -> None:
        for item in self.items:
            if hasattr(item, "setExportMode"):
                item.setExportMode(False)
        for item, mode in self.caches:
            item.setCacheMode(mode)
        for item in self.own:
            item.cache_enabled = True


class _SvgPainter(QtGui.QPainter):
    """A painter for SVG output that honours pixmap source rectangles.

    Qt's SVG paint engine ignores the source rectangle of ``drawPixmap`` and so of
    ``drawPixmapFragments`` (it writes the whole pixmap): a symbol atlas, which the map
    uses to draw all heads in one call, comes out as every symbol squeezed into each
    head's square. Items paint through this same Python object, so cropping here, before
    the engine sees the pixmap, fixes them all.
    """

    def drawPixmap(self, *args) -> None:
        if len(args) == 3 and isinstance(args[2], QtCore.QRectF | QtCore.QRect):
            target, pixmap, source = args
            return self._draw_cropped(target, pixmap, QtCore.QRectF(source))
        return super().drawPixmap(*args)

    def _draw_cropped(self, target: QtCore.QRectF, pixmap, source: QtCore.QRectF) -> None:
        part = pixmap.copy(source.toRect())
        # (the three-argument overload: PySide6 has no (QRectF, QPixmap) one)
        super().drawPixmap(QtCore.QRectF(target), part, QtCore.QRectF(part.rect()))

    def drawPixmapFragments(self, fragments, count, pixmap, hints=None) -> None:
        import ctypes

        import shiboken6

        if fragments is None or count <= 0:
            return
        if isinstance(fragments, list | tuple):
            rows = [
                (f.x, f.y, f.sourceLeft, f.sourceTop, f.width, f.height,
                 f.scaleX, f.scaleY, f.rotation, f.opacity)
                for f in fragments
            ]  # fmt: skip
        else:  # a pointer to the first of ``count`` contiguous QPainter.PixmapFragment
            address = shiboken6.getCppPointer(fragments)[0]
            flat = (ctypes.c_double * (10 * count)).from_address(address)
            rows = [tuple(flat[10 * i : 10 * i + 10]) for i in range(count)]
        opacity = self.opacity()
        for x, y, sl, st, w, h, sx, sy, rot, op in rows:
            self.save()
            self.translate(x, y)
            self.rotate(rot)
            self.scale(sx, sy)
            self.setOpacity(opacity * op)
            self._draw_cropped(
                QtCore.QRectF(-w / 2, -h / 2, w, h), pixmap, QtCore.QRectF(sl, st, w, h)
            )
            self.restore()


def render_svg(
    canvas,
    path: str | Path,
    width: int,
    height: int,
    caption: CaptionText | None = None,
    *,
    placement: str = "below",
    title: str = "",
    text_scale: float = 1.0,
) -> Path:
    """The map as vectors: the canvas's graphics scene painted onto a QSvgGenerator.

    pyqtgraph's own SVGExporter breaks on PySide6 ≥ 6.11 (docs/targets.md, measured facts), but the scene paints
    itself with QPainter, and a QPainter on a QSvgGenerator writes SVG elements.
    """
    from PySide6 import QtSvg

    check_size(width, height)
    path = Path(path)
    if not path.parent.exists():
        raise ExportError(f"{path}: folder {path.parent} does not exist")
    map_rect, cap_rect = _map_rect(width, height, caption, placement)
    view = _export_view(canvas, *_layout_size(map_rect.width(), map_rect.height(), text_scale))
    gen = QtSvg.QSvgGenerator()
    gen.setFileName(str(path))
    gen.setSize(QtCore.QSize(width, height))
    gen.setViewBox(QtCore.QRect(0, 0, width, height))
    # pyqtgraph draws axes through cached QPictures, which replay scaled by the ratio of
    # their DPI to the target's: the SVG must claim the same DPI or the axes shrink.
    gen.setResolution(QtGui.QPicture().logicalDpiX())
    gen.setTitle(title or (caption.title if caption else "Encounter Replay map"))
    gen.setDescription("\n".join(caption.lines()) if caption else "")
    p = _SvgPainter()
    if not p.begin(gen):
        raise ExportError(f"{path}: cannot write SVG (permission or disk space?)")
    try:
        p.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing, True)
        p.setClipRect(map_rect)
        with _vector_mode(view, p):
            view.render(p, QtCore.QRectF(map_rect), view.viewport().rect())
        p.setClipping(False)
        if cap_rect is not None:
            paint_caption(p, cap_rect, caption, opacity=1.0 if placement == "below" else 0.82)
    finally:
        p.end()
    if not path.exists() or path.stat().st_size == 0:
        raise ExportError(f"{path}: SVG was not written")
    return path


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
    text_scale: float = 1.0,
) -> Path:
    """PNG or SVG by the suffix of ``path``."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".png":
        image = render_snapshot(
            canvas, width, height, caption, placement=placement, text_scale=text_scale
        )
        return save_png(image, path)
    if suffix == ".svg":
        return render_svg(
            canvas, path, width, height, caption, placement=placement, text_scale=text_scale
        )
    raise ExportError(f"{path}: unknown picture format {suffix or '(none)'!r}: use .png or .svg")


# Colours of the caption strip: dark slate with light text reads well on projectors and
# in print.
_BG = QtGui.QColor(palette.CAPTION_BG)
_RULE = QtGui.QColor(palette.CAPTION_RULE)
_TEXT = QtGui.QColor(palette.CAPTION_TEXT)
_MUTED = QtGui.QColor(palette.CAPTION_MUTED)
_TAG_BG = QtGui.QColor(palette.TAG)
_TAG_TEXT = QtGui.QColor(palette.TAG_TEXT)


def _font(px: float, bold: bool = False) -> QtGui.QFont:
    f = QtGui.QFont()
    f.setFamilies(["DejaVu Sans", "Helvetica", "Arial", "sans-serif"])
    f.setPixelSize(max(6, round(px)))
    f.setBold(bold)
    return f


#: A caption line shrinks to this share of its size before it wraps onto two lines.
MIN_SHRINK = 0.62


def fit_line(text: str, font: QtGui.QFont, width: float) -> tuple[QtGui.QFont, list[str]]:
    """(font, lines) that show all of ``text`` within ``width``: the font as given when it
    fits, else shrunk (to :data:`MIN_SHRINK` of its size), else shrunk and wrapped onto two
    lines at word breaks. Captions are never cut short: a reader must see the vertical
    separation and the whole file name."""
    size = font.pixelSize()
    f = QtGui.QFont(font)
    for step in range(0, 40):
        px = size * (1 - step * 0.02)
        if px < size * MIN_SHRINK:
            break
        f.setPixelSize(max(6, round(px)))
        if QtGui.QFontMetricsF(f).horizontalAdvance(text) <= width:
            return f, [text]
    f.setPixelSize(max(6, round(size * MIN_SHRINK)))
    fm = QtGui.QFontMetricsF(f)
    words = text.split(" ")
    best = [text]
    for cut in range(1, len(words)):
        lines = [" ".join(words[:cut]), " ".join(words[cut:])]
        if max(fm.horizontalAdvance(x) for x in lines) <= width:
            return f, lines
        best = (
            lines
            if max(map(fm.horizontalAdvance, lines)) < max(map(fm.horizontalAdvance, best))
            else best
        )
    return f, best  # (still too wide: drawn whole, spilling rather than cut)


def _draw_text(
    p: QtGui.QPainter,
    rect: QtCore.QRectF,
    text: str,
    font: QtGui.QFont,
    color: QtGui.QColor,
    align: QtCore.Qt.AlignmentFlag,
) -> float:
    """Draw all of ``text`` in ``rect``, shrunk or wrapped to fit; returns the width taken."""
    f, lines = fit_line(text, font, rect.width())
    p.setFont(f)
    p.setPen(color)
    fm = QtGui.QFontMetricsF(f)
    if len(lines) == 1:
        p.drawText(rect, int(align | QtCore.Qt.AlignmentFlag.AlignVCenter), lines[0])
        return fm.horizontalAdvance(lines[0])
    line_h = fm.height()
    top = rect.center().y() - line_h * len(lines) / 2
    for i, line in enumerate(lines):
        r = QtCore.QRectF(rect.left(), top + i * line_h, rect.width(), line_h)
        p.drawText(r, int(align | QtCore.Qt.AlignmentFlag.AlignVCenter), line)
    return max(fm.horizontalAdvance(x) for x in lines)


def paint_caption(
    p: QtGui.QPainter, rect: QtCore.QRectF, caption: CaptionText, *, opacity: float = 1.0
) -> None:
    """Paint the strip into ``rect``: title and separation on the left, time and note right."""
    h = rect.height()
    pad = max(4.0, h * 0.16)
    row = (h - 2 * pad) / 2
    big, small = row * 0.82, row * 0.66
    p.save()
    p.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing, True)
    p.setRenderHint(QtGui.QPainter.RenderHint.TextAntialiasing, True)
    bg = QtGui.QColor(_BG)
    bg.setAlphaF(opacity)
    p.fillRect(rect, bg)
    p.fillRect(QtCore.QRectF(rect.left(), rect.top(), rect.width(), max(1.0, h * 0.03)), _RULE)

    left = rect.left() + pad
    right = rect.right() - pad
    top = rect.top() + pad
    inner_w = right - left
    right_w = inner_w * 0.42  # time and note column
    left_w = inner_w - right_w - pad
    r1 = QtCore.QRectF(left, top, left_w, row)
    r2 = QtCore.QRectF(left, top + row, left_w, row)
    al = QtCore.Qt.AlignmentFlag.AlignLeft
    ar = QtCore.Qt.AlignmentFlag.AlignRight
    _draw_text(p, r1, caption.title, _font(big, bold=True), _TEXT, al)
    if caption.separation:
        _draw_text(p, r2, caption.separation, _font(small, bold=True), _TEXT, al)

    rx = right - right_w
    _draw_text(p, QtCore.QRectF(rx, top, right_w, row), caption.time, _font(big, True), _TEXT, ar)
    note_rect = QtCore.QRectF(rx, top + row, right_w, row)
    if caption.illustrative:
        tag_font = _font(small * 0.9, bold=True)
        fm = QtGui.QFontMetricsF(tag_font)
        tag_w = fm.horizontalAdvance(ILLUSTRATIVE) + small * 0.9
        tag = QtCore.QRectF(right - tag_w, top + row + row * 0.1, tag_w, row * 0.8)
        p.setPen(QtCore.Qt.PenStyle.NoPen)
        p.setBrush(_TAG_BG)
        p.drawRoundedRect(tag, row * 0.15, row * 0.15)
        p.setFont(tag_font)
        p.setPen(_TAG_TEXT)
        p.drawText(tag, int(QtCore.Qt.AlignmentFlag.AlignCenter), ILLUSTRATIVE)
        note_rect.setRight(tag.left() - small * 0.6)
    if caption.note:
        _draw_text(p, note_rect, caption.note, _font(small * 0.92), _MUTED, ar)
    p.restore()
