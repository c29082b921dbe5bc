package flows

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"
)

// SurveyTiming says when a seat's survey invitation comes, and how long a survey stays open.
type SurveyTiming struct {
	InviteDelay time.Duration // after the batch ends (SURVEY_INVITE_DELAY)
	OpenDays    int           // from the opening (SURVEY_OPEN_DAYS)
}

// DefaultSurveyTiming: an hour after the end, open for two weeks.
var DefaultSurveyTiming = SurveyTiming{InviteDelay: time.Hour, OpenDays: 14}

// surveyNudgeDays are the days after the invitation when those who have not finished are
// reminded.
var surveyNudgeDays = []int{1, 3}

// Planned is a notice and when it is due.
type Planned struct {
	Notice Notice
	At     time.Time
}

// PlanSurvey gives the invitation and the nudges of a seat in b: the invitation InviteDelay
// after the end, the nudges days after it, each moved out of the quiet hours of the batch's
// zone. They are planned with the seat, moved with its batch and dropped with it.
func PlanSurvey(enrolmentID int64, b Batch, t SurveyTiming) []Planned {
	zone := b.Zone()
	invite := outOfQuietHours(b.EndsAt.Add(t.InviteDelay).In(zone))
	out := []Planned{{At: invite.UTC(), Notice: SurveyInvitation{EnrolmentID: enrolmentID, EndsAt: b.EndsAt.UTC()}}}
	for _, d := range surveyNudgeDays {
		at := outOfQuietHours(invite.AddDate(0, 0, d))
		out = append(out, Planned{At: at.UTC(), Notice: SurveyNudge{EnrolmentID: enrolmentID, EndsAt: b.EndsAt.UTC(), Days: d}})
	}
	return out
}

// SurveyInvitation asks a participant who held a seat to evaluate the batch, once it has
// ended, or at once when an admin opens the survey early.
type SurveyInvitation struct {
	EnrolmentID int64     `json:"enrolment_id"`
	EndsAt      time.Time `json:"ends_at"`        // the batch's end it was planned for
	Now         bool      `json:"now,omitempty"`  // sent when an admin opened the survey
	Until       time.Time `json:"until,omitzero"` // put off from the quiet hours until then
	uniqueByArgs
}

// Kind implements river.JobArgs.
func (SurveyInvitation) Kind() string       { return "survey_invitation" }
func (n SurveyInvitation) enrolment() int64 { return n.EnrolmentID }

// SurveyNudge reminds a participant who has not finished the survey.
type SurveyNudge struct {
	EnrolmentID int64     `json:"enrolment_id"`
	EndsAt      time.Time `json:"ends_at"`
	Days        int       `json:"days"` // after the invitation
	Until       time.Time `json:"until,omitzero"`
	uniqueByArgs
}

// Kind implements river.JobArgs.
func (SurveyNudge) Kind() string       { return "survey_nudge" }
func (n SurveyNudge) enrolment() int64 { return n.EnrolmentID }

// holdsSeat reports whether the enrolment held its seat to the end (the only ones asked).
func holdsSeat(e Enrolment) bool {
	return e.Status == Registered || e.Status == Attended || e.Status == Completed
}

// checkSurveyInvitation opens the batch's survey (the first invitation does) and invites the
// participant, unless they lost the seat, the batch moved or was cancelled, the survey closed
// or they answered it already.
func checkSurveyInvitation(ctx context.Context, n SurveyInvitation, d Due) (Letter, error) {
	e := d.Enrolment
	if !holdsSeat(e) || e.Batch.Status == BatchCancelled || (!n.Now && !e.Batch.EndsAt.Equal(n.EndsAt)) {
		return Letter{}, nil
	}
	if until, night := quietUntil(d.Now, e.Batch); night && !n.Now {
		n.Until = until.UTC()
		return Letter{Later: until, Again: n}, nil
	}
	s, err := d.Store.OpenSurvey(ctx, e.Batch.ID, d.Now)
	if errors.Is(err, ErrNoTemplate) {
		return Letter{}, nil // nothing to ask; the import refuses an unknown template
	}
	if err != nil {
		return Letter{}, fmt.Errorf("open survey: %w", err)
	}
	return surveyLetter(ctx, "survei.undangan", s, d)
}

// checkSurveyNudge reminds a participant who has not submitted a survey that is still open.
func checkSurveyNudge(ctx context.Context, n SurveyNudge, d Due) (Letter, error) {
	e := d.Enrolment
	if !holdsSeat(e) || e.Batch.Status == BatchCancelled || !e.Batch.EndsAt.Equal(n.EndsAt) {
		return Letter{}, nil
	}
	if until, night := quietUntil(d.Now, e.Batch); night {
		n.Until = until.UTC()
		return Letter{Later: until, Again: n}, nil
	}
	s, err := d.Store.SurveyOf(ctx, e.Batch.ID)
	if errors.Is(err, ErrNotFound) {
		return Letter{}, nil
	}
	if err != nil {
		return Letter{}, fmt.Errorf("survey: %w", err)
	}
	l, err := surveyLetter(ctx, "survei.pengingat", s, d)
	l.Occasion = strconv.Itoa(n.Days)
	return l, err
}

// surveyLetter is an invitation (key) to answer s, unless it closed or was answered.
func surveyLetter(ctx context.Context, key string, s Survey, d Due) (Letter, error) {
	e := d.Enrolment
	if !s.Open(d.Now) {
		return Letter{}, nil
	}
	done, err := d.Store.Submitted(ctx, s.ID, e.ID)
	if err != nil || done {
		return Letter{}, err
	}
	z := e.Batch.Zone()
	r := Reply{
		Text: T(key, "Name", d.Participant.Name, "Title", e.Course.Title, "Batch", e.Batch.Name,
			"Count", len(s.Items()), "Closes", s.ClosesAt.In(z)),
		Buttons: [][]Button{{Btn("survei.isi", cb(nsSurvey, "o", e.ID))}},
	}
	if e.Status == Completed {
		r.Parts = []Text{T("sertifikat.menunggu_survei")} // the certificate comes once it is in
	}
	return Letter{Replies: []Reply{r}}, nil
}

// quietUntil tells whether now is in the quiet hours where the batch takes place, and until
// when.
func quietUntil(now time.Time, b Batch) (time.Time, bool) {
	local := now.In(b.Zone())
	moved := outOfQuietHours(local)
	return moved, !moved.Equal(local)
}
