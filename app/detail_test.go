package app

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/warpdesk/warpdesk/ipc"
	"github.com/warpdesk/warpdesk/ops"
	"github.com/warpdesk/warpdesk/store"
)

// browserApp is a test app that records the URLs it is asked to open.
type browserApp struct {
	fyne.App
	opened []string
}

func (a *browserApp) OpenURL(u *url.URL) error {
	a.opened = append(a.opened, u.String())
	return nil
}

// onProd is one server, "prod", live and current, listing ins.
func onProd(ins ...store.Incident) store.State {
	for i := range ins {
		ins[i].Server = "prod"
	}
	return store.State{Link: store.LinkLive, Knowledge: store.Current, Incidents: ins,
		Servers: []store.ServerState{{ID: "prod", Name: "Production", Link: store.LinkLive, Knowledge: store.Current}}}
}

// Acknowledge on a row asks the incident's server, and the row says where
// it stands: pending, the error with a retry, then who acknowledged it.
func TestRowAcknowledgement(t *testing.T) {
	f := newFixture(t, WindowOptions{})
	in := incident("c1", "db down", ops.Critical)
	f.src.publish(onProd(in))
	row := f.w.Board.rows.views[0]
	if row.AckLine.Visible() || !row.Ack.Visible() {
		t.Fatal("an unacknowledged critical: no Acknowledge, or an acknowledgement line")
	}
	test.Tap(row.Ack)

	in.Acked, in.AckPending = true, true
	f.src.publish(onProd(in))
	if row.AckLine.Text != "Acknowledging…" || row.Ack.Visible() {
		t.Fatalf("pending: %q, Acknowledge shown %v", row.AckLine.Text, row.Ack.Visible())
	}

	in.AckPending, in.AckErr = false, "offline: acknowledged here only, not sent"
	f.src.publish(onProd(in))
	if row.AckLine.Text != "Not acknowledged on the server: offline: acknowledged here only, not sent" ||
		!row.Ack.Visible() || row.Ack.Text != "Retry" {
		t.Fatalf("failed: %q, button %q shown %v", row.AckLine.Text, row.Ack.Text, row.Ack.Visible())
	}
	test.Tap(row.Ack)

	in.AckErr, in.AcknowledgedBy, in.AcknowledgedAt = "", "bob", f.now.Add(-2*time.Minute).UnixMilli()
	f.src.publish(onProd(in))
	if row.AckLine.Text != "Acknowledged by bob, 2 min ago" || row.Ack.Visible() || f.w.Board.AckAll.Visible() {
		t.Fatalf("done: %q, Acknowledge shown %v", row.AckLine.Text, row.Ack.Visible())
	}
	if got := strings.Join(f.cmd.calls, ","); got != "ack prod/c1,ack prod/c1" {
		t.Fatalf("commands %q", got)
	}
}

// Tapping a row shows the incident in full in the detail pane, whose
// buttons open and copy its link and acknowledge it.
func TestSelectedIncidentDetails(t *testing.T) {
	fa := &browserApp{App: test.NewTempApp(t)}
	f := newFixtureOn(t, fa, WindowOptions{})
	in := incident("c1", "db down", ops.Critical)
	in.Description, in.Service, in.Room = "primary unreachable from eu-west-1", "checkout-api", "ops"
	in.URL, in.CreatedAt = "https://ops.example/incidents/c1", at(17, 0, 3).UnixMilli()
	f.src.publish(onProd(in, incident("w1", "slow", ops.Warning)))
	b, d := f.w.Board, f.w.Board.detail
	if !d.Note.Visible() || d.body.Visible() {
		t.Fatal("details shown before anything is selected")
	}
	row := b.rows.views[0]
	pos := fyne.CurrentApp().Driver().AbsolutePositionForObject(row.Title).AddXY(4, 4)
	test.TapCanvas(f.w.Win.Canvas(), pos)
	if b.selected != (ipc.IncidentRef{Server: "prod", UUID: "c1"}) || !row.selected {
		t.Fatalf("tapping the row's title selected %+v", b.selected)
	}
	for what, got := range map[string][2]string{
		"title":       {d.Title.Text, "db down"},
		"description": {d.Description.Text, in.Description},
		"service":     {d.Service.Text, "checkout-api"},
		"room":        {d.Room.Text, "#ops"},
		"created":     {d.Created.Text, "Tue 1 Dec 17:00:03 (34 min ago)"},
		"ack":         {d.Ack.Text, "—"},
	} {
		if got[0] != got[1] {
			t.Errorf("%s: %q, want %q", what, got[0], got[1])
		}
	}
	if d.Server.Visible() {
		t.Error("one server, yet the pane names it")
	}
	test.Tap(d.Open)
	test.Tap(d.Copy)
	test.Tap(d.Acknowledge)
	if strings.Join(fa.opened, ",") != in.URL || fa.Clipboard().Content() != in.URL ||
		strings.Join(f.cmd.calls, ",") != "ack prod/c1" {
		t.Fatalf("opened %q, copied %q, commands %q", fa.opened, fa.Clipboard().Content(), f.cmd.calls)
	}

	in.URL = "javascript:alert(1)" // not a link to open
	f.src.publish(onProd(in))
	if !d.Open.Disabled() || !d.Copy.Disabled() {
		t.Fatal("an unsafe link can be opened or copied")
	}
	f.src.publish(onProd()) // resolved
	if !d.Note.Visible() || d.body.Visible() || !strings.Contains(d.Note.Text, "no longer open") {
		t.Fatalf("a resolved incident's pane: %q", d.Note.Text)
	}
}

// A notification's click (the agent's show incident) raises the window
// with that incident selected.
func TestNotificationClickSelectsTheIncident(t *testing.T) {
	f := newFixture(t, WindowOptions{})
	f.src.publish(onProd(incident("c1", "db down", ops.Critical), incident("c2", "disk full", ops.Critical)))
	incs, shows, exited := make(chan ipc.IncidentRef), make(chan struct{}), make(chan int, 1)
	opts := f.w.opts
	opts.Shows, opts.IncidentShows, opts.exit = shows, incs, func(code int) { exited <- code }
	go relayShows(f.w, opts)
	incs <- ipc.IncidentRef{Server: "prod", UUID: "c2"}
	close(shows) // the agent goes: the relay ends the process, after the request it took
	recvCode(t, exited)
	if f.w.Board.detail.Title.Text != "disk full" || !f.w.Board.rows.views[1].selected || !f.w.shown {
		t.Fatalf("after the click the pane shows %q", f.w.Board.detail.Title.Text)
	}
}
