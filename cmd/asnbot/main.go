// Command asnbot is the Bot Pelatihan ASN: one binary that serves the Telegram bot, migrates
// its database and reports its version. Everything is configured by environment variables
// (see README.md).
package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"syscall"
	"time"
	_ "time/tzdata" // the runtime image has no zoneinfo; Asia/Jakarta must still load

	"github.com/bpsdm/asnbot/flows/survey"
	"github.com/bpsdm/asnbot/locales"
	"github.com/bpsdm/asnbot/storage"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], nil, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "asnbot:", err)
		os.Exit(1)
	}
}

const usage = `usage: asnbot [serve|demo|migrate|import FILE|survey-import FILE|health|version]

  serve          run the bot (the default): migrates, then long polling or webhook
  demo           try the bot in a browser (DEMO_ADDR, default 127.0.0.1:8080): no token, nothing sent to Telegram
  migrate        apply database migrations and exit
  import         load a catalogue file (.csv, .xlsx, .yaml): all of it, or nothing if a row is wrong
  survey-import  load a survey template (.yaml) as its next version, or nothing if a line is wrong
  health    ask a running bot's /healthz on HTTP_ADDR (for container health checks)
  version   print the version

Configuration comes from environment variables; see README.md.`

// run is main without the process: tests call it with their own environment and output.
func run(ctx context.Context, args []string, environ map[string]string, stdout, stderr io.Writer) error {
	cmd := "serve"
	if len(args) > 0 {
		cmd = args[0]
	}
	switch cmd {
	case "version", "-v", "--version":
		fmt.Fprintln(stdout, "asnbot", versionString())
		return nil
	case "help", "-h", "--help":
		fmt.Fprintln(stdout, usage)
		return nil
	case "demo":
		return demo(ctx, environ, stdout, stderr, demoOptions{})
	case "serve", "migrate", "health", "import", "survey-import":
	default:
		return fmt.Errorf("unknown command %q\n%s", cmd, usage)
	}
	cfg, err := loadConfig(environ)
	if err != nil {
		return err
	}
	log := newLogger(stderr, cfg.LogLevel)
	switch cmd {
	case "migrate":
		return migrate(ctx, cfg, log)
	case "health":
		return health(ctx, cfg.HTTPAddr, stdout)
	case "import":
		return importFile(ctx, cfg, args[1:], stdout, log)
	case "survey-import":
		return importSurvey(ctx, cfg, args[1:], stdout, log)
	}
	if err := cfg.requireToken(); err != nil {
		return err
	}
	return serve(ctx, cfg, log, deps{})
}

func migrate(ctx context.Context, cfg Config, log *slog.Logger) error {
	db, err := openMigrated(ctx, cfg, log)
	if err != nil {
		return err
	}
	log.Info("database is up to date")
	return db.Close()
}

// openMigrated opens the database for a one-off command, creating and migrating it as needed.
func openMigrated(ctx context.Context, cfg Config, log *slog.Logger) (*storage.DB, error) {
	db, err := storage.Open(ctx, cfg.DatabaseURL, storage.Options{MaxConns: 2, Survey: cfg.survey()})
	if err != nil {
		return nil, err
	}
	if err := prepare(ctx, db, log); err != nil {
		_ = db.Close()
		return nil, err
	}
	return db, nil
}

// prepare migrates the database and stores the shipped survey template when it is new.
func prepare(ctx context.Context, db *storage.DB, log *slog.Logger) error {
	if err := db.Migrate(ctx, log); err != nil {
		return err
	}
	t, problems := survey.Read(locales.DefaultSurvey())
	if len(problems) > 0 {
		return fmt.Errorf("the shipped survey template is refused: %s", problems[0].Key) // a build error, caught by tests
	}
	v, err := db.SeedTemplate(ctx, t)
	if err != nil {
		return fmt.Errorf("seed survey template: %w", err)
	}
	if v.Added {
		log.Info("survey template stored", "key", t.Key, "version", v.Version)
	}
	return nil
}

// health asks the bot's own /healthz; the runtime image has no curl.
func health(ctx context.Context, addr string, stdout io.Writer) error {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("HTTP_ADDR: %w", err)
	}
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "127.0.0.1"
	}
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+net.JoinHostPort(host, port)+"/healthz", nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("healthz: %w", err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	fmt.Fprint(stdout, string(body))
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("healthz: %s", resp.Status)
	}
	return nil
}

func newLogger(w io.Writer, level string) *slog.Logger {
	var l slog.Level
	if err := l.UnmarshalText([]byte(strings.ToUpper(level))); err != nil {
		l = slog.LevelInfo
	}
	return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: l}))
}

func versionString() string {
	v := version
	if bi, ok := debug.ReadBuildInfo(); ok {
		v += " (" + bi.GoVersion + ")"
	}
	return v
}
