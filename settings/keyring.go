package settings

import (
	"sync"

	"github.com/zalando/go-keyring"
)

// Keyring is the keyring backend: github.com/zalando/go-keyring's API.
// Get and Delete return keyring.ErrNotFound when there is no such secret.
type Keyring interface {
	Get(service, user string) (string, error)
	Set(service, user, password string) error
	Delete(service, user string) error
}

// OSKeyring is the system keyring through go-keyring's package functions
// (so keyring.MockInit in tests replaces it too).
type OSKeyring struct{}

func (OSKeyring) Get(service, user string) (string, error) { return keyring.Get(service, user) }
func (OSKeyring) Set(service, user, pw string) error       { return keyring.Set(service, user, pw) }
func (OSKeyring) Delete(service, user string) error        { return keyring.Delete(service, user) }

// MemoryKeyring is a Keyring that keeps secrets in memory, for tests (the
// demo's token needs no keyring: ResolveToken hands it over directly). The
// zero value is ready to use and it is safe for concurrent use.
type MemoryKeyring struct {
	mu sync.Mutex
	m  map[string]string
}

func (k *MemoryKeyring) Get(service, user string) (string, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	v, ok := k.m[service+"\x00"+user]
	if !ok {
		return "", keyring.ErrNotFound
	}
	return v, nil
}

func (k *MemoryKeyring) Set(service, user, password string) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.m == nil {
		k.m = map[string]string{}
	}
	k.m[service+"\x00"+user] = password
	return nil
}

func (k *MemoryKeyring) Delete(service, user string) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	if _, ok := k.m[service+"\x00"+user]; !ok {
		return keyring.ErrNotFound
	}
	delete(k.m, service+"\x00"+user)
	return nil
}

// String hides the contents.
func (k *MemoryKeyring) String() string { return "settings.MemoryKeyring{…}" }

// GoString hides the contents.
func (k *MemoryKeyring) GoString() string { return k.String() }
