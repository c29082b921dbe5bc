package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/bpsdm/asnbot/flows/catalogfile"
)

// "Pelatihan Saya" in sections: what is on now, what is coming, the waiting list with the
// place in line, and history; each training opens a page with its dates, place (a map for an
// address, the online link only to a seat holder), JP, the calendar file again, and cancelling
// behind a confirmation.
func TestMyTrainingsSectionsAndDetail(t *testing.T) {
	t.Parallel()
	h := newHarness(t, map[string]string{"FLOOD_LIMIT": "1000"})
	ctx := context.Background()
	// On now: started yesterday at 08.00, ends tomorrow; its registration closed before.
	now := batch("Angkatan I", -1, 2, 30)
	now.RegOpens, now.RegCloses = day(-20, 0), day(-2, 23)
	now.Location, now.OnlineURL = "", "https://zoom.example/j/777"
	online := course("BER-01", "Literasi Digital", now)
	online.Method = "daring"
	full := batch("Angkatan I", 25, 2, 1)
	full.OnlineURL = "https://zoom.example/j/888"
	full.Location = "Aula BKD, Semarang"
	mixed := course("PEN-01", "Penulisan Naskah Dinas", full)
	mixed.Method = "blended"
	h.seed(online, course("MAN-ASN", "Manajemen ASN", batch("Angkatan I", 20, 2, 30)), mixed,
		course("SEJ-01", "Sejarah Pemerintahan", batch("Angkatan I", 40, 2, 30)))

	u := h.tg.User(newUserID(), "Rina")
	register(t, u, validNIP)
	p, _ := h.participant(u.ID)
	if _, err := h.db.Enrol(ctx, p.ID, h.batchID("BER-01", "Angkatan I"), day(-10, 9)); err != nil {
		t.Fatal(err)
	}
	other := h.tg.User(newUserID(), "Sari")
	h.seedParticipant(other, 5)
	o, _ := h.participant(other.ID)
	for _, e := range []struct {
		who  int64
		code string
	}{{o.ID, "PEN-01"}, {p.ID, "PEN-01"}, {p.ID, "MAN-ASN"}, {p.ID, "SEJ-01"}} {
		if _, err := h.db.Enrol(ctx, e.who, h.batchID(e.code, "Angkatan I"), testNow); err != nil {
			t.Fatal(err)
		}
	}
	list, _ := h.db.Enrolments(ctx, p.ID)
	for _, e := range list {
		if e.Course.Code == "SEJ-01" {
			if _, _, err := h.db.Cancel(ctx, p.ID, e.ID, testNow); err != nil {
				t.Fatal(err)
			}
		}
	}

	u.Send("/saya")
	mine := expect(t, u, "Pelatihan Saya",
		"Sedang berlangsung", "1. Literasi Digital — Angkatan I", "s.d. Senin, 23 November 2026",
		"Akan datang", "2. Manajemen ASN — Angkatan I", "Sabtu, 12 Desember 2026",
		"Daftar tunggu", "3. Penulisan Naskah Dinas — Angkatan I", "urutan ke-1",
		"Riwayat", "4. Sejarah Pemerintahan — Angkatan I", "dibatalkan")
	order := []string{"Sedang berlangsung", "Akan datang", "Daftar tunggu", "Riwayat"}
	for i := 1; i < len(order); i++ {
		if strings.Index(mine.Text, order[i-1]) > strings.Index(mine.Text, order[i]) {
			t.Errorf("%s comes after %s: %q", order[i-1], order[i], mine.Text)
		}
	}
	if got := strings.Join(mine.ButtonTexts()[:4], " "); got != "1 2 3 4" || len(mine.Buttons[0]) != 4 {
		t.Errorf("number buttons %v", mine.ButtonTexts())
	}
	if strings.Contains(mine.Text, "zoom.example") {
		t.Errorf("links in the list: %q", mine.Text)
	}

	// On now: the link, no cancelling (it has started), the calendar file again.
	u.Press(t, mine, "1")
	page := expect(t, u, "Literasi Digital", "Status: terdaftar", "Sabtu, 21 November 2026 pukul 08.00 WIB",
		"https://zoom.example/j/777", "32 JP")
	if !page.Edited {
		t.Error("the detail page did not replace the list")
	}
	if labels := strings.Join(page.ButtonTexts(), "|"); strings.Contains(labels, "Batalkan") || !strings.Contains(labels, "🗓 Kirim berkas kalender") {
		t.Errorf("buttons of a training on now: %v", page.ButtonTexts())
	}
	u.Press(t, page, "🗓 Kirim berkas kalender")
	ics := u.Next(t)
	if ics.Document == nil || !strings.Contains(string(ics.Document.Content), "zoom.example/j/777") ||
		len(ics.Buttons) != 1 || !strings.HasPrefix(ics.Buttons[0][0].URL, "https://calendar.google.com/calendar/render?") {
		t.Fatalf("calendar file again: %+v", ics)
	}

	// Waiting: the place in line, the address with its map, but not the online link.
	u.Press(t, page, "⬅️ Kembali")
	mine = expect(t, u, "Pelatihan Saya", "Sedang berlangsung")
	u.Press(t, mine, "3")
	page = expect(t, u, "Penulisan Naskah Dinas", "urutan ke-1 daftar tunggu", "Aula BKD, Semarang", "Buka peta",
		"tautan dikirim kepada peserta terdaftar")
	if strings.Contains(page.Text, "zoom.example") || strings.Contains(strings.Join(page.ButtonTexts(), "|"), "kalender") {
		t.Errorf("the waiting list sees the link or a calendar: %q %v", page.Text, page.ButtonTexts())
	}
	u.Press(t, page, "❌ Batalkan pendaftaran")
	ask := expect(t, u, "Batalkan pendaftaran", "keluar dari daftar tunggu")
	u.Press(t, ask, "❌ Ya, batalkan")
	expect(t, u, "sudah dibatalkan")
	if got := h.enrolmentsOf(u.ID)["PEN-01/Angkatan I"]; got != "batal" {
		t.Errorf("PEN-01: %s", got)
	}
	// History opens too, with nothing to cancel.
	u.Send("/saya")
	mine = expect(t, u, "Riwayat", "Penulisan Naskah Dinas", "Sejarah Pemerintahan")
	u.Press(t, mine, "4")
	page = expect(t, u, "Status: dibatalkan")
	if labels := strings.Join(page.ButtonTexts(), "|"); strings.Contains(labels, "Batalkan") || strings.Contains(labels, "kalender") {
		t.Errorf("buttons of a cancelled enrolment: %v", page.ButtonTexts())
	}
	// Another participant's enrolment, named by a forged button, shows nothing.
	u.PressData(page, "s:d:"+itoa(list[0].ID+1000))
	h.tg.WaitIdle(t)
	if ans := u.CallbackAnswers(); !strings.Contains(ans[len(ans)-1].Text, "tidak berlaku") {
		t.Errorf("a forged detail answered %+v", ans[len(ans)-1])
	}
}

// The online link of a batch is for its registered participants: the catalogue and the
// confirmation say there is one; the seat's confirmation and calendar give it.
func TestOnlineLinkOnlyForParticipants(t *testing.T) {
	t.Parallel()
	h := newHarness(t, nil)
	b := batch("Angkatan I", 20, 2, 1)
	b.Location, b.OnlineURL = "", "https://zoom.example/j/555?pwd=rahasia"
	c := course("DAR-01", "Webinar Literasi Digital", b)
	c.Method = catalogfile.MethodOnline
	h.seed(c)
	u := h.tg.User(newUserID(), "Tono")
	u.Send("/katalog")
	list := expect(t, u, "Webinar Literasi Digital", "💻 daring")
	u.Press(t, list, "1")
	page := expect(t, u, "Webinar Literasi Digital", "tautan dikirim kepada peserta terdaftar")
	if strings.Contains(page.Raw, "zoom.example") {
		t.Fatalf("the public course page shows the link: %q", page.Text)
	}
	register(t, u, validNIP)
	u.Send("/start c_DAR-01")
	page = expect(t, u, "Webinar Literasi Digital")
	u.Press(t, page, "📝 Daftar Angkatan I")
	confirm := expect(t, u, "Konfirmasi pendaftaran", "tautan dikirim kepada peserta terdaftar")
	if strings.Contains(confirm.Raw, "zoom.example") {
		t.Fatalf("the confirmation shows the link before the seat is taken: %q", confirm.Text)
	}
	u.Press(t, confirm, "✅ Ya, daftar")
	expect(t, u, "Pendaftaran berhasil", "https://zoom.example/j/555?pwd=rahasia")
	if ics := u.Next(t); ics.Document == nil || !strings.Contains(string(ics.Document.Content), "zoom.example") {
		t.Errorf("the calendar file has no link: %+v", ics)
	}

	// Someone on the waiting list sees it nowhere; the seat holder gets it with the
	// reminders, the day before and an hour before.
	w := h.tg.User(newUserID(), "Wati")
	h.seedParticipant(w, 7)
	w.Send("/menu")
	w.Next(t)
	pw, _ := h.participant(w.ID)
	if e, err := h.db.Enrol(context.Background(), pw.ID, h.batchID("DAR-01", "Angkatan I"), testNow); err != nil || e.Status != "daftar_tunggu" {
		t.Fatalf("the second person: %+v %v", e, err)
	}
	for _, at := range []struct {
		clock time.Time
		lead  string
	}{{day(17, 9).Add(time.Minute), "3 hari lagi"}, {day(19, 9).Add(time.Minute), "besok"}, {day(20, 7).Add(time.Minute), "1 jam lagi"}} {
		h.clock.Set(at.clock)
		nextWith(t, u, at.lead)
		if m := u.Last(); !strings.Contains(m.Text, "https://zoom.example/j/555?pwd=rahasia") {
			t.Errorf("the reminder %q has no link: %q", at.lead, m.Text)
		}
	}
	// Every message with a link was sent without its preview.
	links := 0
	for _, method := range []string{"sendMessage", "editMessageText"} {
		for _, c := range h.tg.Calls(method) {
			if strings.Contains(c.Params["text"], "https://") {
				links++
				if !strings.Contains(c.Params["link_preview_options"], `"is_disabled":true`) {
					t.Errorf("%s with a link and its preview: %q", method, c.Params["text"])
				}
			}
		}
	}
	if links < 4 {
		t.Errorf("only %d messages with a link", links)
	}
	w.Send("/saya")
	expect(t, w, "Daftar tunggu")
	for _, m := range w.Messages() {
		if strings.Contains(m.Raw, "zoom.example") || strings.Contains(m.Text, "Pengingat") {
			t.Errorf("the waiting list got %q", m.Text)
		}
	}
}

// The confirmation says what comes next, with the batch's notes and its contact as a WhatsApp
// link; the training's page in Pelatihan Saya says the same.
func TestConfirmationSaysWhatComesNext(t *testing.T) {
	t.Parallel()
	h := newHarness(t, map[string]string{"FLOOD_LIMIT": "1000"})
	b := batch("Angkatan I", 20, 2, 30)
	b.Notes, b.ContactName, b.ContactWA = "Membawa laptop dan SK jabatan terakhir", "Ibu Rina", "6281234567891"
	h.seed(course("KON-01", "Penyusunan SKP", b))
	u := h.tg.User(newUserID(), "Sinta")
	register(t, u, validNIP)
	u.Send("/start c_KON-01")
	u.Press(t, expect(t, u, "Penyusunan SKP"), "📝 Daftar Angkatan I")
	u.Press(t, expect(t, u, "Konfirmasi pendaftaran"), "✅ Ya, daftar")
	done := expect(t, u, "Pendaftaran berhasil", "Selanjutnya", "Tempat Anda sudah pasti", "Kami kirim pengingat",
		"🎒 Persiapan: Membawa laptop dan SK jabatan terakhir", "Hubungi Ibu Rina lewat WhatsApp: 0812-3456-7891")
	if !strings.Contains(done.Raw, `<a href="https://wa.me/6281234567891">`) {
		t.Errorf("no WhatsApp link: %q", done.Raw)
	}
	if ics := u.Next(t); ics.Document == nil || len(ics.Buttons) != 1 || ics.Buttons[0][0].Text != "📅 Tambahkan ke Google Kalender" ||
		!strings.Contains(ics.Buttons[0][0].URL, "dates=20261212T010000Z%2F20261214T090000Z") {
		t.Errorf("calendar file and Google link: %+v", ics)
	}
	u.Send("/saya")
	u.Press(t, expect(t, u, "Penyusunan SKP"), "1")
	expect(t, u, "Status: terdaftar", "Persiapan: Membawa laptop", "Ibu Rina", "0812-3456-7891")
}
