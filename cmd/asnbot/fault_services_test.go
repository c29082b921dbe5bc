package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/bpsdm/asnbot/bot/telegramtest"
	"github.com/bpsdm/asnbot/flows"
	"github.com/bpsdm/asnbot/storage"
	"github.com/bpsdm/asnbot/storage/storagetest"
)

// The services the bot depends on, stopped under it: Redis in the middle of conversations,
// PostgreSQL in the middle of an enrolment burst. Each case starts a Redis or a PostgreSQL of
// its own (storagetest.StartRedis, StartPostgres) and stops that one, never the shared ones
// the other tests use; the bot runs as a process of its own, so a crash is seen as one.

// politeFault is what a user is told while a service is away (locales: sistem.gangguan).
const politeFault = "sistem sedang mengalami gangguan"

// serviceBot is the bot as a child process, with an HTTP address of its own for /healthz.
type serviceBot struct {
	*child
	addr string
}

// startServiceBot runs the bot with h's environment as a child process and waits until it polls.
func startServiceBot(t *testing.T, h *harness) *serviceBot {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	_ = ln.Close()
	env := map[string]string{}
	for k, v := range h.env {
		env[k] = v
	}
	env["HTTP_ADDR"] = addr
	polls := len(h.tg.Calls("getUpdates"))
	b := &serviceBot{child: startChild(t, env), addr: addr}
	deadline := time.Now().Add(time.Minute)
	for len(h.tg.Calls("getUpdates")) <= polls {
		if time.Now().After(deadline) {
			t.Fatalf("the bot did not start polling in a minute\n%s", b.out)
		}
		time.Sleep(20 * time.Millisecond)
	}
	return b
}

// health asks /healthz: 0 when the bot does not answer at all (it is gone).
func (b *serviceBot) health() (int, map[string]string) {
	c := &http.Client{Timeout: 5 * time.Second}
	resp, err := c.Get("http://" + b.addr + "/healthz")
	if err != nil {
		return 0, nil
	}
	defer resp.Body.Close()
	var st map[string]string
	_ = json.NewDecoder(resp.Body).Decode(&st)
	return resp.StatusCode, st
}

// awaitHealth waits up to d for /healthz to say want for service, and fails t otherwise.
func (b *serviceBot) awaitHealth(t *testing.T, service, want string, d time.Duration) {
	t.Helper()
	deadline := time.Now().Add(d)
	for {
		code, st := b.health()
		if code == 0 {
			t.Fatalf("the bot does not answer /healthz: it is gone\n%s", b.out)
		}
		if st[service] == want {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("/healthz still says %d %v after %v, want %s %s", code, st, d, service, want)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// stopCleanly stops the bot as a deploy would and checks it exits cleanly, without a panic.
// The bot's log is shown when the test failed, or always with ASNBOT_FAULT_LOG=1.
func (b *serviceBot) stopCleanly(t *testing.T, fc *faultCase) {
	t.Helper()
	_ = b.cmd.Process.Signal(syscall.SIGTERM)
	if err := b.cmd.Wait(); err != nil {
		t.Errorf("the bot did not stop cleanly after the fault: %v\n%s", err, b.out)
	}
	if strings.Contains(strings.ToLower(b.out.String()), "panic") {
		fc.Lost("the bot logged a panic")
	}
	if t.Failed() || os.Getenv("ASNBOT_FAULT_LOG") != "" {
		t.Logf("bot output:\n%s", b.out)
	}
}

// retries counts the updates the pipeline put back to be tried again, from the bot's log.
func (b *serviceBot) retries() int {
	return strings.Count(b.out.String(), "tried again later")
}

// transcript gathers what the bot showed each user (sends and edits, in order) as it comes.
type transcript map[int64][]string

func (tr transcript) read(users ...*telegramtest.User) {
	for _, u := range users {
		for _, m := range u.Unread() {
			text := m.Text
			if m.Document != nil {
				text = "[file " + m.Document.Name + "] " + text
			}
			tr[u.ID] = append(tr[u.ID], text)
		}
	}
}

// count is how many of u's messages contain fragment.
func (tr transcript) count(u *telegramtest.User, fragment string) int {
	n := 0
	for _, s := range tr[u.ID] {
		if strings.Contains(s, fragment) {
			n++
		}
	}
	return n
}

// inOrder tells whether u was shown each fragment, one after another, from message from on.
func (tr transcript) inOrder(u *telegramtest.User, from int, fragments ...string) bool {
	msgs := tr[u.ID]
	for _, f := range fragments {
		for from < len(msgs) && !strings.Contains(msgs[from], f) {
			from++
		}
		if from == len(msgs) {
			return false
		}
		from++
	}
	return true
}

// TestFaultRedisStopped: eight people are half-way through registering when Redis (with its
// append-only file, as in compose.yaml) is stopped for 19 seconds. Half of them send their
// next answer at once, the other half only 14 seconds into the outage (after the poller's
// lease in Redis has run out); then each sends one more. Every one of them is told, politely
// and once, while Redis is still down, that the message will be handled when the system is
// back; the bot keeps running (/healthz says Redis is unreachable). Once it is back every
// answer is handled, in order, from the step each person was at, and everyone finishes
// registering.
func TestFaultRedisStopped(t *testing.T) {
	t.Parallel()
	fc := newFaultCase(t, "redis stopped mid-conversation")
	const n = 8
	// The poller's lease in Redis (15 s, renewed every 5 s) cannot be renewed for the whole
	// outage: the late writers come after two renewals have failed (each failing call takes
	// up to 3 s, the Redis client's retries), when the bot used to stop polling.
	const outage, late = 19 * time.Second, 14 * time.Second
	rs := storagetest.StartRedis(t)
	h := newHarness(t, map[string]string{"REDIS_URL": rs.URL()})
	h.stop() // the bot is the child process below
	bot := startServiceBot(t, h)

	// What each step asks for, and what the bot asks next once it has it.
	next := []string{"NIP", "instansi", "unit kerja", "jabatan", "golongan"}
	users := make([]*telegramtest.User, n)
	answers := make([][]string, n)
	step := make([]int, n) // the step each person is at when Redis stops: 0 name, 1 NIP
	for i := range users {
		u := h.tg.User(int64(930100+i), fmt.Sprintf("R%d", i))
		users[i] = u
		answers[i] = []string{"Rahmat Hidayat " + string(rune('A'+i)) + "ri", nipFor(700 + i), "Pemerintah Kota Semarang",
			"Badan Kepegawaian Daerah", "Analis SDM Aparatur"}
		toStep(t, u)
		if i%4 >= 2 {
			u.Send(answers[i][0])
			expect(t, u, next[0])
			step[i] = 1
		}
	}
	h.tg.WaitIdle(t)
	tr := transcript{}
	tr.read(users...)
	mark := map[int64]int{} // where each transcript stood when Redis stopped
	for _, u := range users {
		mark[u.ID] = len(tr[u.ID])
	}

	stopped := time.Now()
	rs.Stop()
	bot.awaitHealth(t, "redis", "unreachable", 10*time.Second)
	var sent []int64
	wrote := map[int64]time.Time{}      // when each first wrote while Redis was down
	toldIn := map[int64]time.Duration{} // how long they waited for the polite answer
	awaitPolite := func(group []*telegramtest.User, by time.Time) {
		for {
			tr.read(users...)
			waiting := 0
			for _, u := range group {
				if _, ok := toldIn[u.ID]; !ok && tr.count(u, politeFault) > 0 {
					toldIn[u.ID] = time.Since(wrote[u.ID])
				}
				if _, ok := toldIn[u.ID]; !ok {
					waiting++
				}
			}
			if waiting == 0 || time.Now().After(by) {
				return
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	writeFirst := func(parity int) (group []*telegramtest.User) {
		for i, u := range users {
			if i%2 == parity {
				wrote[u.ID] = time.Now()
				sent = append(sent, u.Send(answers[i][step[i]]))
				group = append(group, u)
			}
		}
		return group
	}
	awaitPolite(writeFirst(0), stopped.Add(late))
	time.Sleep(time.Until(stopped.Add(late)))
	writeFirst(1)
	// Then each sends the next answer without waiting (they were told it will be handled).
	for i, u := range users {
		sent = append(sent, u.Send(answers[i][step[i]+1]))
	}
	awaitPolite(users, stopped.Add(outage-500*time.Millisecond))
	time.Sleep(time.Until(stopped.Add(outage)))
	tr.read(users...)
	var notTold []string
	var slowest time.Duration
	for _, u := range users {
		d, ok := toldIn[u.ID]
		if !ok {
			notTold = append(notTold, u.FirstName)
		}
		slowest = max(slowest, d)
	}
	switch code, st := bot.health(); {
	case code == 0:
		fc.Lost("the bot died while Redis was down")
		t.Fatalf("bot output:\n%s", bot.out)
	case code != http.StatusServiceUnavailable || st["redis"] != "unreachable":
		t.Errorf("/healthz during the outage: %d %v", code, st)
	}

	rs.Start()
	back := time.Now()
	outageLen := back.Sub(stopped)
	bot.awaitHealth(t, "redis", "ok", 10*time.Second)
	// Every update is handled: confirmed, out of the inbox, and its answer shown, in order.
	answered := func(i int) bool {
		u := users[i]
		return tr.inOrder(u, mark[u.ID], next[step[i]], next[step[i]+1])
	}
	settled := func() bool {
		tr.read(users...)
		for _, id := range sent {
			if !h.tg.Confirmed(id) {
				return false
			}
		}
		var left int64
		if h.db.Gorm().Raw("SELECT count(*) FROM update_inbox").Scan(&left).Error != nil || left > 0 {
			return false
		}
		for i := range users {
			if !answered(i) {
				return false
			}
		}
		return true
	}
	deadline := back.Add(40 * time.Second)
	done := settled()
	for ; !done && time.Now().Before(deadline); done = settled() {
		time.Sleep(50 * time.Millisecond)
	}
	recovered := time.Since(back)

	fc.Saw("%d users, %d updates while down", n, len(sent))
	fc.Saw("outage %.0fs", outageLen.Seconds())
	if len(notTold) < n {
		fc.Saw("%d of %d told politely while down, within %.1fs", n-len(notTold), n, slowest.Seconds())
	} else {
		fc.Saw("none told while down")
	}
	fc.Saw("%d retries", bot.retries())
	fc.Saw("%s %.1fs after restart", map[bool]string{true: "all handled", false: "NOT all handled"}[done], recovered.Seconds())
	if len(notTold) > 0 {
		fc.Lost("%d users got no answer while Redis was down (%s)", len(notTold), strings.Join(notTold, ", "))
	}
	unconfirmed := 0
	for _, id := range sent {
		if !h.tg.Confirmed(id) {
			unconfirmed++
		}
	}
	var stuck []string
	for i, u := range users {
		if !answered(i) {
			stuck = append(stuck, u.FirstName)
			t.Logf("%s, after %q and %q, was shown %q", u.FirstName, answers[i][step[i]], answers[i][step[i]+1], tr[u.ID][mark[u.ID]:])
		}
		if c := tr.count(u, politeFault); c > 2 {
			t.Errorf("%s was told of the fault %d times for 2 updates", u.FirstName, c)
		}
	}
	if unconfirmed > 0 {
		fc.Lost("%d of %d updates sent while Redis was down never handled", unconfirmed, len(sent))
	}
	if len(stuck) > 0 {
		fc.Lost("%d conversations did not go on from where they were, in order (%s)", len(stuck), strings.Join(stuck, ", "))
		bot.stopCleanly(t, fc)
		t.FailNow()
	}

	// The conversations go on from where they were: everyone finishes registering.
	for i, u := range users {
		var rank telegramtest.Message
		for k := step[i] + 2; k < len(answers[i]); k++ {
			u.Send(answers[i][k])
			rank = expect(t, u, next[k])
		}
		tapRank(t, u, rank, "III/b")
		expect(t, u, "Golongan", rankLabel(t, "III/b"))
		expect(t, u, "nomor ponsel")
		u.ShareContact("6281234567890")
		expect(t, u, "0812-3456-7890")
		summary := expect(t, u, "Periksa kembali", answers[i][0], answers[i][4])
		u.Press(t, summary, "✅ Benar, simpan")
		expect(t, u, "Profil Anda tersimpan")
		p, ok := h.participant(u.ID)
		if !ok || p.Name != answers[i][0] || p.NIP != answers[i][1] || p.Agency != answers[i][2] || p.Rank != "III/b" {
			fc.Lost("%s's profile stored as %+v", u.FirstName, p)
		}
	}
	bot.stopCleanly(t, fc)
}

// enrolAnswer is what a tap on "enrol" is answered with: a seat or a place in line.
var enrolAnswer = regexp.MustCompile(`Pendaftaran berhasil|Anda sudah terdaftar|urutan ke-(\d+) daftar tunggu`)

// TestFaultPostgresStopped: 36 registered people tap "enrol" on a 12-seat batch at once;
// PostgreSQL is stopped (fast shutdown: open transactions rolled back) a third of the way
// through and started again 8 seconds later. While it is down each taps again and asks for
// their trainings (/saya). Every update is handled, each person ends with one enrolment, 12
// seats taken and 24 in line at distinct places, each told what they got (a seat with one
// calendar file), no enrolment without its planned notices nor notices without their seat,
// and the batch's counts agree with the rows.
func TestFaultPostgresStopped(t *testing.T) {
	t.Parallel()
	fc := newFaultCase(t, "postgres stopped during enrolments")
	const n, quota = 36, 12
	const outage = 8 * time.Second
	pg := storagetest.StartPostgres(t)
	// The bot creates and migrates the database at its first start, on the private server.
	h := newHarness(t, map[string]string{"DATABASE_URL": pg.URL()})
	h.stop() // the bot is the child process below
	db, err := storage.Open(context.Background(), pg.URL(), storage.Options{MaxConns: 4, TestClock: h.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	h.db = db // the harness's helpers (seed, participant) on the private server
	h.tg.SetIdle(func() bool {
		var left bool
		err := db.Gorm().Raw("SELECT EXISTS (SELECT 1 FROM update_inbox)").Scan(&left).Error
		return err == nil && !left
	})

	h.seed(course("FPG-1", "Manajemen Risiko Pembangunan", batch("Angkatan I", 30, 2, quota)))
	batchID := h.batchID("FPG-1", "Angkatan I")
	users := make([]*telegramtest.User, n)
	for i := range users {
		users[i] = h.tg.User(int64(930500+i), fmt.Sprintf("P%02d", i))
		h.seedParticipant(users[i], 800+i)
	}
	bot := startServiceBot(t, h)
	cats := make([]telegramtest.Message, n)
	for _, u := range users {
		u.Send("/katalog")
	}
	for i, u := range users {
		cats[i] = awaitWith(t, u, "Katalog Pelatihan", time.Minute, bot.out)
	}

	// told lists what each chat was shown (sends and edits, in order) and the calendar files.
	told := func() map[int64][]string {
		out := map[int64][]string{}
		for _, c := range h.tg.Calls("") {
			id, _ := strconv.ParseInt(c.Params["chat_id"], 10, 64)
			switch c.Method {
			case "sendMessage", "editMessageText":
				out[id] = append(out[id], c.Params["text"])
			case "sendDocument":
				out[id] = append(out[id], "[file "+c.Params["document"]+"]")
			}
		}
		return out
	}
	enrolled := func() int { // users told the outcome of their enrolment
		k := 0
		for _, msgs := range told() {
			for _, m := range msgs {
				if enrolAnswer.MatchString(m) {
					k++
					break
				}
			}
		}
		return k
	}
	enrol := fmt.Sprintf("k:y:%d", batchID)
	var sent []int64
	for i, u := range users {
		sent = append(sent, u.PressData(cats[i], enrol))
	}
	deadline := time.Now().Add(time.Minute)
	for enrolled() < n/3 {
		if time.Now().After(deadline) {
			t.Fatalf("only %d of %d enrolments answered in a minute\n%s", enrolled(), n, bot.out)
		}
		time.Sleep(2 * time.Millisecond)
	}
	pg.Stop()
	stopped := time.Now()
	atStop := enrolled()
	if atStop >= n {
		t.Fatal("every enrolment was answered before PostgreSQL stopped: the fault interrupted nothing")
	}
	bot.awaitHealth(t, "postgres", "unreachable", 10*time.Second)
	// While it is down, everyone taps again and asks for their trainings.
	for i, u := range users {
		sent = append(sent, u.PressData(cats[i], enrol))
	}
	for _, u := range users {
		sent = append(sent, u.Send("/saya"))
	}
	time.Sleep(time.Until(stopped.Add(outage)))
	switch code, st := bot.health(); {
	case code == 0:
		fc.Lost("the bot died while PostgreSQL was down")
		t.Fatalf("bot output:\n%s", bot.out)
	case code != http.StatusServiceUnavailable || st["postgres"] != "unreachable":
		t.Errorf("/healthz during the outage: %d %v", code, st)
	}
	// Told while down: those whose update the bot took in meanwhile. (While the inbox cannot
	// be written the poller handles the batch in hand before it fetches the next, so later
	// writers hear nothing until PostgreSQL is back, then get their answers.)
	politeWhileDown := 0
	for _, msgs := range told() {
		if strings.Contains(strings.Join(msgs, "\n"), politeFault) {
			politeWhileDown++
		}
	}
	pg.Start()
	back := time.Now()
	outageLen := back.Sub(stopped)
	bot.awaitHealth(t, "postgres", "ok", 10*time.Second)

	// Settled: every update confirmed and out of the inbox, everyone told of their enrolment
	// and shown their trainings, no notice job left due.
	var left int64
	settled := func() bool {
		for _, id := range sent {
			if !h.tg.Confirmed(id) {
				return false
			}
		}
		if h.db.Gorm().Raw("SELECT count(*) FROM update_inbox").Scan(&left).Error != nil || left > 0 {
			return false
		}
		shown := told()
		for _, u := range users {
			var e, s bool
			for _, m := range shown[u.ID] {
				e = e || enrolAnswer.MatchString(m)
				s = s || strings.Contains(m, "Pelatihan Saya")
			}
			if !e || !s {
				return false
			}
		}
		return true
	}
	deadline = back.Add(45 * time.Second)
	done := settled()
	for ; !done && time.Now().Before(deadline); done = settled() {
		time.Sleep(50 * time.Millisecond)
	}
	recovered := time.Since(back)
	fc.Saw("%d updates from %d users", len(sent), n)
	fc.Saw("%d enrolments answered at the stop", atStop)
	fc.Saw("outage %.0fs", outageLen.Seconds())
	fc.Saw("%d of %d told politely while down", politeWhileDown, n)
	fc.Saw("%d retries", bot.retries())
	fc.Saw("%s %.1fs after restart", map[bool]string{true: "all handled", false: "NOT all handled"}[done], recovered.Seconds())

	unconfirmed := 0
	for _, id := range sent {
		if !h.tg.Confirmed(id) {
			unconfirmed++
		}
	}
	if unconfirmed > 0 {
		fc.Lost("%d of %d updates never handled", unconfirmed, len(sent))
	}
	if left > 0 {
		t.Errorf("%d updates left in the inbox after everything was answered", left)
	}

	// The rows: one live enrolment each, quota seats, the rest in line at distinct places.
	type row struct {
		ID         int64
		TelegramID int64
		Status     string
		Queued     int64
		Jobs       int
	}
	var rows []row
	err = h.db.Gorm().Raw(`SELECT e.id, p.telegram_id, e.status, e.queued,
			(SELECT count(*) FROM river_job j WHERE j.kind IN ? AND (j.args->>'enrolment_id')::bigint = e.id) AS jobs
		FROM enrolments e JOIN participants p ON p.id = e.participant_id WHERE e.batch_id = ? ORDER BY e.queued`,
		[]string{flows.Reminder{}.Kind(), flows.SurveyInvitation{}.Kind(), flows.SurveyNudge{}.Kind()}, batchID).Scan(&rows).Error
	if err != nil {
		t.Fatal(err)
	}
	per := map[int64]int{}
	registered, waiting := 0, 0
	seatJobs := -1
	var halfWritten []string
	for _, r := range rows {
		per[r.TelegramID]++
		switch flows.EnrolmentStatus(r.Status) {
		case flows.Registered:
			registered++
			if seatJobs < 0 {
				seatJobs = r.Jobs
			}
			if r.Jobs == 0 || r.Jobs != seatJobs {
				halfWritten = append(halfWritten, fmt.Sprintf("seat %d with %d notices planned (others %d)", r.ID, r.Jobs, seatJobs))
			}
		case flows.Waiting:
			waiting++
			if r.Jobs != 0 {
				halfWritten = append(halfWritten, fmt.Sprintf("place in line %d with %d seat notices", r.ID, r.Jobs))
			}
		default:
			t.Errorf("enrolment %d is %s", r.ID, r.Status)
		}
	}
	var orphans int64
	h.db.Gorm().Raw(`SELECT count(*) FROM river_job j WHERE j.kind IN ? AND NOT EXISTS
		(SELECT 1 FROM enrolments e WHERE e.id = (j.args->>'enrolment_id')::bigint AND e.status = 'terdaftar')`,
		[]string{flows.Reminder{}.Kind(), flows.SurveyInvitation{}.Kind(), flows.SurveyNudge{}.Kind()}).Scan(&orphans)
	if orphans > 0 {
		halfWritten = append(halfWritten, fmt.Sprintf("%d notices planned for no seat", orphans))
	}
	if len(halfWritten) > 0 {
		fc.Lost("enrolments half written: %s", strings.Join(halfWritten, "; "))
	}
	var twice []string
	for _, u := range users {
		if per[u.ID] != 1 {
			twice = append(twice, fmt.Sprintf("%s has %d enrolments", u.FirstName, per[u.ID]))
		}
	}
	if registered > quota {
		twice = append(twice, fmt.Sprintf("%d seats taken of %d", registered, quota))
	}
	_, batches, err := h.db.Course(context.Background(), "FPG-1")
	if err != nil {
		t.Fatal(err)
	}
	if b := batches[0]; b.Registered != registered || b.Waiting != waiting {
		twice = append(twice, fmt.Sprintf("the batch counts %d seats and %d in line, the rows %d and %d", b.Registered, b.Waiting, registered, waiting))
	}
	if len(twice) > 0 {
		fc.Lost("seats counted twice: %s", strings.Join(twice, "; "))
	}
	if registered != quota || waiting != n-quota {
		t.Errorf("%d seats and %d in line; want %d and %d", registered, waiting, quota, n-quota)
	}

	// What each was told agrees with the rows: a seat (once, with one calendar file) or a
	// place in line, every place a different one.
	shown := told()
	status := map[int64]flows.EnrolmentStatus{}
	for _, r := range rows {
		status[r.TelegramID] = flows.EnrolmentStatus(r.Status)
	}
	places := map[string]string{}
	var unanswered, wrong []string
	for _, u := range users {
		var seat, calendars int
		var place string
		for _, m := range shown[u.ID] {
			switch mm := enrolAnswer.FindStringSubmatch(m); {
			case mm == nil:
			case mm[1] != "":
				if place == "" {
					place = mm[1]
				}
			case strings.Contains(m, "Pendaftaran berhasil"):
				seat++
			}
			if m == "[file pelatihan-FPG-1.ics]" {
				calendars++
			}
		}
		switch status[u.ID] {
		case flows.Registered:
			if seat != 1 || calendars != 1 {
				wrong = append(wrong, fmt.Sprintf("%s holds a seat, told %d times, %d calendar files", u.FirstName, seat, calendars))
			}
		case flows.Waiting:
			if place == "" || seat > 0 {
				wrong = append(wrong, fmt.Sprintf("%s waits, told place %q and %d seats", u.FirstName, place, seat))
			} else if other, dup := places[place]; dup {
				wrong = append(wrong, fmt.Sprintf("%s and %s both told place %s", other, u.FirstName, place))
			}
			places[place] = u.FirstName
		}
		if seat == 0 && place == "" && !strings.Contains(strings.Join(shown[u.ID], "\n"), "Anda sudah terdaftar") {
			unanswered = append(unanswered, u.FirstName)
		}
	}
	if len(unanswered) > 0 {
		fc.Lost("%d users never told of their enrolment (%s)", len(unanswered), strings.Join(unanswered, ", "))
	}
	if len(wrong) > 0 {
		sort.Strings(wrong)
		t.Errorf("told otherwise than stored:\n  %s", strings.Join(wrong, "\n  "))
	}
	if politeWhileDown == 0 {
		t.Error("nobody was told of the fault while PostgreSQL was down")
	}
	bot.stopCleanly(t, fc)
}
