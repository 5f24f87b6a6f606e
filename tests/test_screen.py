"""`encounter-replay screen`: an archive screened in windows gives exactly what `analyze`
gives on the whole files (both engines), window edges merge exactly, interrupted runs
resume, broken files are named and skipped, and an encounter's neighbourhood replays."""

from __future__ import annotations

import math
import re
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("duckdb", reason="the optional 'screen' extra is not installed")

from encounter_replay.analysis import analyze
from encounter_replay.cli import main
from encounter_replay.io import read_files
from encounter_replay.model.units import FT, KT, NM
from encounter_replay.screen import engines, extra
from encounter_replay.screen.ingest import Filters
from encounter_replay.screen.neighbourhood import load_neighbourhood
from encounter_replay.screen.output import read_encounters
from encounter_replay.screen.run import ScreenInterrupted, ScreenOptions, screen

DAYS = ("quickstart_2021-10-07.csv.gz", "switzerland_2018-08-01.csv.gz")
CONF = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "adsb"


def _hourly_archive(folder: Path, days: tuple[str, ...]) -> Path:
    """The real days split into one Parquet file per UTC hour (timestamps typed)."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pcsv
    import pyarrow.parquet as pq

    folder.mkdir(parents=True, exist_ok=True)
    for day in days:
        table = pcsv.read_csv(CONF / day)
        secs = pc.cast(pc.cast(table["timestamp"], pa.timestamp("s", tz="UTC")), pa.int64())
        hour = (secs.to_numpy() // 3600).astype(np.int64)
        for h in np.unique(hour):
            pq.write_table(table.filter(pa.array(hour == h)), folder / f"{day[:10]}_{h}.parquet")
    return folder


@pytest.fixture(scope="module")
def archive(tmp_path_factory) -> Path:
    if not CONF.is_dir():
        pytest.skip("../shared/data is not present")
    return _hourly_archive(tmp_path_factory.mktemp("archive"), DAYS)


@pytest.fixture(scope="module")
def whole():
    if not CONF.is_dir():
        pytest.skip("../shared/data is not present")
    return analyze(read_files([CONF / d for d in DAYS]))


@pytest.fixture(scope="module")
def expected(whole) -> pd.DataFrame:
    return _normalised(whole.pairs.drop(columns=["a", "b"]))


@pytest.fixture(scope="module")
def duck_list(archive, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("duck") / "encounters.parquet"
    outcome = screen(ScreenOptions(sources=[str(archive)], out=out, progress=False))
    assert outcome.windows > 20 and not outcome.failed_files
    return out


@pytest.fixture(scope="module")
def duck(duck_list) -> pd.DataFrame:
    return read_encounters(duck_list)[0]


def _normalised(pairs: pd.DataFrame) -> pd.DataFrame:
    """Pairs keyed by (smaller id, larger id), bearings swapped to match."""
    df = pairs.copy()
    swap = (df["a_id"] > df["b_id"]).to_numpy()
    for x, y in (("a_id", "b_id"), ("a_name", "b_name"), ("bearing_ab_deg", "bearing_ba_deg")):
        a, b = df[x].to_numpy(copy=True), df[y].to_numpy(copy=True)
        df[x], df[y] = np.where(swap, b, a), np.where(swap, a, b)
    return df.set_index(["a_id", "b_id"]).sort_index()


def assert_same_pairs(want: pd.DataFrame, got: pd.DataFrame, atol: float = 1e-6) -> None:
    """Same pairs, and every column of ``want`` equal in ``got`` (floats to ``atol``
    absolute or 1e-9 relative, intervals boundary by boundary)."""
    got = _normalised(got.reset_index(drop=True)) if "a_id" in got else got
    assert list(want.index) == list(got.index)
    for col in want.columns:
        a, b = want[col], got[col]
        if col in ("visual_contact", "loss_of_separation"):
            for key, x, y in zip(want.index, a, b, strict=True):
                x, y = np.asarray(x, float).reshape(-1, 2), np.asarray(y, float).reshape(-1, 2)
                assert x.shape == y.shape, (col, key, x, y)
                np.testing.assert_allclose(x, y, atol=atol, rtol=0, err_msg=f"{col} {key}")
        elif col == "source_files":  # the same files, wherever the archive is
            names = [[Path(p).name for p in files] for files in a]
            assert names == [[Path(p).name for p in files] for files in b]
        elif a.dtype.kind == "f":
            np.testing.assert_allclose(
                b.to_numpy(float), a.to_numpy(float), rtol=1e-9, atol=atol, err_msg=col
            )
        else:
            assert (a.to_numpy() == b.to_numpy()).all(), col


def test_duckdb_screen_equals_analyze_on_the_whole_files(duck, expected) -> None:
    assert len(duck) == len(expected) > 8000
    assert_same_pairs(expected, duck)
    # Each row says where to replay it from and when.
    files = duck["source_files"]
    assert all(len(f) >= 1 and all(Path(p).suffix == ".parquet" for p in f) for f in files)
    assert (duck["replay_start"] <= duck["cpa_time"] - 60).all()
    assert (duck["replay_end"] >= duck["cpa_time"] + 60).all()


def test_screen_lists_the_samples_the_analysis_excludes(duck_list, whole) -> None:
    """The cleaning's excluded samples over the archive, beside the list: the same
    samples, tracks (joined pieces under one id) and reasons as on the whole files."""
    from encounter_replay.screen.assemble import excluded_path

    got = pd.read_parquet(excluded_path(duck_list))
    want = whole.excluded
    assert len(want) > 1000
    key = ["id", "time", "reason"]
    a = want[key].sort_values(key).reset_index(drop=True)
    b = got[key].sort_values(key).reset_index(drop=True)
    pd.testing.assert_frame_equal(a, b, check_dtype=False)
    assert read_encounters(duck_list)[1]["excluded_samples"] == len(want)


def test_sparse_tracks_keep_their_whole_track_gap_limit(tmp_path) -> None:
    """31 s sampling (FlightAware-style): each track's gap limit is three median
    intervals (93 s), more than the ingest overlap, and a window sees only part of a
    track; screened in ten-minute windows the pair still equals one analysis, its
    interpolated 31 s segments included."""
    from encounter_replay.model.units import FT as ft

    t = np.arange(0.0, 3600.0, 31.0) + 1.6e9
    lines = ["timestamp,flight_id,callsign,latitude,longitude,altitude,groundspeed,track"]
    for fid, lat0, dlon in (("AAA1", 47.0, 0.002), ("BBB2", 47.02, -0.002)):
        for k, tk in enumerate(t):
            if fid == "AAA1" and 45 <= k < 47:
                continue  # a 93 s gap (3 × 31 s, interpolated) across a window edge
            lon = 8.0 + dlon * k
            lines.append(f"{int(tk)},{fid},{fid},{lat0},{lon:.6f},{10000 + 0 * ft},250,90")
    path = tmp_path / "sparse.csv"
    path.write_text("\n".join(lines) + "\n")
    want = _normalised(analyze(read_files([path])).pairs.drop(columns=["a", "b"]))
    assert len(want) == 1 and want["unassessed_s"].iat[0] == 0.0
    out = tmp_path / "sparse.parquet"
    screen(ScreenOptions(sources=[str(path)], out=out, window_s=600, progress=False))
    got = read_encounters(out)[0]
    assert got["windows"].iat[0] > 3
    assert_same_pairs(want, got)


def test_dask_two_local_workers_give_identical_results(archive, duck, tmp_path) -> None:
    pytest.importorskip("distributed")
    out = tmp_path / "dask.parquet"
    outcome = screen(ScreenOptions(sources=[str(archive)], out=out, workers=2, progress=False))
    got = read_encounters(out)[0]
    assert outcome.windows > 20
    assert_same_pairs(_normalised(duck), got, atol=0.0)


def test_window_edges_merge_exactly(tmp_path) -> None:
    """Ten-minute windows: many encounters straddle an edge; their CPA, minima and joined
    intervals still equal one run over the whole file (read as `analyze FILE` reads it,
    with the pieces of one aircraft joined)."""
    if not CONF.is_dir():
        pytest.skip("../shared/data is not present")
    ts = read_files([CONF / DAYS[0]])
    want = _normalised(analyze(ts).pairs.drop(columns=["a", "b"]))
    out = tmp_path / "edges.parquet"
    screen(ScreenOptions(sources=[str(CONF / DAYS[0])], out=out, window_s=600, progress=False))
    got = read_encounters(out)[0]
    assert_same_pairs(want, got)
    crossing = [
        (a, b)
        for spans in got["visual_contact"]
        for a, b in spans
        if math.floor(a / 600) != math.floor(b / 600)
    ]
    assert len(crossing) > 100  # joined across edges, not cut at them
    assert (got["windows"] > 1).sum() > 100


def test_time_range_equals_the_analysis_of_that_span(tmp_path) -> None:
    """``--from/--to`` equals ``analyze(..., span=…)``, but for ``unassessed_s`` of a track
    that goes on after the range only after a gap longer than the screen's reach: the
    screen reads the range and its overlap, so it cannot know the track comes back, and
    counts its common time up to its last sample (the whole-file analysis up to the
    range's end). Those pairs' assessed time is still equal, their unassessed time less."""
    if not CONF.is_dir():
        pytest.skip("../shared/data is not present")
    from encounter_replay.analysis import AnalysisSettings
    from encounter_replay.analysis.cleaning import clean
    from encounter_replay.screen.run import overlap_s

    ts = read_files([CONF / DAYS[0]])
    t0, t1 = 1633609800.0, 1633613400.0  # 12:30 to 13:30 UTC
    want = _normalised(analyze(ts, span=(t0, t1)).pairs.drop(columns=["a", "b"]))
    out = tmp_path / "span.parquet"
    screen(
        ScreenOptions(
            sources=[str(CONF / DAYS[0])], out=out, filters=Filters(t0, t1), progress=False
        )
    )
    got = read_encounters(out)[0]
    assert len(got) < len(_normalised(analyze(ts).pairs.drop(columns=["a", "b"])))
    assert_same_pairs(want.drop(columns=["unassessed_s"]), got)
    assert ((got["cpa_time"] >= t0) & (got["cpa_time"] <= t1)).all()
    # Tracks whose next analysed sample after the range lies beyond the overlap.
    kept = clean(ts, AnalysisSettings()).ts
    reach = t1 + overlap_s(AnalysisSettings())
    resumes = {
        kept.ids[k]
        for k in range(len(kept))
        if (lambda t: (t > t1).any() and t[t > t1].min() > reach and (t <= t1).any())(
            kept.t[kept.track_slice(k)]
        )
    }
    assert 0 < len(resumes) < 10
    g = _normalised(got)["unassessed_s"]
    w = want["unassessed_s"]
    odd = np.array([a in resumes or b in resumes for a, b in want.index])
    np.testing.assert_allclose(g[~odd].to_numpy(), w[~odd].to_numpy(), rtol=1e-9, atol=1e-6)
    assert (g[odd].to_numpy() <= w[odd].to_numpy() + 1e-6).all()
    assert (g[odd].to_numpy() < w[odd].to_numpy()).sum() >= 20  # the figure it cannot know


@pytest.fixture(scope="module")
def small_archive(archive, tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("small")
    for p in sorted(archive.glob("quickstart*.parquet")):
        shutil.copy(p, folder / p.name)
    return folder


def test_interrupted_screen_resumes_from_its_checkpoints(small_archive, tmp_path, monkeypatch):
    out = tmp_path / "enc.parquet"
    opts = ScreenOptions(sources=[str(small_archive)], out=out, window_s=900, progress=False)
    calls = []
    real = engines.run_window

    def interrupted(task):
        calls.append(task.index)
        if len(calls) == 4 and not outcome_seen:
            raise KeyboardInterrupt
        return real(task)

    outcome_seen = False

    monkeypatch.setattr(engines, "run_window", interrupted)
    with pytest.raises(ScreenInterrupted) as info:
        screen(opts)
    assert info.value.done == 3 and info.value.total > 8
    assert not out.exists()
    assert len(list(Path(str(out) + ".screen", "windows").glob("*.pkl"))) == 3
    calls.clear()
    outcome_seen = True
    outcome = screen(opts)
    assert outcome.resumed
    assert len(calls) == info.value.total - 3  # only the windows not done before
    assert not Path(str(out) + ".screen").exists()  # the work folder goes when done
    fresh = tmp_path / "fresh.parquet"
    monkeypatch.setattr(engines, "run_window", real)
    screen(ScreenOptions(sources=[str(small_archive)], out=fresh, window_s=900, progress=False))
    assert_same_pairs(_normalised(read_encounters(fresh)[0]), read_encounters(out)[0], atol=0.0)


def test_broken_files_are_named_and_the_rest_goes_on(small_archive, tmp_path, capsys) -> None:
    folder = tmp_path / "mixed"
    shutil.copytree(small_archive, folder)
    (folder / "broken.parquet").write_bytes(b"PAR1 this is not parquet")
    (folder / "nolat.csv").write_text("timestamp,flight_id,longitude\n2021-10-07T12:00:00Z,X,2.0\n")
    out = tmp_path / "enc.parquet"
    outcome = screen(ScreenOptions(sources=[str(folder)], out=out, progress=False))
    err = capsys.readouterr().err
    assert len(outcome.failed_files) == 2
    assert "broken.parquet" in err and "nolat.csv" in err and "latitude" in err
    clean = tmp_path / "clean.parquet"
    screen(ScreenOptions(sources=[str(small_archive)], out=clean, progress=False))
    assert_same_pairs(_normalised(read_encounters(clean)[0]), read_encounters(out)[0], atol=0.0)
    assert "unreadable source files: 2" in _info_text(out)


def _info_text(path: Path) -> str:
    from encounter_replay.screen.output import summary

    frame, meta = read_encounters(path)
    return summary(frame, meta)


def test_csv_archives_screen_like_the_csv_reader(tmp_path) -> None:
    """The gzipped CSV itself as the archive: DuckDB's reading equals the CSV reader's."""
    if not CONF.is_dir():
        pytest.skip("../shared/data is not present")
    want = _normalised(analyze(read_files([CONF / DAYS[0]])).pairs.drop(columns=["a", "b"]))
    out = tmp_path / "csv.parquet"
    screen(ScreenOptions(sources=[str(CONF / "quickstart_*.csv.gz")], out=out, progress=False))
    assert_same_pairs(want, read_encounters(out)[0])


def test_command_line_screen_info_and_csv(small_archive, tmp_path, capsys) -> None:
    out = tmp_path / "enc.parquet"
    code = main(["screen", str(small_archive), "--out", str(out), "--csv", "--no-progress"])
    assert code == 0
    printed = capsys.readouterr().out
    assert "pair(s)" in printed and str(out) in printed
    table = pd.read_csv(out.with_suffix(".csv"))
    assert {"a_id", "b_id", "cpa_slant_m", "visual_contact", "source_files"} <= set(table)
    assert main(["info", str(out)]) == 0
    text = capsys.readouterr().out
    assert "encounter list" in text and "closest" in text
    assert main(["screen", str(tmp_path / "nothing-here"), "--out", str(out)]) == 2
    assert "no such file" in capsys.readouterr().err


def test_missing_extra_is_named(monkeypatch, tmp_path, capsys, small_archive) -> None:
    monkeypatch.setitem(__import__("sys").modules, "duckdb", None)
    with pytest.raises(extra.MissingExtra, match=r"encounter-replay\[screen\]"):
        extra.duckdb()
    code = main(["screen", str(small_archive), "--out", str(tmp_path / "x.parquet")])
    assert code == 1 and "'screen' extra" in capsys.readouterr().err


def test_neighbourhood_holds_the_pair_and_what_came_within_visual_range(
    duck, duck_list, archive
) -> None:
    from pyproj import Geod

    row = duck.iloc[0]
    ts = load_neighbourhood([str(archive)], f"{duck_list}:0")
    ids = ts.ids
    assert row["a_id"] in ids and row["b_id"] in ids
    assert ts.start >= row["replay_start"] and ts.end <= row["replay_end"]
    assert ts.start <= row["cpa_time"] <= ts.end
    # Independent check of the selection: each other track has a sample within the visual
    # range (10 NM, geodesic + altitude) of one of the pair at about the same second.
    geod = Geod(ellps="WGS84")
    ka, kb = ids.index(row["a_id"]), ids.index(row["b_id"])
    for k in range(len(ts)):
        if k in (ka, kb):
            continue
        sl = ts.track_slice(k)
        best = np.inf
        for kp in (ka, kb):
            sp = ts.track_slice(kp)
            t = ts.t[sl]
            ok = (t >= ts.t[sp][0]) & (t <= ts.t[sp][-1])
            lat = np.interp(t[ok], ts.t[sp], ts.lat[sp])
            lon = np.interp(t[ok], ts.t[sp], ts.lon[sp])
            alt = np.interp(t[ok], ts.t[sp], ts.alt[sp])
            _, _, d = geod.inv(lon, lat, ts.lon[sl][ok], ts.lat[sl][ok])
            if len(d):
                best = min(best, float(np.min(np.hypot(d, ts.alt[sl][ok] - alt))))
        assert best <= 10 * NM * 1.01, (ids[k], best)
    assert len(ts) < 238


def test_neighbourhood_joins_pieces_as_the_list_did(duck, duck_list, archive) -> None:
    """A pair whose aircraft was recorded as several pieces replays under the listed id,
    its pieces in the replayed time joined into that one track."""
    joined = read_encounters(duck_list)[1]["joined"]
    heads = {h for h, _ in joined.values()}
    assert len(joined) >= 3
    rows = np.flatnonzero(duck["a_id"].isin(heads) | duck["b_id"].isin(heads))
    row = duck.iloc[rows[0]]
    ts = load_neighbourhood([str(archive)], f"{duck_list}:{rows[0]}")
    assert row["a_id"] in ts.ids and row["b_id"] in ts.ids
    assert not set(joined) & set(ts.ids)  # no piece under its own id


@pytest.mark.gui
def test_encounter_replays_in_the_window(qtbot, duck, archive, tmp_path) -> None:
    from encounter_replay.desktop import build_window
    from encounter_replay.io import ReadOptions
    from encounter_replay.screen.replay_window import show_encounter

    out = tmp_path / "one.parquet"
    first_hour = sorted(archive.glob("quickstart*.parquet"))[0]
    screen(ScreenOptions(sources=[str(first_hour)], out=out, progress=False))
    frame, _ = read_encounters(out)
    ts = load_neighbourhood([str(archive)], f"{out}:0")
    window = build_window(ReadOptions())
    qtbot.addWidget(window)
    show_encounter(window, ts, frame.iloc[0]["cpa_time"])
    qtbot.waitUntil(lambda: window.analysis is not None, timeout=20000)
    pairs = window.analysis.pairs
    ids = {frame.iloc[0]["a_id"], frame.iloc[0]["b_id"]}
    assert any({a, b} == ids for a, b in zip(pairs["a_id"], pairs["b_id"], strict=True))
    assert len(window.ts) == len(ts)


def _opensky_file(folder: Path) -> tuple[Path, object]:
    """quickstart in the OpenSky state-vector layout: epoch seconds, metres, m/s, the
    geometric altitude 50 m above the barometric one."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pcsv
    import pyarrow.parquet as pq

    t = pcsv.read_csv(CONF / DAYS[0])
    secs = pc.cast(pc.cast(t["timestamp"], pa.timestamp("s", tz="UTC")), pa.int64())
    baro = pc.multiply(pc.cast(t["altitude"], pa.float64()), FT)
    table = pa.table(
        {
            "time": secs,
            "icao24": t["flight_id"],  # one track per flight, as the CSV reader makes them
            "lat": t["latitude"],
            "lon": t["longitude"],
            "velocity": pc.multiply(t["groundspeed"], KT),
            "heading": t["track"],
            "vertrate": t["vertical_rate"],
            "callsign": t["callsign"],
            "onground": pa.array(np.zeros(t.num_rows, dtype=bool)),
            "baroaltitude": baro,
            "geoaltitude": pc.add(baro, 50.0),
        }
    )
    path = folder / "states_2021-10-07.parquet"
    pq.write_table(table, path)
    # The flights as `analyze FILE` reads them, pieces of one aircraft joined (the icao24
    # column is the id here, so the screen joins by callsign, as the CSV reader would).
    return path, read_files([CONF / DAYS[0]])


def test_opensky_state_vectors_and_the_altitude_source(tmp_path) -> None:
    if not CONF.is_dir():
        pytest.skip("../shared/data is not present")
    path, ts = _opensky_file(tmp_path)
    out = tmp_path / "baro.parquet"
    screen(ScreenOptions(sources=[str(path)], out=out, progress=False))
    assert_same_pairs(
        _normalised(analyze(ts).pairs.drop(columns=["a", "b"])), read_encounters(out)[0]
    )
    geo = tmp_path / "geo.parquet"
    screen(ScreenOptions(sources=[str(path)], out=geo, altitude="geo", progress=False))
    ts.alt = ts.alt + 50.0
    want = _normalised(analyze(ts).pairs.drop(columns=["a", "b"]))
    assert_same_pairs(want, read_encounters(geo)[0])


def test_region_keeps_only_samples_inside(small_archive, duck, tmp_path) -> None:
    out = tmp_path / "region.parquet"
    region = (48.5, 1.5, 49.5, 3.0)  # north of Paris
    screen(
        ScreenOptions(
            sources=[str(small_archive)], out=out, filters=Filters(region=region), progress=False
        )
    )
    got = read_encounters(out)[0]
    assert 0 < len(got) < (duck["source_files"].map(lambda f: "quickstart" in f[0])).sum()
    ts = load_neighbourhood([str(small_archive)], f"{out}:0")
    assert len(ts) >= 2


def test_merge_rules_follow_the_kind_of_column_not_its_name() -> None:
    """Columns the analysis may gain (well clear, severity…) merge by their kind: interval
    lists joined, flags any, min_* with companions from the least window, *_s summed,
    the rest from the CPA window."""
    from encounter_replay.screen.merge import merge_windows

    def window(k, slant, wcv, tau, tau_t, nmac, assessed, rel):
        return pd.DataFrame(
            {
                "a_id": ["A"],
                "b_id": ["B"],
                "a_name": ["A"],
                "b_name": ["B"],
                "cpa_time": [k * 100.0 + 50],
                "cpa_slant_m": [slant],
                "min_horizontal_m": [slant],
                "min_horizontal_time": [k * 100.0 + 50],
                "well_clear_violation": [wcv],
                "min_tau_mod_s": [tau],
                "min_tau_mod_time": [tau_t],
                "nmac": [nmac],
                "assessed_s": [assessed],
                "relation": [rel],
                "window": [k],
                "files": [[k]],
            }
        )

    merged = merge_windows(
        [
            window(0, 900.0, [(90.0, 100.0)], 12.0, 95.0, False, 100.0, "first"),
            window(1, 300.0, [(100.0, 120.0), (150.0, 160.0)], 20.0, 101.0, True, 100.0, "cpa"),
            window(2, 700.0, [], 5.0, 230.0, False, 40.0, "last"),
        ]
    )
    row = merged.iloc[0]
    assert len(merged) == 1 and row["windows"] == 3
    assert row["cpa_slant_m"] == 300.0 and row["cpa_time"] == 150.0 and row["relation"] == "cpa"
    assert row["well_clear_violation"] == [(90.0, 120.0), (150.0, 160.0)]
    assert row["min_tau_mod_s"] == 5.0 and row["min_tau_mod_time"] == 230.0
    assert bool(row["nmac"]) and row["assessed_s"] == 240.0 and row["files"] == [0, 1, 2]


def test_progress_line_counts_windows_rate_and_time_left() -> None:
    import io

    from encounter_replay.screen.progress import ProgressBar

    stream = io.StringIO()
    bar = ProgressBar("windows", 10, stream, every_s=0.0)
    bar.skip(2)
    bar.start -= 4.0  # four seconds into the run
    bar.update(2, 400_000)
    line = stream.getvalue().splitlines()[-1]
    assert "4/10" in line and "samples/s" in line and "ETA" in line
    bar.update(6, 0)
    assert "10/10" in stream.getvalue().splitlines()[-1]


def test_merge_in_passes_gives_the_same_list(small_archive, tmp_path, monkeypatch) -> None:
    """Pair tables bigger than one pass are merged hash-partitioned and sorted by DuckDB:
    the list (and its CSV) are the same as from one pass."""
    from encounter_replay.screen import assemble

    one = tmp_path / "one.parquet"
    screen(ScreenOptions(sources=[str(small_archive)], out=one, progress=False))
    monkeypatch.setattr(assemble, "ROWS_PER_PASS", 500)
    many = tmp_path / "many.parquet"
    screen(ScreenOptions(sources=[str(small_archive)], out=many, csv=True, progress=False))
    got, info = read_encounters(many)
    want = read_encounters(one)[0]
    assert info["windows"] >= 3 and len(got) == len(want) > 2000
    assert_same_pairs(_normalised(want), got, atol=0.0)
    # In rank order, ranked over all passes (as `analyze` ranks): 1, 2, … then the
    # pairs of implausible closure, unranked.
    rank = got["rank"].to_numpy(float)
    ranked = np.isfinite(rank)
    assert ranked.sum() > 2000 and (rank[ranked] == np.arange(1, ranked.sum() + 1)).all()
    assert ranked[: ranked.sum()].all()
    assert len(pd.read_csv(many.with_suffix(".csv"))) == len(got)


def test_unreachable_scheduler_is_one_line(small_archive, tmp_path, capsys, monkeypatch) -> None:
    pytest.importorskip("distributed")
    monkeypatch.setattr(engines, "CONNECT_TIMEOUT", "2s")
    out = tmp_path / "x.parquet"
    code = main(
        ["screen", str(small_archive), "--out", str(out), "--scheduler", "tcp://127.0.0.1:9"]
    )
    assert code == 1 and "cannot reach the Dask scheduler" in capsys.readouterr().err


@pytest.mark.gui
def test_command_line_replays_an_encounter(duck_list, archive, tmp_path) -> None:
    """`encounter-replay ARCHIVE --encounter LIST:ROW` opens the window on the neighbourhood
    and analyses it (smoke mode: the window reports and quits)."""
    import os
    import subprocess
    import sys

    env = dict(os.environ, ENCOUNTER_REPLAY_EXIT_AFTER_SHOWN="1", QT_QPA_PLATFORM="offscreen")
    env["ENCOUNTER_REPLAY_SETTINGS"] = str(tmp_path / "settings.ini")
    run = subprocess.run(
        [sys.executable, "-m", "encounter_replay", str(archive), "--encounter", f"{duck_list}:0"],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    tracks, pairs = map(int, re.search(r"\((\d+) tracks, (\d+) pairs\)", run.stdout).groups())
    assert 2 <= tracks < 238 and pairs >= 1
