package osenv

import (
	"context"
	"sync"
	"unsafe"

	"golang.org/x/sys/windows"
)

// Power notifications (powrprof.dll; not wrapped by x/sys/windows).
const (
	deviceNotifyCallback  = 2    // DEVICE_NOTIFY_CALLBACK
	pbtAPMSuspend         = 0x4  // PBT_APMSUSPEND
	pbtAPMResumeAutomatic = 0x12 // PBT_APMRESUMEAUTOMATIC: every resume
)

type deviceNotifySubscribeParameters struct {
	callback uintptr
	context  uintptr
}

var (
	powrprof          = windows.NewLazySystemDLL("powrprof.dll")
	procPowerRegister = powrprof.NewProc("PowerRegisterSuspendResumeNotification")
	procPowerUnreg    = powrprof.NewProc("PowerUnregisterSuspendResumeNotification")

	winPowerOnce     sync.Once
	winPowerMu       sync.Mutex
	winPowerParams   deviceNotifySubscribeParameters // global: Windows may keep the pointer
	winPowerHandle   uintptr
	winPowerWatchers = map[*watcher]context.Context{}
)

// winPowerEvent runs on a Windows thread; for PBT_APMSUSPEND, Windows waits
// (about two seconds at most) for it to return before suspending.
func winPowerEvent(_, typ, _ uintptr) uintptr {
	winPowerMu.Lock()
	ws := make(map[*watcher]context.Context, len(winPowerWatchers))
	for w, ctx := range winPowerWatchers {
		ws[w] = ctx
	}
	winPowerMu.Unlock()
	for w, ctx := range ws {
		switch typ {
		case pbtAPMSuspend:
			if acked, took := w.sleepNow(ctx, w.opts.SleepTimeout); acked {
				w.log.Info("going to sleep: connection closed", "took", took)
			} else {
				w.log.Warn("going to sleep: the client did not close in time")
			}
		case pbtAPMResumeAutomatic:
			w.log.Info("woke from sleep: reconnecting")
			w.calls.setAwake(true)
		}
	}
	return 0
}

// watchSleep registers for suspend/resume notifications until ctx ends, or
// runs the clock-jump detector when that is not possible.
// Not tested on a real Windows machine by this project's CI: it compiles.
func (w *watcher) watchSleep(ctx context.Context) {
	if err := winPowerAdd(w, ctx); err != nil {
		w.log.Info("no suspend/resume notifications: sleep/wake detected from wall-clock jumps only", "err", err)
		runJumpDetector(ctx, w.opts.Clock, w.opts.TickInterval, w.opts.JumpThreshold,
			func() bool { return true }, w.jumped)
		return
	}
	w.log.Info("following Windows suspend/resume notifications")
	<-ctx.Done()
	winPowerRemove(w)
}

func winPowerAdd(w *watcher, ctx context.Context) error {
	if err := procPowerRegister.Find(); err != nil {
		return err
	}
	winPowerOnce.Do(func() { winPowerParams.callback = windows.NewCallback(winPowerEvent) })
	winPowerMu.Lock()
	defer winPowerMu.Unlock()
	if len(winPowerWatchers) == 0 {
		r, _, _ := procPowerRegister.Call(deviceNotifyCallback,
			uintptr(unsafe.Pointer(&winPowerParams)), uintptr(unsafe.Pointer(&winPowerHandle)))
		if r != 0 {
			return windows.Errno(r)
		}
	}
	winPowerWatchers[w] = ctx
	return nil
}

func winPowerRemove(w *watcher) {
	winPowerMu.Lock()
	defer winPowerMu.Unlock()
	delete(winPowerWatchers, w)
	if len(winPowerWatchers) == 0 && winPowerHandle != 0 {
		procPowerUnreg.Call(winPowerHandle)
		winPowerHandle = 0
	}
}
