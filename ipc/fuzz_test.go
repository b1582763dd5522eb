package ipc_test

import (
	"context"
	"io"
	"strings"
	"testing"

	"github.com/warpdesk/warpdesk/ipc"
)

// FuzzInput feeds arbitrary bytes to both ends: the link ends with an
// error, never a panic, and never more than MaxLine is buffered.
func FuzzInput(f *testing.F) {
	for _, tc := range badLines {
		f.Add(tc.line)
	}
	f.Add(`{"t":"state","state":{"Incidents":[{"uuid":"u","severity":"critical"}],"Version":3}}` + "\n" + `{"t":"show"}` + "\n")
	f.Add(`{"t":"pause","until":"2026-12-01T19:00:00Z"}` + "\n" + `{"t":"ack","uuid":"u1"}` + "\n")
	f.Fuzz(func(t *testing.T, in string) {
		opts := ipc.Options{MaxLine: 1024}
		if err := ipc.NewServer(newSource(), nil, opts).Run(context.Background(), strings.NewReader(in), io.Discard); err == nil {
			t.Fatal("Run ended without an error")
		}
		rm := ipc.NewRemote(strings.NewReader(in), io.Discard, opts)
		<-rm.Done()
		rm.Close()
		if rm.Err() == nil {
			t.Fatal("the link ended without an error")
		}
	})
}
