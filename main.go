// Command warpdesk is the Warpdesk desktop app: a quiet background agent
// that keeps the connection to the operations server, notifies and shows
// a tray icon, and a dashboard window it starts on demand.
//
//	warpdesk                        the agent (demo mode when no server is configured)
//	warpdesk -server wss://host/ws  the agent on a real server (token: OS keyring, or $WARPDESK_TOKEN for it only)
//	warpdesk serve -addr 127.0.0.1:8088   only the demo server, for several agents to share
//	warpdesk listen                 incidents as lines on a terminal, no window, no tray
//	warpdesk ack UUID…              acknowledge incidents from a terminal
//	warpdesk window                 the window process (the agent starts it)
package main

import (
	"os"

	"github.com/warpdesk/warpdesk/ack"
	"github.com/warpdesk/warpdesk/agent"
	_ "github.com/warpdesk/warpdesk/internal/cleanlocale" // before Fyne's lang initialises: see its doc
	"github.com/warpdesk/warpdesk/listen"
	"github.com/warpdesk/warpdesk/window"
)

// commands are the subcommands; anything else runs the agent.
var commands = map[string]func(args []string) int{
	"serve":             agent.Serve,
	agent.WindowCommand: window.Main,
	"ack":               func(args []string) int { return ack.Main(args, os.Stdout, os.Stderr) },
	"listen":            func(args []string) int { return listen.Main(args, os.Stdout, os.Stderr) },
}

func main() {
	if len(os.Args) > 1 {
		if run, ok := commands[os.Args[1]]; ok {
			os.Exit(run(os.Args[2:]))
		}
	}
	os.Exit(agent.Main(os.Args[1:]))
}
