package socket_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/warpdesk/warpdesk/socket"
	"github.com/warpdesk/warpdesk/socket/sockettest"
)

// TestFramesOfEverySizeArriveIntactAndStayIntact floods frames from a few
// bytes to several times the reader's block size, keeps every envelope, and
// checks each one after all have arrived: a reader that reused its buffers
// would have overwritten the early ones.
func TestFramesOfEverySizeArriveIntactAndStayIntact(t *testing.T) {
	srv := sockettest.Start(t, sockettest.Options{})
	c := newClient(t, srv.URL(), fast())
	type blob struct {
		N    int    `json:"n"`
		Fill string `json:"fill"`
	}
	msg := socket.Define[blob]("blob")
	var kept recorder[socket.Envelope]
	var vals recorder[blob]
	socket.On(c, msg, func(b blob, env socket.Envelope) { kept.add(env); vals.add(b) })
	var errs recorder[error]
	c.OnError(errs.add)
	c.Connect()
	waitLive(t, c, srv)

	sizes := []int{0, 1, 100, 4000, 20000, 32700, 32768, 40000, 70000, 150000, 3, 5}
	var want []string
	for round := 0; round < 20; round++ {
		for i, n := range sizes {
			b := blob{N: round*100 + i, Fill: strings.Repeat(string(rune('a'+i)), n)}
			frame, _ := sockettest.Envelope("blob", b)
			want = append(want, string(frame))
			if err := srv.BroadcastRaw("", frame); err != nil {
				t.Fatal(err)
			}
		}
	}
	eventually(t, 5*time.Second, "all frames", func() bool { return kept.len() == len(want) })
	for i, env := range kept.get() {
		v := vals.get()[i]
		wantFill := strings.Repeat(string(rune('a'+i%len(sizes))), sizes[i%len(sizes)])
		if v.N != i/len(sizes)*100+i%len(sizes) || v.Fill != wantFill {
			t.Fatalf("message %d decoded wrong: n=%d len=%d", i, v.N, len(v.Fill))
		}
		if !bytes.Contains([]byte(want[i]), env.Data) || !bytes.Contains(env.Data, []byte(fmt.Sprintf(`"n":%d`, v.N))) {
			t.Fatalf("kept envelope %d changed after delivery: %.80q", i, env.Data)
		}
	}
	if len(errs.get()) > 0 {
		t.Fatalf("errors: %v", errs.get())
	}
}
