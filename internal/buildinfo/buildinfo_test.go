package buildinfo

import (
	"bufio"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// details reads the [Details] table of FyneApp.toml: key = value lines,
// strings unquoted.
func details(t *testing.T) map[string]string {
	t.Helper()
	f, err := os.Open(filepath.Join("..", "..", "FyneApp.toml"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	got := map[string]string{}
	in := false
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if strings.HasPrefix(line, "[") {
			in = line == "[Details]"
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if !in || !ok {
			continue
		}
		v = strings.TrimSpace(v)
		if u, err := strconv.Unquote(v); err == nil {
			v = u
		}
		got[strings.TrimSpace(k)] = v
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return got
}

func TestMatchesFyneApp(t *testing.T) {
	d := details(t)
	for key, want := range map[string]string{
		"Name":    Name,
		"ID":      ID,
		"Version": Version,
		"Build":   strconv.Itoa(Build),
	} {
		if d[key] != want {
			t.Errorf("FyneApp.toml says %s = %q, buildinfo says %q", key, d[key], want)
		}
	}
}
