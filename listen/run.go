package listen

import (
	"context"
	"io"
	"strings"
	"sync"

	"github.com/warpdesk/warpdesk/conn"
	"github.com/warpdesk/warpdesk/internal/termenv"
	"github.com/warpdesk/warpdesk/settings"
	"github.com/warpdesk/warpdesk/socket"
	"github.com/warpdesk/warpdesk/socket/osenv"
	"github.com/warpdesk/warpdesk/store"
)

// listener is one run of the command, once its input is checked.
type listener struct {
	cfg        config
	env        Env
	target     termenv.Target
	catchUpURL string
	token      settings.Secret
	stdout     io.Writer
	stderr     io.Writer
}

// run connects and prints until ctx ends or the token is rejected. It
// leaves no goroutine behind.
func (l *listener) run(ctx context.Context, fail func(int, string, ...any) int) int {
	server := settings.RedactURL(l.target.Server)
	out := &printer{w: l.stdout, json: l.cfg.json, loc: l.env.Location, min: l.cfg.min}
	tr := newTracker(out, l.stderr, l.env.Location, server)

	st := store.New(store.Options{})
	defer st.Close()
	offState := st.Subscribe(tr.state)
	defer offState()
	offEvents := st.SubscribeEvents(tr.event)
	defer offEvents()

	opts := conn.Options{
		Server: l.target.Server, CatchUpURL: l.catchUpURL, Rooms: l.cfg.rooms,
		Token:  func(context.Context) (string, error) { return l.token.Reveal(), nil },
		Socket: socket.Options{MaxReconnectDelay: l.cfg.maxDelay},
	}
	if l.cfg.verbose {
		opts.Logger = l.logger().With("component", "conn")
	}
	c, err := conn.New(st, opts)
	if err != nil {
		return fail(ExitFailed, "%s: %v", server, err)
	}
	defer c.Close()
	st.SetHooks(store.Hooks{Reconnect: func(string) { c.Reconnect() }})
	tr.say("listening to %s (%s)", server, roomsNote(l.cfg.rooms))

	watchCtx, stopWatch := context.WithCancel(ctx)
	var watching sync.WaitGroup
	watching.Go(func() {
		_ = osenv.Watch(watchCtx, c, osenv.Options{
			Logger:           l.logger().With("component", "osenv"),
			SystemBusAddress: l.env.SystemBusAddress,
		})
	})
	defer func() {
		stopWatch()
		watching.Wait() // before c.Close: Watch lifts its pauses on the Conn
	}()
	c.Start()

	select {
	case <-ctx.Done():
		tr.say("stopped")
		return ExitOK
	case reason := <-tr.rejected:
		return fail(ExitAuth, "%s: %s; check the token in Warpdesk's Settings or $WARPDESK_TOKEN",
			server, orUnknown(reason))
	}
}

// roomsNote says which rooms are joined, and what joining none means.
func roomsNote(rooms []string) string {
	if len(rooms) == 0 {
		return "no rooms: only incidents without a room arrive live; give -rooms a,b"
	}
	return "rooms: " + strings.Join(rooms, ", ")
}
