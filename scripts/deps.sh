#!/usr/bin/env bash
# Installs the Debian packages Warpdesk needs to build, run and test, when they
# are missing. As root it installs them; otherwise it prints the one command to run.
# Recommended packages are installed too: that is the set the tests were verified
# with (gnome-keyring in particular).
set -euo pipefail
# gcc-mingw-w64-x86-64: `make cross` (the Windows build, cgo through mingw-w64);
# desktop-file-utils, xz-utils and file: `make package` (unpack and validate the archive);
# openbox and xdotool: the e2e tests that close and reopen the dashboard need a real
# window manager (without them TestEndToEndReopen skips); tesseract-ocr: the acknowledge
# e2e reads "acknowledged by alice" off both dashboards on screen.
want=(pkg-config libgl1-mesa-dev libx11-dev libgl1-mesa-dri libxcursor-dev libxrandr-dev
      libxinerama-dev libxi-dev libxxf86vm-dev dbus dbus-daemon xauth xvfb gnome-keyring
      iproute2 imagemagick gcc-mingw-w64-x86-64 desktop-file-utils xz-utils make file
      openbox xdotool tesseract-ocr)
missing=()
for p in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
cmd="apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then
  echo "Warpdesk needs these packages: ${missing[*]}" >&2
  echo "Run as root:  $cmd" >&2
  exit 1
fi
echo "installing: ${missing[*]}" >&2
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
