//go:build (linux || freebsd || netbsd || openbsd || illumos) && !nodbus

package notify

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/draw"
	"image/png"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	fdo "github.com/esiqveland/notify"
	"github.com/godbus/dbus/v5"
)

const (
	fdoName      = "org.freedesktop.Notifications"
	fdoPath      = dbus.ObjectPath("/org/freedesktop/Notifications")
	fdoInterface = "org.freedesktop.Notifications"
)

// DBus delivers straight to the freedesktop notification server
// (org.freedesktop.Notifications) on the session bus. It exists because
// beeep, which Warpdesk uses elsewhere, cannot pass what the spec supports
// and users notice: the low urgency of info incidents (beeep sends normal
// or critical only), the app name per call, the app icon name, a "default"
// action that makes a click open the dashboard, an "Acknowledge" action,
// replacing a previous summary instead of stacking, closing an incident's
// notification once it is acknowledged or resolved (Withdraw), and a bound
// on how long a call may take.
//
// It builds the notification with the types of github.com/esiqveland/notify
// (beeep's own D-Bus layer: hints, urgency, image data, actions) and makes
// the Notify call itself with a context, because that package's
// SendNotification has no timeout and a hung server would stall delivery
// for good. It listens for ActionInvoked itself, matched on the server's
// name, and checks the signal's types, rather than using that package's
// Notifier, whose handler trusts any signal's body.
//
// A DBus connects lazily, on the first Deliver, with a private connection
// (never the process-wide one beeep and Fyne share), and reconnects after
// the bus goes away. Safe for concurrent use.
type DBus struct {
	opts SystemOptions

	// mu serialises Deliver and Close and guards the connection.
	mu      sync.Mutex
	conn    *dbus.Conn
	sigDone chan struct{} // closed when conn's signal loop ends
	iconSrc []byte
	iconHnt *dbus.Variant
	closed  bool
	live    atomic.Pointer[dbus.Conn] // conn, for the withdrawal goroutine

	// ids guards what the signal goroutine reads and writes too; it is
	// never held across a D-Bus call or a callback.
	ids    sync.Mutex
	clicks idRing            // notification id → Notification.ID, recent ones
	closes idRing            // ids withdrawn recently: a click racing the close still opens
	tags   map[string]uint32 // Tag → id of the notification on screen
	gone   goneRing          // incidents withdrawn recently
	wd     withdrawals
}

// NewDBus returns a D-Bus deliverer; it does not connect yet.
func NewDBus(opts SystemOptions) *DBus {
	opts.defaults()
	return &DBus{opts: opts, tags: map[string]uint32{}, wd: newWithdrawals()}
}

// Deliver sends n to the notification server: app_name, app_icon, summary,
// the body (markup-escaped when the server advertises "body-markup"), the
// urgency hint, image data from n.Icon, the "sound-name" hint for n.Sound,
// a "default" action when OnClick is set, an "acknowledge" action for an incident (n.ID set) when
// OnAcknowledge is, and replaces_id for n.Tag. A notification for an
// incident withdrawn meanwhile is not shown. An error wraps ErrNoBus when
// the bus could not be reached.
func (d *DBus) Deliver(n Notification) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed {
		return errors.New("notify: D-Bus deliverer closed")
	}
	conn, err := d.connect()
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), d.opts.Timeout)
	defer cancel()

	obj := conn.Object(fdoName, fdoPath)
	var caps []string
	if err := obj.CallWithContext(ctx, fdoInterface+".GetCapabilities", 0).Store(&caps); err != nil {
		caps = []string{"body-markup"} // unknown server: escaping is the safe guess
	}
	body := n.Body
	if slices.Contains(caps, "body-markup") {
		body = EscapeMarkup(body)
	}

	k := noteKey{n.Server, n.ID}
	d.ids.Lock()
	replaces, gone := d.tags[n.Tag], d.gone.has(k)
	d.ids.Unlock()
	if gone {
		return nil // acknowledged or resolved before it could be shown
	}
	note := fdo.Notification{
		AppName:       d.opts.AppName,
		ReplacesID:    replaces,
		AppIcon:       appIcon(d.opts.AppIcon),
		Summary:       n.Summary,
		Body:          body,
		ExpireTimeout: fdo.ExpireTimeoutSetByNotificationServer,
	}
	note.SetUrgency(fdo.Urgency(n.Urgency))
	if h := d.iconHint(n.Icon); h != nil {
		note.Hints["image-data"] = *h
	}
	if d.opts.DesktopEntry != "" {
		note.Hints["desktop-entry"] = dbus.MakeVariant(d.opts.DesktopEntry)
	}
	if n.Sound != "" {
		note.Hints["sound-name"] = dbus.MakeVariant(n.Sound)
	}
	actions := d.actions(n)

	var id uint32
	err = obj.CallWithContext(ctx, fdoInterface+".Notify", 0,
		note.AppName, note.ReplacesID, note.AppIcon, note.Summary, note.Body,
		actions, note.Hints, int32(note.ExpireTimeout.Milliseconds())).Store(&id)
	if err != nil {
		if !conn.Connected() {
			d.disconnect()
		}
		return fmt.Errorf("notify: D-Bus Notify: %w", err)
	}
	d.ids.Lock()
	d.clicks.put(id, k)
	if n.Tag != "" {
		d.tags[n.Tag] = id
	}
	if d.gone.has(k) { // withdrawn while Notify ran
		d.withdrawLocked(k)
	}
	d.ids.Unlock()
	return nil
}

// Close ends the connection, the signal goroutine and the withdrawal
// goroutine. Safe to call twice.
func (d *DBus) Close() error {
	d.mu.Lock()
	d.closed = true
	d.disconnect()
	d.mu.Unlock()
	d.stopWithdrawals()
	return nil
}

// connect returns the live connection, dialling a new one if needed. Called
// with d.mu held.
func (d *DBus) connect() (*dbus.Conn, error) {
	if d.conn != nil && d.conn.Connected() {
		return d.conn, nil
	}
	d.disconnect()
	addr := d.opts.BusAddress
	if addr == "" {
		addr = sessionBusAddress()
	}
	if addr == "" {
		return nil, fmt.Errorf("%w: DBUS_SESSION_BUS_ADDRESS is not set", ErrNoBus)
	}
	conn, err := dial(addr, d.opts.Timeout)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrNoBus, err)
	}
	// A fresh connection: ids and replacements from the last one are stale
	// if the server changed too.
	d.ids.Lock()
	d.tags = map[string]uint32{}
	d.clicks, d.closes = idRing{}, idRing{}
	d.wd.queue = nil
	d.ids.Unlock()
	d.conn = conn
	d.live.Store(conn)
	d.sigDone = make(chan struct{})
	ctx, cancel := context.WithTimeout(context.Background(), d.opts.Timeout)
	defer cancel()
	if err := d.listen(ctx, conn, d.sigDone); err != nil {
		d.opts.Logger.Warn("notify: no click actions", "err", err)
		close(d.sigDone)
	}
	return conn, nil
}

// dial connects and authenticates to the bus at addr within timeout. It is
// dbus.Connect with a bound: godbus's authentication has none, and
// dbus.WithContext would close the connection when the context ends, so the
// timeout closes the connection only if the handshake is still running.
func dial(addr string, timeout time.Duration) (*dbus.Conn, error) {
	conn, err := dbus.Dial(addr)
	if err != nil {
		return nil, err
	}
	done := make(chan error, 1)
	go func() {
		err := conn.Auth(nil)
		if err == nil {
			err = conn.Hello()
		}
		done <- err
	}()
	t := time.NewTimer(timeout)
	defer t.Stop()
	select {
	case err = <-done:
	case <-t.C:
		_ = conn.Close()
		<-done
		err = fmt.Errorf("no answer from the bus within %v", timeout)
	}
	if err != nil {
		_ = conn.Close()
		return nil, err
	}
	return conn, nil
}

// listen subscribes to the notification server's signals and starts the
// goroutine that turns ActionInvoked into OnClick and OnAcknowledge calls
// and, on NotificationClosed, forgets the replaces_id of a tagged
// notification (it is gone; the next one with that tag is new) and the
// incident of a dismissed or closed one.
func (d *DBus) listen(ctx context.Context, conn *dbus.Conn, done chan struct{}) error {
	err := conn.AddMatchSignalContext(ctx,
		dbus.WithMatchSender(fdoName), // the daemon resolves it to the name's owner
		dbus.WithMatchObjectPath(fdoPath),
		dbus.WithMatchInterface(fdoInterface),
	)
	if err != nil {
		return err
	}
	ch := make(chan *dbus.Signal, 16)
	conn.Signal(ch)
	go func() {
		defer close(done)
		for sig := range ch { // closed when conn closes
			d.handleSignal(sig)
		}
	}()
	return nil
}

func (d *DBus) handleSignal(sig *dbus.Signal) {
	if sig.Path != fdoPath || len(sig.Body) != 2 {
		return
	}
	nid, ok := sig.Body[0].(uint32)
	if !ok {
		return
	}
	switch sig.Name {
	case fdoInterface + ".ActionInvoked":
		key, _ := sig.Body[1].(string)
		d.invoked(nid, key)
	case fdoInterface + ".NotificationClosed":
		reason, _ := sig.Body[1].(uint32)
		d.ids.Lock()
		for tag, tid := range d.tags {
			if tid == nid {
				delete(d.tags, tag)
			}
		}
		if reason != closedExpired { // an expired one may live on in a message list
			d.clicks.forget(nid)
		}
		d.ids.Unlock()
	}
}

// disconnect closes the connection, if any, and waits for its signal
// goroutine, which ends once godbus closes its channel. Called with d.mu
// held; the goroutine never takes d.mu.
func (d *DBus) disconnect() {
	if d.conn == nil {
		return
	}
	d.live.Store(nil)
	_ = d.conn.Close()
	<-d.sigDone
	d.conn, d.sigDone = nil, nil
}

// iconHint converts PNG bytes to the "image-data" hint, caching the last
// conversion (the Notifier sends the same slice every time). nil when there
// is no icon or it does not decode.
func (d *DBus) iconHint(p []byte) *dbus.Variant {
	if len(p) == 0 {
		return nil
	}
	if sameBytes(p, d.iconSrc) {
		return d.iconHnt
	}
	d.iconSrc, d.iconHnt = p, nil
	img, err := png.Decode(bytes.NewReader(p))
	if err != nil {
		d.opts.Logger.Warn("notify: icon is not a PNG", "err", err)
		return nil
	}
	rgba := image.NewRGBA(image.Rect(0, 0, img.Bounds().Dx(), img.Bounds().Dy()))
	draw.Draw(rgba, rgba.Bounds(), img, img.Bounds().Min, draw.Src)
	h := fdo.HintImageDataRGBA(rgba)
	d.iconHnt = &h.Variant
	return d.iconHnt
}

// appIcon makes a relative path absolute (servers resolve app_icon as an
// icon name or an absolute path / file:// URI), and leaves names alone.
func appIcon(s string) string {
	if s == "" || filepath.IsAbs(s) {
		return s
	}
	if _, err := os.Stat(s); err == nil {
		if abs, err := filepath.Abs(s); err == nil {
			return abs
		}
	}
	return s
}

// sessionBusAddress finds the session bus the way godbus does, minus
// autolaunching: DBUS_SESSION_BUS_ADDRESS, then $XDG_RUNTIME_DIR/bus.
func sessionBusAddress() string {
	if a := os.Getenv("DBUS_SESSION_BUS_ADDRESS"); a != "" && a != "autolaunch:" {
		return a
	}
	if dir := os.Getenv("XDG_RUNTIME_DIR"); dir != "" {
		p := filepath.Join(dir, "bus")
		if _, err := os.Stat(p); err == nil {
			return "unix:path=" + dbus.EscapeBusAddressValue(p)
		}
	}
	return ""
}
