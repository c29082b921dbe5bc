package main

import (
	"context"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/go-telegram/bot/models"

	"github.com/bpsdm/asnbot/bot/telegramtest"
)

// BenchmarkReminderBurst: N reminders fall due in the same minute (default 10,000; set
// ASNBOT_BENCH_REMINDERS for a shorter run). The fake Bot API enforces Telegram's limits with
// 429s. It reports the achieved send rate against OUT_RATE, the 429s met (each retried), and
// duplicates (must be 0). ASNBOT_BENCH_RATE sets OUT_RATE (default 25); above Telegram's 30
// a second (paid broadcasts) the fake stops enforcing the limit, and the figure shows how fast
// the engine itself can go; ASNBOT_BENCH_WORKERS sets JOB_WORKERS.
//
//	ASNBOT_BENCH_REMINDERS=2000 go test -run '^$' -bench ReminderBurst -benchtime 1x -timeout 30m ./cmd/asnbot/
func BenchmarkReminderBurst(b *testing.B) {
	n := 10000
	if v, err := strconv.Atoi(os.Getenv("ASNBOT_BENCH_REMINDERS")); err == nil && v > 0 {
		n = v
	}
	rate := 25
	if v, err := strconv.Atoi(os.Getenv("ASNBOT_BENCH_RATE")); err == nil && v > 0 {
		rate = v
	}
	var opts []telegramtest.Option
	if rate <= 30 {
		opts = append(opts, telegramtest.WithRateLimits())
	}
	for range b.N {
		b.StopTimer()
		env := map[string]string{"OUT_RATE": strconv.Itoa(rate)}
		if w := os.Getenv("ASNBOT_BENCH_WORKERS"); w != "" {
			env["JOB_WORKERS"] = w
		}
		h := newHarness(b, env, opts...)
		soon := batch("Angkatan I", 0, 1, n)
		soon.Start, soon.End = testNow.Add(2*time.Hour), testNow.Add(8*time.Hour)
		soon.RegOpens, soon.RegCloses = testNow.Add(-time.Hour), testNow.Add(time.Hour)
		h.stop() // seed with the bot stopped, so that every reminder is due at the same moment
		h.seed(course("BURST-R", "Orientasi ASN", soon))
		id := h.batchID("BURST-R", "Angkatan I")
		for i := range n {
			u := h.tg.User(int64(400000+i), "B"+strconv.Itoa(i))
			// An edit the bot ignores: the chat becomes one the fake lets the bot write to.
			h.tg.Enqueue(models.Update{EditedMessage: &models.Message{ID: 1, Date: 1, Text: "x",
				Chat: models.Chat{ID: u.ID, Type: models.ChatTypePrivate}, From: &models.User{ID: u.ID, FirstName: u.FirstName}}})
			h.seedParticipant(u, 1000+i)
			p, _ := h.participant(u.ID)
			if _, err := h.db.Enrol(context.Background(), p.ID, id, testNow); err != nil {
				b.Fatal(err)
			}
		}
		h.clock.Set(testNow.Add(time.Hour)) // the one-hour reminders are due
		start := time.Now()
		b.StartTimer()
		h.start()
		deadline := time.Now().Add(time.Duration(n/rate)*time.Second*3 + time.Minute)
		reachedAll := func() bool {
			for i := range n {
				if len(h.tg.User(int64(400000+i), "").Messages()) == 0 {
					return false
				}
			}
			return true
		}
		for !reachedAll() && time.Now().Before(deadline) {
			time.Sleep(500 * time.Millisecond)
		}
		b.StopTimer()
		var first, last time.Time
		calls := h.tg.Calls("sendMessage")
		for _, c := range calls {
			if first.IsZero() {
				first = c.At
			}
			last = c.At
		}
		reached, dups := 0, 0
		for i := range n {
			got := len(h.tg.User(int64(400000+i), "").Messages())
			if got > 0 {
				reached++
			}
			dups += max(got-1, 0)
		}
		achieved := float64(reached-1) / last.Sub(first).Seconds()
		b.ReportMetric(achieved, "sends/s")
		b.ReportMetric(100*achieved/float64(rate), "%_of_limit")
		b.ReportMetric(float64(reached), "reached")
		b.ReportMetric(float64(len(calls)-reached), "retried_429")
		b.ReportMetric(float64(dups), "duplicates")
		b.ReportMetric(time.Since(start).Seconds(), "s_total")
		h.stop()
	}
}
