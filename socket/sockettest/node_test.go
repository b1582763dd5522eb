package sockettest_test

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/warpdesk/warpdesk/socket/sockettest"
)

// nodeRefusals connects to argv[2] argv[3] times in a row with Node's ws
// module; each time it sends a wrong token, then keeps writing until the
// connection closes, and records the close code it saw. It prints the codes
// as a JSON array.
const nodeRefusals = `
const WebSocket = require('ws');
const [url, rounds] = [process.argv[2], +process.argv[3]];
const codes = [];
function round() {
  if (codes.length === rounds) { console.log(JSON.stringify(codes)); return; }
  const ws = new WebSocket(url);
  let pump;
  ws.on('open', () => {
    ws.send(JSON.stringify({type: 'auth', token: 'wrong'}));
    const chatter = JSON.stringify({type: 'chatter', fill: 'x'.repeat(512)});
    const write = () => {
      if (ws.readyState !== WebSocket.OPEN) return;
      ws.send(chatter);
      pump = setImmediate(write);
    };
    write();
  });
  ws.on('error', () => {});
  ws.on('close', (code) => { clearImmediate(pump); codes.push(code); round(); });
}
round();
`

// nodeWithWS returns the node binary and an environment in which
// require('ws') works, or skips the test saying what is missing.
func nodeWithWS(t *testing.T) (string, []string) {
	t.Helper()
	nodeOnce.Do(findNode)
	if nodeSkip != "" {
		t.Skip(nodeSkip)
	}
	return nodeBin, nodeEnv
}

var (
	nodeOnce sync.Once
	nodeBin  string
	nodeEnv  []string
	nodeSkip string // why the Node tests cannot run, if they cannot
)

// findNode looks for node, and for the ws module on NODE_PATH or among
// npm's global modules, once for all the tests.
func findNode() {
	var err error
	if nodeBin, err = exec.LookPath("node"); err != nil {
		nodeSkip = "node is not installed; skipping the test against Node's ws client"
		return
	}
	paths := filepath.SplitList(os.Getenv("NODE_PATH"))
	if npm, err := exec.LookPath("npm"); err == nil {
		if out, err := exec.Command(npm, "root", "-g").Output(); err == nil {
			paths = append(paths, strings.TrimSpace(string(out)))
		}
	}
	nodeEnv = append(os.Environ(), "NODE_PATH="+strings.Join(paths, string(filepath.ListSeparator)))
	check := exec.Command(nodeBin, "-e", "require('ws')")
	check.Env = nodeEnv
	if err := check.Run(); err != nil {
		nodeSkip = "Node's ws module is missing (npm install -g ws); skipping the test against it"
	}
}

// TestNodeWSClientSeesTheRefusal: Node's ws client, still writing when the
// server refuses its token, must see 4001, not 1006 (it used to in most
// tries, because the server closed TCP right after its close frame).
func TestNodeWSClientSeesTheRefusal(t *testing.T) {
	node, env := nodeWithWS(t)
	srv := sockettest.Start(t, sockettest.Options{Token: "secret"})
	script := filepath.Join(t.TempDir(), "refusals.js")
	if err := os.WriteFile(script, []byte(nodeRefusals), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	const rounds = 20
	cmd := exec.CommandContext(ctx, node, script, srv.URL(), strconv.Itoa(rounds))
	cmd.Env = env
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("node: %v\n%s", err, out)
	}
	var codes []int
	if err := json.Unmarshal(out, &codes); err != nil {
		t.Fatalf("node printed %q: %v", out, err)
	}
	if len(codes) != rounds || slices.ContainsFunc(codes, func(c int) bool { return c != 4001 }) {
		t.Fatalf("close codes %v, want 4001 every time", codes)
	}
}

// nodeWarpKitOrder connects to argv[2] with Node's ws module as WarpKit's
// SocketClient does: on open, the room join, then auth a moment later (its
// Connected handler awaits a token). It prints the name of the first
// envelope it receives and closes.
const nodeWarpKitOrder = `
const WebSocket = require('ws');
const ws = new WebSocket(process.argv[2]);
ws.on('open', () => {
  ws.send(JSON.stringify({type: 'room.join', room: 'ops'}));
  setTimeout(() => ws.send(JSON.stringify({type: 'auth', token: 'secret'})), 20);
});
ws.on('message', (data) => {
  if (String(data) === '3') return;
  console.log(JSON.parse(data).name);
  ws.close(1000);
});
ws.on('close', (code) => { if (code !== 1000 && code !== 1005) console.log('closed ' + code); });
`

// TestNodeWSClientInWarpKitOrder: Node's ws client, joining before it
// authenticates, is let in and gets what is broadcast to its room.
func TestNodeWSClientInWarpKitOrder(t *testing.T) {
	node, env := nodeWithWS(t)
	srv := sockettest.Start(t, sockettest.Options{Token: "secret"})
	script := filepath.Join(t.TempDir(), "warpkit.js")
	if err := os.WriteFile(script, []byte(nodeWarpKitOrder), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, script, srv.URL())
	cmd.Env = env
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	joined := func() bool {
		ids := srv.ConnIDs()
		return len(ids) == 1 && slices.Equal(srv.Rooms(ids[0]), []string{"ops"})
	}
	for !joined() {
		select {
		case err := <-done:
			t.Fatalf("node exited before joining: %v\n%s", err, out.String())
		case <-time.After(5 * time.Millisecond):
		}
	}
	if err := srv.Broadcast("ops", "hello", 1); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil || strings.TrimSpace(out.String()) != "hello" {
		t.Fatalf("node: %v, printed %q; want hello", err, out.String())
	}
}
