package conn

import (
	"context"
	"fmt"

	"github.com/warpdesk/warpdesk/ops"
	"github.com/warpdesk/warpdesk/socket"
)

// Acknowledge asks the server to acknowledge the incident as the token's
// user (the incident.acknowledge request, ops.Acknowledge) and records the
// answer in the store (Incident.AcknowledgedBy/At). Acknowledging again is
// harmless: the answer names the first acknowledgement. ctx bounds the
// wait; an answer naming another incident is an ops.ErrInvalid error
// (recorded nowhere); a refusal is a *socket.RemoteError (Code ops.CodeNotFound for an
// incident the server does not know), a link lost before the answer
// socket.ErrConnectionLost, and after Close (or a Close meanwhile)
// ErrClosed, at once. The store's own Acknowledge (Acked, this desktop's
// mark) is separate.
func (c *Conn) Acknowledge(ctx context.Context, uuid string) (ops.Acknowledgement, error) {
	ref := ops.IncidentRef{UUID: uuid}
	if err := ref.Validate(); err != nil {
		return ops.Acknowledgement{}, fmt.Errorf("conn: acknowledge: %w", err)
	}
	// Close ends the wait too: no link would ever send it.
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	defer context.AfterFunc(c.ctx, cancel)()
	cl, _ := c.current()
	a, err := socket.Call(ctx, cl.sc, ops.Acknowledge, ref)
	if err != nil && c.ctx.Err() != nil {
		err = ErrClosed
	}
	if err != nil {
		return a, fmt.Errorf("conn: acknowledge %s: %w", uuid, err)
	}
	if a.UUID != uuid {
		return ops.Acknowledgement{}, fmt.Errorf("conn: acknowledge %s: the answer names incident %.64q: %w", uuid, a.UUID, ops.ErrInvalid)
	}
	if err := c.st.IncidentAcknowledged(a); err != nil {
		return a, fmt.Errorf("conn: acknowledge %s: the answer: %w", uuid, err)
	}
	return a, nil
}
