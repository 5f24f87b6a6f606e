"""The window tells the story of issue 9: the table lists pairs in briefing order with
their kind and severity, filters like ``analyze --pairs``, and the data-quality dock lists
the samples the analysis left out (a click goes to one)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyqtgraph as pg
import pytest
from PySide6 import QtCore

from encounter_replay.io import ReadOptions
from encounter_replay.model import TrackSet
from encounter_replay.model.units import FT
from encounter_replay.view.main_window import MainWindow

pytestmark = pytest.mark.gui
SAMPLE = (
    Path(__file__).resolve().parents[1] / "sample_tracks" / "syria_oct2015_illustrative.txt.acmi"
)
LOAD_MS = 30_000


@pytest.fixture
def window(qtbot, tmp_path):
    settings = QtCore.QSettings(str(tmp_path / "s.ini"), QtCore.QSettings.Format.IniFormat)
    w = MainWindow(ReadOptions(), settings=settings)
    qtbot.addWidget(w)
    w.resize(1400, 900)
    w.show()
    qtbot.waitExposed(w)
    return w


def _names(w: MainWindow, row: int) -> set[str]:
    a, b, _t = w.encounters.pair_at_view_row(row)
    return {w.ts.meta["callsign"].iat[a], w.ts.meta["callsign"].iat[b]}


def test_table_lists_the_top_ranked_pair_first_and_filters_like_analyze(qtbot, window):
    w = window
    with qtbot.waitSignal(w.analysisChanged, timeout=LOAD_MS):
        w.open_files([str(SAMPLE)])
    table = w.encounters
    assert _names(w, 0) == {"REAPER 31", "SOKOL 02"}  # not the SOKOL formation
    # Nothing selected: the timeline's bands are the top-ranked pair's, not 40 minutes of
    # formation "contact".
    top = w.analysis.pairs.iloc[0]
    assert w.state.pair is None
    assert w.timeline.visual_bands.tolist() == [list(s) for s in top.visual_contact]
    assert w.timeline.los_bands.tolist() == [list(s) for s in top.loss_of_separation]
    header = [table.model.headerData(c, QtCore.Qt.Orientation.Horizontal, 0)
              for c in range(table.model.columnCount())]  # fmt: skip
    assert {"Severity", "Kind", "Rank"} <= set(header)
    kind = header.index("Kind")
    texts = {table.model.data(table.model.index(r, kind), 0) for r in range(table.row_count())}
    assert "same-side · formation" in texts and "cross-side" in texts
    n_all = table.row_count()
    table.kind_box.setCurrentIndex(table.kind_box.findData("cross-side"))
    cross = table.row_count()
    assert 0 < cross < n_all
    assert all(
        w.analysis.pairs.set_index(["a", "b"]).loc[table.pair_at_view_row(r)[:2], "relation"]
        == "cross-side"
        for r in range(cross)
    )
    table.kind_box.setCurrentIndex(table.kind_box.findData("no-formation"))
    no_form = {table.pair_at_view_row(r)[:2] for r in range(table.row_count())}
    formations = w.analysis.pairs[w.analysis.pairs["formation"]]
    assert len(formations) and not no_form & set(zip(formations["a"], formations["b"], strict=True))
    table.kind_box.setCurrentIndex(table.kind_box.findData("all"))
    assert table.row_count() == n_all


def _spiky_scene() -> TrackSet:
    """Two aircraft at 1 Hz; the first has a one-sample altitude spike of 7 km."""
    t = np.arange(0.0, 300.0) + 1.6e9
    lat = 49.0 + 0.002 * np.arange(300) / 60
    alt_a = np.full(300, 3000.0)
    alt_a[150] = 10_000.0
    tracks = [
        {"t": t, "lat": lat, "lon": np.full(300, 2.0), "alt": alt_a, "id": "a",
         "callsign": "SPIKE1", "cls": "aircraft"},
        {"t": t, "lat": lat, "lon": np.full(300, 2.05), "alt": np.full(300, 3100.0),
         "id": "b", "callsign": "PLAIN2", "cls": "aircraft"},
    ]  # fmt: skip
    return TrackSet.from_tracks(tracks)


def test_excluded_samples_are_listed_and_a_click_goes_there(qtbot, window, tmp_path):
    ts = _spiky_scene()
    rows = pd.DataFrame({"time": ts.t, "id": np.repeat(["a", "b"], 300),
                         "callsign": np.repeat(["SPIKE1", "PLAIN2"], 300),
                         "latitude": ts.lat, "longitude": ts.lon, "altitude_m": ts.alt})  # fmt: skip
    path = tmp_path / "spike.csv"
    rows.to_csv(path, index=False)
    w = window
    with qtbot.waitSignal(w.analysisChanged, timeout=LOAD_MS):
        w.open_files([str(path)])
    assert len(w.analysis.excluded) == 1
    tree = w.warnings.tree
    top = next(
        tree.topLevelItem(i)
        for i in range(tree.topLevelItemCount())
        if tree.topLevelItem(i).text(0).startswith("Excluded samples (1)")
    )
    item = top.child(0)
    assert "SPIKE1" in item.text(0)
    w.controller.seek(ts.t[0])
    tree.itemClicked.emit(item, 0)
    assert w.state.time == pytest.approx(ts.t[150], abs=1e-6)
    # The altitude plot draws what the analysis used: the spike is a cross off the
    # scale, not a 7 km needle that flattens the profile (nor a vertical rate of its own).
    a = int(np.flatnonzero(w.ts.meta["id"].to_numpy() == "a")[0])
    w.controller.select_track(a)
    plots = w.plots
    curve = next(c for c in plots.alt_curves if isinstance(c, pg.PlotDataItem))
    y = curve.getData()[1]
    assert np.nanmax(y) == pytest.approx(3000.0 / FT, rel=1e-6) and len(y) == 299
    (marks,) = [c for c in plots.alt_curves if isinstance(c, pg.ScatterPlotItem)]
    assert marks.data["y"][0] == pytest.approx(10_000.0 / FT, rel=1e-6)
    plots.alt_plot.getViewBox().autoRange()
    assert plots.alt_plot.getViewBox().viewRange()[1][1] < 5_000 / FT
    plots.set_quantity("vertical rate")
    rate = next(c for c in plots.alt_curves if isinstance(c, pg.PlotDataItem)).getData()[1]
    assert np.nanmax(np.abs(rate)) < 1.0
