package ops

// Severity of an incident: the one severity type of Warpdesk. The wire, the
// store, the notification rules and the settings file all use it, with the
// one ordering Rank defines, so no layer converts it through strings.
type Severity string

// The severities an incident can have, most severe first.
const (
	Critical Severity = "critical"
	Warning  Severity = "warning"
	Info     Severity = "info"
)

// Valid reports whether s is one of Critical, Warning, Info.
func (s Severity) Valid() bool { return s == Critical || s == Warning || s == Info }

// Rank is the one ordering of severities, most severe first: critical 0,
// warning 1, info 2, anything else (invalid, or the zero Severity) 3. Sort
// by ascending Rank to list the most severe first.
func (s Severity) Rank() int {
	switch s {
	case Critical:
		return 0
	case Warning:
		return 1
	case Info:
		return 2
	}
	return 3
}

// AtLeast reports whether s is as severe as min or more. Every severity is
// at least the zero Severity, so a zero threshold lets everything through;
// an invalid s is below Info.
func (s Severity) AtLeast(min Severity) bool { return s.Rank() <= min.Rank() }

// Label is the capitalised word for people: "Critical", "Warning", "Info";
// "Unknown" for anything else.
func (s Severity) Label() string {
	switch s {
	case Critical:
		return "Critical"
	case Warning:
		return "Warning"
	case Info:
		return "Info"
	}
	return "Unknown"
}
