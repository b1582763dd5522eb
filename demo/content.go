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

// randomIncident makes up an incident in room, with a description, the
// affected service and a link to its page on this server; s.mu must be
// held.
func (s *Server) randomIncident(room string) ops.Incident {
	tmpls, ok := titles[room]
	if !ok {
		tmpls = titles["ops"]
	}
	t := pick(s.rng, tmpls)
	svc, db, node := pick(s.rng, services), pick(s.rng, databases), fmt.Sprintf("node-%02d", 1+s.rng.IntN(24))
	fill := strings.NewReplacer(
		"{svc}", svc,
		"{db}", db,
		"{node}", node,
		"{region}", pick(s.rng, regions),
		"{provider}", pick(s.rng, providers),
		"{n}", fmt.Sprint(2+s.rng.IntN(9)),
	).Replace
	sev := ops.Info
	switch p := s.rng.Float64(); {
	case p < 0.2:
		sev = ops.Critical
	case p < 0.65:
		sev = ops.Warning
	}
	uuid := s.uuidLocked()
	return ops.Incident{
		UUID:        uuid,
		Title:       fill(t.title),
		Severity:    sev,
		Room:        room,
		CreatedAt:   s.opts.Now().UnixMilli(),
		Description: fill(t.description),
		Service:     fill(t.service),
		URL:         s.incidentURL(uuid),
	}
}

// incidentURL is the incident's page on this server (GET /incidents/{uuid}).
func (s *Server) incidentURL(uuid string) string {
	if s.ws == nil {
		return ""
	}
	return s.ws.HTTPURL() + incidentPagePrefix + uuid
}

// incidentTemplate is the text of a kind of incident; {svc}, {db}… are
// filled in.
type incidentTemplate struct{ title, service, description string }

// pick returns one of xs at random.
func pick[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }

var (
	services  = []string{"checkout-api", "auth-service", "search", "notifications", "billing-worker", "edge-proxy"}
	databases = []string{"postgres-primary", "orders-db", "redis-sessions", "kafka-broker-2"}
	regions   = []string{"eu-west-1", "us-east-1", "ap-southeast-2"}
	providers = []string{"Stripe", "Adyen", "PayPal"}
	titles    = map[string][]incidentTemplate{
		"ops": {
			{"Deploy of {svc} failed on {n} hosts", "{svc}",
				"The rollout stopped after {n} hosts failed their health checks; the rest still run the previous version. Roll back or fix forward, then resume the deploy."},
			{"Error rate above 5% on {svc}", "{svc}",
				"More than 5% of requests to {svc} have returned 5xx for five minutes. Check the latest deploy and the dependencies' dashboards."},
			{"{svc} p99 latency over 2s", "{svc}",
				"The 99th percentile of {svc} responses has been over 2 s for ten minutes; users notice. Look for slow queries and saturated pools."},
			{"TLS certificate for {svc} expires in 3 days", "{svc}",
				"Automatic renewal failed twice. Renew by hand before clients start refusing the connection."},
			{"Crash loop in {svc} after config push", "{svc}",
				"Pods of {svc} restart within seconds of starting since the last configuration push. Revert the change."},
		},
		"payments": {
			{"Card authorisations failing via {provider}", "payments-gateway",
				"{provider} declines or times out on most authorisation requests. Customers cannot pay by card; consider failing over to another provider."},
			{"Refund queue backlog above 10k", "refunds",
				"The refund workers fall behind; customers wait for their money. Scale the workers or look for a stuck job."},
			{"Webhook deliveries to {provider} timing out", "payments-webhooks",
				"Calls to {provider}'s webhook endpoint take longer than 10 s. Payment states may lag until they are retried."},
			{"Checkout conversion down 30% in {region}", "checkout",
				"Fewer checkouts complete in {region} than at this hour last week. Something between basket and payment is failing there."},
			{"Duplicate charges reported for {provider}", "payments-gateway",
				"Support reports customers charged twice through {provider}. Check idempotency keys on retries; prepare refunds."},
		},
		"infra": {
			{"Disk 92% full on {db}", "{db}",
				"The data volume of {db} grows about 1% an hour; it fills up in under a day. Free space or grow the volume."},
			{"Node {node} not ready", "kubernetes",
				"{node} stopped reporting ready; its pods are being rescheduled. Check the kubelet and the disk."},
			{"Replication lag on {db} at 45s", "{db}",
				"Replicas of {db} are 45 s behind the primary; reads from them are stale. Look for a long transaction or a saturated disk."},
			{"Packet loss in {region}", "network",
				"Probes see packet loss between zones in {region}. Cross-zone calls are slow or fail."},
			{"Memory pressure on {node}", "kubernetes",
				"{node} is close to its memory limit and has started evicting pods."},
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
