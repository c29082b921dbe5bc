package flows

import (
	"context"

	"github.com/riverqueue/river"
)

// Completion: when a batch ends, each seat holder's attendance is weighed against the course's
// min_kehadiran over the days check-in was opened. Enough makes the enrolment "selesai";
// some but not enough "hadir", with the shortfall told to the admin; none leaves it as it was.
// Days without check-in do not count against anyone.

// BatchCompletion settles a batch's attendance at its end.
type BatchCompletion struct {
	BatchID int64 `json:"batch_id"`
	uniqueByArgs
}

// Kind implements river.JobArgs.
func (BatchCompletion) Kind() string { return "batch_completion" }

// Shortfall is a participant who attended, but less than the course asks.
type Shortfall struct {
	Name     string
	Attended int
	Needed   int
}

// CompletionReport is what settling a batch did.
type CompletionReport struct {
	Course    Course
	Batch     Batch
	Sessions  int // the days check-in was opened
	Needed    int // the days that complete the batch
	Completed int // now selesai
	Short     []Shortfall
	Absent    int   // no check-in at all: left as they were
	Chat      int64 // whom to tell: who opened the last check-in
}

// Completer settles batches: the bot's side, which also tells the admin.
type Completer interface {
	CompleteBatch(ctx context.Context, batchID int64) error
}

// AddCompletionWorker registers the completion's job.
func AddCompletionWorker(ws *river.Workers, c Completer) {
	river.AddWorker(ws, river.WorkFunc(func(ctx context.Context, job *river.Job[BatchCompletion]) error {
		return c.CompleteBatch(ctx, job.Args.BatchID)
	}))
}

// NeededDays is how many of sessions days of check-in reach min percent.
func NeededDays(sessions, min int) int { return (sessions*min + 99) / 100 }

// CompletionReply is the admin's summary of a settled batch.
func CompletionReply(r CompletionReport) Reply {
	lines := make([]Text, 0, len(r.Short))
	for _, s := range r.Short {
		lines = append(lines, T("presensi.baris_kurang", "Name", s.Name, "Attended", s.Attended, "Sessions", r.Sessions,
			"Missing", s.Needed-s.Attended))
	}
	return Reply{Text: T("presensi.rekap", "Title", r.Course.Title, "Batch", r.Batch.Name, "Sessions", r.Sessions,
		"Min", r.Course.MinAttendance, "Needed", r.Needed, "Completed", r.Completed, "Short", len(r.Short),
		"Absent", r.Absent, "Lines", lines)}
}
