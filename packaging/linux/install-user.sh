#!/bin/sh
# Install Encounter Replay for the current user only (no administrator rights):
# run it from the extracted folder, e.g.
#   mkdir -p ~/.local/opt && tar -xzf encounter-replay-*-linux-x86_64.tar.gz -C ~/.local/opt
#   ~/.local/opt/encounter-replay/install-user.sh
# It links ~/.local/bin/encounter-replay, adds a menu entry, the icon and the .acmi file
# type. `install-user.sh --uninstall` removes those again (the folder itself stays).
set -eu
APP_DIR=$(cd "$(dirname "$0")" && pwd)
DATA="${XDG_DATA_HOME:-$HOME/.local/share}"
BIN="$HOME/.local/bin"

refresh() {
  command -v update-mime-database >/dev/null 2>&1 && update-mime-database "$DATA/mime" >/dev/null 2>&1 || true
  command -v update-desktop-database >/dev/null 2>&1 && update-desktop-database "$DATA/applications" >/dev/null 2>&1 || true
  command -v gtk-update-icon-cache >/dev/null 2>&1 && gtk-update-icon-cache -q -t "$DATA/icons/hicolor" >/dev/null 2>&1 || true
}

if [ "${1:-}" = "--uninstall" ]; then
  rm -f "$BIN/encounter-replay" "$DATA/applications/encounter-replay.desktop" \
    "$DATA/icons/hicolor/256x256/apps/encounter-replay.png" \
    "$DATA/mime/packages/encounter-replay.xml"
  refresh
  echo "Removed the menu entry, icon, file type and $BIN/encounter-replay."
  echo "Delete $APP_DIR to remove the program itself."
  exit 0
fi

mkdir -p "$BIN" "$DATA/applications" "$DATA/icons/hicolor/256x256/apps" "$DATA/mime/packages"
ln -sfn "$APP_DIR/encounter-replay" "$BIN/encounter-replay"
# Absolute Exec path: ~/.local/bin is not on every desktop session's PATH.
sed "s|^Exec=encounter-replay|Exec=\"$APP_DIR/encounter-replay\"|" \
  "$APP_DIR/share/applications/encounter-replay.desktop" > "$DATA/applications/encounter-replay.desktop"
cp "$APP_DIR/share/icons/hicolor/256x256/apps/encounter-replay.png" "$DATA/icons/hicolor/256x256/apps/"
cp "$APP_DIR/share/mime/packages/encounter-replay.xml" "$DATA/mime/packages/"
refresh
echo "Installed: run 'encounter-replay' (in $BIN) or pick Encounter Replay from the menu."
