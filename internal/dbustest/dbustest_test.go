package dbustest_test

import (
	"github.com/godbus/dbus/v5"
	"github.com/warpdesk/warpdesk/internal/dbustest"
	"testing"
)

func TestStart(t *testing.T) {
	for _, k := range []dbustest.Kind{dbustest.Session, dbustest.System} {
		b := dbustest.Start(t, k)
		c, err := dbus.Connect(b.Address)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.RequestName("org.freedesktop.login1", 0); err != nil {
			t.Fatal(err)
		}
		c.Close()
	}
}
