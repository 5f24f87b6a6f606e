"""Pictures of the map: exact sizes, real content, caption strip, SVG, window = CLI."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from PySide6 import QtCore, QtGui

from encounter_replay.analysis import analyze
from encounter_replay.export.caption import caption_text, strip_height
from encounter_replay.export.errors import ExportError
from encounter_replay.export.image import (
    export_image,
    map_size,
    render_snapshot,
    render_svg,
    scaled_size,
)
from encounter_replay.export.offscreen import dispose, scene_canvas
from encounter_replay.export.video import rgb_array
from encounter_replay.io import read_files
from encounter_replay.model.view_state import ViewState

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "sample_tracks" / "syria_oct2015_illustrative.txt.acmi"

pytestmark = [
    pytest.mark.usefixtures("qapp"),
    pytest.mark.skipif(not SAMPLE.exists(), reason="sample encounter not generated"),
]


@pytest.fixture(scope="module")
def scene():
    ts = read_files([SAMPLE])
    return ts, analyze(ts)


@pytest.fixture
def canvas(qapp, scene):
    ts, result = scene
    pair = (ts.index_of("201"), ts.index_of("202"))
    t = float(result.pair_row(*pair).cpa_time)
    c = scene_canvas(ts, result, ViewState(time=t, pair=pair), (800, 450))
    yield c
    dispose(c)


def _near(rgb: np.ndarray, hex_color: str, tol: int = 40) -> np.ndarray:
    c = QtGui.QColor(hex_color)
    target = np.array([c.red(), c.green(), c.blue()])
    return np.abs(rgb.astype(int) - target).max(axis=-1) <= tol


@pytest.mark.parametrize(("w", "h"), [(640, 360), (333, 217), (1000, 1000), (1920, 1080)])
@pytest.mark.parametrize("captioned", [True, False])
def test_png_has_exactly_the_requested_size(canvas, scene, tmp_path, w, h, captioned):
    ts, _ = scene
    cap = caption_text(ts, canvas.time, canvas.selected_pair) if captioned else None
    out = export_image(canvas, tmp_path / "x.png", w, h, cap)
    with Image.open(out) as im:
        assert im.format == "PNG"
        assert im.size == (w, h)


def test_size_does_not_depend_on_the_canvas_on_screen(canvas, scene):
    canvas.resize(180, 120)  # a tiny window
    ts, _ = scene
    img = render_snapshot(canvas, 2400, 1350, caption_text(ts, canvas.time, None))
    assert (img.width(), img.height()) == (2400, 1350)
    rgb = rgb_array(img)
    assert rgb[:1200].std() > 8  # still a map, drawn at full size rather than upscaled


def test_map_is_not_blank_and_shows_both_coalitions(canvas):
    from encounter_replay.view.scene_data import BLUE, RED

    rgb = rgb_array(render_snapshot(canvas, 1200, 675))
    assert rgb.reshape(-1, 3).std(axis=0).max() > 8
    assert _near(rgb, BLUE).sum() > 50  # VIPER/REAPER/HAVOC tracks and labels
    assert _near(rgb, RED).sum() > 50  # the SOKOL pair


def test_caption_strip_carries_text_and_can_be_turned_off(scene):
    from encounter_replay.export.snapshot import snapshot_image

    ts, result = scene
    pair = (ts.index_of("201"), ts.index_of("202"))
    state = ViewState(time=float(result.pair_row(*pair).cpa_time), pair=pair)
    w, h = 1200, 675
    strip = strip_height(w, h)
    with_cap = rgb_array(snapshot_image(ts, result, state, w, h, title="Known title"))
    without = rgb_array(snapshot_image(ts, result, state, w, h, caption=False))
    band = with_cap[h - strip + 4 :]
    bg = _near(band, "#17202b", tol=3)
    assert 0.6 < bg.mean() < 0.97  # mostly strip background, with text on it
    assert _near(band, "#f2f5f8", tol=60).sum() > 500  # light caption text
    assert _near(band, "#f0a202", tol=30).sum() > 200  # the ILLUSTRATIVE tag
    # with the caption off, the bottom rows are map, not strip
    assert _near(without[h - strip + 4 :], "#17202b", tol=3).mean() < 0.5
    # another title changes the title area of the strip and nothing else
    other = rgb_array(snapshot_image(ts, result, state, w, h, title="Other words"))
    changed = np.abs(other.astype(int) - with_cap).max(axis=-1) > 0
    assert changed.any()
    rows, cols = np.nonzero(changed)
    assert rows.min() >= h - strip and cols.max() < w // 2


def test_caption_over_the_map_keeps_the_map_full_height(canvas, scene):
    ts, _ = scene
    cap = caption_text(ts, canvas.time, canvas.selected_pair)
    assert map_size(800, 600, True, "over") == (800, 600)
    assert map_size(800, 600, True, "below") == (800, 600 - strip_height(800, 600))
    img = render_snapshot(canvas, 800, 600, cap, placement="over")
    assert (img.width(), img.height()) == (800, 600)
    with pytest.raises(ExportError, match="placement"):
        render_snapshot(canvas, 800, 600, cap, placement="left")


@pytest.mark.parametrize(("w", "h"), [(0, 100), (100, -1), (20000, 100)])
def test_bad_sizes_are_export_errors(canvas, tmp_path, w, h):
    with pytest.raises(ExportError):
        export_image(canvas, tmp_path / "x.png", w, h)
    assert not (tmp_path / "x.png").exists()


def test_unknown_suffix_and_missing_folder(canvas, tmp_path):
    with pytest.raises(ExportError, match="unknown picture format"):
        export_image(canvas, tmp_path / "x.bmp", 100, 100)
    with pytest.raises(ExportError, match="does not exist"):
        export_image(canvas, tmp_path / "no" / "x.png", 100, 100)


def test_scaled_size():
    assert scaled_size(900, 600, 2) == (1800, 1200)
    assert scaled_size(901, 601, 0.5) == (450, 300)
    with pytest.raises(ExportError):
        scaled_size(900, 600, 0)


def test_svg_is_valid_xml_with_vector_content_and_caption(canvas, scene, tmp_path):
    from defusedxml import ElementTree

    ts, _ = scene
    cap = caption_text(ts, canvas.time, canvas.selected_pair, title="SVG title")
    out = render_svg(canvas, tmp_path / "map.svg", 1280, 720, cap)
    root = ElementTree.parse(out).getroot()
    ns = "{http://www.w3.org/2000/svg}"
    assert root.tag == f"{ns}svg"
    assert root.get("viewBox") == "0 0 1280 720"
    tags = [e.tag.removeprefix(ns) for e in root.iter()]
    assert tags.count("path") + tags.count("polyline") > 50  # coastlines, trails, grid
    texts = " ".join("".join(e.itertext()) for e in root.iter(f"{ns}text"))
    assert "SVG title" in texts and "SOKOL 01" in texts
    assert root.find(f"{ns}title").text == "SVG title"
    # no map-sized bitmap: everything big is vector; the aircraft symbols stay small
    # pixmaps, each cropped from the symbol atlas (Qt's SVG engine would embed it whole)
    import base64
    import io

    for img in root.iter(f"{ns}image"):
        assert float(img.get("width")) * float(img.get("height")) < 64 * 64
        href = img.get("{http://www.w3.org/1999/xlink}href") or img.get("href")
        data = base64.b64decode(href.split(",", 1)[1])
        with Image.open(io.BytesIO(data)) as embedded:
            assert max(embedded.size) <= 64, embedded.size


def test_svg_renders_like_the_png(canvas, scene, tmp_path):
    """QtSvg's renderer draws the file back; the caption strip and map match the PNG."""
    from PySide6 import QtSvg

    ts, _ = scene
    cap = caption_text(ts, canvas.time, canvas.selected_pair)
    out = render_svg(canvas, tmp_path / "map.svg", 960, 540, cap)
    png = rgb_array(render_snapshot(canvas, 960, 540, cap)).astype(int)
    renderer = QtSvg.QSvgRenderer(str(out))
    assert renderer.isValid()
    img = QtGui.QImage(960, 540, QtGui.QImage.Format.Format_RGB32)
    img.fill(QtGui.QColor("white"))
    p = QtGui.QPainter(img)
    renderer.render(p, QtCore.QRectF(0, 0, 960, 540))
    p.end()
    svg = rgb_array(img).astype(int)
    close = np.abs(svg - png).max(axis=-1) < 40
    assert close.mean() > 0.9  # same picture, up to antialiasing and font hinting


def test_window_export_and_cli_give_the_same_picture(qtbot, scene, tmp_path, capsys):
    """The window's File ▸ Export and ``snapshot --session`` of the window's saved state
    are drawn by the same function: the same pixels, including a zoomed view, a longer
    trail, a hidden class and a recoloured track."""
    from encounter_replay.cli import main
    from encounter_replay.export.dialogs import context_of, window_snapshot_image
    from encounter_replay.view.main_window import MainWindow

    ts, result = scene
    settings = QtCore.QSettings(str(tmp_path / "s.ini"), QtCore.QSettings.Format.IniFormat)
    win = MainWindow(settings=settings)
    qtbot.addWidget(win)
    win.setAttribute(QtCore.Qt.WidgetAttribute.WA_DontShowOnScreen, True)
    win.resize(1400, 900)
    win.show()
    win.set_scene(ts, result, [str(SAMPLE)])
    a, b = ts.index_of("301"), ts.index_of("202")  # REAPER 31 / SOKOL 02: loses separation
    win.select_pair(a, b)
    win.controller.seek(win.state.time - 20)
    win.zoom_to_selected_pair()
    win.controller.set_trail(300.0)
    win.controller.set_class_visible("reference", False)
    win.controller.set_track_color(ts.index_of("101"), "#22c55e")
    qtbot.wait(20)
    window_img = rgb_array(window_snapshot_image(context_of(win), 960, 600))

    session = tmp_path / "state.json"
    win.save_session(str(session))
    out = tmp_path / "cli.png"
    rc = main(["snapshot", "--session", str(session), "--width", "960", "--height", "600",
               "--out", str(out)])  # fmt: skip
    assert rc == 0, capsys.readouterr().err
    with Image.open(out) as im:
        cli_img = np.asarray(im.convert("RGB"))
    assert cli_img.shape == window_img.shape == (600, 960, 3)
    differ = np.abs(cli_img.astype(int) - window_img).max(axis=-1) > 0
    assert differ.sum() == 0, f"{differ.sum()} pixels differ"
    # and the state really is the zoomed pair view, not a default: it differs from `--time`
    offset = f"+{win.state.time - ts.start:.6f}"
    rc = main(["snapshot", str(SAMPLE), "--time", offset, "--pair", "301", "202",
               "--width", "960", "--height", "600", "--out", str(tmp_path / "plain.png")])  # fmt: skip
    assert rc == 0
    with Image.open(tmp_path / "plain.png") as im:
        plain = np.asarray(im.convert("RGB"))
    assert (np.abs(plain.astype(int) - window_img).max(axis=-1) > 0).mean() > 0.05


def _held(canvas) -> dict:
    """What a map canvas holds after drawing: its state and the arrays drawn from it."""
    return {
        "state": canvas.state.replace(speed=1.0, loop=None),
        "time": canvas.time,
        "shown": canvas._shown.tolist(),
        "colors": list(canvas._colors_list),
        "visible": canvas.frame.visible.tolist(),
        "visual_range_m": canvas.visual_range_m,
    }


def test_snapshot_and_window_snapshot_hold_the_same_state(scene, tmp_path, monkeypatch):
    """One session through ``snapshot`` and ``snapshot --window``: the two maps hold the
    same ViewState (hidden tracks, colour overrides, selected track included: the window
    path used to drop them) and draw the same tracks in the same colours."""
    from encounter_replay.cli import main
    from encounter_replay.export import offscreen, window_capture
    from encounter_replay.model.session import Session, save_session

    ts, _result = scene
    ids = list(ts.ids)
    a, b, c = ts.index_of("301"), ts.index_of("202"), ts.index_of("101")
    state = ViewState(
        time=ts.start + 400.0,
        pair=(a, b),
        selected_track=c,
        trail_s=300.0,
        units="km",
        hidden_classes={"reference"},
        hidden_tracks={ts.index_of("201")},
        colors={c: "#22c55e"},
    )
    session = Session(files=[str(SAMPLE)], **state.session_fields(ids))
    path = tmp_path / "s.json"
    save_session(path, session)

    held: dict[str, dict] = {}
    dispose = offscreen.dispose
    render_window = window_capture.render_window

    def record_offscreen(canvas):
        held["snapshot"] = _held(canvas)
        dispose(canvas)

    def record_window(win, scale):
        held["window"] = _held(win.canvas)
        return render_window(win, scale)

    monkeypatch.setattr(offscreen, "dispose", record_offscreen)
    monkeypatch.setattr("encounter_replay.export.snapshot.dispose", record_offscreen)
    monkeypatch.setattr(window_capture, "render_window", record_window)
    size = ["--width", "1400", "--height", "900"]
    assert main(["snapshot", "--session", str(path), "--out", str(tmp_path / "m.png"), *size]) == 0
    window_args = ["snapshot", "--window", "--session", str(path), *size]
    assert main([*window_args, "--out", str(tmp_path / "w.png")]) == 0
    snap, win = held["snapshot"], held["window"]
    assert snap["state"].hidden_tracks == {ts.index_of("201")}
    assert snap["state"].colors == {c: "#22c55e"} and snap["state"].selected_track == c
    assert win["state"] == snap["state"]
    for key in ("time", "shown", "colors", "visible", "visual_range_m"):
        assert win[key] == snap[key], key


def test_one_state_is_drawn_once(scene, monkeypatch):
    """Putting a scene and a whole state on an export canvas draws one frame (it drew 13)."""
    from encounter_replay.view.map_canvas import MapCanvas

    ts, result = scene
    draws = []
    set_time = MapCanvas.set_time
    monkeypatch.setattr(MapCanvas, "set_time", lambda self, t: (draws.append(t), set_time(self, t)))
    state = ViewState(
        time=ts.start + 60, pair=(0, 1), selected_track=2, units="km", trail_s=None,
        hidden_classes={"reference"}, hidden_tracks={3}, colors={0: "#22c55e"}, view="pair",
    )  # fmt: skip
    c = scene_canvas(ts, result, state, (640, 400))
    try:
        assert draws == [ts.start + 60]
    finally:
        dispose(c)
