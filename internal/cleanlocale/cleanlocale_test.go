package cleanlocale

import "testing"

func TestApply(t *testing.T) {
	for _, tc := range []struct {
		env  map[string]string
		want bool
	}{
		{map[string]string{"LANG": "C.UTF-8"}, true},
		{map[string]string{"LC_ALL": "POSIX.utf8", "LANG": "de_DE.UTF-8"}, true},
		{map[string]string{"LANG": "C"}, false}, // go-locale handles plain C itself
		{map[string]string{"LANG": "de_DE.UTF-8"}, false},
		{map[string]string{"LANG": "C.UTF-8", "LANGUAGE": "fr"}, false},
		{map[string]string{"LC_ALL": "en_GB.UTF-8", "LANG": "C.UTF-8"}, false},
		{map[string]string{}, false},
	} {
		set := map[string]string{}
		got := Apply(func(k string) string { return tc.env[k] }, func(k, v string) error { set[k] = v; return nil })
		if got != tc.want || (got && set["LANGUAGE"] != "en") || (!got && len(set) != 0) {
			t.Errorf("%v: Apply = %v, set %v", tc.env, got, set)
		}
	}
}
