"""A small synthetic encounter for GUI tests, with answers known without the analysis code.

Two jets fly head-on along the same parallel at the same speed, 100 m apart vertically,
so they meet where their longitudes cross: t = 0.4 / 0.0013 s after the start. A tanker
stays more than 20 NM north; a missile flies briefly. Built in code (and written as CSV)
so tests do not depend on any sample file.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd

from encounter_replay.model import TrackSet

T0 = 1_444_000_000.0  # 2015-10-04T23:06:40Z
DURATION = 599.0
LAT0, LON0 = 35.5, 36.5
RATE = 0.0013  # degrees of longitude per second
MEET_S = 0.4 / RATE  # both jets at LON0: the CPA, ~307.7 s after T0


def tracks() -> list[dict]:
    t = np.arange(0, DURATION + 1, 1.0)
    n = len(t)
    m = t[:60]
    return [
        dict(
            t=T0 + t,
            lat=np.full(n, LAT0),
            lon=LON0 - 0.4 + t * RATE,
            alt=np.full(n, 6000.0),
            speed=np.full(n, 250.0),
            heading=np.full(n, 90.0),
            id="101",
            name="F-16C",
            callsign="VIPER 1",
            cls="aircraft",
            coalition="Blue",
        ),
        dict(
            t=T0 + t,
            lat=np.full(n, LAT0),
            lon=LON0 + 0.4 - t * RATE,
            alt=np.full(n, 6100.0),
            speed=np.full(n, 250.0),
            heading=np.full(n, 270.0),
            id="202",
            name="Su-24M",
            callsign="FENCER 1",
            cls="aircraft",
            coalition="Red",
        ),
        dict(
            t=T0 + t,
            lat=LAT0 + 0.35 + 0.0002 * t,
            lon=np.full(n, LON0),
            alt=np.full(n, 8000.0),
            id="303",
            name="KC-135",
            callsign="TEXACO",
            cls="aircraft",
            coalition="Blue",
        ),
        dict(
            t=T0 + 200 + m,
            lat=np.full(60, LAT0 - 0.01),
            lon=LON0 - 0.1 + m * 0.004,
            alt=np.full(60, 6000.0),
            id="404",
            name="AIM-9X",
            cls="weapon",
            coalition="Blue",
        ),
    ]


def events() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "time": [T0 + 200.0, T0 + 260.0],
            "kind": ["Message", "Destroyed"],
            "ids": [("101",), ("404",)],
            "text": ["Fox 2", "AIM-9X"],
            "source": ["test", "test"],
        }
    )


def trackset() -> TrackSet:
    return TrackSet.from_tracks(tracks(), events=events(), title="Test scene")


def write_csv(path: Path, id_prefix: str = "", callsign_prefix: str = "") -> Path:
    """The aircraft and the missile as an OpenSky-like CSV (ISO time, altitude in metres).

    Loaded beside the first, a copy with the same callsigns is the same aircraft recorded
    twice (joined on load); ``callsign_prefix`` makes it other aircraft."""
    rows = []
    for tr in tracks():
        for i in range(len(tr["t"])):
            iso = datetime.fromtimestamp(tr["t"][i], UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
            rows.append(
                f"{iso},{id_prefix}{tr['id']},{callsign_prefix}{tr.get('callsign', '')},"
                f"{tr['lat'][i]:.6f},"
                f"{tr['lon'][i]:.6f},{tr['alt'][i]:.1f},{tr['cls']}"
            )
    path.write_text("time,id,callsign,lat,lon,altitude_m,class\n" + "\n".join(rows) + "\n")
    return path
