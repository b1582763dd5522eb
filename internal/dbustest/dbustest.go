// Package dbustest starts private D-Bus daemons for tests, so that code which
// talks to the session or system bus (notifications, the Secret Service,
// logind, the tray) is tested against a real bus without touching the
// machine's own.
package dbustest

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Kind selects the bus flavour a private daemon imitates.
type Kind string

const (
	// Session is a session bus (the policy of /usr/share/dbus-1/session.conf).
	Session Kind = "session"
	// System is a bus that is configured like a system bus (type "system")
	// but lets every local connection own any name, as a test's fake
	// logind needs to.
	System Kind = "system"
)

// Bus is a running private dbus-daemon.
type Bus struct {
	// Address is the bus address, suitable for DBUS_SESSION_BUS_ADDRESS or
	// DBUS_SYSTEM_BUS_ADDRESS.
	Address string
	cmd     *exec.Cmd
}

const config = `<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>%s</type>
  <listen>unix:path=%s</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow user="*"/>
    <allow own="*"/>
    <allow send_destination="*" eavesdrop="true"/>
    <allow receive_sender="*"/>
    <allow eavesdrop="true"/>
  </policy>
</busconfig>
`

// Start launches a private dbus-daemon of the given kind and stops it when
// the test ends. It skips the test, saying why, when dbus-daemon is not
// installed. It does not change the environment: callers set
// DBUS_SESSION_BUS_ADDRESS or DBUS_SYSTEM_BUS_ADDRESS themselves (t.Setenv)
// when the code under test reads them.
func Start(t testing.TB, kind Kind) *Bus {
	t.Helper()
	b, err := Launch(t.TempDir(), kind)
	if err != nil {
		if _, lerr := exec.LookPath("dbus-daemon"); lerr != nil {
			t.Skipf("dbustest: no dbus-daemon on this machine (apt-get install dbus-daemon): %v", lerr)
		}
		t.Fatalf("dbustest: %v", err)
	}
	t.Cleanup(b.Stop)
	return b
}

// Launch starts a private dbus-daemon whose socket and config live in dir.
// The caller must call Stop.
func Launch(dir string, kind Kind) (*Bus, error) {
	bin, err := exec.LookPath("dbus-daemon")
	if err != nil {
		return nil, err
	}
	sock := filepath.Join(dir, "bus.sock")
	conf := filepath.Join(dir, "bus.conf")
	if err := os.WriteFile(conf, []byte(fmt.Sprintf(config, kind, sock)), 0o600); err != nil {
		return nil, err
	}
	cmd := exec.Command(bin, "--nofork", "--nopidfile", "--print-address=1", "--config-file="+conf)
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	addrCh := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(out).ReadString('\n')
		addrCh <- strings.TrimSpace(line)
	}()
	select {
	case addr := <-addrCh:
		if addr == "" {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
			return nil, fmt.Errorf("dbus-daemon printed no address")
		}
		return &Bus{Address: addr, cmd: cmd}, nil
	case <-time.After(10 * time.Second):
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		return nil, fmt.Errorf("dbus-daemon did not start within 10s")
	}
}

// Stop ends the daemon and waits for it. Safe to call twice.
func (b *Bus) Stop() {
	if b == nil || b.cmd == nil || b.cmd.Process == nil {
		return
	}
	_ = b.cmd.Process.Kill()
	_ = b.cmd.Wait()
	b.cmd = nil
}
