package settings

import (
	"sync"

	"github.com/zalando/go-keyring"
)

// MemoryKeyring is a Keyring that keeps secrets in memory, for tests and
// demo mode (so a demo token never reaches the real keyring). The zero value
// is ready to use and it is safe for concurrent use.
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
