#!/usr/bin/env bash
# Regenerates the README's screenshots (docs/screenshots/*.png) from the real
# binary, so the pictures show what ships. Run it from anywhere after a UI
# change: `scripts/screenshots.sh` (or `scripts/screenshots.sh OUTDIR`).
#
# It builds bin/warpdesk, then in a private session of its own (dbus-run-session,
# an Xvfb display, openbox, an unlocked gnome-keyring, throwaway HOME and XDG
# directories) it runs:
#   dashboard-demo.png      the agent with -no-tray on its built-in demo, fresh settings
#   dashboard-servers.png   two `warpdesk serve` servers from a settings file, one killed
#   detail.png              the same dashboard, made taller, with an incident selected
#   settings-servers.png    the Settings window's servers list (Ctrl+, in the dashboard)
#   tray-states.png         the tray icons (assets/trayicon) side by side, labelled
# The two `serve` servers use fixed seeds and no random stream, so their
# incidents are the same each run (times and ages are not); the built-in demo
# has no seed flag, so dashboard-demo.png's incidents differ from run to run.
# Every process it starts is stopped on exit; tools it needs and lacks are named
# before anything starts. It is not part of `make test`.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$repo/docs/screenshots}
case $out in /*) ;; *) out=$PWD/$out ;; esac

if [ -z "${WARPDESK_SCREENSHOT_SESSION:-}" ]; then
  missing=()
  for tool in go python3 Xvfb openbox xdotool import convert identify montage dbus-run-session dbus-send gnome-keyring-daemon; do
    command -v "$tool" >/dev/null || missing+=("$tool")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "screenshots.sh: missing tools: ${missing[*]}" >&2
    echo "  apt-get install xvfb openbox xdotool imagemagick dbus gnome-keyring (and Go, scripts/deps.sh)" >&2
    exit 1
  fi
  # The bus's own environment points into the throwaway tree too, so that a
  # service the bus activates (a second gnome-keyring) never writes to the real
  # home. Keep Go's caches where they are: a new HOME would move them.
  export GOCACHE="${GOCACHE:-$(go env GOCACHE)}" GOMODCACHE="${GOMODCACHE:-$(go env GOMODCACHE)}"
  export GOPATH="${GOPATH:-$(go env GOPATH)}"
  tmp=$(mktemp -d)
  mkdir -p "$tmp/home/config" "$tmp/home/data" "$tmp/home/cache" "$tmp/home/runtime"
  chmod 700 "$tmp/home/runtime"
  export HOME=$tmp/home XDG_CONFIG_HOME=$tmp/home/config XDG_DATA_HOME=$tmp/home/data
  export XDG_CACHE_HOME=$tmp/home/cache XDG_RUNTIME_DIR=$tmp/home/runtime
  export WARPDESK_SCREENSHOT_SESSION=$tmp
  # Removed after the bus is gone, so nothing it started still writes there.
  outer_cleanup() {
    if [ -n "${WARPDESK_SCREENSHOTS_KEEP:-}" ]; then
      echo "screenshots: kept $tmp" >&2
    else
      for _ in 1 2 3 4 5; do rm -rf "$tmp" 2>/dev/null && break; sleep 0.5; done
    fi
  }
  trap outer_cleanup EXIT
  dbus-run-session -- "$0" "$out"
  exit
fi

log() { echo "screenshots: $*" >&2; }
die() {
  echo "screenshots.sh: $*" >&2
  echo "  (the processes' output: run with WARPDESK_SCREENSHOTS_KEEP=1 and read $tmp/*.log)" >&2
  exit 1
}

cd "$repo"
log "building bin/warpdesk"
go build -o bin/warpdesk .
bin=$repo/bin/warpdesk

tmp=$WARPDESK_SCREENSHOT_SESSION
# A directory starting with "_" is inside the module (so the settings writer
# below may import its packages) but outside every ./... pattern of the tools.
setup=$repo/_screenshots_setup_$$
pids=()
cleanup() {
  local i
  # Newest first, each gone before the next: the agent may still use the
  # keyring while it quits.
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
    kill "${pids[i]}" 2>/dev/null || true
    wait "${pids[i]}" 2>/dev/null || true
  done
  # A keyring daemon the private bus may have activated on its own is ours too.
  local owner
  owner=$(dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
    org.freedesktop.DBus.GetConnectionUnixProcessID string:org.freedesktop.secrets 2>/dev/null |
    awk '/uint32/ {print $2}') || true
  if [ -n "$owner" ]; then kill "$owner" 2>/dev/null || true; fi
  rm -rf "$setup"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# start NAME CMD…: runs CMD in the background, its output in $tmp/NAME.log,
# and remembers its pid for cleanup (the pid is in $started).
start() {
  local name=$1
  shift
  "$@" >"$tmp/$name.log" 2>&1 &
  started=$!
  pids+=("$started")
}

# fresh NAME: points HOME and the XDG directories at an empty tree, so the
# agent starts with default settings and its own history.
fresh() {
  local d=$tmp/home-$1
  mkdir -p "$d/config" "$d/data" "$d/cache" "$d/runtime"
  chmod 700 "$d/runtime"
  export HOME=$d XDG_CONFIG_HOME=$d/config XDG_DATA_HOME=$d/data XDG_CACHE_HOME=$d/cache XDG_RUNTIME_DIR=$d/runtime
}

# waitfor SECONDS DESCRIPTION CMD…: retries CMD every 0.2 s until it succeeds.
waitfor() {
  local secs=$1 what=$2
  shift 2
  local end=$((SECONDS + secs))
  until "$@" >/dev/null 2>&1; do
    [ $SECONDS -lt $end ] || die "timed out after ${secs}s waiting for $what"
    sleep 0.2
  done
}

# window NAME: the id of the visible window titled exactly NAME.
window() { xdotool search --onlyvisible --name "^$1\$" 2>/dev/null | head -n1; }
haswindow() { [ -n "$(window "$1")" ]; }

# shot ID FILE: captures window ID (its client area) into FILE, small.
shot() {
  xdotool mousemove 1279 1023 # no hover highlight in the picture
  sleep 0.5
  import -window "$1" "$tmp/raw.png"
  convert "$tmp/raw.png" -strip -colors 128 -define png:compression-level=9 "$2"
  local size
  size=$(stat -c %s "$2")
  log "$(basename "$2"): $(identify -format '%wx%h' "$2"), $((size / 1024)) KB"
  [ "$size" -le 153600 ] || log "warning: $(basename "$2") is over 150 KB"
}

freeport() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
secrets_up() {
  dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
    org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets | grep -q "boolean true"
}
listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

mkdir -p "$out"
export LANG=en_US.UTF-8 TZ=${TZ:-UTC}
unset WARPDESK_SERVER WARPDESK_TOKEN

# The display and the window manager (the window needs one to be placed and focused).
start xvfb Xvfb -displayfd 3 -screen 0 1280x1024x24 -nolisten tcp 3>"$tmp/display"
waitfor 10 "Xvfb" test -s "$tmp/display"
export DISPLAY=":$(cat "$tmp/display")"
fresh wm
start openbox openbox
sleep 0.5

# 1. The dashboard on the built-in demo, default settings.
log "dashboard on the built-in demo"
fresh demo
start demo "$bin" -no-tray
waitfor 30 "the dashboard window" haswindow Warpdesk
sleep 4 # the first catch-up: the demo's incidents open at start (random: -demo has no seed)
shot "$(window Warpdesk)" "$out/dashboard-demo.png"
kill "$started"
wait "$started" 2>/dev/null || true

# 2. Two servers from a settings file, tokens in the keyring; one killed.
log "dashboard with two servers"
fresh servers
# No DISPLAY: the daemon must never reach for a prompter.
printf pw | env -u DISPLAY gnome-keyring-daemon --foreground --unlock --components=secrets >"$tmp/keyring.log" 2>&1 &
pids+=("$!")
waitfor 10 "the Secret Service" secrets_up
prod=$(freeport)
stag=$(freeport)
start prod "$bin" serve -addr "127.0.0.1:$prod" -users "alice:T-prod" -seed 21 -initial 4 \
  -interval -1s -burst-every -1s -drop-every -1s
prodpid=$started
# Staging after Production is up: its incidents are then the newer of each
# pair, so the rows' order is the same every run.
waitfor 10 "the Production server" listening "$prod"
start stag "$bin" serve -addr "127.0.0.1:$stag" -users "alice:T-stag" -seed 22 -initial 3 \
  -interval -1s -burst-every -1s -drop-every -1s
waitfor 10 "the Staging server" listening "$stag"
mkdir "$setup"
cat >"$setup/main.go" <<'EOF'
// Writes a settings file with two servers and stores their tokens in the keyring.
package main

import (
	"context"
	"log"
	"os"
	"path/filepath"

	"github.com/warpdesk/warpdesk/demo"
	"github.com/warpdesk/warpdesk/settings"
)

func main() {
	prod, stag := "ws://127.0.0.1:"+os.Args[1]+"/ws", "ws://127.0.0.1:"+os.Args[2]+"/ws"
	s := settings.Default()
	s.Servers = []settings.Server{
		{ID: "prod", Name: "Production", URL: prod, Rooms: demo.DefaultRooms},
		{ID: "stag", Name: "Staging", URL: stag, Rooms: demo.DefaultRooms},
	}
	f, err := settings.OpenFile(filepath.Join(os.Getenv("XDG_CONFIG_HOME"), "warpdesk", "settings.json"))
	if err != nil {
		log.Fatal(err)
	}
	if err := settings.Save(f, s); err != nil {
		log.Fatal(err)
	}
	tokens := settings.NewTokenStore(settings.TokenStoreOptions{})
	for url, tok := range map[string]string{prod: "T-prod", stag: "T-stag"} {
		if err := tokens.Set(context.Background(), url, settings.Secret(tok)); err != nil || tokens.SessionOnly(url) {
			log.Fatalf("storing the token for %s in the keyring: %v", url, err)
		}
	}
}
EOF
go run "./$(basename "$setup")" "$prod" "$stag" || die "writing the two-server settings failed"
rm -rf "$setup"
start servers "$bin" -no-tray -max-reconnect-delay 2s
waitfor 30 "the dashboard window" haswindow Warpdesk
sleep 6
kill "$prodpid"
sleep 8 # Production goes stale; Staging stays live
win=$(window Warpdesk)
shot "$win" "$out/dashboard-servers.png"

# 3. The detail pane: the window made taller (at its default 960x600 the pane
# shares the right half with the monitors and scrolls), then the fifth row (Staging's
# critical, with the seeds above) clicked.
log "detail pane"
xdotool windowsize --sync "$win" 960 1000 2>/dev/null || xdotool windowsize "$win" 960 1000
sleep 1.5
xdotool windowactivate --sync "$win" 2>/dev/null || true
xdotool mousemove --window "$win" 200 595 click 1
sleep 2
shot "$win" "$out/detail.png"
xdotool windowsize "$win" 960 600
sleep 1

# 4. The Settings window's servers list (Ctrl+, in the dashboard).
log "settings"
xdotool windowactivate --sync "$win" 2>/dev/null || true
xdotool key --window "$win" ctrl+comma
waitfor 20 "the Settings window" haswindow "Warpdesk Settings"
sleep 2
shot "$(window "Warpdesk Settings")" "$out/settings-servers.png"

# 5. The tray icons per state, labelled (no panel here to photograph).
log "tray icons"
icons=assets/trayicon
montage -label Live "$icons/tray-live.png" \
  -label Critical "$icons/tray-critical.png" \
  -label "Critical, not all live" "$icons/tray-critical-partial.png" \
  -label Reconnecting "$icons/tray-reconnecting.png" \
  -label Offline "$icons/tray-offline.png" \
  -label Unknown "$icons/tray-unknown.png" \
  -label "Live, paused" "$icons/tray-live-paused.png" \
  -tile 7x1 -geometry 64x64+34+10 -pointsize 13 -background white "$tmp/tray.png"
convert "$tmp/tray.png" -strip -define png:compression-level=9 "$out/tray-states.png"
log "tray-states.png: $(identify -format '%wx%h' "$out/tray-states.png")"
log "done: $out"
