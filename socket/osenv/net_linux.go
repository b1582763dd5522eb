package osenv

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/vishvananda/netlink"
	"github.com/vishvananda/netns"
	"golang.org/x/sys/unix"
)

// watchNetwork follows rtnetlink until ctx ends, resubscribing (with a
// capped delay) when a subscription breaks, e.g. on a receive overrun.
func (w *watcher) watchNetwork(ctx context.Context) {
	w.keepWatching(ctx, "network watch (rtnetlink)", w.netlinkOnce)
}

// netlinkOnce subscribes to link, address and route changes and reports
// online until ctx ends (nil) or a subscription breaks (an error).
func (w *watcher) netlinkOnce(ctx context.Context) error {
	ns := netns.None()
	if w.opts.netns != "" {
		var err error
		if ns, err = netns.GetFromPath(w.opts.netns); err != nil {
			return fmt.Errorf("open network namespace: %w", err)
		}
		defer ns.Close()
	}
	h, err := netlink.NewHandleAt(ns, unix.NETLINK_ROUTE)
	if err != nil {
		return fmt.Errorf("netlink handle: %w", err)
	}
	defer h.Close()

	done := make(chan struct{})
	links := make(chan netlink.LinkUpdate, 64)
	addrs := make(chan netlink.AddrUpdate, 64)
	routes := make(chan netlink.RouteUpdate, 64)
	var subscribed []func() // drain a subscription's channel until its goroutine closes it
	defer func() {
		close(done)
		for _, drain := range subscribed {
			drain()
		}
	}()
	cberr := func(err error) {
		select {
		case <-done:
		default:
			w.log.Debug("netlink subscription", "err", err)
		}
	}
	const rcvbuf = 1 << 20
	if err := netlink.LinkSubscribeWithOptions(links, done, netlink.LinkSubscribeOptions{
		Namespace: &ns, ErrorCallback: cberr, ReceiveBufferSize: rcvbuf}); err != nil {
		return fmt.Errorf("subscribe to links: %w", err)
	}
	subscribed = append(subscribed, func() {
		for range links {
		}
	})
	if err := netlink.AddrSubscribeWithOptions(addrs, done, netlink.AddrSubscribeOptions{
		Namespace: &ns, ErrorCallback: cberr, ReceiveBufferSize: rcvbuf}); err != nil {
		return fmt.Errorf("subscribe to addresses: %w", err)
	}
	subscribed = append(subscribed, func() {
		for range addrs {
		}
	})
	if err := netlink.RouteSubscribeWithOptions(routes, done, netlink.RouteSubscribeOptions{
		Namespace: &ns, ErrorCallback: cberr, ReceiveBufferSize: rcvbuf}); err != nil {
		return fmt.Errorf("subscribe to routes: %w", err)
	}
	subscribed = append(subscribed, func() {
		for range routes {
		}
	})

	return w.follow(ctx, h, links, addrs, routes)
}

// follow reports online once now and again after each burst of changes,
// until ctx ends (nil) or a subscription's channel closes (an error).
func (w *watcher) follow(ctx context.Context, h *netlink.Handle, links <-chan netlink.LinkUpdate,
	addrs <-chan netlink.AddrUpdate, routes <-chan netlink.RouteUpdate) error {
	// Subscribed first, listed second: no change can fall between the two.
	if err := w.recompute(h); err != nil {
		return err
	}
	for {
		var ok bool
		select {
		case <-ctx.Done():
			return nil
		case _, ok = <-links:
		case _, ok = <-addrs:
		case _, ok = <-routes:
		}
		if !ok {
			return errors.New("netlink subscription ended")
		}
		// One change often comes as a burst (link, addresses, routes):
		// take what is already queued, then look once.
		for drained := false; !drained; {
			select {
			case _, ok = <-links:
			case _, ok = <-addrs:
			case _, ok = <-routes:
			default:
				drained = true
			}
			if !ok {
				return errors.New("netlink subscription ended")
			}
		}
		if err := w.recompute(h); err != nil {
			return err
		}
	}
}

// recompute lists links and routes and reports online when it changed (or
// the first time).
func (w *watcher) recompute(h *netlink.Handle) error {
	var links []netlink.Link
	var routes []netlink.Route
	var err error
	for range 3 { // a dump interrupted by a concurrent change is retried
		links, err = h.LinkList()
		if err == nil {
			routes, err = h.RouteListFiltered(netlink.FAMILY_ALL,
				&netlink.Route{Table: unix.RT_TABLE_UNSPEC}, netlink.RT_FILTER_TABLE)
		}
		if !errors.Is(err, netlink.ErrDumpInterrupted) {
			break
		}
	}
	if err != nil && !errors.Is(err, netlink.ErrDumpInterrupted) {
		return fmt.Errorf("list links and routes: %w", err)
	}
	online, why := computeOnline(links, routes)
	w.report(online, why)
	return nil
}

// computeOnline decides from the whole picture: a unicast default route
// whose next hop is an up, non-loopback link with carrier and not flagged
// linkdown. why names the route found, or says why none counts.
//
// Carrier is read from IFF_LOWER_UP (and IFF_DORMANT), which the kernel
// updates at once, not from the operational state, which its link watcher
// updates up to a second later.
func computeOnline(links []netlink.Link, routes []netlink.Route) (online bool, why string) {
	usable := make(map[int]string, len(links))
	for _, l := range links {
		a := l.Attrs()
		const need, deny = unix.IFF_UP | unix.IFF_LOWER_UP, unix.IFF_LOOPBACK | unix.IFF_DORMANT
		if a.RawFlags&need == need && a.RawFlags&deny == 0 {
			usable[a.Index] = a.Name
		}
	}
	const dead = unix.RTNH_F_LINKDOWN | unix.RTNH_F_DEAD
	var seen []string
	for _, r := range routes {
		if r.Type != unix.RTN_UNICAST || r.Table == unix.RT_TABLE_LOCAL {
			continue
		}
		if r.Dst != nil {
			if ones, _ := r.Dst.Mask.Size(); ones != 0 {
				continue
			}
		}
		if len(r.MultiPath) > 0 {
			for _, nh := range r.MultiPath {
				if name, ok := usable[nh.LinkIndex]; ok && nh.Flags&dead == 0 {
					return true, "default route via " + name
				}
			}
			seen = append(seen, "multipath")
			continue
		}
		if name, ok := usable[r.LinkIndex]; ok && r.Flags&dead == 0 {
			return true, "default route via " + name
		}
		seen = append(seen, fmt.Sprintf("ifindex %d", r.LinkIndex))
	}
	if len(seen) == 0 {
		return false, "no default route"
	}
	return false, "no default route on a link with carrier (have: " + strings.Join(seen, ", ") + ")"
}
