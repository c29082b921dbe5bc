package bot

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/bpsdm/asnbot/flows"
)

// Deliveries is what the delivery worker needs of Postgres.
type Deliveries interface {
	// PromotionNotice loads a promotion and whether it still holds.
	PromotionNotice(ctx context.Context, enrolmentID int64) (flows.Promotion, bool, error)
	// ClaimDelivery records a message as being sent by owner, once per key; false if it was
	// sent already or another live job is sending it.
	ClaimDelivery(ctx context.Context, key string, chatID int64, owner string) (bool, error)
	// ReleaseDelivery forgets a claim whose send failed.
	ReleaseDelivery(ctx context.Context, key string) error
	// DeliverySent marks a claimed message as sent.
	DeliverySent(ctx context.Context, key string) error
}

// PromotionWorker sends the notice of a move up from the waiting list. The job was written in
// the transaction that promoted the participant, so a notice is never lost nor sent for a
// promotion that rolled back; the delivery record makes a job that runs twice send once.
type PromotionWorker struct {
	river.WorkerDefaults[flows.PromotionNotice]
	Store  Deliveries
	Sender *Sender
	Now    func() time.Time
}

// Work implements river.Worker.
func (w *PromotionWorker) Work(ctx context.Context, job *river.Job[flows.PromotionNotice]) error {
	p, holds, err := w.Store.PromotionNotice(ctx, job.Args.EnrolmentID)
	if err != nil || !holds {
		return err // gone or cancelled since: nothing to say
	}
	key := "promotion:" + strconv.FormatInt(job.Args.EnrolmentID, 10)
	return deliverOnce(ctx, w.Store, w.Sender, jobOwner(job.JobRow), key, p.ChatID, flows.Output{Replies: flows.PromotionReplies(p, w.Now())})
}

// jobOwner names a job's claims: its retry may take back a claim it could not release.
func jobOwner(row *rivertype.JobRow) string {
	if row == nil {
		return ""
	}
	return "job:" + strconv.FormatInt(row.ID, 10)
}

// deliverOnce sends each reply of out to chatID unless it was sent already (one delivery
// record per reply, so a retry resends only what did not go). A failed send releases its
// record for the job's retry; a chat that refuses messages is final.
func deliverOnce(ctx context.Context, store Deliveries, s *Sender, owner, key string, chatID int64, out flows.Output) error {
	for i, rep := range out.Replies {
		k := key + "/" + strconv.Itoa(i)
		claimed, err := store.ClaimDelivery(ctx, k, chatID, owner)
		if err != nil {
			return err
		}
		if !claimed {
			continue
		}
		done := func() {}
		if s.Throttle != nil {
			if done, err = s.Throttle.Wait(ctx, chatID); err != nil {
				_ = store.ReleaseDelivery(context.WithoutCancel(ctx), k)
				return err
			}
		}
		err = s.reply(ctx, chatID, 0, rep)
		done()
		if errors.Is(err, ErrUnreachable) {
			return nil // marked unreachable by the sender; retrying will not help
		}
		if err != nil {
			if rerr := store.ReleaseDelivery(context.WithoutCancel(ctx), k); rerr != nil {
				return fmt.Errorf("%w (and release: %v)", err, rerr)
			}
			return err
		}
		// Sent: if marking it fails, the job's retry finds the claim unsent and sends again;
		// the message is at least not lost.
		if err := store.DeliverySent(context.WithoutCancel(ctx), k); err != nil {
			return err
		}
	}
	return nil
}

// Reminders is what the reminder worker needs of Postgres.
type Reminders interface {
	Deliveries
	ReminderInfo(ctx context.Context, enrolmentID int64) (flows.Enrolment, flows.Participant, bool, error)
	// PutOffReminder plans r again at until (r.Due says when it was first due).
	PutOffReminder(ctx context.Context, r flows.Reminder, until time.Time) error
}

// ReminderWorker sends a reminder when it is due, after checking it still makes sense.
type ReminderWorker struct {
	river.WorkerDefaults[flows.Reminder]
	Store  Reminders
	Sender *Sender
	Now    func() time.Time
}

// Work implements river.Worker.
func (w *ReminderWorker) Work(ctx context.Context, job *river.Job[flows.Reminder]) error {
	e, p, found, err := w.Store.ReminderInfo(ctx, job.Args.EnrolmentID)
	if err != nil || !found {
		return err
	}
	now := w.Now()
	due := job.ScheduledAt
	if !job.Args.Due.IsZero() {
		due = job.Args.Due
	}
	decision, until := flows.DecideReminder(job.Args, e, p, due, now)
	switch decision {
	case flows.ReminderDrop:
		return nil
	case flows.ReminderSnooze:
		// A new job at an absolute time rather than River's snooze, which counts from the
		// host's clock: the put-off reminder then comes at 06.00 by the bot's own clock.
		r := job.Args
		r.Due, r.Until = due.UTC(), until.UTC()
		return w.Store.PutOffReminder(ctx, r, until)
	}
	key := fmt.Sprintf("reminder:%d:%s:%d", e.ID, job.Args.Which, job.Args.StartsAt.Unix())
	out := flows.Output{Replies: []flows.Reply{flows.ReminderReply(job.Args, e, decision == flows.ReminderLate, now)}}
	return deliverOnce(ctx, w.Store, w.Sender, jobOwner(job.JobRow), key, p.ChatID, out)
}

// ChangeWorker tells a participant their batch's dates or place changed.
type ChangeWorker struct {
	river.WorkerDefaults[flows.ChangeNotice]
	Store  Reminders
	Sender *Sender
}

// Work implements river.Worker.
func (w *ChangeWorker) Work(ctx context.Context, job *river.Job[flows.ChangeNotice]) error {
	e, p, found, err := w.Store.ReminderInfo(ctx, job.Args.EnrolmentID)
	if err != nil || !found || !e.Live() || p.Unreachable {
		return err // cancelled or gone since: nothing to tell
	}
	n := job.Args
	key := fmt.Sprintf("change:%d:%d", e.ID, n.Revision)
	if n.Revision == 0 { // planned before batches counted their changes: named by the new values
		key = fmt.Sprintf("change:%d:%d:%d:%s:%s", e.ID, n.NewStart.Unix(), n.NewEnd.Unix(), n.NewLocation, n.NewURL)
	}
	return deliverOnce(ctx, w.Store, w.Sender, jobOwner(job.JobRow), key, p.ChatID, flows.Output{Replies: []flows.Reply{flows.ChangeReply(n, e)}})
}

// Courses is what the cancellation notice needs to offer other batches.
type Courses interface {
	Reminders
	// Course returns a published course with its batches still to run; flows.ErrNotFound if none.
	Course(ctx context.Context, code string) (flows.Course, []flows.Batch, error)
}

// BatchCancelWorker tells a participant their batch was cancelled, and offers the course's
// other batches that still take enrolments.
type BatchCancelWorker struct {
	river.WorkerDefaults[flows.BatchCancelNotice]
	Store  Courses
	Sender *Sender
	Now    func() time.Time
}

// Work implements river.Worker.
func (w *BatchCancelWorker) Work(ctx context.Context, job *river.Job[flows.BatchCancelNotice]) error {
	e, p, found, err := w.Store.ReminderInfo(ctx, job.Args.EnrolmentID)
	if err != nil || !found || p.Unreachable {
		return err // the participant deleted their data, or blocked the bot
	}
	_, others, err := w.Store.Course(ctx, e.Course.Code)
	if err != nil && !errors.Is(err, flows.ErrNotFound) {
		return err
	}
	key := "batch_cancel:" + strconv.FormatInt(e.ID, 10)
	out := flows.Output{Replies: []flows.Reply{flows.BatchCancelReply(e, others, w.Now())}}
	return deliverOnce(ctx, w.Store, w.Sender, jobOwner(job.JobRow), key, p.ChatID, out)
}
