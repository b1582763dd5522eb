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
	tagReAlert    = "realert" // re-alerts of several incidents at once
)

// single composes the notification for one incident of server: summary
// "Severity: Title", body "server · room · time" (the server named only
// when several are watched), and ", 2 h ago" when the incident is old.
func (e *engine) single(server string, inc ops.Incident, now time.Time) Notification {
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
	if name := cleanLine(e.label(server), 60); name != "" {
		body = name + " · " + body
	}
	u := UrgencyOf(inc.Severity)
	return Notification{
		Summary: truncate(inc.Severity.Label()+": "+title, MaxSummaryRunes),
		Body:    truncate(body, MaxBodyRunes),
		Urgency: u,
		Icon:    e.icon,
		ID:      inc.UUID,
		Server:  server,
		Sound:   e.sound(u, SoundCritical),
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
		return e.single(p.listed[0].server, p.listed[0].Incident, now)
	}
	return Notification{
		Summary: fmt.Sprintf("%d new %s", p.total, plural(p.total, "incident")) + p.critical(),
		Body:    cleanText(p.lines(time.Time{}), MaxBodyRunes),
		Urgency: p.worst,
		Icon:    e.icon,
		Tag:     tagSummary,
		Sound:   e.sound(p.worst, SoundCritical),
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
		Sound:   e.sound(p.worst, SoundCritical),
	}
}

// catchUp composes the one notification for more than a few incidents a
// catch-up of server revealed: "5 open incidents, 2 critical — opened
// while Warpdesk was offline" ("5 open incidents on Production, …" with
// several servers), saying how old the old ones are.
func (e *engine) catchUp(server string, p *pending, now time.Time) Notification {
	on := ""
	if name := e.label(server); name != "" {
		on = " on " + cleanLine(name, 60)
	}
	return Notification{
		Summary: truncate(fmt.Sprintf("%d open %s%s%s — opened while %s was offline",
			p.total, plural(p.total, "incident"), on, p.critical(), e.appName), MaxSummaryRunes),
		Body:    cleanText(p.lines(now), MaxBodyRunes),
		Urgency: p.worst,
		Icon:    e.icon,
		Server:  server,
		Tag:     tagOf(tagCatchUp, server),
		Sound:   e.sound(p.worst, SoundCritical),
	}
}

// outageNotice says server's connection (o) is down: "Warpdesk is
// offline", or "Warpdesk cannot connect" when it never connected since it
// started; with several servers, "Production is offline".
func (e *engine) outageNotice(server string, o *outage, now time.Time) Notification {
	who, what := e.appName, "the server"
	if name := cleanLine(e.label(server), 60); name != "" {
		who, what = name, name
	}
	summary := who + " is offline"
	body := fmt.Sprintf("No connection to %s since %s. New incidents cannot arrive until it is back; %s keeps trying.",
		what, stamp(o.since, now), e.appName)
	if !o.everUp {
		summary = e.appName + " cannot connect"
		if who != e.appName {
			summary = e.appName + " cannot connect to " + who
		}
		body = fmt.Sprintf("No connection to %s since %s started (%s). Open incidents are unknown until it connects; %s keeps trying.",
			what, e.appName, stamp(o.since, now), e.appName)
	}
	return Notification{
		Summary: cleanLine(summary, MaxSummaryRunes),
		Body:    truncate(body, MaxBodyRunes),
		Urgency: Normal,
		Icon:    e.icon,
		Server:  server,
		Tag:     tagOf(tagConnection, server),
	}
}

// backOnline replaces server's outage notice once the connection is back:
// "Back online — 3 new while offline" (or "Connected — 5 open incidents"
// when it had never connected; "Production back online" with several
// servers), listing what the catch-up found meanwhile.
func (e *engine) backOnline(server string, since time.Time, wasUp bool, news *pending, now time.Time) Notification {
	name := cleanLine(e.label(server), 60)
	summary := "Back online"
	if name != "" {
		summary = name + " back online"
	}
	if news.total > 0 {
		summary += fmt.Sprintf(" — %d new while offline", news.total) + news.critical()
	}
	body := fmt.Sprintf("Connected again at %s; offline since %s.", stamp(now, now), stamp(since, now))
	if !wasUp {
		summary = "Connected"
		if name != "" {
			summary = "Connected to " + name
		}
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
		Server:  server,
		Tag:     tagOf(tagConnection, server),
		Sound:   e.sound(news.worst, SoundCritical),
	}
}

// plural is noun, with an s unless n is 1.
func plural(n int, noun string) string {
	if n == 1 {
		return noun
	}
	return noun + "s"
}
