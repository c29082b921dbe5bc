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
	ID            int64 `gorm:"primaryKey"`
	ParticipantID int64
	BatchID       int64
	Status        string
	CreatedAt     time.Time
	UpdatedAt     time.Time
	CancelledAt   *time.Time
}

func (enrolmentRow) TableName() string { return "enrolments" }

// Enrol implements flows.Enrolments. The participant's row is locked first, then the batch's, in
// that order everywhere, so concurrent enrolments queue instead of overbooking and never
// deadlock: two taps of one person run one after the other, and a batch's seats are counted
// by one transaction at a time. Everything that does not need the batch lock (the second-tap
// check, the clash check) runs before it, so the lock is held for one statement and the commit.
func (db *DB) Enrol(ctx context.Context, participantID, batchID int64, now time.Time) (flows.Enrolment, error) {
	var row enrolmentRow
	existing := false
	err := db.gorm.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var p participantRow
		if err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).Select("id").Where("id = ?", participantID).Take(&p).Error; err != nil {
			return mapErr(err, "lock participant")
		}
		err := tx.Where("participant_id = ? AND batch_id = ? AND status <> 'batal'", participantID, batchID).Take(&row).Error
		if err == nil {
			existing = true
			return nil
		}
		if !errors.Is(err, gorm.ErrRecordNotFound) {
			return mapErr(err, "existing enrolment")
		}
		var b batchRow
		if err := tx.Where("id = ?", batchID).Take(&b).Error; err != nil {
			return mapErr(err, "batch")
		}
		if err := b.domain().Availability(now); err != nil {
			return err
		}
		var published bool
		if err := tx.Model(&courseRow{}).Select("published").Where("id = ?", b.CourseID).Scan(&published).Error; err != nil {
			return mapErr(err, "course published")
		}
		if !published {
			return flows.ErrBatchUnavailable // withdrawn from the catalogue: an old button must not enrol
		}
		if err := clash(tx, participantID, b); err != nil {
			return err
		}
		full := b
		// From here the batch is locked: the seat count and the insert see every earlier enrolment.
		if err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).Select("id", "status", "starts_at").Where("id = ?", batchID).Take(&b).Error; err != nil {
			return mapErr(err, "lock batch")
		}
		if b.Status != string(flows.BatchOpen) || !now.Before(b.StartsAt) {
			return flows.ErrBatchUnavailable // cancelled or closed meanwhile
		}
		err = tx.Raw(`INSERT INTO enrolments (participant_id, batch_id, status)
			SELECT ?, ?, CASE WHEN (SELECT count(*) FROM enrolments WHERE batch_id = ? AND status IN ?) < quota
				AND NOT EXISTS (SELECT 1 FROM enrolments WHERE batch_id = ? AND status = 'daftar_tunggu')
				THEN 'terdaftar' ELSE 'daftar_tunggu' END
			FROM batches WHERE id = ?
			RETURNING *`, participantID, batchID, batchID, seatStatuses, batchID, batchID).Scan(&row).Error
		if err != nil {
			return mapErr(err, "insert enrolment")
		}
		if row.Status != string(flows.Registered) {
			return nil // the waiting list is reminded once moved up
		}
		return db.plan(ctx, tx, db.seatJobs(nil, row.ID, full.domain(), now)...)
	})
	if err != nil {
		return flows.Enrolment{}, err
	}
	e, err := db.loadEnrolment(db.gorm.WithContext(ctx), row)
	e.Existing = existing
	return e, err
}

// clash finds a live enrolment of the participant in another batch at overlapping dates.
func clash(tx *gorm.DB, participantID int64, b batchRow) error {
	var other batchRow
	err := tx.Table("batches").Select("batches.*").
		Joins("JOIN enrolments e ON e.batch_id = batches.id").
		Where("e.participant_id = ? AND e.status IN ('terdaftar','daftar_tunggu') AND batches.id <> ?", participantID, b.ID).
		Where("batches.status <> 'cancelled' AND batches.starts_at < ? AND batches.ends_at > ?", b.EndsAt, b.StartsAt).
		Order("batches.starts_at").Take(&other).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil
	}
	if err != nil {
		return mapErr(err, "clash")
	}
	var c courseRow
	if err := tx.Where("id = ?", other.CourseID).Take(&c).Error; err != nil {
		return mapErr(err, "clash course")
	}
	return &flows.ClashError{Course: c.domain(), Batch: other.domain()}
}

// batchWithCourse is a batch and its course read in one query.
type batchWithCourse struct {
	Batch  batchRow  `gorm:"embedded"`
	Course courseRow `gorm:"embedded;embeddedPrefix:c_"`
}

const selectBatchWithCourse = `SELECT b.*, c.id AS c_id, c.code AS c_code, c.title AS c_title,
	c.category AS c_category, c.method AS c_method, c.jp AS c_jp, c.description AS c_description,
	c.audience AS c_audience, c.published AS c_published, c.survey_key AS c_survey_key
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
	if e.Status == flows.Waiting {
		var ahead int64
		err := tx.Model(&enrolmentRow{}).Where("batch_id = ? AND status = 'daftar_tunggu' AND id <= ?", r.BatchID, r.ID).Count(&ahead).Error
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
		var p participantRow
		if err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).Select("id").Where("id = ?", participantID).Take(&p).Error; err != nil {
			return mapErr(err, "lock participant")
		}
		var r enrolmentRow
		if err := tx.Where("id = ? AND participant_id = ?", enrolmentID, participantID).Take(&r).Error; err != nil {
			return mapErr(err, "enrolment")
		}
		var b batchRow
		if err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).Where("id = ?", r.BatchID).Take(&b).Error; err != nil {
			return mapErr(err, "lock batch")
		}
		if r.Status != string(flows.Registered) && r.Status != string(flows.Waiting) || !now.Before(b.StartsAt) {
			return flows.ErrNotCancellable
		}
		wasSeat := r.Status == string(flows.Registered)
		if err := db.dropSeatJobs(tx, []int64{r.ID}); err != nil {
			return err
		}
		if err := tx.Model(&r).Updates(map[string]any{"status": string(flows.Cancelled), "cancelled_at": now, "updated_at": now}).Error; err != nil {
			return mapErr(err, "cancel")
		}
		var err error
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
		Order("id").Take(&next).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, mapErr(err, "first waiting")
	}
	if err := tx.Model(&next).Updates(map[string]any{"status": string(flows.Registered), "updated_at": now}).Error; err != nil {
		return nil, mapErr(err, "promote")
	}
	e, err := db.loadEnrolment(tx, next)
	if err != nil {
		return nil, err
	}
	var p participantRow
	if err := tx.Where("id = ?", next.ParticipantID).Take(&p).Error; err != nil {
		return nil, mapErr(err, "promoted participant")
	}
	// The news of the seat, and its reminders, are planned with the promotion.
	jobs := db.seatJobs([]river.InsertManyParams{{Args: flows.PromotionNotice{EnrolmentID: next.ID}}}, next.ID, e.Batch, now)
	if err := db.plan(tx.Statement.Context, tx, jobs...); err != nil {
		return nil, err
	}
	return &flows.Promotion{Enrolment: e, ChatID: p.ChatID, Name: p.Name}, nil
}
