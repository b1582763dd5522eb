package bench

import (
	"flag"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/warpdesk/warpdesk/assets"
	"github.com/warpdesk/warpdesk/internal/dbustest"
	"github.com/warpdesk/warpdesk/notify"
	"github.com/warpdesk/warpdesk/notify/notifytest"
	"github.com/warpdesk/warpdesk/ops"
	"github.com/warpdesk/warpdesk/socket"
	"github.com/warpdesk/warpdesk/socket/sockettest"
)

var notifyInterval = flag.Duration("notify.interval", 20*time.Millisecond, "time between two emits in BenchmarkNotifyLatency (longer after a slower delivery)")

// probeTitle is the title of timed incident i; the notification's summary
// is "Critical: " + it, which is how a Notify call is matched to its emit.
const probeTitle = "Latency probe "

// notifyPass is one path BenchmarkNotifyLatency times.
type notifyPass struct {
	name string
	// notify: the incident goes on to a Notifier and the time taken is
	// that of the Notify call on the fake server; otherwise the time the
	// socket.On handler ran.
	notify bool
	icon   []byte // Options.Icon of the Notifier
}

// BenchmarkNotifyLatency emits incident.created (ops.Incident, severity
// critical) from a sockettest server, one every -notify.interval (20 ms),
// b.N of them per path (run it with -benchtime=200x), and reports p50, p99
// and max of the time from just before the emit to
//
//   - socket: a plain socket.On(ops.IncidentCreated) handler (the baseline);
//   - notify: the Notify call received by a notifytest server on a private
//     dbus-daemon, through the app's path: socket.On →
//     notify.Notifier (Burst so large and Window so short that nothing is
//     coalesced) → notify.System over D-Bus, with the app's name and click
//     action, without an icon;
//   - icon: the same with the icon main.go sends (assets.NotifyIcon, 64×64, sent as
//     the image-data hint), as main.go wires it;
//
// and dbus-pXX = notify-pXX − socket-pXX, what the notification part adds.
// One warm-up incident per path (dial, first decode, the icon's
// conversion) is not counted. Every path gets a new client, notifier and
// D-Bus connection; server, bus and fake notification server are shared.
// It asserts no speed, only that every emit led to exactly one Notify call.
func BenchmarkNotifyLatency(b *testing.B) {
	leaks := goleak.IgnoreCurrent()
	b.Cleanup(func() { goleak.VerifyNone(b, leaks) }) // runs last
	n := b.N
	srv := sockettest.Start(b, sockettest.Options{})
	bus := dbustest.Start(b, dbustest.Session)
	fake := notifytest.Start(b, bus.Address, notifytest.Options{})

	passes := []notifyPass{
		{name: "socket"},
		{name: "notify", notify: true},
		{name: "icon", notify: true, icon: assets.NotifyIcon.Content()},
	}
	res := map[string][]int64{}
	for i, p := range passes {
		res[p.name] = runNotifyPass(b, srv, bus.Address, fake, p, n, i)
	}
	for _, q := range []struct {
		name string
		q    float64
	}{{"p50", 0.50}, {"p99", 0.99}, {"max", 1}} {
		s, nt := quantile(res["socket"], q.q), quantile(res["notify"], q.q)
		b.ReportMetric(float64(s)/1e3, "socket-"+q.name+"-µs")
		b.ReportMetric(float64(nt)/1e3, "notify-"+q.name+"-µs")
		b.ReportMetric(float64(quantile(res["icon"], q.q))/1e3, "icon-"+q.name+"-µs")
		if q.name != "max" {
			b.ReportMetric(float64(nt-s)/1e3, "dbus-"+q.name+"-µs")
		}
	}
	b.ReportMetric(0, "ns/op")
	if testing.Verbose() {
		fmt.Printf("notify latency: %d incidents per path, one per %v\n", n, *notifyInterval)
	}
}

// runNotifyPass connects a new client for p, emits a warm-up incident and
// then n timed ones, and returns the n latencies (ns), sorted.
func runNotifyPass(b *testing.B, srv *sockettest.Server, busAddr string, fake *notifytest.Server, p notifyPass, n, passNo int) []int64 {
	b.Helper()
	// done gets the time each incident was finished with: the handler ran
	// (socket), Deliver returned after the Notify call was answered (notify).
	done := make(chan time.Time, n+1)

	c, err := socket.New(srv.URL(), socket.Options{})
	if err != nil {
		b.Fatal(err)
	}
	var notifier *notify.Notifier
	var system *notify.System
	if p.notify {
		system = notify.NewSystem(notify.SystemOptions{
			AppName:    "Warpdesk",
			OnClick:    func(string, string) {},
			BusAddress: busAddr,
		})
		signal := notifytest.DelivererFunc(func(note notify.Notification) error {
			err := system.Deliver(note)
			done <- time.Now()
			return err
		})
		notifier = notify.New(signal, notify.Options{
			AppName: "Warpdesk",
			Icon:    p.icon,
			Burst:   1 << 20,
			Window:  time.Millisecond,
		})
		socket.On(c, ops.IncidentCreated, func(in ops.Incident, _ socket.Envelope) { notifier.Incident("", in) })
	} else {
		socket.On(c, ops.IncidentCreated, func(ops.Incident, socket.Envelope) { done <- time.Now() })
	}
	c.Connect()
	// The server counts the connection once it has registered it, which may
	// be after the client saw the upgrade: wait for that, or the first emit
	// could go to nobody.
	waitFor(b, 5*time.Second, func() bool { return srv.Conns() == 1 }, "the connection")
	defer func() {
		c.Disconnect()
		if notifier != nil {
			_ = notifier.Close()
			_ = system.Close()
		}
		waitFor(b, 5*time.Second, func() bool { return srv.Conns() == 0 }, "the disconnection")
	}()

	emit := func(seq int, title string) {
		err := sockettest.Emit(srv, "", ops.IncidentCreated, ops.Incident{
			UUID:      fmt.Sprintf("6e6f7469-6679-4000-8000-%04x%08x", passNo, uint32(seq)),
			Title:     title,
			Severity:  ops.Critical,
			Room:      "ops",
			CreatedAt: time.Now().UnixMilli(),
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	// Warm-up, not counted.
	fake.Reset()
	emit(-1, probeTitle+"warm-up")
	waitDone(b, done)
	fake.Reset()

	// One incident every -notify.interval; but when one is finished later
	// than half an interval before the next is due (a delivery slower than
	// the pace), the next waits until half an interval after that, so
	// that latency never includes a queue.
	sent := make([]time.Time, n)
	fin := make([]time.Time, n)
	next := time.Now().Add(*notifyInterval)
	for i := range n {
		time.Sleep(time.Until(next))
		sent[i] = time.Now()
		emit(i, probeTitle+strconv.Itoa(i))
		fin[i] = waitDone(b, done)
		next = sent[i].Add(*notifyInterval)
		if t := fin[i].Add(*notifyInterval / 2); t.After(next) {
			next = t
		}
	}

	lat := make([]int64, 0, n)
	if !p.notify {
		for i := range n {
			lat = append(lat, int64(fin[i].Sub(sent[i])))
		}
	} else {
		calls := waitCalls(b, fake, n)
		seen := make([]bool, n)
		for _, call := range calls {
			title, ok := strings.CutPrefix(call.Summary, "Critical: ")
			seq := probeSeq(title)
			if !ok || seq < 0 || seq >= n || seen[seq] {
				b.Fatalf("%s: unexpected Notify call %q (coalesced or duplicated?)", p.name, call.Summary)
			}
			seen[seq] = true
			lat = append(lat, int64(call.At.Sub(sent[seq])))
		}
		if len(lat) != n {
			b.Fatalf("%s: %d Notify calls for %d emits", p.name, len(lat), n)
		}
	}
	slices.Sort(lat)
	if testing.Verbose() {
		fmt.Printf("%s: p50 %v p99 %v max %v\n", p.name, time.Duration(quantile(lat, .5)), time.Duration(quantile(lat, .99)), time.Duration(quantile(lat, 1)))
	}
	return lat
}

// probeSeq returns the number in a probe title, -1 for the warm-up or
// anything else.
func probeSeq(title string) int {
	s, ok := strings.CutPrefix(title, probeTitle)
	if !ok {
		return -1
	}
	i, err := strconv.Atoi(s)
	if err != nil {
		return -1
	}
	return i
}

// waitDone returns the next finish time, waiting up to 10 s for it.
func waitDone(b *testing.B, done <-chan time.Time) time.Time {
	b.Helper()
	select {
	case t := <-done:
		return t
	case <-time.After(10 * time.Second):
		b.Fatal("an incident was not finished within 10s")
		return time.Time{}
	}
}

// waitCalls waits up to 10 s until the fake server has recorded k Notify
// calls and returns them (not notifytest's WaitCalls: its failure message
// prints every call, image data and all).
func waitCalls(b *testing.B, fake *notifytest.Server, k int) []notifytest.Call {
	b.Helper()
	var calls []notifytest.Call
	waitFor(b, 10*time.Second, func() bool { calls = fake.Calls(); return len(calls) >= k }, strconv.Itoa(k)+" Notify calls")
	return calls
}
