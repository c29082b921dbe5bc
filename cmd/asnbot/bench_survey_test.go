package main

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bpsdm/asnbot/bot/telegramtest"
	"github.com/bpsdm/asnbot/flows/catalogfile"
)

// BenchmarkSurveyAnswers: N participants (default 1,000; ASNBOT_BENCH_USERS for fewer) answer
// the shipped survey at the same time, 20 questions each (one trainer; the two optional ones
// skipped), each tapping the next answer as soon as the last one's edit arrives, end to end
// through the fake Bot API, the pipeline, real Redis and real Postgres. In the same run, the
// same participants page the catalogue the same way (/katalog, then "Berikutnya" 10 times),
// since both are one tap and one edit. It reports taps a second and the p50/p99 time from a
// tap to its edit, for each, and answers per page turn.
//
//	go test -run '^$' -bench SurveyAnswers -benchtime 1x -count 3 -timeout 30m ./cmd/asnbot/
func BenchmarkSurveyAnswers(b *testing.B) {
	n := benchEnv("ASNBOT_BENCH_USERS", 1000)
	for range b.N {
		b.StopTimer()
		h := newHarness(b, map[string]string{"FLOOD_LIMIT": "1000", "WORKERS": "32"})
		courses := []catalogfile.Course{}
		for i := range 60 {
			courses = append(courses, course(fmt.Sprintf("PG-%02d", i), fmt.Sprintf("Pelatihan %02d", i), batch("Angkatan I", 30+i%20, 2, 50)))
		}
		target := batch("Angkatan I", 30, 2, n)
		target.Trainers = []string{"Dr. Ani Suryani"}
		courses = append(courses, course("SRV-B", "Evaluasi Serentak", target))
		h.seed(courses...)
		id := h.batchID("SRV-B", "Angkatan I")
		ctx := context.Background()
		users := make([]*telegramtest.User, n)
		for i := range users {
			users[i] = h.tg.User(int64(700000+i), "S"+strconv.Itoa(i))
			h.seedParticipant(users[i], 2000+i)
			p, _ := h.participant(users[i].ID)
			if _, err := h.db.Enrol(ctx, p.ID, id, testNow); err != nil {
				b.Fatal(err)
			}
		}
		if _, err := h.db.OpenSurvey(ctx, id, testNow); err != nil {
			b.Fatal(err)
		}

		// Paging: /katalog, then ten taps on "Berikutnya".
		pages := loadTaps(b, users, pagingScript(b))
		// Answering: /survei, open it, then twenty taps.
		answers := loadTaps(b, users, func(u *telegramtest.User, tap func(func())) {
			u.Send("/survei")
			list := u.Next(b)
			u.Press(b, list, "📝 Evaluasi Serentak")
			m := u.Next(b)
			for !strings.Contains(m.Text, "Kirim sekarang?") {
				label := surveyAnswer(m)
				tap(func() { u.Press(b, m, label) })
				m = u.Next(b)
			}
		})
		b.ReportMetric(pages.rate, "pages/s")
		b.ReportMetric(pages.p50, "page_p50_ms")
		b.ReportMetric(pages.p99, "page_p99_ms")
		b.ReportMetric(answers.rate, "answers/s")
		b.ReportMetric(answers.p50, "answer_p50_ms")
		b.ReportMetric(answers.p99, "answer_p99_ms")
		b.ReportMetric(answers.rate/pages.rate, "answers/page")
		h.stop()
	}
}

// surveyAnswer is the button a participant taps on a question of the shipped survey: "4" on
// a scale, "9" for the recommendation, the first choice of a list, "Lewati" where it may.
func surveyAnswer(m telegramtest.Message) string {
	switch {
	case hasButton(m, "Lewati ›") || strings.Contains(m.Text, "Ketik jawaban"):
		return "Lewati ›"
	case hasButton(m, "10"):
		return "9"
	case !hasButton(m, "4"):
		return m.ButtonTexts()[0]
	}
	return "4"
}

// tapFigures are one load's taps a second and its p50 and p99 time from a tap to its answer.
type tapFigures struct{ rate, p50, p99 float64 }

// loadTaps has every user do script at once, and times the taps it marks with tap: from the tap
// to the bot's next message or edit in that chat.
func loadTaps(b *testing.B, users []*telegramtest.User, script func(u *telegramtest.User, tap func(func()))) tapFigures {
	var mu sync.Mutex
	var lat []time.Duration
	var wg sync.WaitGroup
	start := time.Now()
	b.StartTimer()
	for _, u := range users {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var mine []time.Duration
			var at time.Time
			pending := false
			script(u, func(press func()) {
				if pending {
					mine = append(mine, time.Since(at)) // the previous tap's edit has arrived
				}
				at, pending = time.Now(), true
				press()
			})
			if pending {
				mine = append(mine, time.Since(at))
			}
			mu.Lock()
			lat = append(lat, mine...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	slices.Sort(lat)
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	return tapFigures{rate: float64(len(lat)) / elapsed.Seconds(), p50: ms(lat[len(lat)/2]), p99: ms(lat[len(lat)*99/100])}
}
