package keyringtest

import (
	"sync"

	"github.com/zalando/go-keyring"
)

// Memory is a settings.Keyring that keeps secrets in memory: for tests
// that need a token store but not the real Secret Service (Start gives
// that one). Get and Delete return keyring.ErrNotFound for a missing
// secret, as the OS keyring does. The zero value is ready to use and it
// is safe for concurrent use.
type Memory struct {
	mu sync.Mutex
	m  map[string]string
}

// Get returns the secret stored for service and user.
func (k *Memory) Get(service, user string) (string, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	v, ok := k.m[service+"\x00"+user]
	if !ok {
		return "", keyring.ErrNotFound
	}
	return v, nil
}

// Set stores password for service and user.
func (k *Memory) Set(service, user, password string) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.m == nil {
		k.m = map[string]string{}
	}
	k.m[service+"\x00"+user] = password
	return nil
}

// Delete removes the secret stored for service and user.
func (k *Memory) Delete(service, user string) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	if _, ok := k.m[service+"\x00"+user]; !ok {
		return keyring.ErrNotFound
	}
	delete(k.m, service+"\x00"+user)
	return nil
}

// String hides the contents, so a test's failure message never prints a
// token.
func (k *Memory) String() string { return "keyringtest.Memory{…}" }

// GoString hides the contents.
func (k *Memory) GoString() string { return k.String() }
