package osenv

import (
	"context"
	"fmt"
	"net"
	"sync"
	"unsafe"

	"golang.org/x/sys/windows"
)

// Windows calls one callback (made once per process: callbacks are never
// freed) from its thread pool; it pokes every watching goroutine.
var (
	winNetOnce     sync.Once
	winNetCallback uintptr
	winNetMu       sync.Mutex
	winNetWaiters  = map[chan struct{}]struct{}{}
)

func winNetChanged(_, _, _ uintptr) uintptr {
	winNetMu.Lock()
	defer winNetMu.Unlock()
	for c := range winNetWaiters {
		select {
		case c <- struct{}{}:
		default:
		}
	}
	return 0
}

// watchNetwork follows NotifyIpInterfaceChange and NotifyRouteChange2 until
// ctx ends, looking at the routing table again on each notification.
// Not tested on a real Windows machine by this project's CI: it compiles.
func (w *watcher) watchNetwork(ctx context.Context) {
	winNetOnce.Do(func() { winNetCallback = windows.NewCallback(winNetChanged) })
	kick := make(chan struct{}, 1)
	winNetMu.Lock()
	winNetWaiters[kick] = struct{}{}
	winNetMu.Unlock()
	defer func() {
		winNetMu.Lock()
		delete(winNetWaiters, kick)
		winNetMu.Unlock()
	}()

	var ifh, rth windows.Handle
	if err := windows.NotifyIpInterfaceChange(windows.AF_UNSPEC, winNetCallback, nil, false, &ifh); err != nil {
		w.log.Warn("no network change notifications: assuming online", "err", err)
		<-ctx.Done()
		return
	}
	// CancelMibChangeNotify2 waits for running callbacks.
	defer windows.CancelMibChangeNotify2(ifh)
	if err := windows.NotifyRouteChange2(windows.AF_UNSPEC, winNetCallback, nil, false, &rth); err != nil {
		w.log.Warn("no route change notifications: following interfaces only", "err", err)
	} else {
		defer windows.CancelMibChangeNotify2(rth)
	}
	for {
		if err := w.recomputeWindows(); err != nil {
			w.log.Warn("cannot read the routing table", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-kick:
		}
	}
}

func (w *watcher) recomputeWindows() error {
	var table *windows.MibIpForwardTable2
	if err := windows.GetIpForwardTable2(windows.AF_UNSPEC, &table); err != nil {
		return fmt.Errorf("GetIpForwardTable2: %w", err)
	}
	defer windows.FreeMibTable(unsafe.Pointer(table))
	ifs, err := net.Interfaces()
	if err != nil {
		return err
	}
	for _, r := range table.Rows() {
		if r.DestinationPrefix.PrefixLength != 0 || r.Loopback != 0 {
			continue
		}
		for _, ifi := range ifs {
			if ifi.Index == int(r.InterfaceIndex) && ifi.Flags&net.FlagUp != 0 &&
				ifi.Flags&net.FlagRunning != 0 && ifi.Flags&net.FlagLoopback == 0 {
				w.report(true, "default route via "+ifi.Name)
				return nil
			}
		}
	}
	w.report(false, "no default route on an up interface")
	return nil
}
