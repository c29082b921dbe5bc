// Package storagetest gives each test its own real Postgres database and its own Redis key
// prefix, so tests run in parallel against the real services and never see each other's data.
//
// The services are the ones on 127.0.0.1 (or ASNBOT_TEST_DATABASE_URL, ASNBOT_TEST_REDIS_URL).
// When nothing answers there, the test process starts private ones from the installed server
// binaries (localserver), so the tests run on a laptop with PostgreSQL and Redis installed but
// not running, without touching any database of its owner's. A test that still has no service
// fails with a message that says what to install or start; it never skips.
package storagetest

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"net/url"
	"os"
	"runtime/debug"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/redis/go-redis/v9"

	"github.com/bpsdm/asnbot/storage"
	"github.com/bpsdm/asnbot/storage/localserver"
)

// Environment variables that point the tests elsewhere than the local services.
const (
	EnvPostgres = "ASNBOT_TEST_DATABASE_URL"
	EnvRedis    = "ASNBOT_TEST_REDIS_URL"
)

// AdminURL is the server-level connection used to create and drop test databases.
func AdminURL() string {
	if u := os.Getenv(EnvPostgres); u != "" {
		return u
	}
	pg.once.Do(func() {
		pg.url = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"
		if answers("127.0.0.1:5432") {
			return
		}
		s, err := localserver.Postgres()
		if err != nil {
			pg.err = err
			return
		}
		pg.url = WithDatabase(s.URL(), "postgres") // killed with this process (localserver)
	})
	return pg.url
}

// RedisURL is the Redis the tests use.
func RedisURL() string {
	if u := os.Getenv(EnvRedis); u != "" {
		return u
	}
	rd.once.Do(func() {
		rd.url = "redis://127.0.0.1:6379/0"
		if answers("127.0.0.1:6379") {
			return
		}
		s, err := localserver.Redis()
		if err != nil {
			rd.err = err
			return
		}
		rd.url = s.URL()
	})
	return rd.url
}

// The services of this test process: the shared ones, or private ones started for it.
var pg, rd struct {
	once sync.Once
	url  string
	err  error // why no private one could start
}

// answers reports whether something listens at addr.
func answers(addr string) bool {
	c, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		return false
	}
	_ = c.Close()
	return true
}

// missing says why a service is missing: not running, and no private one could start.
func missing(err error) string {
	if err == nil {
		return ""
	}
	return fmt.Sprintf("\nNo private one could be started either: %v", err)
}

var (
	templateOnce sync.Once
	templateName string
	templateErr  error
)

// templateDB migrates one template database per version of the migrations, once for all test
// processes (a Postgres advisory lock serialises them); each test then clones it, which is far
// cheaper than migrating.
func templateDB(ctx context.Context) (string, error) {
	templateOnce.Do(func() { templateName, templateErr = buildTemplate(ctx) })
	return templateName, templateErr
}

func buildTemplate(ctx context.Context) (string, error) {
	h := sha256.New()
	err := fs.WalkDir(storage.Migrations(), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(storage.Migrations(), p)
		h.Write([]byte(p))
		h.Write(b)
		return err
	})
	if err != nil {
		return "", err
	}
	// River's own migrations come with its version: a new River is a new template.
	if info, ok := debug.ReadBuildInfo(); ok {
		for _, m := range info.Deps {
			if strings.HasPrefix(m.Path, "github.com/riverqueue/river") {
				h.Write([]byte(m.Path + "@" + m.Version))
			}
		}
	}
	name := "asnbot_tpl_" + hex.EncodeToString(h.Sum(nil))[:12]
	conn, err := pgx.Connect(ctx, AdminURL())
	if err != nil {
		return "", err
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "SELECT pg_advisory_lock(4242001)"); err != nil {
		return "", err
	}
	defer conn.Exec(context.Background(), "SELECT pg_advisory_unlock(4242001)") //nolint:errcheck
	var exists bool
	if err := conn.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", name).Scan(&exists); err != nil {
		return "", err
	}
	if exists {
		return name, nil
	}
	// Build under a temporary name and rename when complete, so a crash never leaves a
	// half-migrated template behind.
	tmp := name + "_tmp"
	if _, err := conn.Exec(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{tmp}.Sanitize()+" WITH (FORCE)"); err != nil {
		return "", err
	}
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{tmp}.Sanitize()); err != nil {
		return "", err
	}
	db, err := storage.Open(ctx, WithDatabase(AdminURL(), tmp), storage.Options{MaxConns: 2})
	if err != nil {
		return "", err
	}
	err = db.Migrate(ctx, slog.New(slog.DiscardHandler))
	_ = db.Close()
	if err != nil {
		return "", err
	}
	if _, err := conn.Exec(ctx, "ALTER DATABASE "+pgx.Identifier{tmp}.Sanitize()+" RENAME TO "+pgx.Identifier{name}.Sanitize()); err != nil {
		return "", err
	}
	return name, nil
}

// WithDatabase is dsn with its database named name.
func WithDatabase(dsn, name string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		panic(err)
	}
	u.Path = "/" + name
	return u.String()
}

func randomName(prefix string) string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return prefix + hex.EncodeToString(b)
}

// DatabaseURL creates an empty database for this test (no migrations) and returns its URL;
// it is dropped when the test ends.
func DatabaseURL(t testing.TB) string {
	t.Helper()
	return createDB(t, "")
}

// MigratedURL creates a migrated database for this test, cloned from the template.
func MigratedURL(t testing.TB) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	tpl, err := templateDB(ctx)
	if err != nil {
		t.Fatalf("storagetest: cannot prepare the template database on %s: %v\n"+
			"Start PostgreSQL (see README.md) or set %s.%s", redact(AdminURL()), err, EnvPostgres, missing(pg.err))
	}
	return createDB(t, tpl)
}

// DB opens a migrated database of this test's own.
func DB(t testing.TB) *storage.DB {
	t.Helper()
	db, err := storage.Open(context.Background(), MigratedURL(t), storage.Options{MaxConns: 10})
	if err != nil {
		t.Fatalf("storagetest: open: %v", err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return db
}

func createDB(t testing.TB, template string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, AdminURL())
	if err != nil {
		t.Fatalf("storagetest: PostgreSQL is not reachable at %s: %v\n"+
			"Start it (see README.md) or set %s.%s", redact(AdminURL()), err, EnvPostgres, missing(pg.err))
	}
	defer conn.Close(ctx)
	name := randomName("asnbot_t_")
	sql := "CREATE DATABASE " + pgx.Identifier{name}.Sanitize()
	if template != "" {
		sql += " TEMPLATE " + pgx.Identifier{template}.Sanitize()
	}
	if _, err := conn.Exec(ctx, sql); err != nil {
		t.Fatalf("storagetest: create database: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		c, err := pgx.Connect(ctx, AdminURL())
		if err != nil {
			t.Errorf("storagetest: drop database: %v", err)
			return
		}
		defer c.Close(ctx)
		if _, err := c.Exec(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)"); err != nil {
			t.Errorf("storagetest: drop database: %v", err)
		}
	})
	return WithDatabase(AdminURL(), name)
}

// RedisPrefix returns a fresh key prefix for this test after checking that Redis answers; the
// test's keys are deleted when it ends.
func RedisPrefix(t testing.TB) string {
	t.Helper()
	c := redisClient(t)
	prefix := randomName("asnbot_t_") + ":"
	t.Cleanup(func() {
		ctx := context.Background()
		iter := c.Scan(ctx, 0, prefix+"*", 500).Iterator()
		for iter.Next(ctx) {
			c.Del(ctx, iter.Val())
		}
		_ = c.Close()
	})
	return prefix
}

// Redis returns a Redis store with this test's own prefix.
func Redis(t testing.TB, opt storage.RedisOptions) *storage.Redis {
	t.Helper()
	opt.Prefix = RedisPrefix(t)
	c := redisClient(t)
	t.Cleanup(func() { _ = c.Close() })
	return storage.NewRedis(c, opt)
}

func redisClient(t testing.TB) *redis.Client {
	t.Helper()
	o, err := redis.ParseURL(RedisURL())
	if err != nil {
		t.Fatalf("storagetest: %s: %v", EnvRedis, err)
	}
	c := redis.NewClient(o)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := c.Ping(ctx).Err(); err != nil {
		_ = c.Close()
		t.Fatalf("storagetest: Redis is not reachable at %s: %v\nStart it (see README.md) or set %s.%s", RedisURL(), err, EnvRedis, missing(rd.err))
	}
	return c
}

func redact(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return "(unparseable URL)"
	}
	return u.Redacted()
}
