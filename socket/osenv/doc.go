// Package osenv tells a socket client what the operating system knows and a
// browser would have said: whether the machine is online, and when it goes
// to sleep and wakes up.
//
// # Overview
//
// The app calls [Watch] once with its client (anything with SetOnline and
// SetAwake, such as *socket.Client). Watch runs until its context ends and
// drives the two flags independently: offline and asleep are separate pause
// reasons, and the client combines them (it dials only when neither holds,
// and then at once).
//
// # Linux
//
// Sleep and wake come from systemd-logind on the system bus. Watch holds a
// "delay" inhibitor lock; on PrepareForSleep(true) it calls SetAwake(false),
// which returns once the socket is closed, and then releases the lock, so the
// machine sleeps with no half-open connection. The wait is bounded by
// [Options.SleepTimeout] (and by half of logind's InhibitDelayMaxSec), so a
// stuck client cannot hold up sleep. On PrepareForSleep(false) it calls
// SetAwake(true) and takes a new lock. Signals are accepted only from the
// current owner of org.freedesktop.login1, and a logind restart is followed
// through NameOwnerChanged.
//
// The network picture comes from rtnetlink link, address and route
// subscriptions. On every event Watch lists links and routes again and
// computes online as: a unicast default route (any table, IPv4 or IPv6)
// whose next hop is an administratively up, non-loopback link with carrier
// and is not flagged linkdown. Recomputing the whole picture matters: taking
// a link down removes its routes without a route-deleted message, and carrier
// loss leaves routes in place, flagged linkdown.
//
// # Fallback
//
// Where no sleep notification is available (no system bus, no logind, macOS
// without cgo, other systems) a wall-clock jump detector runs: it compares
// wall time (monotonic reading stripped) between ticks, and a gap well past
// the tick means the machine slept. It then calls SetAwake(false) and
// SetAwake(true) back to back: the first drops a connection that may have
// died during sleep, the second redials at once.
//
// # macOS and Windows
//
// macOS: network from a routing socket (golang.org/x/net/route), sleep from
// IOKit power notifications when built with cgo. Windows: network from
// NotifyIpInterfaceChange and NotifyRouteChange2, sleep from
// PowerRegisterSuspendResumeNotification. Both compile and are kept small;
// they are not tested on real machines by this project's CI (see the
// package README section).
package osenv
