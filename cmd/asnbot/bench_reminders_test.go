package main

import (
	"context"
	"os"
	"strconv"
	"testing"
	"time"

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
	n, rate := benchEnv("ASNBOT_BENCH_REMINDERS", 10000), benchEnv("ASNBOT_BENCH_RATE", 25)
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
		users := make([]*telegramtest.User, n)
		for i := range n {
			u := h.tg.User(int64(400000+i), "B"+strconv.Itoa(i))
			users[i] = u
			u.OpenChat()
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
		awaitDelivery(b, h, users, rate, start, "retried_429")
		h.stop()
	}
}
