"""How a track is named to people: one rule for the map, lists, tables, plots, captions,
reports and the analysis's messages.

An object is named by what it is and who flies it (:mod:`.identity`: "F-15E · Пилот #2",
"AFR1234 · F-HBXA"), else its id — except reference points (bullseyes, waypoints), which
recorders rarely name and whose ids are meaningless numbers: those are called by the
last word of their type (an ACMI ``Navaid+Static+Bullseye`` is "Bullseye"). Where
several tracks would get the same label the id is added ("f16 [3]"), so a table row
"f16 – f16" never happens.
"""

from __future__ import annotations

from collections import Counter

import pandas as pd

from .identity import display_name


def _text(v: object) -> str:
    s = str(v if v is not None else "").strip()
    return "" if s.lower() in ("nan", "none") else s


def _row_label(row: dict) -> str:
    if _text(row.get("cls")) == "reference":
        for v in (row.get("callsign"), row.get("name"), _text(row.get("type")).split("+")[-1]):
            if _text(v):
                return _text(v)
    name = display_name(row)
    return name if name != "?" or not _text(row.get("id")) else _text(row.get("id"))


def track_label(callsign: object, name: object, track_id: object, kind: object = "",
                cls: object = "") -> str:  # fmt: skip
    """The label of one track (see the module docstring); "?" when it has nothing."""
    row = {"callsign": callsign, "name": name, "id": track_id, "type": kind, "cls": cls}
    return _row_label({k: _text(v) for k, v in row.items()})


def track_labels(meta: pd.DataFrame, unique: bool = True) -> list[str]:
    """:func:`track_label` of every row of a TrackSet's ``meta`` (with its registration
    and address where the format carries them); with ``unique`` the id is added to labels
    that several tracks share."""
    rows = meta.to_dict("records")
    labels = [_row_label({k: _text(v) for k, v in row.items()}) for row in rows]
    if not unique:
        return labels
    ids = [_text(r.get("id")) for r in rows]
    counts = Counter(labels)
    return [
        f"{lab} [{tid}]" if counts[lab] > 1 and lab != str(tid) else lab
        for lab, tid in zip(labels, ids, strict=True)
    ]


def short_label(row: dict) -> str:
    """Who a track is, without what it is: the callsign, else the name, else the id (a
    reference point as :func:`track_label` calls it). The analysis's machine output
    (``a_name``/``b_name``) and its messages keep the names the recording gives."""
    row = {k: _text(v) for k, v in row.items()}
    if row.get("cls") == "reference":
        return _row_label(row)
    return row.get("callsign") or row.get("name") or row.get("id") or "?"


def short_labels(meta: pd.DataFrame) -> list[str]:
    """:func:`short_label` of every row of a TrackSet's ``meta``."""
    return [short_label(row) for row in meta.to_dict("records")]
