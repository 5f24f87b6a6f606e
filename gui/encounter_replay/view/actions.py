"""Every command of the window as a QAction: its text, handler, shortcut and tip.

The actions are added to the window itself, so their shortcuts work whether or not a menu
or toolbar shows them; menus, toolbar, transport buttons and the keys help all reuse these
objects (see :mod:`.window_menus`). To add a command: a field here, a line in
:func:`create_actions`, then put it in a menu.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6 import QtCore, QtGui, QtWidgets

from . import dialogs, session_bridge

if TYPE_CHECKING:
    from .main_window import MainWindow

Shortcut = str | QtGui.QKeySequence | QtGui.QKeySequence.StandardKey | list


@dataclass(frozen=True)
class WindowActions:
    # File
    open: QtGui.QAction
    add: QtGui.QAction
    open_encounters: QtGui.QAction
    open_session: QtGui.QAction
    save_session: QtGui.QAction
    quit: QtGui.QAction
    # Playback
    play: QtGui.QAction
    reverse: QtGui.QAction
    back: QtGui.QAction
    fwd: QtGui.QAction
    prev: QtGui.QAction
    next: QtGui.QAction
    faster: QtGui.QAction
    slower: QtGui.QAction
    start: QtGui.QAction
    end: QtGui.QAction
    cpa: QtGui.QAction
    loop_view: QtGui.QAction
    loop_clear: QtGui.QAction
    note: QtGui.QAction
    # View
    fit: QtGui.QAction
    follow: QtGui.QAction
    zoom_pair: QtGui.QAction
    timeline_reset: QtGui.QAction
    units: QtGui.QAction
    all_bands: QtGui.QAction
    # Analysis
    settings: QtGui.QAction
    rerun: QtGui.QAction
    # Help
    about: QtGui.QAction
    keys: QtGui.QAction

    def update_enabled(
        self, has_scene: bool, pair_selected: bool, track: int | None, follow: int | None
    ) -> None:
        """Enable what makes sense now: most commands need a scene with tracks, CPA and
        zoom-to-pair a selected pair, follow a selected (or followed) track."""
        for a in (
            self.add,
            self.rerun,
            self.save_session,
            self.play,
            self.reverse,
            self.back,
            self.fwd,
            self.prev,
            self.next,
            self.start,
            self.end,
            self.fit,
            self.loop_view,
            self.loop_clear,
            self.note,
        ):
            a.setEnabled(has_scene)
        self.zoom_pair.setEnabled(has_scene and pair_selected)
        self.cpa.setEnabled(has_scene and pair_selected)
        following = follow is not None
        self.follow.setEnabled(has_scene and (track is not None or following))
        self.follow.blockSignals(True)  # showing the state, not asking for a change
        self.follow.setChecked(following)
        self.follow.blockSignals(False)

    def listed_in_keys_help(self) -> tuple[QtGui.QAction, ...]:
        """What Help ▸ Keyboard shortcuts lists, in this order."""
        return (
            self.play,
            self.reverse,
            self.back,
            self.fwd,
            self.prev,
            self.next,
            self.faster,
            self.slower,
            self.start,
            self.end,
            self.cpa,
            self.loop_view,
            self.note,
            self.fit,
            self.zoom_pair,
            self.follow,
            self.units,
            self.timeline_reset,
        )


def _action(
    window: QtWidgets.QWidget,
    text: str,
    slot: Any = None,
    shortcut: Shortcut | None = None,
    tip: str = "",
    checkable: bool = False,
) -> QtGui.QAction:
    a = QtGui.QAction(text, window)
    if slot is not None:
        (a.toggled if checkable else a.triggered).connect(slot)
    if shortcut is not None:
        seqs = shortcut if isinstance(shortcut, list) else [shortcut]
        a.setShortcuts([QtGui.QKeySequence(s) for s in seqs])
        a.setShortcutContext(QtCore.Qt.ShortcutContext.WindowShortcut)
    if tip:
        a.setStatusTip(tip)
        a.setToolTip(tip)
    a.setCheckable(checkable)
    window.addAction(a)  # shortcuts work whether or not a menu shows the action
    return a


def _placeholder(action: QtGui.QAction, tip: str) -> QtGui.QAction:
    """Disabled until another module plugs a handler in (and enables it)."""
    action.setEnabled(False)
    action.setToolTip(tip)
    action.setStatusTip(tip)
    return action


def create_actions(w: MainWindow) -> WindowActions:
    """The window's actions, connected to its methods and its controller."""
    K = QtGui.QKeySequence.StandardKey
    c = w.controller

    def act(*args: Any, **kwargs: Any) -> QtGui.QAction:
        return _action(w, *args, **kwargs)

    return WindowActions(
        open=act("&Open…", w.open_dialog, K.Open, "Open recordings (replaces the scene)"),
        add=act("&Add files…", w.add_dialog, "Ctrl+Shift+O", "Add recordings to the scene"),
        open_encounters=_placeholder(
            act("Open encounter &list…"), "Encounter lists are not available in this build"
        ),
        open_session=act("Open &session…", lambda: session_bridge.open_dialog(w), "Ctrl+Alt+O"),
        save_session=act(
            "Sa&ve session…",
            lambda: session_bridge.save_dialog(w),
            K.Save,
            "Save files, view, time and selection",
        ),
        quit=act("&Quit", w.close, K.Quit),
        play=act("&Play / pause", c.toggle, "Space"),
        reverse=act("Play bac&kwards / pause", c.toggle_reverse, "Shift+Space"),
        back=act("Step &back", lambda: c.step(-1), "Left"),
        fwd=act("Step &forward", lambda: c.step(1), "Right"),
        prev=act("P&revious event or CPA", c.prev_mark, "Shift+Left"),
        next=act("&Next event or CPA", c.next_mark, "Shift+Right"),
        faster=act("&Faster", c.faster, ["+", "=", "Shift++"]),
        slower=act("&Slower", c.slower, ["-", "_"]),
        start=act("Jump to s&tart", c.jump_start, "Home"),
        end=act("Jump to &end", c.jump_end, "End"),
        cpa=act("Jump to &CPA of selected pair", w.nav.jump_to_selected_cpa, "C"),
        loop_view=act("&Loop visible timeline range", w.nav.loop_visible_range, "L"),
        loop_clear=act("Clear l&oop", lambda: c.set_loop(None)),
        note=act("Add &note at this time…", w.add_note_dialog, "N"),
        fit=act("&Fit map to tracks", w.nav.fit_map, "F"),
        follow=act(
            "F&ollow selected track", w.nav.toggle_follow_selected, "Shift+F", checkable=True
        ),
        zoom_pair=act("&Zoom map to selected pair", w.nav.zoom_to_selected_pair, "Z"),
        timeline_reset=act("Reset timeline &zoom", w.timeline.reset_zoom, "0"),
        settings=act("Analysis &settings…", w.open_settings, "Ctrl+,"),
        rerun=act("&Re-run analysis", lambda: w.rerun_analysis(), "Ctrl+R"),
        units=act(
            "Metric units (km, m, km/h)",
            lambda metric: c.set_units("km" if metric else "nm"),
            "U",
            checkable=True,
        ),
        all_bands=act("Timeline bands for all pairs", w.timeline.set_all_pairs, checkable=True),
        about=act("&About Encounter Replay", lambda: dialogs.show_about(w)),
        keys=act(
            "&Keyboard shortcuts",
            lambda: dialogs.show_keys(w, w.commands.listed_in_keys_help()),
            "F1",
        ),
    )
