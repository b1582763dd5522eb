#!/usr/bin/env bash
# Checks the archive `fyne package -os linux` made (make package): it unpacks
# it, checks the binary, the icon and the .desktop file (desktop-file-validate
# must accept it), then installs it into a temporary root with the archive's
# own `make install` and checks what landed there: the names the autostart
# entry relies on (Icon=<app id>, share/pixmaps/<app id>.png) included.
#
#   scripts/package_test.sh Warpdesk.tar.xz
set -euo pipefail
archive=${1:?usage: $0 ARCHIVE.tar.xz}
here=$(cd "$(dirname "$0")/.." && pwd)
toml="$here/FyneApp.toml"
# The [Details] value of a key in FyneApp.toml, unquoted.
detail() { awk -v k="$1" '/^\[/{d=($0=="[Details]")} d && $1==k {sub(/^[^=]*= */,""); gsub(/"/,""); print; exit}' "$toml"; }
id=$(detail ID)
name=$(detail Name)
[ -n "$id" ] && [ -n "$name" ] || { echo "FAIL: no ID or Name in $toml" >&2; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }
ok() { echo "ok: $*"; }

# check_tree ROOT: a bin/, share/applications/<id>.desktop and
# share/pixmaps/<id>.png under ROOT/usr or ROOT/usr/local.
check_tree() {
  local root=$1 what=$2 prefix desktop icon exe
  prefix=$(dirname "$(find "$root" -path '*/share/applications' -type d | head -n1)")
  prefix=${prefix%/share}
  desktop="$prefix/share/applications/$id.desktop"
  icon="$prefix/share/pixmaps/$id.png"
  [ -f "$desktop" ] || { fail "$what: no share/applications/$id.desktop"; return; }
  if out=$(desktop-file-validate "$desktop" 2>&1) && [ -z "$out" ]; then
    ok "$what: desktop-file-validate accepts $id.desktop"
  else
    fail "$what: desktop-file-validate: $out"
  fi
  grep -qx "Name=$name" "$desktop" || fail "$what: the .desktop file does not say Name=$name"
  grep -qx "Icon=$id" "$desktop" || fail "$what: the .desktop file does not say Icon=$id (the autostart entry names that icon)"
  exe=$(sed -n 's/^Exec=\([^ ]*\).*/\1/p' "$desktop")
  if [ -x "$prefix/bin/$(basename "$exe")" ] && file -b "$prefix/bin/$(basename "$exe")" | grep -q '^ELF 64-bit.*executable'; then
    ok "$what: bin/$(basename "$exe") is an ELF executable, as Exec= says"
  else
    fail "$what: Exec=$exe, but bin/$(basename "$exe") is not an executable: $(ls -l "$prefix/bin" 2>&1)"
  fi
  if file -b "$icon" 2>/dev/null | grep -q '^PNG image data, 256 x 256'; then
    ok "$what: share/pixmaps/$id.png is a 256x256 PNG"
  else
    fail "$what: share/pixmaps/$id.png: $(file -b "$icon" 2>&1)"
  fi
}

mkdir "$tmp/unpacked"
tar -xJf "$archive" -C "$tmp/unpacked"
check_tree "$tmp/unpacked" "archive"
# The archive holds one directory with the tree and its Makefile.
top=$(dirname "$(find "$tmp/unpacked" -maxdepth 2 -name Makefile | head -n1)")
[ -f "$top/Makefile" ] || { fail "no Makefile (the install step) in the archive"; exit 1; }

# The archive's own install step, into a temporary root.
if make -s -C "$top" install DESTDIR="$tmp/root" PREFIX=/usr >"$tmp/install.log" 2>&1; then
  ok "make install DESTDIR=… PREFIX=/usr"
  check_tree "$tmp/root" "installed"
  bin=$(find "$tmp/root/usr/bin" -type f | head -n1)
  # It starts, without a display or a session bus, far enough to print its usage.
  if env -u DISPLAY -u WAYLAND_DISPLAY -u DBUS_SESSION_BUS_ADDRESS timeout 30 "$bin" -h >"$tmp/help" 2>&1 ||
     grep -qi usage "$tmp/help"; then
    ok "the installed binary starts and prints its usage"
  else
    fail "the installed binary did not print its usage: $(head -c 2000 "$tmp/help")"
  fi
  make -s -C "$top" uninstall DESTDIR="$tmp/root" PREFIX=/usr >/dev/null 2>&1
  left=$(find "$tmp/root" -type f | wc -l)
  [ "$left" -eq 0 ] && ok "make uninstall removes every file" || fail "make uninstall left $left files"
else
  fail "make install: $(cat "$tmp/install.log")"
fi

[ "$fails" -eq 0 ] || { echo "$fails check(s) failed" >&2; exit 1; }
echo "package $archive: all checks passed"
