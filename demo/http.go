package demo

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/warpdesk/warpdesk/ops"
)

// handler serves the HTTP side: GET /api/incidents and a short index.
func (s *Server) handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc(ops.IncidentsPath, s.serveIncidents)
	mux.HandleFunc("GET "+incidentPagePrefix+"{uuid}", s.serveIncidentPage)
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = io.WriteString(w, "ok\n")
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprintf(w, "Warpdesk demo server\n"+
			"WebSocket: %s (auth frame, Authorization: Bearer <token>, or ?token=<token>)\n"+
			"Catch-up:  GET %s (Authorization: Bearer <token>)\n",
			s.ws.URL(), ops.IncidentsPath)
	})
	return mux
}

func (s *Server) serveIncidents(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		writeError(w, http.StatusMethodNotAllowed, "method not allowed")
		return
	}
	tok, _ := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if _, ok := s.userByToken(tok); !ok {
		w.Header().Set("WWW-Authenticate", `Bearer realm="warpdesk-demo"`)
		writeError(w, http.StatusUnauthorized, "unauthorized")
		return
	}
	var rooms map[string]bool
	if rs := r.URL.Query()["room"]; len(rs) > 0 {
		rooms = map[string]bool{}
		for _, rm := range rs {
			rooms[rm] = true
		}
	}
	s.mu.Lock()
	snap := ops.Snapshot{Incidents: s.openLocked(rooms), Monitors: s.monitorsLocked()}
	s.mu.Unlock()
	_ = json.NewEncoder(w).Encode(snap)
}

func writeError(w http.ResponseWriter, code int, msg string) {
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(map[string]string{"error": msg})
}

// incidentPagePrefix is the path of the incidents' pages, the incidents'
// URL (ops.Incident.URL) in the demo.
const incidentPagePrefix = "/incidents/"

// serveIncidentPage shows an open incident as plain text, with no token:
// it stands for the page of the incident in the user's operations tool,
// which the app opens in the browser.
func (s *Server) serveIncidentPage(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	in, ok := s.open[r.PathValue("uuid")]
	s.mu.Unlock()
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	if !ok {
		w.WriteHeader(http.StatusNotFound)
		_, _ = io.WriteString(w, "No open incident with this id: it was resolved, or never raised.\n")
		return
	}
	fmt.Fprintf(w, "%s\n\n%s · %s · room %s · raised %s\n\n%s\n",
		in.Title, in.Severity, in.Service, in.Room, in.Created().UTC().Format(time.RFC1123), in.Description)
	if in.IsAcknowledged() {
		fmt.Fprintf(w, "\nAcknowledged by %s at %s\n", in.AcknowledgedBy, in.AcknowledgedTime().UTC().Format(time.RFC1123))
	}
}
