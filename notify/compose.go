package notify

import (
	"fmt"
	"time"

	"github.com/warpdesk/warpdesk/ops"
)

// oldAfter is the age from which a notification says how old an incident
// is: catch-up reveals incidents opened long before anyone is told, and
// "09:12" alone reads like news.
const oldAfter = 10 * time.Minute

// The tags of notifications that replace their predecessor on screen.
const (
	tagSummary    = "summary"
	tagDigest     = "digest"
	tagConnection = "connection" // the outage notice and the recovery that replaces it
	tagCatchUp    = "catchup"
)

// single composes the notification for one incident: summary "Severity:
// Title", body "room · time", and ", 2 h ago" when the incident is old.
func (e *engine) single(inc ops.Incident, now time.Time) Notification {
	title := cleanLine(inc.Title, MaxSummaryRunes)
	if title == "" {
		title = "New incident"
	}
	body := stamp(createdAt(inc, now), now)
	if ago, old := age(inc, now); old {
		body += ", " + ago
	}
	if room := cleanLine(inc.Room, 60); room != "" {
		body = room + " · " + body
	}
	return Notification{
		Summary: truncate(inc.Severity.Label()+": "+title, MaxSummaryRunes),
		Body:    truncate(body, MaxBodyRunes),
		Urgency: UrgencyOf(inc.Severity),
		Icon:    e.icon,
		ID:      inc.UUID,
	}
}

// stamp formats at for a body: "14:02", or "Jan 2 14:02" when at is not on
// now's calendar day, in now's location.
func stamp(at, now time.Time) string {
	at = at.In(now.Location())
	ay, am, ad := at.Date()
	ny, nm, nd := now.Date()
	if ay == ny && am == nm && ad == nd {
		return at.Format("15:04")
	}
	return at.Format("Jan 2 15:04")
}

// age says how long ago inc was opened ("25 min ago", "3 h ago", "2 days
// ago") and whether that is old enough to say (oldAfter).
func age(inc ops.Incident, now time.Time) (string, bool) {
	d := now.Sub(createdAt(inc, now))
	switch {
	case d < oldAfter:
		return "", false
	case d < time.Hour:
		return fmt.Sprintf("%d min ago", int(d/time.Minute)), true
	case d < 48*time.Hour:
		return fmt.Sprintf("%d h ago", int(d/time.Hour)), true
	}
	return fmt.Sprintf("%d days ago", int(d/(24*time.Hour))), true
}

// summary composes the notification for everything pending. A lone pending
// incident gets its ordinary notification.
func (e *engine) summary(now time.Time) Notification {
	p := &e.pend
	if p.total == 1 && len(p.listed) == 1 {
		return e.single(p.listed[0], now)
	}
	return Notification{
		Summary: fmt.Sprintf("%d new incidents", p.total) + p.critical(),
		Body:    cleanText(p.lines(time.Time{}), MaxBodyRunes),
		Urgency: p.worst,
		Icon:    e.icon,
		Tag:     tagSummary,
	}
}

// digest composes the one notification for what a silence held: "5
// incidents while notifications were paused, 1 critical", naming the most
// severe. Its urgency is the worst held incident's, so a critical incident
// that arrived during a pause stays on screen after it.
func (e *engine) digest() Notification {
	p := &e.held
	when := "while notifications were silenced"
	switch e.heldWhy {
	case silencePaused:
		when = "while notifications were paused"
	case silenceQuiet:
		when = "during quiet hours"
	}
	return Notification{
		Summary: fmt.Sprintf("%d %s %s", p.total, plural(p.total, "incident"), when) + p.critical(),
		Body:    cleanText(p.lines(time.Time{}), MaxBodyRunes),
		Urgency: p.worst,
		Icon:    e.icon,
		Tag:     tagDigest,
	}
}

// catchUp composes the one notification for more than a few incidents a
// catch-up revealed: "5 open incidents, 2 critical — opened while Warpdesk
// was offline", saying how old the old ones are.
func (e *engine) catchUp(p *pending, now time.Time) Notification {
	return Notification{
		Summary: truncate(fmt.Sprintf("%d open %s%s — opened while %s was offline",
			p.total, plural(p.total, "incident"), p.critical(), e.appName), MaxSummaryRunes),
		Body:    cleanText(p.lines(now), MaxBodyRunes),
		Urgency: p.worst,
		Icon:    e.icon,
		Tag:     tagCatchUp,
	}
}

// outageNotice says the connection is down: "Warpdesk is offline", or
// "Warpdesk cannot connect" when it never connected since it started.
func (e *engine) outageNotice(now time.Time) Notification {
	summary := e.appName + " is offline"
	body := fmt.Sprintf("No connection to the server since %s. New incidents cannot arrive until it is back; %s keeps trying.",
		stamp(e.out.since, now), e.appName)
	if !e.out.everUp {
		summary = e.appName + " cannot connect"
		body = fmt.Sprintf("No connection to the server since %s started (%s). Open incidents are unknown until it connects; %s keeps trying.",
			e.appName, stamp(e.out.since, now), e.appName)
	}
	return Notification{
		Summary: cleanLine(summary, MaxSummaryRunes),
		Body:    truncate(body, MaxBodyRunes),
		Urgency: Normal,
		Icon:    e.icon,
		Tag:     tagConnection,
	}
}

// backOnline replaces the outage notice once the connection is back: "Back
// online — 3 new while offline" (or "Connected — 5 open incidents" when it
// had never connected), listing what the catch-up found meanwhile.
func (e *engine) backOnline(since time.Time, wasUp bool, news *pending, now time.Time) Notification {
	summary := "Back online"
	if news.total > 0 {
		summary += fmt.Sprintf(" — %d new while offline", news.total) + news.critical()
	}
	body := fmt.Sprintf("Connected again at %s; offline since %s.", stamp(now, now), stamp(since, now))
	if !wasUp {
		summary = "Connected"
		if news.total > 0 {
			summary += fmt.Sprintf(" — %d open %s", news.total, plural(news.total, "incident")) + news.critical()
		}
		body = fmt.Sprintf("Connected at %s.", stamp(now, now))
	}
	if news.total > 0 {
		body = cleanText(news.lines(now), MaxBodyRunes)
	}
	return Notification{
		Summary: truncate(summary, MaxSummaryRunes),
		Body:    truncate(body, MaxBodyRunes),
		Urgency: news.worst,
		Icon:    e.icon,
		Tag:     tagConnection,
	}
}

// plural is noun, with an s unless n is 1.
func plural(n int, noun string) string {
	if n == 1 {
		return noun
	}
	return noun + "s"
}
