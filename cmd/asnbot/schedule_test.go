package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/bpsdm/asnbot/bot/telegramtest"
	"github.com/bpsdm/asnbot/flows"
)

// TestAdminMovesABatchInChat: /ubahjadwal with a preview; everyone enrolled or waiting is told
// once, old and new side by side, and the reminders move; pressing "save" again tells no one.
func TestAdminMovesABatchInChat(t *testing.T) {
	t.Parallel()
	admin := newUserID()
	// The admin taps and types faster than the flood limit lets a person: raise it.
	h := newHarness(t, map[string]string{"ADMIN_IDS": itoa(admin), "FLOOD_LIMIT": "100"})
	h.seed(course("JDW-01", "Pengadaan Barang/Jasa", batch("Angkatan I", 30, 2, 2), batch("Angkatan II", 60, 2, 30)))
	id := h.batchID("JDW-01", "Angkatan I")
	ctx := context.Background()
	people, seats := h.enrolled(t, id, 300, "Ayu", "Bima", "Citra") // Citra waits: the quota is 2
	if seats[2].Status != flows.Waiting {
		t.Fatalf("Citra: %+v", seats[2])
	}

	a := h.tg.User(admin, "Admin")
	a.Send("/ubahjadwal JDW-01")
	pick := expect(t, a, "Pilih angkatan")
	a.Press(t, pick, "Angkatan I · 22 Des 2026")
	card := expect(t, a, "Ubah jadwal angkatan", "Pengadaan Barang/Jasa", "Angkatan I", "Selasa, 22 Desember 2026 pukul 08.00 WIB",
		"Terdaftar 2/2", "daftar tunggu 1")
	if !card.Edited {
		t.Error("the batch card did not replace the list")
	}
	a.Send("halo")
	expect(t, a, "pilih dengan tombol")
	a.Press(t, card, "🗓 Tanggal")
	expect(t, a, "Kirim tanggal mulai dan selesai")
	for _, bad := range []struct{ text, want string }{
		{"minggu depan", "belum dapat dibaca"},
		{"29/12/2026 08:00 - 28/12/2026 16:00", "sesudah tanggal mulai"},
		{"01/11/2026 08:00 - 03/11/2026 16:00", "sudah lewat"},
	} {
		a.Send(bad.text)
		expect(t, a, bad.want)
	}
	a.Send("29/12/2026 08.00 - 31/12/2026 16.00")
	preview := expect(t, a, "Periksa perubahan", "Sekarang", "Selasa, 22 Desember 2026 pukul 08.00 WIB",
		"Menjadi", "Selasa, 29 Desember 2026 pukul 08.00 WIB", "Kamis, 31 Desember 2026 pukul 16.00 WIB", "3 peserta")
	// Nothing is changed, nor anyone told, before the admin saves.
	if _, b, _ := h.db.Batch(ctx, id); !b.StartsAt.Equal(day(30, 8)) {
		t.Fatalf("the batch moved before saving: %v", b.StartsAt)
	}
	a.Press(t, preview, "✅ Simpan dan beri tahu peserta")
	expect(t, a, "Perubahan disimpan", "3 peserta")
	for _, u := range people {
		nextWith(t, u, "Perubahan jadwal")
		// A seat's calendar entry is sent again; the waiting list has none to update.
		if u != people[2] {
			if m := u.Next(t); m.Document == nil || !strings.Contains(string(m.Document.Content), "SEQUENCE:") {
				t.Errorf("%s got no updated calendar file: %+v", u.FirstName, m)
			}
		}
	}
	a.PressData(preview, "j:s:"+itoa(id)+":1") // a second tap that raced the edit
	h.tg.WaitIdle(t)
	if ans := a.CallbackAnswers(); !strings.Contains(ans[len(ans)-1].Text, "tidak berlaku") {
		t.Errorf("second save answered %+v", ans[len(ans)-1])
	}
	waitJobs(t, h, "change_notice")
	for _, u := range people {
		if n := countWith(u, "Perubahan jadwal"); n != 1 {
			t.Errorf("%s was told %d times", u.FirstName, n)
		}
		var m telegramtest.Message
		for _, sent := range u.Messages() {
			if strings.Contains(sent.Text, "Perubahan jadwal") {
				m = sent
			}
		}
		if !strings.Contains(m.Text, "Selasa, 22 Desember 2026") || !strings.Contains(m.Text, "Selasa, 29 Desember 2026") {
			t.Errorf("%s's notice: %q", u.FirstName, m.Text)
		}
		if waits := u == people[2]; strings.Contains(m.Text, "daftar tunggu") != waits || strings.Contains(m.Text, "Pengingat Anda") == waits {
			t.Errorf("%s's notice does not fit their place: %q", u.FirstName, m.Text)
		}
	}
	want := "h3@2026-12-26 09:00,h1@2026-12-28 09:00,j1@2026-12-29 07:00"
	for _, e := range seats[:2] {
		if got := strings.Join(h.reminderJobs(e.ID), ","); got != want {
			t.Errorf("reminders %s, want %s", got, want)
		}
	}

	// Dates and place in one change: one notice with both.
	a.Send("/ubahjadwal JDW-01 angkatan i")
	card = expect(t, a, "Selasa, 29 Desember 2026 pukul 08.00 WIB")
	a.Press(t, card, "🗓 Tanggal")
	ask := expect(t, a, "Kirim tanggal mulai dan selesai")
	a.Send("2027-01-05 - 2027-01-07")
	preview = expect(t, a, "Periksa perubahan", "Selasa, 5 Januari 2027 pukul 00.00 WIB", "Kamis, 7 Januari 2027 pukul 23.59 WIB")
	a.Press(t, preview, "✏️ Ubah lagi")
	card = expect(t, a, "Apa yang ingin diubah")
	a.Press(t, card, "📍 Tempat/tautan")
	expect(t, a, "Kirim tempat yang baru")
	a.Send("Hotel <Patra>, Semarang\nhttps://zoom.example/j/123")
	preview = expect(t, a, "Periksa perubahan", "Kampus BPSDM", "Hotel <Patra>, Semarang", "zoom.example", "Selasa, 5 Januari 2027")
	for _, stale := range []string{
		"j:s:" + itoa(h.batchID("JDW-01", "Angkatan II")) + ":2", // a button naming another batch
		"j:s:" + itoa(id) + ":1",                                 // the dates-only preview's button
	} {
		a.PressData(ask, stale)
		h.tg.WaitIdle(t)
		if ans := a.CallbackAnswers(); !strings.Contains(ans[len(ans)-1].Text, "tidak berlaku") {
			t.Errorf("%s answered %+v", stale, ans[len(ans)-1])
		}
	}
	if _, b, _ := h.db.Batch(ctx, id); b.Location == "Hotel <Patra>, Semarang" {
		t.Fatal("a stale button saved the change")
	}
	a.Press(t, preview, "✅ Simpan dan beri tahu peserta")
	expect(t, a, "Perubahan disimpan", "3 peserta")
	for _, u := range people {
		m := nextWith(t, u, "Hotel <Patra>")
		if !strings.Contains(m.Text, "Selasa, 5 Januari 2027") || !strings.Contains(m.Text, "Selasa, 29 Desember 2026") {
			t.Errorf("%s's notice: %q", u.FirstName, m.Text)
		}
		// The online link is for those holding a seat: the waiting list is told there is one.
		if waits := u == people[2]; strings.Contains(m.Text, "zoom.example") == waits {
			t.Errorf("%s (waiting: %v) and the link: %q", u.FirstName, waits, m.Text)
		}
		if u != people[2] {
			if ics := u.Next(t); ics.Document == nil || !strings.Contains(string(ics.Document.Content), "zoom.example") {
				t.Errorf("%s got no updated calendar file with the link: %+v", u.FirstName, ics)
			}
		}
	}
	waitJobs(t, h, "change_notice")
	for _, u := range people {
		if n := countWith(u, "Perubahan jadwal"); n != 2 {
			t.Errorf("%s was told %d times of two changes", u.FirstName, n)
		}
	}
	// Saving the same change again directly tells no one.
	if n, err := h.db.ChangeBatch(ctx, id, flows.BatchChange{Place: true, Location: "Hotel <Patra>, Semarang",
		OnlineURL: "https://zoom.example/j/123"}, testNow, testActor); err != nil || n != 0 {
		t.Errorf("the same change again: %d told, %v", n, err)
	}
	// Another command leaves an unsaved change behind, and works.
	a.Send("/ubahjadwal JDW-01 II")
	card = expect(t, a, "Angkatan II")
	a.Press(t, card, "📍 Tempat/tautan")
	expect(t, a, "Kirim tempat yang baru")
	a.Send("/peserta JDW-01")
	expect(t, a, "Peserta Pengadaan Barang/Jasa")
	a.Next(t) // the CSV
	a.Next(t) // the spreadsheet
	a.Send("Gedung Baru")
	expect(t, a, "belum terdaftar") // an admin without a profile: not taken as a place
	if _, b, _ := h.db.Batch(ctx, h.batchID("JDW-01", "Angkatan II")); b.Location != batch("", 0, 0, 1).Location {
		t.Errorf("Angkatan II moved to %q", b.Location)
	}
	// A participant cannot use it.
	people[0].Send("/ubahjadwal JDW-01 Angkatan I")
	expect(t, people[0], "khusus untuk admin")

	// Each change saved in chat is reported to the admin once its notices have gone.
	h.clock.Set(testNow.Add(time.Minute))
	h.waitJobsDone(t)
	reports := 0
	for _, m := range a.Messages() {
		if strings.Contains(m.Text, "Pemberitahuan perubahan jadwal terkirim") {
			reports++
			expectText(t, m, "Pengadaan Barang/Jasa — Angkatan I", "Sampai kepada 3 dari 3 peserta")
		}
	}
	if reports != 2 {
		t.Errorf("%d reports of two changes", reports)
	}
}

// TestAdminCancelsABatch: everyone concerned is told once, offered the course's other open
// batch, their enrolments are cancelled and their reminders removed.
func TestAdminCancelsABatch(t *testing.T) {
	t.Parallel()
	admin := newUserID()
	h := newHarness(t, map[string]string{"ADMIN_IDS": itoa(admin)})
	h.seed(course("JDW-02", "Kearsipan Digital", batch("Angkatan I", 30, 2, 1), batch("Angkatan II", 60, 2, 30)))
	id := h.batchID("JDW-02", "Angkatan I")
	ctx := context.Background()
	people, seats := h.enrolled(t, id, 320, "Dewi", "Eko") // Eko waits
	blocked, _ := h.enrolled(t, id, 330, "Fajar")          // waits too, and blocks the bot
	blocked[0].Block()
	a := h.tg.User(admin, "Admin")
	a.Send("/ubahjadwal JDW-02 Angkatan I")
	card := expect(t, a, "Ubah jadwal angkatan")
	a.Press(t, card, "🛑 Batalkan angkatan")
	ask := expect(t, a, "1 peserta terdaftar dan 2 dalam daftar tunggu")
	a.Press(t, ask, "🛑 Ya, batalkan angkatan")
	expect(t, a, "Angkatan dibatalkan", "3 peserta")
	a.PressData(ask, "j:xy:"+itoa(id)) // a second tap that raced the edit: nothing more happens
	for _, u := range people {
		m := nextWith(t, u, "Angkatan dibatalkan")
		if !strings.Contains(m.Text, "Kearsipan Digital") || !strings.Contains(m.Text, "Angkatan I (Selasa, 22 Desember 2026 pukul 08.00 WIB)") {
			t.Errorf("%s: %q", u.FirstName, m.Text)
		}
	}
	waitJobs(t, h, "batch_cancel_notice")
	for i, u := range people {
		if n := countWith(u, "Angkatan dibatalkan"); n != 1 {
			t.Errorf("%s was told %d times", u.FirstName, n)
		}
		var st string
		h.db.Gorm().Raw("SELECT status FROM enrolments WHERE id = ?", seats[i].ID).Scan(&st)
		if st != string(flows.Cancelled) {
			t.Errorf("%s's enrolment is %q", u.FirstName, st)
		}
		if got := h.reminderJobs(seats[i].ID); len(got) != 0 {
			t.Errorf("%s still has reminders %v", u.FirstName, got)
		}
	}
	// The notice offers Angkatan II; its button asks to enrol there.
	m := people[0].Messages()[len(people[0].Messages())-1]
	people[0].Press(t, m, "📝 Angkatan II · 21 Jan 2027")
	expect(t, people[0], "Angkatan II")
	// Cancelling again directly does nothing more.
	if n, err := h.db.CancelBatch(ctx, id, testNow, testActor); err != nil || n != 0 {
		t.Errorf("cancelling again: %d told, %v", n, err)
	}
	// Once the notices have gone, the admin hears how they went.
	h.clock.Set(testNow.Add(time.Minute))
	report := nextWith(t, a, "Pemberitahuan pembatalan terkirim")
	expectText(t, report, "Kearsipan Digital — Angkatan I", "Sampai kepada 2 dari 3 peserta", "Tidak sampai kepada 1")
	file := a.Next(t)
	if file.Document == nil || !strings.Contains(string(sheetRows(t, file.Document.Content)[1][0]), "Fajar") {
		t.Errorf("the report's file: %+v", file)
	}
	// The cancelled batch is gone from the catalogue page.
	if _, batches, err := h.db.Course(ctx, "JDW-02"); err != nil || len(batches) != 1 || batches[0].Name != "Angkatan II" {
		t.Errorf("course batches %+v %v", batches, err)
	}
}

// enrolled makes participants (NIP numbers from n) who have opened a chat with the bot, and
// enrols them in the batch in that order.
func (h *harness) enrolled(t *testing.T, batchID int64, n int, names ...string) ([]*telegramtest.User, []flows.Enrolment) {
	t.Helper()
	var users []*telegramtest.User
	var seats []flows.Enrolment
	for i, name := range names {
		u := h.tg.User(newUserID(), name)
		h.seedParticipant(u, n+i)
		u.Send("/start")
		nextWith(t, u, "Menu Utama")
		p, _ := h.participant(u.ID)
		e, err := h.db.Enrol(context.Background(), p.ID, batchID, testNow)
		if err != nil {
			t.Fatal(err)
		}
		users, seats = append(users, u), append(seats, e)
	}
	return users, seats
}

// waitJobs waits until River has finished every job of kind.
func waitJobs(t *testing.T, h *harness, kind string) {
	t.Helper()
	// Time-bound rather than a count of tries: on a loaded machine (CI runs the packages side
	// by side) a round of River's polling can take seconds.
	for deadline := time.Now().Add(45 * time.Second); time.Now().Before(deadline); {
		var left int64
		h.db.Gorm().Raw(`SELECT count(*) FROM river_job WHERE kind = ? AND state NOT IN ('completed','cancelled','discarded')`, kind).Scan(&left)
		if left == 0 {
			return
		}
		h.tg.WaitIdle(t)
		sleepBriefly()
	}
	t.Fatalf("%s jobs still unfinished", kind)
}

func sleepBriefly() { time.Sleep(50 * time.Millisecond) }
