"""File ▸ Export in the window: picture (PNG/SVG, clipboard), video, report.

The dialogs only collect choices; the pictures come from the same functions the CLI calls
(:mod:`.snapshot`, :mod:`.briefing`), fed with the window's state converted exactly as the
CLI converts a saved session, so an export from the window and one from a script agree
pixel for pixel.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from pathlib import Path

from PySide6 import QtCore, QtGui, QtWidgets

from ..model.timefmt import clock_utc
from ..model.units import fmt_duration, fmt_elapsed
from ..model.view_state import ViewState
from .errors import ExportCancelled, ExportError
from .image import PLACEMENTS, copy_to_clipboard, render_window, save_png, scaled_size
from .snapshot import export_clip, export_snapshot, snapshot_image
from .video import frame_size, frame_times

PRESETS: tuple[tuple[str, int, int], ...] = (
    ("HD 1280×720", 1280, 720),
    ("Full HD 1920×1080", 1920, 1080),
    ("4K 3840×2160", 3840, 2160),
    ("Slide 4:3 1600×1200", 1600, 1200),
)


# ---------------------------------------------------------------------------- what we export
@dataclass
class ExportContext:
    """What an export needs from the window: its canvas, scene and replay state."""

    window: QtWidgets.QWidget
    canvas: object  # MapCanvas
    ts: object  # TrackSet
    analysis: object  # AnalysisResult | None
    controller: object  # ReplayController

    @property
    def state(self) -> ViewState:
        return self.controller.state

    @property
    def time(self) -> float:
        return float(self.state.time)

    @property
    def pair(self) -> tuple[int, int] | None:
        return self.state.pair

    @property
    def units(self) -> str:
        return self.state.units

    def map_state(self) -> ViewState:
        """The window's state with the map area on screen, as the CLI reads it from a
        saved session (a picture is framed by its view, so it follows nothing)."""
        visual = self.analysis.settings.visual_range_m if self.analysis is not None else None
        return self.state.replace(
            view=tuple(self.canvas.view_rect()),
            follow_track=None,
            visual_range_m=visual if visual is not None else self.state.visual_range_m,
        )


def context_of(window) -> ExportContext | None:
    """The window's export context, or None while no scene is loaded."""
    ts = getattr(window, "ts", None)
    if ts is None or len(ts) == 0:
        return None
    return ExportContext(
        window=window,
        canvas=window.canvas,
        ts=ts,
        analysis=getattr(window, "analysis", None),
        controller=window.controller,
    )


def window_snapshot_image(
    ctx: ExportContext,
    width: int,
    height: int,
    *,
    caption: bool = True,
    title: str | None = None,
    placement: str = "below",
    text_scale: float = 1.0,
) -> QtGui.QImage:
    """The map picture for the window's current state: what ``snapshot --session`` makes
    of the same state (the same function draws both)."""
    return snapshot_image(
        ctx.ts,
        ctx.analysis,
        ctx.map_state(),
        width,
        height,
        caption=caption,
        title=title,
        placement=placement,
        text_scale=text_scale,
    )


# ---------------------------------------------------------------------------- picture dialog
@dataclass
class ImageOptions:
    path: str
    width: int
    height: int
    caption: bool
    title: str
    placement: str
    whole_window: bool
    #: map text and symbols × this (the scale of a picture sized by scale, else 1)
    text_scale: float = 1.0


class ExportImageDialog(QtWidgets.QDialog):
    """Picture of the map (or the whole window) at a chosen size, PNG or SVG."""

    def __init__(
        self,
        parent: QtWidgets.QWidget | None,
        screen_size: QtCore.QSize,
        default_title: str = "",
        default_path: str = "",
        window_size: QtCore.QSize | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Export picture")
        self._screen = screen_size
        self._window = window_size or screen_size
        form = QtWidgets.QFormLayout(self)

        self.by_scale = QtWidgets.QRadioButton("Scale of the map on screen")
        self.by_size = QtWidgets.QRadioButton("Fixed size")
        self.scale = QtWidgets.QDoubleSpinBox(decimals=2, minimum=0.25, maximum=8.0, value=2.0)
        self.scale.setSingleStep(0.5)
        self.scale.setSuffix(" ×")
        self.width_ = QtWidgets.QSpinBox(minimum=16, maximum=16384, value=1920)
        self.height_ = QtWidgets.QSpinBox(minimum=16, maximum=16384, value=1080)
        self.preset = QtWidgets.QComboBox()
        self.preset.addItem("Preset…")
        for name, _, _ in PRESETS:
            self.preset.addItem(name)
        self.preset.activated.connect(self._apply_preset)
        size_row = QtWidgets.QHBoxLayout()
        for w in (self.width_, QtWidgets.QLabel("×"), self.height_, self.preset):
            size_row.addWidget(w)
        self.result_label = QtWidgets.QLabel()
        scale_row = QtWidgets.QHBoxLayout()
        scale_row.addWidget(self.by_scale)
        scale_row.addWidget(self.scale)
        form.addRow(scale_row)
        fixed_row = QtWidgets.QHBoxLayout()
        fixed_row.addWidget(self.by_size)
        fixed_row.addLayout(size_row)
        form.addRow(fixed_row)
        form.addRow("Picture size:", self.result_label)

        self.whole_window = QtWidgets.QCheckBox("Whole window (panels and timeline; PNG only)")
        form.addRow(self.whole_window)
        self.caption = QtWidgets.QCheckBox("Caption: title, UTC time, pair separation, source")
        self.caption.setChecked(True)
        self.title = QtWidgets.QLineEdit(default_title)
        self.placement = QtWidgets.QComboBox()
        self.placement.addItems(["Strip below the map", "Over the map"])
        form.addRow(self.caption)
        form.addRow("Title:", self.title)
        form.addRow("Caption:", self.placement)

        self.path = QtWidgets.QLineEdit(default_path)
        browse = QtWidgets.QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        path_row = QtWidgets.QHBoxLayout()
        path_row.addWidget(self.path)
        path_row.addWidget(browse)
        form.addRow("File:", path_row)

        buttons = QtWidgets.QDialogButtonBox(
            QtWidgets.QDialogButtonBox.StandardButton.Save
            | QtWidgets.QDialogButtonBox.StandardButton.Cancel
        )
        self.copy_button = buttons.addButton(
            "Copy to clipboard", QtWidgets.QDialogButtonBox.ButtonRole.ActionRole
        )
        self.copy_button.clicked.connect(self._copy)
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.copy_requested = False

        self.by_scale.setChecked(True)
        for sig in (
            self.by_scale.toggled,
            self.scale.valueChanged,
            self.width_.valueChanged,
            self.height_.valueChanged,
            self.whole_window.toggled,
            self.caption.toggled,
        ):
            sig.connect(self._update)
        self._update()

    def _apply_preset(self, index: int) -> None:
        if index > 0:
            _, w, h = PRESETS[index - 1]
            self.width_.setValue(w)
            self.height_.setValue(h)
            self.by_size.setChecked(True)

    def picture_size(self) -> tuple[int, int]:
        """Map: the on-screen map × scale, or a fixed size. Whole window: window × scale."""
        if self.whole_window.isChecked():
            return scaled_size(self._window.width(), self._window.height(), self.scale.value())
        if self.by_scale.isChecked():
            return scaled_size(self._screen.width(), self._screen.height(), self.scale.value())
        return self.width_.value(), self.height_.value()

    def _update(self) -> None:
        whole = self.whole_window.isChecked()
        if whole and not self.by_scale.isChecked():
            self.by_scale.setChecked(True)  # a window keeps its proportions: scale only
        self.by_size.setEnabled(not whole)
        w, h = self.picture_size()
        self.result_label.setText(f"{w} × {h} px")
        self.scale.setEnabled(self.by_scale.isChecked())
        for wdg in (self.width_, self.height_, self.preset):
            wdg.setEnabled(not self.by_scale.isChecked() and not whole)
        captioned = self.caption.isChecked() and not self.whole_window.isChecked()
        self.title.setEnabled(captioned)
        self.placement.setEnabled(captioned)
        self.caption.setEnabled(not self.whole_window.isChecked())

    def _browse(self) -> None:
        path, _ = QtWidgets.QFileDialog.getSaveFileName(
            self, "Export picture", self.path.text(), "PNG picture (*.png);;SVG vectors (*.svg)"
        )
        if path:
            self.path.setText(path)

    def _accept(self) -> None:
        path = self.path.text().strip()
        suffix = Path(path).suffix.lower()
        if not path or suffix not in (".png", ".svg"):
            QtWidgets.QMessageBox.warning(self, "Export picture", "Choose a .png or .svg file.")
            return
        if self.whole_window.isChecked() and suffix != ".png":
            QtWidgets.QMessageBox.warning(
                self, "Export picture", "The whole window can only be saved as PNG."
            )
            return
        self.accept()

    def _copy(self) -> None:
        self.copy_requested = True
        self.accept()

    def options(self) -> ImageOptions:
        w, h = self.picture_size()
        return ImageOptions(
            path=self.path.text().strip(),
            width=w,
            height=h,
            caption=self.caption.isChecked(),
            title=self.title.text(),
            placement=PLACEMENTS[self.placement.currentIndex()],
            whole_window=self.whole_window.isChecked(),
            text_scale=self.scale.value() if self.by_scale.isChecked() else 1.0,
        )


def window_picture(ctx: ExportContext, opts: ImageOptions) -> QtGui.QImage:
    """The picture the options describe (map with caption, or the whole window)."""
    if opts.whole_window:
        scale = opts.width / max(1, ctx.window.width())
        return render_window(ctx.window, scale)
    return window_snapshot_image(
        ctx,
        opts.width,
        opts.height,
        caption=opts.caption,
        title=opts.title or None,
        placement=opts.placement,
        text_scale=opts.text_scale,
    )


def export_picture_interactive(window) -> None:
    """File ▸ Export picture… (Ctrl+Shift+S)."""
    ctx = context_of(window)
    if ctx is None:
        return
    from .caption import default_title

    dlg = ExportImageDialog(
        window,
        ctx.canvas.size(),
        default_title=default_title(ctx.ts),
        default_path=str(Path.home() / f"encounter_{clock_utc(ctx.time).replace(':', '')}.png"),
        window_size=window.size(),
    )
    if dlg.exec() != QtWidgets.QDialog.DialogCode.Accepted:
        return
    opts = dlg.options()
    try:
        if dlg.copy_requested:
            copy_to_clipboard(window_picture(ctx, opts))
            _status(window, "Picture copied to the clipboard")
            return
        if opts.whole_window:
            save_png(window_picture(ctx, opts), opts.path)
        else:
            export_snapshot(
                ctx.ts,
                ctx.analysis,
                ctx.map_state(),
                opts.path,
                opts.width,
                opts.height,
                caption=opts.caption,
                title=opts.title or None,
                placement=opts.placement,
                text_scale=opts.text_scale,
            )
    except ExportError as exc:
        QtWidgets.QMessageBox.critical(window, "Export picture", str(exc))
        return
    _status(window, f"Saved {opts.path} ({opts.width}×{opts.height})")


def copy_map_to_clipboard(window) -> None:
    """The map at its on-screen size, captioned, to the clipboard (for pasting into slides)."""
    ctx = context_of(window)
    if ctx is None:
        return
    size = ctx.canvas.size()
    try:
        copy_to_clipboard(window_snapshot_image(ctx, size.width(), size.height()))
    except ExportError as exc:
        QtWidgets.QMessageBox.critical(window, "Copy picture", str(exc))
        return
    _status(window, "Map picture copied to the clipboard")


# ---------------------------------------------------------------------------- video dialog
@dataclass
class VideoOptions:
    path: str
    start: float
    end: float
    speed: float
    fps: float
    width: int
    height: int
    caption: bool
    title: str


class ExportVideoDialog(QtWidgets.QDialog):
    """A clip of a time range at a chosen speed and frame rate, MP4 or GIF."""

    def __init__(
        self,
        parent: QtWidgets.QWidget | None,
        start: float,
        end: float,
        range_: tuple[float, float],
        speed: float = 1.0,
        default_title: str = "",
        default_path: str = "",
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Export video")
        self._t0 = start
        self.has_ffmpeg = importlib.util.find_spec("imageio_ffmpeg") is not None
        form = QtWidgets.QFormLayout(self)
        span = max(0.0, end - start)

        def seconds_box(value: float) -> QtWidgets.QDoubleSpinBox:
            box = QtWidgets.QDoubleSpinBox(decimals=1, minimum=0.0, maximum=span)
            box.setValue(value - start)
            box.setPrefix("T+")
            box.setSuffix(" s")
            return box

        self.start = seconds_box(range_[0])
        self.end = seconds_box(range_[1])
        self.start_utc, self.end_utc = QtWidgets.QLabel(), QtWidgets.QLabel()
        for box, label, name in (
            (self.start, self.start_utc, "From:"),
            (self.end, self.end_utc, "To:"),
        ):
            row = QtWidgets.QHBoxLayout()
            row.addWidget(box)
            row.addWidget(label)
            form.addRow(name, row)
        self.speed = QtWidgets.QDoubleSpinBox(decimals=2, minimum=0.25, maximum=256.0)
        self.speed.setValue(speed)
        self.speed.setSuffix(" × real time")
        self.fps = QtWidgets.QSpinBox(minimum=1, maximum=60, value=25)
        self.fps.setSuffix(" fps")
        form.addRow("Speed:", self.speed)
        form.addRow("Frame rate:", self.fps)
        self.width_ = QtWidgets.QSpinBox(minimum=16, maximum=3840, value=1280, singleStep=16)
        self.height_ = QtWidgets.QSpinBox(minimum=16, maximum=2160, value=720, singleStep=16)
        size_row = QtWidgets.QHBoxLayout()
        for w in (self.width_, QtWidgets.QLabel("×"), self.height_):
            size_row.addWidget(w)
        form.addRow("Size:", size_row)
        self.caption = QtWidgets.QCheckBox("Caption: title, UTC time, pair separation, source")
        self.caption.setChecked(True)
        self.title = QtWidgets.QLineEdit(default_title)
        form.addRow(self.caption)
        form.addRow("Title:", self.title)
        self.path = QtWidgets.QLineEdit(default_path)
        browse = QtWidgets.QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        row = QtWidgets.QHBoxLayout()
        row.addWidget(self.path)
        row.addWidget(browse)
        form.addRow("File:", row)
        self.summary = QtWidgets.QLabel()
        self.summary.setWordWrap(True)
        form.addRow(self.summary)
        buttons = QtWidgets.QDialogButtonBox(
            QtWidgets.QDialogButtonBox.StandardButton.Save
            | QtWidgets.QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        self.save_button = buttons.button(QtWidgets.QDialogButtonBox.StandardButton.Save)
        form.addRow(buttons)
        for sig in (
            self.start.valueChanged,
            self.end.valueChanged,
            self.speed.valueChanged,
            self.fps.valueChanged,
            self.width_.valueChanged,
            self.height_.valueChanged,
            self.path.textChanged,
        ):
            sig.connect(self._update)
        self._update()

    def options(self) -> VideoOptions:
        return VideoOptions(
            path=self.path.text().strip(),
            start=self._t0 + self.start.value(),
            end=self._t0 + self.end.value(),
            speed=self.speed.value(),
            fps=float(self.fps.value()),
            width=self.width_.value(),
            height=self.height_.value(),
            caption=self.caption.isChecked(),
            title=self.title.text(),
        )

    def problem(self) -> str | None:
        """Why the current choices cannot be exported, or None."""
        o = self.options()
        suffix = Path(o.path).suffix.lower()
        if suffix not in (".mp4", ".gif"):
            return "Choose a .mp4 or .gif file."
        if suffix == ".mp4" and not self.has_ffmpeg:
            from .video import MP4_EXTRA_MESSAGE

            return MP4_EXTRA_MESSAGE + " (or save as .gif)."
        try:
            frame_times(o.start, o.end, o.speed, o.fps)
        except ExportError as exc:
            return str(exc)
        return None

    def _update(self) -> None:
        o = self.options()
        self.start_utc.setText(clock_utc(o.start, 1))
        self.end_utc.setText(clock_utc(o.end, 1))
        w, h = frame_size(o.width, o.height)
        problem = self.problem()
        if problem is None:
            n = len(frame_times(o.start, o.end, o.speed, o.fps))
            text = (
                f"{n} frames, {w}×{h} px, plays for {fmt_duration(n / o.fps)} "
                f"({fmt_elapsed(o.start - self._t0)} to {fmt_elapsed(o.end - self._t0)})."
            )
        else:
            text = problem
        self.summary.setText(text)
        self.save_button.setEnabled(problem is None)

    def _browse(self) -> None:
        path, _ = QtWidgets.QFileDialog.getSaveFileName(
            self, "Export video", self.path.text(), "MP4 video (*.mp4);;Animated GIF (*.gif)"
        )
        if path:
            self.path.setText(path)

    def _accept(self) -> None:
        if self.problem() is None:
            self.accept()


class _ProgressBridge:
    """Video progress into a QProgressDialog; its Cancel button stops the export."""

    def __init__(self, parent: QtWidgets.QWidget, total: int) -> None:
        self.dialog = QtWidgets.QProgressDialog("Rendering video…", "Cancel", 0, total, parent)
        self.dialog.setWindowTitle("Export video")
        self.dialog.setWindowModality(QtCore.Qt.WindowModality.WindowModal)
        self.dialog.setMinimumDuration(0)

    def __call__(self, done: int, total: int) -> bool:
        self.dialog.setMaximum(total)
        self.dialog.setValue(done)
        self.dialog.setLabelText(f"Rendering frame {done} of {total}…")
        QtWidgets.QApplication.processEvents()
        return not self.dialog.wasCanceled()

    def close(self) -> None:
        self.dialog.reset()
        self.dialog.close()
        self.dialog.deleteLater()


def run_window_video(ctx: ExportContext, opts: VideoOptions, progress=None):
    """Render the clip of the window's state (playback paused; the window is not touched)."""
    times = frame_times(opts.start, opts.end, opts.speed, opts.fps)
    size = frame_size(opts.width, opts.height)
    ctx.controller.pause()
    return export_clip(
        ctx.ts,
        ctx.analysis,
        ctx.map_state(),
        opts.path,
        times,
        size,
        opts.fps,
        caption=opts.caption,
        title=opts.title or None,
        progress=progress,
    )


def export_video_interactive(window) -> None:
    """File ▸ Export video…: choose, render with progress and cancel, report."""
    ctx = context_of(window)
    if ctx is None:
        return
    from .caption import default_title

    st = ctx.state
    start, end = ctx.controller.clock.start, ctx.controller.clock.end
    range_ = st.loop if st.loop else (start, end)
    dlg = ExportVideoDialog(
        window,
        start,
        end,
        range_,
        speed=st.speed,
        default_title=default_title(ctx.ts),
        default_path=str(Path.home() / "encounter.mp4"),
    )
    if dlg.exec() != QtWidgets.QDialog.DialogCode.Accepted:
        return
    opts = dlg.options()
    bridge = _ProgressBridge(window, len(frame_times(opts.start, opts.end, opts.speed, opts.fps)))
    try:
        result = run_window_video(ctx, opts, progress=bridge)
    except ExportCancelled:
        _status(window, "Video export cancelled")
        return
    except ExportError as exc:
        QtWidgets.QMessageBox.critical(window, "Export video", str(exc))
        return
    finally:
        bridge.close()
    _status(
        window,
        f"Saved {result.path.name}: {result.frames} frames {result.width}×{result.height} "
        f"in {result.seconds:.1f} s",
    )


# ---------------------------------------------------------------------------- report
def export_report_interactive(window) -> None:
    """File ▸ Export report…: the HTML briefing of the selected pair, or the pair table as
    CSV/JSON."""
    ctx = context_of(window)
    if ctx is None:
        return
    if ctx.analysis is None:
        QtWidgets.QMessageBox.information(
            window, "Export report", "The analysis has not finished yet."
        )
        return
    path, _ = QtWidgets.QFileDialog.getSaveFileName(
        window,
        "Export report",
        str(Path.home() / "briefing.html"),
        "HTML briefing (*.html);;Pair table CSV (*.csv);;Pair table JSON (*.json)",
    )
    if not path:
        return
    from .report import write_table

    QtWidgets.QApplication.setOverrideCursor(QtCore.Qt.CursorShape.WaitCursor)
    try:
        if Path(path).suffix.lower() in (".csv", ".json"):
            write_table(path, ctx.analysis, ctx.ts)
        else:  # the briefing of the selected pair (or the top-ranked one), as HTML
            if not Path(path).suffix:
                path += ".html"
            run_window_briefing(ctx, path)
    except ExportError as exc:
        QtWidgets.QMessageBox.critical(window, "Export report", str(exc))
        return
    finally:
        QtWidgets.QApplication.restoreOverrideCursor()
    _status(window, f"Saved {path}")


# ---------------------------------------------------------------------------- briefing
def briefing_pairs(ctx: ExportContext) -> list[tuple[int, int]]:
    """The pairs Export ▸ Briefing covers: those ticked in the encounter table when it has
    ticks (``ticked_pairs()``), else the selected pair; none means the top-ranked one."""
    table = getattr(ctx.window, "encounters", None)
    ticked = getattr(table, "ticked_pairs", None)
    pairs = list(ticked()) if callable(ticked) else []
    if not pairs and ctx.pair is not None:
        pairs = [ctx.pair]
    return pairs


def run_window_briefing(ctx: ExportContext, path: str | Path, options=None) -> int:
    """Write the window's briefing (PDF, PPTX or HTML by suffix) with ``options``
    (:class:`.briefing_dialog.BriefingOptions`); returns the encounters."""
    from .briefing_dialog import BriefingOptions
    from .briefing_write import write_briefing_file

    options = options or BriefingOptions()
    return write_briefing_file(
        path,
        ctx.ts,
        ctx.analysis,
        pairs=briefing_pairs(ctx),
        marking=options.marking,
        paper=options.paper,
        theme=options.theme,
        notes=list(getattr(ctx.window, "annotations", []) or []),
    )


def export_briefing_interactive(window) -> None:
    """File ▸ Export ▸ Briefing…: PDF, PowerPoint or HTML of the selected (or ticked) pairs."""
    ctx = context_of(window)
    if ctx is None:
        return
    if ctx.analysis is None or not len(ctx.analysis.pairs):
        QtWidgets.QMessageBox.information(
            window, "Export briefing", "No encounter to brief (analysis unfinished or empty)."
        )
        return
    path, _ = QtWidgets.QFileDialog.getSaveFileName(
        window,
        "Export briefing",
        str(Path.home() / "briefing.pdf"),
        "PDF (*.pdf);;PowerPoint (*.pptx);;HTML (*.html)",
    )
    if not path:
        return
    if not Path(path).suffix:
        path += ".pdf"
    from . import briefing_dialog

    options = briefing_dialog.ask_briefing_options(window)
    if options is None:
        return
    QtWidgets.QApplication.setOverrideCursor(QtCore.Qt.CursorShape.WaitCursor)
    try:
        n = run_window_briefing(ctx, path, options)
    except ExportError as exc:
        QtWidgets.QMessageBox.critical(window, "Export briefing", str(exc))
        return
    finally:
        QtWidgets.QApplication.restoreOverrideCursor()
    _status(window, f"Saved {Path(path).name}: {n} encounter(s)")


# ---------------------------------------------------------------------------- menu wiring
def _status(window, text: str) -> None:
    bar = window.statusBar() if hasattr(window, "statusBar") else None
    if bar is not None:
        bar.showMessage(text, 6000)


def _file_menu(window: QtWidgets.QMainWindow) -> QtWidgets.QMenu:
    bar = window.menuBar()
    for action in bar.actions():
        menu = action.menu()
        if menu is not None and action.text().replace("&", "").strip().lower() == "file":
            return menu
    return bar.addMenu("&File")


def export_actions(window) -> list[QtGui.QAction]:
    """The export actions of ``window``: picture (Ctrl+Shift+S), copy, video, report,
    briefing."""
    style = window.style()
    picture = QtGui.QAction("&Picture…", window)
    picture.setObjectName("ExportPicture")
    picture.setIconText("Export")
    picture.setShortcut(QtGui.QKeySequence("Ctrl+Shift+S"))
    picture.setIcon(style.standardIcon(QtWidgets.QStyle.StandardPixmap.SP_DialogSaveButton))
    picture.setToolTip("Save a picture of the map, PNG or SVG (Ctrl+Shift+S)")
    picture.triggered.connect(lambda: export_picture_interactive(window))
    copy = QtGui.QAction("&Copy map picture", window)
    copy.setObjectName("ExportCopy")
    copy.setShortcut(QtGui.QKeySequence("Ctrl+Shift+C"))
    copy.setToolTip("Copy the map, captioned, to the clipboard (Ctrl+Shift+C)")
    copy.triggered.connect(lambda: copy_map_to_clipboard(window))
    video = QtGui.QAction("&Video…", window)
    video.setObjectName("ExportVideo")
    video.setToolTip("Render a clip of a time range (MP4 or GIF)")
    video.triggered.connect(lambda: export_video_interactive(window))
    report = QtGui.QAction("&Report…", window)
    report.setObjectName("ExportReport")
    report.setToolTip("One-page HTML briefing, or the pair table as CSV/JSON")
    report.triggered.connect(lambda: export_report_interactive(window))
    briefing = QtGui.QAction("&Briefing…", window)
    briefing.setObjectName("ExportBriefing")
    briefing.setToolTip("PDF, PowerPoint or HTML: one page per encounter (selected pair)")
    briefing.triggered.connect(lambda: export_briefing_interactive(window))
    actions = [picture, copy, video, report, briefing]
    for a in actions:
        a.setShortcutContext(QtCore.Qt.ShortcutContext.WindowShortcut)
    return actions


def install_export_actions(window) -> None:
    """Put the export actions into a main window that has ``canvas``, ``ts`` and ``state``.

    The window's own hook ``add_export_actions(actions, toolbar)`` is used when it has one
    (File ▸ Export, picture button on the toolbar); otherwise the actions go at the end of
    the File menu and the picture action on the first toolbar.
    """
    picture, *rest = export_actions(window)
    hook = getattr(window, "add_export_actions", None)
    if hook is not None:
        hook([picture], toolbar=True)
        hook(rest, toolbar=False)
    else:
        menu = _file_menu(window)
        menu.addSeparator()
        menu.addActions([picture, *rest])
        toolbars = window.findChildren(QtWidgets.QToolBar)
        if toolbars:
            toolbars[0].addAction(picture)
    enable = getattr(window, "sceneLoaded", None)
    update = _enabler(window, [picture, *rest])
    update()
    if enable is not None:
        enable.connect(update)


def _enabler(window, actions: list[QtGui.QAction]):
    def update() -> None:
        on = context_of(window) is not None
        for a in actions:
            a.setEnabled(on)

    return update


__all__ = [
    "ExportContext",
    "ExportImageDialog",
    "ExportVideoDialog",
    "ImageOptions",
    "VideoOptions",
    "context_of",
    "install_export_actions",
    "run_window_briefing",
    "run_window_video",
    "window_picture",
    "window_snapshot_image",
]
