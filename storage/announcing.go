package storage

import (
	"context"
	"fmt"
	"time"

	"github.com/riverqueue/river"
	"gorm.io/gorm"

	"github.com/bpsdm/asnbot/flows"
)

// The delivery side of announcements, for bot's courier.

// StartAnnouncement fixes the recipients of an announcement whose time has come and plans a
// send job for each, in one transaction; started is false when it was cancelled, stopped or
// started already (a job run twice). An audience that has become empty finishes at once.
func (db *DB) StartAnnouncement(ctx context.Context, id int64, now time.Time) (a flows.Announcement, started bool, err error) {
	err = db.gorm.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if a, err = loadAnnouncement(tx, id, true); err != nil {
			return err
		}
		if !a.StartedAt.IsZero() || (a.Status != flows.AnnScheduled && a.Status != flows.AnnSending) {
			return nil
		}
		q, args, err := audienceSQL(a.Audience)
		if err != nil {
			return err
		}
		var ids []int64
		err = tx.Raw(`INSERT INTO announcement_recipients (announcement_id, participant_id, enrolment_id)
			SELECT ?, participant_id, enrolment_id FROM (`+q+`) x ON CONFLICT DO NOTHING RETURNING participant_id`,
			append([]any{id}, args...)...).Scan(&ids).Error
		if err != nil {
			return mapErr(err, "announcement recipients")
		}
		jobs := make([]river.InsertManyParams, 0, len(ids))
		for _, p := range ids {
			jobs = append(jobs, river.InsertManyParams{Args: flows.AnnouncementSend{ID: id, Participant: p}})
		}
		if err := db.plan(ctx, tx, jobs...); err != nil {
			return err
		}
		a.Status, a.Total, a.StartedAt = flows.AnnSending, len(ids), now
		var finished *time.Time
		if len(ids) == 0 {
			a.Status, a.FinishedAt, finished = flows.AnnDone, now, &now
		}
		started = true
		// status_shown: the start shows the status itself; the first outcomes do not show it again.
		return mapErr(tx.Exec(`UPDATE announcements SET status = ?, total = ?, started_at = ?, finished_at = ?, status_shown = ?
			WHERE id = ?`, a.Status, a.Total, now.UTC(), finished, now.UTC(), id).Error, "start announcement")
	})
	return a, started, err
}

// AnnouncementTo loads what one recipient's job needs: the announcement, the recipient (found
// false when they deleted their data) and whether they are still to be tried.
func (db *DB) AnnouncementTo(ctx context.Context, id, participantID int64) (a flows.Announcement, r flows.Recipient, pending, found bool, err error) {
	g := db.gorm.WithContext(ctx)
	if a, err = loadAnnouncement(g, id, false); err != nil {
		return a, r, false, false, err
	}
	var row struct {
		ParticipantID int64
		EnrolmentID   *int64
		Status        string
	}
	res := g.Raw(`SELECT participant_id, enrolment_id, status FROM announcement_recipients
		WHERE announcement_id = ? AND participant_id = ?`, id, participantID).Scan(&row)
	if res.Error != nil || res.RowsAffected == 0 {
		return a, r, false, false, mapErr(res.Error, "announcement recipient")
	}
	r, found, err = db.recipient(g, recipientRow{ParticipantID: row.ParticipantID, EnrolmentID: row.EnrolmentID})
	return a, r, row.Status == "pending", found, err
}

// outcomeColumns are the announcement's counter of each outcome.
var outcomeColumns = map[flows.Outcome]string{
	flows.OutcomeSent: "sent", flows.OutcomeUnreachable: "unreachable", flows.OutcomeFailed: "failed", flows.OutcomeSkipped: "skipped",
}

// RecordOutcome records what became of one recipient and counts it. A recipient skipped by
// "Hentikan" while their message was in flight is counted as what happened. show is true when
// the status message is due an edit (at most one per showEvery), finished when this was the
// last recipient.
func (db *DB) RecordOutcome(ctx context.Context, id, participantID int64, o flows.Outcome, reason string, now time.Time,
	showEvery time.Duration) (a flows.Announcement, show, finished bool, err error) {
	col, ok := outcomeColumns[o]
	if !ok {
		return a, false, false, fmt.Errorf("outcome %q", o)
	}
	err = db.gorm.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		// The announcement's row first, as StopAnnouncement locks it, so the two never deadlock.
		if err := tx.Exec("SELECT 1 FROM announcements WHERE id = ? FOR UPDATE", id).Error; err != nil {
			return mapErr(err, "lock announcement")
		}
		var was string
		res := tx.Raw(`SELECT status FROM announcement_recipients WHERE announcement_id = ? AND participant_id = ? FOR UPDATE`,
			id, participantID).Scan(&was)
		if res.Error != nil {
			return mapErr(res.Error, "recipient status")
		}
		if res.RowsAffected == 0 || (was != "pending" && !(was == "skipped" && o != flows.OutcomeSkipped)) {
			a, err = loadAnnouncement(tx, id, false)
			return err // recorded already: a job run twice
		}
		err := tx.Exec(`UPDATE announcement_recipients SET status = ?, reason = ? WHERE announcement_id = ? AND participant_id = ?`,
			string(o), reason, id, participantID).Error
		if err != nil {
			return mapErr(err, "record outcome")
		}
		undo := ""
		if was == "skipped" {
			undo = ", skipped = skipped - 1"
		}
		if err := tx.Exec(`UPDATE announcements SET `+col+` = `+col+` + 1`+undo+` WHERE id = ?`, id).Error; err != nil {
			return mapErr(err, "count outcome")
		}
		if a, err = loadAnnouncement(tx, id, false); err != nil {
			return err
		}
		if a.Status == flows.AnnSending && a.Remaining() == 0 {
			a.Status, a.FinishedAt, finished = flows.AnnDone, now, true
			return mapErr(tx.Exec(`UPDATE announcements SET status = 'done', finished_at = ?, status_shown = ? WHERE id = ?`,
				now.UTC(), now.UTC(), id).Error, "finish announcement")
		}
		res = tx.Exec(`UPDATE announcements SET status_shown = ? WHERE id = ? AND status = 'sending'
			AND (status_shown IS NULL OR status_shown <= ?)`, now.UTC(), id, now.Add(-showEvery).UTC())
		show = res.RowsAffected == 1
		return mapErr(res.Error, "status shown")
	})
	return a, show, finished, err
}

// Unreached lists the recipients an announcement did not reach, and why.
func (db *DB) Unreached(ctx context.Context, id int64) ([]flows.Unreached, error) {
	var rows []struct {
		Name, Agency, Status, Reason string
	}
	err := db.gorm.WithContext(ctx).Raw(`SELECT coalesce(p.name, '') AS name, coalesce(p.agency, '') AS agency, r.status, r.reason
		FROM announcement_recipients r LEFT JOIN participants p ON p.id = r.participant_id
		WHERE r.announcement_id = ? AND r.status IN ('unreachable', 'failed') ORDER BY r.status, p.name`, id).Scan(&rows).Error
	if err != nil {
		return nil, mapErr(err, "unreached")
	}
	out := make([]flows.Unreached, 0, len(rows))
	for _, r := range rows {
		out = append(out, flows.Unreached{Name: r.Name, Agency: r.Agency, Outcome: flows.Outcome(r.Status), Reason: r.Reason})
	}
	return out, nil
}

// SetStatusMessage records the message that shows an announcement's progress.
func (db *DB) SetStatusMessage(ctx context.Context, id int64, messageID int) error {
	return mapErr(db.gorm.WithContext(ctx).Exec("UPDATE announcements SET status_message = ? WHERE id = ?", messageID, id).Error,
		"status message")
}

// AnnouncementStatus reads an announcement's status alone: asked before every send, so that
// "Hentikan" stops even the messages already waiting for the rate limit.
func (db *DB) AnnouncementStatus(ctx context.Context, id int64) (string, error) {
	var status string
	err := db.gorm.WithContext(ctx).Raw("SELECT status FROM announcements WHERE id = ?", id).Scan(&status).Error
	return status, mapErr(err, "announcement status")
}
