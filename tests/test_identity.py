"""Who is who (model/identity.py), shades within a side (model/shades.py), speed kinds
(model/speeds.py), on hand-made rows and the real recordings."""

from __future__ import annotations

import colorsys

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import SAMPLE_DIR
from encounter_replay.io.acmi import read_acmi
from encounter_replay.model import TrackSet
from encounter_replay.model.identity import clean_type, clean_types, display_name, display_names
from encounter_replay.model.shades import MAX_HUE_TURN_DEG, shades, track_shades
from encounter_replay.model.speeds import air_data_at, speed_kinds, track_speed_kinds
from encounter_replay.palette import NEUTRAL

DOGFIGHT = "pappavis__Tacview_ACMI__Tacview-20200207-194347-DCS-M-2000C_vs_F-15E_dogfight.txt.acmi"


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        ({"name": "F-15E", "callsign": "Пилот #2", "type": "Air+FixedWing"}, "F-15E · Пилот #2"),
        (
            {"name": "Su-30SM", "callsign": "SOKOL 01", "type": "Air+FixedWing"},
            "Su-30SM · SOKOL 01",
        ),
        ({"name": "A-10C", "callsign": "", "type": "Air+FixedWing"}, "A-10C"),
        ({"name": "", "callsign": "", "type": "Misc+Decoy+Chaff", "id": "801"}, "Chaff"),
        ({"name": "", "type": "Navaid+Static+Bullseye"}, "Bullseye"),
        # ADS-B: callsign and registration, else the 24-bit address.
        (
            {
                "callsign": "AFR1234",
                "name": "AFR1234",
                "type": "A320",
                "registration": "F-HBXA",
                "icao24": "39bd24",
            },
            "AFR1234 · F-HBXA",
        ),
        (
            {"callsign": "EJU875P", "name": "EJU875P", "type": "", "icao24": "4007f2"},
            "EJU875P · 4007f2",
        ),
        ({"callsign": "", "name": "", "type": "", "icao24": "4007f2"}, "4007f2"),
        ({"callsign": "", "name": "", "type": "", "id": "track-7"}, "track-7"),
        ({"callsign": float("nan"), "name": "nan", "id": "x1"}, "x1"),
    ],
)
def test_display_name(row, expected):
    assert display_name(row) == expected


@pytest.mark.parametrize(
    ("type_str", "cls", "expected"),
    [
        ("Air+FixedWing", "aircraft", "Fixed-wing aircraft"),
        ("Air+Rotorcraft", "aircraft", "Helicopter"),
        ("Weapon+Missile", "weapon", "Missile"),
        ("Projectile+Shell", "weapon", "Shell"),
        ("Misc+Decoy+Flare", "decoy", "Flare"),
        ("Sea+Watercraft+AircraftCarrier", "sea", "Aircraft carrier"),
        ("Ground+Heavy+Armor+Vehicle+Tank", "ground", "Tank"),
        ("Ground+Static+Building", "ground", "Building"),
        ("Ground+AntiAircraft", "ground", "Anti-aircraft"),
        ("Air", "aircraft", "Aircraft"),
        ("", "aircraft", "Aircraft"),
        ("A320", "aircraft", "A320"),
        ("B738", "", "B738"),
    ],
)
def test_clean_type(type_str, cls, expected):
    assert clean_type(type_str, cls) == expected


def test_dogfight_names_and_types(shared_data):
    ts = read_acmi(shared_data / "acmi" / DOGFIGHT)
    names = dict(zip(ts.meta["id"], display_names(ts.meta), strict=True))
    assert names["301"] == "F-15E · Пилот #2"
    assert names["501"] == "M-2000C · 159th_pappavis"
    assert names["401"] == "A-10C"
    # Two missiles of one model: told apart by id.
    assert names["701"] == "M.S530D [701]" and names["901"] == "M.S530D [901]"
    assert len(set(names.values())) == len(names)
    types = clean_types(ts.meta)
    assert not any("+" in t for t in types)
    assert types[ts.index_of("301")] == "Fixed-wing aircraft"
    assert types[ts.index_of("801")] == "Chaff"


def test_sample_names():
    ts = read_acmi(SAMPLE_DIR / "syria_oct2015_illustrative.txt.acmi")
    names = display_names(ts.meta)
    assert "Su-30SM · SOKOL 01" in names and "Su-30SM · SOKOL 02" in names
    assert "MQ-9 Reaper · REAPER 31" in names


# ---------------------------------------------------------------------------- shades
def _lab(hex_color: str) -> np.ndarray:
    """CIE76 L*a*b* from sRGB, written out from the standard's constants."""
    rgb = np.array([int(hex_color[i : i + 2], 16) / 255 for i in (1, 3, 5)])
    lin = np.where(rgb > 0.04045, ((rgb + 0.055) / 1.055) ** 2.4, rgb / 12.92)
    x = (0.4124564 * lin[0] + 0.3575761 * lin[1] + 0.1804375 * lin[2]) / 0.95047
    y = 0.2126729 * lin[0] + 0.7151522 * lin[1] + 0.0721750 * lin[2]
    z = (0.0193339 * lin[0] + 0.1191920 * lin[1] + 0.9503041 * lin[2]) / 1.08883

    def f(t):
        return t ** (1 / 3) if t > 216 / 24389 else (24389 / 27 * t + 16) / 116

    return np.array([116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))])


@pytest.mark.parametrize("base", ["#3b82f6", "#ef4444", "#22c55e", "#f0a030"])
def test_shades_are_distinct_and_keep_the_hue(base):
    out = shades(base, 8)
    assert out[0] == base and len(set(out)) == 8
    labs = np.array([_lab(c) for c in out])
    d = np.linalg.norm(labs[:, None] - labs[None], axis=-1)
    assert d[np.triu_indices(8, 1)].min() > 8.0  # clearly different side by side
    h0 = colorsys.rgb_to_hls(*(int(base[i : i + 2], 16) / 255 for i in (1, 3, 5)))[0]
    for c in out:
        h = colorsys.rgb_to_hls(*(int(c[i : i + 2], 16) / 255 for i in (1, 3, 5)))[0]
        turn = ((h - h0 + 0.5) % 1.0 - 0.5) * 360
        assert abs(turn) <= MAX_HUE_TURN_DEG + 1.0


@pytest.mark.parametrize("base", ["#3b82f6", "#ef4444", "#22c55e", "#9ca3af"])
def test_every_shade_shows_on_the_dark_sea_and_on_paper(base):
    """VIPER 12 came out #0b15ea (L* 30) on the #0b1726 sea: shades keep to L* 50..88."""
    for c in shades(base, 8):
        assert 49.5 <= _lab(c)[0] <= 88.5, c


def test_a_greyish_side_colour_stays_grey():
    for c in shades("#9ca3af", 6):  # the neutral side: a grey with a hint of blue
        r, g, b = (int(c[i : i + 2], 16) for i in (1, 3, 5))
        assert max(r, g, b) - min(r, g, b) <= 40, c


def test_many_shades_and_grey():
    assert len(set(shades("#3b82f6", 60))) == 60
    greys = shades("#b0b0b0", 4)
    for c in greys:
        assert c[1:3] == c[3:5] == c[5:7]  # neutral stays grey
    assert shades("#3b82f6", 0) == []


def test_track_shades_per_side():
    out = track_shades(["blue", "red", "blue", "blue", "?"], {"blue": "#3b82f6", "red": "#ef4444"})
    assert out[0] == "#3b82f6" and out[1] == "#ef4444"
    assert out[2:4] == shades("#3b82f6", 3)[1:]
    assert out[4] == NEUTRAL


# ---------------------------------------------------------------------------- speeds
def test_speed_kinds_of_the_dogfight_and_the_sample(shared_data):
    ts = read_acmi(shared_data / "acmi" / DOGFIGHT)
    assert speed_kinds(ts) == ("IAS", "GS")
    kinds = track_speed_kinds(ts)
    assert kinds[ts.index_of("501")] == ("IAS", "GS")
    assert kinds[ts.index_of("301")] == ("GS",)
    now = air_data_at(ts, ts.start + 100.0)
    ias = now["ias"]
    assert 50.0 < ias[ts.index_of("501")] < 400.0
    assert np.isnan(ias[ts.index_of("301")])
    sample = read_acmi(SAMPLE_DIR / "syria_oct2015_illustrative.txt.acmi")
    assert speed_kinds(sample) == ("GS",)
    assert air_data_at(sample, sample.start) == {}


def test_air_data_interpolates_like_positions():
    ts = TrackSet.from_tracks(
        [
            {
                "t": np.array([0.0, 10.0, 100.0]),
                "lat": np.zeros(3),
                "lon": np.zeros(3),
                "ias": np.array([100.0, 200.0, 300.0]),
                "mach": np.array([0.5, np.nan, np.nan]),
                "id": "a",
            }
        ]
    )
    assert air_data_at(ts, 2.5)["ias"][0] == pytest.approx(125.0)
    assert air_data_at(ts, 10.0)["ias"][0] == pytest.approx(200.0)
    assert np.isnan(air_data_at(ts, 50.0)["ias"][0])  # inside a 90 s gap
    assert np.isnan(air_data_at(ts, -1.0)["ias"][0])
    assert air_data_at(ts, 0.0)["mach"][0] == 0.5
    assert np.isnan(air_data_at(ts, 5.0)["mach"][0])
    assert track_speed_kinds(ts) == [("IAS", "Mach", "GS")]
    assert isinstance(pd.DataFrame(air_data_at(ts, 1.0)), pd.DataFrame)


# ---------------------------------------------------------------------------- fuzz

_cell = st.one_of(st.none(), st.floats(allow_nan=True), st.text(max_size=30))


@settings(max_examples=200, deadline=None)
@given(
    st.fixed_dictionaries(
        {},
        optional={
            k: _cell for k in ("id", "name", "callsign", "type", "cls", "icao24", "registration")
        },
    )
)
def test_display_name_never_fails_and_is_never_blank(row):
    name = display_name(row)
    assert isinstance(name, str) and name.strip()
    assert isinstance(clean_type(row.get("type"), row.get("cls")), str)


@settings(max_examples=100, deadline=None)
@given(st.integers(0, 0xFFFFFF), st.integers(0, 7))
def test_shades_of_any_colour_are_valid_and_distinct(rgb, n):
    base = f"#{rgb:06x}"
    out = shades(base, n)
    assert len(out) == n and len(set(out)) == n
    assert all(len(c) == 7 and c[0] == "#" and int(c[1:], 16) >= 0 for c in out)
    if n:
        assert out[0] == base


def test_readsb_trace_name_ias_and_order(tmp_path):
    """readsb: callsign · registration, IAS from field 12 (kt → m/s), kept aligned with
    samples that the reader puts back in time order."""
    import json

    from encounter_replay.io.readsb import read_readsb

    def entry(dt, ias):
        return [dt, 49.0 + dt / 1000, 10.0, 20000, 400.0, 90.0, 0, 0, None, "adsb", 0, 0, ias]

    trace = {
        "icao": "3c66b0",
        "r": "D-AIUP",
        "t": "A320",
        "timestamp": 1663259853.0,
        "trace": [
            [0, 49.0, 10.0, 20000, 400.0, 90.0, 0, 0, {"flight": "DLH7YA"}, "adsb", 0, 0, 300],
            entry(20, 320),
            entry(10, 310),  # out of order
            entry(30, None),
        ],
    }
    path = tmp_path / "trace_full_3c66b0.json"
    path.write_text(json.dumps(trace))
    ts = read_readsb(path)
    assert display_names(ts.meta) == ["DLH7YA · D-AIUP"]
    assert clean_types(ts.meta) == ["A320"]
    kt = 1852.0 / 3600.0
    np.testing.assert_allclose(ts.t - ts.t[0], [0, 10, 20, 30])
    np.testing.assert_allclose(ts.air["ias"], [300 * kt, 310 * kt, 320 * kt, np.nan])
    assert speed_kinds(ts) == ("IAS", "GS")
