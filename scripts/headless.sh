#!/usr/bin/env bash
# Runs a command in a private desktop session: an Xvfb display, a private D-Bus
# session bus (dbus-run-session) and throwaway XDG directories, all torn down
# when the command ends. Used by `make test` so GUI tests run on a headless CI.
set -euo pipefail
if [ -z "${WARPDESK_IN_SESSION:-}" ]; then
  export WARPDESK_IN_SESSION=1
  exec dbus-run-session -- "$0" "$@"
fi
# Keep Go's build cache where it was: moving XDG_CACHE_HOME would move it too
# and make every run a cold build.
if command -v go >/dev/null; then export GOCACHE="${GOCACHE:-$(go env GOCACHE)}"; fi
tmp=$(mktemp -d)
cleanup() { [ -n "${xpid:-}" ] && kill "$xpid" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
mkdir -p "$tmp/config" "$tmp/data" "$tmp/cache" "$tmp/runtime"; chmod 700 "$tmp/runtime"
export XDG_CONFIG_HOME="$tmp/config" XDG_DATA_HOME="$tmp/data" XDG_CACHE_HOME="$tmp/cache" XDG_RUNTIME_DIR="$tmp/runtime"
export LANG=${LANG:-C.UTF-8}
if command -v Xvfb >/dev/null; then
  Xvfb -displayfd 3 -screen 0 1280x800x24 -nolisten tcp 3>"$tmp/display" 2>/dev/null &
  xpid=$!
  for _ in $(seq 100); do [ -s "$tmp/display" ] && break; sleep 0.05; done
  export DISPLAY=":$(cat "$tmp/display")"
fi
"$@"
