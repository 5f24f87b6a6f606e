"""Data-quality findings common to every format: reported to the analyst, never hidden.

Readers report what they could not parse; this module looks at what they did parse:
positions that jump faster than an aircraft can fly (ADS-B outliers), altitude spikes,
missing altitudes and duplicate time stamps. Nothing is changed here: a briefing must show
the data as recorded, with the doubts beside it.
"""

from __future__ import annotations

import numpy as np

from .labels import track_labels
from .trackset import DataWarning, ObjectClass, TrackSet

#: Faster than any aircraft flies (≈ Mach 2.6 at altitude): a jump, not a flight.
MAX_AIRCRAFT_SPEED_MPS = 800.0
#: Steeper than a fighter's dive (≈ 50,000 ft/min): an altitude spike.
MAX_AIRCRAFT_VERTICAL_MPS = 250.0
_EARTH_R = 6_371_008.8
_MAX_EXAMPLES = 3


def _names(ts: TrackSet, tracks: np.ndarray) -> str:
    names = track_labels(ts.meta)
    labels = [names[int(k)] for k in tracks[:_MAX_EXAMPLES]]
    more = f" and {len(tracks) - _MAX_EXAMPLES} more" if len(tracks) > _MAX_EXAMPLES else ""
    return ", ".join(labels) + more


#: Samples per block: the checks run block by block so their temporaries stay in cache
#: (on a million samples, whole-array temporaries cost more in page faults than in maths).
_BLOCK = 1 << 16


def _step_flags(ts: TrackSet, lo: int, hi: int) -> dict[str, np.ndarray]:
    """For the steps from sample i to i+1, i in [lo, hi): which are doubtful, and why."""
    t, lat, alt = ts.t[lo : hi + 1], ts.lat[lo : hi + 1], ts.alt[lo : hi + 1]
    dt = np.diff(t)
    # Equirectangular distance is plenty to tell a flight from a jump; compared squared
    # with (limit × dt)² it needs no division or square root.
    rad = np.pi / 180.0
    dy = np.diff(lat) * (rad * _EARTH_R)
    dx = ((np.diff(ts.lon[lo : hi + 1]) + 180.0) % 360.0 - 180.0) * (rad * _EARTH_R)
    dx *= np.cos(lat[1:] * rad)
    reach = MAX_AIRCRAFT_SPEED_MPS * dt
    moving = dt > 0
    with np.errstate(invalid="ignore"):
        return {
            "duplicate": dt == 0,
            "jump": moving & (dx * dx + dy * dy > reach * reach),
            "spike": moving & (np.abs(np.diff(alt)) > MAX_AIRCRAFT_VERTICAL_MPS * dt),
        }


_MESSAGES = {
    "missing": "{n} aircraft samples without altitude ({k} tracks: {names}); slant range "
    "there uses interpolated or no altitude",
    "duplicate": "{n} duplicate time stamps in {k} aircraft tracks ({names})",
    "jump": f"{{n}} position jumps faster than {MAX_AIRCRAFT_SPEED_MPS:.0f} m/s in {{k}} "
    "aircraft tracks ({names})",
    "spike": f"{{n}} altitude changes faster than {MAX_AIRCRAFT_VERTICAL_MPS:.0f} m/s in "
    "{k} aircraft tracks ({names})",
}


def quality_warnings(ts: TrackSet, source: str) -> list[DataWarning]:
    """Findings about the aircraft tracks of ``ts`` (one warning per kind, with examples)."""
    if ts.n_samples < 2:
        return []
    track = ts.track_index_of_samples()
    air_tracks = ts.meta["cls"].to_numpy(dtype=object) == ObjectClass.AIRCRAFT.value
    counts = dict.fromkeys(_MESSAGES, 0)
    flagged: dict[str, list[np.ndarray]] = {kind: [] for kind in _MESSAGES}
    n = ts.n_samples
    for lo in range(0, n, _BLOCK):
        hi = min(lo + _BLOCK, n)
        k = track[lo:hi]
        is_air = air_tracks[k]
        missing = np.isnan(ts.alt[lo:hi]) & is_air
        counts["missing"] += int(missing.sum())
        flagged["missing"].append(np.unique(k[missing]))
        top = min(hi, n - 1)  # steps i -> i+1 for i in [lo, top): the last crosses blocks
        step_track = track[lo + 1 : top + 1]
        same = (step_track == track[lo:top]) & air_tracks[step_track]
        for kind, flags in _step_flags(ts, lo, top).items():
            hits = flags & same
            counts[kind] += int(hits.sum())
            flagged[kind].append(np.unique(step_track[hits]))
    found = []
    for kind, template in _MESSAGES.items():
        if counts[kind]:
            tracks = np.unique(np.concatenate(flagged[kind]))
            text = template.format(n=counts[kind], k=len(tracks), names=_names(ts, tracks))
            found.append(DataWarning(source, text))
    return found
