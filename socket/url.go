package socket

import (
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
)

// serverURL checks that raw is a URL a dial can ever succeed with and
// returns it with the form shown in errors and logs (without credentials,
// query or fragment). Its errors match ErrInvalidURL and never repeat a
// password: they show the redacted URL.
func serverURL(raw string) (*url.URL, string, error) {
	shown := redactURL(raw)
	bad := func(why string) error { return fmt.Errorf("%w: %q: %s", ErrInvalidURL, shown, why) }
	u, err := url.Parse(raw)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // ue.Error() repeats the raw URL
		}
		if strings.Contains(shown, "…@") {
			return nil, "", bad(err.Error() + "; " + credentialsHint)
		}
		return nil, "", bad(err.Error())
	}
	switch {
	case u.Scheme != "ws" && u.Scheme != "wss":
		return nil, "", bad("scheme must be ws or wss")
	case u.Opaque != "" || u.Host == "":
		return nil, "", bad("no host")
	case u.User != nil:
		return nil, "", bad(credentialsHint)
	case u.Hostname() == "":
		return nil, "", bad("no host name")
	}
	if strings.HasSuffix(u.Host, ":") {
		return nil, "", bad("empty port")
	}
	if p := u.Port(); p != "" {
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
			return nil, "", bad("port " + p + " is not in 1-65535")
		}
	}
	s := *u
	s.User, s.RawQuery, s.ForceQuery, s.Fragment, s.RawFragment = nil, "", false, "", ""
	return u, s.String(), nil
}

const credentialsHint = "credentials are not allowed in a WebSocket URL (the dialer refuses it); " +
	"send them with Options.Header or Options.Handshake"

// redactURL returns raw without the userinfo, query and fragment, found by
// hand so that it works on URLs url.Parse refuses as well.
func redactURL(raw string) string {
	if i := strings.IndexAny(raw, "?#"); i >= 0 {
		raw = raw[:i]
	}
	rest, scheme := raw, ""
	if i := strings.Index(raw, "//"); i >= 0 {
		scheme, rest = raw[:i+2], raw[i+2:]
	}
	authority, path := rest, ""
	if i := strings.IndexByte(rest, '/'); i >= 0 {
		authority, path = rest[:i], rest[i:]
	}
	if i := strings.LastIndexByte(authority, '@'); i >= 0 {
		authority = "…@" + authority[i+1:]
	}
	return scheme + authority + path
}
