// Command windowidle is the window process's dashboard alone, for
// BenchmarkAppIdle: app.RunWindow on a fixed, current State with three
// open incidents and no agent, so that what the dashboard itself costs
// while shown and untouched can be told apart from the agent's share and
// compared with a bare Fyne window.
package main

import (
	"flag"
	"fmt"
	"time"

	fyneapp "fyne.io/fyne/v2/app"

	"github.com/warpdesk/warpdesk/app"
	"github.com/warpdesk/warpdesk/ops"
	"github.com/warpdesk/warpdesk/store"
)

func main() {
	tick := flag.Duration("tick", 0, "app.WindowOptions.Tick (0: the default; negative: no ticker)")
	flag.Parse()
	now := time.Now()
	st := store.State{
		Server: "Demo server", Link: store.LinkLive, Since: now, Knowledge: store.Current, AsOf: now,
		CriticalsBreakPause: true, Version: 1,
	}
	for i, sev := range []ops.Severity{ops.Critical, ops.Warning, ops.Info} {
		st.Incidents = append(st.Incidents, store.Incident{Incident: ops.Incident{
			UUID: fmt.Sprintf("00000000-0000-4000-8000-%012d", i+1), Title: "Idle benchmark incident, " + string(sev),
			Severity: sev, Room: "ops", CreatedAt: now.Add(-time.Duration(i+1) * 7 * time.Minute).UnixMilli(),
		}})
	}
	cmds := store.New(store.Options{})
	defer cmds.Close()
	fa := fyneapp.NewWithID("io.warpdesk.bench.windowidle")
	app.RunWindow(fa, fixed{st}, cmds, app.WindowOptions{Tick: *tick})
}

// fixed is a store.Source whose State never changes: a quiet server.
type fixed struct{ st store.State }

func (f fixed) State() store.State                 { return f.st }
func (f fixed) Subscribe(func(store.State)) func() { return func() {} }
