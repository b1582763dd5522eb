package app

import (
	"fmt"
	"strings"
	"testing"

	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"

	"github.com/warpdesk/warpdesk/ipc"
	"github.com/warpdesk/warpdesk/ops"
	"github.com/warpdesk/warpdesk/store"
)

// twoServers is Production live and Staging reconnecting, its list as of
// 17:29, each with one incident.
func twoServers() store.State {
	c1, w1 := incident("c1", "db down", ops.Critical), incident("w1", "slow", ops.Warning)
	c1.Server, c1.Room, w1.Server = "prod", "ops", "stg"
	return store.State{Link: store.LinkReconnecting, Knowledge: store.Stale, AsOf: at(17, 29, 3),
		Incidents: []store.Incident{c1, w1},
		Servers: []store.ServerState{
			{ID: "prod", Name: "Production", Link: store.LinkLive, Knowledge: store.Current, Open: 1, Critical: 1},
			{ID: "stg", Name: "Staging", Link: store.LinkReconnecting, Knowledge: store.Stale, AsOf: at(17, 29, 3),
				Reason: "connection refused", Since: at(17, 29, 3), Open: 1},
		}}
}

// With several servers each row names its server, the status area has a
// line per server with its counts (as the tray's per-server lines) and
// its own Reconnect now, and only the not-live server's rows are dimmed
// and marked.
func TestSeveralServers(t *testing.T) {
	f := newFixture(t, WindowOptions{})
	b := f.w.Board
	f.src.publish(twoServers())
	prod, stg := b.rows.views[0], b.rows.views[1]
	if prod.Meta.Text != "Production · #ops · 35 min ago" || stg.Meta.Text != "Staging · 35 min ago · as of 17:29" {
		t.Fatalf("rows: %q, %q", prod.Meta.Text, stg.Meta.Text)
	}
	if alpha(prod.veil) != 0 || alpha(stg.veil) == 0 || alpha(b.Veil) != 0 {
		t.Fatalf("dimmed: live row %d, stale row %d, whole list %d", alpha(prod.veil), alpha(stg.veil), alpha(b.Veil))
	}
	if b.Link.Text != "1 of 2 live" || len(b.servers.box.Objects) != 2 || len(b.banners.box.Objects) != 0 {
		t.Fatalf("status %q with %d server lines and %d banners", b.Link.Text, len(b.servers.box.Objects), len(b.banners.box.Objects))
	}
	p, s := b.servers.views[0], b.servers.views[1]
	if p.Name.Text != "Production" || p.State.Text != "Live · 1 active, 1 critical" || p.Reconnect.Visible() {
		t.Fatalf("production's line: %q %q, Reconnect shown %v", p.Name.Text, p.State.Text, p.Reconnect.Visible())
	}
	if s.State.Text != "Reconnecting… · as of 17:29 · 1 active" || s.Detail.Text != "connection refused · since 17:29" || !s.Reconnect.Visible() {
		t.Fatalf("staging's line: %q / %q", s.State.Text, s.Detail.Text)
	}
	b.Select(stg.ref)
	if got := b.detail.Server.Text; got != "Staging · as of 17:29" {
		t.Fatalf("the detail pane's server: %q", got)
	}
	test.Tap(s.Reconnect)
	if strings.Join(f.cmd.calls, ",") != "reconnect stg" {
		t.Fatalf("Staging's Reconnect now sent %v", f.cmd.calls)
	}
}

// alpha is how opaque a veil is: 0 when it dims nothing.
func alpha(r *canvas.Rectangle) uint32 {
	_, _, _, a := r.FillColor.RGBA()
	return a
}

// The filter lists All and each server and shows only the chosen one's
// incidents; a server that goes away shows all again.
func TestServerFilter(t *testing.T) {
	f := newFixture(t, WindowOptions{})
	b := f.w.Board
	f.src.publish(twoServers())
	sel := b.filter.Select
	if !sel.Visible() || strings.Join(sel.Options, ",") != "All servers,Production,Staging" || sel.Selected != "All servers" {
		t.Fatalf("filter %v shown %v, selected %q", sel.Options, sel.Visible(), sel.Selected)
	}
	sel.SetSelected("Staging")
	if b.rows.shown != 1 || b.rows.views[0].ref.UUID != "w1" || b.Header.Text != "Active incidents (1) as of 17:29" {
		t.Fatalf("Staging only: %d rows, first %s, %q", b.rows.shown, b.rows.views[0].ref.UUID, b.Header.Text)
	}
	st := twoServers()
	st.Servers, st.Incidents = st.Servers[:1], st.Incidents[:1]
	st.Link, st.Knowledge = store.LinkLive, store.Current
	f.src.publish(st) // Staging removed: one server, as ever
	if sel.Visible() || b.rows.shown != 1 || b.rows.views[0].ref.UUID != "c1" {
		t.Fatalf("after Staging went: filter shown %v, %d rows", sel.Visible(), b.rows.shown)
	}
}

// With one server the dashboard looks as it did: no server names, no
// filter, no server lines, the whole list veiled while stale.
func TestOneServerLooksAsBefore(t *testing.T) {
	f := newFixture(t, WindowOptions{})
	b := f.w.Board
	st := twoServers()
	st.Servers, st.Incidents = st.Servers[1:], st.Incidents[1:]
	f.src.publish(st)
	if b.filter.Select.Visible() || len(b.servers.box.Objects) != 0 || b.rows.views[0].Meta.Text != "35 min ago" ||
		alpha(b.Veil) == 0 || alpha(b.rows.views[0].veil) != 0 || b.Link.Text != "Reconnecting…" {
		t.Fatalf("one server: meta %q, link %q", b.rows.views[0].Meta.Text, b.Link.Text)
	}
}

// Never an all clear while one server's incidents are unknown, even when
// the other's list is empty and current.
func TestSeveralServersNeverAllClearWhenOneIsUnknown(t *testing.T) {
	f := newFixture(t, WindowOptions{})
	st := twoServers()
	st.Incidents = nil
	st.Servers[1].Knowledge, st.Servers[1].AsOf = store.Unknown, at(0, 0, 0).AddDate(-1, 0, 0)
	f.src.publish(st)
	if f.w.Board.EmptyTitle.Text != "Incidents unknown" {
		t.Fatalf("empty list with Staging unknown: %q", f.w.Board.EmptyTitle.Text)
	}
	if s := f.w.Board.servers.views[1].State.Text; s != "Reconnecting… · incidents unknown" {
		t.Fatalf("staging's line %q", s)
	}
	st.Servers[0].Open, st.Servers[0].Critical = 0, 0
	f.src.publish(st)
	if s := f.w.Board.servers.views[0].State.Text; s != "Live · no active incidents" {
		t.Fatalf("production's line %q", s)
	}
}

// Filtered to one server, "Acknowledge all critical" acknowledges that
// server's critical incidents, the ones listed, and not those of servers
// the user has filtered out of sight: one command naming the server,
// however many there are (one command each could be lost past the
// window's queue).
func TestAckAllFollowsTheFilter(t *testing.T) {
	f := newFixture(t, WindowOptions{})
	b := f.w.Board
	st := twoServers()
	for i := range 200 {
		c := incident(fmt.Sprintf("c%d", i+2), "queue stuck", ops.Critical)
		c.Server = "stg"
		st.Incidents = append(st.Incidents, c)
	}
	f.src.publish(st)
	b.filter.Select.SetSelected("Staging")
	if !b.AckAll.Visible() {
		t.Fatal("Staging has an unacknowledged critical: no Acknowledge all critical")
	}
	test.Tap(b.AckAll)
	if got := strings.Join(f.cmd.calls, ","); got != "ackAllCritical stg" {
		t.Fatalf("filtered to Staging, Acknowledge all critical sent %q, want only Staging's critical", got)
	}
	f.cmd.calls = nil
	b.filter.Select.SetSelected(allServers)
	test.Tap(b.AckAll)
	if got := strings.Join(f.cmd.calls, ","); got != "ackAllCritical" {
		t.Fatalf("all servers: sent %q", got)
	}
}

// Filtered to one server, the empty state and the "as of" marking are that
// server's: a current server says "No active incidents" although another
// is unknown, a stale one says "as of" its own time, and an unknown one is
// never an all clear.
func TestFilterUsesTheServersOwnKnowledge(t *testing.T) {
	f := newFixture(t, WindowOptions{})
	b := f.w.Board
	st := twoServers()
	st.Servers[1].Knowledge, st.Servers[1].AsOf = store.Unknown, at(0, 0, 0).AddDate(-1, 0, 0)
	st.Servers[0].Open, st.Servers[0].Critical = 0, 0
	st.Incidents = nil
	f.src.publish(st)
	b.filter.Select.SetSelected("Production")
	if b.EmptyTitle.Text != "No active incidents" {
		t.Fatalf("filtered to Production, current and empty: %q", b.EmptyTitle.Text)
	}
	b.filter.Select.SetSelected("Staging")
	if b.EmptyTitle.Text != "Incidents unknown" {
		t.Fatalf("filtered to Staging, unknown: %q (never an all clear)", b.EmptyTitle.Text)
	}
	st = twoServers()
	st.Servers[0].Knowledge, st.Servers[0].AsOf = store.Stale, at(17, 20, 0)
	st.Servers[1].Knowledge = store.Unknown
	f.src.publish(st)
	b.filter.Select.SetSelected("Production")
	if b.Header.Text != "Active incidents (1) as of 17:20" {
		t.Fatalf("filtered to stale Production: header %q", b.Header.Text)
	}
	f.src.publish(twoServers())
	if b.Header.Text != "Active incidents (1)" {
		t.Fatalf("filtered to current Production: header %q", b.Header.Text)
	}
	b.filter.Select.SetSelected(allServers)
	st = twoServers()
	st.Incidents = nil
	st.Servers[1].Knowledge = store.Unknown
	f.src.publish(st)
	if b.EmptyTitle.Text != "Incidents unknown" {
		t.Fatalf("all servers, one unknown: %q", b.EmptyTitle.Text)
	}
}

// busyCommands is a store.Commands whose acknowledgements are refused,
// as ipc.Remote's are while the agent is not taking commands.
type busyCommands struct {
	commandLog
	err error
}

func (c *busyCommands) TryAcknowledge(_, _ string) error         { return c.err }
func (c *busyCommands) TryAcknowledgeAllCritical(_ string) error { return c.err }

// An acknowledgement that will not be sent is said under the buttons,
// never lost silently; the next one sent clears it.
func TestRefusedAcknowledgementIsShown(t *testing.T) {
	cmd := &busyCommands{err: ipc.ErrBusy}
	b := NewBoard(test.NewTempApp(t), cmd, nil)
	st := twoServers()
	st.Version = 1
	b.Set(st, at(17, 35, 0))
	test.Tap(b.AckAll)
	if !b.AckErr.Visible() || !strings.Contains(b.AckErr.Text, ipc.ErrBusy.Error()) {
		t.Fatalf("refused: error shown %v, %q", b.AckErr.Visible(), b.AckErr.Text)
	}
	cmd.err = nil
	test.Tap(b.rows.views[0].Ack)
	if b.AckErr.Visible() {
		t.Fatalf("sent: the old error still shown: %q", b.AckErr.Text)
	}
	cmd.err = fmt.Errorf("ipc: %w", ipc.ErrBusy)
	test.Tap(b.rows.views[0].Ack)
	if !b.AckErr.Visible() {
		t.Fatal("a row's refused Acknowledge is not shown")
	}
}
