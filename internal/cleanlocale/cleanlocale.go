// Package cleanlocale keeps Fyne from logging "Fyne error: Error parsing
// user locale C" at the start of every Warpdesk process when the locale is
// C.UTF-8 (or POSIX.UTF-8), as in containers and CI.
//
// Why: Fyne's lang package reads the locale while it initialises (its
// init → AddTranslationsFS → updateLocalizer), through
// github.com/jeandeaual/go-locale, which treats "C" and "POSIX" as "no
// locale" but passes "C.UTF-8" on as the language tag "C", which
// golang.org/x/text cannot parse; Fyne logs that and falls back to
// English. The binary links Fyne for its window process, so the agent and
// `warpdesk serve` print it too.
//
// What: when LC_ALL, else LC_MESSAGES, else LANG is C or POSIX with an
// encoding (C.UTF-8) and LANGUAGE is unset, set LANGUAGE=en, which
// go-locale reads instead: Fyne gets the English it would fall back to,
// and nothing else changes (LC_* and LANG, which C libraries use for the
// character set, are left alone; gettext ignores LANGUAGE in the C locale).
//
// It must run before Fyne's lang package initialises, so main imports it
// for its side effect and it imports only os and strings: Go initialises
// packages in import-path order among those whose imports are ready, and
// this one sorts before golang.org/x/text, on which Fyne's lang depends.
package cleanlocale

import (
	"os"
	"strings"
)

func init() { Apply(os.Getenv, os.Setenv) }

// Apply sets LANGUAGE=en through setenv when the locale that getenv
// reports is C or POSIX with an encoding and LANGUAGE is unset. It
// reports whether it did.
func Apply(getenv func(string) string, setenv func(string, string) error) bool {
	loc := ""
	for _, k := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if loc = getenv(k); loc != "" {
			break
		}
	}
	base, _, hasEncoding := strings.Cut(loc, ".")
	if !hasEncoding || (base != "C" && base != "POSIX") || getenv("LANGUAGE") != "" {
		return false
	}
	return setenv("LANGUAGE", "en") == nil
}
