package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"os/signal"
	"sort"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/bpsdm/asnbot/bot/telegramtest"
	"github.com/bpsdm/asnbot/flows"
	"github.com/bpsdm/asnbot/storage"
)

// child is the bot running as a process of its own (this test binary, re-executed), so that
// a test can kill it outright as a crash or an OOM kill would.
type child struct {
	cmd *exec.Cmd
	out *syncBuffer
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

// startChild runs `asnbot serve` with env in a child process, on the real clock.
func startChild(t testing.TB, env map[string]string) *child {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperServeProcess$", "-test.count=1")
	cmd.Env = append(os.Environ(), "ASNBOT_HELPER_SERVE=1")
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	c := &child{cmd: cmd, out: &syncBuffer{}}
	cmd.Stdout, cmd.Stderr = c.out, c.out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
		}
	})
	return c
}

// TestHelperServeProcess is the child of the crash test: the bot, until SIGTERM or a kill.
func TestHelperServeProcess(t *testing.T) {
	if os.Getenv("ASNBOT_HELPER_SERVE") != "1" {
		return // only meaningful as a child process
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM)
	defer stop()
	if err := run(ctx, []string{"serve"}, nil, os.Stdout, os.Stderr); err != nil {
		t.Fatal(err)
	}
}

// noonZone is a fixed-offset zone where it is about noon now, so that reminders due "now"
// never fall in the quiet hours, whatever the hour the test runs at.
func noonZone() string {
	off := (12 - time.Now().UTC().Hour() + 24) % 24
	if off > 12 {
		off -= 24
	}
	if off >= 0 {
		return "Etc/GMT-" + strconv.Itoa(off) // POSIX signs: Etc/GMT-7 is UTC+7
	}
	return "Etc/GMT+" + strconv.Itoa(-off)
}

// TestKilledReplicaLosesNoReminder: two bots as separate processes work one queue of due
// reminders; one is killed outright in the middle. Every participant still gets the reminder,
// at most the messages in flight at the kill go twice, and the sends of both processes
// together never exceed the shared outgoing limit.
func TestKilledReplicaLosesNoReminder(t *testing.T) {
	t.Parallel()
	const n, rate = 60, 10
	h := newHarness(t, nil, telegramtest.WithRateLimits())
	h.stop() // the in-process bot is not needed: the two children are the replicas
	start := time.Now().Add(time.Hour + 20*time.Second)
	soon := batch("Angkatan I", 0, 1, n)
	soon.TimeZone = noonZone()
	soon.Start, soon.End = start, start.Add(6*time.Hour)
	soon.RegOpens, soon.RegCloses = testNow.Add(-time.Hour), time.Now().Add(time.Hour)
	h.seed(course("CRASH-1", "Manajemen ASN", soon))
	id := h.batchID("CRASH-1", "Angkatan I")
	// The first few get two reminders due at the same instant (two rules an hour before),
	// which the two processes may well send at once: the per-chat limit must space them.
	const doubled = 10
	twice, err := storage.Open(context.Background(), h.env["DATABASE_URL"], storage.Options{MaxConns: 2, TestClock: h.clock.Now,
		Reminders: []flows.ReminderRule{{Kind: "j1", Before: time.Hour}, {Kind: "m60", Before: 60 * time.Minute}}})
	if err != nil {
		t.Fatal(err)
	}
	defer twice.Close()
	want := func(i int) int {
		if i < doubled {
			return 2
		}
		return 1
	}
	users := make([]*telegramtest.User, n)
	for i := range users {
		users[i] = h.tg.User(int64(700000+i), "K"+strconv.Itoa(i))
		users[i].OpenChat()
		h.seedParticipant(users[i], 2000+i)
		p, _ := h.participant(users[i].ID)
		db := h.db
		if i < doubled {
			db = twice
		}
		if _, err := db.Enrol(context.Background(), p.ID, id, time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	env := map[string]string{}
	for k, v := range h.env {
		env[k] = v
	}
	env["OUT_RATE"] = strconv.Itoa(rate)
	env["JOB_TIMEOUT"], env["JOB_RESCUE_AFTER"] = "5s", "8s"
	a, b := startChild(t, env), startChild(t, env)

	// The one-hour reminders fall due about 20 seconds from now; kill one process once a
	// quarter of them went out.
	deadline := time.Now().Add(2 * time.Minute)
	for len(h.tg.Calls("sendMessage")) < n/4 {
		if time.Now().After(deadline) {
			t.Fatalf("no reminders sent\nA:\n%s\nB:\n%s", a.out, b.out)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err := a.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = a.cmd.Wait()
	killedAt := len(h.tg.Calls("sendMessage"))

	reached := func() int {
		got := 0
		for i, u := range users {
			if countWith(u, "Pengingat") >= want(i) {
				got++
			}
		}
		return got
	}
	for reached() < n && time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond)
	}
	dups, delivered := 0, 0
	minGap := time.Hour
	for i, u := range users {
		got := countWith(u, "Pengingat")
		dups, delivered = dups+max(got-want(i), 0), delivered+got
		if i < doubled {
			if countWith(u, "1 jam lagi") == 0 || countWith(u, "60 menit lagi") == 0 {
				t.Errorf("%s did not get both reminders", u.FirstName)
			}
			var at []time.Time
			for _, c := range h.tg.Calls("sendMessage") {
				if c.Params["chat_id"] == itoa(u.ID) {
					at = append(at, c.At)
				}
			}
			for j := 1; j < len(at); j++ {
				minGap = min(minGap, at[j].Sub(at[j-1]))
			}
		}
	}
	var retried int64
	h.db.Gorm().Raw(`SELECT count(*) FROM river_job WHERE kind = 'reminder' AND errors::text LIKE '%Stuck job rescued%'`).Scan(&retried)
	refused := len(h.tg.Calls("sendMessage")) - delivered
	t.Logf("%d sent before the kill, %d participants reached, %d duplicates, %d jobs rescued, %d answered 429, "+
		"closest two sends to one chat %v apart", killedAt, reached(), dups, retried, refused, minGap.Round(time.Millisecond))
	if got := reached(); got != n {
		t.Fatalf("%d of %d participants got their reminder\nB:\n%s", got, n, b.out)
	}
	// River hands a process at most 8 jobs at once (MaxWorkers): only those can have been
	// in flight when it was killed.
	if dups > 8 {
		t.Errorf("%d duplicates: more than the messages in flight at the kill", dups)
	}
	if retried == 0 {
		t.Error("no job was taken over from the killed process: the kill did not interrupt anything")
	}
	if refused != 0 {
		t.Errorf("Telegram answered 429 to %d sends: the shared limit did not hold", refused)
	}
	// The shared limit held across both processes: no second holds more than the rate and
	// its burst (a fifth of it).
	var at []time.Time
	for _, c := range h.tg.Calls("sendMessage") {
		at = append(at, c.At)
	}
	sort.Slice(at, func(i, j int) bool { return at[i].Before(at[j]) })
	most := 0
	for i, j := 0, 0; i < len(at); i++ {
		for at[i].Sub(at[j]) >= time.Second {
			j++
		}
		most = max(most, i-j+1)
	}
	if limit := rate + rate/5; most > limit {
		t.Errorf("%d messages within one second, over the limit of %d", most, limit)
	}
	t.Logf("at most %d messages within one second (limit %d + burst %d)", most, rate, rate/5)
	_ = b.cmd.Process.Signal(syscall.SIGTERM)
	if err := b.cmd.Wait(); err != nil {
		t.Errorf("the surviving replica did not stop cleanly: %v\n%s", err, b.out)
	}
}
