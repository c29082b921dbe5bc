package flows

import (
	"context"
	"time"

	"github.com/bpsdm/asnbot/flows/asn"
)

// Course is a training (pelatihan), as its catalogue file describes it.
type Course struct {
	ID          int64
	Code        string
	Title       string
	Category    string
	Method      string // one of catalogfile.Methods
	JP          int
	Description string
	Audience    string
	Published   bool
	SurveyKey   string // the evaluation's template (survey.DefaultKey when empty)
	// MinAttendance is the share of the batch's check-in days, in percent, that completes it.
	MinAttendance int
}

// BatchStatus is where a batch (angkatan) stands. A batch that has ended is told by its
// EndsAt, not by a status.
type BatchStatus string

// Batch statuses.
const (
	BatchOpen      BatchStatus = "open"
	BatchCancelled BatchStatus = "cancelled" // by an admin, with /ubahjadwal
)

// Batch is one run of a course (angkatan). Times are instants; Zone shows them.
type Batch struct {
	ID          int64
	CourseID    int64
	Name        string
	StartsAt    time.Time
	EndsAt      time.Time
	TimeZone    string
	Location    string
	OnlineURL   string
	Quota       int
	RegOpensAt  time.Time
	RegClosesAt time.Time
	Status      BatchStatus
	// Revision counts the changes of dates or place: a calendar entry sent again carries it,
	// since a calendar replaces an entry only with one of a higher sequence.
	Revision    int
	Trainers    []string // evaluated one by one in the survey
	Registered  int      // live enrolments holding a seat
	Waiting     int      // on the waiting list
	Notes       string   // catatan: what to bring or prepare
	ContactName string   // kontak_nama: whom to ask
	ContactWA   string   // kontak_wa: their WhatsApp number, international digits ("6281234567891")
}

// WhatsApp is the link that opens a chat with the batch's contact ("https://wa.me/<digits>",
// WhatsApp's click-to-chat form), or "" when there is no number.
func (b Batch) WhatsApp() string {
	if b.ContactWA == "" {
		return ""
	}
	return "https://wa.me/" + b.ContactWA
}

// Zone is the location the batch's times are shown in (WIB when the name is unknown).
func (b Batch) Zone() *time.Location { return asn.Zone(b.TimeZone) }

// SeatsLeft is the number of free seats.
func (b Batch) SeatsLeft() int { return max(b.Quota-b.Registered, 0) }

// Full reports whether a new enrolment would go to the waiting list.
func (b Batch) Full() bool { return b.SeatsLeft() == 0 }

// Availability says whether the batch takes enrolments at now, and why not.
func (b Batch) Availability(now time.Time) error {
	switch {
	case b.Status != BatchOpen || !now.Before(b.StartsAt):
		return ErrBatchUnavailable
	case now.Before(b.RegOpensAt), !now.Before(b.RegClosesAt):
		return &WindowError{Opens: b.RegOpensAt, Closes: b.RegClosesAt, Zone: b.Zone()}
	}
	return nil
}

// CourseFilter selects courses of the catalogue.
type CourseFilter struct {
	Category string
	Method   string
	Query    string     // words that must all appear in the title, code or category
	Terms    [][]string // when set, instead of Query's words: each term matches when one of its words appears (synonyms)
	Now      time.Time
	Offset   int
	Limit    int
}

// CourseSummary is a line of the catalogue.
type CourseSummary struct {
	Course    Course
	NextBatch Batch // the earliest open batch still to start
}

// Courses is what flows need of the courses and batches in Postgres.
type Courses interface {
	// Courses returns a page of the published courses with a batch still to start, and how
	// many there are in all.
	Courses(ctx context.Context, f CourseFilter) ([]CourseSummary, int, error)
	// Categories lists the categories of the courses on offer at now.
	Categories(ctx context.Context, now time.Time) ([]string, error)
	// Course returns a published course by code with its batches that are not cancelled,
	// earliest first; ErrNotFound when there is none.
	Course(ctx context.Context, code string) (Course, []Batch, error)
	// Batch returns a batch, with its seat counts, and its course.
	Batch(ctx context.Context, id int64) (Course, Batch, error)
}
