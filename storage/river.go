package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/rivermigrate"
	"github.com/riverqueue/river/rivertype"
	"gorm.io/gorm"
)

// River is the durable job queue in Postgres that carries the notices (flows.Notice): jobs
// are written here, in the transaction that causes them, and worked by the River client cmd
// starts on its own pool.

// riverMigrationLock serialises River's own migrations between replicas starting together.
const riverMigrationLock = 4242002

// migrateRiver brings River's tables up to date under an advisory lock.
func migrateRiver(ctx context.Context, sqlDB *sql.DB, log *slog.Logger) error {
	conn, err := sqlDB.Conn(ctx)
	if err != nil {
		return fmt.Errorf("river migration lock: %w", err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock($1)", riverMigrationLock); err != nil {
		return fmt.Errorf("river migration lock: %w", err)
	}
	defer conn.ExecContext(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock($1)", riverMigrationLock) //nolint:errcheck
	m, err := rivermigrate.New(riverdatabasesql.New(sqlDB), &rivermigrate.Config{Logger: log})
	if err != nil {
		return fmt.Errorf("river migrations: %w", err)
	}
	if _, err := m.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
		return fmt.Errorf("river migrate: %w", err)
	}
	return nil
}

// inserter returns an insert-only River client on the GORM pool, for jobs written in the same
// transaction as the change that causes them.
func (db *DB) inserter() (*river.Client[*sql.Tx], error) {
	db.jobsOnce.Do(func() {
		sqlDB, err := db.gorm.DB()
		if err != nil {
			db.jobsErr = err
			return
		}
		cfg := &river.Config{}
		if db.clock != nil {
			cfg.Test.Time = StubClock(db.clock) // tests: jobs are due by the same clock the workers run on
		}
		db.jobs, db.jobsErr = river.NewClient(riverdatabasesql.New(sqlDB), cfg)
	})
	return db.jobs, db.jobsErr
}

// plan writes jobs in the GORM transaction tx, in one statement: they exist if and only if
// tx commits. Each notice says what makes two the same (its InsertOpts), so a handler run
// twice plans it once. A job without ScheduledAt is available at once (River puts any job
// with a time, even a past one, through its scheduler, which runs every few seconds).
func (db *DB) plan(ctx context.Context, tx *gorm.DB, jobs ...river.InsertManyParams) error {
	if len(jobs) == 0 {
		return nil
	}
	sqlTx, ok := tx.Statement.ConnPool.(*sql.Tx)
	if !ok {
		return errors.New("plan jobs: not inside a transaction")
	}
	_, err := db.planTx(ctx, sqlTx, jobs...)
	return err
}

// planTx is plan for a transaction begun on the pool by hand; it returns what was written.
func (db *DB) planTx(ctx context.Context, tx *sql.Tx, jobs ...river.InsertManyParams) ([]*rivertype.JobInsertResult, error) {
	if len(jobs) == 0 {
		return nil, nil
	}
	client, err := db.inserter()
	if err != nil {
		return nil, fmt.Errorf("job client: %w", err)
	}
	res, err := client.InsertManyTx(ctx, tx, jobs)
	if err != nil {
		return nil, fmt.Errorf("plan jobs: %w", err)
	}
	return res, nil
}

// StubClock is a test clock as River takes it (Config.Test.Time): River then uses it in its
// queries instead of the database's now(), so time moves when the test says.
type StubClock func() time.Time

// Now implements rivertype.TimeGenerator.
func (c StubClock) Now() time.Time { return c() }

// NowOrNil implements rivertype.TimeGenerator.
func (c StubClock) NowOrNil() *time.Time { t := c().UTC(); return &t }
