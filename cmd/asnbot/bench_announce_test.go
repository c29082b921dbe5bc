package main

import (
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
	n, rate := benchEnv("ASNBOT_BENCH_RECIPIENTS", 10000), benchEnv("ASNBOT_BENCH_RATE", 25)
	for range b.N {
		b.StopTimer()
		h := newHarness(b, map[string]string{"OUT_RATE": strconv.Itoa(rate)}, telegramtest.WithRateLimits())
		h.stop()
		users := h.crowd(b, n, 600000)
		h.announceToAll(b, 0, "Pengumuman jadwal pelatihan")
		start := time.Now()
		b.StartTimer()
		h.start()
		awaitDelivery(b, h, users, rate, start, "answered_429")
		h.stop()
	}
}
