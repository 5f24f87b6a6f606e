"""The replay window end to end under offscreen Qt: loading, playback, seeking, selection,
settings, bad input, drag and drop, sessions, shortcuts, a repaint soak and a screenshot.

Expected numbers come from the scene's construction (tests/gui_scene.py), not from the
code under test. Modal dialogs are never shown: QMessageBox.critical is replaced.
"""

from __future__ import annotations

import dataclasses
import time

import numpy as np
import pytest
from PySide6 import QtCore, QtGui, QtWidgets

import gui_scene
from encounter_replay.io import ReadOptions
from encounter_replay.view.main_window import MainWindow

pytestmark = pytest.mark.gui
LOAD_MS = 20_000


@pytest.fixture
def errors(monkeypatch):
    """Error dialogs recorded instead of shown."""
    shown: list[tuple[str, str]] = []

    def critical(parent, title, text, *args, **kwargs):
        shown.append((title, text))
        return QtWidgets.QMessageBox.StandardButton.Ok

    monkeypatch.setattr(QtWidgets.QMessageBox, "critical", staticmethod(critical))
    return shown


@pytest.fixture
def make_window(qtbot, tmp_path, errors):
    def make(size: tuple[int, int] | None = (1400, 900)) -> MainWindow:
        settings = QtCore.QSettings(
            str(tmp_path / "settings.ini"), QtCore.QSettings.Format.IniFormat
        )
        w = MainWindow(ReadOptions(), settings=settings)
        qtbot.addWidget(w)
        if size is not None:
            w.resize(*size)
        w.show()
        qtbot.waitExposed(w)
        return w

    return make


@pytest.fixture
def window(make_window) -> MainWindow:
    return make_window()


@pytest.fixture
def csv_file(tmp_path):
    return gui_scene.write_csv(tmp_path / "scene.csv")


def load(qtbot, w: MainWindow, paths, add: bool = False) -> None:
    with qtbot.waitSignal(w.sceneLoaded, timeout=LOAD_MS):
        w.open_files([str(p) for p in paths], add=add)


@pytest.fixture
def loaded(qtbot, window, csv_file) -> MainWindow:
    load(qtbot, window, [csv_file])
    return window


# ---------------------------------------------------------------------------- loading
def test_open_reads_in_worker_and_fills_every_view(qtbot, loaded, csv_file):
    w = loaded
    assert len(w.ts) == 4 and w.files == [str(csv_file)]
    assert w.stack.currentWidget() is w.canvas
    assert w.encounters.row_count() == 3
    # closest pair first: the two jets, CPA where their longitudes cross
    a, b, t = w.encounters.pair_at_view_row(0)
    assert {w.ts.ids[a], w.ts.ids[b]} == {"101", "202"}
    assert t == pytest.approx(gui_scene.T0 + gui_scene.MEET_S, abs=0.01)
    assert (
        w.controller.clock.start == gui_scene.T0
        and w.controller.clock.end == gui_scene.T0 + gui_scene.DURATION
    )
    assert w.clock.text() == "23:06:40.0Z"
    assert w.tracks.model.rowCount() == 4
    assert "4 tracks" in w.scene_label.text()
    assert str(csv_file) in w.recent_files()[0]


def test_add_files_merges_and_open_replaces(qtbot, loaded, tmp_path):
    w = loaded
    other = gui_scene.write_csv(tmp_path / "other.csv", id_prefix="X", callsign_prefix="X")
    load(qtbot, w, [other], add=True)
    assert len(w.ts) == 8 and len(w.files) == 2
    load(qtbot, w, [other])
    assert len(w.ts) == 4 and w.files == [str(other)]
    assert w.ts.ids[0].startswith("X")


def test_bad_file_shows_error_and_keeps_previous_scene(qtbot, loaded, tmp_path, errors):
    w = loaded
    before = w.ts
    w.controller.seek(gui_scene.T0 + 100)
    bad = tmp_path / "garbage.bin"
    bad.write_bytes(bytes(range(256)) * 40)
    with qtbot.waitSignal(w.loadFailed, timeout=LOAD_MS) as sig:
        w.open_files([str(bad)])
    assert "garbage.bin" in sig.args[0]
    assert len(errors) == 1
    title, text = errors[0]
    assert title == "Cannot open file"
    assert "garbage.bin" in text and "Line:" in text and "Cause:" in text
    assert "previous scene is unchanged" in text
    assert w.ts is before and w.state.time == gui_scene.T0 + 100
    assert w.encounters.row_count() == 3


def test_cancel_keeps_previous_scene(qtbot, loaded, tmp_path):
    w = loaded
    before = w.ts
    more = [gui_scene.write_csv(tmp_path / f"f{i}.csv", id_prefix=f"F{i}") for i in range(3)]
    w.open_files([str(p) for p in more])
    assert w.busy() and w.cancel_button.isVisible()
    w.cancel_load()
    qtbot.waitUntil(lambda: not w.busy(), timeout=LOAD_MS)
    assert w.ts is before and len(w.ts) == 4
    assert not w.cancel_button.isVisible()


@pytest.fixture
def endless_analysis(monkeypatch):
    """An analysis that runs until the progress callback says stop (as Cancel makes it)."""
    from encounter_replay.view import loader

    real = loader.run_analysis
    state = {"endless": True}

    def run(ts, settings, progress):
        if not state["endless"]:
            return real(ts, settings, progress)
        while progress(0.5):
            time.sleep(0.005)
        raise loader.Cancelled()

    monkeypatch.setattr(loader, "run_analysis", run)
    return state


def test_cancel_while_analysing_keeps_the_tracks_and_rerun_completes(
    qtbot, window, csv_file, endless_analysis
):
    w = window
    with qtbot.waitSignal(w.sceneShown, timeout=LOAD_MS):
        w.open_files([str(csv_file)])
    assert len(w.ts) == 4 and w.busy()  # tracks on screen, analysis still running
    w.cancel_load()
    qtbot.waitUntil(lambda: not w.busy(), timeout=LOAD_MS)
    assert w.analysis is None and len(w.ts) == 4
    assert "Analysis cancelled" in w.encounters.summary.text()
    endless_analysis["endless"] = False
    with qtbot.waitSignal(w.analysisChanged, timeout=LOAD_MS):
        w.act_rerun.trigger()
    assert w.encounters.row_count() == 3


def test_cancelled_rerun_keeps_previous_results_and_settings(qtbot, loaded, endless_analysis):
    w = loaded
    before = w.analysis
    assert w.apply_settings({"within_m": 5 * 1852.0})
    assert w.busy()
    w.cancel_load()
    qtbot.waitUntil(lambda: not w.busy(), timeout=LOAD_MS)
    assert w.analysis is before and w.encounters.row_count() == 3
    assert w.analysis_settings == before.settings


# ---------------------------------------------------------------------------- playback
def test_play_advances_by_wall_time_and_pause_stops(qtbot, loaded):
    w = loaded
    w.controller.set_speed(8)
    start = w.state.time
    t_wall = time.perf_counter()
    w.controller.play()
    assert w.controller.playing
    # wait for the clock to move, not for a fixed time: on a busy machine the first tick
    # can come late, and the replay then (rightly) moves less in a fixed wait
    qtbot.waitUntil(
        lambda: w.controller.frames >= 3 and w.state.time - start >= 1.6, timeout=60_000
    )
    w.controller.pause()
    wall = time.perf_counter() - t_wall
    moved = w.state.time - start
    assert 1.6 <= moved <= 8 * wall + 1e-6  # never ahead of wall clock × speed
    frozen = w.state.time
    qtbot.wait(100)
    assert w.state.time == frozen and not w.controller.playing
    assert w.clock.text() != "23:06:40.0Z"


def test_timeline_click_and_drag_seek(qtbot, loaded):
    w = loaded
    tl = w.timeline
    target = gui_scene.T0 + 420.0
    x = round(tl.time_to_x(target))
    y = int(tl._row_rect(0).center().y())
    qtbot.mouseClick(tl, QtCore.Qt.MouseButton.LeftButton, pos=QtCore.QPoint(x, y))
    seconds_per_px = (tl.view[1] - tl.view[0]) / tl._plot_width()
    assert abs(w.state.time - target) <= seconds_per_px
    # drag: press at one x, move, release → lands at the release position
    x2 = round(tl.time_to_x(gui_scene.T0 + 100))
    qtbot.mousePress(tl, QtCore.Qt.MouseButton.LeftButton, pos=QtCore.QPoint(x, y))
    qtbot.mouseMove(tl, QtCore.QPoint(x2, y))
    qtbot.mouseRelease(tl, QtCore.Qt.MouseButton.LeftButton, pos=QtCore.QPoint(x2, y))
    assert abs(w.state.time - (gui_scene.T0 + 100)) <= seconds_per_px


def test_table_click_selects_pair_and_lands_on_cpa(qtbot, loaded):
    w = loaded
    view = w.encounters.view
    rect = view.visualRect(w.encounters.proxy.index(0, 1))
    qtbot.mouseClick(view.viewport(), QtCore.Qt.MouseButton.LeftButton, pos=rect.center())
    pair = w.state.pair
    assert pair is not None and {w.ts.ids[pair[0]], w.ts.ids[pair[1]]} == {"101", "202"}
    assert w.state.time == pytest.approx(gui_scene.T0 + gui_scene.MEET_S, abs=0.01)
    assert "VIPER 1" in w.pair_label.text() and "FENCER 1" in w.pair_label.text()
    # the plots show that pair's separation, whose minimum is the 100 m vertical offset
    from encounter_replay.view.panels.plots import curve_data

    _x, y = curve_data(w.plots.slant_curve)
    assert np.nanmin(y) == pytest.approx(100 / 1852, abs=0.02)
    # the timeline now highlights this pair's CPA
    assert any(m.kind == "cpa_sel" for m in w.timeline._marks)


def test_table_filters_by_name_and_loss_of_separation(qtbot, loaded):
    w = loaded
    table = w.encounters
    table.filter_edit.setText("texaco")
    assert table.row_count() == 2  # the two jets against the tanker
    table.filter_edit.clear()
    table.los_button.setChecked(True)
    assert table.row_count() == 1  # only the jets lose separation (0 NM / 100 m)
    a, b, _t = table.pair_at_view_row(0)
    assert {w.ts.ids[a], w.ts.ids[b]} == {"101", "202"}
    table.los_button.setChecked(False)
    assert table.row_count() == 3


def test_table_double_click_zooms_the_map_onto_the_pair(qtbot, loaded):
    w = loaded
    w.canvas.fit_to_tracks()
    x0, x1, _y0, _y1 = w.canvas.view_rect()
    view = w.encounters.view
    rect = view.visualRect(w.encounters.proxy.index(0, 0))
    # a real double-click: press/release, then the double-click event
    qtbot.mouseClick(view.viewport(), QtCore.Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(view.viewport(), QtCore.Qt.MouseButton.LeftButton, pos=rect.center())
    assert w.state.time == pytest.approx(gui_scene.T0 + gui_scene.MEET_S, abs=0.01)
    z0, z1, _y0, _y1 = w.canvas.view_rect()
    assert (z1 - z0) < 0.5 * (x1 - x0)  # closer in than the whole scene
    assert z0 < 0 < z1  # the jets meet at the scene's centre longitude: x = 0 on the AEQD map


def test_settings_change_reruns_analysis_and_table_changes(qtbot, loaded):
    w = loaded
    assert w.encounters.row_count() == 3
    dlg = w.open_settings()
    assert dlg is not None and dlg.isVisible()
    dlg.set_value("within_m", 10.0)  # NM: the tanker pairs (~24 NM) drop out
    with qtbot.waitSignal(w.analysisChanged, timeout=LOAD_MS):
        dlg.accept()
    assert w.encounters.row_count() == 1
    assert w.analysis.settings.within_m == pytest.approx(10 * 1852)
    # units only: no re-run, relabelled table
    assert not w.apply_settings({}, units="km")
    assert w.encounters.model.headerData(2, QtCore.Qt.Orientation.Horizontal, 0) == "Slant\nkm"
    assert w.encounters.model.data(w.encounters.model.index(0, 2), 0) == "0.10"


def test_drop_files_opens_them_and_ctrl_drop_adds(qtbot, window, csv_file, tmp_path):
    w = window

    def drop(paths, mods=QtCore.Qt.KeyboardModifier.NoModifier):
        mime = QtCore.QMimeData()
        mime.setUrls([QtCore.QUrl.fromLocalFile(str(p)) for p in paths])
        pos = QtCore.QPointF(w.width() / 2, w.height() / 2)
        enter = QtGui.QDragEnterEvent(
            pos.toPoint(),
            QtCore.Qt.DropAction.CopyAction,
            mime,
            QtCore.Qt.MouseButton.LeftButton,
            mods,
        )
        QtWidgets.QApplication.sendEvent(w, enter)
        assert enter.isAccepted()
        event = QtGui.QDropEvent(
            pos, QtCore.Qt.DropAction.CopyAction, mime, QtCore.Qt.MouseButton.LeftButton, mods
        )
        with qtbot.waitSignal(w.sceneLoaded, timeout=LOAD_MS):
            QtWidgets.QApplication.sendEvent(w, event)

    drop([csv_file])
    assert len(w.ts) == 4
    other = gui_scene.write_csv(tmp_path / "b.csv", id_prefix="B", callsign_prefix="B")
    drop([other], QtCore.Qt.KeyboardModifier.ControlModifier)
    assert len(w.ts) == 8
    # something that is not a file is refused
    mime = QtCore.QMimeData()
    mime.setText("hello")
    enter = QtGui.QDragEnterEvent(
        QtCore.QPoint(5, 5),
        QtCore.Qt.DropAction.CopyAction,
        mime,
        QtCore.Qt.MouseButton.LeftButton,
        QtCore.Qt.KeyboardModifier.NoModifier,
    )
    QtWidgets.QApplication.sendEvent(w, enter)
    assert not enter.isAccepted()


def test_session_round_trip_restores_state(qtbot, loaded, make_window, tmp_path):
    w = loaded
    w.select_pair(0, 1)
    w.controller.seek(gui_scene.T0 + 250.5)
    w.controller.set_speed(16)
    w.controller.set_loop(gui_scene.T0 + 200, gui_scene.T0 + 300)
    w.controller.set_class_visible("weapon", False)
    w.tracks.set_color(2, "#00ff00")
    w.controller.set_units("km")
    w.controller.set_trail(300.0)
    w.apply_settings({"visual_range_m": 8 * 1852.0})
    qtbot.waitUntil(lambda: not w.busy(), timeout=LOAD_MS)
    w.canvas.zoom_to_pair(0, 1, w.state.time)
    view = w.canvas.view_rect()
    from encounter_replay.model.session import Annotation

    w.annotations = [Annotation(gui_scene.T0 + 300, "Merge", "101")]
    path = tmp_path / "brief.json"
    w.save_session(str(path))

    w2 = make_window()
    with qtbot.waitSignal(w2.sceneLoaded, timeout=LOAD_MS):
        assert w2.open_session(str(path))
    s = w2.state
    assert w2.files == w.files
    assert s.time == pytest.approx(gui_scene.T0 + 250.5)
    assert s.pair == (0, 1) and s.speed == 16
    assert s.loop == (gui_scene.T0 + 200, gui_scene.T0 + 300)
    assert s.hidden_classes == {"weapon"} and s.colors == {2: "#00ff00"}
    assert s.units == "km" and s.trail_s == 300.0
    assert w2.analysis_settings.visual_range_m == pytest.approx(8 * 1852.0)
    assert not w2.class_actions["weapon"].isChecked()
    assert w2.annotations == w.annotations
    # same map centre and scale (the aspect lock may trim the other axis to the widget)
    x0, x1, y0, y1 = w2.canvas.view_rect()
    assert ((x0 + x1) / 2, (y0 + y1) / 2) == pytest.approx(
        ((view[0] + view[1]) / 2, (view[2] + view[3]) / 2), abs=50.0
    )
    assert x1 - x0 == pytest.approx(view[1] - view[0], rel=0.01)


def test_notes_on_the_timeline_and_in_the_marks(qtbot, loaded):
    w = loaded
    w.controller.seek(gui_scene.T0 + 123)
    w.controller.select_track(0)
    dlg = w.add_note_dialog()
    dlg.setTextValue("  Tally two bandits  ")
    dlg.accept()
    (note,) = w.annotations
    assert note.time == gui_scene.T0 + 123 and note.text == "Tally two bandits"
    assert note.track == "101"
    assert w.add_annotation("   ") is None  # empty notes are not kept
    mark = w.timeline.mark_at(w.timeline.time_to_x(gui_scene.T0 + 123))
    assert mark is not None and mark.kind == "note" and "Tally two bandits" in mark.tooltip
    w.controller.jump_start()
    w.controller.next_mark()
    assert w.state.time == gui_scene.T0 + 123  # the note is the first mark (no events in CSV)
    # a new scene replaces the notes; an added file keeps them
    load(qtbot, w, [w.files[0]], add=True)
    assert len(w.annotations) == 1
    load(qtbot, w, [w.files[0]])
    assert w.annotations == [] and not [m for m in w.timeline._marks if m.kind == "note"]


def test_bad_session_gives_error(window, tmp_path, errors):
    path = tmp_path / "s.json"
    path.write_text('{"schema": "encounter-replay-session", "version": 7}')
    assert not window.open_session(str(path))
    assert errors and "newer Encounter Replay" in errors[0][1]


def test_keyboard_shortcuts(qtbot, window):
    from encounter_replay.analysis import analyze

    w = window
    ts = gui_scene.trackset()  # built in code: carries two events, at +200 s and +260 s
    w.set_scene(ts, analyze(ts, w.analysis_settings), ["scene"])
    w.activateWindow()
    w.encounters.view.setFocus()  # shortcuts work with focus in a panel, which must not jump
    K, M = QtCore.Qt.Key, QtCore.Qt.KeyboardModifier
    t0 = gui_scene.T0
    qtbot.keyClick(w, K.Key_Right)
    assert w.state.time == t0 + 1
    qtbot.keyClick(w, K.Key_Left)
    assert w.state.time == t0
    visited = []
    for _ in range(6):
        qtbot.keyClick(w, K.Key_Right, M.ShiftModifier)
        visited.append(round(w.state.time - t0, 2))
    # events and CPAs in time order; after the last one the clock stays put
    assert visited[0] == 200 and 260 in visited and round(gui_scene.MEET_S, 2) in visited
    assert visited == sorted(visited) and visited[-1] == visited[-2]
    qtbot.keyClick(w, K.Key_Left, M.ShiftModifier)
    assert w.state.time - t0 < visited[-1]
    qtbot.keyClick(w, K.Key_Plus)
    assert w.state.speed == 2
    qtbot.keyClick(w, K.Key_Minus)
    qtbot.keyClick(w, K.Key_Minus)
    assert w.state.speed == 0.5
    qtbot.keyClick(w, K.Key_End)
    assert w.state.time == t0 + gui_scene.DURATION
    qtbot.keyClick(w, K.Key_Home)
    assert w.state.time == t0
    qtbot.keyClick(w, K.Key_Space)
    assert w.controller.playing
    qtbot.keyClick(w, K.Key_Space)
    assert not w.controller.playing
    # with the map focused too (pyqtgraph's view must not swallow the keys)
    view = w.canvas.findChild(QtWidgets.QGraphicsView)
    view.setFocus()
    before = w.state.time
    qtbot.keyClick(view, K.Key_Right)
    assert w.state.time == before + 1
    qtbot.keyClick(view, K.Key_Space)
    assert w.controller.playing
    w.controller.pause()


def test_track_list_hides_and_recolours(qtbot, loaded):
    w = loaded
    m = w.tracks.model
    m.setData(
        m.index(1, 0), QtCore.Qt.CheckState.Unchecked.value, QtCore.Qt.ItemDataRole.CheckStateRole
    )
    assert w.state.hidden_tracks == {1}
    w.tracks.set_color(0, "#123456")
    assert w.state.colors == {0: "#123456"}
    w.tracks.class_buttons["weapon"].click()
    assert w.state.hidden_classes == {"weapon"}
    assert not w.class_actions["weapon"].isChecked()
    w.controller.select_track(2)
    w.act_follow.trigger()
    assert w.state.follow_track == 2 and w.act_follow.isChecked()
    w.act_follow.trigger()
    assert w.state.follow_track is None and not w.act_follow.isChecked()
    w.tracks.followRequested.emit(1)
    assert w.state.follow_track == 1 and m.data(m.index(1, 5), 0) == "●"
    assert w.act_follow.isChecked()
    assert m.data(m.index(0, 5), 0) == "○"
    # clicking the follow cell again stops following
    view = w.tracks.view
    qtbot.mouseClick(
        view.viewport(),
        QtCore.Qt.MouseButton.LeftButton,
        pos=view.visualRect(w.tracks.proxy.mapFromSource(m.index(1, 5))).center(),
    )
    assert w.state.follow_track is None


def test_settings_file_from_environment(qtbot, tmp_path, monkeypatch):
    from encounter_replay.view.main_window import SETTINGS_ENV, default_qsettings

    monkeypatch.setenv(SETTINGS_ENV, str(tmp_path / "kiosk.ini"))
    s = default_qsettings()
    s.setValue("view/units", "km")
    s.sync()
    assert "units=km" in (tmp_path / "kiosk.ini").read_text()


def test_window_state_is_remembered(qtbot, make_window):
    # A size within the 800×800 offscreen screen (restore clamps to it) and above the
    # window's minimum, which grows with the toolbar.
    probe = make_window(size=None)
    width = min(800, max(760, probe.minimumSizeHint().width()))
    probe.close()
    w = make_window((width, 700))
    assert w.size() == QtCore.QSize(width, 700)
    assert w.dock_plots.isVisible()
    w.dock_plots.close()
    w.close()
    w2 = make_window(size=None)
    assert w2.size() == QtCore.QSize(width, 700)
    assert not w2.dock_plots.isVisible() and w2.dock_encounters.isVisible()


def test_repaint_soak_3000_frames(qtbot, loaded):
    """docs/targets.md: thousands of timer-driven repaints must not crash (PySide6 6.12 on 3.11 did).

    The clock's own timer drives every frame (interval 0 so it runs flat out); each tick
    updates the map, timeline, clock and plots, and the map is painted for each frame."""
    w = loaded
    w.resize(900, 640)  # the paint cost scales with the area; the crash did not
    w.select_pair(0, 1)
    w.controller.set_trail(None)
    c = w.controller
    c._timer.setInterval(0)
    c.set_speed(64)
    c.set_loop(gui_scene.T0, gui_scene.T0 + gui_scene.DURATION)
    painted = []
    view = w.canvas.findChild(QtWidgets.QGraphicsView)  # the map's plot, when pyqtgraph
    surface = view.viewport() if view is not None else w.canvas
    surface.installEventFilter(filt := _PaintCounter(painted))
    t = time.perf_counter()
    c.play()
    # what is guarded is a crash, not speed: on a busy machine 3,000 frames take minutes
    # (97 s with the load at 5.6 on two cores), so the limit only catches a hang
    qtbot.waitUntil(lambda: len(painted) >= 3000 and c.frames >= 3000, timeout=600_000)
    c.pause()
    elapsed = time.perf_counter() - t
    surface.removeEventFilter(filt)
    assert c.frames >= 3000
    print(f"soak: {c.frames} frames, {len(painted)} map paints in {elapsed:.1f} s")


class _PaintCounter(QtCore.QObject):
    def __init__(self, sink: list) -> None:
        super().__init__()
        self.sink = sink

    def eventFilter(self, obj, event) -> bool:
        if event.type() == QtCore.QEvent.Type.Paint:
            self.sink.append(1)
        return False


def test_screenshot_is_not_blank_and_map_shows_tracks(qtbot, loaded, tmp_path):
    w = loaded
    w.select_pair(0, 1)
    qtbot.wait(50)
    img = w.grab().toImage()
    assert img.width() >= 1000 and img.height() >= 700
    arr = _pixels(img)
    assert len(np.unique(arr.reshape(-1, arr.shape[-1]), axis=0)) > 50
    w.grab().save(str(tmp_path / "window.png"))
    # the map with its tracks, and the same map with every class hidden: the tracks
    # (trails, symbols, labels, the pair overlay) must account for a visible difference
    with_tracks = _pixels(w.canvas.grab().toImage()).astype(int)
    for cls in ("aircraft", "weapon"):
        w.controller.set_class_visible(cls, False)
    w.controller.select_pair(None)
    qtbot.wait(50)
    without = _pixels(w.canvas.grab().toImage()).astype(int)
    changed = np.abs(with_tracks - without).sum(axis=-1) > 60
    assert changed.sum() > 500


def _pixels(img: QtGui.QImage) -> np.ndarray:
    img = img.convertToFormat(QtGui.QImage.Format.Format_RGB888)
    w, h, bpl = img.width(), img.height(), img.bytesPerLine()
    buf = np.frombuffer(img.constBits(), dtype=np.uint8, count=bpl * h).reshape(h, bpl)
    return buf[:, : w * 3].reshape(h, w, 3)


def test_sample_encounter_opens(qtbot, window):
    from encounter_replay.resources import sample_path

    try:
        path = sample_path()
    except FileNotFoundError:
        pytest.skip("the sample encounter has not been generated yet")
    load(qtbot, window, [path])
    assert len(window.ts) >= 2 and window.analysis is not None
    assert window.encounters.row_count() >= 1


@pytest.mark.slow
def test_app_starts_from_the_command_line_and_reports_when_shown(csv_file, tmp_path):
    """`python -m encounter_replay FILE` under the smoke switch: shown, analysed, exit 0;
    a garbage file: the window still opens, the failure is reported, exit 1."""
    import os
    import subprocess
    import sys

    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", ENCOUNTER_REPLAY_EXIT_AFTER_SHOWN="1")
    env["ENCOUNTER_REPLAY_SETTINGS"] = str(tmp_path / "settings.ini")  # not the user's
    ok = subprocess.run(
        [sys.executable, "-m", "encounter_replay", str(csv_file)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert ok.returncode == 0, ok.stderr
    assert "shown" in ok.stdout and "(4 tracks, 3 pairs)" in ok.stdout
    bad = tmp_path / "junk.acmi"
    bad.write_bytes(b"\x00\x01garbage" * 50)
    fail = subprocess.run(
        [sys.executable, "-m", "encounter_replay", str(bad)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert fail.returncode == 1 and "load FAILED" in fail.stdout
    assert "Traceback" not in fail.stderr


def test_settings_dialog_converts_units_and_restores_defaults(qtbot):
    from encounter_replay.view.settings_dialog import DEFAULTS, SettingsDialog

    dlg = SettingsDialog({"visual_range_m": 5 * 1852.0, "vsep_m": 2000 * 0.3048}, "nm")
    qtbot.addWidget(dlg)
    assert dlg.spins["visual_range_m"].value() == pytest.approx(5.0)
    assert dlg.spins["vsep_m"].value() == pytest.approx(2000)
    dlg.units_combo.setCurrentIndex(1)  # km · m · km/h: same thresholds, other numbers
    assert dlg.spins["visual_range_m"].value() == pytest.approx(9.26)
    assert dlg.spins["vsep_m"].value() == pytest.approx(610)
    assert dlg.spins["visual_range_m"].suffix() == " km"
    dlg.set_value("hsep_m", 10.0)  # typed in km
    dlg.class_checks["weapon"].setChecked(True)
    v = dlg.values()
    assert v["hsep_m"] == pytest.approx(10_000.0)
    assert v["visual_range_m"] == pytest.approx(5 * 1852.0)  # not rounded by the display
    assert v["include"] == frozenset({"aircraft", "weapon"}) and dlg.units() == "km"
    dlg.restore_defaults()
    v = dlg.values()
    for key in ("visual_range_m", "hsep_m", "vsep_m", "within_m"):
        assert v[key] == pytest.approx(DEFAULTS[key])
    assert v["include"] == DEFAULTS["include"]


def test_settings_dialog_edits_daa_well_clear(qtbot):
    """DTHR in the distance unit, ZTHR in the altitude unit, TTHR in seconds, and the
    standard on or off; values come back in metres and seconds for AnalysisSettings."""
    from encounter_replay.analysis import AnalysisSettings
    from encounter_replay.view.settings_dialog import SettingsDialog

    dlg = SettingsDialog(AnalysisSettings().to_dict(), "nm")
    qtbot.addWidget(dlg)
    assert dlg.well_clear_check.isChecked()
    assert dlg.spins["dthr_m"].value() == pytest.approx(4000 * 0.3048 / 1852.0, abs=5e-4)
    assert dlg.spins["zthr_m"].value() == pytest.approx(450)
    assert dlg.spins["tthr_s"].value() == pytest.approx(35) and dlg.spins["tthr_s"].suffix() == " s"
    dlg.units_combo.setCurrentIndex(1)
    assert dlg.spins["zthr_m"].value() == pytest.approx(137)
    dlg.set_value("dthr_m", 1.5)  # km
    dlg.set_value("tthr_s", 20)
    dlg.well_clear_check.setChecked(False)
    assert not dlg.spins["dthr_m"].isEnabled()
    v = dlg.values()
    assert v["dthr_m"] == pytest.approx(1500.0) and v["tthr_s"] == 20.0
    assert v["zthr_m"] == pytest.approx(450 * 0.3048) and v["well_clear"] == "off"
    settings = dataclasses.replace(AnalysisSettings(), **v)  # what the window applies
    assert settings.well_clear == "off" and settings.dthr_m == pytest.approx(1500.0)
    dlg.restore_defaults()
    assert dlg.well_clear_check.isChecked()
    assert dlg.values()["tthr_s"] == 35.0


def test_closing_the_window_stops_the_canvas_timers(qtbot, make_window):
    w = make_window()
    w.canvas.tiles._timer.start()
    w.close()
    assert not w.canvas.tiles._timer.isActive()


def test_settings_dialog_visual_range_by_type(qtbot):
    from encounter_replay.view.settings_dialog import SettingsDialog

    dlg = SettingsDialog({"visual_range_by_type": {"MQ-1B": 5 * 1852.0}}, "nm")
    qtbot.addWidget(dlg)
    assert dlg.by_type_edit.text() == "MQ-1B=5"
    dlg.by_type_edit.setText("MQ-1B=5, Su-30SM=12")
    assert dlg.values()["visual_range_by_type"] == pytest.approx(
        {"MQ-1B": 5 * 1852.0, "Su-30SM": 12 * 1852.0}
    )
    dlg.units_combo.setCurrentIndex(1)
    assert dlg.by_type_edit.text() == "MQ-1B=9.26, Su-30SM=22.224"
    dlg.by_type_edit.setText("Su-30SM=twelve")
    dlg.values()
    assert "not TYPE=DISTANCE" in dlg.by_type_error.text()


def test_visual_range_by_type_reaches_the_analysis(qtbot, loaded):
    w = loaded
    name = w.ts.meta["name"].iloc[0] or w.ts.meta["id"].iloc[0]
    before = w.analysis.pairs["visual_s"].sum()
    values = {"visual_range_by_type": {name: 40 * 1852.0}}
    with qtbot.waitSignal(w.analysisChanged, timeout=LOAD_MS):
        assert w.apply_settings(values)
    assert w.analysis.pairs["visual_s"].sum() > before  # that track is now seen from afar
