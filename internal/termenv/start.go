package termenv

import (
	"errors"
	"flag"
	"fmt"
	"io"
)

// ExitUsage is the exit code of every terminal command for a bad command
// line or server URL: nothing was dialled.
const ExitUsage = 2

// Start is how a terminal command begins: parse reads the command line
// (printing flag problems and -h's usage itself) and returns the
// command's configuration and connection flags, then Resolve finds the
// server. done says the command must end now with code: 0 after -h,
// ExitUsage with the problem printed as "cmd: …" otherwise.
func Start[C any](cmd string, env Env, stderr io.Writer, parse func() (C, Flags, error)) (c C, t Target, code int, done bool) {
	c, f, err := parse()
	if errors.Is(err, flag.ErrHelp) {
		return c, t, 0, true
	}
	if err == nil {
		t, err = Resolve(f, env, cmd, stderr)
	}
	if err != nil {
		return c, t, Fail(stderr, cmd, ExitUsage, "%v", err), true
	}
	return c, t, 0, false
}

// Fail prints "cmd: " and the message to w as one line and returns code.
func Fail(w io.Writer, cmd string, code int, format string, a ...any) int {
	fmt.Fprintf(w, cmd+": "+format+"\n", a...)
	return code
}

// ErrBadCommandLine is Parse's error for a command line the flag package
// refused (it has printed why).
var ErrBadCommandLine = errors.New("bad command line (see -h)")

// FlagSet returns a terminal command's flag set: problems and -h's usage
// (the usage line, then the flags) go to out, and f holds the connection
// flags (Flags.Register).
func FlagSet(cmd, usage string, f *Flags, getenv func(string) string, out io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(cmd, flag.ContinueOnError)
	fs.SetOutput(out)
	fs.Usage = func() {
		fmt.Fprintln(out, "usage: "+usage)
		fs.PrintDefaults()
	}
	f.Register(fs, getenv)
	return fs
}

// Parse parses args with fs: nil, flag.ErrHelp for -h, or ErrBadCommandLine.
func Parse(fs *flag.FlagSet, args []string) error {
	err := fs.Parse(args)
	if err != nil && !errors.Is(err, flag.ErrHelp) {
		return ErrBadCommandLine
	}
	return err
}
