package flows

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
)

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// ReminderRule is one reminder before a batch: at a clock time some days before its start, or
// a fixed time before it.
type ReminderRule struct {
	Kind       string        // names the reminder in its job and its delivery key ("h3", "j1", "m30")
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

// DefaultReminderSpec is DefaultReminders as the operator writes them (REMINDERS).
const DefaultReminderSpec = "3d@09:00,1d@09:00,1h"

// ParseReminderRules reads the operator's list of reminders: comma-separated, each either
// "<days>d@HH:MM" (that many days before the start day, at that local time) or a duration
// before the start in hours or minutes ("1h", "2h", "30m"). The kind a rule gets names it in
// jobs and delivery records, so "1h" written as "60m" is the same reminder.
func ParseReminderRules(spec string) ([]ReminderRule, error) {
	var out []ReminderRule
	seen := map[string]bool{}
	for _, part := range strings.Split(spec, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		r, err := parseReminderRule(part)
		if err != nil {
			return nil, err
		}
		if seen[r.Kind] {
			return nil, fmt.Errorf("reminder %q is listed twice", part)
		}
		seen[r.Kind] = true
		out = append(out, r)
	}
	return out, nil
}

func parseReminderRule(s string) (ReminderRule, error) {
	if days, at, ok := strings.Cut(s, "d@"); ok {
		n, err := strconv.Atoi(days)
		clock, cerr := time.Parse("15:04", at)
		if err != nil || cerr != nil || n < 0 || n > 60 {
			return ReminderRule{}, fmt.Errorf("reminder %q: want days before and a time, like 3d@09:00", s)
		}
		if clock.Hour() < quietTo || clock.Hour() >= quietFrom {
			return ReminderRule{}, fmt.Errorf("reminder %q: nobody is messaged between 21:00 and 06:00; choose a time of day between", s)
		}
		return ReminderRule{Kind: "h" + strconv.Itoa(n), DaysBefore: n,
			At: time.Duration(clock.Hour())*time.Hour + time.Duration(clock.Minute())*time.Minute}, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < time.Minute || d > 48*time.Hour || d%time.Minute != 0 {
		return ReminderRule{}, fmt.Errorf("reminder %q: want days and a time (3d@09:00) or whole minutes or hours before the start (1h, 30m)", s)
	}
	if d%time.Hour == 0 {
		return ReminderRule{Kind: "j" + strconv.Itoa(int(d/time.Hour)), Before: d}, nil
	}
	return ReminderRule{Kind: "m" + strconv.Itoa(int(d/time.Minute)), Before: d}, nil
}

// leadText says how far ahead a reminder of this kind is ("3 hari lagi", "besok", "1 jam
// lagi"), read back from its kind so that jobs planned under another configuration still
// read well.
func leadText(kind string) Text {
	n, err := strconv.Atoi(kind[min(1, len(kind)):])
	if err != nil || kind == "" {
		return T("pengingat.lagi_segera")
	}
	switch kind[0] {
	case 'h':
		switch n {
		case 0:
			return T("pengingat.lagi_hari_ini")
		case 1:
			return T("pengingat.lagi_besok")
		}
		return T("pengingat.lagi_hari", "N", n)
	case 'j':
		return T("pengingat.lagi_jam", "N", n)
	case 'm':
		return T("pengingat.lagi_menit", "N", n)
	}
	return T("pengingat.lagi_segera")
}

// ReminderSchedule lists the rules as the participant reads them in /pengingat.
func ReminderSchedule(rules []ReminderRule) Text {
	parts := make([]Text, 0, len(rules))
	for _, r := range rules {
		switch {
		case r.Before > 0 && r.Before%time.Hour == 0:
			parts = append(parts, T("pengingat.sebelum_jam", "N", int(r.Before/time.Hour)))
		case r.Before > 0:
			parts = append(parts, T("pengingat.sebelum_menit", "N", int(r.Before/time.Minute)))
		case r.DaysBefore == 0:
			parts = append(parts, T("pengingat.sebelum_hari_ini", "At", clockText(r.At)))
		default:
			parts = append(parts, T("pengingat.sebelum_hari", "N", r.DaysBefore, "At", clockText(r.At)))
		}
	}
	return T("pengingat.jadwal", "Items", parts)
}

func clockText(d time.Duration) string {
	return fmt.Sprintf("%02d.%02d", int(d/time.Hour), int(d%time.Hour/time.Minute))
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
	// Due and Until are set on a reminder that fell due at night and was put off to 06.00:
	// when it was first due (so that it still says it is late) and until when it was put off
	// (so that each putting-off is a job of its own).
	Due   time.Time `json:"due,omitzero"`
	Until time.Time `json:"until,omitzero"`
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

// ReminderReply is the reminder's message, with a way to say "I cannot come". A late one
// says how far ahead the start is as of now, and that it is late.
func ReminderReply(r Reminder, e Enrolment, late bool, now time.Time) Reply {
	z := e.Batch.Zone()
	lead := leadText(r.Which)
	if late {
		lead = lateLead(e.Batch.StartsAt, now, z)
	}
	mapURL := ""
	if e.Batch.Location != "" {
		mapURL = "https://www.google.com/maps/search/?api=1&query=" + url.QueryEscape(e.Batch.Location)
	}
	return Reply{
		Text: T("pengingat.isi", "Lead", lead, "Title", e.Course.Title, "Batch", e.Batch.Name, "Start", e.Batch.StartsAt.In(z),
			"End", e.Batch.EndsAt.In(z), "Place", placeText(e.Batch), "Map", mapURL),
		Buttons: [][]Button{{Btn("pengingat.tidak_bisa", "s:x:"+itoa(e.ID))}},
	}
}

// ChangeNotice is the job telling a participant that their batch's dates or place changed.
// It carries the old and the new values, so that each change is told once, as it was.
type ChangeNotice struct {
	EnrolmentID int64     `json:"enrolment_id"`
	Revision    int       `json:"revision"` // the batch's count of changes: each change is a notice of its own
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
			"NewStart", n.NewStart.In(z), "NewEnd", n.NewEnd.In(z), "NewPlace", placeText(newB), "Waiting", e.Status == Waiting),
		Buttons: [][]Button{{Btn("menu.saya", "s:l"), Btn("pengingat.tidak_bisa", "s:x:"+itoa(e.ID))}},
	}
}
