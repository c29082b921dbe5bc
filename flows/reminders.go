package flows

import (
	"net/url"
	"strconv"
	"time"
)

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// ReminderRule is one reminder before a batch: at a clock time some days before its start, or
// a fixed time before it.
type ReminderRule struct {
	Kind       string        // names the reminder in its job and its text ("h3", "h1", "j1")
	DaysBefore int           // with At: that many days before the start day
	At         time.Duration // time of day, e.g. 9h
	Before     time.Duration // or: this long before the start
}

// DefaultReminders: three days and one day before at 09.00, and one hour before the start.
var DefaultReminders = []ReminderRule{
	{Kind: "h3", DaysBefore: 3, At: 9 * time.Hour},
	{Kind: "h1", DaysBefore: 1, At: 9 * time.Hour},
	{Kind: "j1", Before: time.Hour},
}

// Quiet hours: nobody is messaged between 21.00 and 06.00 where the batch takes place.
const (
	quietFrom = 21
	quietTo   = 6
)

// Reminder is a job: remind the participant of an enrolment, planned for a batch start (if
// the batch moves, the job no longer holds and new ones are planned).
type Reminder struct {
	EnrolmentID int64     `json:"enrolment_id"`
	Which       string    `json:"which"` // the rule's Kind: h3, h1, j1
	StartsAt    time.Time `json:"starts_at"`
}

// Kind names the job for the queue.
func (Reminder) Kind() string { return "reminder" }

// PlannedReminder is a reminder and when to send it.
type PlannedReminder struct {
	Reminder Reminder
	At       time.Time
}

// PlanReminders gives the reminders still to come for an enrolment in b, as of now. Times are
// reckoned in the batch's zone; one that falls in the quiet hours moves to 06.00, and one that
// would then come after the start (or has passed) is dropped.
func PlanReminders(enrolmentID int64, b Batch, now time.Time, rules []ReminderRule) []PlannedReminder {
	zone := b.Zone()
	start := b.StartsAt.In(zone)
	var out []PlannedReminder
	for _, r := range rules {
		var at time.Time
		if r.Before > 0 {
			at = start.Add(-r.Before)
		} else {
			day := time.Date(start.Year(), start.Month(), start.Day()-r.DaysBefore, 0, 0, 0, 0, zone)
			at = day.Add(r.At)
		}
		at = outOfQuietHours(at)
		if !at.Before(start) || !at.After(now) {
			continue
		}
		out = append(out, PlannedReminder{At: at.UTC(),
			Reminder: Reminder{EnrolmentID: enrolmentID, Which: r.Kind, StartsAt: b.StartsAt.UTC()}})
	}
	return out
}

// outOfQuietHours moves t (in its own location) to the next 06.00 when it falls at night.
func outOfQuietHours(t time.Time) time.Time {
	switch h := t.Hour(); {
	case h >= quietFrom:
		return time.Date(t.Year(), t.Month(), t.Day()+1, quietTo, 0, 0, 0, t.Location())
	case h < quietTo:
		return time.Date(t.Year(), t.Month(), t.Day(), quietTo, 0, 0, 0, t.Location())
	}
	return t
}

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

// ReminderReply is the reminder's message, with a way to say "I cannot come".
func ReminderReply(r Reminder, e Enrolment, late bool) Reply {
	z := e.Batch.Zone()
	key := "pengingat." + r.Which
	if late {
		key = "pengingat.terlambat"
	}
	mapURL := ""
	if e.Batch.Location != "" {
		mapURL = "https://www.google.com/maps/search/?api=1&query=" + url.QueryEscape(e.Batch.Location)
	}
	return Reply{
		Text: T(key, "Title", e.Course.Title, "Batch", e.Batch.Name, "Start", e.Batch.StartsAt.In(z),
			"End", e.Batch.EndsAt.In(z), "Place", placeText(e.Batch), "Map", mapURL),
		Buttons: [][]Button{{Btn("pengingat.tidak_bisa", "s:x:"+itoa(e.ID))}},
	}
}

// ChangeNotice is the job telling a participant that their batch's dates or place changed.
// It carries the old and the new values, so that each change is told once, as it was.
type ChangeNotice struct {
	EnrolmentID int64     `json:"enrolment_id"`
	OldStart    time.Time `json:"old_start"`
	OldEnd      time.Time `json:"old_end"`
	OldLocation string    `json:"old_location"`
	OldURL      string    `json:"old_url"`
	NewStart    time.Time `json:"new_start"`
	NewEnd      time.Time `json:"new_end"`
	NewLocation string    `json:"new_location"`
	NewURL      string    `json:"new_url"`
}

// Kind names the job for the queue.
func (ChangeNotice) Kind() string { return "change_notice" }

// ChangeReply says what changed, old and new side by side, in the batch's zone. Notices of
// changes are sent whether or not the participant wants reminders.
func ChangeReply(n ChangeNotice, e Enrolment) Reply {
	z := e.Batch.Zone()
	oldB, newB := e.Batch, e.Batch
	oldB.Location, oldB.OnlineURL = n.OldLocation, n.OldURL
	newB.Location, newB.OnlineURL = n.NewLocation, n.NewURL
	return Reply{
		Text: T("perubahan.jadwal", "Title", e.Course.Title, "Batch", e.Batch.Name,
			"OldStart", n.OldStart.In(z), "OldEnd", n.OldEnd.In(z), "OldPlace", placeText(oldB),
			"NewStart", n.NewStart.In(z), "NewEnd", n.NewEnd.In(z), "NewPlace", placeText(newB)),
		Buttons: [][]Button{{Btn("menu.saya", "s:l"), Btn("pengingat.tidak_bisa", "s:x:"+itoa(e.ID))}},
	}
}
