// Package storage keeps the records in Postgres (through GORM) and the conversation state,
// update markers and locks in Redis. It implements the interfaces that flows and bot declare.
package storage

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
	"github.com/riverqueue/river"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"github.com/bpsdm/asnbot/flows"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// Migrations are the versioned schema changes, embedded in the binary.
func Migrations() fs.FS {
	sub, err := fs.Sub(migrationFiles, "migrations")
	if err != nil {
		panic(err) // the embed pattern guarantees the folder
	}
	return sub
}

// DB is the Postgres store.
type DB struct {
	gorm  *gorm.DB
	sql   *sql.DB // the same pool, for the few hot statements scanned by hand
	pages pageCache

	jobsOnce sync.Once
	jobs     *river.Client[*sql.Tx]
	jobsErr  error

	reminders []flows.ReminderRule
	survey    flows.SurveyTiming
	certs     flows.CertTerms
	templates sync.Map         // template version id → cachedTemplate
	clock     func() time.Time // tests only: the clock River's inserts go by
	reclaim   time.Duration
}

// Options tune the connection pool and say which reminders a new seat gets.
type Options struct {
	MaxConns int
	// Reminders are planned for each seat; flows.DefaultReminders when empty.
	Reminders []flows.ReminderRule
	// Survey says when a seat's survey invitation comes and how long a survey stays open;
	// flows.DefaultSurveyTiming when zero.
	Survey flows.SurveyTiming
	// ReclaimAfter is how old an unsent delivery claim must be before a job may take it
	// again: longer than any job runs (JOB_TIMEOUT), so a live send is never doubled.
	ReclaimAfter time.Duration
	// Certificates number certificates and name their organiser; the flows defaults when zero.
	Certificates flows.CertTerms
	// TestClock, in tests only, makes the jobs written here due by that clock.
	TestClock func() time.Time
}

// Open connects to dsn, creating the database first when it does not exist, so the first run
// needs nothing done by hand.
func Open(ctx context.Context, dsn string, opt Options) (*DB, error) {
	if err := EnsureDatabase(ctx, dsn); err != nil {
		return nil, err
	}
	g, err := gorm.Open(postgres.Open(dsn), &gorm.Config{
		// GORM's logger prints SQL with its arguments: personal data must not reach the logs.
		Logger:                 logger.Discard,
		SkipDefaultTransaction: true,
		NowFunc:                func() time.Time { return time.Now().UTC() },
	})
	if err != nil {
		return nil, fmt.Errorf("open postgres: %w", err)
	}
	sqlDB, err := g.DB()
	if err != nil {
		return nil, fmt.Errorf("postgres pool: %w", err)
	}
	if opt.MaxConns <= 0 {
		opt.MaxConns = 20
	}
	sqlDB.SetMaxOpenConns(opt.MaxConns)
	sqlDB.SetMaxIdleConns(opt.MaxConns)
	sqlDB.SetConnMaxIdleTime(5 * time.Minute)
	if err := sqlDB.PingContext(ctx); err != nil {
		_ = sqlDB.Close()
		return nil, fmt.Errorf("ping postgres: %w", err)
	}
	if len(opt.Reminders) == 0 {
		opt.Reminders = flows.DefaultReminders
	}
	if opt.ReclaimAfter <= 0 {
		opt.ReclaimAfter = time.Minute
	}
	if opt.Survey.OpenDays <= 0 {
		opt.Survey = flows.DefaultSurveyTiming
	}
	return &DB{gorm: g, sql: sqlDB, reminders: opt.Reminders, survey: opt.Survey, certs: opt.Certificates, clock: opt.TestClock, reclaim: opt.ReclaimAfter}, nil
}

// Gorm exposes the handle for other packages' stores built on the same pool.
func (db *DB) Gorm() *gorm.DB { return db.gorm }

// Close closes the pool.
func (db *DB) Close() error {
	sqlDB, err := db.gorm.DB()
	if err != nil {
		return err
	}
	return sqlDB.Close()
}

// Ping tells whether Postgres answers, for /healthz.
func (db *DB) Ping(ctx context.Context) error {
	sqlDB, err := db.gorm.DB()
	if err != nil {
		return err
	}
	return sqlDB.PingContext(ctx)
}

// Migrate applies every pending migration. A Postgres advisory lock held for the whole run
// makes it safe when several replicas start at once: one migrates, the others wait and then
// find nothing to do.
func (db *DB) Migrate(ctx context.Context, log *slog.Logger) error {
	sqlDB, err := db.gorm.DB()
	if err != nil {
		return err
	}
	locker, err := lock.NewPostgresSessionLocker()
	if err != nil {
		return fmt.Errorf("migration lock: %w", err)
	}
	p, err := goose.NewProvider(goose.DialectPostgres, sqlDB, Migrations(),
		goose.WithSessionLocker(locker), goose.WithDisableGlobalRegistry(true))
	if err != nil {
		return fmt.Errorf("migrations: %w", err)
	}
	results, err := p.Up(ctx)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	for _, r := range results {
		log.Info("migration applied", "version", r.Source.Version, "took", r.Duration.String())
	}
	return migrateRiver(ctx, sqlDB, log)
}

// EnsureDatabase creates the database named in dsn when it does not exist yet. Two replicas
// racing to create it both succeed.
func EnsureDatabase(ctx context.Context, dsn string) error {
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return fmt.Errorf("parse DATABASE_URL: %w", err)
	}
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err == nil {
		return conn.Close(ctx)
	}
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) || pgErr.Code != "3D000" { // invalid_catalog_name
		return fmt.Errorf("connect postgres: %w", err)
	}
	name := cfg.Database
	var lastErr error
	for _, maintenance := range []string{"postgres", "template1"} {
		mc := cfg.Copy()
		mc.Database = maintenance
		conn, err := pgx.ConnectConfig(ctx, mc)
		if err != nil {
			lastErr = err
			continue
		}
		_, err = conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize())
		_ = conn.Close(ctx)
		if err == nil || isCode(err, "42P04") || isCode(err, "23505") { // created, or a racing replica did
			return nil
		}
		return fmt.Errorf("create database: %w", err)
	}
	return fmt.Errorf("create database: no maintenance database reachable: %w", lastErr)
}

func isCode(err error, code string) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && pgErr.Code == code
}
