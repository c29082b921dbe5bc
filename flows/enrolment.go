package flows

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// EnrolmentStatus is where an enrolment stands; the values are the ones admins see.
type EnrolmentStatus string

// Enrolment statuses. Attended and Completed hold a seat like Registered; attendance sets them.
const (
	Registered EnrolmentStatus = "terdaftar"
	Waiting    EnrolmentStatus = "daftar_tunggu"
	Cancelled  EnrolmentStatus = "batal"
	Attended   EnrolmentStatus = "hadir"
	Completed  EnrolmentStatus = "selesai"
)

// SeatStatuses are the statuses that hold a seat of a batch's quota.
var SeatStatuses = []EnrolmentStatus{Registered, Attended, Completed}

// Enrolment is a participant's place in a batch.
type Enrolment struct {
	ID            int64
	ParticipantID int64
	Status        EnrolmentStatus
	Position      int // place on the waiting list, from 1
	// OfferUntil is the deadline of the open offer of a seat moved up from the waiting list
	// ("Masih bisa ikut?"); zero when the seat is confirmed or was never offered.
	OfferUntil time.Time
	CreatedAt  time.Time
	Existing   bool // Enrol found this enrolment already there (a second tap)
	Course     Course
	Batch      Batch
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

// Enrolments is what flows need of the enrolments in Postgres.
type Enrolments interface {
	// Enrol enrols in one transaction: a seat if one is free, else the waiting list. A live
	// enrolment already there is returned with Existing set. Errors: ErrBatchUnavailable,
	// *WindowError, *ClashError.
	Enrol(ctx context.Context, participantID, batchID int64, now time.Time) (Enrolment, error)
	// Enrolments lists every enrolment of the participant, soonest batch first.
	Enrolments(ctx context.Context, participantID int64) ([]Enrolment, error)
	// Enrolment returns one enrolment of the participant, or ErrNotFound.
	Enrolment(ctx context.Context, participantID, enrolmentID int64) (Enrolment, error)
	// Cancel cancels a live enrolment of a batch that has not started and, in the same
	// transaction, gives a freed seat to the first on the waiting list.
	Cancel(ctx context.Context, participantID, enrolmentID int64, now time.Time) (Enrolment, *Promotion, error)
}
