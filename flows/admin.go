package flows

import (
	"context"
	"errors"
	"time"

	"github.com/bpsdm/asnbot/flows/catalogfile"
)

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
	// Kept are the file's batches the import did not change, and why.
	Kept []KeptBatch
}

// KeptBatch is a batch of a catalogue file left as it is: the file would have changed a
// batch that an admin changed in chat since (the chat's schedule stands until the file
// agrees with it), that was cancelled, or that has ended.
type KeptBatch struct {
	Row         int    // the file's row (or YAML line)
	Code, Batch string // the course's code and the batch's name
	Reason      KeptReason
	ChangedAt   time.Time // when it was changed in chat, in the batch's zone (KeptChangedInChat)
}

// KeptReason says why an import left a batch as it is.
type KeptReason int

const (
	KeptChangedInChat KeptReason = iota + 1
	KeptCancelled
	KeptEnded
)

// BatchChange is what an admin changes of a batch: the dates, the place, or both. What is
// not changed is left as it is in Postgres when the change is saved, so a change made
// meanwhile by someone else (an import) is not undone.
type BatchChange struct {
	Dates     bool      `json:"dates,omitempty"`
	StartsAt  time.Time `json:"start,omitzero"`
	EndsAt    time.Time `json:"end,omitzero"`
	Place     bool      `json:"place,omitempty"`
	Location  string    `json:"location,omitempty"`
	OnlineURL string    `json:"url,omitempty"`
}

// Apply gives b as the change would leave it.
func (ch BatchChange) Apply(b Batch) Batch {
	if ch.Dates {
		b.StartsAt, b.EndsAt = ch.StartsAt, ch.EndsAt
	}
	if ch.Place {
		b.Location, b.OnlineURL = ch.Location, ch.OnlineURL
	}
	return b
}

// ErrBatchEnded: the batch is over; its schedule is history.
var ErrBatchEnded = errors.New("batch has ended")

// Admin is what admins' commands need of Postgres. Each change writes its audit entry (by)
// in its own transaction.
type Admin interface {
	// Roster returns every batch of a course, by code, with its live enrolments, seats first.
	Roster(ctx context.Context, code string) (Course, []Batch, []RosterEntry, error)
	// Import upserts a parsed catalogue in one transaction; seats added to a batch go to its
	// waiting list first, and a change of dates or place is told to everyone concerned.
	Import(ctx context.Context, courses []catalogfile.Course, now time.Time, by Actor) (ImportReport, error)
	// BeginFileRead records, before a file is read, that its read began (by the file's
	// digest). It returns false when a read of the same file began within the last hour and
	// never ended: the bot most likely died reading it, and must not read it again.
	BeginFileRead(ctx context.Context, digest string, now time.Time) (bool, error)
	// EndFileRead records that the read of a file ended, whatever it found.
	EndFileRead(ctx context.Context, digest string) error
	// ChangeBatch sets a batch's dates and place in one transaction with the notices to
	// everyone enrolled or waiting and their reminders moved; it returns how many are told.
	// Errors: ErrBatchUnavailable (cancelled), ErrBatchEnded.
	ChangeBatch(ctx context.Context, batchID int64, ch BatchChange, now time.Time, by Actor) (int, error)
	// CancelBatch cancels a batch, its live enrolments and their reminders, and plans a notice
	// to each participant, in one transaction; it returns how many are told. Cancelling a
	// cancelled batch does nothing.
	CancelBatch(ctx context.Context, batchID int64, now time.Time, by Actor) (int, error)
}
