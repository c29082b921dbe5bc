package storage

import (
	"context"
	"fmt"
	"strconv"
	"strings"
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
	defer db.pages.forget() // the catalogue changed: no page of before is shown again
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
			"location": next.Location, "online_url": next.OnlineURL, "changed_in_chat_at": now, "updated_at": gorm.Expr("now()")}).Error
		if err != nil {
			return mapErr(err, "change batch")
		}
		told, revision, err := db.scheduleChanged(tx, before, next, now, &rep)
		if err != nil {
			return err
		}
		if err := db.planReport(ctx, tx, flows.ChangeNotice{}.Kind(), b.ID, revision, told, by, now); err != nil {
			return err
		}
		return audit(tx, now, by, flows.AuditChangeBatch, batchSubject(tx, b), changeDetail(before, next))
	})
	return rep.Notified, err
}

// scheduleChanged, inside the transaction of a change (in chat or by an import), tells
// everyone enrolled or waiting in a batch whose dates or place changed (a notice each, old
// and new side by side) and moves the reminders of those with a seat to the new dates.
// It returns the enrolments told and the batch's new count of changes.
func (db *DB) scheduleChanged(tx *gorm.DB, old, next flows.Batch, now time.Time, rep *flows.ImportReport) ([]int64, int, error) {
	if old.StartsAt.Equal(next.StartsAt) && old.EndsAt.Equal(next.EndsAt) && old.Location == next.Location &&
		old.OnlineURL == next.OnlineURL && old.TimeZone == next.TimeZone {
		return nil, 0, nil // quota or registration window only: nothing a participant must act on
	}
	var revision int
	if err := tx.Raw("UPDATE batches SET revision = revision + 1 WHERE id = ? RETURNING revision", old.ID).Scan(&revision).Error; err != nil {
		return nil, 0, mapErr(err, "batch revision")
	}
	// The reminders of the old dates go first: the new ones are planned with the notices.
	seats := tx.Model(&enrolmentRow{}).Select("id").Where("batch_id = ? AND status = ?", old.ID, string(flows.Registered))
	if err := db.dropSeatJobs(tx, seats); err != nil {
		return nil, 0, err
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
	ids := make([]int64, 0, len(rows))
	for _, r := range rows {
		ids = append(ids, r.ID)
	}
	return ids, revision, err
}

// CancelBatch implements flows.Admin.
func (db *DB) CancelBatch(ctx context.Context, batchID int64, now time.Time, by flows.Actor) (int, error) {
	defer db.pages.forget() // the catalogue changed: no page of before is shown again
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
		if err := db.planReport(ctx, tx, flows.BatchCancelNotice{}.Kind(), b.ID, 0, ids, by, now); err != nil {
			return err
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

// planReport plans, in the change's transaction, the report to the admin who made it of how
// its notices went; a change from the command line, or that told nobody, reports nothing.
func (db *DB) planReport(ctx context.Context, tx *gorm.DB, notice string, batchID int64, revision int, told []int64,
	by flows.Actor, now time.Time) error {
	if by.ID == 0 || len(told) == 0 {
		return nil
	}
	// First looked at a little later: the notices are on their way by then.
	return db.plan(ctx, tx, river.InsertManyParams{Args: flows.NoticeReport{Notice: notice, BatchID: batchID,
		Revision: revision, Chat: by.ID, Enrolments: told, Since: now},
		InsertOpts: &river.InsertOpts{ScheduledAt: now.Add(flows.NoticeReportEvery)}})
}

// NoticeOutcomes reads where the notices of a report stand: tried (sent, or refused by a
// chat that blocked the bot) or still to be tried.
func (db *DB) NoticeOutcomes(ctx context.Context, r flows.NoticeReport) (flows.NoticeOutcomes, error) {
	g := db.gorm.WithContext(ctx)
	var out flows.NoticeOutcomes
	var head struct{ Title, Name string }
	if err := g.Raw(`SELECT c.title, b.name FROM batches b JOIN courses c ON c.id = b.course_id WHERE b.id = ?`, r.BatchID).
		Scan(&head).Error; err != nil {
		return out, mapErr(err, "report batch")
	}
	out.Title, out.Batch = head.Title, head.Name
	occasion := ""
	if r.Notice == (flows.ChangeNotice{}).Kind() {
		occasion = ":" + strconv.Itoa(r.Revision)
	}
	var rows []struct {
		Name, Agency, Status          string
		Gone, Unreachable, Sent, Open bool
	}
	// The notices still to run are found in one pass over the kind's jobs (River indexes kind).
	err := g.Raw(`WITH open AS (SELECT DISTINCT (args->>'enrolment_id')::bigint AS id FROM river_job
			WHERE kind = ? AND state NOT IN ('completed', 'cancelled', 'discarded'))
		SELECT coalesce(p.name, '') AS name, coalesce(p.agency, '') AS agency, coalesce(e.status, '') AS status,
			p.id IS NULL AS gone, p.unreachable_at IS NOT NULL AS unreachable,
			EXISTS (SELECT 1 FROM deliveries d WHERE d.key = ? || t.id || ? AND d.sent_at IS NOT NULL) AS sent,
			t.id IN (SELECT id FROM open) AS open
		FROM unnest(?::bigint[]) AS t(id) LEFT JOIN enrolments e ON e.id = t.id
		LEFT JOIN participants p ON p.id = e.participant_id`,
		r.Notice, r.Notice+":", occasion+"/0", pq(r.Enrolments)).Scan(&rows).Error
	if err != nil {
		return out, mapErr(err, "notice outcomes")
	}
	for _, row := range rows {
		switch {
		case row.Sent:
			out.Reached++
		case row.Gone:
			out.Unreached = append(out.Unreached, flows.Unreached{Outcome: flows.OutcomeSkipped, Reason: flows.ReasonDeleted})
		case row.Unreachable:
			out.Unreached = append(out.Unreached, flows.Unreached{Name: row.Name, Agency: row.Agency,
				Outcome: flows.OutcomeUnreachable, Reason: flows.ReasonBlocked})
		case row.Open:
			out.Pending++
		case r.Notice == (flows.ChangeNotice{}).Kind() && row.Status != string(flows.Registered) && row.Status != string(flows.Waiting):
			// Cancelled meanwhile: the change no longer concerned them, so it was not sent.
		default:
			out.Unreached = append(out.Unreached, flows.Unreached{Name: row.Name, Agency: row.Agency,
				Outcome: flows.OutcomeFailed, Reason: "tidak terkirim"})
		}
	}
	return out, nil
}

// PutOffReport plans a notice report again at a later time.
func (db *DB) PutOffReport(ctx context.Context, r flows.NoticeReport, at time.Time) error {
	return db.gorm.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		return db.plan(ctx, tx, river.InsertManyParams{Args: r, InsertOpts: &river.InsertOpts{ScheduledAt: at}})
	})
}

// pq writes ids as a Postgres array literal.
func pq(ids []int64) string {
	var b strings.Builder
	b.WriteByte('{')
	for i, id := range ids {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.FormatInt(id, 10))
	}
	b.WriteByte('}')
	return b.String()
}
