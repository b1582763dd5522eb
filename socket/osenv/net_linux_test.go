package osenv

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vishvananda/netlink"
	"github.com/vishvananda/netns"
	"golang.org/x/sys/unix"
)

func TestComputeOnline(t *testing.T) {
	link := func(idx int, name string, flags net.Flags, raw uint32, oper netlink.LinkOperState) netlink.Link {
		return &netlink.Dummy{LinkAttrs: netlink.LinkAttrs{Index: idx, Name: name, Flags: flags, RawFlags: raw, OperState: oper}}
	}
	up := net.FlagUp | net.FlagRunning
	links := []netlink.Link{
		link(1, "lo", up|net.FlagLoopback, unix.IFF_UP|unix.IFF_LOOPBACK|unix.IFF_LOWER_UP, netlink.OperUnknown),
		link(2, "eth0", up, unix.IFF_UP|unix.IFF_LOWER_UP, netlink.OperUp),
		link(3, "wlan0", up, unix.IFF_UP, netlink.OperLowerLayerDown),           // no carrier
		link(4, "eth1", 0, unix.IFF_LOWER_UP, netlink.OperDown),                 // admin down
		link(5, "tun0", up, unix.IFF_UP|unix.IFF_LOWER_UP, netlink.OperUnknown), // no operstate
		link(6, "wlan1", up, unix.IFF_UP|unix.IFF_LOWER_UP|unix.IFF_DORMANT, netlink.OperDormant),
		link(7, "eth2", up, unix.IFF_UP|unix.IFF_LOWER_UP, netlink.OperDown), // carrier back, operstate lagging
		link(8, "eth3", up, unix.IFF_UP, netlink.OperUp),                     // carrier gone, operstate lagging
	}
	_, def4, _ := net.ParseCIDR("0.0.0.0/0")
	_, def6, _ := net.ParseCIDR("::/0")
	_, lan, _ := net.ParseCIDR("192.168.1.0/24")
	route := func(idx int, dst *net.IPNet, mod func(*netlink.Route)) netlink.Route {
		r := netlink.Route{LinkIndex: idx, Dst: dst, Type: unix.RTN_UNICAST, Table: unix.RT_TABLE_MAIN}
		if mod != nil {
			mod(&r)
		}
		return r
	}
	for _, tc := range []struct {
		name   string
		routes []netlink.Route
		want   bool
	}{
		{"no routes", nil, false},
		{"default via eth0, Dst nil", []netlink.Route{route(2, nil, nil)}, true},
		{"default via eth0, Dst 0/0", []netlink.Route{route(2, def4, nil)}, true},
		{"IPv6 default via eth0", []netlink.Route{route(2, def6, nil)}, true},
		{"only a LAN route", []netlink.Route{route(2, lan, nil)}, false},
		{"default via loopback", []netlink.Route{route(1, nil, nil)}, false},
		{"default via a link without carrier", []netlink.Route{route(3, nil, nil)}, false},
		{"default via an admin-down link", []netlink.Route{route(4, nil, nil)}, false},
		{"default via a link that is gone", []netlink.Route{route(9, nil, nil)}, false},
		{"default flagged linkdown", []netlink.Route{route(2, nil, func(r *netlink.Route) { r.Flags = unix.RTNH_F_LINKDOWN })}, false},
		{"unreachable default", []netlink.Route{route(2, nil, func(r *netlink.Route) { r.Type = unix.RTN_UNREACHABLE })}, false},
		{"default in the local table", []netlink.Route{route(2, nil, func(r *netlink.Route) { r.Table = unix.RT_TABLE_LOCAL })}, false},
		{"default in another table (policy routing)", []netlink.Route{route(2, nil, func(r *netlink.Route) { r.Table = 51820 })}, true},
		{"default via a tun without operstate", []netlink.Route{route(5, nil, nil)}, true},
		{"default via a dormant link", []netlink.Route{route(6, nil, nil)}, false},
		{"carrier back before the operstate says so", []netlink.Route{route(7, nil, nil)}, true},
		{"carrier gone before the operstate says so", []netlink.Route{route(8, nil, nil)}, false},
		{"multipath, one hop usable", []netlink.Route{route(0, nil, func(r *netlink.Route) {
			r.MultiPath = []*netlink.NexthopInfo{{LinkIndex: 3}, {LinkIndex: 2}}
		})}, true},
		{"multipath, usable hop linkdown", []netlink.Route{route(0, nil, func(r *netlink.Route) {
			r.MultiPath = []*netlink.NexthopInfo{{LinkIndex: 3}, {LinkIndex: 2, Flags: unix.RTNH_F_LINKDOWN}}
		})}, false},
		{"a dead default and a good one", []netlink.Route{route(3, nil, nil), route(2, def6, nil)}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, why := computeOnline(links, tc.routes)
			if got != tc.want {
				t.Fatalf("online = %v (%s), want %v", got, why, tc.want)
			}
		})
	}
}

// testNetns is a network namespace holding wd0, one end of a veth pair
// wd0 <-> wd1, made by the test and removed after it. wd1 is in the same
// namespace, or (split) in a second one, so that traffic between wd0's
// 10.77.0.1 and wd1's 10.77.0.2 really crosses the veth.
type testNetns struct {
	path     string
	ns       netns.NsHandle
	h        *netlink.Handle // in ns
	peerNS   netns.NsHandle  // wd1's namespace (ns unless split)
	hPeer    *netlink.Handle // in peerNS
	wd0, wd1 netlink.Link
	gw       net.IP
	last     time.Time // last link state change, for the kernel's rate limit
}

var netnsSeq atomic.Int32

// addNetns makes a named network namespace for the test, or skips it.
func addNetns(t *testing.T) (path string, ns netns.NsHandle, h *netlink.Handle) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("skipping: creating a network namespace needs root (CI runs as root)")
	}
	if _, err := exec.LookPath("ip"); err != nil {
		t.Skipf("skipping: no ip command (apt-get install iproute2): %v", err)
	}
	name := fmt.Sprintf("osenvtest-%d-%d", os.Getpid(), netnsSeq.Add(1))
	if out, err := exec.Command("ip", "netns", "add", name).CombinedOutput(); err != nil {
		t.Skipf("skipping: cannot create a network namespace here: %v: %s", err, out)
	}
	t.Cleanup(func() {
		if out, err := exec.Command("ip", "netns", "del", name).CombinedOutput(); err != nil {
			t.Errorf("ip netns del %s: %v: %s", name, err, out)
		}
	})
	path = "/run/netns/" + name
	ns, err := netns.GetFromPath(path)
	if err != nil {
		t.Fatalf("open %s: %v", path, err)
	}
	t.Cleanup(func() { ns.Close() })
	if h, err = netlink.NewHandleAt(ns, unix.NETLINK_ROUTE); err != nil {
		t.Fatalf("netlink handle in %s: %v", name, err)
	}
	t.Cleanup(h.Close)
	lo, err := h.LinkByName("lo")
	if err == nil {
		err = h.LinkSetUp(lo)
	}
	if err != nil {
		t.Fatalf("lo up in %s: %v", name, err)
	}
	return path, ns, h
}

func newTestNetns(t *testing.T, split bool) *testNetns {
	t.Helper()
	n := &testNetns{gw: net.IPv4(10, 77, 0, 2)}
	n.path, n.ns, n.h = addNetns(t)
	n.peerNS, n.hPeer = n.ns, n.h
	wd0 := netlink.LinkAttrs{Name: "wd0"}
	if split {
		_, n.peerNS, n.hPeer = addNetns(t)
		// Without a distinct index, wd0 and wd1 would both be ifindex 2 in
		// their fresh namespaces; the kernel then takes the veth for a
		// physical NIC (ifindex == iflink) and rate-limits its carrier
		// events to one a second, as it does for real NICs (see README).
		wd0.Index = 10
	}
	must := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	must("add veth", n.h.LinkAdd(&netlink.Veth{
		LinkAttrs:     wd0,
		PeerName:      "wd1",
		PeerNamespace: netlink.NsFd(n.peerNS),
	}))
	var err error
	n.wd0, err = n.h.LinkByName("wd0")
	must("wd0", err)
	n.wd1, err = n.hPeer.LinkByName("wd1")
	must("wd1", err)
	a0, _ := netlink.ParseAddr("10.77.0.1/24")
	a1, _ := netlink.ParseAddr("10.77.0.2/24")
	must("address wd0", n.h.AddrAdd(n.wd0, a0))
	must("address wd1", n.hPeer.AddrAdd(n.wd1, a1))
	must("wd1 up", n.hPeer.LinkSetUp(n.wd1))
	must("wd0 up", n.h.LinkSetUp(n.wd0))
	n.last = time.Now()
	return n
}

func (n *testNetns) defaultRoute() *netlink.Route {
	return &netlink.Route{LinkIndex: n.wd0.Attrs().Index, Gw: n.gw}
}

// pace waits out the kernel's once-a-second limit on link events.
func (n *testNetns) pace() {
	if d := 1100*time.Millisecond - time.Since(n.last); d > 0 {
		time.Sleep(d)
	}
	n.last = time.Now()
}

// waitPeerOperUp waits until the kernel has brought wd1 operationally up.
func (n *testNetns) waitPeerOperUp(d time.Duration) error {
	deadline := time.Now().Add(d)
	for {
		l, err := n.hPeer.LinkByName("wd1")
		if err != nil {
			return err
		}
		if l.Attrs().OperState == netlink.OperUp {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("wd1 not operationally up within %v", d)
		}
		time.Sleep(time.Millisecond)
	}
}

// waitCarrier waits until wd0's carrier is as wanted (bounded).
func (n *testNetns) waitCarrier(t *testing.T, want bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		l, err := n.h.LinkByName("wd0")
		if err != nil {
			t.Fatal(err)
		}
		if (l.Attrs().RawFlags&unix.IFF_LOWER_UP != 0) == want {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("wd0 carrier did not become %v within 5s", want)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestNetworkNamespace(t *testing.T) {
	n := newTestNetns(t, false)
	rt := newRecTarget()
	logs := newLogRecorder(t)
	startWatch(t, rt, Options{Logger: logs.logger(), netns: n.path, noSleep: true})

	// No default route yet: offline.
	rt.expect(t, "online", false, 5*time.Second)
	n.waitCarrier(t, true)

	step := func(name string, want bool, act func() error) {
		t.Helper()
		start := time.Now()
		if err := act(); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		e := rt.expect(t, "online", want, 3*time.Second)
		t.Logf("LATENCY %-34s -> online=%-5v %v", name, want, e.at.Sub(start).Round(10*time.Microsecond))
	}
	step("default route added", true, func() error { return n.h.RouteAdd(n.defaultRoute()) })
	step("default route deleted", false, func() error { return n.h.RouteDel(n.defaultRoute()) })
	step("default route re-added", true, func() error { return n.h.RouteAdd(n.defaultRoute()) })

	n.pace()
	step("link down (route goes silently)", false, func() error { return n.h.LinkSetDown(n.wd0) })
	n.pace()
	if err := n.h.LinkSetUp(n.wd0); err != nil {
		t.Fatal(err)
	}
	n.waitCarrier(t, true)
	// The kernel removed the default route with the link: up alone is not
	// online. Adding the route back (as a network manager would) is.
	step("route re-added after link up", true, func() error { return n.h.RouteAdd(n.defaultRoute()) })
	rt.none(t)

	n.pace()
	step("carrier lost (peer down)", false, func() error { return n.hPeer.LinkSetDown(n.wd1) })
	routes, err := n.h.RouteList(n.wd0, netlink.FAMILY_V4)
	if err != nil {
		t.Fatal(err)
	}
	kept := false
	for _, r := range routes {
		isDefault := r.Dst == nil
		if r.Dst != nil {
			ones, _ := r.Dst.Mask.Size()
			isDefault = ones == 0
		}
		if isDefault && r.Flags&unix.RTNH_F_LINKDOWN != 0 {
			kept = true
		}
	}
	// What this test is about: the route stays, only flagged.
	t.Logf("after carrier loss the kernel kept the default route flagged linkdown: %v", kept)
	n.pace()
	step("carrier back (peer up)", true, func() error { return n.hPeer.LinkSetUp(n.wd1) })
	rt.none(t)
}
