"""Data-quality findings common to every format: reported to the analyst, never hidden.

Readers report what they could not parse; this module looks at what they did parse:
positions that jump faster than an aircraft can fly (ADS-B outliers), altitude spikes,
missing altitudes and duplicate time stamps. Nothing is changed here: a briefing must show
the data as recorded, with the doubts beside it.
"""

from __future__ import annotations

import numpy as np

from .trackset import DataWarning, ObjectClass, TrackSet

#: Faster than any aircraft flies (≈ Mach 2.6 at altitude): a jump, not a flight.
MAX_AIRCRAFT_SPEED_MPS = 800.0
#: Steeper than a fighter's dive (≈ 50,000 ft/min): an altitude spike.
MAX_AIRCRAFT_VERTICAL_MPS = 250.0
_EARTH_R = 6_371_008.8
_MAX_EXAMPLES = 3


def _names(ts: TrackSet, tracks: np.ndarray) -> str:
    meta = ts.meta
    labels = []
    for k in tracks[:_MAX_EXAMPLES]:
        row = meta.iloc[int(k)]
        labels.append(str(row["callsign"] or row["name"] or row["id"]))
    more = f" and {len(tracks) - _MAX_EXAMPLES} more" if len(tracks) > _MAX_EXAMPLES else ""
    return ", ".join(labels) + more


def quality_warnings(ts: TrackSet, source: str) -> list[DataWarning]:
    """Findings about the aircraft tracks of ``ts`` (one warning per kind, with examples)."""
    if ts.n_samples < 2:
        return []
    found: list[DataWarning] = []
    track = ts.track_index_of_samples()
    is_air = (ts.meta["cls"].to_numpy(dtype=object) == ObjectClass.AIRCRAFT.value)[track]

    missing_alt = np.isnan(ts.alt) & is_air
    if missing_alt.any():
        tracks = np.unique(track[missing_alt])
        found.append(
            DataWarning(
                source,
                f"{int(missing_alt.sum())} aircraft samples without altitude "
                f"({len(tracks)} tracks: {_names(ts, tracks)}); slant range there uses "
                "interpolated or no altitude",
            )
        )

    same = (track[1:] == track[:-1]) & is_air[1:]
    dt = np.diff(ts.t)
    dup = same & (dt == 0)
    if dup.any():
        tracks = np.unique(track[1:][dup])
        found.append(
            DataWarning(
                source,
                f"{int(dup.sum())} duplicate time stamps in {len(tracks)} aircraft tracks "
                f"({_names(ts, tracks)})",
            )
        )

    ok = same & (dt > 0)
    lat0, lat1 = np.radians(ts.lat[:-1]), np.radians(ts.lat[1:])
    dlon = np.radians((ts.lon[1:] - ts.lon[:-1] + 180.0) % 360.0 - 180.0)
    # Haversine is plenty to tell a flight from a jump.
    h = np.sin((lat1 - lat0) / 2) ** 2 + np.cos(lat0) * np.cos(lat1) * np.sin(dlon / 2) ** 2
    dist = 2 * _EARTH_R * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))
    with np.errstate(divide="ignore", invalid="ignore"):
        speed = np.where(ok, dist / np.where(ok, dt, 1.0), 0.0)
        vrate = np.where(ok, np.abs(np.diff(ts.alt)) / np.where(ok, dt, 1.0), 0.0)
    jumps = ok & (speed > MAX_AIRCRAFT_SPEED_MPS)
    if jumps.any():
        tracks = np.unique(track[1:][jumps])
        found.append(
            DataWarning(
                source,
                f"{int(jumps.sum())} position jumps faster than {MAX_AIRCRAFT_SPEED_MPS:.0f} m/s "
                f"in {len(tracks)} aircraft tracks ({_names(ts, tracks)})",
            )
        )
    spikes = ok & np.nan_to_num(vrate > MAX_AIRCRAFT_VERTICAL_MPS)
    if spikes.any():
        tracks = np.unique(track[1:][spikes])
        found.append(
            DataWarning(
                source,
                f"{int(spikes.sum())} altitude changes faster than "
                f"{MAX_AIRCRAFT_VERTICAL_MPS:.0f} m/s in {len(tracks)} aircraft tracks "
                f"({_names(ts, tracks)})",
            )
        )
    return found
