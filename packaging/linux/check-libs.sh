#!/bin/sh
# List shared libraries the installed bundle needs but this system lacks.
#   packaging/linux/check-libs.sh /opt/encounter-replay     (exit 1 if any is missing)
# ldd reports wheel-vendored siblings (pyproj.libs/libcurl-*.so …) as "not found" when a
# library is inspected on its own; those are in the bundle and load at run time, so only
# names found nowhere in the bundle count.
set -eu
DIR=${1:-/opt/encounter-replay}
missing=$(find "$DIR" -type f \( -name '*.so*' -o -name encounter-replay \) -exec ldd {} + 2>/dev/null |
  awk '/=> not found/ {print $1}' | sort -u |
  while read -r so; do
    [ -n "$(find "$DIR" -name "$so" -print -quit)" ] || echo "$so"
  done)
if [ -n "$missing" ]; then
  echo "missing system libraries:" $missing
  exit 1
fi
echo "all shared libraries resolve"
