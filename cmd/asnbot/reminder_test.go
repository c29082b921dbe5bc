package main

import (
	"context"
	"io"
	"log/slog"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/bpsdm/asnbot/bot"
	"github.com/bpsdm/asnbot/bot/telegramtest"
	"github.com/bpsdm/asnbot/flows"
	"github.com/bpsdm/asnbot/flows/catalogfile"
	"github.com/bpsdm/asnbot/locales"
)

// reminderJobs lists the reminder jobs of an enrolment still to run, as kind@scheduled time.
func (h *harness) reminderJobs(enrolmentID int64) []string {
	h.t.Helper()
	var rows []struct {
		Which       string
		ScheduledAt time.Time
	}
	err := h.db.Gorm().Raw(`SELECT args->>'which' AS which, scheduled_at FROM river_job
		WHERE kind = 'reminder' AND (args->>'enrolment_id')::bigint = ? AND state IN ('scheduled','available')
		ORDER BY scheduled_at`, enrolmentID).Scan(&rows).Error
	if err != nil {
		h.t.Fatal(err)
	}
	var out []string
	for _, r := range rows {
		out = append(out, r.Which+"@"+r.ScheduledAt.In(wib).Format("2006-01-02 15:04"))
	}
	return out
}

func TestRemindersArePlannedSentOnceAndCancelled(t *testing.T) {
	t.Parallel()
	h := newHarness(t, nil)
	h.seed(course("REM-01", "Penulisan Naskah Dinas", batch("Angkatan I", 30, 2, 30)))
	id := h.batchID("REM-01", "Angkatan I")
	u := h.tg.User(newUserID(), "Rudi")
	h.seedParticipant(u, 70)
	u.Send("/start c_REM-01")
	u.PressData(u.Next(t), "k:y:"+itoa(id))
	expect(t, u, "Pendaftaran berhasil")
	u.Next(t) // the calendar file
	p, _ := h.participant(u.ID)
	list, _ := h.db.Enrolments(context.Background(), p.ID)
	e := list[0]
	// The batch starts 22 December 2026 at 08.00 WIB.
	want := []string{"h3@2026-12-19 09:00", "h1@2026-12-21 09:00", "j1@2026-12-22 07:00"}
	if got := h.reminderJobs(e.ID); strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("reminders %v, want %v", got, want)
	}

	// The day before: the worker sends it, and a second run of the same job sends nothing.
	api, err := bot.NewAPI(h.tg.URL(), telegramtest.Token)
	if err != nil {
		t.Fatal(err)
	}
	dayBefore := time.Date(2026, 12, 21, 9, 1, 0, 0, wib)
	courier := &bot.Courier{Records: h.db, Now: func() time.Time { return dayBefore }, Sender: &bot.Sender{API: api,
		R: bot.NewRenderer(locales.MustLoad()), M: bot.NewMetrics(prometheus.NewRegistry()), Log: slog.New(slog.NewTextHandler(io.Discard, nil))}}
	job, _ := flows.DeliveryOf(flows.Reminder{EnrolmentID: e.ID, Which: "h1", StartsAt: e.Batch.StartsAt},
		time.Date(2026, 12, 21, 9, 0, 0, 0, wib), 0)
	for range 2 {
		if err := courier.Deliver(context.Background(), job); err != nil {
			t.Fatal(err)
		}
	}
	reminder := expect(t, u, "Pengingat: besok", "Penulisan Naskah Dinas", "Selasa, 22 Desember 2026 pukul 08.00 WIB", "Buka peta")
	h.tg.WaitIdle(t)
	n := 0
	for _, m := range u.Messages() {
		if strings.Contains(m.Text, "Pengingat") {
			n++
		}
	}
	if n != 1 {
		t.Errorf("the reminder was sent %d times", n)
	}
	// "Tidak bisa hadir" asks, then cancels; the reminders still to come go with it.
	u.Press(t, reminder, "🙅 Tidak bisa hadir")
	ask := expect(t, u, "Batalkan pendaftaran")
	u.Press(t, ask, "❌ Ya, batalkan")
	expect(t, u, "sudah dibatalkan")
	if got := h.reminderJobs(e.ID); len(got) != 0 {
		t.Errorf("reminders left after cancelling: %v", got)
	}

	// /pengingat turns them off.
	u.Send("/pengingat")
	setting := expect(t, u, "aktif")
	u.Press(t, setting, "🔕 Nonaktifkan pengingat")
	expect(t, u, "nonaktif")
	if p, _ := h.participant(u.ID); !p.RemindersOff {
		t.Error("reminders still on")
	}
}

// TestTwoReplicasSendEachReminderOnce: reminders due now, two bots working the same queue.
func TestTwoReplicasSendEachReminderOnce(t *testing.T) {
	t.Parallel()
	h := newHarness(t, nil)
	h.replica()
	// Starts two hours after the test's "now"; the clock then moves to the one-hour reminder.
	soon := batch("Angkatan I", 0, 1, 50)
	soon.Start, soon.End = testNow.Add(2*time.Hour), testNow.Add(8*time.Hour)
	soon.RegOpens, soon.RegCloses = testNow.Add(-time.Hour), testNow.Add(time.Hour)
	h.seed(course("SOON-1", "Etika Pelayanan Publik", soon))
	id := h.batchID("SOON-1", "Angkatan I")
	const n = 10
	users := make([]*telegramtest.User, n)
	for i := range users {
		users[i] = h.tg.User(int64(300000+i), "R"+itoa(int64(i)))
		h.seedParticipant(users[i], 80+i)
		users[i].Send("/start")
		p, _ := h.participant(users[i].ID)
		if _, err := h.db.Enrol(context.Background(), p.ID, id, testNow); err != nil {
			t.Fatal(err)
		}
	}
	h.clock.Set(testNow.Add(time.Hour + time.Minute))
	for _, u := range users {
		for {
			if m := u.Next(t); strings.Contains(m.Text, "1 jam lagi") {
				break
			}
		}
	}
	// Wait until River has finished every reminder job, then count.
	deadline := time.Now().Add(10 * time.Second)
	for {
		var left int64
		h.db.Gorm().Raw(`SELECT count(*) FROM river_job WHERE kind = 'reminder' AND state NOT IN ('completed','cancelled','discarded')`).Scan(&left)
		if left == 0 || time.Now().After(deadline) {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	for _, u := range users {
		got := 0
		for _, m := range u.Messages() {
			if strings.Contains(m.Text, "1 jam lagi") {
				got++
			}
		}
		if got != 1 {
			t.Errorf("%s got the reminder %d times", u.FirstName, got)
		}
	}
}

// TestScheduleChangeIsToldOnceAndMovesReminders: an admin moves a batch twice by importing
// the catalogue again; each participant is told each change once, old and new side by side,
// and only the final dates are reminded.
func TestScheduleChangeIsToldOnceAndMovesReminders(t *testing.T) {
	t.Parallel()
	h := newHarness(t, nil)
	b := batch("Angkatan I", 30, 2, 30)
	h.seed(course("CHG-01", "Manajemen Risiko", b))
	id := h.batchID("CHG-01", "Angkatan I")
	u := h.tg.User(newUserID(), "Sari")
	h.seedParticipant(u, 90)
	u.Send("/start")
	u.Next(t)
	u.Next(t)
	p, _ := h.participant(u.ID)
	e, err := h.db.Enrol(context.Background(), p.ID, id, testNow)
	if err != nil {
		t.Fatal(err)
	}
	move := func(days int, place string) {
		moved := b
		moved.Start, moved.End = b.Start.AddDate(0, 0, days), b.End.AddDate(0, 0, days)
		moved.Location = place
		rep, err := h.db.Import(context.Background(), []catalogfile.Course{course("CHG-01", "Manajemen Risiko", moved)}, testNow, testActor)
		if err != nil || rep.Notified != 1 {
			t.Fatalf("import: %+v %v", rep, err)
		}
	}
	// calendar reads the updated calendar file sent after a notice: the same entry (UID),
	// a higher sequence, the new dates, and Google Calendar's link with them.
	lastSeq := 0
	calendar := func(start string) {
		t.Helper()
		m := u.Next(t)
		body := ""
		if m.Document != nil {
			body = string(m.Document.Content)
		}
		seq := regexp.MustCompile(`SEQUENCE:(\d+)`).FindStringSubmatch(body)
		if seq == nil || !strings.Contains(body, "UID:enrolment-"+itoa(e.ID)+"@asnbot") || !strings.Contains(body, "DTSTART:"+start) {
			t.Fatalf("no updated calendar file: %+v", m)
		}
		if n, _ := strconv.Atoi(seq[1]); n <= lastSeq {
			t.Errorf("sequence %d after %d: a calendar would keep the old entry", n, lastSeq)
		} else {
			lastSeq = n
		}
		if len(m.Buttons) != 1 || !strings.Contains(m.Buttons[0][0].URL, "dates="+start) {
			t.Errorf("no Google Calendar link with the new dates: %+v", m.Buttons)
		}
	}
	move(7, "Hotel Grasia, Semarang")
	both := expect(t, u, "Perubahan jadwal dan tempat", "Sebelumnya", "Selasa, 22 Desember 2026 pukul 08.00 WIB", "Kampus BPSDM",
		"Jadwal menjadi", "Selasa, 29 Desember 2026 pukul 08.00 WIB", "Tempat menjadi", "Hotel Grasia")
	if !strings.Contains(both.Raw, "<s>") || !strings.Contains(both.Raw, "<b>Jadwal menjadi") {
		t.Errorf("the change is not highlighted: %q", both.Raw)
	}
	calendar("20261229T010000Z")
	move(14, "Hotel Grasia, Semarang")
	dates := expect(t, u, "Perubahan jadwal", "Selasa, 29 Desember 2026", "Selasa, 5 Januari 2027", "Tempat tetap")
	if strings.Contains(dates.Text, "tempat\n") || strings.Contains(dates.Text, "Tempat menjadi") {
		t.Errorf("a change of dates is titled as a change of place: %q", dates.Text)
	}
	calendar("20270105T010000Z")
	move(14, "Aula Gubernuran, Semarang")
	place := expect(t, u, "Perubahan tempat", "Tempat menjadi", "Aula Gubernuran", "Jadwal tetap", "Selasa, 5 Januari 2027")
	if strings.Contains(place.Text, "Perubahan jadwal") || strings.Contains(place.Text, "Jadwal menjadi") {
		t.Errorf("a change of place is titled as a change of schedule: %q", place.Text)
	}
	calendar("20270105T010000Z")
	move(14, "Hotel Grasia, Semarang")
	expect(t, u, "Perubahan tempat")
	calendar("20270105T010000Z")
	want := []string{"h3@2027-01-02 09:00", "h1@2027-01-04 09:00", "j1@2027-01-05 07:00"}
	if got := h.reminderJobs(e.ID); strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("reminders %v, want %v", got, want)
	}
	// Importing the final file again tells nobody anything.
	final := b
	final.Start, final.End, final.Location = b.Start.AddDate(0, 0, 14), b.End.AddDate(0, 0, 14), "Hotel Grasia, Semarang"
	rep, _ := h.db.Import(context.Background(), []catalogfile.Course{course("CHG-01", "Manajemen Risiko", final)}, testNow, testActor)
	if rep.Notified != 0 {
		t.Errorf("an unchanged file notified %d", rep.Notified)
	}
}
