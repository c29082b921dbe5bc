package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/bpsdm/asnbot/bot/telegramtest"
	"github.com/bpsdm/asnbot/flows"
)

// A seat freed goes down the waiting list one person at a time, each asked "Masih bisa
// ikut?" with a deadline that does not run at night: B declines, so C is asked; C stays
// silent past the deadline, so C is told and D is asked; D confirms and gets the calendar.
func TestWaitingListOfferChain(t *testing.T) {
	t.Parallel()
	h := newHarness(t, map[string]string{"FLOOD_LIMIT": "1000"})
	h.seed(course("TWR-01", "Kearsipan Digital", batch("Angkatan I", 30, 2, 1)))
	id := h.batchID("TWR-01", "Angkatan I")
	ctx := context.Background()
	users := map[string]*telegramtest.User{}
	enrolment := map[string]int64{}
	for i, name := range []string{"Ayu", "Bima", "Citra", "Dedi"} {
		u := h.tg.User(newUserID(), name)
		h.seedParticipant(u, 80+i)
		u.Send("/menu") // the chat exists for the fake Telegram
		u.Next(t)
		p, _ := h.participant(u.ID)
		e, err := h.db.Enrol(ctx, p.ID, id, testNow)
		if err != nil {
			t.Fatal(err)
		}
		users[name], enrolment[name] = u, e.ID
	}
	status := func(name string) (flows.EnrolmentStatus, time.Time) {
		p, _ := h.participant(users[name].ID)
		e, err := h.db.Enrolment(ctx, p.ID, enrolment[name])
		if err != nil {
			t.Fatal(err)
		}
		return e.Status, e.OfferUntil
	}

	// Ayu gives her seat up: Bima is asked, with the seat held for him until Monday 19.00
	// (Sunday 10.00 to 21.00 is 11 hours, the other 13 from Monday 06.00).
	pa, _ := h.participant(users["Ayu"].ID)
	if _, _, err := h.db.Cancel(ctx, pa.ID, enrolment["Ayu"], testNow); err != nil {
		t.Fatal(err)
	}
	offer := expect(t, users["Bima"], "Kabar baik", "Kearsipan Digital", "Masih bisa ikut?",
		"sebelum Senin, 23 November 2026 pukul 19.00 WIB")
	if st, until := status("Bima"); st != flows.Registered || until.IsZero() {
		t.Fatalf("Bima's seat is not held for his answer: %s %v", st, until)
	}
	// He declines, after a confirmation; Citra is asked.
	users["Bima"].Press(t, offer, "❌ Tidak bisa ikut")
	ask := expect(t, users["Bima"], "Batalkan pendaftaran", "diberikan kepada peserta berikutnya")
	users["Bima"].Press(t, ask, "❌ Ya, batalkan")
	expect(t, users["Bima"], "sudah dibatalkan")
	if st, _ := status("Bima"); st != flows.Cancelled {
		t.Errorf("Bima: %s", st)
	}
	expect(t, users["Citra"], "Kabar baik", "Masih bisa ikut?", "sebelum Senin, 23 November 2026 pukul 19.00 WIB")
	// His old offer, tapped again, holds nothing any more.
	users["Bima"].PressData(offer, "s:ok:"+itoa(enrolment["Bima"]))
	expect(t, users["Bima"], "waktu menjawab", "sudah kami berikan kepada peserta berikutnya")

	// Citra says nothing. Just before the deadline the seat is still hers.
	// Her expiry waits for the deadline itself: a job scheduled at 19.00, not run at 18.59.
	h.clock.Set(time.Date(2026, 11, 23, 18, 59, 0, 0, wib))
	var job struct {
		State       string
		ScheduledAt time.Time
	}
	h.db.Gorm().Raw(`SELECT state, scheduled_at FROM river_job WHERE kind = 'offer_expiry' AND (args->>'enrolment_id')::bigint = ?`,
		enrolment["Citra"]).Scan(&job)
	if deadline := time.Date(2026, 11, 23, 19, 0, 0, 0, wib); job.State != "scheduled" || !job.ScheduledAt.Equal(deadline) {
		t.Fatalf("Citra's expiry: %+v, want scheduled at %v", job, deadline)
	}
	if st, until := status("Citra"); st != flows.Registered || until.IsZero() {
		t.Fatalf("Citra's seat went before the deadline: %s", st)
	}
	// Past it, she is told, and Dedi is asked: from Monday 19.01 his answer is due Wednesday
	// 13.01 (two hours on Monday, fifteen on Tuesday, seven on Wednesday morning).
	citraOffer := users["Citra"].Last() // before the clock moves: the expiry's message comes next
	h.clock.Set(time.Date(2026, 11, 23, 19, 1, 0, 0, wib))
	expect(t, users["Citra"], "Tempat Anda kami berikan kepada peserta berikutnya", "tidak menerima jawaban")
	if st, _ := status("Citra"); st != flows.Cancelled {
		t.Errorf("Citra: %s", st)
	}
	users["Citra"].PressData(citraOffer, "s:ok:"+itoa(enrolment["Citra"]))
	expect(t, users["Citra"], "waktu menjawab", "sudah kami berikan")
	dOffer := expect(t, users["Dedi"], "Kabar baik", "Masih bisa ikut?", "sebelum Rabu, 25 November 2026 pukul 13.01 WIB")

	// Dedi confirms: the seat is his, with its calendar file; a second tap sends nothing more.
	users["Dedi"].Press(t, dOffer, "✅ Ya, saya ikut")
	expect(t, users["Dedi"], "tempat Anda sudah pasti", "Kearsipan Digital")
	if m := users["Dedi"].Next(t); m.Document == nil {
		t.Errorf("no calendar file after confirming: %+v", m)
	}
	if st, until := status("Dedi"); st != flows.Registered || !until.IsZero() {
		t.Errorf("Dedi after confirming: %s, offer until %v", st, until)
	}
	users["Dedi"].PressData(dOffer, "s:ok:"+itoa(enrolment["Dedi"]))
	h.tg.WaitIdle(t)
	if ans := users["Dedi"].CallbackAnswers(); !strings.Contains(ans[len(ans)-1].Text, "sudah pasti") {
		t.Errorf("a second tap answered %+v", ans[len(ans)-1])
	}
	// His deadline passing changes nothing: the seat is confirmed.
	h.clock.Set(time.Date(2026, 11, 25, 13, 5, 0, 0, wib))
	waitJobs(t, h, "offer_expiry")
	if st, _ := status("Dedi"); st != flows.Registered {
		t.Errorf("Dedi's confirmed seat expired: %s", st)
	}
	files := 0
	for _, m := range users["Dedi"].Messages() {
		if m.Document != nil {
			files++
		}
	}
	if n := countWith(users["Dedi"], "sudah pasti") + countWith(users["Dedi"], "Kabar baik"); n != 1 || files != 1 {
		t.Errorf("Dedi got %d offers and %d calendar files", n, files)
	}
	if got := h.enrolmentsOf(users["Ayu"].ID)["TWR-01/Angkatan I"]; got != flows.Cancelled {
		t.Errorf("Ayu: %s", got)
	}
}
