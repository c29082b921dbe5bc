package storage

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/riverqueue/river"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/bpsdm/asnbot/flows"
)

type enrolmentRow struct {
	ID             int64 `gorm:"primaryKey"`
	ParticipantID  int64
	BatchID        int64
	Status         string
	CreatedAt      time.Time
	UpdatedAt      time.Time
	CancelledAt    *time.Time
	OfferExpiresAt *time.Time // the open offer's deadline (flows.Enrolment.OfferUntil)
	Queued         int64      `gorm:"<-:false"` // the place in line's order: written by the database
}

func (enrolmentRow) TableName() string { return "enrolments" }

// Enrol implements flows.Enrolments. An enrolment at the moment registration opens is the
// busiest write the bot has (everyone taps at once, on one batch), so only the seat's decision
// is made one enrolment after another, and the rest side by side:
//
//  1. the participant's row is locked (one enrolment of theirs at a time), then the batch's
//     with a share lock: no change, cancellation or import can alter it until the commit,
//     and no seat can be freed in it (freeing one takes the row's update lock);
//  2. then, in one read, any live enrolment of theirs in the batch (a second tap returns the
//     first one's), the batch with its course, any clash, and whether seats are left: every
//     check is made on what this read sees;
//  3. while seats seemed free, the seat's notices are planned, under an id taken ahead;
//  4. the batch's seat lock (an advisory lock, as the row holds only share locks), then the
//     insert that decides the seat, numbers the place in line and counts those before it;
//     a waiting place drops the notices planned in 3.
//
// Scanned by hand: a few statements and no reflection. Each lock has a statement of its own,
// before the reads (TestSecondTapWaitingForTheFirstReturnsItsEnrolment and
// TestEnrolWaitingForACancellationGetsTheSeatWithItsNotices).
func (db *DB) Enrol(ctx context.Context, participantID, batchID int64, now time.Time) (flows.Enrolment, error) {
	tx, err := db.sql.BeginTx(ctx, nil)
	if err != nil {
		return flows.Enrolment{}, mapErr(err, "begin enrolment")
	}
	defer tx.Rollback() //nolint:errcheck // after a commit it does nothing

	// Each lock in a statement of its own, and the reads after them: under READ COMMITTED a
	// statement sees the database as it was when it began, not when its lock was granted, so
	// a read in the locking statement could miss the very commit it waited for.
	var one int
	if err := tx.QueryRowContext(ctx, "SELECT 1 FROM participants WHERE id = $1 FOR UPDATE", participantID).Scan(&one); err != nil {
		return flows.Enrolment{}, mapErr(err, "lock participant")
	}
	if _, err := tx.ExecContext(ctx, "SELECT 1 FROM batches WHERE id = $1 FOR SHARE", batchID); err != nil {
		return flows.Enrolment{}, mapErr(err, "lock batch")
	}
	var existing *int64
	var b batchRow
	var c courseRow
	var clashID *int64
	var full bool
	e := flows.Enrolment{ParticipantID: participantID}
	dest := append(append([]any{&existing}, b.fields()...), c.fields()...)
	err = tx.QueryRowContext(ctx, `SELECT (SELECT x.id FROM enrolments x WHERE x.participant_id = $2 AND x.batch_id = b.id
				AND x.status <> 'batal'),
			`+batchColumns+`, `+courseColumns+`,
			(SELECT o.id FROM batches o JOIN enrolments e ON e.batch_id = o.id
				WHERE e.participant_id = $2 AND e.status IN ('terdaftar', 'daftar_tunggu') AND o.id <> b.id
				AND o.status <> 'cancelled' AND o.starts_at < b.ends_at AND o.ends_at > b.starts_at
				ORDER BY o.starts_at LIMIT 1),
			(SELECT count(*) FROM enrolments WHERE batch_id = b.id AND status = ANY($3)) >= b.quota
				OR EXISTS (SELECT 1 FROM enrolments WHERE batch_id = b.id AND status = 'daftar_tunggu'),
			nextval('enrolments_id_seq')
		FROM batches b JOIN courses c ON c.id = b.course_id WHERE b.id = $1`,
		batchID, participantID, seatStatuses).Scan(append(dest, &clashID, &full, &e.ID)...)
	if err != nil {
		return flows.Enrolment{}, mapErr(err, "read batch")
	}
	if existing != nil { // a second tap: the first one's enrolment, unchanged
		_ = tx.Rollback()
		var row enrolmentRow
		if err := db.gorm.WithContext(ctx).Where("id = ?", *existing).Take(&row).Error; err != nil {
			return flows.Enrolment{}, mapErr(err, "existing enrolment")
		}
		e, err := db.loadEnrolment(db.gorm.WithContext(ctx), row)
		e.Existing = true
		return e, err
	}

	e.Course, e.Batch = c.domain(), b.domain()
	if err := e.Batch.Availability(now); err != nil {
		return flows.Enrolment{}, err
	}
	if !c.Published {
		return flows.Enrolment{}, flows.ErrBatchUnavailable // withdrawn from the catalogue: an old button must not enrol
	}
	if clashID != nil {
		_ = tx.Rollback()
		return flows.Enrolment{}, db.clash(ctx, *clashID)
	}

	// While this share lock is held seats can only be taken, never freed: a full batch stays
	// full, so its waiting places plan nothing.
	var planned []int64
	if !full {
		res, err := db.planTx(ctx, tx, db.seatJobs(nil, e.ID, e.Batch, now)...)
		if err != nil {
			return flows.Enrolment{}, err
		}
		for _, r := range res {
			if !r.UniqueSkippedAsDuplicate {
				planned = append(planned, r.Job.ID)
			}
		}
	}
	// The seat: free while fewer than the quota hold one and nobody waits (a freed seat goes to
	// the first in line, not to whoever taps next). The statement starts after the lock, so
	// it sees every seat decided before it.
	if _, err := tx.ExecContext(ctx, "SELECT pg_advisory_xact_lock($1, $2)", seatLockClass, int32(batchID)); err != nil {
		return flows.Enrolment{}, mapErr(err, "seat lock")
	}
	var status string
	err = tx.QueryRowContext(ctx, `INSERT INTO enrolments (id, participant_id, batch_id, status)
		SELECT $1, $2, $3, CASE WHEN (SELECT count(*) FROM enrolments WHERE batch_id = $3 AND status = ANY($4)) < $5
			AND NOT EXISTS (SELECT 1 FROM enrolments WHERE batch_id = $3 AND status = 'daftar_tunggu')
			THEN 'terdaftar' ELSE 'daftar_tunggu' END
		RETURNING status, created_at,
			(SELECT count(*) + 1 FROM enrolments WHERE batch_id = $3 AND status = 'daftar_tunggu')`,
		e.ID, participantID, batchID, seatStatuses, b.Quota).Scan(&status, &e.CreatedAt, &e.Position)
	if err != nil {
		return flows.Enrolment{}, mapErr(err, "insert enrolment")
	}
	e.Status = flows.EnrolmentStatus(status)
	if e.Status == flows.Registered {
		e.Position = 0
	} else if len(planned) > 0 { // the last seats went to others meanwhile
		if _, err := tx.ExecContext(ctx, "DELETE FROM river_job WHERE id = ANY($1)", planned); err != nil {
			return flows.Enrolment{}, mapErr(err, "drop planned notices")
		}
	} // the waiting list is reminded once moved up
	if err := tx.Commit(); err != nil {
		return flows.Enrolment{}, mapErr(err, "commit enrolment")
	}
	return e, nil
}

// seatLockClass is the first key of a batch's seat lock (pg_advisory_xact_lock(class, batch)).
const seatLockClass = 4242003

// clash is the refusal for a live enrolment in batch id, at dates that overlap.
func (db *DB) clash(ctx context.Context, id int64) error {
	var bc batchWithCourse
	res := db.gorm.WithContext(ctx).Raw(selectBatchWithCourse, id).Scan(&bc)
	if res.Error != nil {
		return mapErr(res.Error, "clash")
	}
	return &flows.ClashError{Course: bc.Course.domain(), Batch: bc.Batch.domain()}
}

// batchWithCourse is a batch and its course read in one query.
type batchWithCourse struct {
	Batch  batchRow  `gorm:"embedded"`
	Course courseRow `gorm:"embedded;embeddedPrefix:c_"`
}

const selectBatchWithCourse = `SELECT b.*, c.id AS c_id, c.code AS c_code, c.title AS c_title,
	c.category AS c_category, c.method AS c_method, c.jp AS c_jp, c.description AS c_description,
	c.audience AS c_audience, c.published AS c_published, c.survey_key AS c_survey_key, c.min_attendance AS c_min_attendance
	FROM batches b JOIN courses c ON c.id = b.course_id WHERE b.id = ?`

// loadEnrolment completes a row with its batch (without seat counts, which would cost two
// scans of the batch's enrolments), course and waiting-list place.
func (db *DB) loadEnrolment(tx *gorm.DB, r enrolmentRow) (flows.Enrolment, error) {
	var bc batchWithCourse
	res := tx.Raw(selectBatchWithCourse, r.BatchID).Scan(&bc)
	if res.Error != nil {
		return flows.Enrolment{}, mapErr(res.Error, "enrolment batch")
	}
	if res.RowsAffected == 0 {
		return flows.Enrolment{}, fmt.Errorf("enrolment batch: %w", flows.ErrNotFound)
	}
	e := flows.Enrolment{ID: r.ID, ParticipantID: r.ParticipantID, Status: flows.EnrolmentStatus(r.Status),
		CreatedAt: r.CreatedAt, Course: bc.Course.domain(), Batch: bc.Batch.domain()}
	if r.OfferExpiresAt != nil && e.Status == flows.Registered {
		e.OfferUntil = *r.OfferExpiresAt
	}
	if e.Status == flows.Waiting {
		var ahead int64
		err := tx.Model(&enrolmentRow{}).Where("batch_id = ? AND status = 'daftar_tunggu' AND queued <= ?", r.BatchID, r.Queued).Count(&ahead).Error
		if err != nil {
			return flows.Enrolment{}, mapErr(err, "waiting place")
		}
		e.Position = int(ahead)
	}
	return e, nil
}

// Enrolments implements flows.Enrolments: every enrolment of the participant, soonest first.
func (db *DB) Enrolments(ctx context.Context, participantID int64) ([]flows.Enrolment, error) {
	g := db.gorm.WithContext(ctx)
	var rows []enrolmentRow
	err := g.Joins("JOIN batches b ON b.id = enrolments.batch_id").Where("enrolments.participant_id = ?", participantID).
		Order("b.starts_at, enrolments.id").Find(&rows).Error
	if err != nil {
		return nil, mapErr(err, "enrolments")
	}
	return db.loadEnrolments(g, rows)
}

// loadEnrolments completes rows as loadEnrolment does, in their order.
func (db *DB) loadEnrolments(g *gorm.DB, rows []enrolmentRow) ([]flows.Enrolment, error) {
	out := make([]flows.Enrolment, 0, len(rows))
	for _, r := range rows {
		e, err := db.loadEnrolment(g, r)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, nil
}

// Enrolment implements flows.Enrolments.
func (db *DB) Enrolment(ctx context.Context, participantID, enrolmentID int64) (flows.Enrolment, error) {
	g := db.gorm.WithContext(ctx)
	var r enrolmentRow
	if err := g.Where("id = ? AND participant_id = ?", enrolmentID, participantID).Take(&r).Error; err != nil {
		return flows.Enrolment{}, mapErr(err, "enrolment")
	}
	return db.loadEnrolment(g, r)
}

// Cancel implements flows.Enrolments.
func (db *DB) Cancel(ctx context.Context, participantID, enrolmentID int64, now time.Time) (flows.Enrolment, *flows.Promotion, error) {
	var out flows.Enrolment
	var promo *flows.Promotion
	err := db.gorm.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		r, b, err := lockSeat(tx, participantID, enrolmentID)
		if err != nil {
			return err
		}
		if r.Status != string(flows.Registered) && r.Status != string(flows.Waiting) || !now.Before(b.StartsAt) {
			return flows.ErrNotCancellable
		}
		wasSeat := r.Status == string(flows.Registered)
		if err := db.dropSeatJobs(tx, []int64{r.ID}); err != nil {
			return err
		}
		// A declined offer is no longer open: only an expiry keeps its deadline.
		if err := tx.Model(&r).Updates(map[string]any{"status": string(flows.Cancelled), "cancelled_at": now,
			"offer_expires_at": nil, "updated_at": now}).Error; err != nil {
			return mapErr(err, "cancel")
		}
		if out, err = db.loadEnrolment(tx, r); err != nil {
			return err
		}
		if wasSeat && b.Status == string(flows.BatchOpen) {
			promo, err = db.promote(tx, b, now)
		}
		return err
	})
	return out, promo, err
}

// lockSeat locks, in the order every writer of a seat takes them, the participant, then the
// enrolment's batch, and reads the enrolment under those locks: another cancellation may have
// moved it up from the waiting list meanwhile, and its seat must then be passed on.
func lockSeat(tx *gorm.DB, participantID, enrolmentID int64) (enrolmentRow, batchRow, error) {
	var p participantRow
	var r enrolmentRow
	var b batchRow
	if err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).Select("id").Where("id = ?", participantID).Take(&p).Error; err != nil {
		return r, b, mapErr(err, "lock participant")
	}
	if err := tx.Where("id = ? AND participant_id = ?", enrolmentID, participantID).Take(&r).Error; err != nil {
		return r, b, mapErr(err, "enrolment")
	}
	if err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).Where("id = ?", r.BatchID).Take(&b).Error; err != nil {
		return r, b, mapErr(err, "lock batch")
	}
	if err := tx.Where("id = ?", r.ID).Take(&r).Error; err != nil {
		return r, b, mapErr(err, "enrolment")
	}
	return r, b, nil
}

// promoteAll gives every free seat of b to the waiting list, first come first served.
func (db *DB) promoteAll(tx *gorm.DB, b batchRow, now time.Time) ([]flows.Promotion, error) {
	var out []flows.Promotion
	for {
		p, err := db.promote(tx, b, now)
		if err != nil || p == nil {
			return out, err
		}
		out = append(out, *p)
	}
}

// promote gives a free seat of b to the first on its waiting list, if any.
func (db *DB) promote(tx *gorm.DB, b batchRow, now time.Time) (*flows.Promotion, error) {
	var taken int64
	if err := tx.Model(&enrolmentRow{}).Where("batch_id = ? AND status IN ?", b.ID, seatStatuses).Count(&taken).Error; err != nil {
		return nil, mapErr(err, "count seats")
	}
	if int(taken) >= b.Quota {
		return nil, nil
	}
	var next enrolmentRow
	err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).Where("batch_id = ? AND status = 'daftar_tunggu'", b.ID).
		Order("queued").Take(&next).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, mapErr(err, "first waiting")
	}
	// The seat is held while they are asked whether they still come, unless the start is too
	// near to ask.
	deadline := flows.OfferDeadline(now, b.domain())
	var offer *time.Time
	if !deadline.IsZero() {
		offer = &deadline
	}
	if err := tx.Model(&next).Updates(map[string]any{"status": string(flows.Registered), "offer_expires_at": offer,
		"updated_at": now}).Error; err != nil {
		return nil, mapErr(err, "promote")
	}
	next.Status, next.OfferExpiresAt = string(flows.Registered), offer
	e, err := db.loadEnrolment(tx, next)
	if err != nil {
		return nil, err
	}
	var p participantRow
	if err := tx.Where("id = ?", next.ParticipantID).Take(&p).Error; err != nil {
		return nil, mapErr(err, "promoted participant")
	}
	// The news of the seat, and its reminders, are planned with the promotion.
	jobs := db.seatJobs([]river.InsertManyParams{{Args: flows.PromotionNotice{EnrolmentID: next.ID, Offer: deadline}}}, next.ID, e.Batch, now)
	if offer != nil {
		jobs = append(jobs, river.InsertManyParams{Args: flows.OfferExpiry{EnrolmentID: next.ID, Deadline: deadline},
			InsertOpts: &river.InsertOpts{ScheduledAt: deadline}})
	}
	if err := db.plan(tx.Statement.Context, tx, jobs...); err != nil {
		return nil, err
	}
	return &flows.Promotion{Enrolment: e, ChatID: p.ChatID, Name: p.Name}, nil
}

// ConfirmSeat implements flows.Seats.
func (db *DB) ConfirmSeat(ctx context.Context, participantID, enrolmentID int64, now time.Time) (flows.Enrolment, bool, error) {
	var out flows.Enrolment
	var confirmed bool
	err := db.gorm.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var r enrolmentRow
		err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).Where("id = ? AND participant_id = ?", enrolmentID, participantID).Take(&r).Error
		if err != nil {
			return mapErr(err, "enrolment")
		}
		// Before the deadline only: after it the expiry, due or running, passes the seat on.
		if r.Status == string(flows.Registered) && r.OfferExpiresAt != nil && now.Before(*r.OfferExpiresAt) {
			if err := tx.Model(&r).Updates(map[string]any{"offer_expires_at": nil, "updated_at": now}).Error; err != nil {
				return mapErr(err, "confirm seat")
			}
			r.OfferExpiresAt, confirmed = nil, true
		}
		out, err = db.loadEnrolment(tx, r)
		return err
	})
	return out, confirmed, err
}

// ExpireOffer implements flows.Seats. Its locks are Cancel's (lockSeat), so an expiry and
// the holder's own cancellation cannot deadlock.
func (db *DB) ExpireOffer(ctx context.Context, enrolmentID int64, deadline, now time.Time) (bool, error) {
	var expired bool
	err := db.gorm.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var owner enrolmentRow
		if err := tx.Select("participant_id").Where("id = ?", enrolmentID).Take(&owner).Error; err != nil {
			return mapErr(err, "enrolment")
		}
		r, b, err := lockSeat(tx, owner.ParticipantID, enrolmentID)
		if err != nil {
			return err
		}
		ours := r.OfferExpiresAt != nil && r.OfferExpiresAt.Equal(deadline)
		if r.Status == string(flows.Cancelled) && ours {
			expired = true // a run before this one passed the seat on; its message may not have gone
			return nil
		}
		if r.Status != string(flows.Registered) || !ours || now.Before(deadline) {
			return nil // confirmed, declined, or not yet due
		}
		if err := db.dropSeatJobs(tx, []int64{r.ID}); err != nil {
			return err
		}
		if err := tx.Model(&r).Updates(map[string]any{"status": string(flows.Cancelled), "cancelled_at": now, "updated_at": now}).Error; err != nil {
			return mapErr(err, "expire offer")
		}
		expired = true
		if b.Status == string(flows.BatchOpen) && now.Before(b.StartsAt) {
			_, err := db.promote(tx, b, now)
			return err
		}
		return nil
	})
	return expired, err
}
