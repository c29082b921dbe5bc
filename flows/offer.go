package flows

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// A seat freed by a cancellation goes to the first on the waiting list, held for them while
// they are asked "Masih bisa ikut?": weeks may have passed since they joined the list, and a
// seat given to someone who no longer comes is lost to the next in line. They confirm, decline
// (the seat goes on at once), or stay silent until the deadline (the seat goes on then), and
// whoever is next is asked the same way.

// OfferHours is how long a person moved up has to answer, counted only in the daytime hours
// of the batch's zone (06.00–21.00): a seat offered at 20.30 is not lost while its holder
// sleeps.
const OfferHours = 24

// offerMargin is how long before the start the answer is needed at the latest, so that a
// seat passed on still reaches someone who can come; offerMinimum is the least time worth
// asking in: closer to the start the seat is simply given, as before.
const (
	offerMargin  = 2 * time.Hour
	offerMinimum = time.Hour
)

// OfferDeadline is when the answer to a seat offered at now is due: OfferHours of daytime in
// the batch's zone, but no later than offerMargin before the start. Zero means there is no
// time to ask.
func OfferDeadline(now time.Time, b Batch) time.Time {
	z := b.Zone()
	t := now.In(z)
	left := time.Duration(OfferHours) * time.Hour
	for left > 0 {
		y, m, d := t.Date()
		dayStart := time.Date(y, m, d, quietTo, 0, 0, 0, z)
		dayEnd := time.Date(y, m, d, quietFrom, 0, 0, 0, z)
		switch {
		case t.Before(dayStart):
			t = dayStart
		case !t.Before(dayEnd):
			t = time.Date(y, m, d+1, quietTo, 0, 0, 0, z)
		default:
			step := min(dayEnd.Sub(t), left)
			t, left = t.Add(step), left-step
		}
	}
	// On a whole minute, rounded up: the deadline is shown to the minute ("pukul 19.01") and
	// compared after a trip through Postgres (microseconds) and JSON.
	if r := t.Truncate(time.Minute); !r.Equal(t) {
		t = r.Add(time.Minute)
	}
	if latest := b.StartsAt.Add(-offerMargin).Truncate(time.Minute); t.After(latest) {
		t = latest
	}
	if t.Sub(now) < offerMinimum {
		return time.Time{}
	}
	return t.UTC()
}

// OfferExpiry passes a seat on when its offer was not answered by its deadline.
type OfferExpiry struct {
	EnrolmentID int64     `json:"enrolment_id"`
	Deadline    time.Time `json:"deadline"` // the offer it ends: a later offer of the same enrolment is not this one
	uniqueByArgs
}

// Kind implements river.JobArgs.
func (OfferExpiry) Kind() string       { return "offer_expiry" }
func (n OfferExpiry) enrolment() int64 { return n.EnrolmentID }

// Seats is what the offer needs of storage.
type Seats interface {
	// ConfirmSeat ends the open offer of the participant's seat: the seat is theirs, and
	// confirmed is true. An enrolment without an open offer is returned as it is (a second
	// tap, or too late).
	ConfirmSeat(ctx context.Context, participantID, enrolmentID int64, now time.Time) (e Enrolment, confirmed bool, err error)
	// ExpireOffer cancels a seat whose offer ending at deadline was not answered, and offers
	// it to the next in line, in one transaction; it does nothing to a seat confirmed, or
	// cancelled, meanwhile. expired reports whether the seat is gone for that reason.
	ExpireOffer(ctx context.Context, enrolmentID int64, deadline, now time.Time) (expired bool, err error)
}

// checkOfferExpiry: at the deadline, a silent seat goes to the next in line, and its holder
// is told why (once, even when the job runs again).
func checkOfferExpiry(ctx context.Context, n OfferExpiry, d Due) (Letter, error) {
	expired, err := d.Store.ExpireOffer(ctx, n.EnrolmentID, n.Deadline, d.Now)
	if err != nil {
		return Letter{}, fmt.Errorf("expire offer: %w", err)
	}
	if !expired {
		return Letter{}, nil
	}
	e := d.Enrolment
	return Letter{Replies: []Reply{{
		Text:    T("tawaran.habis", "Title", e.Course.Title, "Batch", e.Batch.Name),
		Buttons: [][]Button{{{Label: T("tawaran.lihat_lagi"), Data: cb(nsBrowse, "c", e.Course.Code)}}, {homeButton()}},
	}}}, nil
}

// offerReply asks the person moved up whether they still come.
func offerReply(d Due) Reply {
	e := d.Enrolment
	z := e.Batch.Zone()
	return Reply{
		Text: T("tawaran.tanya", "Name", d.Participant.Name, "Title", e.Course.Title, "Batch", e.Batch.Name,
			"Start", e.Batch.StartsAt.In(z), "End", e.Batch.EndsAt.In(z), "Place", placeText(e.Batch),
			"Deadline", e.OfferUntil.In(z)),
		Buttons: [][]Button{
			{Btn("tawaran.ya", cb(nsMine, "ok", e.ID))},
			{Btn("tawaran.tidak", cb(nsMine, "x", e.ID))},
		},
	}
}

// confirmSeat answers "Ya, saya ikut" ("s:ok:<id>"): the seat is theirs, with its calendar
// file. A second tap shows the same; a tap after the deadline says the seat went on.
func (c *conv) confirmSeat() error {
	id, ok := c.data.id(0)
	if !ok {
		return c.expired()
	}
	now := c.e.now()
	e, confirmed, err := c.e.store.ConfirmSeat(c.ctx, c.p.ID, id, now)
	if errors.Is(err, ErrNotFound) {
		return c.expired()
	}
	if err != nil {
		return fmt.Errorf("confirm seat: %w", err)
	}
	if e.Status != Registered || !e.OfferUntil.IsZero() {
		c.say(Reply{Edit: true, Text: T("tawaran.terlambat", "Title", e.Course.Title, "Batch", e.Batch.Name),
			Buttons: [][]Button{{{Label: T("tawaran.lihat_lagi"), Data: cb(nsBrowse, "c", e.Course.Code)}}, {homeButton()}}})
		return nil
	}
	if !confirmed { // a second tap: the seat and its calendar file are already there
		c.toast(T("tawaran.sudah_pasti"))
		return nil
	}
	z := e.Batch.Zone()
	c.say(Reply{Edit: true, Text: T("tawaran.pasti", "Title", e.Course.Title, "Batch", e.Batch.Name,
		"Start", e.Batch.StartsAt.In(z), "End", e.Batch.EndsAt.In(z), "Place", placeText(e.Batch)),
		Buttons: [][]Button{{backToMine(), homeButton()}}})
	c.say(calendarReply(e, now, e.Batch.Revision))
	return nil
}
