package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"

	"github.com/bpsdm/asnbot/flows"
	"github.com/bpsdm/asnbot/flows/survey"
)

// turnRow is what Turn reads in one query.
type turnRow struct {
	ID          int64
	Status      string
	BatchID     int64
	BatchName   string
	TimeZone    string
	StartsAt    time.Time
	EndsAt      time.Time
	BatchStatus string
	CourseCode  string
	CourseTitle string
	SurveyID    *int64
	TemplateID  *int64
	Trainers    *string
	OpenedAt    *time.Time
	ClosesAt    *time.Time
	Position    *int
	Answers     []byte
	Submitted   bool
}

// Turn implements flows.Surveys: one query, scanned by hand (every answer asks it), and the
// template from memory (a version never changes once stored).
func (db *DB) Turn(ctx context.Context, participantID, enrolmentID int64) (flows.Turn, error) {
	g := db.gorm.WithContext(ctx)
	var r turnRow
	err := db.sql.QueryRowContext(ctx, `SELECT e.id, e.status, b.id, b.name, b.time_zone, b.starts_at, b.ends_at,
			b.status, c.code, c.title, s.id, s.template_id, s.trainers, s.opened_at, s.closes_at, p.position, p.answers,
			EXISTS (SELECT 1 FROM survey_completions k WHERE k.survey_id = s.id AND k.enrolment_id = e.id)
		FROM enrolments e JOIN batches b ON b.id = e.batch_id JOIN courses c ON c.id = b.course_id
		LEFT JOIN surveys s ON s.batch_id = b.id LEFT JOIN survey_progress p ON p.enrolment_id = e.id
		WHERE e.id = $1 AND e.participant_id = $2`, enrolmentID, participantID).Scan(&r.ID, &r.Status, &r.BatchID, &r.BatchName,
		&r.TimeZone, &r.StartsAt, &r.EndsAt, &r.BatchStatus, &r.CourseCode, &r.CourseTitle, &r.SurveyID, &r.TemplateID,
		&r.Trainers, &r.OpenedAt, &r.ClosesAt, &r.Position, &r.Answers, &r.Submitted)
	if errors.Is(err, sql.ErrNoRows) {
		return flows.Turn{}, fmt.Errorf("enrolment %d: %w", enrolmentID, flows.ErrNotFound)
	}
	if err != nil {
		return flows.Turn{}, mapErr(err, "survey turn")
	}
	t := flows.Turn{Submitted: r.Submitted, Enrolment: flows.Enrolment{ID: r.ID, ParticipantID: participantID,
		Status: flows.EnrolmentStatus(r.Status), Course: flows.Course{Code: r.CourseCode, Title: r.CourseTitle},
		Batch: flows.Batch{ID: r.BatchID, Name: r.BatchName, TimeZone: r.TimeZone, StartsAt: r.StartsAt, EndsAt: r.EndsAt,
			Status: flows.BatchStatus(r.BatchStatus)}}}
	if r.SurveyID == nil {
		return t, nil
	}
	version, tpl, err := db.template(g, *r.TemplateID)
	if err != nil {
		return flows.Turn{}, err
	}
	t.Survey = &flows.Survey{ID: *r.SurveyID, BatchID: r.BatchID, Version: version, Template: tpl,
		Trainers: splitNames(*r.Trainers), OpenedAt: *r.OpenedAt, ClosesAt: *r.ClosesAt}
	t.Progress.SurveyID = *r.SurveyID
	if r.Position != nil {
		t.Progress.Position = *r.Position
		if err := json.Unmarshal(r.Answers, &t.Progress.Answers); err != nil {
			return flows.Turn{}, fmt.Errorf("survey progress %d: %w", enrolmentID, err)
		}
	}
	return t, nil
}

// cachedTemplate is a stored template version, decoded.
type cachedTemplate struct {
	version int
	t       survey.Template
}

// template returns a stored template version by id, decoded once per process.
func (db *DB) template(g *gorm.DB, id int64) (int, survey.Template, error) {
	if c, ok := db.templates.Load(id); ok {
		ct := c.(cachedTemplate)
		return ct.version, ct.t, nil
	}
	var r struct {
		Version int
		Body    []byte
	}
	if err := g.Raw("SELECT version, body FROM survey_templates WHERE id = ?", id).Scan(&r).Error; err != nil {
		return 0, survey.Template{}, mapErr(err, "survey template")
	}
	var t survey.Template
	if err := json.Unmarshal(r.Body, &t); err != nil {
		return 0, survey.Template{}, fmt.Errorf("survey template %d: %w", id, err)
	}
	db.templates.Store(id, cachedTemplate{version: r.Version, t: t})
	return r.Version, t, nil
}
