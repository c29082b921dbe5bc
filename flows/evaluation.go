package flows

import (
	"context"
	"errors"
	"time"

	"github.com/bpsdm/asnbot/flows/survey"
)

// Survey is one batch's evaluation: asked with one version of a template (answers always
// belong to the version that was asked), of the batch's trainers as they were when it opened.
type Survey struct {
	ID       int64
	BatchID  int64
	Version  int // of the template
	Template survey.Template
	Trainers []string
	OpenedAt time.Time
	ClosesAt time.Time
}

// Items are the questions in the order they are asked.
func (s Survey) Items() []survey.Item { return s.Template.Items(s.Trainers) }

// Open reports whether the survey takes answers at now.
func (s Survey) Open(now time.Time) bool { return now.Before(s.ClosesAt) }

// Progress is a participant's answers so far, saved as they are given.
type Progress struct {
	SurveyID int64
	Position int // the item being asked; len(items) for the summary before "Kirim"
	Answers  survey.Answers
}

// PendingSurvey is a survey a participant may still answer.
type PendingSurvey struct {
	Enrolment Enrolment
	Survey    Survey
	Answered  int
}

// Survey errors.
var (
	// ErrSubmitted: the enrolment's survey was submitted already.
	ErrSubmitted = errors.New("survey already submitted")
	// ErrNoTemplate: no template has the key a course names.
	ErrNoTemplate = errors.New("no such survey template")
	// ErrSurveyClosed: the survey's window has passed.
	ErrSurveyClosed = errors.New("survey closed")
)

// TemplateVersion is a stored version of a template.
type TemplateVersion struct {
	Version int
	Added   bool // false when the same template was loaded already
}

// Turn is what answering one question needs: the enrolment (with its course and batch), its
// batch's survey (nil until it opens), the answers so far, and whether it was submitted.
type Turn struct {
	Enrolment Enrolment
	Survey    *Survey
	Progress  Progress
	Submitted bool
}

// Surveys is what the evaluation needs of Postgres.
type Surveys interface {
	// Turn loads, in one query, what answering the participant's enrolment's survey needs;
	// ErrNotFound when the enrolment is not theirs.
	Turn(ctx context.Context, participantID, enrolmentID int64) (Turn, error)
	// OpenSurvey opens a batch's survey (once; later calls return it as it is), with the
	// latest version of its course's template and closing after the configured days.
	OpenSurvey(ctx context.Context, batchID int64, now time.Time) (Survey, error)
	// SurveyOf returns a batch's survey; ErrNotFound when it has not opened.
	SurveyOf(ctx context.Context, batchID int64) (Survey, error)
	// Progress returns an enrolment's answers so far (the zero Progress when none).
	Progress(ctx context.Context, enrolmentID int64) (Progress, error)
	// SaveAnswer stores one answer (or, with key "", none) and the item asked next, in one
	// statement.
	SaveAnswer(ctx context.Context, enrolmentID, surveyID int64, key string, a survey.Answer, position int) error
	// Submit records the enrolment's submission and its answers in one transaction; for an
	// anonymous template the answers are stored apart from any link to the person.
	// ErrSubmitted when it was submitted before.
	Submit(ctx context.Context, enrolmentID int64, now time.Time) error
	// Submitted reports whether the enrolment's survey was submitted.
	Submitted(ctx context.Context, surveyID, enrolmentID int64) (bool, error)
	// PendingSurveys lists the open surveys the participant may still answer.
	PendingSurveys(ctx context.Context, participantID int64, now time.Time) ([]PendingSurvey, error)
	// CountPendingSurveys is how many PendingSurveys would list, for the main menu.
	CountPendingSurveys(ctx context.Context, participantID int64, now time.Time) (int, error)
	// OpenSurveyNow opens a batch's survey at once and invites everyone holding a seat;
	// it returns how many are invited.
	OpenSurveyNow(ctx context.Context, batchID int64, now time.Time, by Actor) (int, error)
	// SaveTemplate stores an agency's template as its key's next version, unless that is
	// the same as the latest.
	SaveTemplate(ctx context.Context, t survey.Template, by Actor) (TemplateVersion, error)
	// TemplatesExist reports which of the keys name a stored template.
	TemplatesExist(ctx context.Context, keys []string) (map[string]bool, error)
	// Results returns the surveys of a course's batches (one batch, or all when batchID is 0)
	// as report parts, with the batches they belong to.
	Results(ctx context.Context, courseID, batchID int64) ([]survey.Part, error)
	// RawResponses returns the answers of the same surveys, a row per submission, with the
	// participant when the template is not anonymous.
	RawResponses(ctx context.Context, courseID, batchID int64) ([]RawResponse, error)
	// IKMParts returns, as report parts, every survey opened in [from, to).
	IKMParts(ctx context.Context, from, to time.Time) ([]survey.Part, error)
}

// RawResponse is one submission as the raw export shows it.
type RawResponse struct {
	Batch       string
	SubmittedOn time.Time
	Participant *Participant // nil for an anonymous template
	Items       []survey.Item
	Answers     survey.Answers
}
