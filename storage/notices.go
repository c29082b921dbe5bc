package storage

import (
	"context"
	"errors"
	"time"

	"github.com/riverqueue/river"
	"gorm.io/gorm"

	"github.com/bpsdm/asnbot/flows"
)

// Seat loads what a due notice is checked against: the enrolment, with its course and batch,
// and its participant. found is false when they are gone (the participant deleted their data).
func (db *DB) Seat(ctx context.Context, enrolmentID int64) (flows.Enrolment, flows.Participant, bool, error) {
	g := db.gorm.WithContext(ctx)
	var r enrolmentRow
	err := g.Where("id = ?", enrolmentID).Take(&r).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return flows.Enrolment{}, flows.Participant{}, false, nil
	}
	if err != nil {
		return flows.Enrolment{}, flows.Participant{}, false, mapErr(err, "notice enrolment")
	}
	e, err := db.loadEnrolment(g, r)
	if err != nil {
		return flows.Enrolment{}, flows.Participant{}, false, err
	}
	var p participantRow
	if err := g.Where("id = ?", r.ParticipantID).Take(&p).Error; err != nil {
		return flows.Enrolment{}, flows.Participant{}, false, mapErr(err, "notice participant")
	}
	return e, p.domain(), true, nil
}

// PutOff plans n at a later time, in a job of its own (a put-off notice carries arguments of
// its own, so it is not the job that put it off). Putting off twice plans it once.
func (db *DB) PutOff(ctx context.Context, n flows.Notice, at time.Time) error {
	return db.gorm.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		return db.plan(ctx, tx, river.InsertManyParams{Args: n, InsertOpts: &river.InsertOpts{ScheduledAt: at}})
	})
}

// notifyBatch plans, inside tx and in one statement, a notice to everyone in a batch whose
// enrolment has one of statuses (liveStatuses: enrolled or waiting), with whatever further
// jobs each one's notice brings (built by each); it returns those enrolments.
func (db *DB) notifyBatch(tx *gorm.DB, batchID int64, statuses []string, each func(r enrolmentRow) []river.InsertManyParams) ([]enrolmentRow, error) {
	var rows []enrolmentRow
	err := tx.Where("batch_id = ? AND status IN ?", batchID, statuses).Order("id").Find(&rows).Error
	if err != nil {
		return nil, mapErr(err, "live enrolments of a batch")
	}
	var jobs []river.InsertManyParams
	for _, r := range rows {
		jobs = append(jobs, each(r)...)
	}
	return rows, db.plan(tx.Statement.Context, tx, jobs...)
}

// liveStatuses hold or wait for a seat.
var liveStatuses = []string{string(flows.Registered), string(flows.Waiting)}

// seatJobs appends to jobs the notices of a seat in b: its reminders still to come as of now,
// and its survey invitation and nudges.
func (db *DB) seatJobs(jobs []river.InsertManyParams, enrolmentID int64, b flows.Batch, now time.Time) []river.InsertManyParams {
	for _, p := range flows.PlanReminders(enrolmentID, b, now, db.reminders) {
		jobs = append(jobs, river.InsertManyParams{Args: p.Reminder, InsertOpts: &river.InsertOpts{ScheduledAt: p.At}})
	}
	for _, p := range flows.PlanSurvey(enrolmentID, b, db.survey) {
		jobs = append(jobs, river.InsertManyParams{Args: p.Notice, InsertOpts: &river.InsertOpts{ScheduledAt: p.At}})
	}
	return jobs
}

// seatJobKinds are the notices planned with a seat, and dropped or moved with it.
var seatJobKinds = []string{flows.Reminder{}.Kind(), flows.SurveyInvitation{}.Kind(), flows.SurveyNudge{}.Kind()}

// dropSeatJobs removes, inside tx, the notices not yet sent of seats being cancelled or
// moved: enrolments is their ids ([]int64) or a query selecting them.
func (db *DB) dropSeatJobs(tx *gorm.DB, enrolments any) error {
	err := tx.Exec(`DELETE FROM river_job WHERE kind IN ? AND (args->>'enrolment_id')::bigint IN (?)
		AND state IN ('available', 'scheduled', 'retryable', 'pending')`, seatJobKinds, enrolments).Error
	return mapErr(err, "drop seat jobs")
}
