package main

import (
	"fmt"
	"strings"
	"sync"
	"testing"
)

// The fault suite: each case is a test named TestFault…, driving the bot through a fault
// (a service stopped, the process killed, replicas racing, hostile input) and then checking
// what users saw and what was stored. Each case prints one line, so that
//
//	go test -count=1 -run '^TestFault' -v ./cmd/asnbot/ | grep '^FAULT'
//
// (make fault) is the table the README's "Keandalan" section quotes. The quick cases run with
// every `go test`; the slow ones are behind the build tag "fault" (make fault adds it).

// faultCase is one case's record: what it checked and what was lost. It prints its line when
// the test ends, "passed" only when nothing was lost and the test did not fail otherwise.
type faultCase struct {
	t    testing.TB
	name string

	mu   sync.Mutex
	lost []string
	seen []string
}

// newFaultCase starts the record of a case; name is the line's first column.
func newFaultCase(t testing.TB, name string) *faultCase {
	t.Helper()
	fc := &faultCase{t: t, name: name}
	t.Cleanup(func() {
		fc.mu.Lock()
		defer fc.mu.Unlock()
		status := "passed"
		switch {
		case len(fc.lost) > 0:
			status = "LOST: " + strings.Join(fc.lost, "; ")
		case t.Failed():
			status = "FAILED (see the test's log)"
		}
		detail := ""
		if len(fc.seen) > 0 {
			detail = " (" + strings.Join(fc.seen, ", ") + ")"
		}
		fmt.Printf("FAULT %-34s %s%s\n", name, status, detail)
	})
	return fc
}

// Lost records something the case lost (an update, a seat, an answer) and fails the test.
func (fc *faultCase) Lost(format string, args ...any) {
	fc.t.Helper()
	msg := fmt.Sprintf(format, args...)
	fc.mu.Lock()
	fc.lost = append(fc.lost, msg)
	fc.mu.Unlock()
	fc.t.Error(msg)
}

// Saw records a figure for the line (how many updates, how long the outage), not a failure.
func (fc *faultCase) Saw(format string, args ...any) {
	fc.mu.Lock()
	defer fc.mu.Unlock()
	fc.seen = append(fc.seen, fmt.Sprintf(format, args...))
}
