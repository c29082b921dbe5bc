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

// ChangeBatch implements flows.Admin: the new dates or place (what the change does not set
// stays as it is now), the notice to everyone enrolled or waiting and their reminders moved,
// all in one transaction. The same change twice tells nobody the second time.
func (db *DB) ChangeBatch(ctx context.Context, batchID int64, ch flows.BatchChange, now time.Time, by flows.Actor) (int, error) {
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
		if err := db.scheduleChanged(tx, before, next, now, &rep); err != nil {
			return err
		}
		return audit(tx, now, by, flows.AuditChangeBatch, batchSubject(tx, b), changeDetail(before, next))
	})
	return rep.Notified, err
}

// scheduleChanged, inside the transaction of a change (in chat or by an import), tells
// everyone enrolled or waiting in a batch whose dates or place changed (a notice each, old
// and new side by side) and moves the reminders of those with a seat to the new dates.
func (db *DB) scheduleChanged(tx *gorm.DB, old, next flows.Batch, now time.Time, rep *flows.ImportReport) error {
	if old.StartsAt.Equal(next.StartsAt) && old.EndsAt.Equal(next.EndsAt) && old.Location == next.Location &&
		old.OnlineURL == next.OnlineURL && old.TimeZone == next.TimeZone {
		return nil // quota or registration window only: nothing a participant must act on
	}
	var revision int
	if err := tx.Raw("UPDATE batches SET revision = revision + 1 WHERE id = ? RETURNING revision", old.ID).Scan(&revision).Error; err != nil {
		return mapErr(err, "batch revision")
	}
	// The reminders of the old dates go first: the new ones are planned with the notices.
	seats := tx.Model(&enrolmentRow{}).Select("id").Where("batch_id = ? AND status = ?", old.ID, string(flows.Registered))
	if err := db.dropSeatJobs(tx, seats); err != nil {
		return err
	}
	rows, err := db.notifyBatch(tx, old.ID, liveStatuses, func(r enrolmentRow) []river.InsertManyParams {
		jobs := []river.InsertManyParams{{Args: flows.ChangeNotice{EnrolmentID: r.ID, Revision: revision,
			OldStart: old.StartsAt, OldEnd: old.EndsAt, OldLocation: old.Location, OldURL: old.OnlineURL,
			NewStart: next.StartsAt, NewEnd: next.EndsAt, NewLocation: next.Location, NewURL: next.OnlineURL}}}
		if r.Status == string(flows.Registered) {
			jobs = db.seatJobs(jobs, r.ID, next, now)
		}
		return jobs
	})
	rep.Notified += len(rows)
	return err
}

// CancelBatch implements flows.Admin.
func (db *DB) CancelBatch(ctx context.Context, batchID int64, now time.Time, by flows.Actor) (int, error) {
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
		rows, err := db.notifyBatch(tx, b.ID, liveStatuses, func(r enrolmentRow) []river.InsertManyParams {
			return []river.InsertManyParams{{Args: flows.BatchCancelNotice{EnrolmentID: r.ID}}}
		})
		if err == nil {
			err = audit(tx, now, by, flows.AuditCancelBatch, batchSubject(tx, b), fmt.Sprintf("%d peserta", len(rows)))
		}
		if err != nil || len(rows) == 0 {
			return err
		}
		ids := make([]int64, 0, len(rows))
		for _, r := range rows {
			ids = append(ids, r.ID)
		}
		err = tx.Model(&enrolmentRow{}).Where("id IN ?", ids).
			Updates(map[string]any{"status": string(flows.Cancelled), "cancelled_at": now, "updated_at": now}).Error
		if err != nil {
			return mapErr(err, "cancel enrolments")
		}
		notified = len(rows)
		return db.dropSeatJobs(tx, ids)
	})
	return notified, err
}

// batchSubject names a batch in the audit log: its course's code and its name.
func batchSubject(tx *gorm.DB, b batchRow) string {
	var code string
	tx.Raw("SELECT code FROM courses WHERE id = ?", b.CourseID).Scan(&code)
	return code + " " + b.Name
}

// changeDetail says what a change of a batch did, for the audit log.
func changeDetail(before, next flows.Batch) string {
	const layout = "2006-01-02 15:04"
	z := before.Zone()
	return fmt.Sprintf("%s – %s, %s → %s – %s, %s", before.StartsAt.In(z).Format(layout), before.EndsAt.In(z).Format(layout),
		before.Location+" "+before.OnlineURL, next.StartsAt.In(z).Format(layout), next.EndsAt.In(z).Format(layout),
		next.Location+" "+next.OnlineURL)
}
