package flows

import (
	"context"
	"strconv"
	"time"
)

// Reminder is a job: remind the participant of an enrolment, planned for a batch start (if
// the batch moves, the job no longer holds and new ones are planned).
type Reminder struct {
	EnrolmentID int64     `json:"enrolment_id"`
	Which       string    `json:"which"` // the rule's Kind: h3, h1, j1
	StartsAt    time.Time `json:"starts_at"`
	// Due and Until are set on a reminder that fell due at night and was put off to 06.00:
	// when it was first due (so that it still says it is late) and until when it was put off
	// (so that each putting-off is a job of its own).
	Due   time.Time `json:"due,omitzero"`
	Until time.Time `json:"until,omitzero"`
	// A reminder is planned once per seat, rule and start (and putting-off).
	uniqueByArgs
}

// Kind implements river.JobArgs.
func (Reminder) Kind() string { return "reminder" }

func (r Reminder) enrolment() int64 { return r.EnrolmentID }

// ReminderDecision is what to do with a reminder whose time has come.
type ReminderDecision int

// What a due reminder does.
const (
	ReminderDrop   ReminderDecision = iota // the reason is gone: cancelled, moved, started, off
	ReminderSend                           // on time
	ReminderLate                           // late (the bot was down) but still useful
	ReminderSnooze                         // due in the quiet hours: wait for 06.00
)

// lateAfter: a reminder sent later than this after its time says so.
const lateAfter = 30 * time.Minute

// DecideReminder checks, when a reminder is due, that it still makes sense: the enrolment
// still holds a seat in the batch at the start it was planned for, the participant wants
// reminders, and the batch has not started. until is when to try again for ReminderSnooze.
func DecideReminder(r Reminder, e Enrolment, p Participant, plannedAt, now time.Time) (d ReminderDecision, until time.Time) {
	b := e.Batch
	if e.Status != Registered || !b.StartsAt.Equal(r.StartsAt) || b.Status != BatchOpen ||
		!now.Before(b.StartsAt) || p.RemindersOff || p.Unreachable {
		return ReminderDrop, time.Time{}
	}
	local := now.In(b.Zone())
	if moved := outOfQuietHours(local); !moved.Equal(local) {
		if !moved.Before(b.StartsAt) {
			return ReminderDrop, time.Time{}
		}
		return ReminderSnooze, moved
	}
	if now.Sub(plannedAt) > lateAfter {
		return ReminderLate, time.Time{}
	}
	return ReminderSend, time.Time{}
}

// lateLead says how far ahead the start is as of now, for a reminder sent later than planned
// (whose own kind, "3 days before", may no longer be true), with an apology.
func lateLead(start, now time.Time, zone *time.Location) Text {
	s, n := start.In(zone), now.In(zone)
	days := int(time.Date(s.Year(), s.Month(), s.Day(), 0, 0, 0, 0, time.UTC).
		Sub(time.Date(n.Year(), n.Month(), n.Day(), 0, 0, 0, 0, time.UTC)) / (24 * time.Hour))
	var lead Text
	switch left := start.Sub(now); {
	case days >= 2:
		lead = T("pengingat.lagi_hari", "N", days)
	case days == 1:
		lead = T("pengingat.lagi_besok")
	case left >= 2*time.Hour:
		lead = T("pengingat.lagi_jam", "N", int(left/time.Hour))
	default:
		lead = T("pengingat.lagi_segera")
	}
	return T("pengingat.tertunda", "Lead", lead)
}

// checkReminder sends the reminder if it still makes sense (see DecideReminder); one that
// falls due at night waits for 06.00 as a new job at that time.
func checkReminder(_ context.Context, r Reminder, d Due) (Letter, error) {
	due := d.Planned
	if !r.Due.IsZero() {
		due = r.Due
	}
	decision, until := DecideReminder(r, d.Enrolment, d.Participant, due, d.Now)
	switch decision {
	case ReminderDrop:
		return Letter{}, nil
	case ReminderSnooze:
		// A new job at an absolute time rather than River's snooze, which counts from the
		// host's clock: the put-off reminder then comes at 06.00 by the bot's own clock.
		again := r
		again.Due, again.Until = due.UTC(), until.UTC()
		return Letter{Later: until, Again: again}, nil
	}
	return Letter{Occasion: r.Which + ":" + strconv.FormatInt(r.StartsAt.Unix(), 10),
		Replies: []Reply{reminderReply(r, d.Enrolment, decision == ReminderLate, d.Now)}}, nil
}

// reminderReply is the reminder's message, with a way to say "I cannot come". A late one
// says how far ahead the start is as of now, and that it is late.
func reminderReply(r Reminder, e Enrolment, late bool, now time.Time) Reply {
	z := e.Batch.Zone()
	lead := leadText(r.Which)
	if late {
		lead = lateLead(e.Batch.StartsAt, now, z)
	}
	return Reply{
		Text: T("pengingat.isi", "Lead", lead, "Title", e.Course.Title, "Batch", e.Batch.Name, "Start", e.Batch.StartsAt.In(z),
			"End", e.Batch.EndsAt.In(z), "Place", placeText(e.Batch), "Map", mapURL(e.Batch.Location)),
		Buttons: [][]Button{{cantComeButton(e)}},
	}
}
