package osenv

// report tells the target about online when it changed, or the first time.
// Only the network goroutine calls it.
func (w *watcher) report(online bool, why string) {
	if w.netKnown && online == w.online {
		return
	}
	w.netKnown, w.online = true, online
	if online {
		w.log.Info("network online", "why", why)
	} else {
		w.log.Info("network offline", "why", why)
	}
	w.calls.setOnline(online)
}
