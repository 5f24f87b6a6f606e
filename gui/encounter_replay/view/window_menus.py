"""The menu bar and the main toolbar, built from the window's actions.

Besides the actions of :mod:`.actions`, the menus own a few lists of their own: recent
files, trail lengths, object classes, the dock panels, and File ▸ Export, which holds
disabled placeholders until the export layer puts its actions there.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from PySide6 import QtCore, QtGui, QtWidgets

from ..model.replay import STEPS
from ..model.trackset import ObjectClass
from .actions import WindowActions
from .recent_files import RecentFiles

#: View ▸ Trail length: label and seconds of history drawn behind each head (None: all).
TRAIL_CHOICES: tuple[tuple[str, float | None], ...] = (
    ("Off", 0.0),
    ("30 s", 30.0),
    ("1 min", 60.0),
    ("2 min", 120.0),
    ("5 min", 300.0),
    ("10 min", 600.0),
    ("Full history", None),
)
CLASS_NAMES = tuple(c.value for c in ObjectClass)


class WindowMenus(QtCore.QObject):
    """The window's menu bar. ``on_trail(seconds)`` and ``on_class_visible(cls, visible)``
    are called when the user picks a trail length or toggles a class; ``show_trail`` and
    ``show_class_visible`` make the menus reflect a change made elsewhere."""

    def __init__(
        self,
        window: QtWidgets.QMainWindow,
        actions: WindowActions,
        docks: Iterable[QtWidgets.QDockWidget],
        settings: QtCore.QSettings,
        trail_s: float | None,
        on_trail: Callable[[float | None], None],
        on_class_visible: Callable[[str, bool], None],
    ) -> None:
        super().__init__(window)
        a = actions
        mb = window.menuBar()
        m = mb.addMenu("&File")
        m.addActions([a.open, a.add, a.open_encounters])
        self.recent = RecentFiles(settings, m.addMenu("Recent &files"))
        m.addSeparator()
        m.addActions([a.open_session, a.save_session])
        m.addSeparator()
        self.export_menu = m.addMenu("&Export")
        self._export_placeholders: list[QtGui.QAction] = []
        for text in ("Map image…", "Video…", "Encounter report…"):
            p = self.export_menu.addAction(text)
            p.setEnabled(False)
            p.setToolTip("Export is not available in this build")
            self._export_placeholders.append(p)
        m.addSeparator()
        m.addAction(a.quit)

        v = mb.addMenu("&View")
        self.view_menu = v
        v.addActions([a.fit, a.zoom_pair, a.follow])
        trail_menu = v.addMenu("&Trail length")
        self.trail_group = QtGui.QActionGroup(window)
        for label, seconds in TRAIL_CHOICES:
            t = trail_menu.addAction(label)
            t.setCheckable(True)
            t.setData(seconds)
            t.setChecked(seconds == trail_s)
            t.triggered.connect(lambda _=False, s=seconds: on_trail(s))
            self.trail_group.addAction(t)
        class_menu = v.addMenu("&Classes")
        self.class_actions: dict[str, QtGui.QAction] = {}
        for cls in CLASS_NAMES:
            c = class_menu.addAction(cls.capitalize())
            c.setCheckable(True)
            c.setChecked(True)
            c.toggled.connect(lambda on, cls=cls: on_class_visible(cls, on))
            self.class_actions[cls] = c
        v.addSeparator()
        v.addAction(a.units)
        v.addAction(a.all_bands)
        v.addAction(a.timeline_reset)
        v.addSeparator()
        panels = v.addMenu("&Panels")
        for d in docks:
            panels.addAction(d.toggleViewAction())

        p = mb.addMenu("&Playback")
        p.addActions([a.play, a.reverse, a.back, a.fwd, a.prev, a.next])
        p.addSeparator()
        p.addActions([a.faster, a.slower])
        step_menu = p.addMenu("Step si&ze")
        self.step_group = QtGui.QActionGroup(window)
        for seconds in STEPS:
            st = step_menu.addAction(f"{seconds:g} s" if seconds > 0 else "Next sample")
            st.setCheckable(True)
            st.setData(seconds)
            st.setChecked(seconds == 1.0)
            self.step_group.addAction(st)
        p.addSeparator()
        p.addActions([a.start, a.end, a.cpa])
        p.addSeparator()
        p.addActions([a.loop_view, a.loop_clear])
        p.addSeparator()
        p.addAction(a.note)

        mb.addMenu("&Analysis").addActions([a.settings, a.rerun])
        mb.addMenu("&Help").addActions([a.keys, a.about])

    def bind(self, controller) -> None:
        """Show the controller's trail length and hidden classes as checked items."""
        controller.stateChanged.connect(self._on_state)
        self.step_group.triggered.connect(lambda act: controller.set_step(float(act.data())))

    def _on_state(self, old, new) -> None:
        if new.trail_s != old.trail_s:
            self.show_trail(new.trail_s)
        for cls in old.hidden_classes ^ new.hidden_classes:
            self.show_class_visible(cls, cls not in new.hidden_classes)

    def show_trail(self, seconds: float | None) -> None:
        for a in self.trail_group.actions():
            a.setChecked(a.data() == seconds)

    def show_class_visible(self, cls: str, visible: bool) -> None:
        a = self.class_actions.get(cls)
        if a is not None and a.isChecked() != visible:
            a.setChecked(visible)

    def add_export_actions(self, actions: Iterable[QtGui.QAction]) -> None:
        """Put ``actions`` in File ▸ Export, replacing the disabled placeholders."""
        for a in self._export_placeholders:
            self.export_menu.removeAction(a)
        self._export_placeholders = []
        self.export_menu.addActions(list(actions))


def build_toolbar(window: QtWidgets.QMainWindow, actions: WindowActions) -> QtWidgets.QToolBar:
    """Open, add, save; fit, zoom to pair, follow; settings. Export adds its button last."""
    a = actions
    tb = QtWidgets.QToolBar("Main", window)
    tb.setObjectName("MainToolbar")
    tb.setMovable(False)
    tb.setIconSize(QtCore.QSize(18, 18))
    tb.setToolButtonStyle(QtCore.Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
    sp = QtWidgets.QStyle.StandardPixmap
    a.open.setIcon(window.style().standardIcon(sp.SP_DialogOpenButton))
    a.add.setIcon(window.style().standardIcon(sp.SP_FileDialogNewFolder))
    a.save_session.setIcon(window.style().standardIcon(sp.SP_DialogSaveButton))
    tb.addActions([a.open, a.add, a.save_session])
    tb.addSeparator()
    tb.addActions([a.fit, a.zoom_pair, a.follow])
    tb.addSeparator()
    tb.addAction(a.settings)
    tb.addSeparator()  # the export layer's picture button goes after it
    window.addToolBar(QtCore.Qt.ToolBarArea.TopToolBarArea, tb)
    return tb
