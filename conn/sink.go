package conn

import (
	"time"

	"github.com/warpdesk/warpdesk/ops"
	"github.com/warpdesk/warpdesk/store"
)

// Sink is where a Conn puts what it learns of its server: one server's
// inputs of the store (*store.Feed, one per server), or a store that
// follows one server (*store.Store).
type Sink interface {
	IncidentCreated(ops.Incident) error
	IncidentResolved(uuid string) error
	IncidentAcknowledged(ops.Acknowledgement) error
	MonitorChanged(ops.MonitorChange) error
	Retain(keep func(ops.Incident) bool) (dropped int)
	Reset(server string)
	SetLink(store.LinkStatus) error
	BeginCatchUp() store.CatchUp
	CaughtUp(store.CatchUp, ops.Snapshot) (dropped int, err error)
	CatchUpFailed(cu store.CatchUp, why error, retry time.Time)
}

var (
	_ Sink = (*store.Store)(nil)
	_ Sink = (*store.Feed)(nil)
)
