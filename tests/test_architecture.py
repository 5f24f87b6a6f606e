"""The layers' rules, checked: imports run one way, the core has no Qt, one home per fact."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "gui" / "encounter_replay"
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")
CORE = ("model", "io", "geo", "analysis")


def _modules(*layers: str) -> list[str]:
    out = []
    for layer in layers:
        for path in sorted((PACKAGE / layer).rglob("*.py")):
            rel = path.relative_to(PACKAGE.parent).with_suffix("")
            parts = rel.parts[:-1] if rel.name == "__init__" else rel.parts
            out.append(".".join(parts))
    return out


def test_core_modules_import_no_qt_in_a_fresh_interpreter():
    """Every module of model, io, geo and analysis (and the palette), imported in a new
    interpreter, loads neither Qt nor pyqtgraph — nor the analysis engine's scipy and
    pyproj for the analysis package's types alone (PEP 562)."""
    modules = [*_modules(*CORE), "encounter_replay.palette"]
    assert len(modules) > 40
    code = (
        "import sys\n"
        "import encounter_replay.analysis\n"
        "lazy = sorted(m for m in ('scipy', 'pyproj') if m in sys.modules)\n"
        f"for name in {modules!r}:\n"
        "    __import__(name)\n"
        "qt = sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'pyqtgraph'))\n"
        "print(repr((lazy, qt)))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    ).stdout
    lazy, qt = eval(out.strip().splitlines()[-1])
    assert qt == [], f"core modules import Qt: {qt}"
    assert lazy == [], f"importing encounter_replay.analysis loads {lazy}"


def _lint_imports(tree: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(LINT_IMPORTS), "--config", str(tree / "pyproject.toml"), "--no-cache"],
        capture_output=True,
        text=True,
        cwd=tree,
        env={"PYTHONPATH": str(tree / "gui"), "PATH": "/usr/bin:/bin"},
    )


@pytest.mark.skipif(not LINT_IMPORTS.exists(), reason="import-linter not installed")
def test_lint_imports_passes_and_catches_a_view_importing_export(tmp_path):
    tree = tmp_path / "repo"
    shutil.copytree(
        PACKAGE, tree / "gui" / "encounter_replay", ignore=shutil.ignore_patterns("__pycache__")
    )
    shutil.copy(ROOT / "pyproject.toml", tree / "pyproject.toml")
    ok = _lint_imports(tree)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    timeline = tree / "gui" / "encounter_replay" / "view" / "timeline.py"
    timeline.write_text(timeline.read_text() + "\nfrom ..export import errors  # noqa\n")
    broken = _lint_imports(tree)
    assert broken.returncode != 0
    assert "BROKEN" in broken.stdout and "encounter_replay.view.timeline" in broken.stdout


#: A colour written as a literal: #rgb/#rrggbb(aa), rgb()/rgba(), QColor(r, g, b).
_COLOR = re.compile(
    r"['\"]#[0-9a-fA-F]{3}(?:[0-9a-fA-F]{3})?(?:[0-9a-fA-F]{2})?['\"]|rgba?\(|QColor\(\s*\d"
    r"|QColor\(\s*['\"](?:white|black|red|green|blue|yellow|gray|grey)['\"]"
)


def test_colours_live_in_the_palette_only():
    found = [
        f"{path.relative_to(ROOT)}:{n}: {line.strip()}"
        for path in sorted(PACKAGE.rglob("*.py"))
        if path.name != "palette.py"
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if _COLOR.search(line)
    ]
    assert found == []


def test_units_live_in_the_units_module_only():
    bare = re.compile(r"(?<![\w.])(?:1852(?:\.0*)?|0\.3048)(?![\w.])")
    found = [
        f"{path.relative_to(ROOT)}:{n}: {line.strip()}"
        for path in sorted(PACKAGE.rglob("*.py"))
        if path.relative_to(PACKAGE).as_posix() != "model/units.py"
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if bare.search(line)
    ]
    assert found == []


def test_no_comment_points_outside_the_repository():
    """Design references point into docs/, not at a note that is not in the repository."""
    stale = re.compile(r"design §|notes/view_api|importlib\.import_module\(\"encounter_replay")
    found = [
        f"{path.relative_to(ROOT)}:{n}"
        for path in sorted(PACKAGE.rglob("*.py"))
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if stale.search(line)
    ]
    assert found == []
