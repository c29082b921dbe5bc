package main

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/go-telegram/bot/models"

	"github.com/bpsdm/asnbot/bot/telegramtest"
	"github.com/bpsdm/asnbot/flows"
)

// audienceFixture: two courses; Angkatan I of SRN-01 has two seats taken and one person
// waiting, Angkatan II one seat; SRN-02 one seat; one person is enrolled nowhere. Agencies
// are written in different ways.
type audienceFixture struct {
	h                                *harness
	admin                            *telegramtest.User
	ayu, bima, citra, dedi, eka, fia *telegramtest.User
	batch1, batch2                   int64
}

func newAudienceFixture(t *testing.T, extra map[string]string) *audienceFixture {
	t.Helper()
	adminID := newUserID()
	env := map[string]string{"ADMIN_IDS": itoa(adminID), "FLOOD_LIMIT": "1000"}
	for k, v := range extra {
		env[k] = v
	}
	h := newHarness(t, env)
	h.seed(course("SRN-01", "Kepemimpinan Pengawas", batch("Angkatan I", 30, 2, 2), batch("Angkatan II", 60, 2, 10)),
		course("SRN-02", "Pengadaan Barang/Jasa", batch("Angkatan I", 40, 2, 10)))
	f := &audienceFixture{h: h, admin: h.tg.User(adminID, "Admin"),
		batch1: h.batchID("SRN-01", "Angkatan I"), batch2: h.batchID("SRN-01", "Angkatan II")}
	people, _ := h.enrolled(t, f.batch1, 700, "Ayu", "Bima", "Citra") // Citra waits
	f.ayu, f.bima, f.citra = people[0], people[1], people[2]
	more, _ := h.enrolled(t, f.batch2, 710, "Dedi")
	f.dedi = more[0]
	other, _ := h.enrolled(t, h.batchID("SRN-02", "Angkatan I"), 720, "Eka")
	f.eka = other[0]
	f.fia = h.tg.User(newUserID(), "Fia")
	h.seedParticipant(f.fia, 730)
	f.fia.Send("/start")
	nextWith(t, f.fia, "Menu Utama")
	// Agencies as people type them: one agency in three spellings, and another.
	for _, u := range []*telegramtest.User{f.ayu, f.bima} {
		h.db.Gorm().Exec("UPDATE participants SET agency = 'Pemkot Semarang' WHERE telegram_id = ?", u.ID)
	}
	h.db.Gorm().Exec("UPDATE participants SET agency = '  pemprov   JATENG ' WHERE telegram_id = ?", f.fia.ID)
	return f
}

// audience runs /siaran up to the count of the audience the presses choose, and returns the
// count message.
func (f *audienceFixture) audience(t *testing.T, code string, presses ...string) telegramtest.Message {
	t.Helper()
	a := f.admin
	a.Send("/siaran")
	m := expect(t, a, "Kepada siapa")
	a.Press(t, m, presses[0])
	m = a.Next(t)
	if code != "" {
		a.Send(code)
		m = a.Next(t)
	}
	for _, p := range presses[1:] {
		a.Press(t, m, p)
		m = a.Next(t)
	}
	return m
}

// send presses "Kirim sekarang" and waits until the announcement has finished.
func (f *audienceFixture) send(t *testing.T, ctl telegramtest.Message) {
	t.Helper()
	f.admin.Press(t, ctl, "✅ Kirim sekarang")
	expect(t, f.admin, "Siaran #")
	f.h.waitJobsDone(t)
	nextWith(t, f.admin, "selesai")
}

// recipients are who an audience holds now, by Telegram id.
func (f *audienceFixture) recipients(t *testing.T) []int64 {
	t.Helper()
	q := `SELECT p.telegram_id FROM participants p WHERE p.id IN (SELECT participant_id FROM announcement_recipients WHERE announcement_id = ?) ORDER BY 1`
	var id int64
	f.h.db.Gorm().Raw("SELECT max(id) FROM announcements").Scan(&id)
	var out []int64
	f.h.db.Gorm().Raw(q, id).Scan(&out)
	return out
}

func ids(us ...*telegramtest.User) []int64 {
	out := make([]int64, 0, len(us))
	for _, u := range us {
		out = append(out, u.ID)
	}
	slices.Sort(out)
	return out
}

// TestAnnouncementAudiences: each audience holds exactly its people, as the wizard counts
// them and as the announcement reaches them; an empty one sends nothing.
func TestAnnouncementAudiences(t *testing.T) {
	t.Parallel()
	f := newAudienceFixture(t, nil)
	h, a := f.h, f.admin
	ctx := context.Background()
	everyone := []*telegramtest.User{f.ayu, f.bima, f.citra, f.dedi, f.eka, f.fia}

	cases := []struct {
		name    string
		code    string
		presses []string
		want    []*telegramtest.User
	}{
		{"everyone", "", []string{"👥 Semua peserta"}, everyone},
		{"a course", "SRN-01", []string{"📚 Satu pelatihan"}, []*telegramtest.User{f.ayu, f.bima, f.citra, f.dedi}},
		{"a batch's seats", "SRN-01", []string{"🎓 Satu angkatan", "Angkatan I · 22 Des 2026", "✅ Terdaftar"}, []*telegramtest.User{f.ayu, f.bima}},
		{"a batch's waiting list", "SRN-01", []string{"🎓 Satu angkatan", "Angkatan I · 22 Des 2026", "⏳ Daftar tunggu"}, []*telegramtest.User{f.citra}},
		{"a whole batch", "SRN-01", []string{"🎓 Satu angkatan", "Angkatan I · 22 Des 2026", "👥 Keduanya"}, []*telegramtest.User{f.ayu, f.bima, f.citra}},
		{"an agency in any spelling", "", []string{"🏢 Satu instansi", "Pemprov Jateng (4)"}, []*telegramtest.User{f.citra, f.dedi, f.eka, f.fia}},
	}
	for i, tc := range cases {
		m := f.audience(t, tc.code, tc.presses...)
		if !strings.Contains(m.Text, itoa(int64(len(tc.want)))+" orang") {
			t.Fatalf("%s: the count says %q, want %d", tc.name, m.Text, len(tc.want))
		}
		body := "Pengumuman " + itoa(int64(i)) + " untuk {nama}"
		a.Send(body)
		expect(t, a, "Pengumuman "+itoa(int64(i)))
		ctl := expect(t, a, "Begitulah pesan akan diterima")
		f.send(t, ctl)
		if got := f.recipients(t); !slices.Equal(got, ids(tc.want...)) {
			t.Errorf("%s: recipients %v, want %v", tc.name, got, ids(tc.want...))
		}
		for _, u := range everyone {
			got := countWith(u, "Pengumuman "+itoa(int64(i))+" untuk "+u.FirstName+" Peserta")
			if want := slices.Contains(tc.want, u); got != map[bool]int{true: 1, false: 0}[want] {
				t.Errorf("%s: %s got it %d times", tc.name, u.FirstName, got)
			}
		}
	}

	// Those who have not submitted the survey: Ayu has, Bima has not.
	h.clock.Set(day(33, 9))
	if _, err := h.db.OpenSurvey(ctx, f.batch1, h.clock.Now()); err != nil {
		t.Fatal(err)
	}
	var ayuSeat int64
	h.db.Gorm().Raw("SELECT e.id FROM enrolments e JOIN participants p ON p.id = e.participant_id WHERE p.telegram_id = ? AND e.batch_id = ?",
		f.ayu.ID, f.batch1).Scan(&ayuSeat)
	h.db.Gorm().Exec("INSERT INTO survey_completions (survey_id, enrolment_id, submitted_at) SELECT id, ?, now() FROM surveys WHERE batch_id = ?",
		ayuSeat, f.batch1)
	m := f.audience(t, "SRN-01", "📝 Belum isi survei", "Angkatan I · 22 Des 2026")
	if !strings.Contains(m.Text, "1 orang") || !strings.Contains(m.Text, "belum mengisi survei") {
		t.Fatalf("survey audience: %q", m.Text)
	}
	n, sample, err := h.db.Audience(ctx, flows.Audience{Kind: flows.AudienceNoSurvey, BatchID: f.batch1})
	if err != nil || n != 1 || sample.Participant.TelegramID != f.bima.ID {
		t.Errorf("survey audience: %d, %+v, %v", n, sample.Participant.Name, err)
	}
	a.Send("/batal")
	expect(t, a, "dibatalkan")

	// Nobody: Angkatan II has no waiting list.
	m = f.audience(t, "SRN-01", "🎓 Satu angkatan", "Angkatan II · 21 Jan 2027", "⏳ Daftar tunggu")
	if !strings.Contains(m.Text, "Tidak ada penerima") || !hasButton(m, "👥 Semua peserta") {
		t.Fatalf("an empty audience: %q", m.Text)
	}
	a.Send("/batal")
	expect(t, a, "dibatalkan")
	var made int64
	h.db.Gorm().Raw("SELECT count(*) FROM announcements").Scan(&made)
	if made != int64(len(cases)) {
		t.Errorf("%d announcements stored, want %d", made, len(cases))
	}
}

// TestAnnouncementPreviewMediaAndReport: the preview is what a recipient gets, placeholders
// and formatting included; link previews are off unless asked; a photo and a document go;
// a blocked chat is counted apart and listed in the report; a 429 delays but loses nothing.
func TestAnnouncementPreviewMediaAndReport(t *testing.T) {
	t.Parallel()
	f := newAudienceFixture(t, nil)
	h, a := f.h, f.admin
	f.bima.Block()

	f.audience(t, "SRN-01", "🎓 Satu angkatan", "Angkatan I · 22 Des 2026", "👥 Keduanya")
	a.Send("Halo {nip}")
	expect(t, a, "{nip}", "tidak dikenal")
	text := "Yth. {nama}, {pelatihan} {angkatan} mulai {mulai}. Jadwal: https://example.org/jadwal"
	a.SendFormatted(text, []models.MessageEntity{{Type: models.MessageEntityTypeBold, Offset: 0, Length: 4}})
	preview := expect(t, a, "Yth. Ayu Peserta, Kepemimpinan Pengawas Angkatan I mulai Selasa, 22 Desember 2026 pukul 08.00 WIB")
	if !strings.HasPrefix(preview.Raw, "<b>Yth.</b> Ayu Peserta") {
		t.Errorf("the preview lost the formatting: %q", preview.Raw)
	}
	ctl := expect(t, a, "contoh untuk Ayu Peserta", "3 orang")
	h.tg.Fail("sendMessage", 1, telegramtest.Fault{Code: 429, Description: "Too Many Requests: retry after 1", RetryAfter: 1})
	a.Press(t, ctl, "✅ Kirim sekarang")
	status := expect(t, a, "Siaran #", "sedang dikirim")
	if !status.Edited || !hasButton(status, "⛔ Hentikan") {
		t.Errorf("the status: %+v", status)
	}
	h.waitJobsDone(t)
	got := nextWith(t, f.ayu, "Yth. Ayu Peserta")
	if got.Raw != preview.Raw {
		t.Errorf("sent %q\n  but previewed %q", got.Raw, preview.Raw)
	}
	nextWith(t, f.citra, "Yth. Citra Peserta, Kepemimpinan Pengawas Angkatan I")
	for _, c := range h.tg.Calls("sendMessage") {
		if c.Params["chat_id"] == itoa(f.ayu.ID) && strings.Contains(c.Params["text"], "Yth.") &&
			!strings.Contains(c.Params["link_preview_options"], `"is_disabled":true`) {
			t.Errorf("a link preview was not turned off: %v", c.Params)
		}
	}
	done := nextWith(t, a, "selesai")
	expectText(t, done, "Terkirim 2 dari 3", "Tidak terjangkau 1")
	report := a.Next(t)
	if report.Document == nil || !strings.HasSuffix(report.Document.Name, "-tidak-terkirim.xlsx") {
		t.Fatalf("the report: %+v", report)
	}
	rows := sheetRows(t, report.Document.Content)
	if len(rows) != 2 || rows[1][0] != "Bima Peserta" || rows[1][2] != "unreachable" {
		t.Errorf("the report's rows: %v", rows)
	}
	if n := countWith(f.ayu, "Yth."); n != 1 {
		t.Errorf("Ayu got it %d times", n)
	}

	// A photo with a caption, to the seats; the preview is the photo as it will go.
	f.audience(t, "SRN-01", "🎓 Satu angkatan", "Angkatan I · 22 Des 2026", "✅ Terdaftar")
	a.SendPhotoCaption("Denah ruang {angkatan}")
	photo := a.Next(t)
	if photo.Photo == nil || photo.Caption != "Denah ruang Angkatan I" {
		t.Fatalf("the photo's preview: %+v", photo)
	}
	ctl = expect(t, a, "Begitulah pesan akan diterima")
	f.send(t, ctl)
	a.Next(t) // the report: Bima is unreachable
	var ayuPhoto telegramtest.Message
	for _, m := range f.ayu.Messages() {
		if m.Photo != nil {
			ayuPhoto = m
		}
	}
	if ayuPhoto.Caption != "Denah ruang Angkatan I" {
		t.Errorf("Ayu's photo: %+v", ayuPhoto)
	}

	// A document, to everyone, with the link preview asked for: the admin's file goes as it is.
	f.audience(t, "", "👥 Semua peserta")
	a.SendDocumentCaption("jadwal.pdf", []byte("%PDF-1.4 jadwal"), "Jadwal terbaru untuk {nama}")
	doc := a.Next(t)
	if doc.Document == nil || doc.Document.Name != "jadwal.pdf" {
		t.Fatalf("the document's preview: %+v", doc)
	}
	ctl = expect(t, a, "Begitulah pesan akan diterima")
	if !hasButton(ctl, "🔗 Pratinjau: mati") {
		t.Errorf("link previews are not off by default: %v", ctl.ButtonTexts())
	}
	a.Press(t, ctl, "✏️ Ubah pesan")
	expect(t, a, "Tulis pesannya")
	a.Send("Info: https://example.org/info")
	expect(t, a, "Info:")
	ctl = expect(t, a, "Begitulah pesan akan diterima")
	a.Press(t, ctl, "🔗 Pratinjau: mati")
	expect(t, a, "Info:")
	ctl = expect(t, a, "Begitulah")
	if !hasButton(ctl, "🔗 Pratinjau: nyala") {
		t.Errorf("the link preview did not turn on: %v", ctl.ButtonTexts())
	}
	f.send(t, ctl)
	nextWith(t, f.eka, "Info: https://example.org/info")
	calls := h.tg.Calls("sendMessage")
	last := calls[len(calls)-1]
	for _, c := range calls {
		if c.Params["chat_id"] == itoa(f.eka.ID) && strings.Contains(c.Params["text"], "Info:") {
			last = c
		}
	}
	if strings.Contains(last.Params["link_preview_options"], "is_disabled") {
		t.Errorf("the link preview asked for is off: %v", last.Params)
	}
}

// TestDocumentAnnouncement: a document with a caption goes to everyone by its file id.
func TestDocumentAnnouncement(t *testing.T) {
	t.Parallel()
	f := newAudienceFixture(t, nil)
	a := f.admin
	f.audience(t, "", "🏢 Satu instansi", "Pemkot Semarang (2)")
	a.SendDocumentCaption("surat.pdf", []byte("%PDF-1.4 surat"), "Surat edaran untuk {nama}")
	doc := a.Next(t)
	if doc.Document == nil || doc.Caption != "Surat edaran untuk Ayu Peserta" {
		t.Fatalf("the document's preview: %+v", doc)
	}
	ctl := expect(t, a, "Begitulah pesan akan diterima", "2 orang")
	f.send(t, ctl)
	for _, u := range []*telegramtest.User{f.ayu, f.bima} {
		var got telegramtest.Message
		for _, m := range u.Messages() {
			if m.Document != nil {
				got = m
			}
		}
		if got.Document == nil || string(got.Document.Content) != "%PDF-1.4 surat" || got.Caption != "Surat edaran untuk "+u.FirstName+" Peserta" {
			t.Errorf("%s's document: %+v", u.FirstName, got)
		}
	}
	for _, u := range []*telegramtest.User{f.citra, f.eka, f.fia} {
		for _, m := range u.Messages() {
			if m.Document != nil {
				t.Errorf("%s of another agency got the document", u.FirstName)
			}
		}
	}
}

// TestScheduledAndStoppedAnnouncements: a scheduled announcement goes at its time on the
// test clock, never in the quiet hours unless urgent; a cancelled one never goes; "Hentikan"
// stops what has not gone.
func TestScheduledAndStoppedAnnouncements(t *testing.T) {
	t.Parallel()
	// One message every two seconds: slow enough to stop half way.
	f := newAudienceFixture(t, map[string]string{"OUT_RATE": "1"})
	h, a := f.h, f.admin

	write := func(body string) telegramtest.Message {
		f.audience(t, "", "👥 Semua peserta")
		a.Send(body)
		expect(t, a, body)
		return expect(t, a, "Begitulah pesan akan diterima", "6 orang")
	}
	ctl := write("Besok pagi ada apel")
	a.Press(t, ctl, "⏰ Jadwalkan")
	expect(t, a, "Ketik waktu kirimnya")
	a.Send("kapan-kapan")
	expect(t, a, "belum dapat dibaca")
	a.Send("21/11/2026 09:00")
	expect(t, a, "sudah lewat")
	a.Send("22/11/2026 22:30")
	expect(t, a, "jam istirahat")
	a.Send("23/11/2026 07:30")
	expect(t, a, "dijadwalkan", "Senin, 23 November 2026 pukul 07.30 WIB")

	ctl = write("Siaran yang dibatalkan")
	a.Press(t, ctl, "⏰ Jadwalkan")
	expect(t, a, "Ketik waktu kirimnya")
	a.Send("23/11/2026 08:00")
	expect(t, a, "dijadwalkan")
	a.Send("/admin")
	menu := expect(t, a, "Menu Admin")
	a.Press(t, menu, "⏰ Siaran terjadwal")
	list := expect(t, a, "Siaran terjadwal", "Senin, 23 November 2026 pukul 07.30 WIB", "Senin, 23 November 2026 pukul 08.00 WIB")
	a.Press(t, list, list.Buttons[1][0].Text)
	ask := expect(t, a, "Pesannya tidak akan dikirim")
	a.Press(t, ask, "🗑 Ya, batalkan")
	expect(t, a, "dibatalkan")

	// Not yet at 07.29; at 07.30 the first goes, the cancelled one never.
	h.clock.Set(time.Date(2026, 11, 23, 0, 29, 0, 0, time.UTC))
	h.waitJobsDone(t)
	if countWith(f.ayu, "Besok pagi ada apel") != 0 {
		t.Fatal("the scheduled announcement went early")
	}
	h.clock.Set(time.Date(2026, 11, 23, 1, 30, 0, 0, time.UTC))
	waitJobs(t, h, "announcement_send")
	h.clock.Set(time.Date(2026, 11, 23, 2, 30, 0, 0, time.UTC))
	h.waitJobsDone(t)
	nextWith(t, a, "selesai") // the status of the scheduled one, posted when it started
	for _, u := range []*telegramtest.User{f.ayu, f.bima, f.citra, f.dedi, f.eka, f.fia} {
		if countWith(u, "Besok pagi ada apel") != 1 || countWith(u, "Siaran yang dibatalkan") != 0 {
			t.Errorf("%s: %d scheduled, %d cancelled", u.FirstName, countWith(u, "Besok pagi ada apel"), countWith(u, "Siaran yang dibatalkan"))
		}
	}

	// Send now, and stop it after the first messages.
	ctl = write("Siaran yang dihentikan")
	a.Press(t, ctl, "✅ Kirim sekarang")
	status := expect(t, a, "sedang dikirim")
	for range 100 {
		var sent int
		h.db.Gorm().Raw("SELECT sent FROM announcements ORDER BY id DESC LIMIT 1").Scan(&sent)
		if sent >= 1 {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	a.Press(t, status, "⛔ Hentikan")
	stopped := nextWith(t, a, "dihentikan")
	expectText(t, stopped, "Tidak dikirim")
	waitJobs(t, h, "announcement_send") // every job, those waiting for the limit too, has run
	h.tg.WaitIdle(t)
	got := 0
	for _, u := range []*telegramtest.User{f.ayu, f.bima, f.citra, f.dedi, f.eka, f.fia} {
		got += countWith(u, "Siaran yang dihentikan")
	}
	var row struct{ Sent, Skipped int }
	h.db.Gorm().Raw("SELECT sent, skipped FROM announcements ORDER BY id DESC LIMIT 1").Scan(&row)
	if got == 0 || got >= 6 || row.Sent != got || row.Sent+row.Skipped != 6 {
		t.Errorf("stopped: %d reached, counted %+v", got, row)
	}
}
