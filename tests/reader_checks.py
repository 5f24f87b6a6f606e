"""Checks shared by the reader tests (GPX, KML, readsb): what every TrackSet must satisfy."""

from __future__ import annotations

import numpy as np

from encounter_replay.model import META_COLUMNS, TrackSet


def find_warning(tset: TrackSet, needle: str):
    hits = [w for w in tset.warnings if needle in w.message]
    text = "\n".join(map(str, tset.warnings))
    assert len(hits) == 1, f"expected one warning about {needle!r}, got:\n{text}"
    return hits[0]


def check_invariants(tset: TrackSet) -> None:
    """Shape, finiteness, order and metadata rules any reader's output obeys."""
    n = tset.n_samples
    assert tset.offsets[0] == 0 and np.all(np.diff(tset.offsets) > 0)
    for name in ("t", "lat", "lon", "alt", "speed", "heading", "roll", "pitch"):
        arr = getattr(tset, name)
        assert arr.dtype == np.float64 and arr.shape == (n,), name
    assert np.all(np.isfinite(tset.t))
    assert np.all(np.abs(tset.lat) <= 90) and np.all(np.abs(tset.lon) <= 180)
    for name in ("alt", "speed", "heading", "roll", "pitch"):
        assert not np.any(np.isinf(getattr(tset, name))), name
    for k in range(len(tset)):
        assert np.all(np.diff(tset.t[tset.track_slice(k)]) > 0)
    assert list(tset.meta.columns[: len(META_COLUMNS)]) == list(META_COLUMNS)
    assert tset.meta["id"].is_unique and len(tset.meta) == len(tset)


def iso_ms(t: np.ndarray) -> list[str]:
    """ISO-8601 UTC with milliseconds, for the small writers the round-trip tests use."""
    stamps = np.round(np.asarray(t) * 1e3).astype(np.int64).astype("datetime64[ms]")
    return [s + "Z" for s in np.datetime_as_string(stamps, unit="ms")]


def assert_same_tracks(back: TrackSet, original: TrackSet) -> None:
    """A written-and-read-back scene equals the original (1e-6°, 1 ms, 1e-6 m)."""
    assert back.ids == original.ids
    assert np.array_equal(back.offsets, original.offsets)
    assert np.max(np.abs(back.lat - original.lat)) <= 1e-6
    assert np.max(np.abs(back.lon - original.lon)) <= 1e-6
    assert np.max(np.abs(back.t - original.t)) <= 1e-3
    np.testing.assert_allclose(back.alt, original.alt, atol=1e-6)
