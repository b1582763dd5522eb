package settings

import (
	"context"
	"errors"
)

// TokenProblem explains a TokenStore error in one sentence for the user, for
// the settings window and the status bar; "" for nil and ErrNoToken (not a
// problem). sessionOnly says whether the token is nevertheless held for
// this session (TokenStore.SessionOnly), which changes the advice.
func TokenProblem(err error, sessionOnly bool) string {
	if err == nil || errors.Is(err, ErrNoToken) {
		return ""
	}
	var why string
	switch {
	case errors.Is(err, ErrInvalidToken):
		return "The token is not valid: it must be one line without spaces, at most 4096 bytes."
	case errors.Is(err, ErrKeyringLocked):
		why = "the system keyring is locked"
	case errors.Is(err, ErrKeyringTimeout):
		why = "the system keyring is not answering (it may be locked and waiting for a password)"
	case errors.Is(err, ErrKeyringUnavailable):
		why = "there is no system keyring (Secret Service) on this desktop"
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled):
		why = "the system keyring took too long"
	default:
		why = "the system keyring failed"
	}
	if sessionOnly {
		return "The token is kept for this session only: " + why + ". Unlock or install a keyring (e.g. GNOME Keyring) and save it again to keep it."
	}
	return "Cannot read the token: " + why + ". You can still enter a token in Settings; it will be kept for this session only."
}
