package demo

import (
	"fmt"
	"math/rand/v2"
	"strings"

	"github.com/warpdesk/warpdesk/ops"
)

// pickRoom picks one of the incident rooms; s.mu must be held.
func (s *Server) pickRoom() string { return pick(s.rng, s.opts.Rooms) }

// uuidLocked makes up a version 4 UUID; s.mu must be held.
func (s *Server) uuidLocked() string {
	a, b := s.rng.Uint64(), s.rng.Uint64()
	return fmt.Sprintf("%08x-%04x-4%03x-%04x-%012x",
		uint32(a>>32), uint16(a>>16), uint16(a)&0xfff, (uint16(b>>48)&0x3fff)|0x8000, b&0xffffffffffff)
}

// randomIncident makes up an incident in room; s.mu must be held.
func (s *Server) randomIncident(room string) ops.Incident {
	tmpl, ok := titles[room]
	if !ok {
		tmpl = titles["ops"]
	}
	title := pick(s.rng, tmpl)
	title = strings.NewReplacer(
		"{svc}", pick(s.rng, services),
		"{db}", pick(s.rng, databases),
		"{node}", fmt.Sprintf("node-%02d", 1+s.rng.IntN(24)),
		"{region}", pick(s.rng, regions),
		"{provider}", pick(s.rng, providers),
		"{n}", fmt.Sprint(2+s.rng.IntN(9)),
	).Replace(title)
	sev := ops.Info
	switch p := s.rng.Float64(); {
	case p < 0.2:
		sev = ops.Critical
	case p < 0.65:
		sev = ops.Warning
	}
	return ops.Incident{
		UUID:      s.uuidLocked(),
		Title:     title,
		Severity:  sev,
		Room:      room,
		CreatedAt: s.opts.Now().UnixMilli(),
	}
}

// pick returns one of xs at random.
func pick[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }

var (
	services  = []string{"checkout-api", "auth-service", "search", "notifications", "billing-worker", "edge-proxy"}
	databases = []string{"postgres-primary", "orders-db", "redis-sessions", "kafka-broker-2"}
	regions   = []string{"eu-west-1", "us-east-1", "ap-southeast-2"}
	providers = []string{"Stripe", "Adyen", "PayPal"}
	titles    = map[string][]string{
		"ops": {
			"Deploy of {svc} failed on {n} hosts",
			"Error rate above 5% on {svc}",
			"{svc} p99 latency over 2s",
			"TLS certificate for {svc} expires in 3 days",
			"Crash loop in {svc} after config push",
		},
		"payments": {
			"Card authorisations failing via {provider}",
			"Refund queue backlog above 10k",
			"Webhook deliveries to {provider} timing out",
			"Checkout conversion down 30% in {region}",
			"Duplicate charges reported for {provider}",
		},
		"infra": {
			"Disk 92% full on {db}",
			"Node {node} not ready",
			"Replication lag on {db} at 45s",
			"Packet loss in {region}",
			"Memory pressure on {node}",
		},
	}
	burstTitles = []string{
		"upstream connection resets",
		"health checks failing",
		"5xx spike at the load balancer",
		"queue consumers stalled",
		"timeouts calling the database",
		"circuit breaker open",
	}
	monitorNames = []struct{ uuid, name string }{
		{"mon-api", "Public API"},
		{"mon-checkout", "Checkout"},
		{"mon-login", "Login"},
		{"mon-db", "Primary database"},
		{"mon-cdn", "CDN edge"},
		{"mon-queue", "Job queue"},
	}
)
