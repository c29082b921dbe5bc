package storage

import (
	"context"
	"fmt"
	"time"

	"github.com/riverqueue/river"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/bpsdm/asnbot/flows"
)

// ChangeBatch implements flows.Batches: the new dates or place (what the change does not set
// stays as it is now), the notice to everyone enrolled or waiting and their reminders moved,
// all in one transaction. The same change twice tells nobody the second time.
func (db *DB) ChangeBatch(ctx context.Context, batchID int64, ch flows.BatchChange, now time.Time) (int, error) {
	var rep flows.ImportReport
	err := db.gorm.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var b batchRow
		if err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).Where("id = ?", batchID).Take(&b).Error; err != nil {
			return mapErr(err, "lock batch")
		}
		switch {
		case b.Status == string(flows.BatchCancelled):
			return flows.ErrBatchUnavailable
		case !now.Before(b.EndsAt):
			return flows.ErrBatchEnded
		}
		before := b.domain()
		next := ch.Apply(before)
		err := tx.Model(&b).Updates(map[string]any{"starts_at": next.StartsAt.UTC(), "ends_at": next.EndsAt.UTC(),
			"location": next.Location, "online_url": next.OnlineURL, "updated_at": gorm.Expr("now()")}).Error
		if err != nil {
			return mapErr(err, "change batch")
		}
		return db.scheduleChanged(tx, before, next, now, &rep)
	})
	return rep.Notified, err
}

// CancelBatch implements flows.Batches.
func (db *DB) CancelBatch(ctx context.Context, batchID int64, now time.Time) (int, error) {
	notified := 0
	err := db.gorm.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var b batchRow
		if err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).Where("id = ?", batchID).Take(&b).Error; err != nil {
			return mapErr(err, "lock batch")
		}
		if b.Status == string(flows.BatchCancelled) {
			return nil // a second press, or another admin first
		}
		if !now.Before(b.EndsAt) {
			return flows.ErrBatchEnded // its participants attended: not for cancelling now
		}
		if err := tx.Model(&b).Updates(map[string]any{"status": string(flows.BatchCancelled), "updated_at": now}).Error; err != nil {
			return mapErr(err, "cancel batch")
		}
		rows, err := liveEnrolments(tx, b.ID)
		if err != nil {
			return err
		}
		if len(rows) == 0 {
			return nil
		}
		ids := make([]int64, 0, len(rows))
		jobs := make([]river.InsertManyParams, 0, len(rows))
		for _, r := range rows {
			ids = append(ids, r.ID)
			jobs = append(jobs, river.InsertManyParams{Args: flows.BatchCancelNotice{EnrolmentID: r.ID}})
		}
		err = tx.Model(&enrolmentRow{}).Where("id IN ?", ids).
			Updates(map[string]any{"status": string(flows.Cancelled), "cancelled_at": now, "updated_at": now}).Error
		if err != nil {
			return mapErr(err, "cancel enrolments")
		}
		if err := db.dropReminders(tx, ids...); err != nil {
			return err
		}
		if err := db.insertTx(ctx, tx, jobs...); err != nil {
			return fmt.Errorf("enqueue cancellation notices: %w", err)
		}
		notified = len(rows)
		return nil
	})
	return notified, err
}
