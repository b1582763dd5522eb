package listen_test

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/warpdesk/warpdesk/demo"
	"github.com/warpdesk/warpdesk/internal/termenv"
	"github.com/warpdesk/warpdesk/listen"
	"github.com/warpdesk/warpdesk/ops"
)

// firstLine passes what is written to w and cancels after the first write.
type firstLine struct {
	w      io.Writer
	cancel context.CancelFunc
}

func (f firstLine) Write(b []byte) (int, error) {
	defer f.cancel()
	return f.w.Write(b)
}

// Listen to a demo server with the token in $WARPDESK_TOKEN, as
// `WARPDESK_TOKEN=T1 warpdesk listen -server URL -rooms ops` does, until
// the first line (here; SIGINT or SIGTERM in Main).
func ExampleRun() {
	srv, err := demo.Start(context.Background(), "127.0.0.1:0", demo.Options{
		Interval: -1, Initial: -1, Users: map[string]string{"T1": "alice"},
		Now: func() time.Time { return time.Date(2026, 12, 1, 17, 31, 42, 0, time.UTC) },
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer srv.Close()
	srv.Create(ops.Incident{Title: "Duplicate charges reported for PayPal", Severity: ops.Critical, Room: "payments"})

	ctx, cancel := context.WithCancel(context.Background())
	env := listen.Env{
		Env:      termenv.Env{Getenv: func(k string) string { return map[string]string{"WARPDESK_TOKEN": "T1"}[k] }},
		Location: time.UTC,
	}
	code := listen.Run(ctx, []string{"-server", srv.URL(), "-rooms", "payments"}, firstLine{os.Stdout, cancel}, io.Discard, env)
	fmt.Println("exit", code)
	// Output:
	// 17:31:42 CRITICAL payments Duplicate charges reported for PayPal (caught up)
	// exit 0
}
