package main

import (
	"fmt"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/bpsdm/asnbot/bot/telegramtest"
)

// BenchmarkEnrolBurst: 1,000 participants tap "Ya, daftar" on one batch within a moment, through
// the fake Bot API, the whole pipeline, real Redis and real Postgres. It reports enrolments
// per second over the burst and the p50/p99 time from a tap to the edited confirmation.
//
//	go test -run '^$' -bench EnrolBurst -benchtime 1x -count 5 ./cmd/asnbot/
func BenchmarkEnrolBurst(b *testing.B) {
	const n = 1000
	for range b.N {
		b.StopTimer()
		h := newHarness(b, nil)
		h.seed(course("BURST", "Kepemimpinan Pengawas", batch("Angkatan I", 30, 5, 300)))
		id := h.batchID("BURST", "Angkatan I")
		users := make([]*telegramtest.User, n)
		details := make([]telegramtest.Message, n)
		for i := range users {
			users[i] = h.tg.User(int64(200000+i), "U"+strconv.Itoa(i))
			h.seedParticipant(users[i], i)
			users[i].Send("/start c_BURST")
		}
		for i, u := range users {
			details[i] = u.Next(b)
		}
		h.tg.WaitIdle(b)
		b.StartTimer()
		pressed := make([]time.Time, n)
		start := time.Now()
		for i, u := range users {
			pressed[i] = time.Now()
			u.PressData(details[i], fmt.Sprintf("k:y:%d", id))
		}
		h.tg.WaitIdle(b)
		elapsed := time.Since(start)
		b.StopTimer()

		answered := map[string]time.Time{}
		for _, c := range h.tg.Calls("editMessageText") {
			if _, ok := answered[c.Params["chat_id"]]; !ok {
				answered[c.Params["chat_id"]] = c.At
			}
		}
		lat := make([]time.Duration, 0, n)
		for i, u := range users {
			at, ok := answered[strconv.FormatInt(u.ID, 10)]
			if !ok {
				b.Fatalf("user %d got no confirmation", i)
			}
			lat = append(lat, at.Sub(pressed[i]))
		}
		slices.Sort(lat)
		b.ReportMetric(float64(n)/elapsed.Seconds(), "enrolments/s")
		b.ReportMetric(float64(lat[n/2].Microseconds())/1000, "p50_ms")
		b.ReportMetric(float64(lat[n*99/100].Microseconds())/1000, "p99_ms")
		h.stop()
	}
}
