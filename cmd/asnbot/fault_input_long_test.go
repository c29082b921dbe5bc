//go:build fault

package main

import "testing"

// TestFaultBadInputAtVolumeLong is TestFaultBadInputAtVolume at full size: 10,000 hostile
// inputs from 200 people. About a minute on a 2-core machine with -race, so it runs with the
// fault build tag (make fault) rather than with every `go test`.
func TestFaultBadInputAtVolumeLong(t *testing.T) {
	t.Parallel()
	badInputAtVolume(t, "bad input, 10,000 updates", 10000)
}
