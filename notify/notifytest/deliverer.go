package notifytest

import "github.com/warpdesk/warpdesk/notify"

// DelivererFunc adapts a function to notify.Deliverer, so that a test can
// see, count or refuse what a Notifier delivers without a bus:
//
//	n := notify.New(notifytest.DelivererFunc(func(x notify.Notification) error {
//		got <- x
//		return nil
//	}), notify.Options{})
type DelivererFunc func(notify.Notification) error

// Deliver calls f(n).
func (f DelivererFunc) Deliver(n notify.Notification) error { return f(n) }
