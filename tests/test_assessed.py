"""Where a pair's separation was not assessed (analysis/assessed.py), and the timeline's
hatching of it: the stretches are placed where the data has its gap, and add up to the
analysis's own ``unassessed_s`` on every pair of a real ADS-B day."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PySide6 import QtGui

from encounter_replay.analysis import analyze
from encounter_replay.analysis.assessed import _difference, _intersection, unassessed_intervals
from encounter_replay.io import read_file
from encounter_replay.model import TrackSet

T0 = 1.6e9


def pair_with_gap(gap: tuple[float, float]) -> TrackSet:
    """Two aircraft at 1 Hz for 600 s, 1 km apart; the first has no samples in ``gap``."""
    t = np.arange(0.0, 600.0)
    keep = (t < gap[0]) | (t > gap[1])
    lat = 47.0 + 0.001 * t / 60
    return TrackSet.from_tracks(
        [
            {"t": T0 + t[keep], "lat": lat[keep], "lon": np.full(keep.sum(), 8.0),
             "alt": np.full(keep.sum(), 3000.0), "id": "a", "callsign": "GAPPY", "cls": "aircraft"},
            {"t": T0 + t, "lat": lat, "lon": np.full(600, 8.013), "alt": np.full(600, 3000.0),
             "id": "b", "callsign": "STEADY", "cls": "aircraft"},
        ]
    )  # fmt: skip


def test_a_gap_is_unassessed_exactly_where_it_is():
    ts = pair_with_gap((200.0, 320.0))  # 121 s without samples: beyond the 30 s gap limit
    result = analyze(ts)
    iv = unassessed_intervals(ts, 0, 1, result.settings)
    assert iv.tolist() == [[T0 + 199.0, T0 + 321.0]]  # last sample before → first after
    (row,) = result.pairs.itertuples()
    assert row.unassessed_s == pytest.approx(122.0)


def test_no_gap_nothing_unassessed_and_no_overlap_nothing_at_all():
    ts = pair_with_gap((1000.0, 1001.0))
    assert unassessed_intervals(ts, 0, 1).shape == (0, 2)
    late = TrackSet.from_tracks(
        [
            {"t": T0 + np.arange(10.0), "lat": np.full(10, 47.0), "lon": np.full(10, 8.0),
             "alt": np.full(10, 1e3), "id": "a", "cls": "aircraft"},
            {"t": T0 + 100 + np.arange(10.0), "lat": np.full(10, 47.0), "lon": np.full(10, 8.0),
             "alt": np.full(10, 1e3), "id": "b", "cls": "aircraft"},
        ]
    )  # fmt: skip
    assert unassessed_intervals(late, 0, 1).shape == (0, 2)


def test_they_add_up_to_the_analysis_on_a_real_day(shared_data):
    ts = read_file(shared_data / "adsb" / "quickstart_2021-10-07.csv.gz")
    result = analyze(ts)
    pairs = result.pairs.head(400)
    assert (pairs["unassessed_s"] > 0).sum() >= 20  # gaps are common in ADS-B
    for row in pairs.itertuples():
        iv = unassessed_intervals(ts, row.a, row.b, result.settings)
        total = float((iv[:, 1] - iv[:, 0]).sum()) if len(iv) else 0.0
        assert total == pytest.approx(row.unassessed_s, abs=1e-6), (row.a, row.b)


def _cover(iv, grid):
    return np.array([any(a <= g < b for a, b in iv) for g in grid])


intervals = st.lists(
    st.tuples(st.integers(0, 100), st.integers(1, 20)).map(lambda p: (p[0], p[0] + p[1])),
    max_size=8,
).map(lambda rows: _union(rows))


def _union(rows):
    out = []
    for a, b in sorted(rows):
        if out and a <= out[-1][1]:
            out[-1][1] = max(out[-1][1], b)
        else:
            out.append([a, b])
    return np.array(out, dtype=float).reshape(-1, 2)


@settings(max_examples=200, deadline=None)
@given(intervals, intervals)
def test_interval_algebra_against_a_grid(x, y):
    grid = np.arange(0.0, 130.0, 0.5) + 0.25
    both, only_x = _intersection(x, y), _difference(x, y)
    assert np.array_equal(_cover(both, grid), _cover(x, grid) & _cover(y, grid))
    assert np.array_equal(_cover(only_x, grid), _cover(x, grid) & ~_cover(y, grid))


@pytest.mark.gui
def test_timeline_hatches_the_selected_pairs_unassessed_time(qtbot):
    from encounter_replay.view.timeline import COLORS, Timeline

    ts = pair_with_gap((200.0, 320.0))
    result = analyze(ts)
    tl = Timeline()
    qtbot.addWidget(tl)
    tl.resize(900, 120)
    tl.set_span(ts.start, ts.end)
    tl.set_analysis(result, ts)
    assert tl.unassessed_bands.shape == (0, 2)  # no pair selected
    tl.set_selected_pair((0, 1))
    assert tl.unassessed_bands.tolist() == [[T0 + 199.0, T0 + 321.0]]
    img = tl.grab().toImage()
    y = int(tl._row_rect(1).center().y())
    x_in, x_out = round(tl.time_to_x(T0 + 260)), round(tl.time_to_x(T0 + 450))
    hatch = COLORS["unassessed"]
    row_in = [QtGui.QColor(img.pixel(x, y)) for x in range(x_in - 10, x_in + 10)]
    row_out = [QtGui.QColor(img.pixel(x, y)) for x in range(x_out - 10, x_out + 10)]
    assert any(c == hatch for c in row_in) and not any(c == hatch for c in row_out)
    tl.set_all_pairs(True)  # bands of every pair: no one pair's gaps
    assert tl.unassessed_bands.shape == (0, 2)
    tl.set_pairs(None)  # a new scene
    tl.set_all_pairs(False)
    assert tl.unassessed_bands.shape == (0, 2)
