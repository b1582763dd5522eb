package window

import (
	"os"
	"strings"
	"testing"
)

// The fallback metadata says what FyneApp.toml (what `fyne package`
// embeds) says.
func TestMetadataMatchesFyneApp(t *testing.T) {
	data, err := os.ReadFile("../FyneApp.toml")
	if err != nil {
		t.Fatal(err)
	}
	toml := string(data)
	m := metadata()
	for _, want := range []string{`ID = "` + m.ID + `"`, `Name = "` + m.Name + `"`, `Version = "` + m.Version + `"`, `Icon = "assets/icon.png"`, `fyneDo = true`} {
		if !strings.Contains(toml, want) {
			t.Errorf("FyneApp.toml lacks %s", want)
		}
	}
	if m.Icon == nil || len(m.Icon.Content()) == 0 {
		t.Error("no icon in the metadata")
	}
}
