"""File ▸ Open encounter list… in the window: the list written by `screen` as a table; a
double-click loads that pair's neighbourhood from the archive in the background and
replays it at the pair's CPA; a missing archive and a missing extra are said, the scene
on screen kept."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from encounter_replay.io import ReadOptions
from encounter_replay.view import encounter_list

pytestmark = pytest.mark.gui

QUICKSTART = "quickstart_2021-10-07.csv.gz"


@pytest.fixture(scope="module")
def screened(tmp_path_factory) -> tuple[Path, Path]:
    """quickstart's first two hours as hourly Parquet files, and the list `screen` wrote."""
    pytest.importorskip("duckdb", reason="the optional 'screen' extra is not installed")
    from encounter_replay.screen.run import ScreenOptions, screen
    from test_screen import CONF, _hourly_archive

    if not CONF.is_dir():
        pytest.skip("../shared/data is not present")
    folder = _hourly_archive(tmp_path_factory.mktemp("hours"), (QUICKSTART,))
    archive = tmp_path_factory.mktemp("archive")
    for p in sorted(folder.glob("*.parquet"))[:2]:
        shutil.copy(p, archive / p.name)
    out = tmp_path_factory.mktemp("list") / "encounters.parquet"
    screen(ScreenOptions(sources=[str(archive)], out=out, progress=False, csv=True))
    return archive, out


def _window(qtbot):
    from encounter_replay.desktop import build_window

    window = build_window(ReadOptions())
    qtbot.addWidget(window)
    window.resize(1400, 900)
    window.show()
    qtbot.waitExposed(window)
    return window


def _double_click(qtbot, panel, row: int) -> None:
    index = panel.view_index_of(row)
    panel.view.scrollTo(index)
    rect = panel.view.visualRect(index)
    assert rect.isValid()
    left = encounter_list.QtCore.Qt.MouseButton.LeftButton
    # a real double-click: press/release, then the double-click event
    qtbot.mouseClick(panel.view.viewport(), left, pos=rect.center())
    qtbot.mouseDClick(panel.view.viewport(), left, pos=rect.center())


def test_a_listed_encounter_replays_in_the_window(qtbot, screened) -> None:
    from encounter_replay.screen.output import read_encounters

    _, listed = screened
    frame, _ = read_encounters(listed)
    assert len(frame) >= 5
    window = _window(qtbot)
    action = window.commands.open_encounters
    assert action.isEnabled() and action in window.menuBar().actions()[0].menu().actions()
    # The --csv copy opens the Parquet list beside it.
    assert window.encounter_list.open_list(listed.with_suffix(".csv"))
    panel = window.encounter_list.panel
    assert window.encounter_list.dock.isVisible()
    assert panel.model.rowCount() == len(frame)
    # Sorted by rank: the top row is the first to brief; its cells say who, how close, when.
    top = panel.proxy.mapToSource(panel.proxy.index(0, 0)).row()
    assert frame.iloc[top]["rank"] == frame["rank"].min()
    texts = [panel.model.index(top, c).data() for c in range(panel.model.columnCount())]
    assert frame.iloc[top]["a_name"] in texts[1] and frame.iloc[top]["b_name"] in texts[1]
    assert texts[7] == ", ".join(Path(f).name for f in frame.iloc[top]["source_files"])

    row = 3 if len(frame) > 3 else 0
    want = frame.iloc[row]
    _double_click(qtbot, panel, row)
    assert window.encounter_list.busy()  # read in a thread: the double-click returned at once
    assert window.ts is None
    qtbot.waitUntil(lambda: window.state.pair is not None, timeout=60000)
    ids = window.ts.ids
    assert want["a_id"] in ids and want["b_id"] in ids
    a, b = sorted((ids.index(want["a_id"]), ids.index(want["b_id"])))
    assert window.state.pair == (a, b)
    assert window.state.time == pytest.approx(float(want["cpa_time"]), abs=1e-6)
    assert window.ts.start >= want["replay_start"] and window.ts.end <= want["replay_end"]
    # The neighbourhood's own analysis finds the pair as close as the list says.
    pairs = window.analysis.pairs
    got = pairs[(pairs["a"] == a) & (pairs["b"] == b)].iloc[0]
    assert got["cpa_slant_m"] == pytest.approx(want["cpa_slant_m"], rel=1e-6, abs=1.0)
    assert "Replaying" in panel.message.text()


def test_a_missing_archive_is_named_and_the_scene_kept(qtbot, screened, tmp_path) -> None:
    from encounter_replay.screen.run import ScreenOptions, screen

    archive, _ = screened
    moved = tmp_path / "archive"
    shutil.copytree(archive, moved)
    listed = tmp_path / "encounters.parquet"
    screen(ScreenOptions(sources=[str(moved)], out=listed, progress=False))
    window = _window(qtbot)
    assert window.encounter_list.open_list(listed)
    frame = window.encounter_list.panel.model.frame
    shutil.rmtree(moved)  # the archive unmounted after the screen
    _double_click(qtbot, window.encounter_list.panel, 0)
    box = window.encounter_list.message_box
    assert box is not None and box.isVisible()
    for f in frame.iloc[0]["source_files"]:
        assert f in box.text()
    assert "not found" in box.text() and "unchanged" in box.text()
    assert window.encounter_list.panel.message.isVisible()
    assert not window.encounter_list.busy() and window.ts is None
    assert window.encounter_list.panel.model.rowCount() == len(frame)  # the list stays


def test_not_an_encounter_list_is_said(qtbot, tmp_path) -> None:
    bogus = tmp_path / "tracks.parquet"
    bogus.write_bytes(b"PAR1 not really")
    window = _window(qtbot)
    assert not window.encounter_list.open_list(bogus)
    assert "not a readable Parquet file" in window.encounter_list.message_box.text()
    alone = tmp_path / "list.csv"
    alone.write_text("a_id,b_id\n")
    assert not window.encounter_list.open_list(alone)
    assert "list.parquet" in window.encounter_list.message_box.text()


def test_without_the_screen_extra_the_item_says_what_to_install(qtbot, monkeypatch) -> None:
    monkeypatch.setattr(encounter_list, "screen_extra_installed", lambda: False)
    window = _window(qtbot)
    action = window.commands.open_encounters
    assert action.isEnabled() and "'screen' extra" in action.text()
    assert encounter_list.INSTALL_HINT in action.statusTip()
    action.trigger()
    box = window.encounter_list.message_box
    assert box.isVisible() and encounter_list.INSTALL_HINT in box.text()


def test_a_list_names_its_sources_so_any_folder_can_replay_it(screened, tmp_path, monkeypatch):
    """Screened with a relative path, the list still names where the archive is."""
    from encounter_replay.screen.output import read_encounters
    from encounter_replay.screen.run import ScreenOptions, screen

    archive, _ = screened
    one = sorted(archive.glob("*.parquet"))[0]
    (tmp_path / "arch").mkdir()
    shutil.copy(one, tmp_path / "arch" / one.name)
    monkeypatch.chdir(tmp_path)
    screen(ScreenOptions(sources=["arch"], out=Path("enc.parquet"), progress=False))
    frame, _ = read_encounters(tmp_path / "enc.parquet")
    files = {f for row in frame["source_files"] for f in row}
    assert files == {str(tmp_path / "arch" / one.name)}
