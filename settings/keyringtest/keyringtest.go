// Package keyringtest runs a real Secret Service for tests: a private D-Bus
// session bus (internal/dbustest) with gnome-keyring-daemon on it, so that code
// using github.com/zalando/go-keyring is tested against the real daemon without
// touching the machine's own keyring. Memory is the in-memory keyring for
// the tests that need a token store but not the daemon.
//
// The helpers change the process environment (DBUS_SESSION_BUS_ADDRESS,
// XDG_DATA_HOME, XDG_RUNTIME_DIR) with t.Setenv, so tests that use them cannot
// run in parallel.
//
// go-keyring talks over godbus's shared session-bus connection
// (dbus.SessionBus), which is opened once per process and kept. Each helper
// closes that shared connection when its test ends, so the next test's bus is
// dialled afresh. Do not leave a keyring call running past the end of a test:
// go-keyring dereferences a nil signal if the connection closes while it waits
// for a prompt.
package keyringtest

import (
	"bytes"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"

	"github.com/warpdesk/warpdesk/internal/dbustest"
)

// Password unlocks the test keyring that Start creates.
const Password = "warpdesk-test-keyring"

const (
	secretsName  = "org.freedesktop.secrets"
	secretsPath  = "/org/freedesktop/secrets"
	defaultAlias = "/org/freedesktop/secrets/aliases/default"
)

// Service is a gnome-keyring-daemon serving org.freedesktop.secrets on a
// private session bus.
type Service struct {
	// Bus is the private session bus; DBUS_SESSION_BUS_ADDRESS points at it
	// for the rest of the test.
	Bus *dbustest.Bus
	// DataDir is the fresh XDG_DATA_HOME; the keyring files live in
	// DataDir/keyrings.
	DataDir string

	cmd    *exec.Cmd
	stderr *bytes.Buffer
}

// StartBus starts a private session bus with no Secret Service on it and
// points DBUS_SESSION_BUS_ADDRESS at it: the "no keyring on this desktop"
// case. It skips the test when dbus-daemon is not installed.
func StartBus(t testing.TB) *dbustest.Bus {
	t.Helper()
	bus := dbustest.Start(t, dbustest.Session)
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", bus.Address)
	t.Setenv("XDG_DATA_HOME", t.TempDir())
	runtime := t.TempDir()
	if err := os.Chmod(runtime, 0o700); err != nil {
		t.Fatal(err)
	}
	t.Setenv("XDG_RUNTIME_DIR", runtime)
	t.Cleanup(closeSharedSessionBus)
	return bus
}

// Start starts a private session bus and an unlocked gnome-keyring-daemon on
// it (a fresh "login" keyring protected by Password), waits until
// org.freedesktop.secrets has an owner, and stops both when the test ends. It
// skips the test when gnome-keyring-daemon or dbus-daemon is not installed.
func Start(t testing.TB) *Service {
	t.Helper()
	return start(t, true)
}

// StartLocked is Start without unlocking: the daemon has no unlocked login
// keyring, as after a login that did not unlock it, and every go-keyring call
// wants an unlock prompt that no one can answer on the private bus (it fails
// at once with "failed to unlock correct collection").
func StartLocked(t testing.TB) *Service {
	t.Helper()
	return start(t, false)
}

func start(t testing.TB, unlock bool) *Service {
	t.Helper()
	bin, err := exec.LookPath("gnome-keyring-daemon")
	if err != nil {
		t.Skipf("keyringtest: no gnome-keyring-daemon on this machine (apt-get install gnome-keyring): %v", err)
	}
	bus := StartBus(t)
	s := &Service{Bus: bus, DataDir: os.Getenv("XDG_DATA_HOME"), stderr: new(bytes.Buffer)}

	args := []string{"--foreground", "--components=secrets"}
	if unlock {
		args = append(args, "--unlock")
	}
	cmd := exec.Command(bin, args...)
	if unlock {
		cmd.Stdin = strings.NewReader(Password)
	}
	cmd.Stdout = s.stderr
	cmd.Stderr = s.stderr
	// No DISPLAY and no outer bus: the daemon must never reach a real
	// prompter or the user's session.
	cmd.Env = filterEnv(os.Environ(), "DISPLAY", "WAYLAND_DISPLAY")
	if err := cmd.Start(); err != nil {
		t.Fatalf("keyringtest: start gnome-keyring-daemon: %v", err)
	}
	s.cmd = cmd
	t.Cleanup(s.stop)

	conn := s.conn(t)
	deadline := time.Now().Add(10 * time.Second)
	for {
		var has bool
		err := conn.BusObject().Call("org.freedesktop.DBus.NameHasOwner", 0, secretsName).Store(&has)
		if err == nil && has {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("keyringtest: %s got no owner within 10s (err %v); daemon output:\n%s", secretsName, err, s.stderr)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if !unlock {
		return s
	}
	// The login keyring is created on first use; make sure it exists and is
	// unlocked before the test starts.
	if err := conn.Object(secretsName, secretsPath).Call("org.freedesktop.Secret.Service.ReadAlias", 0, "default").Err; err != nil {
		t.Fatalf("keyringtest: ReadAlias: %v", err)
	}
	return s
}

// Lock locks the default collection, as a screen locker or a timeout would.
// Afterwards every go-keyring call needs an unlock prompt, which no one can
// answer on the private bus.
func (s *Service) Lock(t testing.TB) {
	t.Helper()
	conn := s.conn(t)
	svc := conn.Object(secretsName, secretsPath)
	var coll dbus.ObjectPath
	if err := svc.Call("org.freedesktop.Secret.Service.ReadAlias", 0, "default").Store(&coll); err != nil {
		t.Fatalf("keyringtest: ReadAlias: %v", err)
	}
	if coll == "/" {
		t.Fatalf("keyringtest: no default collection to lock")
	}
	var locked []dbus.ObjectPath
	var prompt dbus.ObjectPath
	if err := svc.Call("org.freedesktop.Secret.Service.Lock", 0, []dbus.ObjectPath{coll}).Store(&locked, &prompt); err != nil {
		t.Fatalf("keyringtest: Lock: %v", err)
	}
	if prompt != "/" {
		t.Fatalf("keyringtest: Lock wants a prompt (%s)", prompt)
	}
}

// Files returns the concatenated contents of every file under DataDir, for
// checks that a secret never landed on disk in the clear.
func (s *Service) Files(t testing.TB) []byte {
	t.Helper()
	return readTree(t, s.DataDir)
}

func (s *Service) conn(t testing.TB) *dbus.Conn {
	t.Helper()
	conn, err := dbus.Connect(s.Bus.Address)
	if err != nil {
		t.Fatalf("keyringtest: connect to private bus: %v", err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	return conn
}

func (s *Service) stop() {
	if s.cmd == nil || s.cmd.Process == nil {
		return
	}
	_ = s.cmd.Process.Kill()
	_ = s.cmd.Wait()
	s.cmd = nil
}

// closeSharedSessionBus closes godbus's shared session connection (the one
// go-keyring uses) while DBUS_SESSION_BUS_ADDRESS still names this test's
// bus, so the next dbus.SessionBus call dials whatever bus is current then.
func closeSharedSessionBus() {
	if c, err := dbus.SessionBus(); err == nil {
		_ = c.Close()
	}
}

func filterEnv(env []string, drop ...string) []string {
	out := env[:0:0]
next:
	for _, kv := range env {
		for _, d := range drop {
			if strings.HasPrefix(kv, d+"=") {
				continue next
			}
		}
		out = append(out, kv)
	}
	return out
}

func readTree(t testing.TB, dir string) []byte {
	t.Helper()
	var all []byte
	err := walk(dir, func(path string) error {
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		all = append(all, b...)
		return nil
	})
	if err != nil {
		t.Fatalf("keyringtest: read %s: %v", dir, err)
	}
	return all
}

func walk(dir string, fn func(string) error) error {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	for _, e := range ents {
		p := dir + string(os.PathSeparator) + e.Name()
		switch {
		case e.IsDir():
			if err := walk(p, fn); err != nil {
				return err
			}
		case e.Type().IsRegular():
			if err := fn(p); err != nil {
				return err
			}
		}
	}
	return nil
}
