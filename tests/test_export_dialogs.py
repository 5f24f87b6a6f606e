"""File ▸ Export in the window: actions installed, dialogs' arithmetic, video progress/cancel."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image
from PySide6 import QtCore, QtGui, QtWidgets

from encounter_replay.analysis import analyze
from encounter_replay.export import dialogs
from encounter_replay.export.dialogs import (
    ExportImageDialog,
    ExportVideoDialog,
    VideoOptions,
    context_of,
    run_window_video,
)
from encounter_replay.export.errors import ExportCancelled
from encounter_replay.io import read_files

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "sample_tracks" / "syria_oct2015_illustrative.txt.acmi"

pytestmark = pytest.mark.skipif(not SAMPLE.exists(), reason="sample encounter not generated")


@pytest.fixture(scope="module")
def scene():
    ts = read_files([SAMPLE])
    return ts, analyze(ts)


@pytest.fixture
def window(qtbot, tmp_path):
    from encounter_replay.desktop import build_window

    settings = QtCore.QSettings(str(tmp_path / "s.ini"), QtCore.QSettings.Format.IniFormat)
    win = build_window(settings=settings)
    qtbot.addWidget(win)
    win.setAttribute(QtCore.Qt.WidgetAttribute.WA_DontShowOnScreen, True)
    win.resize(1300, 850)
    win.show()
    return win


@pytest.fixture
def loaded(window, scene):
    ts, result = scene
    window.set_scene(ts, result, [str(SAMPLE)])
    window.select_pair(ts.index_of("201"), ts.index_of("202"))
    return window


def _export_actions(win) -> dict[str, QtGui.QAction]:
    return {a.objectName(): a for a in win.export_menu.actions() if a.objectName()}


def test_actions_in_file_export_menu_and_toolbar(window, scene):
    acts = _export_actions(window)
    assert set(acts) == {
        "ExportPicture",
        "ExportCopy",
        "ExportVideo",
        "ExportReport",
        "ExportBriefing",
    }
    assert acts["ExportPicture"].shortcut() == QtGui.QKeySequence("Ctrl+Shift+S")
    assert acts["ExportPicture"] in window.toolbar.actions()
    assert not any(a.isEnabled() for a in acts.values())  # nothing to export yet
    ts, result = scene
    window.set_scene(ts, result, [str(SAMPLE)])
    assert all(a.isEnabled() for a in acts.values())


def test_image_dialog_sizes(qtbot):
    dlg = ExportImageDialog(None, QtCore.QSize(700, 400), "T", "/tmp/x.png")
    qtbot.addWidget(dlg)
    assert dlg.picture_size() == (1400, 800)  # 2× the map on screen by default
    dlg.scale.setValue(3)
    assert dlg.picture_size() == (2100, 1200)
    dlg.preset.activated.emit(2)  # Full HD
    assert dlg.by_size.isChecked() and dlg.picture_size() == (1920, 1080)
    assert dlg.result_label.text() == "1920 × 1080 px"
    opts = dlg.options()
    assert (opts.width, opts.height, opts.caption, opts.placement) == (1920, 1080, True, "below")
    dlg.placement.setCurrentIndex(1)
    assert dlg.options().placement == "over"
    dlg.whole_window.setChecked(True)  # scale of the window (here the default: the map)
    assert dlg.by_scale.isChecked() and not dlg.by_size.isEnabled()
    assert dlg.picture_size() == (2100, 1200)
    dlg2 = ExportImageDialog(None, QtCore.QSize(700, 400), window_size=QtCore.QSize(1000, 600))
    qtbot.addWidget(dlg2)
    dlg2.whole_window.setChecked(True)
    assert dlg2.picture_size() == (2000, 1200)


def test_video_dialog_counts_frames_and_flags_problems(qtbot, monkeypatch):
    t0 = 1_444_467_600.0
    dlg = ExportVideoDialog(None, t0, t0 + 2400, (t0, t0 + 60), speed=10, default_path="/tmp/c.gif")
    qtbot.addWidget(dlg)
    dlg.fps.setValue(10)
    assert dlg.summary.text().startswith("60 frames, 1280×720 px, plays for 0:06")
    assert dlg.save_button.isEnabled()
    dlg.width_.setValue(1000)
    assert "1008×720" in dlg.summary.text()  # rounded to multiples of 16
    dlg.path.setText("/tmp/c.avi")
    assert not dlg.save_button.isEnabled() and "mp4 or .gif" in dlg.summary.text()
    dlg.has_ffmpeg = False
    dlg.path.setText("/tmp/c.mp4")
    assert "pip install 'encounter-replay[video]'" in dlg.summary.text()
    dlg.path.setText("/tmp/c.gif")
    dlg.end.setValue(0)
    assert "after its start" in dlg.summary.text() and not dlg.save_button.isEnabled()


def test_window_video_progress_cancel_and_restore(loaded, tmp_path):
    ctx = context_of(loaded)
    before = ctx.time
    opts = VideoOptions(str(tmp_path / "c.gif"), before - 10, before + 10, 4, 5, 320, 200, True, "")
    calls = []

    def cancel_at_3(done, total):
        calls.append((done, total))
        return done < 3

    with pytest.raises(ExportCancelled):
        run_window_video(ctx, opts, progress=cancel_at_3)
    assert calls[-1] == (3, 25)
    assert not list(tmp_path.glob("*.gif"))
    assert loaded.canvas.time == pytest.approx(before)  # the canvas is back where it was
    result = run_window_video(ctx, opts)
    assert result.frames == 25
    with Image.open(result.path) as im:
        assert im.size == (320, 208) and im.n_frames == 25
    assert not loaded.controller.playing


def test_picture_export_from_the_window(loaded, tmp_path, monkeypatch):
    out = tmp_path / "win.png"

    def fake_exec(self):
        self.path.setText(str(out))
        self.by_size.setChecked(True)
        self.width_.setValue(900)
        self.height_.setValue(500)
        return QtWidgets.QDialog.DialogCode.Accepted

    monkeypatch.setattr(ExportImageDialog, "exec", fake_exec)
    _export_actions(loaded)["ExportPicture"].trigger()
    with Image.open(out) as im:
        assert im.size == (900, 500)
    assert "Saved" in loaded.statusBar().currentMessage()


def test_whole_window_and_clipboard(loaded, tmp_path, monkeypatch):
    out = tmp_path / "whole.png"

    def fake_exec(self):
        self.path.setText(str(out))
        self.whole_window.setChecked(True)
        self.scale.setValue(1.0)
        return QtWidgets.QDialog.DialogCode.Accepted

    monkeypatch.setattr(ExportImageDialog, "exec", fake_exec)
    dialogs.export_picture_interactive(loaded)
    with Image.open(out) as im:
        assert im.size == (loaded.width(), loaded.height())
    QtGui.QGuiApplication.clipboard().clear()
    _export_actions(loaded)["ExportCopy"].trigger()
    img = QtGui.QGuiApplication.clipboard().image()
    assert (img.width(), img.height()) == (loaded.canvas.width(), loaded.canvas.height())


def test_report_export_from_the_window(loaded, tmp_path, monkeypatch):
    out = tmp_path / "brief.html"
    monkeypatch.setattr(QtWidgets.QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), ""))
    _export_actions(loaded)["ExportReport"].trigger()
    text = out.read_text()
    assert "data:image/png;base64," in text and "Su-30SM · SOKOL 01 – Su-30SM · SOKOL 02" in text


def test_briefing_export_from_the_window_briefs_the_selected_pair(loaded, tmp_path, monkeypatch):
    from pypdf import PdfReader

    out = tmp_path / "brief.pdf"
    monkeypatch.setattr(QtWidgets.QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), ""))
    from encounter_replay.export import briefing_dialog

    monkeypatch.setattr(
        briefing_dialog,
        "ask_briefing_options",
        lambda *a: briefing_dialog.BriefingOptions("TEST MARK", "letter", "print"),
    )
    ts = loaded.ts
    a, b = loaded.state.pair
    _export_actions(loaded)["ExportBriefing"].trigger()
    pages = PdfReader(out).pages
    assert len(pages) == 1  # the selected pair, one page
    text = " ".join(pages[0].extract_text().split())
    from encounter_replay.export.caption import track_label

    assert f"{track_label(ts, a)} – {track_label(ts, b)}" in text
    assert text.count("TEST MARK") == 2  # header and footer
    box = pages[0].mediabox
    assert (float(box.width), float(box.height)) == pytest.approx((612, 792), abs=1)  # Letter


def test_briefing_options_dialog(qtbot):
    from encounter_replay.export.briefing_dialog import BriefingOptionsDialog, default_paper

    us = QtCore.QLocale(QtCore.QLocale.Language.English, QtCore.QLocale.Country.UnitedStates)
    fr = QtCore.QLocale(QtCore.QLocale.Language.French, QtCore.QLocale.Country.France)
    assert default_paper(us) == "letter" and default_paper(fr) == "a4"
    dlg = BriefingOptionsDialog(paper="a4")
    qtbot.addWidget(dlg)
    assert dlg.options().paper == "a4" and dlg.options().theme == "print"
    dlg.marking.setText("  SECRET  ")
    dlg.paper.setCurrentIndex(dlg.paper.findData("letter"))
    dlg.theme.setCurrentIndex(dlg.theme.findData("screen"))
    assert dlg.options() == type(dlg.options())("SECRET", "letter", "screen")


def test_briefing_export_covers_the_ticked_pairs(loaded, tmp_path, monkeypatch):
    from pypdf import PdfReader

    table = loaded.encounters
    model = table.model
    checked = QtCore.Qt.CheckState.Checked.value
    for row in (3, 1):
        assert model.setData(model.index(row, 0), checked, QtCore.Qt.ItemDataRole.CheckStateRole)
    assert model.data(model.index(1, 0), QtCore.Qt.ItemDataRole.CheckStateRole) == (
        QtCore.Qt.CheckState.Checked
    )
    ticked = table.ticked_pairs()
    assert ticked == [model.pair_at(1)[:2], model.pair_at(3)[:2]]  # in ranked order
    out = tmp_path / "ticked.pdf"
    monkeypatch.setattr(QtWidgets.QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), ""))
    from encounter_replay.export import briefing_dialog

    monkeypatch.setattr(
        briefing_dialog, "ask_briefing_options", lambda *a: briefing_dialog.BriefingOptions()
    )
    _export_actions(loaded)["ExportBriefing"].trigger()
    assert len(PdfReader(out).pages) == 1 + 2  # title page + the two ticked pairs
