package ops

import (
	"time"

	"github.com/warpdesk/warpdesk/socket"
)

// Acknowledgement says that someone has taken an incident on: the reply to
// the incident.acknowledge request and the payload of the
// incident.acknowledged broadcast. By is the user the server knows the
// acknowledging client's token as; the client never names itself.
type Acknowledgement struct {
	UUID string `json:"uuid"`
	By   string `json:"by"`
	At   int64  `json:"at"` // unix milliseconds
}

// Time returns At as a time.
func (a Acknowledgement) Time() time.Time { return time.UnixMilli(a.At) }

// Validate checks the uuid and the user are present and bounded, and At is
// a positive time.
func (a Acknowledgement) Validate() error {
	if err := checkText("uuid", a.UUID, MaxUUIDLen, true); err != nil {
		return err
	}
	if err := checkText("by", a.By, MaxNameLen, true); err != nil {
		return err
	}
	if a.At <= 0 {
		return invalid("at %d is not a positive unix time in milliseconds", a.At)
	}
	return nil
}

// Reply codes a server answers incident.acknowledge with when it refuses
// (socket.RemoteError.Code).
const (
	// CodeNotFound: no open incident has that uuid (never raised, or
	// already resolved).
	CodeNotFound = "not_found"
	// CodeBadRequest: the request's payload does not fit IncidentRef.
	CodeBadRequest = "bad_request"
)

var (
	// Acknowledge is the request that acknowledges an incident. The reply
	// says who acknowledged it and when: acknowledging an incident again,
	// from any client, is harmless and answers with the first
	// acknowledgement. An unknown uuid is refused with CodeNotFound.
	Acknowledge = socket.DefineRequest[IncidentRef, Acknowledgement]("incident.acknowledge")

	// IncidentAcknowledged is broadcast to the incident's room (to
	// everyone when it has none) when it is first acknowledged, before the
	// reply to the request that did it.
	IncidentAcknowledged = socket.DefineValidated("incident.acknowledged", Acknowledgement.Validate)
)
