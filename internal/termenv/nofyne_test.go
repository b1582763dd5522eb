package termenv_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestCommandsNeedNoDisplay: the terminal commands must start where there
// is no display, so nothing they import may pull in Fyne or GL.
func TestCommandsNeedNoDisplay(t *testing.T) {
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command")
	}
	for _, pkg := range []string{"ack", "listen", "internal/termenv"} {
		out, err := exec.Command(goBin, "list", "-deps", "github.com/warpdesk/warpdesk/"+pkg).Output()
		if err != nil {
			t.Fatalf("go list %s: %v", pkg, err)
		}
		for _, dep := range strings.Fields(string(out)) {
			if strings.Contains(dep, "fyne") || strings.Contains(dep, "go-gl") {
				t.Errorf("%s depends on %s", pkg, dep)
			}
		}
	}
}
