package storage

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/riverqueue/river"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/bpsdm/asnbot/flows"
	"github.com/bpsdm/asnbot/flows/survey"
)

// surveyRow is a batch's survey with its template version (and, for a report, its batch's
// name and how many held a seat).
type surveyRow struct {
	ID        int64
	BatchID   int64
	Trainers  string
	OpenedAt  time.Time
	ClosesAt  time.Time
	Version   int
	Body      []byte
	BatchName string
	Invited   int
}

const selectSurvey = `SELECT s.id, s.batch_id, s.trainers, s.opened_at, s.closes_at, t.version, t.body
	FROM surveys s JOIN survey_templates t ON t.id = s.template_id`

func (r surveyRow) domain() (flows.Survey, error) {
	s := flows.Survey{ID: r.ID, BatchID: r.BatchID, Version: r.Version, Trainers: splitNames(r.Trainers),
		OpenedAt: r.OpenedAt, ClosesAt: r.ClosesAt}
	if err := json.Unmarshal(r.Body, &s.Template); err != nil {
		return flows.Survey{}, fmt.Errorf("survey %d template: %w", r.ID, err)
	}
	return s, nil
}

// openSurvey opens a batch's survey inside tx, once: the latest version of its course's
// template (the default one when it names none), the batch's trainers as they are now.
func (db *DB) openSurvey(tx *gorm.DB, batchID int64, now time.Time) (flows.Survey, error) {
	err := tx.Exec(`INSERT INTO surveys (batch_id, template_id, trainers, opened_at, closes_at)
		SELECT b.id, t.id, b.trainers, ?, ?
		FROM batches b JOIN courses c ON c.id = b.course_id
		JOIN LATERAL (SELECT id FROM survey_templates WHERE key = COALESCE(NULLIF(c.survey_key, ''), ?)
			ORDER BY version DESC LIMIT 1) t ON true
		WHERE b.id = ?
		ON CONFLICT (batch_id) DO NOTHING`, now.UTC(), now.AddDate(0, 0, db.survey.OpenDays).UTC(), survey.DefaultKey, batchID).Error
	if err != nil {
		return flows.Survey{}, mapErr(err, "open survey")
	}
	s, err := surveyOf(tx, batchID)
	if errors.Is(err, flows.ErrNotFound) {
		return s, fmt.Errorf("batch %d: %w", batchID, flows.ErrNoTemplate)
	}
	return s, err
}

func surveyOf(tx *gorm.DB, batchID int64) (flows.Survey, error) {
	var r surveyRow
	res := tx.Raw(selectSurvey+" WHERE s.batch_id = ?", batchID).Scan(&r)
	if res.Error != nil {
		return flows.Survey{}, mapErr(res.Error, "survey")
	}
	if res.RowsAffected == 0 {
		return flows.Survey{}, fmt.Errorf("survey of batch %d: %w", batchID, flows.ErrNotFound)
	}
	return r.domain()
}

// OpenSurvey implements flows.Surveys.
func (db *DB) OpenSurvey(ctx context.Context, batchID int64, now time.Time) (flows.Survey, error) {
	return db.openSurvey(db.gorm.WithContext(ctx), batchID, now)
}

// SurveyOf implements flows.Surveys.
func (db *DB) SurveyOf(ctx context.Context, batchID int64) (flows.Survey, error) {
	return surveyOf(db.gorm.WithContext(ctx), batchID)
}

// OpenSurveyNow implements flows.Surveys: the survey opens and everyone holding a seat who
// has not answered is invited, in one transaction.
func (db *DB) OpenSurveyNow(ctx context.Context, batchID int64, now time.Time, by flows.Actor) (int, error) {
	invited := 0
	err := db.gorm.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var b batchRow
		if err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).Where("id = ?", batchID).Take(&b).Error; err != nil {
			return mapErr(err, "lock batch")
		}
		if b.Status == string(flows.BatchCancelled) {
			return flows.ErrBatchUnavailable
		}
		s, err := db.openSurvey(tx, batchID, now)
		if err != nil {
			return err
		}
		if !s.Open(now) {
			return flows.ErrSurveyClosed
		}
		rows, err := db.notifyBatch(tx, batchID, seatStatuses, func(r enrolmentRow) []river.InsertManyParams {
			return []river.InsertManyParams{{Args: flows.SurveyInvitation{EnrolmentID: r.ID, EndsAt: b.EndsAt.UTC(), Now: true}}}
		})
		invited = len(rows)
		if err != nil {
			return err
		}
		return audit(tx, now, by, flows.AuditOpenSurvey, batchSubject(tx, b), fmt.Sprintf("%d peserta", invited))
	})
	return invited, err
}

type progressRow struct {
	SurveyID int64
	Position int
	Answers  []byte
}

// Progress implements flows.Surveys.
func (db *DB) Progress(ctx context.Context, enrolmentID int64) (flows.Progress, error) {
	var r progressRow
	res := db.gorm.WithContext(ctx).Raw("SELECT survey_id, position, answers FROM survey_progress WHERE enrolment_id = ?",
		enrolmentID).Scan(&r)
	if res.Error != nil || res.RowsAffected == 0 {
		return flows.Progress{}, mapErr(res.Error, "survey progress")
	}
	p := flows.Progress{SurveyID: r.SurveyID, Position: r.Position}
	if err := json.Unmarshal(r.Answers, &p.Answers); err != nil {
		return flows.Progress{}, fmt.Errorf("survey progress %d: %w", enrolmentID, err)
	}
	return p, nil
}

// SaveAnswer implements flows.Surveys: one statement, whatever was answered before.
func (db *DB) SaveAnswer(ctx context.Context, enrolmentID, surveyID int64, key string, a survey.Answer, position int) error {
	answers := []byte("{}")
	if key != "" {
		var err error
		if answers, err = json.Marshal(map[string]survey.Answer{key: a}); err != nil {
			return fmt.Errorf("encode answer: %w", err)
		}
	}
	_, err := db.sql.ExecContext(ctx, `INSERT INTO survey_progress (enrolment_id, survey_id, position, answers)
		VALUES ($1, $2, $3, $4::jsonb)
		ON CONFLICT (enrolment_id) DO UPDATE SET answers = survey_progress.answers || EXCLUDED.answers,
			position = EXCLUDED.position, updated_at = now()`, enrolmentID, surveyID, position, string(answers))
	return mapErr(err, "save answer")
}

// Submitted implements flows.Surveys.
func (db *DB) Submitted(ctx context.Context, surveyID, enrolmentID int64) (bool, error) {
	var n int64
	err := db.gorm.WithContext(ctx).Table("survey_completions").Where("survey_id = ? AND enrolment_id = ?", surveyID, enrolmentID).
		Count(&n).Error
	return n > 0, mapErr(err, "survey submitted")
}

// Submit implements flows.Surveys. The completion (who) and the response (what) are written
// together, so a submission is never half recorded; for an anonymous template the response
// carries no enrolment and only the day, so nothing joins the two.
func (db *DB) Submit(ctx context.Context, enrolmentID int64, now time.Time) error {
	return db.gorm.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var p progressRow
		res := tx.Raw("SELECT survey_id, position, answers FROM survey_progress WHERE enrolment_id = ? FOR UPDATE", enrolmentID).Scan(&p)
		if res.Error != nil {
			return mapErr(res.Error, "survey progress")
		}
		if res.RowsAffected == 0 {
			return flows.ErrSubmitted // answered and submitted already: the progress went with it
		}
		var anonymous bool
		var zone string
		err := tx.Raw(`SELECT t.anonymous, b.time_zone FROM surveys s JOIN survey_templates t ON t.id = s.template_id
			JOIN batches b ON b.id = s.batch_id WHERE s.id = ?`, p.SurveyID).Row().Scan(&anonymous, &zone)
		if err != nil {
			return mapErr(err, "survey template")
		}
		done := tx.Exec(`INSERT INTO survey_completions (survey_id, enrolment_id, submitted_at) VALUES (?, ?, ?)
			ON CONFLICT DO NOTHING`, p.SurveyID, enrolmentID, now.UTC())
		if done.Error != nil {
			return mapErr(done.Error, "survey completion")
		}
		if done.RowsAffected == 0 {
			return flows.ErrSubmitted
		}
		var who any = enrolmentID
		if anonymous {
			who = nil
		}
		day := now.In(flows.Batch{TimeZone: zone}.Zone()).Format(time.DateOnly)
		err = tx.Exec("INSERT INTO survey_responses (survey_id, enrolment_id, answers, submitted_on) VALUES (?, ?, ?::jsonb, ?)",
			p.SurveyID, who, string(p.Answers), day).Error
		if err != nil {
			return mapErr(err, "survey response")
		}
		if err := tx.Exec("DELETE FROM survey_progress WHERE enrolment_id = ?", enrolmentID).Error; err != nil {
			return mapErr(err, "survey progress done")
		}
		// A completed participant's certificate was waiting for this evaluation.
		var status string
		if err := tx.Raw("SELECT status FROM enrolments WHERE id = ?", enrolmentID).Row().Scan(&status); err != nil {
			return mapErr(err, "enrolment status")
		}
		if status != string(flows.Completed) {
			return nil
		}
		return db.plan(ctx, tx, river.InsertManyParams{Args: flows.CertificateNotice{EnrolmentID: enrolmentID, Cause: flows.CertOnSurvey}})
	})
}

// pendingRow is an enrolment with a survey to answer, and how many answers it has so far.
type pendingRow struct {
	ID            int64
	ParticipantID int64
	BatchID       int64
	Status        string
	CreatedAt     time.Time
	Answered      int
}

// pendingWhere selects the enrolments of a participant (?) with an open survey (closing
// after ?) they have not submitted: PendingSurveys and its count.
const pendingWhere = `e.participant_id = ? AND e.status IN ? AND s.closes_at > ?
	AND NOT EXISTS (SELECT 1 FROM survey_completions c WHERE c.survey_id = s.id AND c.enrolment_id = e.id)`

// CountPendingSurveys implements flows.Surveys: one indexed count, as the main menu shows
// "Survei" only when there is one to answer.
func (db *DB) CountPendingSurveys(ctx context.Context, participantID int64, now time.Time) (int, error) {
	var n int
	err := db.gorm.WithContext(ctx).Raw(`SELECT count(*) FROM enrolments e JOIN surveys s ON s.batch_id = e.batch_id
		WHERE `+pendingWhere, participantID, seatStatuses, now.UTC()).Scan(&n).Error
	return n, mapErr(err, "count pending surveys")
}

// PendingSurveys implements flows.Surveys.
func (db *DB) PendingSurveys(ctx context.Context, participantID int64, now time.Time) ([]flows.PendingSurvey, error) {
	g := db.gorm.WithContext(ctx)
	var rows []pendingRow
	err := g.Raw(`SELECT e.*, COALESCE((SELECT count(*) FROM jsonb_object_keys(p.answers)), 0) AS answered
		FROM enrolments e JOIN surveys s ON s.batch_id = e.batch_id
		LEFT JOIN survey_progress p ON p.enrolment_id = e.id
		WHERE `+pendingWhere+`
		ORDER BY s.closes_at, e.id`, participantID, seatStatuses, now.UTC()).Scan(&rows).Error
	if err != nil {
		return nil, mapErr(err, "pending surveys")
	}
	out := make([]flows.PendingSurvey, 0, len(rows))
	for _, r := range rows {
		e, err := db.loadEnrolment(g, enrolmentRow{ID: r.ID, ParticipantID: r.ParticipantID, BatchID: r.BatchID,
			Status: r.Status, CreatedAt: r.CreatedAt})
		if err != nil {
			return nil, err
		}
		s, err := surveyOf(g, e.Batch.ID)
		if err != nil {
			return nil, err
		}
		out = append(out, flows.PendingSurvey{Enrolment: e, Survey: s, Answered: r.Answered})
	}
	return out, nil
}
