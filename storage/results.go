package storage

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"gorm.io/gorm"

	"github.com/bpsdm/asnbot/flows"
	"github.com/bpsdm/asnbot/flows/survey"
)

// surveyParts loads the surveys a where clause selects (on s, b), earliest batch first.
func surveyParts(g *gorm.DB, where string, args ...any) ([]surveyRow, []flows.Survey, error) {
	var rows []surveyRow
	err := g.Raw(`SELECT s.id, s.batch_id, s.trainers, s.opened_at, s.closes_at, t.version, t.body, b.name AS batch_name,
			(SELECT count(*) FROM enrolments e WHERE e.batch_id = b.id AND e.status IN ?) AS invited
		FROM surveys s JOIN survey_templates t ON t.id = s.template_id JOIN batches b ON b.id = s.batch_id
		WHERE `+where+` ORDER BY b.starts_at, b.id`, append([]any{seatStatuses}, args...)...).Scan(&rows).Error
	if err != nil {
		return nil, nil, mapErr(err, "surveys")
	}
	surveys := make([]flows.Survey, 0, len(rows))
	for _, r := range rows {
		s, err := r.domain()
		if err != nil {
			return nil, nil, err
		}
		surveys = append(surveys, s)
	}
	return rows, surveys, nil
}

type responseRow struct {
	SurveyID    int64
	EnrolmentID *int64
	Answers     []byte
	SubmittedOn time.Time
}

// responses loads the submissions of surveys, oldest first.
func responses(g *gorm.DB, surveyIDs []int64) ([]responseRow, error) {
	var rows []responseRow
	err := g.Raw(`SELECT survey_id, enrolment_id, answers, submitted_on FROM survey_responses
		WHERE survey_id IN ? ORDER BY submitted_on, id`, surveyIDs).Scan(&rows).Error
	return rows, mapErr(err, "survey responses")
}

// parts assembles report parts from surveys and their responses.
func parts(g *gorm.DB, where string, args ...any) ([]survey.Part, error) {
	rows, surveys, err := surveyParts(g, where, args...)
	if err != nil || len(rows) == 0 {
		return nil, err
	}
	ids := make([]int64, len(rows))
	byID := map[int64]int{}
	out := make([]survey.Part, len(rows))
	for i, r := range rows {
		ids[i], byID[r.ID] = r.ID, i
		out[i] = survey.Part{Template: surveys[i].Template, Trainers: surveys[i].Trainers, Invited: r.Invited}
	}
	resps, err := responses(g, ids)
	if err != nil {
		return nil, err
	}
	for _, r := range resps {
		var a survey.Answers
		if err := json.Unmarshal(r.Answers, &a); err != nil {
			return nil, fmt.Errorf("survey response: %w", err)
		}
		i := byID[r.SurveyID]
		out[i].Responses = append(out[i].Responses, a)
	}
	for i := range out {
		// A participant who deleted their data leaves their answers and takes their seat.
		out[i].Invited = max(out[i].Invited, len(out[i].Responses))
	}
	return out, nil
}

// Results implements flows.Surveys.
func (db *DB) Results(ctx context.Context, courseID, batchID int64) ([]survey.Part, error) {
	return parts(db.gorm.WithContext(ctx), "b.course_id = ? AND (? = 0 OR b.id = ?)", courseID, batchID, batchID)
}

// IKMParts implements flows.Surveys.
func (db *DB) IKMParts(ctx context.Context, from, to time.Time) ([]survey.Part, error) {
	return parts(db.gorm.WithContext(ctx), "s.opened_at >= ? AND s.opened_at < ?", from.UTC(), to.UTC())
}

// RawResponses implements flows.Surveys.
func (db *DB) RawResponses(ctx context.Context, courseID, batchID int64) ([]flows.RawResponse, error) {
	g := db.gorm.WithContext(ctx)
	rows, surveys, err := surveyParts(g, "b.course_id = ? AND (? = 0 OR b.id = ?)", courseID, batchID, batchID)
	if err != nil || len(rows) == 0 {
		return nil, err
	}
	ids := make([]int64, len(rows))
	byID := map[int64]int{}
	for i, r := range rows {
		ids[i], byID[r.ID] = r.ID, i
	}
	resps, err := responses(g, ids)
	if err != nil {
		return nil, err
	}
	who, err := respondents(g, resps)
	if err != nil {
		return nil, err
	}
	out := make([]flows.RawResponse, 0, len(resps))
	for _, r := range resps {
		i := byID[r.SurveyID]
		raw := flows.RawResponse{Batch: rows[i].BatchName, SubmittedOn: r.SubmittedOn, Items: surveys[i].Items()}
		if err := json.Unmarshal(r.Answers, &raw.Answers); err != nil {
			return nil, fmt.Errorf("survey response: %w", err)
		}
		if r.EnrolmentID != nil && !surveys[i].Template.Anonymous {
			if p, ok := who[*r.EnrolmentID]; ok {
				raw.Participant = &p
			}
		}
		out = append(out, raw)
	}
	return out, nil
}

// respondents loads the participants of the named responses, by enrolment.
func respondents(g *gorm.DB, resps []responseRow) (map[int64]flows.Participant, error) {
	var ids []int64
	for _, r := range resps {
		if r.EnrolmentID != nil {
			ids = append(ids, *r.EnrolmentID)
		}
	}
	out := map[int64]flows.Participant{}
	if len(ids) == 0 {
		return out, nil
	}
	var es []enrolmentRow
	if err := g.Where("id IN ?", ids).Find(&es).Error; err != nil {
		return nil, mapErr(err, "respondents")
	}
	pids := make([]int64, 0, len(es))
	for _, e := range es {
		pids = append(pids, e.ParticipantID)
	}
	var ps []participantRow
	if err := g.Where("id IN ?", pids).Find(&ps).Error; err != nil {
		return nil, mapErr(err, "respondents")
	}
	byID := map[int64]flows.Participant{}
	for _, p := range ps {
		byID[p.ID] = p.domain()
	}
	for _, e := range es {
		if p, ok := byID[e.ParticipantID]; ok {
			out[e.ID] = p
		}
	}
	return out, nil
}
