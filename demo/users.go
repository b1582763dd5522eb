package demo

import (
	"crypto/subtle"
	"errors"
	"fmt"
	"sort"
	"strings"
	"unicode"

	"github.com/warpdesk/warpdesk/ops"
)

// DemoUser is the user the demo token (Options.Token) acts as, unless
// Options.Users names it otherwise.
const DemoUser = "demo"

// ErrUsers is matched (errors.Is) by ParseUsers' errors.
var ErrUsers = errors.New("demo: bad user list")

// ParseUsers reads a user list as `warpdesk serve -users` takes it:
// comma-separated name:token pairs, e.g. "alice:T1,bob:T2". It returns the
// token → name map for Options.Users. Names and tokens must be non-empty,
// without spaces, commas or control characters (a token may contain ':');
// a token may appear once; names are at most ops.MaxNameLen bytes. Empty
// input gives an empty map. The errors never contain a token.
func ParseUsers(list string) (map[string]string, error) {
	users := map[string]string{}
	if strings.TrimSpace(list) == "" {
		return users, nil
	}
	for i, pair := range strings.Split(list, ",") {
		name, token, ok := strings.Cut(strings.TrimSpace(pair), ":")
		switch {
		case !ok:
			return nil, fmt.Errorf("%w: entry %d is not name:token", ErrUsers, i+1)
		case !plainWord(name):
			return nil, fmt.Errorf("%w: entry %d: the name is empty or has spaces or control characters", ErrUsers, i+1)
		case len(name) > ops.MaxNameLen:
			return nil, fmt.Errorf("%w: entry %d: the name is longer than %d bytes", ErrUsers, i+1, ops.MaxNameLen)
		case !plainWord(token):
			return nil, fmt.Errorf("%w: user %s: the token is empty or has spaces or control characters", ErrUsers, name)
		}
		if prev, dup := users[token]; dup {
			return nil, fmt.Errorf("%w: users %s and %s have the same token", ErrUsers, prev, name)
		}
		users[token] = name
	}
	return users, nil
}

func plainWord(s string) bool {
	return s != "" && strings.IndexFunc(s, func(r rune) bool {
		return unicode.IsSpace(r) || unicode.IsControl(r) || r == unicode.ReplacementChar
	}) < 0
}

// usersWithDemo returns users with token added as DemoUser unless users
// already names it.
func usersWithDemo(users map[string]string, token string) map[string]string {
	out := make(map[string]string, len(users)+1)
	for tok, name := range users {
		out[tok] = name
	}
	if _, ok := out[token]; !ok {
		out[token] = DemoUser
	}
	return out
}

// otherTokens returns the accepted tokens other than the main one, sorted,
// for sockettest.Options.Tokens.
func (s *Server) otherTokens() []string {
	var out []string
	for tok := range s.users {
		if tok != s.opts.Token {
			out = append(out, tok)
		}
	}
	sort.Strings(out)
	return out
}

// userByToken returns the user a token belongs to, comparing against every
// token in constant time.
func (s *Server) userByToken(token string) (string, bool) {
	user := ""
	for tok, name := range s.users {
		if subtle.ConstantTimeCompare([]byte(token), []byte(tok)) == 1 {
			user = name
		}
	}
	return user, user != ""
}

// Users returns the names of the users the server accepts, sorted.
func (s *Server) Users() []string {
	out := make([]string, 0, len(s.users))
	for _, name := range s.users {
		out = append(out, name)
	}
	sort.Strings(out)
	return out
}

// UsersFlag is a flag.Value for `warpdesk serve -users alice:T1,bob:T2`:
// Set parses with ParseUsers (a repeated flag adds users), the map is
// Options.Users. String shows the user names, never the tokens.
type UsersFlag map[string]string

// Set adds the users of list (name:token,…).
func (u *UsersFlag) Set(list string) error {
	add, err := ParseUsers(list)
	if err != nil {
		return err
	}
	for tok, name := range add {
		if prev, dup := (*u)[tok]; dup && prev != name {
			return fmt.Errorf("%w: users %s and %s have the same token", ErrUsers, prev, name)
		}
	}
	if *u == nil {
		*u = UsersFlag{}
	}
	for tok, name := range add {
		(*u)[tok] = name
	}
	return nil
}

// String lists the user names, sorted; the tokens stay out of usage and
// error messages.
func (u *UsersFlag) String() string {
	if u == nil {
		return ""
	}
	names := make([]string, 0, len(*u))
	for _, name := range *u {
		names = append(names, name)
	}
	sort.Strings(names)
	return strings.Join(names, ",")
}
