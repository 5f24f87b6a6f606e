"""Distinct shades of one coalition colour, so two trails of one side can be told apart.

Blue stays blue and red stays red (the side is what a glance must read), but within a side
each aircraft gets its own shade: the base colour first, then steps in lightness and small
hue turns (at most :data:`MAX_HUE_TURN_DEG` either way) in an order that puts the most
different shades first. The palette owner chooses the base colours; this module only
derives shades from them, in HLS, with no Qt.
"""

from __future__ import annotations

import colorsys
from collections.abc import Mapping, Sequence

import numpy as np

from ..palette import NEUTRAL

#: Largest hue turn from the base colour (degrees): further and blue reads as purple/green.
MAX_HUE_TURN_DEG = 20.0
#: Lightness range the candidate shades are drawn from (HLS).
LIGHTNESS_RANGE = (0.32, 0.80)
#: Perceived lightness (CIE L*) every shade keeps to, so each shows on the dark sea and on
#: paper: HLS lightness alone let a saturated blue as dark as L* 30 through.
LSTAR_RANGE = (50.0, 88.0)

#: Candidate grid: lightness levels × hue turns (grown when more shades are asked for).
_LEVELS, _TURNS = 7, 5


def _hex_to_rgb(color: str) -> tuple[float, float, float]:
    s = color.strip().lstrip("#")
    if len(s) == 3:
        s = "".join(c * 2 for c in s)
    if len(s) != 6:
        raise ValueError(f"not a #rrggbb colour: {color!r}")
    r, g, b = (int(s[i : i + 2], 16) / 255.0 for i in (0, 2, 4))
    return r, g, b


def _rgb_to_hex(r: float, g: float, b: float) -> str:
    return "#" + "".join(f"{round(min(max(v, 0.0), 1.0) * 255):02x}" for v in (r, g, b))


def _lab(rgb: np.ndarray) -> np.ndarray:
    """CIE L*a*b* (D65) of sRGB rows in [0, 1]: distances there follow what eyes see."""
    c = np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
    m = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]])
    xyz = c @ m.T / np.array([0.95047, 1.0, 1.08883])
    f = np.where(xyz > (6 / 29) ** 3, np.cbrt(xyz), xyz / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.column_stack(
        [116 * f[:, 1] - 16, 500 * (f[:, 0] - f[:, 1]), 200 * (f[:, 1] - f[:, 2])]
    )


def shades(base: str, n: int) -> list[str]:
    """``n`` distinguishable shades of ``base`` (``#rrggbb``), the first being ``base``.

    The others are picked greedily from a grid of lightness levels (within
    :data:`LIGHTNESS_RANGE`) and hue turns (within ±:data:`MAX_HUE_TURN_DEG`), each time
    the candidate farthest in L*a*b* from all shades chosen so far: the first few differ
    most, and no two are alike until the grid runs out (it grows with ``n``).
    """
    if n <= 0:
        return []
    rgb0 = _hex_to_rgb(base)
    h, _, sat = colorsys.rgb_to_hls(*rgb0)
    # A grey base (neutral side) stays grey: only its lightness varies.
    sat = sat if sat < 0.2 else max(sat, 0.45)
    scale = max(1, int(np.ceil(np.sqrt(n / (_LEVELS * _TURNS)))))
    levels = np.linspace(*LIGHTNESS_RANGE, _LEVELS * scale)
    turns = np.linspace(-1.0, 1.0, _TURNS * scale) * MAX_HUE_TURN_DEG / 360.0
    cand = np.array([colorsys.hls_to_rgb((h + dt) % 1.0, lv, sat) for lv in levels for dt in turns])
    lab = _lab(cand)
    seen = (lab[:, 0] >= LSTAR_RANGE[0]) & (lab[:, 0] <= LSTAR_RANGE[1])
    if len(np.unique(np.round(cand[seen] * 255), axis=0)) >= n:  # else any lightness
        cand, lab = cand[seen], lab[seen]
    nearest = np.linalg.norm(lab - _lab(np.array([rgb0])), axis=1)
    out = [_rgb_to_hex(*rgb0)]
    for _ in range(1, n):
        k = int(np.argmax(nearest))
        out.append(_rgb_to_hex(*cand[k]))
        nearest = np.minimum(nearest, np.linalg.norm(lab - lab[k], axis=1))
    return out


def track_shades(
    coalitions: Sequence[str], base_colors: Mapping[str, str], default: str = NEUTRAL
) -> list[str]:
    """A shade for every track: the k-th track of a coalition gets ``shades(base, …)[k]``.

    ``coalitions`` is one key per track (as the palette names sides, e.g. "blue", "red",
    "neutral"); keys missing from ``base_colors`` use ``default``. Order of first
    appearance decides which track keeps the pure base colour.
    """
    keys = np.asarray([str(c) for c in coalitions], dtype=object)
    out = np.empty(len(keys), dtype=object)
    for key in dict.fromkeys(keys.tolist()):
        idx = np.flatnonzero(keys == key)
        out[idx] = shades(base_colors.get(key, default), len(idx))
    return list(out)
