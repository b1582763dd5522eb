package demo

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/warpdesk/warpdesk/ops"
)

// Step performs one stream event, as the background stream does: raise,
// resolve or flap a monitor.
func (s *Server) Step() {
	s.mu.Lock()
	n := len(s.open)
	p := s.rng.Float64()
	s.mu.Unlock()
	switch {
	case n < 2 || (n < 12 && p < 0.45):
		s.mu.Lock()
		in := s.randomIncident(s.pickRoom())
		s.mu.Unlock()
		in.CreatedAt = 0
		_, _ = s.Create(in)
	case n >= 12 || p < 0.8:
		s.resolveRandom()
	default:
		s.flapMonitor()
	}
}

// Burst raises several related incidents in one room at once, as a cascading
// failure does, and takes a monitor down.
func (s *Server) Burst() {
	s.mu.Lock()
	room := s.pickRoom()
	k := 3 + s.rng.IntN(4)
	svc := pick(s.rng, services)
	s.mu.Unlock()
	s.log.Info("burst", "room", room, "incidents", k)
	for i := 0; i < k; i++ {
		s.mu.Lock()
		in := s.randomIncident(room)
		in.Title = fmt.Sprintf("%s: %s", svc, pick(s.rng, burstTitles))
		in.Service = svc
		in.Description = fmt.Sprintf("One of %d related alerts on %s raised together: a cascading failure. "+
			"Find the first cause before acting on each one.", k, svc)
		if i == 0 {
			in.Severity = ops.Critical
		}
		s.mu.Unlock()
		in.CreatedAt = 0
		_, _ = s.Create(in)
	}
	s.mu.Lock()
	m := pick(s.rng, monitorNames)
	s.mu.Unlock()
	_, _ = s.SetMonitor(m.uuid, m.name, ops.Down)
}

func (s *Server) resolveRandom() {
	s.mu.Lock()
	list := s.openLocked(nil)
	if len(list) == 0 {
		s.mu.Unlock()
		return
	}
	// Older incidents are likelier to be resolved.
	i := len(list) - 1 - int(math.Floor(math.Pow(s.rng.Float64(), 2)*float64(len(list))))
	uuid := list[i].UUID
	s.mu.Unlock()
	s.Resolve(uuid)
}

func (s *Server) flapMonitor() {
	s.mu.Lock()
	m := pick(s.rng, monitorNames)
	cur := s.monitors[m.uuid].Status
	next := ops.Up
	switch {
	case cur == ops.Up && s.rng.Float64() < 0.6:
		next = ops.Degraded
	case cur == ops.Up:
		next = ops.Down
	case cur == ops.Degraded && s.rng.Float64() < 0.3:
		next = ops.Down
	}
	s.mu.Unlock()
	_, _ = s.SetMonitor(m.uuid, m.name, next)
}

// run is the background stream.
func (s *Server) run(ctx context.Context) {
	defer close(s.done)
	if s.opts.Interval < 0 {
		<-ctx.Done()
		s.ws.Close()
		return
	}
	next := func(mean time.Duration) <-chan time.Time {
		if mean < 0 {
			return nil
		}
		s.mu.Lock()
		d := time.Duration(s.rng.ExpFloat64() * float64(mean))
		s.mu.Unlock()
		d = max(d, mean/10)
		return time.After(d)
	}
	step, burst, drop := next(s.opts.Interval), next(s.opts.BurstEvery), next(s.opts.DropEvery)
	for {
		select {
		case <-ctx.Done():
			s.ws.Close()
			return
		case <-step:
			s.Step()
			step = next(s.opts.Interval)
		case <-burst:
			s.Burst()
			burst = next(s.opts.BurstEvery)
		case <-drop:
			s.log.Info("dropping every connection")
			s.ws.DropAll()
			drop = next(s.opts.DropEvery)
		}
	}
}
