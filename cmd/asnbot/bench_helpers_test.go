package main

import (
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/bpsdm/asnbot/bot/telegramtest"
)

// benchEnv is a positive whole number from the environment variable name, or def.
func benchEnv(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}

// awaitDelivery waits until every user has a message from the bot (or three times what rate
// allows, and a minute), then reports the sends a second against rate, the 429s met (under
// label), and the duplicates. The timer stops when it returns; start is the run's start.
func awaitDelivery(b *testing.B, h *harness, users []*telegramtest.User, rate int, start time.Time, label string) {
	deadline := time.Now().Add(time.Duration(len(users)/rate)*time.Second*3 + time.Minute)
	reachedAll := func() bool {
		for _, u := range users {
			if len(u.Messages()) == 0 {
				return false
			}
		}
		return true
	}
	for !reachedAll() && time.Now().Before(deadline) {
		time.Sleep(500 * time.Millisecond)
	}
	b.StopTimer()
	calls := h.tg.Calls("sendMessage")
	if len(calls) == 0 {
		b.Fatal("nothing was sent")
	}
	first, last := calls[0].At, calls[len(calls)-1].At
	reached, dups := 0, 0
	for _, u := range users {
		got := len(u.Messages())
		if got > 0 {
			reached++
		}
		dups += max(got-1, 0)
	}
	achieved := float64(reached-1) / last.Sub(first).Seconds()
	b.ReportMetric(achieved, "sends/s")
	b.ReportMetric(100*achieved/float64(rate), "%_of_limit")
	b.ReportMetric(float64(reached), "reached")
	b.ReportMetric(float64(len(calls)-reached), label)
	b.ReportMetric(float64(dups), "duplicates")
	b.ReportMetric(time.Since(start).Seconds(), "s_total")
}
