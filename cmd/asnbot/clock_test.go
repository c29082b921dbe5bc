package main

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/bpsdm/asnbot/bot/telegramtest"
	"github.com/bpsdm/asnbot/flows/catalogfile"
)

var (
	wita = mustZone("Asia/Makassar")
	wit  = mustZone("Asia/Jayapura")
)

// nextWith reads the user's messages until one contains fragment.
func nextWith(t *testing.T, u *telegramtest.User, fragment string) telegramtest.Message {
	t.Helper()
	for {
		if m := u.Next(t); strings.Contains(m.Text, fragment) {
			return m
		}
	}
}

// countWith counts the user's messages that contain fragment.
func countWith(u *telegramtest.User, fragment string) int {
	n := 0
	for _, m := range u.Messages() {
		if strings.Contains(m.Text, fragment) {
			n++
		}
	}
	return n
}

// at sets the bot's clock (and so River's) to a wall-clock time in loc, 30 seconds past.
func (h *harness) at(loc *time.Location, y int, mo time.Month, d, hh, mm int) {
	h.clock.Set(time.Date(y, mo, d, hh, mm, 30, 0, loc))
}

// TestRemindersFollowTheClock drives the whole bot on a test clock: one batch in each of WIB,
// WITA and WIT, all starting Monday 11 January 2027 at 08.00 local time. Each reminder comes
// at its local time and not before; a cancelled seat gets none; the bot is down across the
// day-before reminders and comes back at night, so they wait for 06.00 and then say they
// are late.
func TestRemindersFollowTheClock(t *testing.T) {
	t.Parallel()
	h := newHarness(t, nil)
	zones := []struct {
		loc  *time.Location
		name string
		abbr string
	}{{wib, "Asia/Jakarta", "WIB"}, {wita, "Asia/Makassar", "WITA"}, {wit, "Asia/Jayapura", "WIT"}}
	var courses []catalogfile.Course
	for _, z := range zones {
		b := catalogfile.Batch{Name: "Angkatan I", TimeZone: z.name, Location: "Aula " + z.abbr, Quota: 10,
			Start: time.Date(2027, 1, 11, 8, 0, 0, 0, z.loc), End: time.Date(2027, 1, 13, 16, 0, 0, 0, z.loc),
			RegOpens: testNow.Add(-time.Hour), RegCloses: time.Date(2027, 1, 8, 0, 0, 0, 0, z.loc)}
		courses = append(courses, course("CLK-"+z.abbr, "Pelatihan "+z.abbr, b))
	}
	h.seed(courses...)
	ctx := context.Background()
	users := map[string]*telegramtest.User{}
	enrolments := map[string]int64{}
	for i, z := range zones {
		u, e := h.enrolled(t, h.batchID("CLK-"+z.abbr, "Angkatan I"), 200+i, "Peserta"+z.abbr)
		users[z.abbr], enrolments[z.abbr] = u[0], e[0].ID
	}
	// Someone in the WIB batch who cancels: none of the reminders reach them.
	q, eq := h.enrolled(t, h.batchID("CLK-WIB", "Angkatan I"), 210, "Batal")
	quitter := q[0]
	if _, _, err := h.db.Cancel(ctx, eq[0].ParticipantID, eq[0].ID, testNow); err != nil {
		t.Fatal(err)
	}

	// Friday 8 January at 09.00 comes first in the east: WIT, then WITA an hour later, then WIB.
	for i, z := range []string{"WIT", "WITA", "WIB"} {
		h.at(zones[2-i].loc, 2027, 1, 8, 9, 0)
		m := nextWith(t, users[z], "3 hari lagi")
		if !strings.Contains(m.Text, "Senin, 11 Januari 2027 pukul 08.00 "+z) || !strings.Contains(m.Text, "Aula "+z) {
			t.Errorf("%s reminder: %q", z, m.Text)
		}
		for _, later := range []string{"WIT", "WITA", "WIB"}[i+1:] {
			if got := h.reminderJobs(enrolments[later]); len(got) != 3 {
				t.Errorf("at 09.00 %s, %s already has only %v left", z, later, got)
			}
		}
	}

	// The bot is down from Saturday until Sunday 22.30 WIB: the day-before reminders (09.00
	// local) were missed, and it is night everywhere, so they wait for 06.00 local time.
	h.stop()
	h.at(wib, 2027, 1, 10, 22, 30)
	h.start()
	for _, z := range zones {
		want := "h1@" + time.Date(2027, 1, 11, 6, 0, 0, 0, z.loc).In(wib).Format("2006-01-02 15:04")
		deadline := time.Now().Add(15 * time.Second)
		for {
			got := h.reminderJobs(enrolments[z.abbr])
			if slices.Contains(got, want) {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s: reminders %v, want the day-before one snoozed to %s", z.abbr, got, want)
			}
			time.Sleep(100 * time.Millisecond)
		}
		if n := countWith(users[z.abbr], "Pengingat"); n != 1 {
			t.Errorf("%s got %d reminders at night", z.abbr, n)
		}
	}
	// 06.00 WIT: the WIT participant hears, late and saying so; 07.00 WIT brings the hour-before.
	h.at(wit, 2027, 1, 11, 6, 0)
	m := nextWith(t, users["WIT"], "Pengingat")
	if !strings.Contains(m.Text, "tertunda") {
		t.Errorf("late reminder: %q", m.Text)
	}
	h.at(wit, 2027, 1, 11, 7, 0)
	nextWith(t, users["WIT"], "1 jam lagi")
	h.at(wita, 2027, 1, 11, 6, 0)
	nextWith(t, users["WITA"], "tertunda")
	h.at(wita, 2027, 1, 11, 7, 0) // 06.00 WIB
	nextWith(t, users["WITA"], "1 jam lagi")
	nextWith(t, users["WIB"], "tertunda")
	h.at(wib, 2027, 1, 11, 7, 0)
	nextWith(t, users["WIB"], "1 jam lagi")
	h.tg.WaitIdle(t)
	for _, z := range zones {
		if n := countWith(users[z.abbr], "Pengingat"); n != 3 {
			t.Errorf("%s got %d reminders, want 3", z.abbr, n)
			for _, m := range users[z.abbr].Messages() {
				t.Logf("  %s", m.Text)
			}
		}
		if got := h.reminderJobs(enrolments[z.abbr]); len(got) != 0 {
			t.Errorf("%s: reminders left %v", z.abbr, got)
		}
	}
	if n := countWith(quitter, "Pengingat"); n != 0 {
		t.Errorf("a cancelled seat got %d reminders", n)
	}
}
