package flows

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/bpsdm/asnbot/flows/catalogfile"
)

// Training methods.
const (
	MethodClassroom = "klasikal"
	MethodOnline    = "daring"
	MethodBlended   = "blended"
)

// Methods lists the methods in the order filters show them.
var Methods = []string{MethodClassroom, MethodOnline, MethodBlended}

// BatchStatus is where a batch (angkatan) stands.
type BatchStatus string

// Batch statuses.
const (
	BatchOpen      BatchStatus = "open"
	BatchClosed    BatchStatus = "closed"
	BatchCancelled BatchStatus = "cancelled"
	BatchFinished  BatchStatus = "finished"
)

// EnrolmentStatus is where an enrolment stands; the values are the ones admins see.
type EnrolmentStatus string

// Enrolment statuses.
const (
	Registered EnrolmentStatus = "terdaftar"
	Waiting    EnrolmentStatus = "daftar_tunggu"
	Cancelled  EnrolmentStatus = "batal"
	Attended   EnrolmentStatus = "hadir"
	Completed  EnrolmentStatus = "selesai"
)

// Course is a training (pelatihan).
type Course struct {
	ID          int64
	Code        string
	Title       string
	Category    string
	Method      string
	JP          int
	Description string
	Audience    string
	Published   bool
}

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
	Registered  int // live enrolments holding a seat
	Waiting     int // on the waiting list
}

var zones sync.Map // IANA name → *time.Location

// Zone is the location the batch's times are shown in (WIB when the name is unknown).
func (b Batch) Zone() *time.Location {
	if loc, ok := zones.Load(b.TimeZone); ok {
		return loc.(*time.Location)
	}
	loc, err := time.LoadLocation(b.TimeZone)
	if err != nil || b.TimeZone == "" {
		loc, _ = time.LoadLocation("Asia/Jakarta")
	}
	zones.Store(b.TimeZone, loc)
	return loc
}

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

// Enrolment is a participant's place in a batch.
type Enrolment struct {
	ID            int64
	ParticipantID int64
	Status        EnrolmentStatus
	Position      int // place on the waiting list, from 1
	CreatedAt     time.Time
	Existing      bool // Enrol found this enrolment already there (a second tap)
	Course        Course
	Batch         Batch
}

// Live reports whether the enrolment still holds or waits for a seat.
func (e Enrolment) Live() bool { return e.Status == Registered || e.Status == Waiting }

// Promotion is a participant moved up from the waiting list.
type Promotion struct {
	Enrolment Enrolment
	ChatID    int64
	Name      string
}

// Enrolment errors.
var (
	ErrBatchUnavailable = errors.New("batch does not take enrolments")
	ErrNotCancellable   = errors.New("enrolment cannot be cancelled")
)

// WindowError: the registration window is not open.
type WindowError struct {
	Opens, Closes time.Time
	Zone          *time.Location // the batch's, to show the dates as its page does
}

func (e *WindowError) Error() string { return "registration window closed" }

// ClashError: the participant already has a batch at overlapping dates.
type ClashError struct {
	Course Course
	Batch  Batch
}

func (e *ClashError) Error() string { return fmt.Sprintf("clashes with batch %d", e.Batch.ID) }

// CourseFilter selects courses of the catalogue.
type CourseFilter struct {
	Category string
	Method   string
	Query    string // words that must all appear in the title, code or category
	Now      time.Time
	Offset   int
	Limit    int
}

// CourseSummary is a line of the catalogue.
type CourseSummary struct {
	Course    Course
	NextBatch Batch // the earliest open batch still to start
}

// RosterEntry is one enrolment as an admin sees it.
type RosterEntry struct {
	Enrolment   Enrolment
	Participant Participant
}

// ImportReport counts what an import did.
type ImportReport struct {
	CoursesAdded, CoursesChanged, CoursesUnchanged int
	BatchesAdded, BatchesChanged, BatchesUnchanged int
	// Promotions are participants moved up from a waiting list because a quota grew.
	Promotions []Promotion
	// Notified counts the participants told of a change of dates or place.
	Notified int
}

// Catalog is what flows need of the catalogue and enrolments in Postgres.
type Catalog interface {
	Courses(ctx context.Context, f CourseFilter) ([]CourseSummary, int, error)
	Categories(ctx context.Context, now time.Time) ([]string, error)
	// Course returns a published course by code with its batches that are not cancelled or
	// finished, earliest first; ErrNotFound when there is none.
	Course(ctx context.Context, code string) (Course, []Batch, error)
	Batch(ctx context.Context, id int64) (Course, Batch, error)
	// Enrol enrols in one transaction: a seat if one is free, else the waiting list. A live
	// enrolment already there is returned with Existing set. Errors: ErrBatchUnavailable,
	// *WindowError, *ClashError.
	Enrol(ctx context.Context, participantID, batchID int64, now time.Time) (Enrolment, error)
	Enrolments(ctx context.Context, participantID int64) ([]Enrolment, error)
	Enrolment(ctx context.Context, participantID, enrolmentID int64) (Enrolment, error)
	// Cancel cancels a live enrolment of a batch that has not started and, in the same
	// transaction, gives a freed seat to the first on the waiting list.
	Cancel(ctx context.Context, participantID, enrolmentID int64, now time.Time) (Enrolment, *Promotion, error)
	Roster(ctx context.Context, code string) (Course, []Batch, []RosterEntry, error)
	// Import upserts a parsed catalogue in one transaction; seats added to a batch go to its
	// waiting list first.
	Import(ctx context.Context, courses []catalogfile.Course, now time.Time) (ImportReport, error)
}

// Files fetches a file a user sent.
type Files interface {
	Download(ctx context.Context, fileID string) ([]byte, error)
}

// PromotionNotice is the durable job that tells a participant they moved up from a waiting
// list. It is written in the transaction that promotes them, and sent by a worker.
type PromotionNotice struct {
	EnrolmentID int64 `json:"enrolment_id"`
}

// Kind names the job for the queue.
func (PromotionNotice) Kind() string { return "promotion_notice" }
