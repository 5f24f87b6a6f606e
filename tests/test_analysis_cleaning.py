"""The analysis's trust rules (issue 9): implausible samples, stale positions, the ground,
gaps with the format's meaning, one aircraft one track, pair kinds and the ranking.

Real data where the case exists (the quickstart ADS-B day, the sample), generated tracks
elsewhere; figures against the dense pyproj reference (analysis_reference), never against
the analysis itself.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from analysis_reference import dense_pair, enu_to_geodetic, overlap
from encounter_replay.analysis import AnalysisSettings, analyze
from encounter_replay.analysis.cleaning import clean
from encounter_replay.io.registry import read_file, read_files
from encounter_replay.model import TrackSet, concat

T0 = 1_700_000_000.0
LAT0, LON0 = 47.0, 8.0
KT = 1852.0 / 3600.0
FT = 0.3048
SAMPLE = Path(__file__).resolve().parents[1] / "sample_tracks"


def track(tid: str, t, east, north, up, **meta) -> dict:
    """A track in metres east/north/up of (LAT0, LON0), times from T0."""
    t = np.asarray(t, dtype=float)

    def arr(v):
        return np.broadcast_to(np.asarray(v(t) if callable(v) else v, dtype=float), t.shape)

    e, n, u = arr(east), arr(north), arr(up)
    lat, lon, _ = enu_to_geodetic(LAT0, LON0, 0.0, e, n, np.zeros_like(e))
    return dict(t=T0 + t, lat=lat, lon=lon, alt=u.copy(), id=tid, name=tid, cls="aircraft", **meta)


def pair_of(result, x: str, y: str):
    p = result.pairs
    hit = p[((p.a_name == x) & (p.b_name == y)) | ((p.a_name == y) & (p.b_name == x))]
    assert len(hit) == 1, f"{x}–{y} not reported once"
    return hit.iloc[0]


# ------------------------------------------------------------------ real data
_CACHE: dict[str, tuple] = {}


@pytest.fixture
def quickstart(shared_data):
    """The quickstart day as loaded (pieces joined) and analysed, once per session."""
    if "q" not in _CACHE:
        ts = read_files([shared_data / "adsb" / "quickstart_2021-10-07.csv.gz"])
        _CACHE["q"] = (ts, analyze(ts))
    return _CACHE["q"]


def test_quickstart_spike_is_excluded_and_listed(quickstart):
    _ts, res = quickstart
    ex = res.excluded
    spike = ex[(ex.name == "EJU875P") & (ex.reason == "altitude spike")]
    # 2021-10-07T12:31:17Z, 23,175 ft between 750 ft and 725 ft: line 159255 of the file.
    assert 1_633_609_877.0 in set(spike.time)
    assert 159_255 in set(spike.line.astype(int))
    row = pair_of(res, "EJU875P", "XGO3PB")
    assert row.cpa_vertical_m > 100.0  # not the spike's 0 m
    assert row.closure_mps < 150.0  # not 13,286 kt
    assert row.affected_by_excluded


def test_quickstart_has_no_impossible_closure_and_no_ghost_at_the_top(quickstart):
    ts, res = quickstart
    p = res.pairs
    assert len(p) > 1000
    assert (p.closure_mps.dropna() <= 1500 * KT).all()
    # No top-20 pair rests on an excluded (implausible or stale) sample: the figures are
    # those of the recording with every excluded sample deleted by hand.
    ex = res.excluded
    top = p.head(20)
    tracks = np.union1d(top.a, top.b)
    drop = np.zeros(ts.n_samples, dtype=bool)
    track_of = ts.track_index_of_samples()
    for k, times in ex[ex.track.isin(tracks)].groupby("track").time:
        drop |= (track_of == k) & np.isin(ts.t, times.to_numpy())
    keep_track = np.isin(np.arange(len(ts)), tracks)
    bare = ts.subset(keep_track)
    mask = ~drop[np.repeat(keep_track, np.diff(ts.offsets))]
    hand = TrackSet.from_tracks(
        [
            {
                **{
                    f: getattr(bare, f)[bare.track_slice(j)][mask[bare.track_slice(j)]]
                    for f in ("t", "lat", "lon", "alt", "speed", "ground")
                },
                **bare.meta.iloc[j].to_dict(),
            }
            for j in range(len(bare))
        ]
    )
    again = analyze(hand, AnalysisSettings(keep_outliers=True))
    for row in top.itertuples():
        other = pair_of(again, row.a_name, row.b_name)
        assert other.cpa_slant_m == pytest.approx(row.cpa_slant_m, abs=1e-6)
        assert other.cpa_time == pytest.approx(row.cpa_time, abs=1e-6)
    # MSR799's last position held for minutes after landing is no encounter any more.
    msr = pair_of(res, "MSR799", "EJU875P")
    assert msr.cpa_slant_m > 1000.0
    stale = ex[(ex.name == "MSR799") & (ex.reason == "stale position")]
    assert stale.time.max() >= 1_633_610_062.0  # 12:34:22Z, the last repeat
    # Every pair has its assessed and unassessed time; they add up to the common time.
    assert np.isfinite(p.assessed_s).all() and np.isfinite(p.unassessed_s).all()
    assert (p.assessed_s >= 0).all() and (p.unassessed_s >= -1e-9).all()
    assert p["rank"].tolist() == list(range(1, len(p) + 1))


def test_quickstart_keep_outliers_brings_the_spike_back(quickstart):
    ts, _ = quickstart
    sub = ts.subset(np.isin(ts.meta["callsign"].to_numpy(), ["EJU875P", "XGO3PB"]))
    raw = analyze(sub, AnalysisSettings(keep_outliers=True))
    row = pair_of(raw, "EJU875P", "XGO3PB")
    assert abs(row.cpa_time - 1_633_609_877.0) < 1.0 and row.closure_mps > 5000.0
    assert raw.excluded.empty
    # An aircraft pair closing faster than two aircraft can fly is flagged, not ranked.
    assert row.implausible_closure and math.isnan(row["rank"])


def test_sample_top_pair_relations_and_formations():
    for name in ("syria_oct2015_illustrative.txt.acmi", "syria_oct2015_illustrative.csv"):
        res = analyze(read_file(SAMPLE / name))
        top = res.pairs.iloc[0]
        assert {top.a_name, top.b_name} == {"REAPER 31", "SOKOL 02"}
        assert top.relation == "cross-side" and top.severity == "loss_of_separation"
        assert not top.formation
        for x, y in (("SOKOL 01", "SOKOL 02"), ("VIPER 11", "VIPER 12")):
            row = pair_of(res, x, y)
            assert row.formation and row.relation == "same-side"
        form = res.pairs[res.pairs.formation]
        assert len(form) == 2 and (form.index >= len(res.pairs) - 2).all()  # ranked last


# ------------------------------------------------------------------ generated tracks
def test_spike_excluded_step_splits_and_dense_reference_after_cleaning():
    """A one-sample altitude spike is excluded (the track moves straight past it); a
    sustained step splits the track. Reference: the dense pyproj sweep of the tracks as
    cleaned by hand, with the adaptive gap limit (3 × the median of 12 s = 36 s)."""
    t = np.arange(0.0, 600.0, 12.0)
    a = track("A", t, lambda t: 150.0 * t, 0.0, 3000.0)
    b = track("B", t + 5.0, lambda t: 90_000.0 - 150.0 * t, 900.0, 3100.0)
    a["alt"][25] = 9000.0  # spike at 300 s, where A meets B
    a["alt"][5] = 9000.0  # and at 60 s, 60 km from B: no figure of A–B could change
    c = track("C", t, lambda t: 150.0 * t, 3000.0, 3500.0)
    c["alt"][30:] = 9000.0  # sustained step at 360 s: no motion across it
    ts = TrackSet.from_tracks([a, b, c])
    cfg = AnalysisSettings(within_m=1e5, visual_range_m=5000.0)
    res = analyze(ts, cfg)
    assert list(res.excluded.reason) == ["altitude spike"] * 2
    assert list(res.excluded.time) == [T0 + 60.0, T0 + 300.0]
    view = clean(ts, cfg)
    assert view.gap_s.tolist() == [36.0, 36.0, 36.0]
    assert view.brk.sum() == 1  # the step of C
    ref = TrackSet.from_tracks(
        [{**a, **{k: np.delete(a[k], [5, 25]) for k in ["t", "lat", "lon", "alt"]}}, b]
    )
    for x, y in (("A", "B"),):
        row = pair_of(res, x, y)
        t0, t1 = overlap(ref, 0, 1)
        grid = np.arange(t0, t1, 0.05)
        d = dense_pair(ref, 0, 1, grid, gap_s=36.0)
        assert row.cpa_slant_m == pytest.approx(np.nanmin(d.slant), abs=0.5)
        assert row.affected_by_excluded
    # The far spike alone: left out, but no figure of A–B could have changed with it.
    far = {**a, "alt": np.where(np.arange(len(t)) == 25, 3000.0, a["alt"])}
    alone = analyze(TrackSet.from_tracks([far, b]), cfg)
    assert len(alone.excluded) == 1 and not pair_of(alone, "A", "B").affected_by_excluded
    # C: the step at 360 s is not flown through; B–C is assessed only away from it.
    row = pair_of(res, "B", "C")
    assert row.unassessed_s == pytest.approx(12.0, abs=1e-6)


def test_thirty_one_second_tracks_are_interpolated():
    """FlightAware-style KML: a sample every 30–31 s. The adaptive limit (≥ 90 s) keeps
    every interval; a fixed 30 s limit would lose a quarter and with it the CPA."""
    t = np.cumsum(np.tile([30.0, 31.0, 31.0, 30.0], 10))
    a = track("A", t, lambda t: 200.0 * t, 0.0, 3000.0)
    b = track("B", t + 7.0, lambda t: 160_000.0 - 200.0 * t, 3600.0, 3000.0)
    ts = TrackSet.from_tracks([a, b])
    row = analyze(ts).pairs.iloc[0]
    t0, t1 = overlap(ts, 0, 1)
    grid = np.arange(t0, t1, 0.05)
    want = np.nanmin(dense_pair(ts, 0, 1, grid, gap_s=np.inf).slant)
    assert row.cpa_slant_m == pytest.approx(want, abs=0.5)
    assert row.unassessed_s == 0.0
    fixed = analyze(ts, AnalysisSettings(max_gap_s=30.0))
    row30 = fixed.pairs.iloc[0]
    assert row30.cpa_slant_m > want + 100.0 and row30.unassessed_s > 0.2 * row30.assessed_s
    assert any("not assessed" in w.message for w in fixed.warnings)


def test_acmi_object_holds_its_state_between_and_after_updates(tmp_path):
    """A parked aircraft written once stays put to the end of the recording; one updated
    only every 5 minutes moves straight between; a removed one is gone after '-id'."""
    text = "\n".join(
        [
            "FileType=text/acmi/tacview",
            "FileVersion=2.2",
            "0,ReferenceTime=2020-01-01T00:00:00Z",
            "#0",
            "a1,T=8.0|47.0|500,Type=Air+FixedWing,Name=F-16C,CallSign=PARKED,Coalition=Allies",
            "b1,T=7.9|47.001|600,Type=Air+FixedWing,Name=F-16C,CallSign=SLOW,Coalition=Enemies",
            "c1,T=8.0|47.002|520,Type=Air+FixedWing,Name=F-16C,CallSign=GONE,Coalition=Enemies",
            "#10",
            "-c1",
            "#300",
            "b1,T=8.1|47.001|600",
            "#600",
            "0,Event=Bookmark|end",
        ]
    )
    path = tmp_path / "parked.txt.acmi"
    path.write_text(text + "\n", encoding="utf-8")
    ts = read_file(path)
    cfg = AnalysisSettings(include_ground=True, visual_range_m=30_000.0)
    view = clean(ts, cfg)
    parked = view.ts.track_slice(ts.index_of("a1"))
    assert view.ts.t[parked][-1] - view.ts.t[parked][0] == 600.0  # held to the end
    assert np.isinf(view.gap_s).all()
    res = analyze(ts, cfg)
    row = pair_of(res, "PARKED", "SLOW")
    # SLOW passes north of PARKED at 150 s (half way between its two updates): 111 m.
    assert row.cpa_time == pytest.approx(1_577_836_800.0 + 150.0, abs=0.5)
    assert row.relation == "cross-side" and row.unassessed_s == 0.0
    gone = pair_of(res, "PARKED", "GONE")
    assert gone.assessed_s == pytest.approx(10.0)


def test_stale_position_ends_the_track():
    t = np.arange(0.0, 200.0, 1.0)
    a = track("A", t, lambda t: 120.0 * t, 0.0, 1000.0, speed=np.full(len(t), 120.0))
    a["lat"][100:], a["lon"][100:] = a["lat"][99], a["lon"][99]  # held from 99 s on
    b = track("B", t, lambda t: 120.0 * 150.0 + 0 * t, 200.0, 1000.0, speed=np.full(len(t), 0.0))
    b["cls"] = "aircraft"
    ts = TrackSet.from_tracks([a, b])
    res = analyze(ts, AnalysisSettings(include_ground=True))
    stale = res.excluded[res.excluded.reason == "stale position"]
    assert len(stale) == 100 and stale.time.min() == T0 + 100.0
    row = pair_of(res, "A", "B")
    # A's real track ended 6 km short of B: no one flies into the ghost.
    assert row.cpa_slant_m > 5000.0 and row.affected_by_excluded
    assert any("stale position" in w.message for w in res.warnings)
    # Without a reported speed: held for over a minute at 3,000 m (an aeroplane cannot).
    c = track("C", t, lambda t: 120.0 * t, 0.0, 3000.0)
    c["lat"][100:], c["lon"][100:] = c["lat"][99], c["lon"][99]
    view = clean(TrackSet.from_tracks([c]), AnalysisSettings())
    assert len(view.excluded) == 100 and view.ts.t[-1] == T0 + 99.0


def test_ground_from_data_and_rule(tmp_path):
    csv = tmp_path / "ground.csv"
    rows = ["time,icao24,callsign,lat,lon,altitude_ft,groundspeed_kt,onground"]
    for k in range(60):
        # A taxis (onground True), B passes over at 300 ft, C is slow and low (the rule).
        rows.append(f"{T0 + k:.0f},aaaaaa,TAXI,47.0,{8.0 + k * 1e-5:.6f},400,15,True")
        rows.append(f"{T0 + k:.0f},bbbbbb,OVER,47.0,{8.0 + k * 2e-3:.6f},700,140,False")
        rows.append(f"{T0 + k:.0f},cccccc,SLOW,47.001,{8.0 + k * 1e-5:.6f},400,12,")
    csv.write_text("\n".join(rows) + "\n", encoding="utf-8")
    ts = read_file(csv)
    assert np.nansum(ts.ground) == 60  # TAXI's flags as read
    res = analyze(ts)
    assert res.pairs.empty
    assert any("on the ground" in w.message for w in res.warnings)
    both = analyze(ts, AnalysisSettings(include_ground=True))
    assert len(both.pairs) == 3


def test_pieces_of_one_aircraft_become_one_track():
    t = np.arange(0.0, 100.0, 2.0)
    ground = track("N279SY", t, lambda t: 10.0 * t, 0.0, 100.0, source="a.kml")
    air = track("N279SY#2", t + 200.0, lambda t: 150.0 * t, 0.0, 1500.0, source="a.kml")
    air["name"] = "N279SY"
    other = track("N1", np.arange(0.0, 400.0, 2.0), 0.0, 1000.0, 1500.0, source="b.kml")
    one = concat([TrackSet.from_tracks([ground, air]), TrackSet.from_tracks([other])])
    assert len(one) == 2 and one.ids[0] == "N279SY"
    assert len(one.t[one.track_slice(0)]) == 100
    assert any("joined" in w.message for w in one.warnings)
    # The same aircraft in two files at once is merged sample by sample.
    a = track("X", t, lambda t: 100.0 * t, 0.0, 1000.0, icao24="abc123", callsign="XY1")
    b = track("X", t + 1.0, lambda t: 100.0 * t, 0.0, 1000.0, icao24="abc123", callsign="XY1")
    for tr, src in ((a, "f1.csv"), (b, "f2.csv")):
        tr["source"] = src
    sets = []
    for tr in (a, b):
        s = TrackSet.from_tracks([tr])
        s.meta["icao24"] = [tr["icao24"]]
        sets.append(s)
    merged = concat(sets)
    assert len(merged) == 1 and merged.n_samples == 100
    assert np.all(np.diff(merged.t) > 0)


def test_coincident_instant_is_reported_as_t_t():
    """Two aircraft seen once each, at the same instant and place: CPA 0 m, and contact,
    loss of separation and NMAC hold at that instant: [t, t]."""
    a = dict(t=[T0], lat=[47.0], lon=[8.0], alt=[1000.0], id="a", cls="aircraft")
    b = dict(t=[T0], lat=[47.0], lon=[8.0], alt=[1010.0], id="b", cls="aircraft")
    row = analyze(TrackSet.from_tracks([a, b])).pairs.iloc[0]
    assert row.cpa_slant_m == pytest.approx(10.0, abs=1e-6)
    for col in ("visual_contact", "loss_of_separation", "nmac"):
        assert row[col] == [(T0, T0)], col
    assert row.severity == "nmac"


def test_nmac_interval_is_exact():
    """Head-on at 150 m/s each, 20 ft apart vertically, 50 m offset: horizontal < 500 ft
    while |Δx| < √(152.4² − 50²) m, closing at 300 m/s (straight lines: exact)."""
    t = np.arange(0.0, 200.0, 1.0)
    a = track("A", t, lambda t: 150.0 * t, 0.0, 1000.0)
    b = track("B", t + 0.5, lambda t: 30_000.0 - 150.0 * t, 50.0, 1000.0 + 20 * FT)
    res = analyze(TrackSet.from_tracks([a, b]))
    row = res.pairs.iloc[0]
    half = math.sqrt((500 * FT) ** 2 - 50.0**2) / 300.0
    ((s, e),) = row.nmac
    t_c = 30_000.0 / 300.0  # (B is sampled half a second later, on the same line)
    assert s - T0 == pytest.approx(t_c - half, abs=0.02)
    assert e - T0 == pytest.approx(t_c + half, abs=0.02)
    assert row.severity == "nmac"


def test_acmi_agl_near_zero_is_on_the_ground(tmp_path):
    """ACMI AGL (height above ground) near zero says on the ground: not paired by default."""
    lines = [
        "FileType=text/acmi/tacview",
        "FileVersion=2.2",
        "0,ReferenceTime=2020-01-01T00:00:00Z",
    ]
    for k in range(0, 120, 10):
        lines.append(f"#{k}")
        lines.append(f"a1,T=8.0|{47.0 + k * 1e-5:.5f}|510,AGL=0.5,Type=Air+FixedWing,CallSign=TAXI")
        lines.append(f"b1,T={8.0 + k * 1e-3:.4f}|47.0|900,AGL=400,Type=Air+FixedWing,CallSign=LOW")
    path = tmp_path / "agl.txt.acmi"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    ts = read_file(path)
    assert np.nansum(ts.ground[ts.track_slice(ts.index_of("a1"))]) == 12
    assert np.nansum(ts.ground[ts.track_slice(ts.index_of("b1"))]) == 0
    assert analyze(ts).pairs.empty
    assert len(analyze(ts, AnalysisSettings(include_ground=True)).pairs) == 1
