package settings

import "github.com/zalando/go-keyring"

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
