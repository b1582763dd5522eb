package osenv

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"time"

	"golang.org/x/net/route"
	"golang.org/x/sys/unix"
)

// watchNetwork reads a routing socket until ctx ends; every message (route,
// address or interface change) makes it look at the routing table again.
// Not tested on a real Mac by this project's CI: it compiles.
func (w *watcher) watchNetwork(ctx context.Context) {
	w.keepWatching(ctx, "network watch (routing socket)", w.routeSocketOnce)
}

func (w *watcher) routeSocketOnce(ctx context.Context) error {
	fd, err := unix.Socket(unix.AF_ROUTE, unix.SOCK_RAW, unix.AF_UNSPEC)
	if err != nil {
		return fmt.Errorf("routing socket: %w", err)
	}
	if err := unix.SetNonblock(fd, true); err != nil {
		unix.Close(fd)
		return err
	}
	f := os.NewFile(uintptr(fd), "route") // non-blocking: reads go through the poller, Close unblocks them
	stop := context.AfterFunc(ctx, func() { f.Close() })
	defer func() {
		if stop() {
			f.Close()
		}
	}()
	if err := w.recomputeRIB(); err != nil {
		return err
	}
	buf := make([]byte, 1<<16)
	for {
		if _, err := f.Read(buf); err != nil {
			if errors.Is(err, os.ErrClosed) {
				return nil
			}
			return err
		}
		// Changes come in bursts (and ARP entries are routes here): take
		// what follows within a few milliseconds, then look once.
		for {
			_ = f.SetReadDeadline(time.Now().Add(20 * time.Millisecond))
			if _, err := f.Read(buf); err != nil {
				if errors.Is(err, os.ErrDeadlineExceeded) {
					break
				}
				if errors.Is(err, os.ErrClosed) {
					return nil
				}
				return err
			}
		}
		_ = f.SetReadDeadline(time.Time{})
		if err := w.recomputeRIB(); err != nil {
			return err
		}
	}
}

func (w *watcher) recomputeRIB() error {
	rib, err := route.FetchRIB(unix.AF_UNSPEC, route.RIBTypeRoute, 0)
	if err != nil {
		return fmt.Errorf("fetch routing table: %w", err)
	}
	msgs, err := route.ParseRIB(route.RIBTypeRoute, rib)
	if err != nil {
		return fmt.Errorf("parse routing table: %w", err)
	}
	for _, m := range msgs {
		rm, ok := m.(*route.RouteMessage)
		if !ok || rm.Flags&unix.RTF_UP == 0 || rm.Flags&unix.RTF_HOST != 0 || !isDefaultDst(rm.Addrs) {
			continue
		}
		ifi, err := net.InterfaceByIndex(rm.Index)
		if err != nil {
			continue
		}
		if ifi.Flags&net.FlagUp != 0 && ifi.Flags&net.FlagRunning != 0 && ifi.Flags&net.FlagLoopback == 0 {
			w.report(true, "default route via "+ifi.Name)
			return nil
		}
	}
	w.report(false, "no default route on an up, running interface")
	return nil
}

func isDefaultDst(addrs []route.Addr) bool {
	if len(addrs) <= unix.RTAX_DST {
		return false
	}
	switch a := addrs[unix.RTAX_DST].(type) {
	case *route.Inet4Addr:
		return a.IP == [4]byte{}
	case *route.Inet6Addr:
		return a.IP == [16]byte{}
	}
	return false
}
