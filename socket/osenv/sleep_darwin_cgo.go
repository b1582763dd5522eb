//go:build darwin && cgo

package osenv

/*
#cgo LDFLAGS: -framework IOKit -framework CoreFoundation
#include <stdint.h>
#include <stdlib.h>
#include <CoreFoundation/CoreFoundation.h>
#include <IOKit/pwr_mgt/IOPMLib.h>
#include <IOKit/IOMessage.h>

// Implemented in Go (sleep_darwin_export.go). Returns when the client has
// closed (or the bound passed) for a will-sleep message.
extern void osenvPowerEvent(uintptr_t handle, unsigned int type);

typedef struct {
	io_connect_t root;
	IONotificationPortRef port;
	io_object_t notifier;
	CFRunLoopRef loop;
	uintptr_t handle;
} osenv_pm;

static void osenv_callback(void *refcon, io_service_t service, natural_t type, void *arg) {
	osenv_pm *pm = (osenv_pm *)refcon;
	switch (type) {
	case kIOMessageCanSystemSleep:
		IOAllowPowerChange(pm->root, (long)arg);
		break;
	case kIOMessageSystemWillSleep:
		osenvPowerEvent(pm->handle, type);
		IOAllowPowerChange(pm->root, (long)arg);
		break;
	case kIOMessageSystemHasPoweredOn:
		osenvPowerEvent(pm->handle, type);
		break;
	}
}

static osenv_pm *osenv_register(uintptr_t handle) {
	osenv_pm *pm = calloc(1, sizeof(osenv_pm));
	if (pm == NULL) return NULL;
	pm->handle = handle;
	pm->root = IORegisterForSystemPower(pm, &pm->port, osenv_callback, &pm->notifier);
	if (pm->root == MACH_PORT_NULL) {
		free(pm);
		return NULL;
	}
	pm->loop = CFRunLoopGetCurrent();
	CFRunLoopAddSource(pm->loop, IONotificationPortGetRunLoopSource(pm->port), kCFRunLoopCommonModes);
	return pm;
}

// osenv_run runs the current thread's run loop for up to one second.
static void osenv_run(void) {
	CFRunLoopRunInMode(kCFRunLoopDefaultMode, 1.0, false);
}

static void osenv_wake(osenv_pm *pm) {
	CFRunLoopStop(pm->loop);
	CFRunLoopWakeUp(pm->loop);
}

static void osenv_unregister(osenv_pm *pm) {
	CFRunLoopRemoveSource(pm->loop, IONotificationPortGetRunLoopSource(pm->port), kCFRunLoopCommonModes);
	IODeregisterForSystemPower(&pm->notifier);
	IOServiceClose(pm->root);
	IONotificationPortDestroy(pm->port);
	free(pm);
}
*/
import "C"

import (
	"context"
	"runtime"
	"runtime/cgo"
	"sync/atomic"
)

// Message types, from IOKit/IOMessage.h.
const (
	iokitWillSleep    = 0xe0000280 // kIOMessageSystemWillSleep
	iokitHasPoweredOn = 0xe0000300 // kIOMessageSystemHasPoweredOn
)

// watchSleep registers for IOKit system power notifications and runs a
// CoreFoundation run loop on a locked thread until ctx ends. On will-sleep it
// calls SetAwake(false) (bounded by SleepTimeout) before allowing the sleep;
// on powered-on, SetAwake(true). If registration fails, the clock-jump
// detector stands in. Not tested on a real Mac by this project's CI, and not
// compiled by it either (the cross build is CGO_ENABLED=0).
func (w *watcher) watchSleep(ctx context.Context) {
	type reg struct{ pm *C.osenv_pm }
	regc := make(chan reg, 1)
	var stopped atomic.Bool
	done := make(chan struct{})
	h := cgo.NewHandle(&darwinPower{w: w, ctx: ctx})
	defer h.Delete()
	go func() {
		defer close(done)
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		pm := C.osenv_register(C.uintptr_t(h))
		regc <- reg{pm}
		if pm == nil {
			return
		}
		for !stopped.Load() {
			C.osenv_run()
		}
		C.osenv_unregister(pm)
	}()
	r := <-regc
	if r.pm == nil {
		<-done
		w.log.Warn("IOKit refused power notifications: sleep/wake detected from wall-clock jumps only")
		runJumpDetector(ctx, w.opts.Clock, w.opts.TickInterval, w.opts.JumpThreshold,
			func() bool { return true }, w.jumped)
		return
	}
	w.log.Info("following IOKit power notifications for sleep/wake")
	<-ctx.Done()
	stopped.Store(true)
	C.osenv_wake(r.pm)
	<-done
}

// darwinPower is what the C callback reaches through a cgo.Handle.
type darwinPower struct {
	w   *watcher
	ctx context.Context
}

// powerEvent runs on the run loop thread; for will-sleep, IOKit waits for it
// to return before the machine sleeps.
func (p *darwinPower) powerEvent(typ uint32) {
	w, ctx := p.w, p.ctx
	switch typ {
	case iokitWillSleep:
		if acked, took := w.sleepNow(ctx, w.opts.SleepTimeout); acked {
			w.log.Info("going to sleep: connection closed", "took", took)
		} else {
			w.log.Warn("going to sleep: the client did not close in time; sleep allowed anyway")
		}
	case iokitHasPoweredOn:
		w.log.Info("woke from sleep: reconnecting")
		w.calls.setAwake(true)
	}
}
