package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"strconv"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/redis/go-redis/v9"

	"github.com/bpsdm/asnbot/bot"
	"github.com/bpsdm/asnbot/bot/telegramtest"
	"github.com/bpsdm/asnbot/examples"
	"github.com/bpsdm/asnbot/flows"
	"github.com/bpsdm/asnbot/flows/catalogfile"
	"github.com/bpsdm/asnbot/locales"
	"github.com/bpsdm/asnbot/storage"
	"github.com/bpsdm/asnbot/storage/localserver"
)

// `asnbot demo`: the real bot, its flows and storage, against the fake Bot API the tests use,
// served in the same process, with a page on DEMO_ADDR that shows its chats as Telegram would
// (demoweb.go). The example catalogue is loaded with its batches moved to the coming days, and
// the bot's clock can be moved forward from the page to see reminders, surveys and
// certificates in minutes. Nothing reaches Telegram.

// The demo's people: three participants and an admin, by Telegram id.
var demoPeople = []demoPerson{
	{ID: 7101, Name: "Ani", Phone: "+6281255507101"},
	{ID: 7102, Name: "Budi", Phone: "+6281255507102"},
	{ID: 7103, Name: "Citra", Phone: "+6281255507103"},
	{ID: 7001, Name: "Admin", Admin: true, Phone: "+6281255507001"},
}

type demoPerson struct {
	ID    int64  `json:"id"`
	Name  string `json:"name"`
	Admin bool   `json:"admin"`
	Phone string `json:"-"`
}

// demoClock is the bot's clock in the demo: the real one plus what the page moved it by.
type demoClock struct {
	mu     sync.Mutex
	offset time.Duration
}

func (c *demoClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return time.Now().Add(c.offset)
}

// advanceTo moves the clock to t; never back.
func (c *demoClock) advanceTo(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if d := time.Until(t); d > c.offset {
		c.offset = d
	}
}

// demoOptions are what a test changes: where the page listens and what it is told once it does.
type demoOptions struct {
	addr   string
	dbName string // the demo's database on a PostgreSQL that answers: asnbot_demo
	ready  func(pageURL string)
}

// demo runs until ctx ends, then stops the bot and removes what it started.
func demo(ctx context.Context, environ map[string]string, stdout, stderr io.Writer, opt demoOptions) error {
	began := time.Now()
	cfg, err := loadConfig(environ)
	if err != nil {
		return err
	}
	log := newLogger(stderr, "warn")
	if opt.addr == "" {
		opt.addr = cfg.DemoAddr
	}
	ln, err := net.Listen("tcp", opt.addr)
	if err != nil {
		return fmt.Errorf("DEMO_ADDR %s: %w (another demo running? set DEMO_ADDR=127.0.0.1:8081)", opt.addr, err)
	}
	defer ln.Close()
	pageURL := "http://" + ln.Addr().String() + "/"

	if opt.dbName == "" {
		opt.dbName = "asnbot_demo"
	}
	dbURL, redisURL, prefix, cleanup, err := demoStorage(ctx, cfg, opt.dbName, stdout)
	if err != nil {
		return err
	}
	defer cleanup()

	tg, closeTG := telegramtest.Serve(func(format string, args ...any) { log.Warn(fmt.Sprintf(format, args...)) })
	defer closeTG()
	var admins string
	for _, p := range demoPeople {
		tg.User(p.ID, p.Name)
		if p.Admin {
			admins = strconv.FormatInt(p.ID, 10)
		}
	}
	env := map[string]string{
		"TELEGRAM_BOT_TOKEN": telegramtest.Token, "TELEGRAM_API_URL": tg.URL(),
		"DATABASE_URL": dbURL, "REDIS_URL": redisURL, "REDIS_PREFIX": prefix,
		"HTTP_ADDR": "127.0.0.1:0", "ADMIN_IDS": admins, "LOG_LEVEL": "warn", "FLOOD_LIMIT": "200",
		"TZ": cfg.TZ, "PUBLIC_URL": pageURL,
		"CERT_ORGANISER": "BPSDM Provinsi Contoh", "CERT_CITY": "Kota Contoh",
		"CERT_SIGNER_TITLE": "Kepala BPSDM", "CERT_SIGNER_NAME": "Dr. Contoh Penandatangan, M.Si.",
	}
	bcfg, err := loadConfig(env)
	if err != nil {
		return err
	}
	clock := &demoClock{}
	db, err := openMigrated(ctx, bcfg, log)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := loadDemoCatalogue(ctx, db, clock.Now(), cfg.location); err != nil {
		return err
	}

	botCtx, stopBot := context.WithCancel(ctx)
	defer stopBot()
	botAddr := make(chan string, 1)
	botDone := make(chan error, 1)
	go func() {
		botDone <- serve(botCtx, bcfg, log, deps{now: clock.Now, listening: func(a string) { botAddr <- a }})
	}()
	var internal string
	select {
	case internal = <-botAddr:
	case err := <-botDone:
		return fmt.Errorf("the bot did not start: %w", err)
	case <-ctx.Done():
		return nil
	}

	texts, err := locales.Load()
	if err != nil {
		return err
	}
	page := &demoPage{tg: tg, db: db, clock: clock, r: bot.NewRenderer(texts), zone: cfg.location, log: log}
	mux := page.routes()
	// The certificates' QR codes point here (PUBLIC_URL): the bot's own page answers.
	mux.Handle("GET /verifikasi/", httputil.NewSingleHostReverseProxy(&url.URL{Scheme: "http", Host: internal}))
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	fmt.Fprintf(stdout, "asnbot demo: open %s (ready in %.1fs; Ctrl+C stops it and removes what it started)\n",
		pageURL, time.Since(began).Seconds())
	if opt.ready != nil {
		opt.ready(pageURL)
	}

	select {
	case <-ctx.Done():
	case err := <-botDone:
		_ = srv.Close()
		return fmt.Errorf("the bot stopped: %w", err)
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = srv.Shutdown(shutdown)
	stopBot()
	<-botDone
	return nil
}

// demoStorage finds PostgreSQL and Redis for the demo: the configured ones when they answer
// (a database of the demo's own, asnbot_demo, made afresh, and a key prefix of its own), or
// private servers started from the installed binaries, removed by cleanup.
func demoStorage(ctx context.Context, cfg Config, dbName string, stdout io.Writer) (dbURL, redisURL, prefix string, cleanup func(), err error) {
	var stops []func()
	cleanup = func() {
		for i := len(stops) - 1; i >= 0; i-- {
			stops[i]()
		}
	}
	defer func() {
		if err != nil {
			cleanup()
		}
	}()
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	prefix = "asnbot-demo-" + hex.EncodeToString(b) + ":"

	if dbURL, err = freshDemoDatabase(ctx, cfg.DatabaseURL, dbName); err != nil {
		fmt.Fprintf(stdout, "asnbot demo: PostgreSQL does not answer at DATABASE_URL (%v); starting a private one\n", err)
		pg, perr := localserver.Postgres()
		if perr != nil {
			return "", "", "", cleanup, fmt.Errorf("no PostgreSQL for the demo: %w", perr)
		}
		stops = append(stops, pg.Close)
		dbURL = pg.URL()
	}
	err = pingRedis(ctx, cfg.RedisURL)
	if err == nil {
		redisURL = cfg.RedisURL
		stops = append(stops, func() { dropPrefix(cfg.RedisURL, prefix) })
		return dbURL, redisURL, prefix, cleanup, nil
	}
	fmt.Fprintf(stdout, "asnbot demo: Redis does not answer at REDIS_URL (%v); starting a private one\n", err)
	rs, rerr := localserver.Redis()
	if rerr != nil {
		return "", "", "", cleanup, fmt.Errorf("no Redis for the demo: %w", rerr)
	}
	stops = append(stops, rs.Close)
	return dbURL, rs.URL(), prefix, cleanup, nil
}

// freshDemoDatabase drops the demo's own database (name) on the server of dsn, never the
// bot's, for storage.Open to create it again: each demo starts from the example catalogue.
func freshDemoDatabase(ctx context.Context, dsn, name string) (string, error) {
	u, err := url.Parse(dsn)
	if err != nil {
		return "", err
	}
	admin := *u
	admin.Path = "/postgres"
	cctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	conn, err := pgx.Connect(cctx, admin.String())
	if err != nil {
		return "", err
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(cctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)"); err != nil {
		return "", err
	}
	u.Path = "/" + name // storage.Open creates it
	return u.String(), nil
}

func pingRedis(ctx context.Context, rawURL string) error {
	o, err := redis.ParseURL(rawURL)
	if err != nil {
		return err
	}
	c := redis.NewClient(o)
	defer c.Close()
	cctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	return c.Ping(cctx).Err()
}

// dropPrefix deletes the demo's keys from a Redis it shared.
func dropPrefix(rawURL, prefix string) {
	o, err := redis.ParseURL(rawURL)
	if err != nil {
		return
	}
	c := redis.NewClient(o)
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	iter := c.Scan(ctx, 0, prefix+"*", 500).Iterator()
	for iter.Next(ctx) {
		c.Del(ctx, iter.Val())
	}
}

// loadDemoCatalogue imports the example catalogue with every batch moved by whole weeks (a
// Monday stays a Monday) so that the first starts in two to nine days, and every registration
// open now. The first batch has two seats: three people enrolling see the waiting list move.
func loadDemoCatalogue(ctx context.Context, db *storage.DB, now time.Time, zone *time.Location) error {
	courses, problems := catalogfile.Parse(ctx, "katalog.yaml", examples.Catalogue, zone)
	if len(problems) > 0 {
		return fmt.Errorf("the example catalogue is refused at row %d: %s", problems[0].Row, problems[0].Key)
	}
	first := time.Time{}
	for _, c := range courses {
		for _, b := range c.Batches {
			if first.IsZero() || b.Start.Before(first) {
				first = b.Start
			}
		}
	}
	if first.IsZero() {
		return errors.New("the example catalogue has no batch")
	}
	for i := range courses {
		for j := range courses[i].Batches {
			if b := &courses[i].Batches[j]; b.Start.Equal(first) {
				b.Quota = 2
			}
		}
	}
	week := 7 * 24 * time.Hour
	shift := time.Duration(math.Ceil(float64(now.Add(48*time.Hour).Sub(first))/float64(week))) * week
	for i := range courses {
		for j := range courses[i].Batches {
			b := &courses[i].Batches[j]
			b.Start, b.End = b.Start.Add(shift), b.End.Add(shift)
			b.RegOpens, b.RegCloses = b.RegOpens.Add(shift), b.RegCloses.Add(shift)
			if b.RegOpens.After(now) {
				b.RegOpens = now.Add(-24 * time.Hour)
			}
			if b.RegCloses.Before(now.Add(24 * time.Hour)) {
				b.RegCloses = b.Start.Add(-time.Hour)
			}
		}
	}
	if _, err := db.Import(ctx, courses, now, flows.Actor{Name: "demo"}); err != nil {
		return fmt.Errorf("load the example catalogue: %w", err)
	}
	return nil
}
