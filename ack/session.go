package ack

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/warpdesk/warpdesk/ops"
	"github.com/warpdesk/warpdesk/settings"
	"github.com/warpdesk/warpdesk/socket"
)

// errTimeout is the cause of the command's deadline.
var errTimeout = errors.New("timed out")

// maxTries is how often one incident is sent when its connection is lost
// before the answer (acknowledging twice is harmless).
const maxTries = 3

// session is one connection to the server for the whole command.
type session struct {
	c      *socket.Client
	server string // for messages, redacted
	stop   context.CancelCauseFunc

	mu      sync.Mutex
	lastErr error // the last dial or connection error, to explain a timeout
}

// acknowledge connects to server with token and acknowledges uuids in
// order, printing each result. It returns the exit code.
func acknowledge(ctx context.Context, server string, token settings.Secret, uuids []string, stdout, stderr io.Writer) int {
	ctx, stop := context.WithCancelCause(ctx)
	defer stop(nil)
	s, err := dial(server, token, stop)
	if err != nil {
		fmt.Fprintf(stderr, "warpdesk ack: %s: %v\n", settings.RedactURL(server), err)
		return ExitUsage
	}
	defer s.c.Disconnect()
	code := ExitOK
	for i, uuid := range uuids {
		a, err := s.call(ctx, uuid)
		if err == nil {
			fmt.Fprintf(stdout, "acknowledged %s as %s at %s\n", a.UUID, a.By, a.Time().UTC().Format(time.RFC3339))
			continue
		}
		var re *socket.RemoteError
		if errors.As(err, &re) {
			fmt.Fprintf(stderr, "warpdesk ack: %s: %s\n", uuid, refusal(re))
			code = ExitRefused
			continue
		}
		// The link is gone: nothing more can be acknowledged.
		c, msg := s.explain(ctx, err)
		fmt.Fprintf(stderr, "warpdesk ack: %s\n", msg)
		if left := uuids[i:]; len(left) > 0 {
			fmt.Fprintf(stderr, "warpdesk ack: not acknowledged: %v\n", left)
		}
		return c
	}
	return code
}

// dial starts a client for server that authenticates with token and
// cancels the command (stop) when the server rejects the token.
func dial(server string, token settings.Secret, stop context.CancelCauseFunc) (*session, error) {
	s := &session{server: settings.RedactURL(server), stop: stop}
	c, err := socket.New(server, socket.Options{
		ReconnectDelay:    200 * time.Millisecond,
		MaxReconnectDelay: 2 * time.Second,
		Handshake: func(context.Context) (socket.Handshake, error) {
			return socket.Handshake{Name: ops.AuthName, Data: ops.Auth{Token: token.Reveal()}}, nil
		},
	})
	if err != nil {
		return nil, err
	}
	s.c = c
	c.OnError(func(err error) {
		s.mu.Lock()
		s.lastErr = err
		s.mu.Unlock()
	})
	c.OnStatusChange(func(st socket.Status) {
		if errors.Is(st.Err, socket.ErrRejected) {
			stop(st.Err)
		}
	})
	c.Connect()
	return s, nil
}

// call acknowledges one incident, sending it again if the connection is
// lost before the answer.
func (s *session) call(ctx context.Context, uuid string) (ops.Acknowledgement, error) {
	var err error
	for range maxTries {
		var a ops.Acknowledgement
		a, err = socket.Call(ctx, s.c, ops.Acknowledge, ops.IncidentRef{UUID: uuid})
		if !errors.Is(err, socket.ErrConnectionLost) {
			return a, err
		}
		s.mu.Lock()
		s.lastErr = err
		s.mu.Unlock()
	}
	return ops.Acknowledgement{}, err
}

// explain turns a failed call into an exit code and a sentence.
func (s *session) explain(ctx context.Context, err error) (int, string) {
	s.mu.Lock()
	last := s.lastErr
	s.mu.Unlock()
	cause := context.Cause(ctx)
	switch {
	case errors.Is(cause, socket.ErrRejected):
		return ExitAuth, fmt.Sprintf("%s rejected the token (%v): check it in Warpdesk's Settings or $WARPDESK_TOKEN", s.server, cause)
	case errors.Is(cause, errTimeout) && !s.c.IsConnected():
		msg := fmt.Sprintf("could not reach %s within the timeout", s.server)
		if last != nil {
			msg += " (last error: " + last.Error() + ")"
		}
		return ExitUnreachable, msg
	case errors.Is(cause, errTimeout):
		return ExitUnreachable, fmt.Sprintf("%s did not answer within the timeout "+
			"(a server that does not implement incident.acknowledge never answers)", s.server)
	case errors.Is(err, socket.ErrConnectionLost):
		return ExitUnreachable, fmt.Sprintf("the connection to %s kept dropping before the answer: %v", s.server, err)
	case cause != nil:
		return ExitUnreachable, fmt.Sprintf("stopped: %v", cause)
	}
	return ExitUnreachable, err.Error()
}

// refusal says why the server refused an incident.
func refusal(re *socket.RemoteError) string {
	switch re.Code {
	case ops.CodeNotFound:
		return "no such open incident (never raised, or already resolved): " + re.Message
	case ops.CodeBadRequest:
		return "the server did not accept the request: " + re.Message
	}
	return fmt.Sprintf("refused by the server (%s): %s", re.Code, re.Message)
}
