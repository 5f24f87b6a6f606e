"""The illustrative sample encounter: designed separations, plausible flying, determinism.

The separations are measured here from the committed CSV alone (standard-library ``csv``,
linear interpolation on a 0.1 s grid, pyproj's WGS84 geodesic), not from the generator's
simulation or from the program's analysis, so a change to either cannot hide a change in the
story the README tells.
"""

from __future__ import annotations

import csv
import importlib.util
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest
from pyproj import Geod

ROOT = Path(__file__).resolve().parents[1]
SAMPLE_DIR = ROOT / "sample_tracks"
STEM = "syria_oct2015_illustrative"
ACMI = SAMPLE_DIR / f"{STEM}.txt.acmi"
CSV = SAMPLE_DIR / f"{STEM}.csv"

NM = 1852.0
FT = 0.3048
KT = 1852.0 / 3600.0
GEOD = Geod(ellps="WGS84")
START = datetime(2015, 10, 10, 9, 0, tzinfo=UTC).timestamp()
STEP = 0.1  # s, the dense grid

US_FIGHTERS = ("101", "102")
RU_FIGHTERS = ("201", "202")
DRONES = ("301", "302")
FIGHTERS = US_FIGHTERS + RU_FIGHTERS


def _parse_time(text: str) -> float:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def load_csv(path: Path = CSV) -> dict[str, dict[str, np.ndarray]]:
    """Per id: t (POSIX s), lat, lon, alt (m), gs (m/s), hdg (deg) from the CSV text."""
    rows: dict[str, list[tuple[float, ...]]] = {}
    meta: dict[str, dict[str, str]] = {}
    with open(path, newline="", encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            rows.setdefault(r["id"], []).append(
                (
                    _parse_time(r["timestamp"]),
                    float(r["latitude"]),
                    float(r["longitude"]),
                    float(r["altitude_ft"]) * FT,
                    float(r["groundspeed_kt"]) * KT,
                    float(r["heading_deg"]),
                )
            )
            meta[r["id"]] = {k: r[k] for k in ("callsign", "name", "type", "coalition")}
    out = {}
    for k, v in rows.items():
        a = np.array(v)
        out[k] = dict(zip(("t", "lat", "lon", "alt", "gs", "hdg"), a.T, strict=True))
        out[k]["meta"] = meta[k]
    return out


@pytest.fixture(scope="module")
def tracks() -> dict[str, dict[str, np.ndarray]]:
    return load_csv()


def separation(a: dict, b: dict) -> dict[str, np.ndarray]:
    """Horizontal (geodesic) and vertical separation, linear motion between samples."""
    t0, t1 = max(a["t"][0], b["t"][0]), min(a["t"][-1], b["t"][-1])
    t = np.arange(np.ceil(t0 / STEP) * STEP, t1, STEP)
    pa = [np.interp(t, a["t"], a[k]) for k in ("lat", "lon", "alt")]
    pb = [np.interp(t, b["t"], b[k]) for k in ("lat", "lon", "alt")]
    _, _, h = GEOD.inv(pa[1], pa[0], pb[1], pb[0])
    return {"t": t, "h": np.asarray(h), "v": np.abs(pa[2] - pb[2])}


def loss_of_separation_s(s: dict[str, np.ndarray]) -> float:
    return float(np.count_nonzero((s["h"] < 5 * NM) & (s["v"] < 1000 * FT)) * STEP)


# ---------------------------------------------------------------------------- the story
def test_cast_and_timing(tracks):
    assert sorted(tracks) == ["101", "102", "201", "202", "301", "302"]
    calls = {k: tr["meta"]["callsign"] for k, tr in tracks.items()}
    assert calls == {
        "101": "VIPER 11",
        "102": "VIPER 12",
        "201": "SOKOL 01",
        "202": "SOKOL 02",
        "301": "REAPER 31",
        "302": "HAVOC 41",
    }
    for k in US_FIGHTERS + DRONES:
        assert tracks[k]["meta"]["coalition"] == "Blue"
    for k in RU_FIGHTERS:
        assert tracks[k]["meta"]["coalition"] == "Red"
    first = min(tr["t"][0] for tr in tracks.values())
    last = max(tr["t"][-1] for tr in tracks.values())
    assert first == START
    assert 30 * 60 <= last - first <= 45 * 60
    # each recorder has its own rate; SOKOL 02's has timing jitter
    rates = {k: np.diff(tr["t"]) for k, tr in tracks.items()}
    for k, nominal in {"101": 1, "102": 2, "201": 1, "301": 4, "302": 3}.items():
        np.testing.assert_allclose(rates[k], nominal, atol=1e-6, err_msg=k)
    assert 1.4 < rates["202"].min() < 1.9 and 2.1 < rates["202"].max() < 2.6
    assert abs(rates["202"].mean() - 2.0) < 0.05
    # the Russians take off from Hmeimim after the recording starts
    for k in RU_FIGHTERS:
        tr = tracks[k]
        assert tr["t"][0] > START + 60
        _, _, d = GEOD.inv(tr["lon"][0], tr["lat"][0], 35.9487, 35.4011)
        assert d < 3 * NM and tr["alt"][0] < 1000 * FT


def test_us_russian_fighters_close_to_10_to_20_nm_for_minutes(tracks):
    """The reported "10-20 miles": every US-RU fighter pair spends minutes inside 20 NM."""
    for a in US_FIGHTERS:
        for b in RU_FIGHTERS:
            s = separation(tracks[a], tracks[b])
            assert loss_of_separation_s(s) == 0.0
            # several minutes inside 20 NM, all of it in one approach
            under = s["t"][s["h"] < 20 * NM]
            assert under.size * STEP >= 3 * 60, (a, b)
            assert under[-1] - under[0] < under.size * STEP + 60
            if (a, b) != ("101", "202"):
                assert 10 * NM < s["h"].min() <= 15 * NM, (a, b)


def test_viper_11_and_sokol_02_come_inside_the_default_visual_range(tracks):
    """One pair, and only briefly, comes inside 10 NM (the program's default visual range)."""
    s = separation(tracks["101"], tracks["202"])
    k = int(np.argmin(s["h"]))
    assert 9.0 * NM <= s["h"][k] <= 9.7 * NM
    assert s["v"][k] < 1000 * FT
    assert 60 * 20 < s["t"][k] - START < 60 * 22  # about 09:20:40
    inside = s["t"][np.hypot(s["h"], s["v"]) < 10 * NM]  # slant range
    assert 60 <= inside.size * STEP <= 120
    assert inside[-1] - inside[0] < inside.size * STEP + 1  # one continuous window


def _pass(tracks, jet: str, drone: str) -> tuple[float, float, float]:
    s = separation(tracks[jet], tracks[drone])
    k = int(np.argmin(s["h"]))
    return s["h"][k] / NM, s["v"][k] / FT, loss_of_separation_s(s)


def test_sokol_01_passes_the_predator_3nm_1500ft_without_loss(tracks):
    h, v, los = _pass(tracks, "201", "302")
    assert 2.5 <= h <= 3.5
    assert 1300 <= v <= 1700
    assert los == 0.0


def test_sokol_02_passes_the_reaper_inside_5nm_1000ft(tracks):
    h, v, los = _pass(tracks, "202", "301")
    assert 1.2 <= h <= 1.8
    assert 550 <= v <= 850
    assert 20 <= los <= 180


def test_no_other_loss_of_separation_across_flights(tracks):
    """Only the REAPER pass breaks 5 NM / 1000 ft (lead and wing of one flight excepted)."""
    ids = sorted(tracks)
    flights = {"101": "V", "102": "V", "201": "S", "202": "S", "301": "R", "302": "H"}
    for i, a in enumerate(ids):
        for b in ids[i + 1 :]:
            if flights[a] == flights[b] or {a, b} == {"202", "301"}:
                continue
            assert loss_of_separation_s(separation(tracks[a], tracks[b])) == 0.0, (a, b)


def test_wingmen_keep_formation(tracks):
    """Lead and wing 1-2 NM apart once joined (a little more while turning)."""
    v = separation(tracks["101"], tracks["102"])
    assert v["h"].min() > 1.0 * NM and v["h"].max() < 2.0 * NM
    s = separation(tracks["201"], tracks["202"])
    joined = s["t"] > START + 6 * 60
    assert s["h"][joined].min() > 1.0 * NM
    assert np.median(s["h"][joined]) < 2.0 * NM
    assert s["h"][joined].max() < 3.5 * NM


# ---------------------------------------------------------------------------- plausible flying
@pytest.mark.parametrize("track_id", ["101", "102", "201", "202", "301", "302"])
def test_kinematics_are_consistent_and_plausible(tracks, track_id):
    tr = tracks[track_id]
    dt = np.diff(tr["t"])
    az, _, dist = GEOD.inv(tr["lon"][:-1], tr["lat"][:-1], tr["lon"][1:], tr["lat"][1:])
    # reported ground speed matches the distance flown between samples
    gs_mid = 0.5 * (tr["gs"][:-1] + tr["gs"][1:])
    np.testing.assert_allclose(dist / dt, gs_mid, rtol=0.01, atol=0.5)
    # reported heading matches the direction flown (mean of the two ends vs the chord)
    dh = (tr["hdg"][1:] - tr["hdg"][:-1] + 180) % 360 - 180
    mid = (tr["hdg"][:-1] + dh / 2) % 360
    # (exact for a steady turn; rolling in or out shifts it by a fraction of the change)
    err = np.abs((np.asarray(az) - mid + 180) % 360 - 180)
    assert np.all(err < 0.5 + 0.2 * np.abs(dh))
    turn = np.abs(dh) / dt
    climb = np.diff(tr["alt"]) / dt / FT * 60  # ft/min
    speed_kt = tr["gs"] / KT
    alt_ft = tr["alt"] / FT
    if track_id in FIGHTERS:
        assert turn.max() < 12.0
        assert np.abs(climb).max() < 7000
        assert speed_kt.min() > 150 and speed_kt.max() < 560
        assert alt_ft.max() < 26000
    else:
        assert turn.max() <= 3.0  # standard rate
        assert np.abs(climb).max() < 500
        band = (150, 210) if track_id == "301" else (60, 100)
        assert band[0] < speed_kt.min() and speed_kt.max() < band[1]
    if track_id in US_FIGHTERS:
        assert alt_ft.min() > 20000 and alt_ft.max() < 25000
        assert speed_kt.min() > 380 and speed_kt.max() < 500


# ---------------------------------------------------------------------------- the files
def test_acmi_is_well_formed_tacview_text():
    """Structure checked line by line here, independently of the program's ACMI reader."""
    raw = ACMI.read_bytes()
    assert len(raw) < 1_000_000
    lines = raw.decode("utf-8").split("\n")
    assert lines[0] == "FileType=text/acmi/tacview" and lines[1] == "FileVersion=2.2"
    assert lines[2].startswith("//") and "ILLUSTRATIVE" in lines[2]
    globals_ = dict(
        ln[2:].split("=", 1) for ln in lines if ln.startswith("0,") and "Event=" not in ln
    )
    assert globals_["ReferenceTime"] == "2015-10-10T09:00:00Z"
    assert globals_["ReferenceLongitude"] == "37" and globals_["ReferenceLatitude"] == "36"
    assert "ILLUSTRATIVE" in globals_["Title"] and "not recorded" in globals_["Title"]
    assert "Illustrative" in globals_["Comments"]
    times = [float(ln[1:]) for ln in lines if ln.startswith("#")]
    assert times == sorted(times) and len(set(times)) == len(times)
    seen: dict[str, int] = {}
    for ln in lines[3:]:
        if not ln or ln.startswith(("#", "0,", "//")):
            continue
        oid, rest = ln.split(",", 1)
        transform = rest.split(",")[0]
        assert transform.startswith("T=")
        n_fields = len(transform[2:].split("|"))
        if oid == "401":
            assert "Type=Navaid+Static+Bullseye" in rest
            continue
        assert n_fields == 6
        if oid not in seen:
            for key in (
                "Type=Air+FixedWing",
                "Name=",
                "CallSign=",
                "Coalition=",
                "Color=",
                "Country=",
            ):
                assert key in rest, (oid, key)
        seen[oid] = seen.get(oid, 0) + 1
    csv_counts = {k: len(v["t"]) for k, v in load_csv().items()}
    assert seen == csv_counts
    events = [ln for ln in lines if ln.startswith("0,Event=")]
    kinds = [e[len("0,Event=") :].split("|")[0] for e in events]
    assert kinds.count("Bookmark") >= 4 and "Message" in kinds


def test_generator_is_deterministic(tmp_path):
    """Regenerating gives byte-identical files, so the committed ones are the script's output."""
    subprocess.run(
        [sys.executable, str(SAMPLE_DIR / "generate_sample.py"), "--out", str(tmp_path)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    for name in (ACMI.name, CSV.name):
        assert (tmp_path / name).read_bytes() == (SAMPLE_DIR / name).read_bytes(), name


# ---------------------------------------------------------------------------- the readers
def _readers_available() -> bool:
    return all(
        importlib.util.find_spec(m) is not None
        for m in ("encounter_replay.io.acmi", "encounter_replay.io.csv_reader")
    )


@pytest.mark.skipif(not _readers_available(), reason="ACMI/CSV readers not built yet")
def test_both_files_load_as_the_same_tracks():
    from encounter_replay.io import read_file

    a = read_file(ACMI)
    c = read_file(CSV)
    assert not a.warnings and not c.warnings
    assert "ILLUSTRATIVE" in a.title
    ref = a.meta.index[a.meta["cls"] == "reference"]
    assert list(a.meta.loc[ref, "id"]) == ["401"]
    a_ids = sorted(
        i for i, cls in zip(a.meta["id"], a.meta["cls"], strict=True) if cls != "reference"
    )
    assert a_ids == sorted(c.meta["id"])
    for track_id in a_ids:
        ka, kc = a.index_of(track_id), c.index_of(track_id)
        for col in ("callsign", "name", "coalition"):
            assert a.meta.loc[ka, col] == c.meta.loc[kc, col], (track_id, col)
        sa, sc = a.track_slice(ka), c.track_slice(kc)
        assert sa.stop - sa.start == sc.stop - sc.start, track_id
        np.testing.assert_allclose(a.t[sa], c.t[sc], rtol=0, atol=1e-3)
        _, _, d = GEOD.inv(a.lon[sa], a.lat[sa], c.lon[sc], c.lat[sc])
        assert np.max(d) < 1.0, track_id
        np.testing.assert_allclose(a.alt[sa], c.alt[sc], rtol=0, atol=1.0)
        np.testing.assert_allclose(c.speed[sc], load_csv()[track_id]["gs"], atol=0.05)
    assert a.t.min() == START
    kinds = list(a.events["kind"])
    assert kinds.count("Bookmark") >= 4 and "Message" in kinds and "TakenOff" in kinds
