"""Standard thresholds the analysis defaults to, in one cheap module (no engine imports).

Kept apart from :mod:`.well_clear` so :mod:`.settings` can name them without loading the
engine's geometry (see docs/architecture.md, cheap imports).
"""

from __future__ import annotations

from ..model.units import FT

#: DO-365 well clear: DTHR 4,000 ft (0.66 NM), ZTHR 450 ft, TTHR 35 s.
DTHR_M = 4000 * FT
ZTHR_M = 450 * FT
TTHR_S = 35.0
#: Near mid-air collision: horizontal < 500 ft and vertical < 100 ft.
NMAC_H_M = 500 * FT
NMAC_V_M = 100 * FT
