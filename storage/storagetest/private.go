package storagetest

import (
	"testing"

	"github.com/bpsdm/asnbot/storage/localserver"
)

// A private server is a PostgreSQL or Redis process of one test's own, on a free port of its
// own, for the tests that stop and start a service (the fault suite): they must never stop
// the shared services the other tests use. Stop and Start bring it down and up again on the
// same port and data directory; it is killed and its directory removed when the test ends.
//
// Like the shared services, a missing binary fails the test with what to install; it never
// skips.

// Server is a private PostgreSQL or Redis, its failures reported to the test.
type Server struct {
	*localserver.Server
	t testing.TB
}

// Stop shuts the server down cleanly (see localserver.Server.Stop).
func (s *Server) Stop() {
	s.t.Helper()
	if err := s.Server.Stop(); err != nil {
		s.t.Errorf("storagetest: %v", err)
	}
}

// Kill stops the server without a shutdown (see localserver.Server.Kill).
func (s *Server) Kill() {
	s.t.Helper()
	if err := s.Server.Kill(); err != nil {
		s.t.Errorf("storagetest: %v", err)
	}
}

// Start starts the stopped server again on the same port and data directory.
func (s *Server) Start() {
	s.t.Helper()
	if err := s.Server.Start(); err != nil {
		s.t.Fatalf("storagetest: %v", err)
	}
}

// StartPostgres starts a PostgreSQL server of the test's own (localserver.Postgres).
func StartPostgres(t testing.TB) *Server {
	t.Helper()
	s, err := localserver.Postgres()
	if err != nil {
		t.Fatalf("storagetest: %v", err)
	}
	t.Cleanup(s.Close)
	return &Server{Server: s, t: t}
}

// StartRedis starts a Redis server of the test's own (localserver.Redis).
func StartRedis(t testing.TB) *Server {
	t.Helper()
	s, err := localserver.Redis()
	if err != nil {
		t.Fatalf("storagetest: %v", err)
	}
	t.Cleanup(s.Close)
	return &Server{Server: s, t: t}
}
