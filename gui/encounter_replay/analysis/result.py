"""The outcome of a run: one row per reported pair, and its machine-readable form."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..model import DataWarning, TrackSet
from ..model.timefmt import iso_utc
from .settings import AnalysisSettings

#: Columns of :attr:`AnalysisResult.pairs`, in order.
PAIR_COLUMNS = (
    "a",
    "b",
    "a_id",
    "b_id",
    "a_name",
    "b_name",
    "cpa_time",
    "cpa_slant_m",
    "cpa_horizontal_m",
    "cpa_vertical_m",
    "closure_mps",
    "range_rate_mps",
    "bearing_ab_deg",
    "bearing_ba_deg",
    "min_horizontal_m",
    "min_horizontal_time",
    "visual_contact",
    "loss_of_separation",
    "visual_s",
    "los",
    "alt_unknown_s",
    "well_clear_violation",
    "min_tau_mod_s",
    "hmd_m",
    "well_clear_nmac",
    "nmac",
    "assessed_s",
    "unassessed_s",
    "relation",
    "formation",
    "severity",
    "affected_by_excluded",
    "implausible_closure",
    "rank",
)
#: ``--pairs`` choices: which pairs a listing shows.
PAIR_FILTERS = ("all", "cross-side", "no-formation")
#: ``--sort`` choices.
SORT_KEYS = ("rank", "slant")


class AnalysisCancelled(Exception):
    """The progress callback asked to stop."""


def empty_pairs() -> pd.DataFrame:
    cols: dict[str, pd.Series] = {}
    for c in PAIR_COLUMNS:
        if c in ("a", "b"):
            cols[c] = pd.Series([], dtype="int64")
        elif c in (
            *("a_id", "b_id", "a_name", "b_name", "visual_contact", "loss_of_separation"),
            *("well_clear_violation", "nmac", "relation", "severity"),
        ):
            cols[c] = pd.Series([], dtype="object")
        elif c in (
            "los",
            "well_clear_nmac",
            "formation",
            "affected_by_excluded",
            *("implausible_closure",),
        ):
            cols[c] = pd.Series([], dtype="bool")
        else:
            cols[c] = pd.Series([], dtype="float64")
    return pd.DataFrame(cols)


def excluded_frame() -> pd.DataFrame:
    """The excluded-samples table: track index, id, name, time, position, file line, reason."""
    return pd.DataFrame(
        {
            "track": pd.Series([], dtype="int64"),
            "id": pd.Series([], dtype="object"),
            "name": pd.Series([], dtype="object"),
            "time": pd.Series([], dtype="float64"),
            "lat": pd.Series([], dtype="float64"),
            "lon": pd.Series([], dtype="float64"),
            "line": pd.Series([], dtype="float64"),
            "reason": pd.Series([], dtype="object"),
        }
    )


def excluded_json(excluded: pd.DataFrame) -> list[dict]:
    """The ``excluded_samples`` list: track id and name, ISO time, file line, reason."""
    return [
        {
            "track": r.id,
            "name": r.name,
            "time": iso_utc(r.time),
            "line": int(r.line) if math.isfinite(r.line) else None,
            "reason": r.reason,
        }
        for r in excluded.itertuples(index=False)
    ]


def _num(x: float) -> float | None:
    x = float(x)
    return x if math.isfinite(x) else None


def _spans(spans: list[tuple[float, float]]) -> list[list[str | None]]:
    if not isinstance(spans, list | tuple):  # a placeholder row (no intervals column)
        return []
    return [[iso_utc(a), iso_utc(b)] for a, b in spans]


@dataclass
class AnalysisResult:
    """Reported pairs in rank order, with the run's settings.

    Columns of ``pairs`` (SI units, times POSIX seconds UTC):

    * ``a``, ``b``: track indices in the analysed TrackSet (``a < b``); ``a_id``/``b_id``
      the source ids; ``a_name``/``b_name`` callsign, else name, else id.
    * ``cpa_time``, ``cpa_slant_m``: closest point of approach in slant range (ECEF chord),
      exact under linear motion between samples. The slant range is assessed only on
      stretches where both aircraft's altitudes are known at both ends (short dropouts are
      bridged, see ``alt_unknown_s``), so it is NaN when there is no such stretch: no
      altitude at all for either aircraft, altitudes known only at isolated instants
      (samples between dropouts longer than ``gap_s``), or known stretches of the two that
      never overlap. Then the pair is reported on its horizontal minimum.
    * ``cpa_horizontal_m`` (geodesic between the ground points), ``cpa_vertical_m``
      (absolute altitude difference), ``bearing_ab_deg``/``bearing_ba_deg`` (true bearing
      from each aircraft to the other): all at ``cpa_time``.
    * ``closure_mps``: relative speed of the two aircraft at the CPA, ``|v_B − v_A|`` —
      how fast they passed each other. (The range rate is zero at an interior minimum, so
      it says nothing there.) When the CPA falls on a sample time the velocities of the
      interval ending there (the approach) are used.
    * ``range_rate_mps``: d(slant)/dt at the CPA on that interval; 0 for an interior
      minimum, negative when the closest moment is the end of the data while still
      closing, positive when it is the start while opening.
    * ``min_horizontal_m``/``min_horizontal_time``: least horizontal separation (may be
      at another time than the slant CPA).
    * ``visual_contact``, ``loss_of_separation``: lists of ``(start, end)``; ``visual_s``
      their total length, ``los`` whether any loss of separation occurred.
    * ``alt_unknown_s``: seconds of the examined overlap without altitude for either
      aircraft (slant, visual contact and vertical separation not assessed there).
    * ``well_clear_violation``: ``(start, end)`` intervals of DAA well-clear violation
      (RTCA DO-365, DAIDALUS ``WCV_TAUMOD``, see :mod:`.well_clear`); empty when
      ``settings.well_clear == "off"``. ``min_tau_mod_s``: least modified tau in
      ``[0, TTHR]`` while closing within ZTHR vertically (NaN when it never fell to TTHR);
      ``hmd_m``: the projected horizontal miss distance at that instant;
      ``well_clear_nmac``: the violation reached an NMAC (< 500 ft, < 100 ft).
    * ``nmac``: intervals of near mid-air collision (horizontal < ``nmac_h_m`` and
      vertical < ``nmac_v_m``), exact like loss of separation. An instant of presence
      between gaps meeting a condition is reported as ``(t, t)`` in any interval column.
    * ``assessed_s``/``unassessed_s``, ``relation``, ``formation``, ``severity``,
      ``affected_by_excluded``, ``implausible_closure``, ``rank``: see
      :mod:`.pair_facts`.

    Rows are in rank order (``rank`` 1 first; pairs flagged for an implausible closure,
    ``rank`` NaN, last), so whoever takes the first row takes the top-ranked pair.
    ``excluded`` lists the samples the analysis left out (:mod:`.cleaning`).
    """

    settings: AnalysisSettings
    pairs: pd.DataFrame = field(default_factory=empty_pairs)
    warnings: list[DataWarning] = field(default_factory=list)
    stats: dict = field(default_factory=dict)
    excluded: pd.DataFrame = field(default_factory=excluded_frame)

    def select(self, sort: str = "rank", pairs: str = "all") -> AnalysisResult:
        """The same result with only the pairs of filter ``pairs`` (:data:`PAIR_FILTERS`),
        in ``sort`` order (:data:`SORT_KEYS`: rank, or CPA slant range with unknown last)."""
        if sort not in SORT_KEYS or pairs not in PAIR_FILTERS:
            raise ValueError(f"sort must be one of {SORT_KEYS}, pairs one of {PAIR_FILTERS}")
        df = self.pairs
        if pairs == "cross-side":
            df = df[df["relation"] == "cross-side"]
        elif pairs == "no-formation":
            df = df[~df["formation"].astype(bool)]
        if sort == "slant":
            slant = np.nan_to_num(df["cpa_slant_m"].to_numpy(np.float64), nan=np.inf)
            order = np.lexsort((df["min_horizontal_m"].to_numpy(np.float64), slant))
            df = df.iloc[order]
        return AnalysisResult(
            self.settings, df.reset_index(drop=True), self.warnings, self.stats, self.excluded
        )

    def to_json_dict(self, ts: TrackSet | None = None) -> dict:
        """The ``analyze --json`` document: ids as ``a``/``b``, ISO-8601 UTC times (fractional
        seconds only where the time has them), SI numbers, ``null`` for unknown values;
        pairs in the order of :attr:`pairs` (rank, unless :meth:`select` chose another)."""
        out_pairs = []
        for row in self.pairs.itertuples(index=False):
            out_pairs.append(
                {
                    "a": row.a_id,
                    "b": row.b_id,
                    "a_name": row.a_name,
                    "b_name": row.b_name,
                    "cpa_time": iso_utc(row.cpa_time),
                    "cpa_slant_m": _num(row.cpa_slant_m),
                    "cpa_horizontal_m": _num(row.cpa_horizontal_m),
                    "cpa_vertical_m": _num(row.cpa_vertical_m),
                    "closure_mps": _num(row.closure_mps),
                    "range_rate_mps": _num(row.range_rate_mps),
                    "bearing_ab_deg": _num(row.bearing_ab_deg),
                    "bearing_ba_deg": _num(row.bearing_ba_deg),
                    "min_horizontal_m": _num(row.min_horizontal_m),
                    "min_horizontal_time": iso_utc(row.min_horizontal_time),
                    "visual_contact": _spans(row.visual_contact),
                    "visual_s": _num(row.visual_s),
                    "loss_of_separation": _spans(row.loss_of_separation),
                    "alt_unknown_s": _num(row.alt_unknown_s),
                    "well_clear_violation": _spans(row.well_clear_violation),
                    "min_tau_mod_s": _num(row.min_tau_mod_s),
                    "hmd_m": _num(row.hmd_m),
                    "well_clear_nmac": bool(row.well_clear_nmac),
                    "nmac": _spans(row.nmac),
                    "severity": row.severity,
                    "relation": row.relation,
                    "formation": bool(row.formation),
                    "assessed_s": _num(row.assessed_s),
                    "unassessed_s": _num(row.unassessed_s),
                    "affected_by_excluded": bool(row.affected_by_excluded),
                    "implausible_closure": bool(row.implausible_closure),
                    "rank": int(row.rank) if math.isfinite(row.rank) else None,
                }
            )
        # The recording's own data-quality warnings first (when the set is given), then
        # the analysis's: a script reading the document sees every doubt in one place.
        data = [str(w) for w in ts.warnings] if ts is not None else []
        return {
            "settings": self.settings.to_dict(),
            "pairs": out_pairs,
            "excluded_samples": excluded_json(self.excluded),
            "warnings": data + [str(w) for w in self.warnings],
        }

    def pair_row(self, a: int, b: int) -> pd.Series | None:
        """The row of the pair of track indices ``a``, ``b`` (either order), if reported."""
        lo, hi = min(a, b), max(a, b)
        hit = self.pairs[(self.pairs["a"] == lo) & (self.pairs["b"] == hi)]
        return None if hit.empty else hit.iloc[0]

    def intervals_of(self, column: str) -> np.ndarray:
        """All intervals of ``column`` as an ``(n, 3)`` array ``[pair row, start, end]``
        (for drawing bands on the timeline in one item)."""
        rows = [(i, s, e) for i, spans in enumerate(self.pairs[column]) for s, e in spans]
        return np.array(rows, dtype=np.float64).reshape(-1, 3)
