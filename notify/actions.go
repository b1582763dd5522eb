//go:build (linux || freebsd || netbsd || openbsd || illumos) && !nodbus

package notify

import (
	"context"
	"slices"

	fdo "github.com/esiqveland/notify"
)

// closedExpired is NotificationClosed's reason for a notification that
// timed out: servers with "persistence" keep it in a message list, where
// its actions still work, so its incident is not forgotten.
const closedExpired = 1

// maxWithdrawQueue bounds the notification ids waiting to be closed; past
// it the oldest are dropped (a storm of resolutions closes the newest
// notifications, the ones most likely still on screen).
const maxWithdrawQueue = 256

// actions is the actions array of the Notify call for n: key, label pairs.
func (d *DBus) actions(n Notification) []string {
	actions := []string{}
	if d.opts.OnClick != nil {
		a := fdo.NewDefaultAction(d.opts.ActionLabel)
		actions = append(actions, a.Key, a.Label)
	}
	if n.ID != "" && d.opts.OnAcknowledge != nil {
		actions = append(actions, ActionAcknowledge, d.opts.AcknowledgeLabel)
	}
	return actions
}

// invoked handles ActionInvoked(nid, key) for one of our notifications,
// on the signal goroutine. An id the deliverer does not remember (another
// app's notification, or one from before a reconnect) is ignored. A click
// on a notification just withdrawn (the user clicked as its incident
// settled) still opens the dashboard: a click never does nothing; its
// Acknowledge is moot and dropped.
func (d *DBus) invoked(nid uint32, key string) {
	d.ids.Lock()
	k, ok := d.clicks.get(nid)
	withdrawn := false
	if !ok {
		k, ok = d.closes.get(nid)
		withdrawn = ok
	}
	d.ids.Unlock()
	if !ok {
		return
	}
	switch {
	case key == ActionDefault && d.opts.OnClick != nil:
		d.opts.OnClick(k.server, k.id)
	case key == ActionAcknowledge && d.opts.OnAcknowledge != nil && k.id != "" && !withdrawn:
		d.opts.OnAcknowledge(k.server, k.id)
	}
}

// withdrawLocked queues the notifications shown for k to be closed,
// remembering their ids in closes for a click that races the close.
func (d *DBus) withdrawLocked(k noteKey) {
	ids := d.clicks.take(k)
	for _, id := range ids {
		d.closes.put(id, k)
	}
	d.queueLocked(ids)
}

// Withdraw closes (CloseNotification) the notifications shown for the
// incident id of server that are still on screen, and keeps a
// notification for it that is being delivered, or comes later, from being
// shown: the incident was acknowledged or resolved, so it needs nobody's
// attention any more (until Reopen says it is back). The same UUID on
// another server is another incident and stays. It never blocks: the D-Bus calls run on a goroutine of their
// own, which Close ends. An id it never showed is remembered all the same
// (a bounded number of recent ones); "" is ignored.
func (d *DBus) Withdraw(server, id string) {
	if id == "" {
		return
	}
	k := noteKey{server, id}
	d.ids.Lock()
	defer d.ids.Unlock()
	if d.wd.stopped {
		return
	}
	d.gone.add(k)
	d.withdrawLocked(k)
}

// Reopen undoes Withdraw for the incident id of server: it needs
// attention again (it left the list and came back unacknowledged: its
// room joined again, its server added again, or it was opened anew), so
// its notifications from now on are shown; without it a re-alert of it
// would never appear. An incident not withdrawn is left alone. It never
// blocks.
func (d *DBus) Reopen(server, id string) {
	d.ids.Lock()
	defer d.ids.Unlock()
	d.gone.remove(noteKey{server, id})
}

// noteKey is what a notification is about: an incident of a server (id
// "" for one about no incident).
type noteKey struct{ server, id string }

// withdrawals are the notification ids waiting for CloseNotification and
// the goroutine that sends it. Guarded by DBus.ids.
type withdrawals struct {
	queue   []uint32
	started bool
	stopped bool
	kick    chan struct{} // cap 1
	quit    chan struct{}
	done    chan struct{}
}

func newWithdrawals() withdrawals {
	return withdrawals{kick: make(chan struct{}, 1), quit: make(chan struct{}), done: make(chan struct{})}
}

// queueLocked adds nids to the queue and wakes the goroutine, starting it
// the first time. Called with d.ids held.
func (d *DBus) queueLocked(nids []uint32) {
	if len(nids) == 0 || d.wd.stopped {
		return
	}
	d.wd.queue = append(d.wd.queue, nids...)
	if over := len(d.wd.queue) - maxWithdrawQueue; over > 0 {
		d.wd.queue = slices.Delete(d.wd.queue, 0, over)
	}
	if !d.wd.started {
		d.wd.started = true
		go d.closeLoop()
	}
	select {
	case d.wd.kick <- struct{}{}:
	default:
	}
}

// closeLoop sends CloseNotification for what is queued, each call bounded
// by the call timeout, until stopWithdrawals. The ids belong to the
// connection they were shown on; a reconnect empties the queue.
func (d *DBus) closeLoop() {
	defer close(d.wd.done)
	for {
		select {
		case <-d.wd.kick:
		case <-d.wd.quit:
			return
		}
		d.ids.Lock()
		q := d.wd.queue
		d.wd.queue = nil
		d.ids.Unlock()
		conn := d.live.Load()
		if conn == nil {
			continue
		}
		obj := conn.Object(fdoName, fdoPath)
		for _, nid := range q {
			ctx, cancel := context.WithTimeout(context.Background(), d.opts.Timeout)
			err := obj.CallWithContext(ctx, fdoInterface+".CloseNotification", 0, nid).Err
			cancel()
			if err != nil {
				// Already gone, or the server is away: nothing more to do.
				d.opts.Logger.Debug("notify: CloseNotification", "id", nid, "err", err)
			}
		}
	}
}

// stopWithdrawals ends the goroutine, if it started, and waits for it.
// Called after the connection is closed, so a call in flight fails fast.
func (d *DBus) stopWithdrawals() {
	d.ids.Lock()
	wasStopped, started := d.wd.stopped, d.wd.started
	d.wd.stopped = true
	d.wd.queue = nil
	d.ids.Unlock()
	if wasStopped || !started {
		return
	}
	close(d.wd.quit)
	<-d.wd.done
}

// idRing maps recent notification ids to what they are about
// (Notification.Server and ID) in fixed memory.
type idRing struct {
	keys [128]uint32
	vals [128]noteKey
	next int
}

func (r *idRing) put(k uint32, v noteKey) {
	r.keys[r.next], r.vals[r.next] = k, v
	r.next = (r.next + 1) % len(r.keys)
}

func (r *idRing) get(k uint32) (noteKey, bool) {
	for i := range r.keys {
		// Newest first: a replaced notification keeps its id.
		j := (r.next - 1 - i + 2*len(r.keys)) % len(r.keys)
		if r.keys[j] == k && k != 0 {
			return r.vals[j], true
		}
	}
	return noteKey{}, false
}

// forget drops notification id k.
func (r *idRing) forget(k uint32) {
	for i := range r.keys {
		if r.keys[i] == k {
			r.keys[i], r.vals[i] = 0, noteKey{}
		}
	}
}

// take drops every notification shown for the incident v and returns
// their ids.
func (r *idRing) take(v noteKey) []uint32 {
	var ids []uint32
	for i := range r.keys {
		if r.keys[i] != 0 && r.vals[i] == v && v.id != "" {
			if !slices.Contains(ids, r.keys[i]) {
				ids = append(ids, r.keys[i])
			}
			r.keys[i], r.vals[i] = 0, noteKey{}
		}
	}
	return ids
}

// goneRing remembers the most recent withdrawn incidents in fixed memory.
type goneRing struct {
	ids  [256]noteKey
	next int
}

func (g *goneRing) add(k noteKey) {
	if g.has(k) {
		return
	}
	g.ids[g.next] = k
	g.next = (g.next + 1) % len(g.ids)
}

// remove forgets k.
func (g *goneRing) remove(k noteKey) {
	for i := range g.ids {
		if g.ids[i] == k {
			g.ids[i] = noteKey{}
		}
	}
}

func (g *goneRing) has(k noteKey) bool {
	return k.id != "" && slices.Contains(g.ids[:], k)
}
