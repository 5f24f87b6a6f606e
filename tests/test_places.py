"""Offline places (geo/places.py) and rivers/lakes (geo/basemap.py) on the real scenes."""

from __future__ import annotations

import gzip
import socket

import numpy as np
import pandas as pd
import pytest

from conftest import SAMPLE_DIR
from encounter_replay.geo.basemap import LonLatBox, lake_shores, rivers
from encounter_replay.geo.places import (
    RANK_ICAO,
    RANK_INTERNATIONAL,
    RANK_OTHER,
    RANK_SCHEDULED,
    airfield_rank,
    airfield_rank_for_extent,
    airfields,
    all_airfields,
    all_towns,
    town_population_for_extent,
    towns,
)
from encounter_replay.io.acmi import read_acmi


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("places must not use the network")

    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


@pytest.fixture(scope="module")
def sample_box() -> LonLatBox:
    ts = read_acmi(SAMPLE_DIR / "syria_oct2015_illustrative.txt.acmi")
    return LonLatBox.around(ts.lat, ts.lon, 0.2)


def quickstart_box(shared_data) -> LonLatBox:
    with gzip.open(shared_data / "adsb" / "quickstart_2021-10-07.csv.gz") as f:
        df = pd.read_csv(f, usecols=["latitude", "longitude"])
    return LonLatBox.around(df["latitude"].to_numpy(), df["longitude"].to_numpy(), 0.0)


def test_hmeimim_and_latakia_in_the_sample_box(sample_box):
    found = airfields(sample_box)
    codes = list(found.icao)
    assert "OSLK" in codes  # Bassel Al-Assad International = Hmeimim
    assert "OSAP" in codes  # Aleppo
    k = codes.index("OSLK")
    assert found.rank[k] == RANK_INTERNATIONAL
    assert found.lat[k] == pytest.approx(35.40, abs=0.02)
    assert found.lon[k] == pytest.approx(35.95, abs=0.02)
    assert found.elevation_m[k] == pytest.approx(157 * 0.3048)
    assert np.all(np.diff(found.rank) >= 0)  # most important first
    names = list(towns(sample_box).name)
    assert "Latakia" in names and "Aleppo" in names
    assert "Paris" not in names


def test_cdg_and_paris_in_the_quickstart_box(shared_data):
    box = quickstart_box(shared_data)
    found = airfields(box, max_rank=RANK_SCHEDULED)
    assert {"LFPG", "LFPO"} <= set(found.icao)
    assert set(found.rank) <= {RANK_INTERNATIONAL, RANK_SCHEDULED}
    assert "LFPG" in set(airfields(box, max_rank=RANK_INTERNATIONAL).icao)
    big = towns(box, min_population=1_000_000)
    assert "Paris" in list(big.name)
    assert big.population.min() >= 1_000_000
    assert np.all(np.diff(towns(box).population) <= 0)


def test_box_across_the_dateline_returns_lon_in_the_box_frame():
    box = LonLatBox(-22.0, -12.0, 170.0, 190.0)  # Fiji and Tonga
    found = airfields(box)
    assert "NFFN" in set(found.icao)  # Nadi, 177.4 E
    assert "NFTF" in set(found.icao)  # Tonga Fua'amotu, 175.1 W
    k = list(found.icao).index("NFTF")
    assert found.lon[k] == pytest.approx(360.0 - 175.15, abs=0.05)
    assert np.all((found.lon >= 170.0) & (found.lon <= 190.0))


def test_airfield_rank_from_codes_and_names():
    rank = airfield_rank(
        np.array(["LFPG", "LFPB", "LFXA", "00AA"], dtype=object),
        np.array(["CDG", "LBG", "", ""], dtype=object),
        np.array(
            ["Charles de Gaulle International Airport", "Le Bourget", "Ambérieu", "Ranch"],
            dtype=object,
        ),
    )
    assert list(rank) == [RANK_INTERNATIONAL, RANK_SCHEDULED, RANK_ICAO, RANK_OTHER]


def test_whole_tables_parse_once_and_are_sane():
    fields, people = all_airfields(), all_towns()
    assert all_airfields() is fields and all_towns() is people  # cached
    assert len(fields) > 20_000 and len(people) > 30_000
    assert np.all(np.abs(fields.lat) <= 90) and np.all(np.abs(fields.lon) <= 180)
    assert np.mean(people.population >= 15_000) > 0.99  # a few capitals have 0


def test_zoom_thresholds_are_monotonic():
    extents = [20e3, 90e3, 500e3, 1e6, 3e6]
    ranks = [airfield_rank_for_extent(e) for e in extents]
    pops = [town_population_for_extent(e) for e in extents]
    assert ranks == sorted(ranks, reverse=True)
    assert pops == sorted(pops)


def test_euphrates_and_a_lake_in_the_sample_box(sample_box):
    lat, lon = rivers(sample_box)
    assert len(lat) > 0
    # The Euphrates crosses 36 N near 38.1 E (the sample's "crossing" is 38.18 E).
    near = np.abs(lat - 36.0) < 0.05
    assert np.any(np.abs(lon[near] - 38.15) < 0.15)
    # GSHHS at this resolution has the Jabbul salt lake east of Aleppo (not Lake Assad).
    shore_lat, shore_lon = lake_shores(sample_box)
    jabbul = (np.abs(shore_lat - 36.06) < 0.05) & (np.abs(shore_lon - 37.5) < 0.07)
    assert jabbul.sum() > 3
