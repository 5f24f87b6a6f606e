"""The in-memory model every other layer works on: all tracks as one structure of arrays.

Samples of all tracks live in concatenated numpy arrays; ``offsets[k]:offsets[k+1]`` is
track ``k``. Per-track metadata is a pandas DataFrame with one row per track, in track
order. Keeping samples flat (BlueSky-style) lets interpolation, drawing and analysis run
vectorised over every track at once instead of looping over Python objects.

Time is float64 POSIX seconds (UTC). At today's epoch that resolves ~0.4 µs, far finer
than any recorder.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np
import pandas as pd

from .text import printable

#: Samples further apart than this (seconds) are drawn and analysed as a gap.
DEFAULT_GAP_S = 30.0

#: Per-sample float arrays besides time. Optional ones are all-NaN when a source lacks them.
SAMPLE_FIELDS = ("lat", "lon", "alt", "speed", "heading", "roll", "pitch")

#: Optional per-sample air data (IAS and TAS in m/s, Mach number) that only some sources
#: carry: held in :attr:`TrackSet.air`, a column only when some track of the set has it.
AIR_FIELDS = ("ias", "tas", "mach")
#: Optional per-sample facts about the record rather than the motion, NaN where unknown:
#: ``line`` the 1-based line of the file the sample came from (so an excluded sample can
#: be found in the file), ``ground`` 1.0 where the source says the aircraft was on the
#: ground, 0.0 where it says airborne.
AUX_FIELDS = ("line", "ground")
#: Every per-sample array, in the order the set keeps them.
ALL_SAMPLE_FIELDS = ("t", *SAMPLE_FIELDS, *AUX_FIELDS)

#: Metadata columns, in order. ``id`` is the id as the source gives it (unique in a set).
META_COLUMNS = (
    "id",
    "name",
    "callsign",
    "type",
    "cls",
    "coalition",
    "color",
    "source",
)

#: Optional metadata column of formats that write only changes (ACMI): the time (POSIX s)
#: until which the track exists, holding its last state (its removal or the end of the
#: recording). A missing update there means unchanged, so such a track moves straight
#: between updates however far apart and is never gapped. Blank/NaN for sampled sources.
HELD_UNTIL = "held_until"


class ObjectClass(StrEnum):
    """What an object is; decides whether it is paired in analysis and how it is drawn."""

    AIRCRAFT = "aircraft"
    WEAPON = "weapon"
    DECOY = "decoy"
    GROUND = "ground"
    SEA = "sea"
    REFERENCE = "reference"  # bullseyes, waypoints: drawn as markers, never paired
    OTHER = "other"


@dataclass(frozen=True)
class DataWarning:
    """A data-quality finding shown to the user; loading went on past it."""

    source: str
    message: str
    line: int | None = None
    count: int = 1

    def __str__(self) -> str:
        where = printable(self.source) + (f":{self.line}" if self.line is not None else "")
        more = f" ({self.count} occurrences)" if self.count > 1 else ""
        return f"{where}: {printable(self.message, 400)}{more}"


def empty_events() -> pd.DataFrame:
    """Events (ACMI Event=, bookmarks): time, kind, the object ids involved, free text."""
    return pd.DataFrame(
        {
            "time": pd.Series([], dtype="float64"),
            "kind": pd.Series([], dtype="object"),
            "ids": pd.Series([], dtype="object"),
            "text": pd.Series([], dtype="object"),
            "source": pd.Series([], dtype="object"),
        }
    )


@dataclass
class TrackSet:
    """All tracks of a scene. Build it with :meth:`from_tracks` or :func:`concat`."""

    t: np.ndarray
    lat: np.ndarray
    lon: np.ndarray
    alt: np.ndarray
    speed: np.ndarray
    heading: np.ndarray
    roll: np.ndarray
    pitch: np.ndarray
    offsets: np.ndarray
    meta: pd.DataFrame
    events: pd.DataFrame = field(default_factory=empty_events)
    warnings: list[DataWarning] = field(default_factory=list)
    title: str = ""
    air: dict[str, np.ndarray] = field(default_factory=dict)
    line: np.ndarray | None = None
    ground: np.ndarray | None = None

    def __post_init__(self) -> None:
        for name in AUX_FIELDS:
            if getattr(self, name) is None:
                setattr(self, name, np.full(len(self.t), np.nan))

    # ------------------------------------------------------------------ construction
    @classmethod
    def empty(cls) -> TrackSet:
        z = np.zeros(0)
        return cls(
            *(z.copy() for _ in range(8)),
            offsets=np.zeros(1, dtype=np.int64),
            meta=pd.DataFrame({c: pd.Series([], dtype="object") for c in META_COLUMNS}),
        )

    @classmethod
    def from_tracks(
        cls,
        tracks: list[dict],
        *,
        events: pd.DataFrame | None = None,
        warnings: list[DataWarning] | None = None,
        title: str = "",
    ) -> TrackSet:
        """Assemble from per-track dicts of arrays plus metadata keys.

        Each dict needs ``t``, ``lat``, ``lon`` and may carry ``alt``, ``speed``, ``heading``,
        ``roll``, ``pitch``, ``line``, ``ground`` (arrays of the same length) and any :data:`META_COLUMNS`. Samples
        are sorted by time here (stably) so readers need not care; empty tracks are dropped.
        """
        tracks = [tr for tr in tracks if len(tr["t"]) > 0]
        lengths = np.array([len(tr["t"]) for tr in tracks], dtype=np.int64)
        offsets = np.zeros(len(tracks) + 1, dtype=np.int64)
        np.cumsum(lengths, out=offsets[1:])
        cols: dict[str, np.ndarray] = {}
        for name in ALL_SAMPLE_FIELDS:
            parts = [
                np.asarray(tr[name], dtype=np.float64)
                if tr.get(name) is not None
                else np.full(len(tr["t"]), np.nan)
                for tr in tracks
            ]
            cols[name] = np.concatenate(parts) if parts else np.zeros(0)
        meta = pd.DataFrame(
            {c: pd.Series([tr.get(c, "") for tr in tracks], dtype="object") for c in META_COLUMNS}
        )
        meta["cls"] = [str(tr.get("cls") or ObjectClass.OTHER) for tr in tracks]
        air = {
            name: np.concatenate(
                [np.asarray(tr.get(name, np.full(len(tr["t"]), np.nan)), float) for tr in tracks]
            )
            for name in AIR_FIELDS
            if any(tr.get(name) is not None for tr in tracks)
        }
        ts = cls(**cols, offsets=offsets, meta=meta, title=title, air=air)
        if events is not None:
            ts.events = events.reset_index(drop=True)
        ts.warnings = list(warnings or [])
        ts._sort_within_tracks()
        return ts

    def _sort_within_tracks(self) -> None:
        """Sort samples by time inside each track (readers may see out-of-order data)."""
        if len(self.t) == 0:
            return
        track_idx = self.track_index_of_samples()
        dt = np.diff(self.t)
        same = np.diff(track_idx) == 0
        if not np.any((dt < 0) & same):
            return
        order = np.lexsort((self.t, track_idx))
        for name in ALL_SAMPLE_FIELDS:
            setattr(self, name, getattr(self, name)[order])
        self.air = {name: col[order] for name, col in self.air.items()}

    # ------------------------------------------------------------------ basic queries
    def __len__(self) -> int:
        return len(self.offsets) - 1

    @property
    def n_samples(self) -> int:
        return int(self.offsets[-1])

    @property
    def ids(self) -> list[str]:
        return list(self.meta["id"])

    @property
    def classes(self) -> np.ndarray:
        return self.meta["cls"].to_numpy(dtype=object)

    def index_of(self, track_id: str) -> int:
        """Track index for an id as :attr:`ids` shows it; KeyError if absent."""
        hits = np.flatnonzero(self.meta["id"].to_numpy(dtype=object) == track_id)
        if len(hits) == 0:
            raise KeyError(track_id)
        return int(hits[0])

    def track_slice(self, k: int) -> slice:
        return slice(int(self.offsets[k]), int(self.offsets[k + 1]))

    def track_index_of_samples(self) -> np.ndarray:
        """For every sample, the index of its track (int64, length n_samples)."""
        return np.repeat(np.arange(len(self), dtype=np.int64), np.diff(self.offsets))

    @property
    def first_times(self) -> np.ndarray:
        return self.t[self.offsets[:-1]] if len(self) else np.zeros(0)

    @property
    def last_times(self) -> np.ndarray:
        return self.t[self.offsets[1:] - 1] if len(self) else np.zeros(0)

    @property
    def start(self) -> float:
        return float(self.first_times.min()) if len(self) else float("nan")

    @property
    def end(self) -> float:
        return float(self.last_times.max()) if len(self) else float("nan")

    def subset(self, keep: np.ndarray) -> TrackSet:
        """A new set with only the tracks where ``keep`` (bool per track) is true."""
        keep = np.asarray(keep, dtype=bool)
        idx = np.flatnonzero(keep)
        lengths = np.diff(self.offsets)[idx]
        sample_mask = np.repeat(keep, np.diff(self.offsets))
        offsets = np.zeros(len(idx) + 1, dtype=np.int64)
        np.cumsum(lengths, out=offsets[1:])
        return self.take_samples(sample_mask, offsets, self.meta.iloc[idx].reset_index(drop=True))

    def take_samples(
        self,
        index: np.ndarray,
        offsets: np.ndarray,
        meta: pd.DataFrame,
        warnings: list[DataWarning] | None = None,
    ) -> TrackSet:
        """A set of the samples picked by ``index`` (indices or a mask) grouped by
        ``offsets``, with every per-sample array carried along (air data too), so no
        reshaping step can lose a column it does not know about."""
        return TrackSet(
            **{name: getattr(self, name)[index] for name in ALL_SAMPLE_FIELDS},
            offsets=offsets,
            meta=meta,
            events=self.events,
            warnings=list(self.warnings if warnings is None else warnings),
            title=self.title,
            air={name: col[index] for name, col in self.air.items()},
        )


def concat(sets: list[TrackSet]) -> TrackSet:
    """Merge several sets (several files) into one scene, keeping ids unique, and join
    the pieces of one aircraft into one track (:mod:`.joining`).

    A clashing id gets the suffix ``~2``, ``~3``… and a warning, so nothing is merged into
    another file's track by accident.
    """
    from .joining import join_pieces  # (joining builds on this module)

    sets = [s for s in sets if s is not None]
    if not sets:
        return TrackSet.empty()
    if len(sets) == 1:
        return join_pieces(sets[0])
    cols = {name: np.concatenate([getattr(s, name) for s in sets]) for name in ALL_SAMPLE_FIELDS}
    lengths = np.concatenate([np.diff(s.offsets) for s in sets])
    offsets = np.zeros(len(lengths) + 1, dtype=np.int64)
    np.cumsum(lengths, out=offsets[1:])
    meta = pd.concat([s.meta for s in sets], ignore_index=True)
    # Columns only some readers give (icao24…) are blank, not NaN, for the other files' tracks.
    extra = [c for c in meta.columns if c not in META_COLUMNS]
    meta[extra] = meta[extra].astype(object).fillna("")
    warnings = [w for s in sets for w in s.warnings]
    used: set[str] = set()
    new_ids = []
    for track_id, source in zip(meta["id"], meta["source"], strict=True):
        new_id, n = track_id, 1
        while new_id in used:  # a file may itself hold "A~2": count on until free
            n += 1
            new_id = f"{track_id}~{n}"
        used.add(new_id)
        new_ids.append(new_id)
        if new_id != track_id:
            warnings.append(
                DataWarning(source, f"track id {track_id!r} already used; renamed {new_id}")
            )
    meta["id"] = pd.Series(new_ids, dtype="object")
    events = (
        pd.concat([s.events for s in sets if len(s.events)], ignore_index=True)
        if any(len(s.events) for s in sets)
        else empty_events()
    )
    titles = [s.title for s in sets if s.title]
    air_names = [n for n in AIR_FIELDS if any(n in s.air for s in sets)]
    air = {
        n: np.concatenate([s.air.get(n, np.full(len(s.t), np.nan)) for s in sets])
        for n in air_names
    }
    merged = TrackSet(
        **cols,
        offsets=offsets,
        meta=meta,
        events=events,
        warnings=warnings,
        title=" + ".join(titles),
        air=air,
    )
    return join_pieces(merged)
