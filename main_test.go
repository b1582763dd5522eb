package main

import (
	"os"
	"strings"
	"testing"
)

// TestMetadataMatchesFyneApp keeps main's fallback metadata and FyneApp.toml
// (what `fyne package` embeds) saying the same.
func TestMetadataMatchesFyneApp(t *testing.T) {
	data, err := os.ReadFile("FyneApp.toml")
	if err != nil {
		t.Fatal(err)
	}
	toml := string(data)
	m := metadata()
	for _, want := range []string{
		`ID = "` + m.ID + `"`,
		`Name = "` + m.Name + `"`,
		`Version = "` + m.Version + `"`,
		`Icon = "assets/icon.png"`,
		`fyneDo = true`,
	} {
		if !strings.Contains(toml, want) {
			t.Errorf("FyneApp.toml lacks %s", want)
		}
	}
	if m.Icon == nil || len(m.Icon.Content()) == 0 {
		t.Error("no icon in the metadata")
	}
}

func TestSplitList(t *testing.T) {
	got := splitList(" ops, ,payments,infra ,")
	if strings.Join(got, "|") != "ops|payments|infra" {
		t.Errorf("splitList = %q", got)
	}
}
