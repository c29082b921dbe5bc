package flows

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

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
	return T("pengingat.jadwal", "Items", reminderTexts(rules, "sebelum"))
}

// reminderBrief lists the rules within a sentence: "3 hari sebelumnya pukul 09.00, 1 hari
// sebelumnya pukul 09.00, dan 1 jam sebelum mulai".
func reminderBrief(rules []ReminderRule) List { return List(reminderTexts(rules, "singkat")) }

// reminderTexts says each rule, with the locale keys pengingat.<form>_hari, _hari_ini, _jam
// and _menit: "sebelum" for a list of its own, "singkat" within a sentence.
func reminderTexts(rules []ReminderRule, form string) []Text {
	key := "pengingat." + form
	out := make([]Text, 0, len(rules))
	for _, r := range rules {
		switch {
		case r.Before > 0 && r.Before%time.Hour == 0:
			out = append(out, T(key+"_jam", "N", int(r.Before/time.Hour)))
		case r.Before > 0:
			out = append(out, T(key+"_menit", "N", int(r.Before/time.Minute)))
		case r.DaysBefore == 0:
			out = append(out, T(key+"_hari_ini", "At", clockText(r.At)))
		default:
			out = append(out, T(key+"_hari", "N", r.DaysBefore, "At", clockText(r.At)))
		}
	}
	return out
}

func clockText(d time.Duration) string {
	return fmt.Sprintf("%02d.%02d", int(d/time.Hour), int(d%time.Hour/time.Minute))
}

// Quiet hours: nobody is messaged between 21.00 and 06.00 where the batch takes place.
const (
	quietFrom = 21
	quietTo   = 6
)

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
