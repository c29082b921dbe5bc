package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/bpsdm/asnbot/bot/telegramtest"
	"github.com/bpsdm/asnbot/flows"
)

// At the end of a batch, attendance settles each seat: at the course's threshold or above
// (4 of 5 days for 80%) "selesai", below it "hadir" with the shortfall told to the admin, none
// at all left as it was. Days without check-in count against nobody.
func TestCompletionAtAndBelowThreshold(t *testing.T) {
	t.Parallel()
	root := newUserID()
	h := newHarness(t, map[string]string{"ADMIN_IDS": itoa(root), "FLOOD_LIMIT": "1000"})
	ctx := context.Background()
	b := batch("Angkatan I", -4, 4, 30) // Wednesday 18 to Sunday 22 November, 08.00–16.00 WIB
	b.RegOpens, b.RegCloses = day(-20, 0), day(-5, 23)
	c := course("SLS-01", "Manajemen Kinerja", b)
	c.MinAttendance = 80
	h.seed(c)
	id := h.batchID("SLS-01", "Angkatan I")
	admin := h.tg.User(root, "Admin")
	people := map[string]*telegramtest.User{}
	pid := map[string]int64{}
	for i, name := range []string{"Ani", "Bayu", "Cici", "Dodi"} {
		u := h.tg.User(newUserID(), name)
		h.seedParticipant(u, 60+i)
		u.Send("/menu")
		u.Next(t)
		p, _ := h.participant(u.ID)
		if _, err := h.db.Enrol(ctx, p.ID, id, day(-10, 9)); err != nil {
			t.Fatal(err)
		}
		people[name], pid[name] = u, p.ID
	}
	// The four days before today, as the store records them.
	by := flows.Actor{ID: root, Name: "Admin"}
	for d, who := range [][]string{{"Ani", "Bayu", "Cici"}, {"Ani", "Bayu", "Cici"}, {"Ani", "Bayu", "Cici"}, {"Ani"}} {
		at := day(d-4, 8).Add(15 * time.Minute)
		s, err := h.db.OpenAttendance(ctx, id, day(d-4, 0), day(d-3, 0), time.Time{}, by, at)
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range who {
			if _, err := h.db.CheckIn(ctx, s.ID, pid[name], at.Add(time.Minute)); err != nil {
				t.Fatal(err)
			}
		}
	}
	// Today through the bot: Ani and Bayu check in.
	admin.Send("/presensi SLS-01")
	expect(t, admin, "dibuka")
	screen := board(t, admin, "Hadir 0 dari 4")
	code := strings.ReplaceAll(strings.SplitN(strings.SplitN(screen.Caption, "Kode: ", 2)[1], "\n", 2)[0], " ", "")
	for _, name := range []string{"Ani", "Bayu"} {
		people[name].Send(code)
		expect(t, people[name], "Kehadiran Anda tercatat")
	}
	if got := h.enrolmentsOf(people["Ani"].ID)["SLS-01/Angkatan I"]; got != flows.Registered {
		t.Fatalf("settled before the end: %s", got)
	}

	// 16.01, the batch has ended: settled, and the admin told.
	h.clock.Set(day(0, 16).Add(time.Minute))
	report := nextWith(t, admin, "Rekap kehadiran")
	for _, want := range []string{"Manajemen Kinerja — Angkatan I", "5 hari presensi · syarat 80% (4 hari)", "Selesai: 2 peserta",
		"Kurang dari syarat: 1 peserta", "Cici Peserta — hadir 3 dari 5 hari (kurang 1)", "Tidak pernah presensi: 1 peserta"} {
		if !strings.Contains(report.Text, want) {
			t.Errorf("report lacks %q: %q", want, report.Text)
		}
	}
	want := map[string]flows.EnrolmentStatus{"Ani": flows.Completed, "Bayu": flows.Completed, "Cici": flows.Attended, "Dodi": flows.Registered}
	for name, st := range want {
		if got := h.enrolmentsOf(people[name].ID)["SLS-01/Angkatan I"]; got != st {
			t.Errorf("%s: %s, want %s", name, got, st)
		}
	}
	// Settling again (a job run twice) changes nothing and says the same.
	rep, err := h.db.CompleteBatch(ctx, id, day(0, 17))
	if err != nil || rep.Completed != 2 || len(rep.Short) != 1 || rep.Absent != 1 || rep.Needed != 4 {
		t.Errorf("settled again: %+v %v", rep, err)
	}
	if n := countWith(admin, "Rekap kehadiran"); n != 1 {
		t.Errorf("the admin was told %d times", n)
	}
}
