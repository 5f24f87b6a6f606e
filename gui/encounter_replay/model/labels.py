"""How a track is named to people: one rule for the map, lists, tables, plots, captions,
reports and the analysis's messages.

Callsign, else name, else its id — except reference points (bullseyes, waypoints), which
recorders rarely name and whose ids are meaningless numbers: those are called by the
last word of their type (an ACMI ``Navaid+Static+Bullseye`` is "Bullseye"). Where
several tracks would get the same label the id is added ("f16 [3]"), so a table row
"f16 – f16" never happens.
"""

from __future__ import annotations

from collections import Counter

import pandas as pd


def _text(v: object) -> str:
    s = str(v if v is not None else "").strip()
    return "" if s.lower() in ("nan", "none") else s


def track_label(callsign: object, name: object, track_id: object, kind: object = "",
                cls: object = "") -> str:  # fmt: skip
    """The label of one track (see the module docstring); "?" when it has nothing."""
    kind_word = _text(kind).split("+")[-1] if _text(cls) == "reference" else ""
    for v in (callsign, name, kind_word, track_id):
        s = _text(v)
        if s:
            return s
    return "?"


def track_labels(meta: pd.DataFrame, unique: bool = True) -> list[str]:
    """:func:`track_label` of every row of a TrackSet's ``meta``; with ``unique`` the id
    is added to labels that several tracks share."""

    def col(name: str) -> list:
        return list(meta[name]) if name in meta else [""] * len(meta)

    ids = col("id")
    labels = [
        track_label(*row)
        for row in zip(col("callsign"), col("name"), ids, col("type"), col("cls"), strict=True)
    ]
    if not unique:
        return labels
    counts = Counter(labels)
    return [
        f"{lab} [{tid}]" if counts[lab] > 1 and lab != str(tid) else lab
        for lab, tid in zip(labels, ids, strict=True)
    ]
