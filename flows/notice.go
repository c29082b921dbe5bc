package flows

import (
	"context"
	"time"

	"github.com/riverqueue/river"
)

// A Notice is a message the bot sends on its own, not in answer to what a user did: a
// reminder, the news of a seat, a changed or cancelled batch. It is a durable job (River)
// written in the transaction that causes it, so it is never lost and never sent for a change
// that rolled back.
//
// Declaring a kind of notice takes three things, all in this package:
//   - its arguments: a type with Kind (the job's name), InsertOpts (what makes two notices the
//     same, so a cause handled twice plans one: embed uniqueByArgs) and the enrolment it is
//     about;
//   - its check: when it falls due, does it still apply, and what does it say (a Letter);
//   - one line in noticeKinds.
//
// The rest is shared: storage writes the job and, when it is due, loads the enrolment and its
// participant; bot's courier drops a notice to someone who blocked the bot, runs the check,
// names the message in the delivery records so that a job run twice sends once, waits for
// the shared rate limit and sends.
type Notice interface {
	Kind() string                 // the job's name (river.JobArgs)
	InsertOpts() river.InsertOpts // what makes two the same (river.JobArgsWithInsertOpts)
	enrolment() int64             // the enrolment it is about
}

// uniqueByArgs, embedded in a notice's arguments, makes notices with the same arguments one:
// River plans a second only once the first is gone (and the delivery record sends it once
// in any case).
type uniqueByArgs struct{}

// InsertOpts implements river.JobArgsWithInsertOpts.
func (uniqueByArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

// Due is a notice whose time has come, with what its check reads.
type Due struct {
	Enrolment   Enrolment   // as it is now, with its course and batch
	Participant Participant // who it goes to
	Planned     time.Time   // when the notice was due
	Now         time.Time
	Store       Store // for a check that must look further (the course's other batches)
}

// Letter is what a due notice does. The zero Letter does nothing: the notice no longer
// applies (the seat was cancelled, the batch moved).
type Letter struct {
	Replies []Reply
	// Occasion tells apart the messages of one kind about one enrolment (each reminder, each
	// change); with the kind and the enrolment it names the message in the delivery records.
	Occasion string
	// Later puts the notice off: Again is planned for that time instead of sending now.
	Later time.Time
	Again Notice
}

// Delivery is one due notice as its job hands it to the courier.
type Delivery struct {
	Notice    Notice
	Enrolment int64     // the enrolment it is about
	Planned   time.Time // when the job was due
	Job       int64     // the job's id: its retry may take back a delivery claim of its own
	Check     func(context.Context, Due) (Letter, error)
}

// Courier delivers notices (bot's, on the records storage keeps).
type Courier interface {
	Deliver(ctx context.Context, d Delivery) error
}

// noticeKind is one kind of notice, with its check bound to its arguments' type.
type noticeKind struct {
	kind     string
	delivery func(n Notice, planned time.Time, job int64) Delivery
	addTo    func(ws *river.Workers, c Courier)
}

// kindOf declares a kind of notice by its check.
func kindOf[N Notice](check func(context.Context, N, Due) (Letter, error)) noticeKind {
	delivery := func(n N, planned time.Time, job int64) Delivery {
		return Delivery{Notice: n, Enrolment: n.enrolment(), Planned: planned, Job: job,
			Check: func(ctx context.Context, d Due) (Letter, error) { return check(ctx, n, d) }}
	}
	var zero N
	return noticeKind{
		kind:     zero.Kind(),
		delivery: func(n Notice, planned time.Time, job int64) Delivery { return delivery(n.(N), planned, job) },
		addTo: func(ws *river.Workers, c Courier) {
			river.AddWorker(ws, river.WorkFunc(func(ctx context.Context, job *river.Job[N]) error {
				return c.Deliver(ctx, delivery(job.Args, job.ScheduledAt, job.ID))
			}))
		},
	}
}

// AddNoticeWorkers registers a River worker for every kind of notice, delivering through c.
func AddNoticeWorkers(ws *river.Workers, c Courier) {
	for _, k := range noticeKinds {
		k.addTo(ws, c)
	}
}

// DeliveryOf is notice n as its job, due at planned, hands it to the courier: what a worker
// runs, for a test that runs a job again or a tool that sends one by hand. ok is false for a
// kind that is not declared.
func DeliveryOf(n Notice, planned time.Time, job int64) (d Delivery, ok bool) {
	for _, k := range noticeKinds {
		if k.kind == n.Kind() {
			return k.delivery(n, planned, job), true
		}
	}
	return Delivery{}, false
}
