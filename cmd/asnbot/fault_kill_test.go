package main

import (
	"context"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/bpsdm/asnbot/bot/telegramtest"
	"github.com/bpsdm/asnbot/flows"
	"github.com/bpsdm/asnbot/flows/catalogfile"
	"github.com/bpsdm/asnbot/storage/storagetest"
)

// awaitWith reads u's new messages (sends and edits) until one contains fragment, for up to d:
// longer than Next's ten seconds, for a bot that is starting or recovering. It fails t with
// what the bot printed (out) otherwise.
func awaitWith(t testing.TB, u *telegramtest.User, fragment string, d time.Duration, out fmt.Stringer) telegramtest.Message {
	t.Helper()
	deadline := time.Now().Add(d)
	for {
		for _, m := range u.Unread() {
			if strings.Contains(m.Text, fragment) {
				return m
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s got no message with %q in %v\n%s", u.FirstName, fragment, d, out)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// chatsLocked lists the chats whose Redis lock is held: the updates being handled, one per
// chat at most. Read after a kill, they are the updates that were in flight.
func chatsLocked(t testing.TB, prefix string) map[int64]bool {
	t.Helper()
	o, err := redis.ParseURL(storagetest.RedisURL())
	if err != nil {
		t.Fatal(err)
	}
	c := redis.NewClient(o)
	defer c.Close()
	keys, err := c.Keys(context.Background(), prefix+"lock:chat:*").Result()
	if err != nil {
		t.Fatal(err)
	}
	out := map[int64]bool{}
	for _, k := range keys {
		id, err := strconv.ParseInt(strings.TrimPrefix(k, prefix+"lock:chat:"), 10, 64)
		if err != nil {
			t.Fatalf("lock key %q", k)
		}
		out[id] = true
	}
	return out
}

// burstToken is the search each text of the burst makes: the answer ("no course matches
// “zq07c”") names it, so every text's answers can be counted.
var burstToken = regexp.MustCompile(`zq\d{2}[a-d]`)

// TestFaultKilledDuringBurst: 50 participants each send eight updates at once (searches, an
// enrolment in a 20-seat batch, page turns, a second tap, and for five of them the
// cancellation of a seat someone waits for); the bot, polling as a process of its own, is
// killed outright a third of the way through and started again. Every update is answered,
// none twice but those in flight at the kill, every participant has one enrolment and the
// batch 20 seats taken, and the five waiting are moved up and told.
func TestFaultKilledDuringBurst(t *testing.T) {
	t.Parallel()
	fc := newFaultCase(t, "killed during a burst")
	const n, quotaA, quotaB = 50, 20, 5
	h := newHarness(t, nil)
	h.stop() // the two processes below are the bot, one after the other
	courses := []catalogfile.Course{
		course("FKB-1", "Manajemen Krisis", batch("Angkatan I", 40, 2, quotaA)),
		course("FKB-2", "Etika Birokrasi", batch("Angkatan I", 50, 2, quotaB)),
	}
	for i := range 5 { // seven courses: two pages to turn
		courses = append(courses, course(fmt.Sprintf("FKB-%d", 3+i), fmt.Sprintf("Pelatihan Cadangan %d", i), batch("Angkatan I", 60+i, 1, 30)))
	}
	h.seed(courses...)
	batchA, batchB := h.batchID("FKB-1", "Angkatan I"), h.batchID("FKB-2", "Angkatan I")
	users := make([]*telegramtest.User, n)
	for i := range users {
		users[i] = h.tg.User(int64(910000+i), fmt.Sprintf("B%02d", i))
		h.seedParticipant(users[i], 300+i)
	}
	// The last ten hold FKB-2's five seats and its waiting list; the first five of them give
	// their seats up in the burst.
	const holders = n - 2*quotaB
	held := map[int]int64{} // user index -> enrolment in FKB-2 they cancel
	for i := holders; i < n; i++ {
		p, _ := h.participant(users[i].ID)
		e, err := h.db.Enrol(context.Background(), p.ID, batchB, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		want := flows.Waiting
		if i < holders+quotaB {
			want, held[i] = flows.Registered, e.ID
		}
		if e.Status != want {
			t.Fatalf("seeding FKB-2: %s is %s", users[i].FirstName, e.Status)
		}
	}

	env := map[string]string{}
	for k, v := range h.env {
		env[k] = v
	}
	env["JOB_TIMEOUT"], env["JOB_RESCUE_AFTER"] = "5s", "8s"
	first := startChild(t, env)
	cats := make([]telegramtest.Message, n)
	for _, u := range users {
		u.Send("/katalog")
	}
	next := ""
	for i, u := range users {
		cats[i] = awaitWith(t, u, "Katalog Pelatihan", time.Minute, first.out)
		for _, row := range cats[i].Buttons {
			for _, b := range row {
				if strings.HasPrefix(b.Text, "Berikutnya") {
					next = b.CallbackData
				}
			}
		}
	}
	if next == "" {
		t.Fatalf("the catalogue has no next page: %v", cats[0].ButtonTexts())
	}

	// The burst: eight rounds, each user's update of the round one after another, all queued
	// at Telegram before the bot takes the first.
	var updates []int64
	presses := make([]int, n)
	var tokens []string
	for r := range 8 {
		for i, u := range users {
			var id int64
			switch r {
			case 0, 3, 5, 7:
				tok := fmt.Sprintf("zq%02d%c", i, 'a'+[]int{0: 0, 3: 1, 5: 2, 7: 3}[r])
				tokens = append(tokens, tok)
				id = u.Send(tok)
			case 1:
				id = u.PressData(cats[i], fmt.Sprintf("k:y:%d", batchA))
			case 2, 6:
				id = u.PressData(cats[i], next)
			case 4:
				if e, ok := held[i]; ok {
					id = u.PressData(cats[i], fmt.Sprintf("s:y:%d", e))
				} else {
					id = u.PressData(cats[i], fmt.Sprintf("k:y:%d", batchA)) // a second tap
				}
			}
			if r != 0 && r != 3 && r != 5 && r != 7 {
				presses[i]++
			}
			updates = append(updates, id)
		}
	}
	total := len(updates)

	// answers counts each text's answers by its token, and each press's by its query.
	answers := func() (texts map[string]int, queries []map[string]int) {
		texts = map[string]int{}
		for _, c := range h.tg.Calls("sendMessage") {
			if tok := burstToken.FindString(c.Params["text"]); tok != "" {
				texts[tok]++
			}
		}
		for _, u := range users {
			q := map[string]int{}
			for _, a := range u.CallbackAnswers() {
				q[a.QueryID]++
			}
			queries = append(queries, q)
		}
		return texts, queries
	}
	progress := func() int {
		texts, queries := answers()
		done := len(texts)
		for _, q := range queries {
			done += len(q)
		}
		return done
	}
	deadline := time.Now().Add(3 * time.Minute)
	for progress() < total/3 {
		if time.Now().After(deadline) {
			t.Fatalf("only %d of %d updates answered\n%s", progress(), total, first.out)
		}
		time.Sleep(5 * time.Millisecond)
	}
	if err := first.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = first.cmd.Wait()
	killed := time.Now()
	atKill := progress()
	inFlight := chatsLocked(t, env["REDIS_PREFIX"])
	var inbox int64
	h.db.Gorm().Raw("SELECT count(*) FROM update_inbox").Scan(&inbox)
	t.Logf("killed with %d of %d updates answered, %d in the inbox, %d being handled (chats locked)", atKill, total, inbox, len(inFlight))
	if atKill >= total {
		t.Fatal("every update was answered before the kill: it interrupted nothing")
	}

	second := startChild(t, env)
	// Done when every update is confirmed, none is left in the inbox (an update in flight at
	// the kill stays there until handled again), and the five moved up have been told.
	settled := func() bool {
		for _, id := range updates {
			if !h.tg.Confirmed(id) {
				return false
			}
		}
		var left int64
		h.db.Gorm().Raw("SELECT count(*) FROM update_inbox").Scan(&left)
		if left > 0 || progress() < total {
			return false
		}
		for i := holders + quotaB; i < n; i++ {
			if countWith(users[i], "Kabar baik") == 0 {
				return false
			}
		}
		var jobs int64
		h.db.Gorm().Raw(`SELECT count(*) FROM river_job WHERE state IN ('available','running','retryable','pending')`).Scan(&jobs)
		return jobs == 0
	}
	deadline = time.Now().Add(3 * time.Minute)
	for !settled() {
		if time.Now().After(deadline) {
			break // what is missing is counted below
		}
		time.Sleep(50 * time.Millisecond)
	}
	recovered := time.Since(killed)

	texts, queries := answers()
	var lostTexts, lostPresses, dupTexts, dupPresses int
	dupChats := map[int64]bool{}
	for _, tok := range tokens {
		i, _ := strconv.Atoi(tok[2:4])
		switch got := texts[tok]; {
		case got == 0:
			lostTexts++
		case got > 1:
			dupTexts += got - 1
			dupChats[users[i].ID] = true
		}
	}
	for i, q := range queries {
		lostPresses += max(presses[i]-len(q), 0)
		for _, c := range q {
			if c > 1 {
				dupPresses += c - 1
				dupChats[users[i].ID] = true
			}
		}
	}
	fc.Saw("%d updates from %d users", total, n)
	fc.Saw("%d answered at the kill", atKill)
	fc.Saw("%d in flight", len(inFlight))
	fc.Saw("%d answered twice", dupTexts+dupPresses)
	fc.Saw("all answered %.0fs after the kill", recovered.Seconds())
	if lostTexts+lostPresses > 0 {
		fc.Lost("%d texts and %d presses never answered", lostTexts, lostPresses)
	}
	// Only an update in hand at the kill (its chat locked, its marker not yet written) can be
	// handled again; one chat holds one update at a time.
	if dups := dupTexts + dupPresses; dups > len(inFlight) {
		t.Errorf("%d updates answered twice, more than the %d in flight at the kill", dups, len(inFlight))
	}
	for c := range dupChats {
		if !inFlight[c] {
			t.Errorf("chat %d was answered twice but had no update in flight at the kill", c)
		}
	}

	// Seats: one enrolment each in FKB-1, its 20 seats taken once, everyone told what they got.
	type row struct {
		TelegramID int64
		Status     string
		N          int
	}
	var rows []row
	err := h.db.Gorm().Raw(`SELECT p.telegram_id, e.status, count(*) OVER (PARTITION BY p.id) AS n
		FROM enrolments e JOIN participants p ON p.id = e.participant_id WHERE e.batch_id = ?`, batchA).Scan(&rows).Error
	if err != nil {
		t.Fatal(err)
	}
	status := map[int64]string{}
	registered, waiting := 0, 0
	for _, r := range rows {
		if r.N != 1 {
			t.Errorf("user %d has %d enrolments in FKB-1", r.TelegramID, r.N)
		}
		status[r.TelegramID] = r.Status
		switch flows.EnrolmentStatus(r.Status) {
		case flows.Registered:
			registered++
		case flows.Waiting:
			waiting++
		}
	}
	if len(status) != n {
		fc.Lost("%d of %d enrolments in FKB-1 stored", len(status), n)
	}
	if registered != quotaA || waiting != n-quotaA {
		t.Errorf("FKB-1: %d registered, %d waiting; want %d and %d", registered, waiting, quotaA, n-quotaA)
	}
	told := map[int64][]string{} // what each chat was shown, sends and edits in order
	for _, c := range h.tg.Calls("") {
		if c.Method == "sendMessage" || c.Method == "editMessageText" {
			id, _ := strconv.ParseInt(c.Params["chat_id"], 10, 64)
			told[id] = append(told[id], c.Params["text"])
		}
	}
	places := map[string]bool{}
	place := regexp.MustCompile(`urutan ke-(\d+) daftar tunggu`)
	for _, u := range users {
		var seat, line string
		for _, txt := range told[u.ID] {
			if strings.Contains(txt, "Pendaftaran berhasil") && strings.Contains(txt, "Manajemen Krisis") {
				seat = txt
			}
			if m := place.FindStringSubmatch(txt); m != nil && strings.Contains(txt, "Manajemen Krisis") && line == "" {
				line = m[1]
			}
		}
		switch flows.EnrolmentStatus(status[u.ID]) {
		case flows.Registered:
			if seat == "" {
				t.Errorf("%s holds a seat but was not told", u.FirstName)
			}
			if docs := docsNamed(h, u, "pelatihan-FKB-1.ics"); docs != 1 {
				t.Errorf("%s got %d calendar files for FKB-1", u.FirstName, docs)
			}
		case flows.Waiting:
			if line == "" || seat != "" {
				t.Errorf("%s waits but was told %q / %q", u.FirstName, seat, line)
			}
			if places[line] {
				t.Errorf("place %s in line told twice", line)
			}
			places[line] = true
		}
	}

	// FKB-2: the five who gave their seats up are out, the five in line hold them, told once each.
	var b2 []struct {
		TelegramID int64
		Status     string
	}
	h.db.Gorm().Raw(`SELECT p.telegram_id, e.status FROM enrolments e JOIN participants p ON p.id = e.participant_id
		WHERE e.batch_id = ? ORDER BY p.telegram_id`, batchB).Scan(&b2)
	var got []string
	for _, r := range b2 {
		got = append(got, fmt.Sprintf("%d:%s", r.TelegramID-910000, r.Status))
	}
	var want []string
	for i := holders; i < n; i++ {
		st := flows.Registered
		if i < holders+quotaB {
			st = flows.Cancelled
		}
		want = append(want, fmt.Sprintf("%d:%s", i, st))
	}
	sort.Strings(got)
	sort.Strings(want)
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("FKB-2 enrolments %v, want %v", got, want)
	}
	movedTwice := 0
	for i := holders + quotaB; i < n; i++ {
		switch c := countWith(users[i], "Kabar baik"); {
		case c == 0:
			fc.Lost("%s was moved up but not told", users[i].FirstName)
		case c > 1:
			movedTwice++
		}
	}
	if movedTwice > 0 {
		t.Errorf("%d participants were told twice they were moved up", movedTwice)
	}

	for name, c := range map[string]*child{"first": first, "second": second} {
		if strings.Contains(strings.ToLower(c.out.String()), "panic") {
			t.Errorf("the %s process logged a panic:\n%s", name, c.out)
		}
	}
	_ = second.cmd.Process.Signal(syscall.SIGTERM)
	if err := second.cmd.Wait(); err != nil {
		t.Errorf("the second process did not stop cleanly: %v\n%s", err, second.out)
	}
	if t.Failed() {
		t.Logf("second process:\n%s", second.out)
	}
}

// docsNamed counts the documents named name the bot sent u.
func docsNamed(h *harness, u *telegramtest.User, name string) int {
	n := 0
	for _, c := range h.tg.Calls("sendDocument") {
		if c.Params["chat_id"] == itoa(u.ID) && c.Params["document"] == name {
			n++
		}
	}
	return n
}
