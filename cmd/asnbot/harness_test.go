package main

import (
	"context"
	"io"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/bpsdm/asnbot/bot/telegramtest"
	"github.com/bpsdm/asnbot/flows"
	"github.com/bpsdm/asnbot/storage"
	"github.com/bpsdm/asnbot/storage/storagetest"
)

// harness runs the whole program (serve) against the fake Bot API, a database of the test's
// own and a Redis prefix of its own, as a newcomer would run it.
type harness struct {
	t     testing.TB
	tg    *telegramtest.Server
	env   map[string]string
	clock *clock
	db    *storage.DB
	addr  string

	mu     sync.Mutex
	cancel context.CancelFunc
	done   chan error
}

// clock is a settable clock for the program under test.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }

func (c *clock) Set(t time.Time) { c.mu.Lock(); defer c.mu.Unlock(); c.now = t }

// testNow is "today" in the tests: 22 November 2026, 10.00 WIB.
var testNow = time.Date(2026, 11, 22, 3, 0, 0, 0, time.UTC)

// newHarness starts the bot. extra environment variables override the defaults.
func newHarness(t testing.TB, extra map[string]string, opts ...telegramtest.Option) *harness {
	t.Helper()
	// Every inline keyboard of every test is checked against what a 360-px phone shows.
	opts = append([]telegramtest.Option{telegramtest.WithKeyboardRule(labelsFit)}, opts...)
	h := &harness{t: t, tg: telegramtest.NewServer(t, opts...), clock: &clock{now: testNow}}
	dbURL := storagetest.MigratedURL(t)
	h.env = map[string]string{
		"TELEGRAM_BOT_TOKEN": telegramtest.Token,
		"TELEGRAM_API_URL":   h.tg.URL(),
		"DATABASE_URL":       dbURL,
		"REDIS_URL":          storagetest.RedisURL(),
		"REDIS_PREFIX":       storagetest.RedisPrefix(t),
		"HTTP_ADDR":          "127.0.0.1:0",
		"ADMIN_IDS":          "",
		// The JP nudge's daily sweep would message every test's participants whenever a test
		// moves the clock past 09.00 in the last quarter: only its own test turns it on.
		"JP_NUDGE":  "false",
		"LOG_LEVEL": "warn",
	}
	for k, v := range extra {
		h.env[k] = v
	}
	db, err := storage.Open(context.Background(), dbURL, storage.Options{MaxConns: 4, TestClock: h.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	h.db = db
	// Updates are confirmed once recorded in the inbox: the bot is idle when it is empty.
	h.tg.SetIdle(func() bool {
		var left bool
		err := db.Gorm().Raw("SELECT EXISTS (SELECT 1 FROM update_inbox)").Scan(&left).Error
		return err == nil && !left // a failed look is not idle: WaitIdle then fails, saying so
	})
	h.start()
	t.Cleanup(h.stop)
	return h
}

// start runs serve in the background and waits until its HTTP server listens.
func (h *harness) start() {
	h.t.Helper()
	cfg, err := loadConfig(h.env)
	if err != nil {
		h.t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	listening := make(chan string, 1)
	done := make(chan error, 1)
	var logOut io.Writer = io.Discard
	if testing.Verbose() {
		logOut = os.Stderr
	}
	go func() {
		done <- serve(ctx, cfg, newLogger(logOut, h.env["LOG_LEVEL"]), deps{
			now:       h.clock.Now,
			listening: func(a string) { listening <- a },
		})
	}()
	select {
	case h.addr = <-listening:
	case err := <-done:
		cancel()
		h.t.Fatalf("serve stopped at start: %v", err)
	case <-time.After(30 * time.Second):
		cancel()
		h.t.Fatal("serve did not start in 30s")
	}
	h.mu.Lock()
	h.cancel, h.done = cancel, done
	h.mu.Unlock()
}

// stop shuts the program down as SIGTERM would and waits for it.
func (h *harness) stop() {
	h.mu.Lock()
	cancel, done := h.cancel, h.done
	h.cancel, h.done = nil, nil
	h.mu.Unlock()
	if cancel == nil {
		return
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			h.t.Errorf("serve returned %v", err)
		}
	case <-time.After(40 * time.Second):
		h.t.Error("serve did not stop in 40s")
	}
}

// replica starts a second program on the same fake Telegram, Postgres and Redis.
func (h *harness) replica() *harness {
	h.t.Helper()
	r := &harness{t: h.t, tg: h.tg, env: map[string]string{}, clock: h.clock, db: h.db}
	for k, v := range h.env {
		r.env[k] = v
	}
	r.start()
	h.t.Cleanup(r.stop)
	return r
}

// restart stops the program and starts a new one on the same Postgres and Redis.
func (h *harness) restart() {
	h.t.Helper()
	h.stop()
	h.start()
}

// participant reads the stored profile of a Telegram user.
func (h *harness) participant(id int64) (flows.Participant, bool) {
	h.t.Helper()
	p, err := h.db.Participant(context.Background(), id)
	if err != nil {
		return p, false
	}
	return p, true
}

// expect waits for the user's next message and checks it contains every fragment.
func expect(t *testing.T, u *telegramtest.User, fragments ...string) telegramtest.Message {
	t.Helper()
	m := u.Next(t)
	for _, f := range fragments {
		if !strings.Contains(m.Text, f) {
			t.Fatalf("message %q\n  does not contain %q", m.Text, f)
		}
	}
	return m
}

var userSeq = struct {
	sync.Mutex
	n int64
}{n: 5000}

// newUserID gives each test user a distinct Telegram id.
func newUserID() int64 {
	userSeq.Lock()
	defer userSeq.Unlock()
	userSeq.n++
	return userSeq.n
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// testActor is who the audit log names for changes a test makes directly: the command line,
// which gets no report of the notices.
var testActor = flows.Actor{Name: "uji"}

// redis is a client of the harness's Redis, for a test that reads the keys the bot keeps
// (under h.env["REDIS_PREFIX"]); closed when the test ends.
func (h *harness) redis() *redis.Client {
	h.t.Helper()
	opt, err := redis.ParseURL(h.env["REDIS_URL"])
	if err != nil {
		h.t.Fatal(err)
	}
	c := redis.NewClient(opt)
	h.t.Cleanup(func() { _ = c.Close() })
	return c
}
