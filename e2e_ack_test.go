//go:build linux

package main

import (
	"encoding/json"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"

	"github.com/warpdesk/warpdesk/demo"
	"github.com/warpdesk/warpdesk/internal/dbustest"
	"github.com/warpdesk/warpdesk/notify"
	"github.com/warpdesk/warpdesk/notify/notifytest"
	"github.com/warpdesk/warpdesk/ops"
	"github.com/warpdesk/warpdesk/tray"
)

// ackWithin is how soon after "Acknowledge" on one desktop's notification
// every other desktop must close its own (issue 11).
const ackWithin = time.Second

// ackSeed makes `warpdesk serve -initial 2` open one critical incident in
// a demo room (seed 4: "Error rate above 5% on edge-proxy" in ops, and a
// warning); the test finds it through the catch-up API and says so if the
// demo's content ever changes.
const ackSeed = "4"

// desktop is one user's Warpdesk agent: its process, its token and, once
// seen, its tray item and its notification of the incident under test.
type desktop struct {
	user  string
	token string
	proc  *proc
	item  snItem
	note  notifytest.Call
}

// Issue 11's proof: two agents on one `warpdesk serve` as alice and bob,
// one session bus with a recording notification server and a tray host.
// Both notify the critical incident; the notification server invokes
// "acknowledge" on alice's notification as a desktop does when she clicks
// the button; the server records alice as the acknowledger, bob's agent
// closes its notification of the incident within ackWithin, neither tray
// shows an unacknowledged critical any more, and both dashboards, opened
// from the tray, say "Acknowledged by alice".
func TestEndToEndAcknowledgeAcrossDesktops(t *testing.T) {
	needDesktop(t)
	bus := dbustest.Start(t, dbustest.Session)
	notes := notifytest.Start(t, bus.Address, notifytest.Options{})
	watcher := startWatcher(t, bus.Address)
	bin := buildBinary(t)
	alice := &desktop{user: "alice", token: randomToken(t)}
	bob := &desktop{user: "bob", token: randomToken(t)}

	addr := freeAddr(t)
	server := startProc(t, "serve", bin, childEnv(t, bus.Address), "serve", "-addr", addr, "-v",
		"-users", "alice:"+alice.token+",bob:"+bob.token, "-seed", ackSeed, "-initial", "2",
		"-interval", "-1s", "-burst-every", "-1s", "-drop-every", "-1s")
	t.Cleanup(func() { server.stop(t) })
	waitTCP(t, addr)
	crit := openCritical(t, addr, bob.token)

	for _, d := range []*desktop{alice, bob} {
		d.proc = startProc(t, "app "+d.user, bin, append(childEnv(t, bus.Address), "WARPDESK_TOKEN="+d.token),
			"-server", "ws://"+addr+"/ws", "-rooms", strings.Join(demo.DefaultRooms, ","), "-hidden", "-v")
		defer d.proc.stop(t)
	}
	for _, d := range []*desktop{alice, bob} {
		d.item = watcher.itemOf(t, d.proc)
		d.note = notificationOf(t, watcher.conn, notes, d.proc, crit)
		waitTray(t, watcher, d.item, d.user+"'s tray live with the critical", func(v trayView) bool {
			return strings.HasPrefix(v.Tooltip, "Live") && strings.Contains(v.Tooltip, "1 critical")
		})
	}
	before, _ := watcher.read(bob.item)

	invoked := acknowledgeFromNotification(t, notes, alice.note, addr, bob.token, crit.UUID)
	closing := notes.WaitClosing(t, bob.note.ID)
	took := closing.At.Sub(invoked)
	t.Logf("bob's notification %d closed %v after the action on alice's", bob.note.ID, took.Round(time.Millisecond))
	if closing.Sender != bob.note.Sender || !closing.WasOpen {
		t.Errorf("closing %+v: want bob's agent (%s) closing its notification on screen", closing, bob.note.Sender)
	}
	if took > ackWithin {
		t.Errorf("bob's notification closed %v after the action on alice's, want within %v", took, ackWithin)
	}

	// What a user sees without the window: neither tray shows an
	// unacknowledged critical any more.
	checkTraysQuiet(t, watcher, before, alice, bob)
	if trayTextPending {
		t.Log("not checked (pending): a tray line saying \"acknowledged by alice\" (tray/view.go has none)")
	} else {
		for _, d := range []*desktop{bob, alice} {
			waitTray(t, watcher, d.item, d.user+"'s tray saying acknowledged by alice", func(v trayView) bool {
				return trayShows(v, "acknowledged by alice")
			})
		}
	}

	// Both dashboards say it: opened from the tray one at a time, read
	// off the screen.
	if missing := ocrMissing(); missing != "" {
		t.Skip("not checked: " + missing)
	}
	for _, d := range []*desktop{alice, bob} {
		pid := checkDashboardShows(t, watcher, d, "acknowledged by alice")
		endWindowProcess(t, d, pid)
	}
}

// trayTextPending is true while the tray has no line saying who
// acknowledged an incident (the issue asks it of the dashboard; the tray
// would be the place to see it without the window); false checks it.
const trayTextPending = true

// checkTraysQuiet checks that no tray of desktops shows an unacknowledged
// critical any more: each icon changed from before's (the critical icon)
// to one and the same, and "Acknowledge all critical" is disabled.
func checkTraysQuiet(t *testing.T, watcher *snWatcher, before trayView, desktops ...*desktop) {
	t.Helper()
	var sums []string
	for _, d := range desktops {
		v := waitTray(t, watcher, d.item, d.user+"'s tray without an unacknowledged critical", func(v trayView) bool {
			e, ok := v.find(tray.LabelAckCritical)
			return v.IconSum != before.IconSum && ok && !e.Enabled
		})
		sums = append(sums, v.IconSum)
	}
	for i := range sums[1:] {
		if sums[i+1] != sums[0] {
			t.Errorf("%s's tray icon differs from %s's after the acknowledgement", desktops[i+1].user, desktops[0].user)
		}
	}
}

// checkDashboardShows opens d's dashboard from its tray ("Open
// dashboard") and waits until its window, read by OCR (tesseract), shows
// text (any case, any spacing); it returns the window process's id. It
// needs the tools ocrMissing names.
func checkDashboardShows(t *testing.T, watcher *snWatcher, d *desktop, text string) int {
	t.Helper()
	opened := regexp.MustCompile(`"window opened"[^\n]* pid=(\d+)`)
	var m []string
	for deadline := time.Now().Add(60 * time.Second); ; {
		if m = opened.FindStringSubmatch(d.proc.output()); m != nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s's dashboard never opened from the tray", d.user)
		}
		if v, err := watcher.read(d.item); err == nil {
			if e, ok := v.find(tray.LabelOpen); ok {
				_ = watcher.click(d.item, "/StatusNotifierMenu", e.ID)
			}
		}
		time.Sleep(500 * time.Millisecond)
	}
	pid, _ := strconv.Atoi(m[1])
	want := strings.Join(strings.Fields(strings.ToLower(text)), " ")
	var seen string
	start := time.Now()
	for deadline := time.Now().Add(120 * time.Second); time.Now().Before(deadline); time.Sleep(time.Second) {
		if seen = strings.Join(strings.Fields(strings.ToLower(windowText(t, pid))), " "); strings.Contains(seen, want) {
			t.Logf("%s's dashboard shows %q (read off the screen %v after it opened)", d.user, text, time.Since(start).Round(time.Millisecond))
			return pid
		}
	}
	t.Errorf("%s's dashboard never showed %q; its window read: %q", d.user, text, seen)
	return pid
}

// endWindowProcess ends d's window process (pid) as closing the window does,
// so that the next dashboard is alone on the screen.
func endWindowProcess(t *testing.T, d *desktop, pid int) {
	t.Helper()
	if err := syscall.Kill(pid, syscall.SIGTERM); err != nil {
		t.Fatalf("%s's window process %d: %v", d.user, pid, err)
	}
	waitLog(t, d.proc, "window closed")
	for deadline := time.Now().Add(30 * time.Second); syscall.Kill(pid, 0) == nil; time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%s's window process %d still runs 30s after SIGTERM", d.user, pid)
		}
	}
}

// trayShows reports whether the tooltip or a menu line holds text (any case).
func trayShows(v trayView, text string) bool {
	text = strings.ToLower(text)
	if strings.Contains(strings.ToLower(v.Tooltip), text) {
		return true
	}
	for _, e := range v.Menu {
		if strings.Contains(strings.ToLower(e.Label), text) {
			return true
		}
	}
	return false
}

// openCritical returns the one critical incident the server has open, read
// from its catch-up API as user token.
func openCritical(t *testing.T, addr, token string) ops.Incident {
	t.Helper()
	var crit []ops.Incident
	for _, in := range serverIncidents(t, addr, token) {
		if in.Severity == ops.Critical {
			crit = append(crit, in)
		}
	}
	if len(crit) != 1 {
		t.Fatalf("serve -seed %s -initial 2 opened %d critical incidents, want 1 (has the demo's content changed? pick another seed)", ackSeed, len(crit))
	}
	t.Logf("the critical incident: %q in %s (%s)", crit[0].Title, crit[0].Room, crit[0].UUID)
	return crit[0]
}

// serverIncidents is GET /api/incidents on the demo server as user token.
func serverIncidents(t *testing.T, addr, token string) []ops.Incident {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, "http://"+addr+ops.IncidentsPath, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	c := &http.Client{Timeout: 10 * time.Second}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var snap ops.Snapshot
	if err := json.NewDecoder(resp.Body).Decode(&snap); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s, %v", ops.IncidentsPath, resp.Status, err)
	}
	return snap.Incidents
}

// acknowledgeFromNotification invokes "acknowledge" on note, as a
// notification server does when the user clicks the button, until the
// server has the incident acknowledged by alice, and returns when the last
// invocation was sent. An action on a notification id its agent has not
// read from Notify's reply yet is ignored, which a first invocation half a
// second after the call should never meet; a repeat is harmless and
// logged.
func acknowledgeFromNotification(t *testing.T, notes *notifytest.Server, note notifytest.Call, addr, token, uuid string) time.Time {
	t.Helper()
	if !note.HasAction(notify.ActionAcknowledge) {
		t.Fatalf("alice's notification %q offers no %q action: %q", note.Summary, notify.ActionAcknowledge, note.Actions)
	}
	time.Sleep(500 * time.Millisecond)
	var invoked time.Time
	deadline := time.Now().Add(30 * time.Second)
	for n := 0; ; n++ {
		invoked = time.Now()
		if err := notes.Invoke(note.ID, notify.ActionAcknowledge); err != nil {
			t.Fatal(err)
		}
		if n > 0 {
			t.Logf("acknowledge invoked again (%d): the server had not recorded it", n+1)
		}
		for until := time.Now().Add(3 * time.Second); time.Now().Before(until); time.Sleep(20 * time.Millisecond) {
			for _, in := range serverIncidents(t, addr, token) {
				if in.UUID != uuid || in.AcknowledgedBy == "" {
					continue
				}
				if in.AcknowledgedBy != "alice" {
					t.Fatalf("the server says %s acknowledged it, want alice", in.AcknowledgedBy)
				}
				return invoked
			}
		}
		if time.Now().After(deadline) {
			t.Fatal("Acknowledge on alice's notification never reached the server")
		}
	}
}

// notificationOf waits for the notification p's agent shows for in and
// returns it; the caller is known by its bus name's process.
func notificationOf(t *testing.T, conn *dbus.Conn, notes *notifytest.Server, p *proc, in ops.Incident) notifytest.Call {
	t.Helper()
	summary := in.Severity.Label() + ": " + in.Title
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		for _, c := range notes.Calls() {
			if c.Summary == summary && busPID(conn, c.Sender) == p.cmd.Process.Pid {
				return c
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("%s never notified %q; calls: %s", p.name, summary, summaries(notes.Calls()))
	return notifytest.Call{}
}
