package main

import (
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/bpsdm/asnbot/bot/telegramtest"
)

// BenchmarkAnnouncement: one announcement to N people (default 10,000; ASNBOT_BENCH_RECIPIENTS
// for a shorter run) through the fake Bot API, which enforces Telegram's limits with 429s.
// It reports the achieved rate as a share of OUT_RATE (ASNBOT_BENCH_RATE, default 25), the
// 429s met, and the duplicates (must be 0).
//
//	go test -run '^$' -bench Announcement -benchtime 1x -timeout 40m ./cmd/asnbot/
func BenchmarkAnnouncement(b *testing.B) {
	n := 10000
	if v, err := strconv.Atoi(os.Getenv("ASNBOT_BENCH_RECIPIENTS")); err == nil && v > 0 {
		n = v
	}
	rate := 25
	if v, err := strconv.Atoi(os.Getenv("ASNBOT_BENCH_RATE")); err == nil && v > 0 {
		rate = v
	}
	for range b.N {
		b.StopTimer()
		h := newHarness(b, map[string]string{"OUT_RATE": strconv.Itoa(rate)}, telegramtest.WithRateLimits())
		h.stop()
		users := h.crowd(b, n, 600000)
		h.announceToAll(b, 0, "Pengumuman jadwal pelatihan")
		start := time.Now()
		b.StartTimer()
		h.start()
		deadline := time.Now().Add(time.Duration(n/rate)*time.Second*3 + time.Minute)
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
		b.ReportMetric(float64(len(calls)-reached), "answered_429")
		b.ReportMetric(float64(dups), "duplicates")
		b.ReportMetric(time.Since(start).Seconds(), "s_total")
		h.stop()
	}
}
