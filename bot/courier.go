package bot

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/bpsdm/asnbot/flows"
)

// Records is what the courier needs of Postgres: the store the notices' checks read, the
// seat a notice is about, putting one off, and the delivery records.
type Records interface {
	flows.Store
	// Seat loads an enrolment, with its course and batch, and its participant; found is false
	// when they are gone.
	Seat(ctx context.Context, enrolmentID int64) (e flows.Enrolment, p flows.Participant, found bool, err error)
	// PutOff plans n again at a later time.
	PutOff(ctx context.Context, n flows.Notice, at time.Time) error
	// ClaimDelivery records a message as being sent by owner, once per key; false if it was
	// sent already or another live job is sending it.
	ClaimDelivery(ctx context.Context, key string, chatID int64, owner string) (bool, error)
	// ReleaseDelivery forgets a claim whose send failed.
	ReleaseDelivery(ctx context.Context, key string) error
	// DeliverySent marks a claimed message as sent.
	DeliverySent(ctx context.Context, key string) error
	announceRecords
	noticeReports
	// PlanJPNudges plans a nudge for each participant for month, and the sweep of nextDay at next.
	PlanJPNudges(ctx context.Context, participants []int64, month, nextDay string, next time.Time) error
}

// Courier delivers the notices flows declares (flows.Notice), each from its own job. The job
// was written in the transaction that caused it, so a notice is never lost nor sent for a
// change that rolled back; the delivery record makes a job that runs twice send once.
type Courier struct {
	Records Records
	// Sender sends; its Throttle, shared by every replica, paces what the bot sends on its own.
	Sender *Sender
	Now    func() time.Time
	// Rate is the shared limit on what the bot sends on its own (OUT_RATE), for the estimate
	// of an announcement's time left.
	Rate float64
	// Username is the bot's, for the links its pictures encode (the check-in QR).
	Username string
	// Zone is the agency's, for the calendar year and the hour of the JP nudge.
	Zone *time.Location
}

var _ flows.Courier = (*Courier)(nil)

// errCalledOff: what was being sent was called off while it waited (a stopped announcement).
var errCalledOff = errors.New("called off")

// Deliver implements flows.Courier: load what the notice is about, drop it for someone who
// blocked the bot, check it, and send what it says once, or plan it for later.
func (c *Courier) Deliver(ctx context.Context, d flows.Delivery) error {
	e, p, found, err := c.Records.Seat(ctx, d.Enrolment)
	if err != nil || !found || p.Unreachable {
		return err // the participant deleted their data, or blocked the bot: nothing to say
	}
	l, err := d.Check(ctx, flows.Due{Enrolment: e, Participant: p, Planned: d.Planned, Now: c.Now(), Store: c.Records})
	if err != nil {
		return fmt.Errorf("%s: %w", d.Notice.Kind(), err)
	}
	if !l.Later.IsZero() {
		return c.Records.PutOff(ctx, l.Again, l.Later)
	}
	key := d.Notice.Kind() + ":" + strconv.FormatInt(e.ID, 10)
	if l.Occasion != "" {
		key += ":" + l.Occasion
	}
	owner := ""
	if d.Job != 0 {
		owner = "job:" + strconv.FormatInt(d.Job, 10)
	}
	err = c.deliverOnce(ctx, owner, key, p.ChatID, l.Replies, nil)
	if errors.Is(err, ErrUnreachable) {
		return nil // marked unreachable by the sender; retrying will not help
	}
	return err
}

// deliverOnce sends each reply to chatID unless it was sent already (one delivery record per
// reply, so a retry resends only what did not go). A failed send releases its record for the
// job's retry; a chat that refuses messages (ErrUnreachable) is final. still, when set, is
// asked after the wait for the rate limit, which may be long: false drops what is left
// (errCalledOff), as a stopped announcement must.
func (c *Courier) deliverOnce(ctx context.Context, owner, key string, chatID int64, replies []flows.Reply,
	still func(context.Context) (bool, error)) error {
	s := c.Sender
	for i, rep := range replies {
		k := key + "/" + strconv.Itoa(i)
		claimed, err := c.Records.ClaimDelivery(ctx, k, chatID, owner)
		if err != nil {
			return err
		}
		if !claimed {
			continue
		}
		done := func() {}
		if s.Throttle != nil {
			if done, err = s.Throttle.Wait(ctx, chatID); err != nil {
				_ = c.Records.ReleaseDelivery(context.WithoutCancel(ctx), k)
				return err
			}
		}
		if still != nil {
			ok, err := still(ctx)
			if err != nil || !ok {
				done()
				_ = c.Records.ReleaseDelivery(context.WithoutCancel(ctx), k)
				if err == nil {
					err = errCalledOff
				}
				return err
			}
		}
		err = s.reply(ctx, chatID, 0, rep)
		done()
		if errors.Is(err, ErrUnreachable) {
			return err // the claim stays: nothing more goes to this chat
		}
		if err != nil {
			if rerr := c.Records.ReleaseDelivery(context.WithoutCancel(ctx), k); rerr != nil {
				return fmt.Errorf("%w (and release: %v)", err, rerr)
			}
			return err
		}
		// Sent: if marking it fails, the job's retry finds the claim unsent and sends again;
		// the message is at least not lost.
		if err := c.Records.DeliverySent(context.WithoutCancel(ctx), k); err != nil {
			return err
		}
	}
	return nil
}
