package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"text/tabwriter"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/bpsdm/asnbot/bot/telegramtest"
	"github.com/bpsdm/asnbot/flows/catalogfile"
)

// BenchmarkLoad is the load harness: N simulated ASN (default 200; ASNBOT_BENCH_USERS) do
// realistic work, all at once, phase after phase, against the bot as a process of its own
// with a fake Bot API, real Postgres and real Redis:
//
//   - pendaftaran: /start, consent, the profile typed and tapped, the phone shared, saved;
//   - katalog: /katalog, then "Berikutnya" ten times;
//   - pencarian: three searches typed;
//   - daftar angkatan: everyone opens one popular batch (seats for half of them) and taps
//     "Daftar" and "Ya, daftar" in the same second;
//   - survei: those who got a seat answer the evaluation (/survei, twenty answers, "Kirim").
//
// The same load runs on the answer-only bot (the transport's ceiling: no Redis, no Postgres)
// and, for the catalogue phase, which is all it does, on the grammY peer (../shared/peers/
// grammy, or ASNBOT_GRAMMY_DIR; left out with a note when node or its node_modules is
// missing). Rounds alternate the bots (ASNBOT_BENCH_ROUNDS, default 3). It prints one table
// of medians: updates a second, the time from an update to the bot's first answer (p50, p95,
// p99), error answers, each rate over the ceiling's and grammY's; then the Redis bytes of an
// open conversation (everyone mid-registration) and the bot's peak RSS.
//
//	go test -run '^$' -bench '^BenchmarkLoad$' -benchtime 1x -timeout 30m ./cmd/asnbot/
func BenchmarkLoad(b *testing.B) {
	n := benchEnv("ASNBOT_BENCH_USERS", 200)
	rounds := benchEnv("ASNBOT_BENCH_ROUNDS", 3)
	peer, why := grammyPeer()
	for range b.N {
		b.StopTimer()
		runs := map[string][]loadResult{}
		for round := range rounds {
			bots := []string{"asnbot", "jawab saja"}
			if why == "" {
				bots = append(bots, "grammY")
			}
			k := round % len(bots) // a different bot goes first each round
			bots = append(slices.Clone(bots[k:]), bots[:k]...)
			for _, bot := range bots {
				switch bot {
				case "asnbot":
					runs[bot] = append(runs[bot], loadOurs(b, n))
				case "jawab saja":
					runs[bot] = append(runs[bot], loadCeiling(b, n))
				case "grammY":
					runs[bot] = append(runs[bot], loadGrammy(b, peer, n))
				}
			}
		}
		printLoadTable(b, n, rounds, runs, why)
	}
}

// The phases, in order; grammY does only the catalogue.
var loadPhases = []string{"pendaftaran", "katalog", "pencarian", "daftar angkatan", "survei"}

// loadResult is one run of one bot: each phase's figures, and for ours the memory ones.
type loadResult struct {
	phases     map[string]phaseFigures
	redisBytes float64 // MEMORY USAGE of a conversation's state, mid-registration
	peakRSS    float64 // the bot process's VmHWM, in MB
}

// phaseFigures are one phase's updates, how long they took, the latencies from each update
// to the bot's first answer, and the answers that were an error ("try again") message.
type phaseFigures struct {
	updates int
	elapsed time.Duration
	lat     []time.Duration
	errors  int
}

func (f phaseFigures) rate() float64 { return float64(f.updates) / f.elapsed.Seconds() }

func (f phaseFigures) pct(p int) float64 {
	if len(f.lat) == 0 {
		return 0
	}
	return float64(f.lat[len(f.lat)*p/100].Microseconds()) / 1000
}

// errorAnswers begin the bot's answers to a fault or a flood (locales/umum.id.yaml).
var errorAnswers = []string{"Maaf, sistem sedang", "Maaf, terjadi kesalahan", "Mohon tunggu sebentar"}

// actor is one simulated ASN in one phase. On the ceiling every message gets one answer and
// every tap presses the only button, so a script's shape (its updates) is the same on both.
type actor struct {
	b       *testing.B
	u       *telegramtest.User
	ceiling bool
	last    telegramtest.Message
	lat     []time.Duration
	errors  int
}

// answer waits for the bot's first answer to an update sent at, then for the rest of ours.
func (a *actor) answer(at time.Time, replies int) telegramtest.Message {
	m := a.u.Next(a.b)
	a.lat = append(a.lat, time.Since(at))
	for _, e := range errorAnswers {
		if strings.Contains(m.Text, e) {
			a.errors++
		}
	}
	for i := 1; i < replies && !a.ceiling; i++ {
		m = a.u.Next(a.b)
	}
	a.last = m
	return m
}

// send types text; ours answers it with replies messages.
func (a *actor) send(text string, replies int) telegramtest.Message {
	at := time.Now()
	a.u.Send(text)
	return a.answer(at, replies)
}

// contact shares the user's own phone number.
func (a *actor) contact(phone string, replies int) telegramtest.Message {
	at := time.Now()
	a.u.ShareContact(phone)
	return a.answer(at, replies)
}

// press taps the button pick names on the last message (the ceiling's only button).
func (a *actor) press(pick func(telegramtest.Message) string, replies int) telegramtest.Message {
	at := time.Now()
	if a.ceiling {
		a.u.PressData(a.last, a.last.Buttons[0][0].CallbackData)
	} else {
		a.u.Press(a.b, a.last, pick(a.last))
	}
	return a.answer(at, replies)
}

// label picks a button by its whole text; prefix by its beginning.
func label(s string) func(telegramtest.Message) string {
	return func(telegramtest.Message) string { return s }
}

func prefix(p string) func(telegramtest.Message) string {
	return func(m telegramtest.Message) string {
		for _, l := range m.ButtonTexts() {
			if strings.HasPrefix(l, p) {
				return l
			}
		}
		return p
	}
}

// phase runs script for every user at once and gathers its figures.
func phase(b *testing.B, users []*telegramtest.User, ceiling bool, script func(i int, a *actor)) phaseFigures {
	var mu sync.Mutex
	var f phaseFigures
	var wg sync.WaitGroup
	start := time.Now()
	for i, u := range users {
		wg.Add(1)
		go func() {
			defer wg.Done()
			a := &actor{b: b, u: u, ceiling: ceiling}
			script(i, a)
			mu.Lock()
			f.lat = append(f.lat, a.lat...)
			f.errors += a.errors
			mu.Unlock()
		}()
	}
	wg.Wait()
	f.elapsed = time.Since(start)
	f.updates = len(f.lat)
	slices.Sort(f.lat)
	return f
}

// join adds a phase run in two halves.
func (f phaseFigures) join(g phaseFigures) phaseFigures {
	out := phaseFigures{updates: f.updates + g.updates, elapsed: f.elapsed + g.elapsed, errors: f.errors + g.errors,
		lat: append(slices.Clone(f.lat), g.lat...)}
	slices.Sort(out.lat)
	return out
}

// The load's scripts. Ours answers some updates with more than one message (replies).
func onboardFirst(a *actor) {
	a.send("/start", 2)
	a.press(label("✅ Setuju"), 2)
	a.send("Dra. Siti Aminah, M.Si.", 1)
}

func onboardRest(b *testing.B, i int, a *actor) {
	a.send(nipFor(i), 1)
	a.send("Pemerintah Provinsi Jawa Tengah", 1)
	a.send("Dinas Pendidikan dan Kebudayaan", 1)
	a.send("Analis Kebijakan Ahli Muda", 1)
	a.send("III/c", 2) // typed: the two taps of the picker are the test's concern, not the load's
	a.contact("6281234567890", 2)
	if m := a.press(label("✅ Benar, simpan"), 2); !a.ceiling && !strings.Contains(m.Text, "Menu Utama") {
		b.Fatalf("onboarding did not end in the menu: %q", m.Text)
	}
}

func pageScript(a *actor) {
	a.send("/katalog", 1)
	for range 10 {
		a.press(prefix("Berikutnya"), 1)
	}
}

func searchScript(a *actor) {
	for _, q := range []string{"kepemimpinan", "Pelatihan Nomor 1", "analisis jabatan"} {
		a.send(q, 1)
	}
}

// enrolScript: the popular course's page, "Daftar", then "Ya, daftar" (or the waiting list,
// once the seats are gone). A seat comes with its calendar file, a second message.
func enrolScript(b *testing.B, a *actor) bool {
	a.send("/start c_POPULER", 1)
	a.press(prefix("📝 Daftar"), 1)
	m := a.press(func(m telegramtest.Message) string { return m.ButtonTexts()[0] }, 1) // or the waiting list
	if a.ceiling {
		return false
	}
	if strings.Contains(m.Text, "urutan ke-") {
		return false
	}
	if !strings.Contains(m.Text, "POPULER") && !strings.Contains(m.Text, "Kepemimpinan Populer") {
		b.Fatalf("enrolment answered %q", m.Text)
	}
	a.u.Next(b) // the .ics
	return true
}

func surveyScript(b *testing.B, a *actor) {
	a.send("/survei", 1)
	a.press(label("📝 Kepemimpinan Populer"), 1)
	for range 20 {
		a.press(surveyAnswer, 1)
	}
	if !a.ceiling && !strings.Contains(a.last.Text, "Kirim sekarang?") {
		b.Fatalf("after twenty answers the survey shows %q", a.last.Text)
	}
	a.press(label("✅ Kirim jawaban"), 1)
}

// loadCatalogue is 60 courses to page through and the popular one, dated from the real clock
// (the bot runs as a process of its own, on the real clock).
func loadCatalogue(n int) []catalogfile.Course {
	now := time.Now()
	batchAt := func(name string, days, quota int) catalogfile.Batch {
		start := now.AddDate(0, 0, days).Truncate(time.Hour)
		return catalogfile.Batch{Name: name, Start: start, End: start.Add(56 * time.Hour), TimeZone: "Asia/Jakarta",
			Location: "Kampus BPSDM, Semarang", Quota: quota, RegOpens: now.Add(-time.Minute), RegCloses: start.Add(-24 * time.Hour)}
	}
	courses := make([]catalogfile.Course, 0, 61)
	for i := range 60 {
		courses = append(courses, course(fmt.Sprintf("PG-%02d", i), fmt.Sprintf("Pelatihan Nomor %02d", i), batchAt("Angkatan I", 30+i%20, 50)))
	}
	popular := course("POPULER", "Kepemimpinan Populer", batchAt("Angkatan I", 20, max(1, n/2)))
	popular.Batches[0].Trainers = []string{"Dr. Ani Suryani"}
	return append(courses, popular)
}

// loadOurs runs the load on our bot, as a child process on the real clock.
func loadOurs(b *testing.B, n int) loadResult {
	h := newHarness(b, map[string]string{"FLOOD_LIMIT": "1000"})
	h.stop() // the bot runs as a child process, so its memory is its own
	if _, err := h.db.Import(context.Background(), loadCatalogue(n), time.Now(), testActor); err != nil {
		b.Fatal(err)
	}
	bot := startChild(b, h.env)
	awaitPolling(b, h.tg, bot.out) // its start is not part of the first phase
	defer func() {
		_ = bot.cmd.Process.Signal(syscall.SIGTERM)
		_ = bot.cmd.Wait()
	}()
	users := make([]*telegramtest.User, n)
	for i := range users {
		users[i] = h.tg.User(int64(500000+i), "L"+strconv.Itoa(i))
	}
	r := loadResult{phases: map[string]phaseFigures{}}
	first := phase(b, users, false, func(_ int, a *actor) { onboardFirst(a) })
	r.redisBytes = stateBytes(b, h.env, users)
	rest := phase(b, users, false, func(i int, a *actor) { onboardRest(b, i, a) })
	r.phases["pendaftaran"] = first.join(rest)
	r.phases["katalog"] = phase(b, users, false, func(_ int, a *actor) { pageScript(a) })
	r.phases["pencarian"] = phase(b, users, false, func(_ int, a *actor) { searchScript(a) })
	seated := make([]bool, n)
	r.phases["daftar angkatan"] = phase(b, users, false, func(i int, a *actor) { seated[i] = enrolScript(b, a) })
	var answering []*telegramtest.User
	for i, u := range users {
		if seated[i] {
			answering = append(answering, u)
		}
	}
	if len(answering) != max(1, n/2) {
		b.Fatalf("%d of %d seats taken", len(answering), max(1, n/2))
	}
	if _, err := h.db.OpenSurvey(context.Background(), h.batchID("POPULER", "Angkatan I"), time.Now()); err != nil {
		b.Fatal(err)
	}
	r.phases["survei"] = phase(b, answering, false, func(_ int, a *actor) { surveyScript(b, a) })
	r.peakRSS = float64(peakRSS(bot.cmd.Process.Pid)) / (1 << 20)
	return r
}

// stateBytes is the mean MEMORY USAGE of the users' conversation states.
func stateBytes(b *testing.B, env map[string]string, users []*telegramtest.User) float64 {
	opt, err := redis.ParseURL(env["REDIS_URL"])
	if err != nil {
		b.Fatal(err)
	}
	prefix := env["REDIS_PREFIX"]
	rdb := redis.NewClient(opt)
	defer rdb.Close()
	var total int64
	for _, u := range users {
		n, err := rdb.MemoryUsage(context.Background(), prefix+"state:"+itoa(u.ID)).Result()
		if err != nil {
			b.Fatalf("the conversation of %d has no state in Redis: %v", u.ID, err)
		}
		total += n
	}
	return float64(total) / float64(len(users))
}

// loadCeiling runs the same load on the answer-only bot.
func loadCeiling(b *testing.B, n int) loadResult {
	tg, stop := startCeiling(b)
	defer stop()
	users := make([]*telegramtest.User, n)
	for i := range users {
		users[i] = tg.User(int64(500000+i), "C"+strconv.Itoa(i))
	}
	r := loadResult{phases: map[string]phaseFigures{}}
	first := phase(b, users, true, func(_ int, a *actor) { onboardFirst(a) })
	rest := phase(b, users, true, func(i int, a *actor) { onboardRest(b, i, a) })
	r.phases["pendaftaran"] = first.join(rest)
	r.phases["katalog"] = phase(b, users, true, func(_ int, a *actor) { pageScript(a) })
	r.phases["pencarian"] = phase(b, users, true, func(_ int, a *actor) { searchScript(a) })
	r.phases["daftar angkatan"] = phase(b, users, true, func(_ int, a *actor) { enrolScript(b, a) })
	r.phases["survei"] = phase(b, users[:max(1, n/2)], true, func(_ int, a *actor) { surveyScript(b, a) })
	return r
}

// loadGrammy runs the catalogue phase on the grammY peer.
func loadGrammy(b *testing.B, dir string, n int) loadResult {
	tg, stop := startGrammy(b, dir)
	defer stop()
	users := make([]*telegramtest.User, n)
	for i := range users {
		users[i] = tg.User(int64(500000+i), "G"+strconv.Itoa(i))
	}
	return loadResult{phases: map[string]phaseFigures{"katalog": phase(b, users, false, func(_ int, a *actor) { pageScript(a) })}}
}

// grammyPeer finds the grammY peer, or says why it is left out.
func grammyPeer() (dir, why string) {
	dir = os.Getenv("ASNBOT_GRAMMY_DIR")
	if dir == "" {
		dir = filepath.Join("..", "..", "..", "shared", "peers", "grammy")
	}
	if _, err := exec.LookPath("node"); err != nil {
		return "", "grammY left out: node is not installed"
	}
	if _, err := os.Stat(filepath.Join(dir, "node_modules")); err != nil {
		return "", "grammY left out: run `npm install` in " + dir
	}
	return dir, ""
}

// printLoadTable prints the medians of the rounds, per phase and bot, and all phases together.
func printLoadTable(b *testing.B, n, rounds int, runs map[string][]loadResult, why string) {
	med := func(v []float64) float64 {
		if len(v) == 0 {
			return 0
		}
		slices.Sort(v)
		return v[len(v)/2]
	}
	type row struct{ rate, p50, p95, p99, errors, updates float64 }
	figure := func(bot, ph string) (row, bool) {
		var rate, p50, p95, p99, errs, upd []float64
		for _, r := range runs[bot] {
			var f phaseFigures
			var ok bool
			if ph == "semua" {
				for _, name := range loadPhases {
					if g, has := r.phases[name]; has {
						f, ok = f.join(g), true
					}
				}
				if len(r.phases) != len(loadPhases) {
					ok = false
				}
			} else {
				f, ok = r.phases[ph]
			}
			if !ok {
				continue
			}
			rate, p50, p95, p99 = append(rate, f.rate()), append(p50, f.pct(50)), append(p95, f.pct(95)), append(p99, f.pct(99))
			errs, upd = append(errs, float64(f.errors)), append(upd, float64(f.updates))
		}
		if len(rate) == 0 {
			return row{}, false
		}
		return row{med(rate), med(p50), med(p95), med(p99), med(errs), med(upd)}, true
	}
	w := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Printf("\nBeban campuran: %d ASN sekaligus, median dari %d putaran bergantian\n", n, rounds)
	fmt.Fprintln(w, "fase\tbot\tupdate\tupdate/s\tp50 ms\tp95 ms\tp99 ms\tgalat\t÷ jawab saja\t÷ grammY\tp99 ÷ grammY\t")
	for _, ph := range append(slices.Clone(loadPhases), "semua") {
		ceiling, _ := figure("jawab saja", ph)
		grammy, hasGrammy := figure("grammY", ph)
		for _, bot := range []string{"asnbot", "jawab saja", "grammY"} {
			f, ok := figure(bot, ph)
			if !ok {
				continue
			}
			overCeiling, overGrammy, p99Grammy := "", "", ""
			if bot != "jawab saja" && ceiling.rate > 0 {
				overCeiling = fmt.Sprintf("%.2f", f.rate/ceiling.rate)
			}
			if bot == "asnbot" && hasGrammy {
				overGrammy = fmt.Sprintf("%.2f", f.rate/grammy.rate)
				p99Grammy = fmt.Sprintf("%.2f", f.p99/grammy.p99)
				b.ReportMetric(f.rate/grammy.rate, "paging_over_grammy")
			}
			if bot == "asnbot" && ph == "semua" {
				b.ReportMetric(f.rate, "ours_updates/s")
				b.ReportMetric(f.rate/ceiling.rate, "ours_of_ceiling")
			}
			fmt.Fprintf(w, "%s\t%s\t%.0f\t%.0f\t%.0f\t%.0f\t%.0f\t%.0f\t%s\t%s\t%s\t\n", ph, bot, f.updates, f.rate,
				f.p50, f.p95, f.p99, f.errors, overCeiling, overGrammy, p99Grammy)
		}
	}
	_ = w.Flush()
	var redisB, rss []float64
	for _, r := range runs["asnbot"] {
		redisB, rss = append(redisB, r.redisBytes), append(rss, r.peakRSS)
	}
	fmt.Printf("Redis per percakapan terbuka: %.0f B; RSS puncak bot: %.0f MB\n", med(redisB), med(rss))
	if why != "" {
		fmt.Println(why)
	}
	b.ReportMetric(med(redisB), "redis_B/conversation")
	b.ReportMetric(med(rss), "bot_peak_RSS_MB")
}
