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
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node is not installed; skipping the test against Node's ws client")
	}
	paths := filepath.SplitList(os.Getenv("NODE_PATH"))
	if npm, err := exec.LookPath("npm"); err == nil {
		if out, err := exec.Command(npm, "root", "-g").Output(); err == nil {
			paths = append(paths, strings.TrimSpace(string(out)))
		}
	}
	env := append(os.Environ(), "NODE_PATH="+strings.Join(paths, string(filepath.ListSeparator)))
	check := exec.Command(node, "-e", "require('ws')")
	check.Env = env
	if err := check.Run(); err != nil {
		t.Skip("Node's ws module is missing (npm install -g ws); skipping the test against it")
	}
	return node, env
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
