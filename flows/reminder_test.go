package flows

import (
	"testing"
	"time"
)

func zone(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func TestPlanReminders(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 22, 3, 0, 0, 0, time.UTC)
	tests := []struct {
		name  string
		zone  string
		start time.Time // wall clock in zone
		want  []string  // kind@local time
	}{
		{"WIB morning start", "Asia/Jakarta", time.Date(2027, 1, 12, 8, 0, 0, 0, time.UTC),
			[]string{"h3@2027-01-09 09:00 WIB", "h1@2027-01-11 09:00 WIB", "j1@2027-01-12 07:00 WIB"}},
		{"WITA", "Asia/Makassar", time.Date(2027, 1, 12, 8, 0, 0, 0, time.UTC),
			[]string{"h3@2027-01-09 09:00 WITA", "h1@2027-01-11 09:00 WITA", "j1@2027-01-12 07:00 WITA"}},
		{"WIT", "Asia/Jayapura", time.Date(2027, 1, 12, 8, 0, 0, 0, time.UTC),
			[]string{"h3@2027-01-09 09:00 WIT", "h1@2027-01-11 09:00 WIT", "j1@2027-01-12 07:00 WIT"}},
		{"an hour before falls in the quiet hours: moved to 06.00", "Asia/Jakarta", time.Date(2027, 1, 12, 6, 30, 0, 0, time.UTC),
			[]string{"h3@2027-01-09 09:00 WIB", "h1@2027-01-11 09:00 WIB", "j1@2027-01-12 06:00 WIB"}},
		{"start at 06.00: the hour before is night, and 06.00 is too late", "Asia/Jakarta", time.Date(2027, 1, 12, 6, 0, 0, 0, time.UTC),
			[]string{"h3@2027-01-09 09:00 WIB", "h1@2027-01-11 09:00 WIB"}},
		{"enrolled two days before: only what is still to come", "Asia/Jakarta", time.Date(2026, 11, 24, 13, 0, 0, 0, time.UTC),
			[]string{"h1@2026-11-23 09:00 WIB", "j1@2026-11-24 12:00 WIB"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			loc := zone(t, tt.zone)
			s := tt.start
			b := Batch{StartsAt: time.Date(s.Year(), s.Month(), s.Day(), s.Hour(), s.Minute(), 0, 0, loc), TimeZone: tt.zone}
			var got []string
			for _, p := range PlanReminders(7, b, now, DefaultReminders) {
				if p.Reminder.EnrolmentID != 7 || !p.Reminder.StartsAt.Equal(b.StartsAt) {
					t.Errorf("reminder %+v", p.Reminder)
				}
				got = append(got, p.Reminder.Which+"@"+p.At.In(loc).Format("2006-01-02 15:04 MST"))
			}
			if len(got) != len(tt.want) {
				t.Fatalf("got %v, want %v", got, tt.want)
			}
			for i := range got {
				want := tt.want[i]
				// Go names these zones by offset; compare on the clock time.
				if got[i][:len("h3@2027-01-09 09:00")] != want[:len("h3@2027-01-09 09:00")] {
					t.Errorf("got %v, want %v", got, tt.want)
				}
			}
		})
	}
}

func TestDecideReminder(t *testing.T) {
	t.Parallel()
	loc := zone(t, "Asia/Makassar")
	start := time.Date(2027, 1, 12, 8, 0, 0, 0, loc)
	planned := time.Date(2027, 1, 11, 9, 0, 0, 0, loc)
	r := Reminder{EnrolmentID: 1, Which: "h1", StartsAt: start}
	live := Enrolment{Status: Registered, Batch: Batch{StartsAt: start, TimeZone: "Asia/Makassar", Status: BatchOpen}}
	moved := live
	moved.Batch.StartsAt = start.Add(48 * time.Hour)
	cancelled := live
	cancelled.Status = Cancelled
	tests := []struct {
		name  string
		e     Enrolment
		p     Participant
		now   time.Time
		want  ReminderDecision
		until time.Time
	}{
		{"on time", live, Participant{}, planned.Add(time.Minute), ReminderSend, time.Time{}},
		{"after downtime, still before the start", live, Participant{}, planned.Add(3 * time.Hour), ReminderLate, time.Time{}},
		{"due at night after downtime: wait for 06.00", live, Participant{}, time.Date(2027, 1, 11, 22, 0, 0, 0, loc), ReminderSnooze,
			time.Date(2027, 1, 12, 6, 0, 0, 0, loc)},
		{"started already", live, Participant{}, start.Add(time.Minute), ReminderDrop, time.Time{}},
		{"batch moved: planned for the old start", moved, Participant{}, planned, ReminderDrop, time.Time{}},
		{"enrolment cancelled", cancelled, Participant{}, planned, ReminderDrop, time.Time{}},
		{"reminders off", live, Participant{RemindersOff: true}, planned, ReminderDrop, time.Time{}},
		{"bot blocked", live, Participant{Unreachable: true}, planned, ReminderDrop, time.Time{}},
	}
	for _, tt := range tests {
		got, until := DecideReminder(r, tt.e, tt.p, planned, tt.now)
		if got != tt.want || !until.Equal(tt.until) {
			t.Errorf("%s: got %v until %v, want %v until %v", tt.name, got, until, tt.want, tt.until)
		}
	}
}

func TestParseReminderRules(t *testing.T) {
	t.Parallel()
	rules, err := ParseReminderRules(DefaultReminderSpec)
	if err != nil || len(rules) != len(DefaultReminders) {
		t.Fatalf("default spec: %v %v", rules, err)
	}
	for i := range rules {
		if rules[i] != DefaultReminders[i] {
			t.Errorf("rule %d: %+v, want %+v", i, rules[i], DefaultReminders[i])
		}
	}
	rules, err = ParseReminderRules(" 7d@08:30 , 0d@06:15,2h,30m ")
	if err != nil {
		t.Fatal(err)
	}
	want := []ReminderRule{{Kind: "h7", DaysBefore: 7, At: 8*time.Hour + 30*time.Minute},
		{Kind: "h0", At: 6*time.Hour + 15*time.Minute}, {Kind: "j2", Before: 2 * time.Hour}, {Kind: "m30", Before: 30 * time.Minute}}
	if len(rules) != len(want) {
		t.Fatalf("got %+v", rules)
	}
	for i := range want {
		if rules[i] != want[i] {
			t.Errorf("rule %d: %+v, want %+v", i, rules[i], want[i])
		}
	}
	for _, bad := range []string{"3d@9", "3x@09:00", "-1d@09:00", "1h,60m", "90s", "0m", "3d@09:00,3d@10:00", "besok", "1d@22:00", "2d@05:00"} {
		if _, err := ParseReminderRules(bad); err == nil {
			t.Errorf("%q was accepted", bad)
		}
	}
	// A configured rule plans where it says: two hours before a WIT start.
	loc := zone(t, "Asia/Jayapura")
	b := Batch{StartsAt: time.Date(2027, 3, 1, 10, 0, 0, 0, loc), TimeZone: "Asia/Jayapura"}
	plan := PlanReminders(1, b, time.Date(2027, 2, 1, 0, 0, 0, 0, time.UTC), []ReminderRule{{Kind: "j2", Before: 2 * time.Hour}})
	if len(plan) != 1 || !plan[0].At.Equal(time.Date(2027, 3, 1, 8, 0, 0, 0, loc)) {
		t.Errorf("plan %+v", plan)
	}
}

func TestLeadText(t *testing.T) {
	t.Parallel()
	for kind, want := range map[string]string{"h3": "pengingat.lagi_hari", "h1": "pengingat.lagi_besok",
		"h0": "pengingat.lagi_hari_ini", "j1": "pengingat.lagi_jam", "m30": "pengingat.lagi_menit", "": "pengingat.lagi_segera", "zz": "pengingat.lagi_segera"} {
		if got := leadText(kind).Key; got != want {
			t.Errorf("%q: %s, want %s", kind, got, want)
		}
	}
}

func TestLateLead(t *testing.T) {
	t.Parallel()
	wit := zone(t, "Asia/Jayapura")
	start := time.Date(2027, 1, 11, 8, 0, 0, 0, wit)
	cases := []struct {
		now  time.Time
		want string
	}{
		{time.Date(2027, 1, 8, 6, 0, 0, 0, wit), "pengingat.lagi_hari"},
		{time.Date(2027, 1, 10, 6, 0, 0, 0, wit), "pengingat.lagi_besok"},
		// 23.30 WIB on the 10th is 01.30 WIT on the 11th: the same day there.
		{time.Date(2027, 1, 10, 23, 30, 0, 0, zone(t, "Asia/Jakarta")), "pengingat.lagi_jam"},
		{time.Date(2027, 1, 11, 7, 0, 0, 0, wit), "pengingat.lagi_segera"},
	}
	for _, c := range cases {
		got := lateLead(start, c.now, wit)
		lead, _ := got.Args["Lead"].(Text)
		if got.Key != "pengingat.tertunda" || lead.Key != c.want {
			t.Errorf("%v: %+v, want %s", c.now, got, c.want)
		}
	}
}
