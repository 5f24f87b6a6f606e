"""Generate the ILLUSTRATIVE sample encounter (northern Syria, 10 October 2015).

This is not recorded data. It is a plausible reconstruction, made up from public reporting
("US and Russian aircraft came within 10 to 20 miles of each other, in visual contact"), so
that the program has an encounter to open in briefings and tests have a scene whose designed
properties are known. See README.md beside this file for the story and the figures.

Run ``python sample_tracks/generate_sample.py`` (numpy only) to rewrite, beside this script,
``syria_oct2015_illustrative.txt.acmi`` and ``syria_oct2015_illustrative.csv``. Output is
deterministic (fixed seed, fixed formatting), so regeneration gives byte-identical files.
``--check`` additionally prints the designed separations, measured independently with pyproj's
WGS84 geodesic on a dense time grid from the CSV just written.

How the tracks are made: every aircraft is flown by a small point-mass simulation (0.1 s
steps) with bank-limited turns, rate-limited climbs and speed changes. Leads follow waypoint,
orbit and racetrack scripts; wingmen fly station-keeping on their lead with a lagging
controller, so formations stretch in turns as real ones do. The simulated path is then
sampled at each recorder's own rate (1, 2, 3 and 4 s, one track with timing jitter).
"""

from __future__ import annotations

import argparse
import csv
import io
import math
import sys
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np

# ---------------------------------------------------------------------------- constants
FT = 0.3048  # m per ft
KT = 1852.0 / 3600.0  # m/s per kt
NM = 1852.0  # m per NM
G = 9.80665

WGS84_A = 6378137.0
WGS84_E2 = 6.69437999014e-3

SEED = 20151010
DT = 0.1  # simulation step (s)
START = datetime(2015, 10, 10, 9, 0, 0, tzinfo=UTC)
DURATION = 40 * 60.0  # s
REF_LON, REF_LAT = 37, 36  # ACMI ReferenceLongitude/Latitude (integer degrees)

STEM = "syria_oct2015_illustrative"
HERE = Path(__file__).resolve().parent

# Places used in the script (approximate).
HMEIMIM = (35.4011, 35.9487)  # Bassel al-Assad / Hmeimim air base (lat, lon), elev ~157 ft
EUPHRATES_LON = 38.18  # the river between Tishrin dam and Lake Assad, near 36.3 N
BULLSEYE = (36.20, 38.00)
VISUAL_NM = 10.0  # the program's default visual range: the closest US-RU pair comes inside it


# ---------------------------------------------------------------------------- geometry
def _radii(lat_deg: float) -> tuple[float, float]:
    """Meridional and prime-vertical radii of WGS84 at a latitude (m)."""
    s = math.sin(math.radians(lat_deg))
    w = 1.0 - WGS84_E2 * s * s
    return WGS84_A * (1.0 - WGS84_E2) / w**1.5, WGS84_A / math.sqrt(w)


def _local(lat0: float, lon0: float, lat1: float, lon1: float) -> tuple[float, float]:
    """East/north metres from point 0 to point 1 in the tangent plane at point 0 (guidance only)."""
    m, n = _radii(lat0)
    east = math.radians(lon1 - lon0) * n * math.cos(math.radians(lat0))
    north = math.radians(lat1 - lat0) * m
    return east, north


def _wrap180(a: float) -> float:
    return (a + 180.0) % 360.0 - 180.0


# ---------------------------------------------------------------------------- scripts
@dataclass
class Leg:
    """One instruction of a flight script.

    kind: ``wp`` fly to (lat, lon), going on to the next leg one turn radius early;
    ``orbit`` circle (lat, lon) at ``radius_nm`` (``cw``) for the rest of the recording;
    ``follow`` keep station on the aircraft's lead at (fwd, right) NM and ``dz_ft``.
    """

    kind: str
    lat: float = 0.0
    lon: float = 0.0
    alt_ft: float = 0.0
    kt: float = 0.0
    bank: float = 45.0
    radius_nm: float = 1.0
    cw: bool = True
    fwd_nm: float = 0.0
    right_nm: float = 0.0
    dz_ft: float = 0.0


@dataclass
class Performance:
    """Limits that make a fighter look like a fighter and a drone like a drone."""

    roll_rate: float  # deg/s
    accel: float  # m/s^2 (speed change)
    climb: float  # m/s max climb
    descent: float  # m/s max descent
    vaccel: float  # m/s^2 (change of vertical speed)
    max_turn_rate: float  # deg/s, absolute cap
    alpha: float  # deg, 1 g angle of attack (nose above the flight path)


FIGHTER = Performance(
    roll_rate=45.0, accel=3.0, climb=28.0, descent=22.0, vaccel=2.5, max_turn_rate=12.0, alpha=3.0
)
PREDATOR = Performance(
    roll_rate=6.0, accel=0.3, climb=3.0, descent=3.0, vaccel=0.3, max_turn_rate=3.0, alpha=4.0
)
REAPER = Performance(
    roll_rate=8.0, accel=0.5, climb=5.0, descent=5.0, vaccel=0.4, max_turn_rate=3.0, alpha=3.0
)


@dataclass
class Aircraft:
    """One track: its ACMI/CSV identity, its script and its recorder's sampling."""

    id: str
    callsign: str
    name: str
    coalition: str
    color: str
    country: str
    perf: Performance
    start_t: float  # s after START when the track begins
    lat: float
    lon: float
    alt_ft: float
    kt: float
    hdg: float
    script: list[Leg]
    rate_s: float  # recorder sampling interval
    jitter_s: float = 0.0  # +- uniform timing jitter of the recorder
    lead: str | None = None
    group: str = ""
    # filled by the simulation: arrays on the DT grid from start_t
    sim: dict[str, np.ndarray] = field(default_factory=dict)


def _racetrack(
    a: tuple[float, float],
    b: tuple[float, float],
    width_nm: float,
    laps: int,
    alt_ft: float,
    kt: float,
) -> list[Leg]:
    """A racetrack as fly-by waypoints: inbound leg a->b, turn right, back on a parallel leg."""
    (la, oa), (lb, ob) = a, b
    east, north = _local(la, oa, lb, ob)
    length = math.hypot(east, north)
    # right-hand normal of the a->b leg
    re, rn = north / length * width_nm * NM, -east / length * width_nm * NM
    m, n = _radii(la)
    dlat = math.degrees(rn / m)
    dlon = math.degrees(re / (n * math.cos(math.radians(la))))
    corners = [(lb, ob), (lb + dlat, ob + dlon), (la + dlat, oa + dlon), (la, oa)]
    return [Leg("wp", c[0], c[1], alt_ft, kt, bank=45.0) for _ in range(laps) for c in corners]


def _orbiter(ac: Aircraft, phase: float) -> Aircraft:
    """Put an orbiting aircraft on its circle at bearing ``phase`` from the centre, on track."""
    leg = ac.script[0]
    m, n = _radii(leg.lat)
    r = leg.radius_nm * NM
    ac.lat = leg.lat + math.degrees(r * math.cos(math.radians(phase)) / m)
    ac.lon = leg.lon + math.degrees(
        r * math.sin(math.radians(phase)) / (n * math.cos(math.radians(leg.lat)))
    )
    ac.hdg = (phase + (90.0 if leg.cw else -90.0)) % 360.0
    return ac


def scenario() -> list[Aircraft]:
    """The cast and their scripts. Times are seconds after 09:00:00Z."""
    # CAP east of the Euphrates: north on the west leg, clockwise, 20 NM legs.
    viper_cap = _racetrack((36.26, 38.485), (36.60, 38.485), 5.5, 8, 23000, 440)
    viper11 = Aircraft(
        id="101",
        callsign="VIPER 11",
        name="F-16C-50",
        coalition="Blue",
        color="Blue",
        country="us",
        perf=FIGHTER,
        start_t=0.0,
        # CAP and entry point placed so that the CAP's northbound leg runs alongside the
        # SOKOL flight's northbound leg (09:19-09:23), close enough that VIPER 11 and
        # SOKOL 02 come just inside the default 10 NM visual range for about 1.5 minutes
        lat=36.552,
        lon=38.831,
        alt_ft=23000,
        kt=450,
        hdg=235,
        script=[Leg("wp", 36.40, 38.56, 23000, 450), *viper_cap],
        rate_s=1.0,
        group="VIPER 1",
    )
    viper12 = Aircraft(
        id="102",
        callsign="VIPER 12",
        name="F-16C-50",
        coalition="Blue",
        color="Blue",
        country="us",
        perf=FIGHTER,
        start_t=0.0,
        lat=36.566,
        lon=38.856,
        alt_ft=23500,
        kt=450,
        hdg=235,
        script=[Leg("follow", fwd_nm=-1.5, right_nm=0.3, dz_ft=500)],
        rate_s=2.0,
        lead="101",
        group="VIPER 1",
    )
    sokol01 = Aircraft(
        id="201",
        callsign="SOKOL 01",
        name="Su-30SM",
        coalition="Red",
        color="Red",
        country="ru",
        perf=FIGHTER,
        start_t=120.0,
        lat=HMEIMIM[0] + 0.01,
        lon=HMEIMIM[1],
        alt_ft=450,
        kt=175,
        hdg=357,
        script=[
            Leg("wp", 35.50, 36.06, 9000, 330, bank=30),  # climb out, turn east
            Leg("wp", 35.80, 36.60, 20000, 460),  # south of Idlib
            Leg("wp", 36.12, 37.05, 14500, 450),  # down to 14,500 ft south of Aleppo
            Leg("wp", 36.27, 37.80, 14500, 450),  # past HAVOC 41's orbit (north of track)
            Leg("wp", 36.30, 38.32, 22000, 470),  # climb, across the Euphrates
            Leg("wp", 36.70, 38.33, 22000, 460),  # north, alongside the VIPER CAP
            Leg("wp", 36.45, 37.80, 20150, 450, bank=60),  # back west past REAPER 31
            Leg("wp", 36.35, 37.00, 24000, 460),  # north of Aleppo
            Leg("wp", 35.75, 36.30, 16000, 430),  # home
            Leg("wp", 35.45, 36.00, 6000, 350),
        ],
        rate_s=1.0,
        group="SOKOL",
    )
    sokol02 = Aircraft(
        id="202",
        callsign="SOKOL 02",
        name="Su-30SM",
        coalition="Red",
        color="Red",
        country="ru",
        perf=FIGHTER,
        start_t=140.0,
        lat=HMEIMIM[0] + 0.01,
        lon=HMEIMIM[1],
        alt_ft=450,
        kt=175,
        hdg=357,
        script=[Leg("follow", fwd_nm=-0.7, right_nm=1.2, dz_ft=500)],
        rate_s=2.0,
        jitter_s=0.25,
        lead="201",
        group="SOKOL",
    )
    reaper31 = _orbiter(
        Aircraft(
            id="301",
            callsign="REAPER 31",
            name="MQ-9 Reaper",
            coalition="Blue",
            color="Blue",
            country="us",
            perf=REAPER,
            start_t=0.0,
            lat=0.0,
            lon=0.0,
            alt_ft=21400,
            kt=180,
            hdg=0.0,
            script=[Leg("orbit", 36.54, 37.92, 21400, 180, bank=20, radius_nm=3.0, cw=True)],
            rate_s=4.0,
        ),
        # centre and phase set so that SOKOL 02 passes about 1.5 NM away and 700 ft below
        phase=60.0,
    )
    havoc41 = _orbiter(
        Aircraft(
            id="302",
            callsign="HAVOC 41",
            name="MQ-1B Predator",
            coalition="Blue",
            color="Blue",
            country="us",
            perf=PREDATOR,
            start_t=0.0,
            lat=0.0,
            lon=0.0,
            alt_ft=13000,
            kt=80,
            hdg=0.0,
            script=[Leg("orbit", 36.255, 37.45, 13000, 80, bank=15, radius_nm=1.2, cw=False)],
            rate_s=3.0,
        ),
        # phase set so that SOKOL 01 passes about 3 NM away and 1,500 ft above
        phase=270.0,
    )
    return [viper11, viper12, sokol01, sokol02, reaper31, havoc41]


# ---------------------------------------------------------------------------- simulation
def _smooth_noise(rng: np.random.Generator, n: int, tau_s: float, sigma: float) -> np.ndarray:
    """First-order Gauss-Markov noise on the DT grid: small, smooth wander (turbulence, pilot)."""
    a = math.exp(-DT / tau_s)
    w = rng.normal(0.0, sigma * math.sqrt(1 - a * a), n)
    out = np.empty(n)
    x = 0.0
    for i in range(n):
        x = a * x + w[i]
        out[i] = x
    return out


def simulate(ac: Aircraft, others: dict[str, Aircraft], rng: np.random.Generator) -> None:
    """Fly ``ac`` from its start to the end of the recording on the DT grid."""
    n = round((DURATION - ac.start_t) / DT) + 1
    lat, lon = ac.lat, ac.lon
    alt = ac.alt_ft * FT
    v = ac.kt * KT
    hdg = ac.hdg
    bank = 0.0
    vs = 0.0
    p = ac.perf
    alt_noise = _smooth_noise(rng, n, 20.0, 12.0)  # m
    spd_noise = _smooth_noise(rng, n, 30.0, 1.5)  # m/s
    out = {k: np.empty(n) for k in ("lat", "lon", "alt", "v", "hdg", "roll", "pitch")}
    legs = list(ac.script)
    lead = others[ac.lead] if ac.lead else None
    lead_off = 0
    if lead is not None:
        lead_off = round((ac.start_t - lead.start_t) / DT)
    for i in range(n):
        leg = legs[0] if legs else None
        hdg_cmd, v_cmd, alt_cmd, max_bank = hdg, v, alt, 30.0
        if leg is not None and leg.kind == "wp":
            east, north = _local(lat, lon, leg.lat, leg.lon)
            dist = math.hypot(east, north)
            hdg_cmd = math.degrees(math.atan2(east, north)) % 360.0
            v_cmd, alt_cmd, max_bank = leg.kt * KT, leg.alt_ft * FT, leg.bank
            # turn anticipation: start the turn onto the next leg one turn radius early
            if len(legs) > 1:
                nxt = legs[1]
                e2, n2 = _local(leg.lat, leg.lon, nxt.lat, nxt.lon)
                turn = abs(_wrap180(math.degrees(math.atan2(e2, n2)) - hdg_cmd))
                radius = v * v / (G * math.tan(math.radians(max(nxt.bank, 20.0))))
                lead_dist = min(radius * math.tan(math.radians(min(turn, 120.0) / 2)), 8000.0)
            else:
                lead_dist = 0.0
            if dist < max(lead_dist, 600.0):
                legs.pop(0)
        elif leg is not None and leg.kind == "orbit":
            east, north = _local(leg.lat, leg.lon, lat, lon)
            r = math.hypot(east, north)
            radial = math.degrees(math.atan2(east, north))
            sign = 1.0 if leg.cw else -1.0
            err = max(-60.0, min(60.0, (r - leg.radius_nm * NM) / NM * 90.0))
            hdg_cmd = (radial + sign * (90.0 + err)) % 360.0
            v_cmd, alt_cmd, max_bank = leg.kt * KT, leg.alt_ft * FT, leg.bank
        elif leg is not None and leg.kind == "follow" and lead is not None:
            j = min(i + lead_off, len(lead.sim["lat"]) - 1)
            llat, llon = lead.sim["lat"][j], lead.sim["lon"][j]
            lhdg, lv = lead.sim["hdg"][j], lead.sim["v"][j]
            ch, sh = math.cos(math.radians(lhdg)), math.sin(math.radians(lhdg))
            # station in lead axes -> east/north, then the error in lead axes
            fe = (leg.fwd_nm * sh + leg.right_nm * ch) * NM
            fn = (leg.fwd_nm * ch - leg.right_nm * sh) * NM
            le, ln = _local(lat, lon, llat, llon)
            ee, en = le + fe, ln + fn  # station relative to me
            e_fwd = ee * sh + en * ch
            e_right = ee * ch - en * sh
            hdg_cmd = lhdg + max(-50.0, min(50.0, math.degrees(math.atan2(e_right, 2500.0))))
            v_cmd = lv + max(-40.0, min(35.0, 0.03 * e_fwd))
            alt_cmd = lead.sim["alt"][j] + leg.dz_ft * FT
            max_bank = 60.0
        # lateral: bank toward a command proportional to heading error, roll-rate limited
        herr = _wrap180(hdg_cmd - hdg)
        bank_cmd = max(-max_bank, min(max_bank, 2.5 * herr))
        step = p.roll_rate * DT
        bank += max(-step, min(step, bank_cmd - bank))
        rate = math.degrees(G * math.tan(math.radians(bank)) / max(v, 20.0))
        rate = max(-p.max_turn_rate, min(p.max_turn_rate, rate))
        # vertical: climb rate toward a command proportional to altitude error
        vs_cmd = max(-p.descent, min(p.climb, 0.04 * (alt_cmd + alt_noise[i] - alt)))
        vs += max(-p.vaccel * DT, min(p.vaccel * DT, vs_cmd - vs))
        # speed
        dv = v_cmd + spd_noise[i] - v
        v += max(-p.accel * DT, min(p.accel * DT, dv))
        # record, then integrate on the ellipsoid (ground speed = speed over the surface)
        out["lat"][i], out["lon"][i], out["alt"][i] = lat, lon, alt
        out["v"][i], out["hdg"][i], out["roll"][i] = v, hdg % 360.0, bank
        out["pitch"][i] = math.degrees(math.atan2(vs, v)) + p.alpha
        m, nr = _radii(lat)
        h = math.radians(hdg + 0.5 * rate * DT)
        lat += math.degrees(v * math.cos(h) * DT / m)
        lon += math.degrees(v * math.sin(h) * DT / (nr * math.cos(math.radians(lat))))
        alt += vs * DT
        hdg = (hdg + rate * DT) % 360.0
    out["t"] = ac.start_t + DT * np.arange(n)
    ac.sim = out


def sample_times(ac: Aircraft, rng: np.random.Generator) -> np.ndarray:
    """The recorder's time stamps (s after START), rounded to 10 ms, strictly inside the sim."""
    t = np.arange(ac.start_t, DURATION + 1e-9, ac.rate_s)
    if ac.jitter_s:
        t = t + rng.uniform(-ac.jitter_s, ac.jitter_s, len(t))
        t[0] = ac.start_t
    t = np.round(t, 2)
    return t[(t >= ac.start_t) & (t <= DURATION)]


def resample(ac: Aircraft, t: np.ndarray) -> dict[str, np.ndarray]:
    """Linear interpolation of the simulated state at the recorder's times."""
    s = ac.sim
    res = {"t": t}
    for k in ("lat", "lon", "alt", "v", "roll", "pitch"):
        res[k] = np.interp(t, s["t"], s[k])
    res["hdg"] = np.interp(t, s["t"], np.degrees(np.unwrap(np.radians(s["hdg"])))) % 360.0
    return res


# ---------------------------------------------------------------------------- events
def find_events(cast: dict[str, Aircraft]) -> list[tuple[float, str]]:
    """Story beats, found on the simulated paths so they sit where the picture shows them."""
    s1 = cast["201"].sim
    t = s1["t"]
    ev: list[tuple[float, str]] = []

    def sec(x: float) -> float:
        return float(round(x))

    ev.append((cast["201"].start_t, "TakenOff|201|SOKOL 01 airborne from Hmeimim"))
    ev.append((cast["202"].start_t, "TakenOff|202|SOKOL 02 airborne from Hmeimim"))

    def distance(a: str, b: str) -> tuple[np.ndarray, np.ndarray]:
        """Horizontal distance on the common sim grid (spherical: placing beats only)."""
        sa, sb = cast[a].sim, cast[b].sim
        t0 = max(sa["t"][0], sb["t"][0])
        ia, ib = round((t0 - sa["t"][0]) / DT), round((t0 - sb["t"][0]) / DT)
        m = min(len(sa["t"]) - ia, len(sb["t"]) - ib)
        e = np.radians(sb["lon"][ib : ib + m] - sa["lon"][ia : ia + m]) * np.cos(
            np.radians(sa["lat"][ia : ia + m])
        )
        nn = np.radians(sb["lat"][ib : ib + m] - sa["lat"][ia : ia + m])
        return sa["t"][ia : ia + m], np.hypot(e, nn) * 6371000.0

    def closest(a: str, b: str) -> tuple[float, float]:
        tt, d = distance(a, b)
        k = int(np.argmin(d))
        return float(tt[k]), float(d[k])

    tp, _ = closest("201", "302")
    ev.append(
        (sec(tp), "Bookmark|201|302|SOKOL 01 passes HAVOC 41 (MQ-1B) about 3 NM, 1500 ft above")
    )
    east = np.flatnonzero((s1["lon"][:-1] < EUPHRATES_LON) & (s1["lon"][1:] >= EUPHRATES_LON))
    ev.append((sec(t[east[0]]), "Bookmark|201|202|SOKOL flight crosses the Euphrates eastbound"))
    pairs = [(a, b, *closest(a, b)) for a in ("101", "102") for b in ("201", "202")]
    a, b, tc, dc = min(pairs, key=lambda x: x[3])
    # the visual call comes a few seconds after the pair closes inside the default visual range
    tt, d = distance(a, b)
    inside = np.flatnonzero(d < VISUAL_NM * NM)
    t_call = math.ceil(tt[inside[0]]) + 5 if inside.size else sec(tc) - 60
    ev.append(
        (
            float(t_call),
            "Message|101|VIPER 11 reports two Su-30 west of the CAP, northbound, visual",
        )
    )
    ev.append(
        (
            sec(tc),
            f"Bookmark|{a}|{b}|Closest US-Russian fighter approach: "
            f"{cast[a].callsign} - {cast[b].callsign} about {dc / NM:.0f} NM",
        )
    )
    tr, _ = closest("202", "301")
    ev.append(
        (
            sec(tr),
            "Bookmark|202|301|SOKOL 02 passes REAPER 31 (MQ-9) about 1.5 NM, 700 ft below: loss of separation",
        )
    )
    west = np.flatnonzero((s1["lon"][:-1] > EUPHRATES_LON) & (s1["lon"][1:] <= EUPHRATES_LON))
    ev.append((sec(t[west[0]]), "Bookmark|201|202|SOKOL flight crosses the Euphrates westbound"))
    return sorted(ev)


# ---------------------------------------------------------------------------- writers
def _num(x: float, nd: int) -> str:
    """Fixed decimals, trailing zeros trimmed (ACMI is read by people too)."""
    s = f"{x:.{nd}f}"
    if "." in s:
        s = s.rstrip("0").rstrip(".")
    return "0" if s in ("-0", "") else s


def _deg(x: float) -> str:
    """A heading to 0.1 deg in [0, 360): 359.96 must print as 0, not 360."""
    return f"{round(float(x), 1) % 360.0:.1f}"


def _iso(t: float) -> str:
    ts = START + timedelta(seconds=float(t))
    return ts.strftime("%Y-%m-%dT%H:%M:%S.") + f"{ts.microsecond // 1000:03d}Z"


def _acmi_escape(text: str) -> str:
    return text.replace(",", "\\,")


def write_acmi(
    path: Path, cast: list[Aircraft], samples: dict[str, dict], events: list[tuple[float, str]]
) -> None:
    """Tacview 2.2 text: globals, then frames in time order with only the objects sampled then."""
    buf = io.StringIO()
    w = buf.write
    w("FileType=text/acmi/tacview\nFileVersion=2.2\n")
    w("// ILLUSTRATIVE reconstruction, NOT recorded data: generated by generate_sample.py.\n")
    w("0,ReferenceTime=" + START.strftime("%Y-%m-%dT%H:%M:%SZ") + "\n")
    w("0,RecordingTime=" + START.strftime("%Y-%m-%dT%H:%M:%SZ") + "\n")
    w("0,DataSource=encounter-replay sample_tracks/generate_sample.py\n")
    w("0,DataRecorder=synthetic (point-mass simulation)\n")
    w("0,Title=ILLUSTRATIVE reconstruction — not recorded data\n")
    w("0,Author=Encounter Replay project\n")
    w("0,Category=Illustrative sample\n")
    comments = (
        "Illustrative only: made up from public reporting of US-Russian encounters over "
        "northern Syria in October 2015, not recorded data. Callsigns, positions, altitudes "
        "and times are invented."
    )
    w("0,Comments=" + _acmi_escape(comments) + "\n")
    w(f"0,ReferenceLongitude={REF_LON}\n0,ReferenceLatitude={REF_LAT}\n")

    rows: list[tuple[float, int, str]] = []  # (time, order, line)
    first_props = {
        ac.id: (
            f"Type=Air+FixedWing,Name={ac.name},CallSign={ac.callsign},"
            f"Coalition={ac.coalition},Color={ac.color},Country={ac.country}"
            + (f",Group={ac.group}" if ac.group else "")
        )
        for ac in cast
    }
    for order, ac in enumerate(cast):
        s = samples[ac.id]
        prev = [None] * 6
        for k in range(len(s["t"])):
            vals = [
                _num(s["lon"][k] - REF_LON, 7),
                _num(s["lat"][k] - REF_LAT, 7),
                _num(s["alt"][k], 1),
                _num(s["roll"][k], 1),
                _num(s["pitch"][k], 1),
                _num(float(_deg(s["hdg"][k])), 1),
            ]
            fields = [
                v if (k == 0 or v != p or j < 2) else ""
                for j, (v, p) in enumerate(zip(vals, prev, strict=True))
            ]
            prev = vals
            line = f"{ac.id},T={'|'.join(fields)}"
            if k == 0:
                line += "," + first_props[ac.id]
            rows.append((float(s["t"][k]), order + 1, line))
    lat0, lon0 = BULLSEYE
    rows.append(
        (
            0.0,
            99,
            f"401,T={_num(lon0 - REF_LON, 7)}|{_num(lat0 - REF_LAT, 7)}|0,"
            "Type=Navaid+Static+Bullseye,Name=Bullseye,Coalition=Blue,Color=Blue",
        )
    )
    for t, text in events:
        rows.append((t, 100, "0,Event=" + _acmi_escape(text)))
    rows.sort(key=lambda r: (r[0], r[1]))
    current = None
    for t, _, line in rows:
        if t != current:
            w(f"#{_num(t, 2)}\n")
            current = t
        w(line + "\n")
    path.write_bytes(buf.getvalue().encode("utf-8"))


CSV_COLUMNS = [
    "timestamp",
    "id",
    "callsign",
    "name",
    "type",
    "coalition",
    "latitude",
    "longitude",
    "altitude_ft",
    "groundspeed_kt",
    "heading_deg",
]


def write_csv(path: Path, cast: list[Aircraft], samples: dict[str, dict]) -> None:
    """One row per sample, sorted by time then id, like a multi-aircraft export."""
    rows = []
    for order, ac in enumerate(cast):
        s = samples[ac.id]
        for k in range(len(s["t"])):
            rows.append(
                (
                    float(s["t"][k]),
                    order,
                    [
                        _iso(s["t"][k]),
                        ac.id,
                        ac.callsign,
                        ac.name,
                        "Air+FixedWing",
                        ac.coalition,
                        f"{s['lat'][k]:.7f}",
                        f"{s['lon'][k]:.7f}",
                        f"{s['alt'][k] / FT:.0f}",
                        f"{s['v'][k] / KT:.1f}",
                        _deg(s["hdg"][k]),
                    ],
                )
            )
    rows.sort(key=lambda r: (r[0], r[1]))
    buf = io.StringIO()
    wr = csv.writer(buf, lineterminator="\n")
    wr.writerow(CSV_COLUMNS)
    for _, _, r in rows:
        wr.writerow(r)
    path.write_bytes(buf.getvalue().encode("utf-8"))


# ---------------------------------------------------------------------------- main
def generate(out_dir: Path) -> tuple[Path, Path]:
    """Simulate the cast, sample each recorder and write the ACMI and CSV files."""
    rng = np.random.default_rng(SEED)
    cast = scenario()
    by_id = {ac.id: ac for ac in cast}
    for ac in cast:  # leads precede their wingmen in the cast list
        simulate(ac, by_id, rng)
    samples = {ac.id: resample(ac, sample_times(ac, rng)) for ac in cast}
    events = find_events(by_id)
    out_dir.mkdir(parents=True, exist_ok=True)
    acmi = out_dir / f"{STEM}.txt.acmi"
    csv_path = out_dir / f"{STEM}.csv"
    write_acmi(acmi, cast, samples, events)
    write_csv(csv_path, cast, samples)
    return acmi, csv_path


# ---------------------------------------------------------------------------- check
def read_csv_tracks(path: Path) -> dict[str, dict[str, np.ndarray]]:
    """The written CSV back as arrays per id (t in s after START, lat, lon, alt in m)."""
    cols: dict[str, list[list[float]]] = {}
    with open(path, newline="", encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            ts = datetime.strptime(r["timestamp"], "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)
            row = [
                (ts - START).total_seconds(),
                float(r["latitude"]),
                float(r["longitude"]),
                float(r["altitude_ft"]) * FT,
            ]
            cols.setdefault(r["id"], []).append(row)
    out = {}
    for k, rows in cols.items():
        a = np.array(rows)
        out[k] = {"t": a[:, 0], "lat": a[:, 1], "lon": a[:, 2], "alt": a[:, 3]}
    return out


def pair_separation(a: dict, b: dict, step: float = 0.1) -> dict[str, np.ndarray]:
    """Horizontal (WGS84 geodesic) and vertical separation on a dense common time grid."""
    from pyproj import Geod

    t0, t1 = max(a["t"][0], b["t"][0]), min(a["t"][-1], b["t"][-1])
    t = np.arange(math.ceil(t0 / step) * step, t1, step)
    ia = {k: np.interp(t, a["t"], a[k]) for k in ("lat", "lon", "alt")}
    ib = {k: np.interp(t, b["t"], b[k]) for k in ("lat", "lon", "alt")}
    _, _, h = Geod(ellps="WGS84").inv(ia["lon"], ia["lat"], ib["lon"], ib["lat"])
    return {"t": t, "h": np.asarray(h), "v": np.abs(ia["alt"] - ib["alt"])}


def check(csv_path: Path) -> None:
    """Print the separations the story relies on (US-RU fighters, RU jets - drones)."""
    tracks = read_csv_tracks(csv_path)
    names = {ac.id: ac.callsign for ac in scenario()}
    print(f"{'pair':24} {'min horiz':>10} {'at':>9} {'vert there':>10} {'<20NM':>7} {'LoS':>7}")
    for a in ("101", "102"):
        for b in ("201", "202"):
            _report(names, a, b, pair_separation(tracks[a], tracks[b]))
    for a in ("201", "202"):
        for b in ("301", "302"):
            _report(names, a, b, pair_separation(tracks[a], tracks[b]))


def _report(names: dict[str, str], a: str, b: str, s: dict[str, np.ndarray]) -> None:
    k = int(np.argmin(s["h"]))
    step = float(s["t"][1] - s["t"][0])
    under20 = float(np.count_nonzero(s["h"] < 20 * NM) * step)
    los = float(np.count_nonzero((s["h"] < 5 * NM) & (s["v"] < 1000 * FT)) * step)
    when = (START + timedelta(seconds=float(s["t"][k]))).strftime("%H:%M:%S")
    print(
        f"{names[a] + ' / ' + names[b]:24} {s['h'][k] / NM:7.2f} NM {when:>9} "
        f"{s['v'][k] / FT:7.0f} ft {under20 / 60:5.1f} m {los:5.1f} s"
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, default=HERE, help="output folder (default: beside me)")
    ap.add_argument("--check", action="store_true", help="print the designed separations")
    args = ap.parse_args(argv)
    acmi, csv_path = generate(args.out)
    print(f"wrote {acmi} ({acmi.stat().st_size} bytes)")
    print(f"wrote {csv_path} ({csv_path.stat().st_size} bytes)")
    if args.check:
        check(csv_path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
