package flows

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"time"
)

// Attendance (presensi): an admin opens a batch's day with /presensi; the bot shows a 6-digit
// code that changes every 30 seconds, to put on the projector or in the meeting; a registered
// participant checks in by typing it, once a day. A code is valid in its period and the one
// before (a participant typing as it changes is not refused), and is derived from the
// session's secret, so no code is stored and every replica computes the same one.

// codePeriod is how long one code is shown.
const codePeriod = 30 * time.Second

// expiredWindow is how far back a typed code is recognised as one that was shown but is no
// longer valid ("kedaluwarsa"), rather than a wrong one.
const expiredWindow = 15 * time.Minute

// AttendanceSession is a batch's day of check-in.
type AttendanceSession struct {
	ID        int64
	Course    Course
	Batch     Batch
	Day       time.Time // midnight of the day, in the batch's zone
	Secret    []byte
	LateAfter time.Time // zero: nobody is late
	EndsAt    time.Time // the end of the day: no check-in after it
	Closed    bool
	BoardChat int64 // where the board is: the chat of whoever opened the session
	Board     int   // the board's message; 0 until it is shown
}

// Open reports whether participants can check in at now.
func (s AttendanceSession) Open(now time.Time) bool { return !s.Closed && now.Before(s.EndsAt) }

// Code is the code shown at t.
func (s AttendanceSession) Code(t time.Time) string {
	return s.codeOf(t.Unix() / int64(codePeriod/time.Second))
}

func (s AttendanceSession) codeOf(period int64) string {
	m := hmac.New(sha256.New, s.Secret)
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], uint64(period))
	m.Write(b[:])
	sum := m.Sum(nil)
	return fmt.Sprintf("%06d", binary.BigEndian.Uint32(sum[:4])%1_000_000)
}

// codeState says whether code is valid at now, was shown earlier (expired), or never was.
func (s AttendanceSession) codeState(code string, now time.Time) codeState {
	period := now.Unix() / int64(codePeriod/time.Second)
	for back := int64(0); back <= int64(expiredWindow/codePeriod); back++ {
		if hmac.Equal([]byte(s.codeOf(period-back)), []byte(code)) {
			if back <= 1 {
				return codeValid
			}
			return codeExpired
		}
	}
	return codeUnknown
}

type codeState int

const (
	codeUnknown codeState = iota
	codeValid
	codeExpired
)

// Presence is one participant of a session's batch, present or not.
type Presence struct {
	EnrolmentID int64
	Name        string
	Agency      string
	At          time.Time // zero: not (yet) present
	Late        bool
}

// CheckIn is a check-in as recorded.
type CheckIn struct {
	At       time.Time
	Late     bool
	Existing bool // recorded earlier the same day: this one changed nothing
}

// ErrNoSeat: the participant holds no seat of the session's batch.
var ErrNoSeat = errors.New("no seat in the batch")

// Attendances is what flows need of check-in in Postgres.
type Attendances interface {
	// OpenAttendance opens (or opens again) the batch's check-in for day, ending at endsAt,
	// with its audit entry. lateAfter zero: nobody is late.
	OpenAttendance(ctx context.Context, batchID int64, day, endsAt, lateAfter time.Time, by Actor, now time.Time) (AttendanceSession, error)
	// CloseAttendance closes it, with its audit entry.
	CloseAttendance(ctx context.Context, sessionID int64, by Actor, now time.Time) (AttendanceSession, error)
	// AttendanceSession returns a session; ErrNotFound when there is none.
	AttendanceSession(ctx context.Context, id int64) (AttendanceSession, error)
	// OpenAttendanceSessions lists the sessions open at now.
	OpenAttendanceSessions(ctx context.Context, now time.Time) ([]AttendanceSession, error)
	// CheckIn records the participant's attendance once; ErrNoSeat when they hold no seat of
	// the session's batch.
	CheckIn(ctx context.Context, sessionID, participantID int64, now time.Time) (CheckIn, error)
	// MarkPresent records an enrolment's attendance by an admin's hand, with its audit entry.
	MarkPresent(ctx context.Context, sessionID, enrolmentID int64, by Actor, now time.Time) (CheckIn, error)
	// Presence lists the session's batch's seat holders, present first, then by name.
	Presence(ctx context.Context, sessionID int64) ([]Presence, error)
	// SetAttendanceBoard records the board's message.
	SetAttendanceBoard(ctx context.Context, sessionID int64, message int) error
	// PlanAttendanceBoard plans the board's change for a later period of the code.
	PlanAttendanceBoard(ctx context.Context, sessionID, period int64) error
	// CompleteBatch settles the batch's attendance (BatchCompletion), the same each time.
	CompleteBatch(ctx context.Context, batchID int64, now time.Time) (CompletionReport, error)
}
