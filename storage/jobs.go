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
	"gorm.io/gorm"

	"github.com/bpsdm/asnbot/flows"
)

// riverMigrationLock serialises River's own migrations between replicas starting together.
const riverMigrationLock = 4242002

// migrateRiver brings River's tables (the durable job queue) up to date under an advisory lock.
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

// enqueuePromotions plans, inside tx, the notice to each participant moved up: it is sent by a
// worker after the commit, and never if the transaction rolls back.
func (db *DB) enqueuePromotions(ctx context.Context, tx *gorm.DB, promos []flows.Promotion) error {
	for _, p := range promos {
		if err := db.insertTx(ctx, tx, river.InsertManyParams{Args: flows.PromotionNotice{EnrolmentID: p.Enrolment.ID}}); err != nil {
			return fmt.Errorf("enqueue promotion: %w", err)
		}
	}
	return nil
}

// insertTx writes jobs in the GORM transaction tx, in one statement: they exist if and only
// if tx commits. Jobs are unique by their arguments, so a handler run twice plans each once.
// A job without ScheduledAt is available at once (River puts any job with a time, even a
// past one, through its scheduler, which runs every few seconds).
func (db *DB) insertTx(ctx context.Context, tx *gorm.DB, jobs ...river.InsertManyParams) error {
	if len(jobs) == 0 {
		return nil
	}
	client, err := db.inserter()
	if err != nil {
		return fmt.Errorf("job client: %w", err)
	}
	sqlTx, ok := tx.Statement.ConnPool.(*sql.Tx)
	if !ok {
		return errors.New("enqueue: not inside a transaction")
	}
	for i := range jobs {
		if jobs[i].InsertOpts == nil {
			jobs[i].InsertOpts = &river.InsertOpts{}
		}
		jobs[i].InsertOpts.UniqueOpts = river.UniqueOpts{ByArgs: true}
	}
	_, err = client.InsertManyTx(ctx, sqlTx, jobs)
	return err
}

// enqueueReminders plans, inside tx, the reminders of a new seat.
func (db *DB) enqueueReminders(ctx context.Context, tx *gorm.DB, enrolmentID int64, b flows.Batch, now time.Time) error {
	if err := db.insertTx(ctx, tx, db.reminderJobs(nil, enrolmentID, b, now)...); err != nil {
		return fmt.Errorf("enqueue reminders: %w", err)
	}
	return nil
}

// reminderJobs appends to jobs the reminders of a seat in b still to come as of now.
func (db *DB) reminderJobs(jobs []river.InsertManyParams, enrolmentID int64, b flows.Batch, now time.Time) []river.InsertManyParams {
	for _, p := range flows.PlanReminders(enrolmentID, b, now, db.reminders) {
		jobs = append(jobs, river.InsertManyParams{Args: p.Reminder, InsertOpts: &river.InsertOpts{ScheduledAt: p.At}})
	}
	return jobs
}

// dropReminders removes, inside tx, the reminders not yet sent of an enrolment being cancelled.
func (db *DB) dropReminders(tx *gorm.DB, enrolmentIDs ...int64) error {
	err := tx.Exec(`DELETE FROM river_job WHERE kind = ? AND (args->>'enrolment_id')::bigint IN ?
		AND state IN ('available', 'scheduled', 'retryable', 'pending')`, flows.Reminder{}.Kind(), enrolmentIDs).Error
	return mapErr(err, "drop reminders")
}

// liveEnrolments lists, inside tx, the enrolments of a batch that hold or wait for a seat.
func liveEnrolments(tx *gorm.DB, batchID int64) ([]enrolmentRow, error) {
	var rows []enrolmentRow
	err := tx.Where("batch_id = ? AND status IN ('terdaftar','daftar_tunggu')", batchID).Order("id").Find(&rows).Error
	return rows, mapErr(err, "live enrolments of a batch")
}

// PutOffReminder plans r again at until, in a job of its own (r.Due makes its arguments
// distinct from the reminder that was put off). Putting off twice plans it once.
func (db *DB) PutOffReminder(ctx context.Context, r flows.Reminder, until time.Time) error {
	return db.gorm.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		return db.insertTx(ctx, tx, river.InsertManyParams{Args: r, InsertOpts: &river.InsertOpts{ScheduledAt: until}})
	})
}

// ReminderInfo loads what a due reminder needs to decide and say.
func (db *DB) ReminderInfo(ctx context.Context, enrolmentID int64) (flows.Enrolment, flows.Participant, bool, error) {
	g := db.gorm.WithContext(ctx)
	var r enrolmentRow
	err := g.Where("id = ?", enrolmentID).Take(&r).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return flows.Enrolment{}, flows.Participant{}, false, nil
	}
	if err != nil {
		return flows.Enrolment{}, flows.Participant{}, false, mapErr(err, "reminder enrolment")
	}
	e, err := db.loadEnrolment(g, r)
	if err != nil {
		return flows.Enrolment{}, flows.Participant{}, false, err
	}
	var p participantRow
	if err := g.Where("id = ?", r.ParticipantID).Take(&p).Error; err != nil {
		return flows.Enrolment{}, flows.Participant{}, false, mapErr(err, "reminder participant")
	}
	return e, p.domain(), true, nil
}

// PromotionNotice loads what a promotion notice says, and whether it still holds: the
// enrolment must still hold its seat, and the participant must not have blocked the bot.
func (db *DB) PromotionNotice(ctx context.Context, enrolmentID int64) (flows.Promotion, bool, error) {
	e, p, found, err := db.ReminderInfo(ctx, enrolmentID)
	if err != nil || !found {
		return flows.Promotion{}, false, err // gone: the participant deleted their data meanwhile
	}
	holds := e.Status == flows.Registered && !p.Unreachable
	return flows.Promotion{Enrolment: e, ChatID: p.ChatID, Name: p.Name}, holds, nil
}

// ClaimDelivery records that the message key is being sent to chatID; false when it was
// already sent (a job run twice). A claim never marked sent can be taken again by the job
// that made it (its retry, when the release after a failed send failed too) or, once older
// than any job runs, by any job (its replica died mid-send): the message is not lost.
func (db *DB) ClaimDelivery(ctx context.Context, key string, chatID int64, owner string) (bool, error) {
	res := db.gorm.WithContext(ctx).Exec(`INSERT INTO deliveries (key, chat_id, owner) VALUES (?, ?, ?)
		ON CONFLICT (key) DO UPDATE SET created_at = now(), owner = EXCLUDED.owner
		WHERE deliveries.sent_at IS NULL AND (deliveries.created_at < now() - make_interval(secs => ?)
			OR (EXCLUDED.owner <> '' AND deliveries.owner = EXCLUDED.owner))`,
		key, chatID, owner, db.reclaim.Seconds())
	if res.Error != nil {
		return false, mapErr(res.Error, "claim delivery")
	}
	return res.RowsAffected == 1, nil
}

// DeliverySent marks a claimed message as sent: from now on it is never sent again.
func (db *DB) DeliverySent(ctx context.Context, key string) error {
	return mapErr(db.gorm.WithContext(ctx).Exec("UPDATE deliveries SET sent_at = now() WHERE key = ?", key).Error, "delivery sent")
}

// ReleaseDelivery forgets a claim whose send failed, so the job's retry sends it.
func (db *DB) ReleaseDelivery(ctx context.Context, key string) error {
	return mapErr(db.gorm.WithContext(ctx).Exec("DELETE FROM deliveries WHERE key = ?", key).Error, "release delivery")
}

// scheduleChanged, inside the import's transaction, tells everyone enrolled or waiting in a
// batch whose dates or place changed (a job each, old and new side by side) and moves the
// reminders of those with a seat to the new dates.
func (db *DB) scheduleChanged(tx *gorm.DB, old, next flows.Batch, now time.Time, rep *flows.ImportReport) error {
	if old.StartsAt.Equal(next.StartsAt) && old.EndsAt.Equal(next.EndsAt) && old.Location == next.Location &&
		old.OnlineURL == next.OnlineURL && old.TimeZone == next.TimeZone {
		return nil // quota or registration window only: nothing a participant must act on
	}
	ctx := tx.Statement.Context
	var revision int
	if err := tx.Raw("UPDATE batches SET revision = revision + 1 WHERE id = ? RETURNING revision", old.ID).Scan(&revision).Error; err != nil {
		return mapErr(err, "batch revision")
	}
	rows, err := liveEnrolments(tx, old.ID)
	if err != nil {
		return err
	}
	if len(rows) == 0 {
		return nil
	}
	// One statement each for the whole batch: the old reminders out, the notices and the new
	// reminders in.
	var jobs []river.InsertManyParams
	var seated []int64
	for _, r := range rows {
		jobs = append(jobs, river.InsertManyParams{Args: flows.ChangeNotice{EnrolmentID: r.ID, Revision: revision,
			OldStart: old.StartsAt, OldEnd: old.EndsAt, OldLocation: old.Location, OldURL: old.OnlineURL,
			NewStart: next.StartsAt, NewEnd: next.EndsAt, NewLocation: next.Location, NewURL: next.OnlineURL}})
		if r.Status == string(flows.Registered) {
			seated = append(seated, r.ID)
			jobs = db.reminderJobs(jobs, r.ID, next, now)
		}
	}
	if len(seated) > 0 {
		if err := db.dropReminders(tx, seated...); err != nil {
			return err
		}
	}
	if err := db.insertTx(ctx, tx, jobs...); err != nil {
		return fmt.Errorf("enqueue change notices: %w", err)
	}
	rep.Notified += len(rows)
	return nil
}

// StubClock is a test clock as River takes it (Config.Test.Time): River then uses it in its
// queries instead of the database's now(), so time moves when the test says.
type StubClock func() time.Time

// Now implements rivertype.TimeGenerator.
func (c StubClock) Now() time.Time { return c() }

// NowOrNil implements rivertype.TimeGenerator.
func (c StubClock) NowOrNil() *time.Time { t := c().UTC(); return &t }
