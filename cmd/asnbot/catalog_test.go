package main

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-telegram/bot/models"

	"github.com/bpsdm/asnbot/bot/telegramtest"
	"github.com/bpsdm/asnbot/flows"
	"github.com/bpsdm/asnbot/flows/asn"
	"github.com/bpsdm/asnbot/flows/catalogfile"
)

var wib = mustZone("Asia/Jakarta")

func mustZone(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// day is a wall-clock time in WIB, days after the test's today.
func day(days, hour int) time.Time {
	n := testNow.In(wib)
	return time.Date(n.Year(), n.Month(), n.Day()+days, hour, 0, 0, 0, wib)
}

// batch is a batch days ahead, registration open since yesterday until the day before.
func batch(name string, startDay, lengthDays, quota int) catalogfile.Batch {
	return catalogfile.Batch{Name: name, Start: day(startDay, 8), End: day(startDay+lengthDays, 16), TimeZone: "Asia/Jakarta",
		Location: "Kampus BPSDM, Jl. Setiabudi 201A, Semarang", Quota: quota, RegOpens: day(-1, 0), RegCloses: day(startDay-1, 23)}
}

func course(code, title string, batches ...catalogfile.Batch) catalogfile.Course {
	return catalogfile.Course{Code: code, Title: title, Category: "Teknis", Method: "klasikal", JP: 32,
		Description: "Menyusun analisis jabatan dan beban kerja.", Audience: "Pengelola kepegawaian", Published: true, Batches: batches}
}

func (h *harness) seed(courses ...catalogfile.Course) {
	h.t.Helper()
	if _, err := h.db.Import(context.Background(), courses, testNow, testActor); err != nil {
		h.t.Fatal(err)
	}
}

func (h *harness) batchID(code, name string) int64 {
	h.t.Helper()
	_, batches, err := h.db.Course(context.Background(), code)
	if err != nil {
		h.t.Fatal(err)
	}
	for _, b := range batches {
		if b.Name == name {
			return b.ID
		}
	}
	h.t.Fatalf("no batch %s %s", code, name)
	return 0
}

// enrolmentsOf returns the statuses of the participant's enrolments, by batch name.
func (h *harness) enrolmentsOf(telegramID int64) map[string]flows.EnrolmentStatus {
	h.t.Helper()
	p, ok := h.participant(telegramID)
	if !ok {
		h.t.Fatalf("no participant %d", telegramID)
	}
	list, err := h.db.Enrolments(context.Background(), p.ID)
	if err != nil {
		h.t.Fatal(err)
	}
	out := map[string]flows.EnrolmentStatus{}
	for _, e := range list {
		out[e.Course.Code+"/"+e.Batch.Name] = e.Status
	}
	return out
}

// nipFor is a valid NIP, distinct for each n: the sequence and gender first, then the birth day.
func nipFor(n int) string {
	born := time.Date(1986, 9, 1+n/1998, 0, 0, 0, 0, time.UTC)
	return fmt.Sprintf("%s201505%d%03d", born.Format("20060102"), 1+n%2, 1+(n/2)%999)
}

// seedParticipant stores a profile directly, for tests about what comes after onboarding.
func (h *harness) seedParticipant(u *telegramtest.User, n int) {
	h.t.Helper()
	p := flows.Participant{TelegramID: u.ID, ChatID: u.ID, Name: u.FirstName + " Peserta", Kind: asn.PNS,
		NIP: nipFor(n), Agency: "Pemprov Jateng",
		Unit: "BPSDM", Position: "Analis", Rank: "III/a", Phone: "+6281234567890", ConsentAt: testNow}
	if err := h.db.SaveParticipant(context.Background(), &p); err != nil {
		h.t.Fatal(err)
	}
}

func TestEnrolCancelAndPromote(t *testing.T) {
	t.Parallel()
	h := newHarness(t, map[string]string{"FLOOD_LIMIT": "1000"})
	h.seed(course("TEK-ANJAB", "Analisis Jabatan dan Beban Kerja", batch("Angkatan I", 30, 3, 1)))
	a := h.tg.User(newUserID(), "Ani")
	register(t, a, validNIP)

	a.Send("/katalog")
	list := expect(t, a, "Katalog Pelatihan", "1. Analisis Jabatan dan Beban Kerja", "32 JP", "Klasikal · 📍 Semarang",
		"🗓 Selasa, 22 Desember 2026 · sisa 1 tempat")
	a.Press(t, list, "1")
	detail := expect(t, a, "TEK-ANJAB", "Angkatan I", "Kampus BPSDM", "Sisa tempat 1 dari 1",
		"Selasa, 22 Desember 2026 pukul 08.00 WIB")
	if !detail.Edited {
		t.Error("the course detail did not replace the list in place")
	}
	a.Press(t, detail, "📝 Daftar Angkatan I")
	confirm := expect(t, a, "Konfirmasi pendaftaran")
	a.Press(t, confirm, "✅ Ya, daftar")
	done := expect(t, a, "Pendaftaran berhasil", "Angkatan I", "Kampus BPSDM", "Selanjutnya", "Tempat Anda sudah pasti",
		"Kami kirim pengingat 3 hari sebelumnya pukul 09.00, 1 hari sebelumnya pukul 09.00, dan 1 jam sebelum mulai.",
		"batalkan lewat 🗂 Pelatihan Saya")
	if strings.Contains(done.Text, "Tautan kelas daring") || strings.Contains(done.Text, "WhatsApp") {
		t.Errorf("a classroom batch without a contact: %q", done.Text)
	}
	ics := a.Next(t)
	if ics.Document == nil || !strings.HasSuffix(ics.Document.Name, ".ics") ||
		!strings.Contains(string(ics.Document.Content), "BEGIN:VEVENT") ||
		!strings.Contains(string(ics.Document.Content), "DTSTART:20261222T010000Z") {
		t.Fatalf("no calendar file: %+v", ics)
	}

	// The batch is full: the next person is offered the waiting list, through a deep link.
	b := h.tg.User(newUserID(), "Budi")
	register(t, b, validNIPPPPK)
	b.Send("/start c_TEK-ANJAB")
	detail = expect(t, b, "Kuota penuh")
	b.Press(t, detail, "⏳ Daftar tunggu Angkatan I")
	confirm = expect(t, b, "sudah penuh", "orang ke-1")
	b.Press(t, confirm, "⏳ Masuk daftar tunggu")
	expect(t, b, "urutan ke-1 daftar tunggu")

	a.Send("/saya")
	mine := expect(t, a, "Pelatihan Saya", "Akan datang", "1. Analisis Jabatan dan Beban Kerja — Angkatan I")
	if strings.Contains(strings.Join(mine.ButtonTexts(), " "), "Batalkan") {
		t.Errorf("cancelling is the first thing shown: %v", mine.ButtonTexts())
	}
	a.Press(t, mine, "1")
	page := expect(t, a, "Analisis Jabatan dan Beban Kerja", "Status: terdaftar", "Selasa, 22 Desember 2026 pukul 08.00 WIB",
		"Kampus BPSDM", "Buka peta", "32 JP")
	a.Press(t, page, "❌ Batalkan pendaftaran")
	ask := expect(t, a, "Batalkan pendaftaran", "diberikan kepada peserta berikutnya")
	a.Press(t, ask, "⬅️ Kembali")
	page = expect(t, a, "Status: terdaftar")
	a.Press(t, page, "❌ Batalkan pendaftaran")
	ask = expect(t, a, "Batalkan pendaftaran")
	a.Press(t, ask, "❌ Ya, batalkan")
	expect(t, a, "sudah dibatalkan")
	offer := expect(t, b, "Kabar baik", "Masih bisa ikut?", "Angkatan I")
	b.Press(t, offer, "✅ Ya, saya ikut")
	expect(t, b, "tempat Anda sudah pasti", "Angkatan I")
	if m := b.Next(t); m.Document == nil {
		t.Errorf("the promoted participant got no calendar file: %+v", m)
	}
	if got := h.enrolmentsOf(a.ID)["TEK-ANJAB/Angkatan I"]; got != flows.Cancelled {
		t.Errorf("a: %s", got)
	}
	if got := h.enrolmentsOf(b.ID)["TEK-ANJAB/Angkatan I"]; got != flows.Registered {
		t.Errorf("b: %s", got)
	}
	// The old cancel button, pressed again, changes nothing.
	a.PressData(ask, ask.Buttons[0][0].CallbackData)
	expect(t, a, "tidak dapat dibatalkan")
}

// A deep link shows the course to a new user before any consent; the consent and the
// profile come when they tap "Daftar", and then they land on the confirmation of the batch
// they chose, one tap from enrolled.
func TestDeepLinkShowsTheCourseBeforeConsent(t *testing.T) {
	t.Parallel()
	h := newHarness(t, nil)
	h.seed(course("MAN-ASN", "Manajemen ASN", batch("Angkatan I", 20, 2, 30), batch("Angkatan II", 40, 2, 30)))
	u := h.tg.User(newUserID(), "Citra")
	u.Send("/start c_MAN-ASN")
	detail := expect(t, u, "Manajemen ASN", "Angkatan I", "Angkatan II")
	if strings.Contains(detail.Text, "Apakah Anda setuju") {
		t.Fatalf("consent asked before the course: %q", detail.Text)
	}
	if _, ok := h.participant(u.ID); ok {
		t.Fatal("a profile exists before any answer")
	}
	u.Press(t, detail, "📝 Daftar Angkatan II")
	consent := expect(t, u, "mengisi profil satu kali saja", "Apakah Anda setuju")
	u.Press(t, consent, "✅ Setuju")
	expect(t, u, "persetujuan")
	expect(t, u, "nama lengkap")
	for _, a := range []string{"Citra Kirana", validNIP, "Pemprov Jateng", "BKD", "Analis SDM Aparatur"} {
		u.Send(a)
		u.Next(t)
	}
	u.Send("III/b")
	expect(t, u, "Golongan: III/b")
	u.Next(t)
	u.Send("081234567890")
	u.Next(t)
	summary := expect(t, u, "Periksa kembali")
	u.Press(t, summary, "✅ Benar, simpan")
	expect(t, u, "tersimpan")
	confirm := expect(t, u, "Konfirmasi pendaftaran", "Manajemen ASN", "Angkatan II")
	u.Press(t, confirm, "✅ Ya, daftar")
	expect(t, u, "Pendaftaran berhasil", "Angkatan II")
	if got := h.enrolmentsOf(u.ID); got["MAN-ASN/Angkatan II"] != flows.Registered || len(got) != 1 {
		t.Errorf("enrolments %v", got)
	}
	// From the link to enrolled: 8 messages typed (the link's /start, five answers, the rank,
	// the phone), 4 taps (Daftar, Setuju, Simpan, Ya), and the bot's messages, pages and
	// confirmations edited in place rather than piled up.
	u.Next(t) // the calendar file
	sent := len(u.Messages())
	t.Logf("taps %d, bot messages %d", len(u.CallbackAnswers()), sent)
	if taps := len(u.CallbackAnswers()); taps != 4 || sent > 14 {
		t.Errorf("%d taps and %d messages from a deep link to enrolled", taps, sent)
	}
}

func TestEnrolmentRefusals(t *testing.T) {
	t.Parallel()
	h := newHarness(t, nil)
	notYet := batch("Angkatan II", 60, 2, 30)
	notYet.RegOpens = day(10, 0)
	h.seed(
		course("A-1", "Pelayanan Publik Prima", batch("Angkatan I", 30, 3, 30), notYet),
		course("B-2", "Penulisan Naskah Dinas", batch("Angkatan I", 31, 1, 30)), // overlaps A-1's first batch
	)
	u := h.tg.User(newUserID(), "Dedi")
	register(t, u, validNIP)
	enrol := func(code, batchName string) telegramtest.Message {
		u.Send("/start c_" + code)
		detail := u.Next(t)
		u.PressData(detail, fmt.Sprintf("k:y:%d", h.batchID(code, batchName)))
		return u.Next(t)
	}
	if m := enrol("A-1", "Angkatan I"); !strings.Contains(m.Text, "Pendaftaran berhasil") {
		t.Fatalf("got %q", m.Text)
	}
	u.Next(t) // the calendar file
	if m := enrol("B-2", "Angkatan I"); !strings.Contains(m.Text, "bentrok") || !strings.Contains(m.Text, "Pelayanan Publik Prima") {
		t.Errorf("clash: %q", m.Text)
	}
	if m := enrol("A-1", "Angkatan II"); !strings.Contains(m.Text, "belum dibuka") || !strings.Contains(m.Text, "2 Desember 2026") {
		t.Errorf("window: %q", m.Text)
	}
	if st := h.enrolmentsOf(u.ID); len(st) != 1 {
		t.Errorf("enrolments %v", st)
	}
	// Someone without a profile is asked for one first.
	v := h.tg.User(newUserID(), "Eva")
	v.Send("/katalog")
	list := v.Next(t)
	v.PressData(list, fmt.Sprintf("k:b:%d", h.batchID("A-1", "Angkatan I")))
	expect(t, v, "mengisi profil satu kali saja", "Apakah Anda setuju")
}

func TestCatalogPagesFiltersAndSearch(t *testing.T) {
	t.Parallel()
	h := newHarness(t, nil)
	var courses []catalogfile.Course
	for i := range 12 {
		c := course(fmt.Sprintf("C-%02d", i), fmt.Sprintf("Pelatihan Nomor %02d", i), batch("Angkatan I", 10+i, 1, 20))
		if i%3 == 0 {
			c.Category, c.Method = "Manajerial", "daring"
			c.Batches[0].Location, c.Batches[0].OnlineURL = "", "https://zoom.example/j/1"
		}
		courses = append(courses, c)
	}
	courses[5].Title = "Pengadaan Barang/Jasa Pemerintah"
	h.seed(courses...)
	u := h.tg.User(newUserID(), "Fitri")
	register(t, u, validNIP)
	u.Send("/katalog")
	page := expect(t, u, "12 pelatihan", "halaman 1/3", "1. Pelatihan Nomor 00", "Daring · 💻 daring", "2. Pelatihan Nomor 01",
		"Klasikal · 📍 Semarang", "sisa 20 tempat")
	// One row of numbers, the pages, the filters, the menu.
	if n := len(page.Buttons); n != 1+1+1+1 || strings.Join(page.ButtonTexts()[:5], " ") != "1 2 3 4 5" {
		t.Errorf("%d button rows: %v", n, page.ButtonTexts())
	}
	if page.Buttons[0][1].CallbackData != "k:c:C-01" {
		t.Errorf("button 2 opens %q", page.Buttons[0][1].CallbackData)
	}
	u.Press(t, page, "Berikutnya ▶️")
	page = expect(t, u, "halaman 2/3")
	if !page.Edited {
		t.Error("the next page was sent as a new message")
	}
	u.Press(t, page, "🏷 Kategori")
	chooser := expect(t, u, "Pilih kategori")
	u.Press(t, chooser, "Manajerial")
	page = expect(t, u, "Filter: Manajerial", "4 pelatihan", "Daring")
	u.Press(t, page, "🖥 Metode")
	chooser = expect(t, u, "Pilih metode")
	u.Press(t, chooser, "Klasikal")
	expect(t, u, "Tidak ada pelatihan") // no classroom course in Manajerial

	u.Send("pengadaan barang")
	expect(t, u, "Pencarian", "1 pelatihan", "Pengadaan Barang/Jasa Pemerintah")
	u.Send("xyzabc")
	expect(t, u, "Tidak ada pelatihan yang cocok", "xyzabc")
}

// TestQuotaHoldsUnderConcurrency: 200 participants tap "Ya, daftar" on a 30-seat batch at
// once; exactly 30 get a seat, 170 a place in line, in order of arrival, and nobody an error.
func TestQuotaHoldsUnderConcurrency(t *testing.T) {
	t.Parallel()
	h := newHarness(t, nil)
	h.seed(course("LAT-01", "Literasi Digital", batch("Angkatan I", 30, 2, 30)))
	id := h.batchID("LAT-01", "Angkatan I")
	const n = 200
	users := make([]*telegramtest.User, n)
	details := make([]telegramtest.Message, n)
	for i := range users {
		users[i] = h.tg.User(int64(100000+i), fmt.Sprintf("P%03d", i))
		h.seedParticipant(users[i], i)
		users[i].Send("/start c_LAT-01")
	}
	for i, u := range users {
		details[i] = expect(t, u, "Literasi Digital")
	}
	var wg sync.WaitGroup
	for i, u := range users {
		wg.Add(1)
		go func() {
			defer wg.Done()
			u.PressData(details[i], fmt.Sprintf("k:y:%d", id))
		}()
	}
	wg.Wait()
	h.tg.WaitIdle(t)
	var registered, waiting int
	positions := map[string]bool{}
	for _, u := range users {
		m := u.Last()
		switch {
		case strings.Contains(m.Text, "Pendaftaran berhasil") || strings.Contains(m.Text, "calendar"):
			registered++
		case strings.Contains(m.Text, "urutan ke-"):
			waiting++
			positions[m.Text[strings.Index(m.Text, "urutan ke-"):]] = true
		default:
			if m.Document != nil {
				registered++
				continue
			}
			t.Errorf("%s saw %q", u.FirstName, m.Text)
		}
	}
	if registered != 30 || waiting != 170 || len(positions) != 170 {
		t.Errorf("%d registered, %d waiting (%d distinct places), want 30 and 170", registered, waiting, len(positions))
	}
	// Arrival is the order seats were decided in (enrolments.queued: an enrolment's id is
	// taken before it waits for the seat lock).
	var total int
	var lastSeat, firstWait int64
	err := h.db.Gorm().Raw(`SELECT count(*), max(queued) FILTER (WHERE status = 'terdaftar'),
		min(queued) FILTER (WHERE status = 'daftar_tunggu') FROM enrolments WHERE batch_id = ?`, id).
		Row().Scan(&total, &lastSeat, &firstWait)
	if err != nil {
		t.Fatal(err)
	}
	if total != n || lastSeat > firstWait {
		t.Errorf("%d enrolments; seats not given in order of arrival (last seat %d, first in line %d)", total, lastSeat, firstWait)
	}
}

// TestFiveTapsMakeOneEnrolment: a weak signal, a thumb tapping "Daftar" five times.
func TestFiveTapsMakeOneEnrolment(t *testing.T) {
	t.Parallel()
	h := newHarness(t, nil)
	h.seed(course("PUB-01", "Public Speaking", batch("Angkatan I", 30, 2, 30)))
	id := h.batchID("PUB-01", "Angkatan I")
	u := h.tg.User(newUserID(), "Gilang")
	h.seedParticipant(u, 7)
	u.Send("/start c_PUB-01")
	detail := u.Next(t)
	var wg sync.WaitGroup
	for range 5 {
		wg.Add(1)
		go func() { defer wg.Done(); u.PressData(detail, fmt.Sprintf("k:y:%d", id)) }()
	}
	wg.Wait()
	h.tg.WaitIdle(t)
	if st := h.enrolmentsOf(u.ID); len(st) != 1 || st["PUB-01/Angkatan I"] != flows.Registered {
		t.Errorf("enrolments %v", st)
	}
	if n := len(u.CallbackAnswers()); n != 5 {
		t.Errorf("%d taps answered, want 5", n)
	}
	docs := 0
	for _, m := range u.Messages() {
		if m.Document != nil {
			docs++
		}
	}
	if docs != 1 {
		t.Errorf("%d calendar files, want 1", docs)
	}
}

func TestAdminRoster(t *testing.T) {
	t.Parallel()
	admin := newUserID()
	h := newHarness(t, map[string]string{"ADMIN_IDS": itoa(admin)})
	h.seed(course("TEK-ANJAB", "Analisis Jabatan", batch("Angkatan I", 30, 3, 1)))
	id := h.batchID("TEK-ANJAB", "Angkatan I")
	for i, name := range []string{"Hadi", "Intan"} {
		u := h.tg.User(newUserID(), name)
		h.seedParticipant(u, 20+i)
		u.Send("/start c_TEK-ANJAB")
		u.PressData(u.Next(t), fmt.Sprintf("k:y:%d", id))
		h.tg.WaitIdle(t)
	}
	a := h.tg.User(admin, "Admin")
	h.seedParticipant(a, 40)
	a.Send("/peserta TEK-ANJAB")
	expect(t, a, "Peserta Analisis Jabatan", "Terdaftar 1/1", "daftar tunggu 1", "Hadi Peserta", "tunggu nomor 1")
	csv := a.Next(t)
	if csv.Document == nil || !strings.Contains(string(csv.Document.Content), "Intan Peserta") ||
		!strings.Contains(string(csv.Document.Content), "daftar_tunggu") {
		t.Fatalf("roster file: %+v", csv)
	}
	xlsx := a.Next(t)
	if xlsx.Document == nil || !strings.HasSuffix(xlsx.Document.Name, ".xlsx") || len(xlsx.Document.Content) < 1000 {
		t.Fatalf("roster spreadsheet: %+v", xlsx)
	}
	if cmds := h.tg.Commands("chat:" + itoa(admin)); len(cmds) < 2 || !slices.ContainsFunc(cmds, func(c models.BotCommand) bool { return c.Command == "peserta" }) ||
		!slices.ContainsFunc(cmds, func(c models.BotCommand) bool { return c.Command == "ubahjadwal" }) {
		t.Errorf("admin commands %+v", cmds)
	}
	var exports int64
	h.db.Gorm().Raw("SELECT count(*) FROM audit_log WHERE action = 'ekspor' AND subject LIKE 'peserta-TEK-ANJAB-%' AND actor = ?", admin).Scan(&exports)
	if exports != 1 {
		t.Errorf("the roster export was audited %d times", exports)
	}
	// A participant is not an admin.
	p := h.tg.User(newUserID(), "Joni")
	h.seedParticipant(p, 50)
	p.Send("/peserta TEK-ANJAB")
	expect(t, p, "khusus untuk admin")
}

// coursesNow is the filter for the whole catalogue at the test's today.
func coursesNow() flows.CourseFilter { return flows.CourseFilter{Now: testNow, Limit: 100} }

// Review defect 4: button data is the user's to forge, and batch ids are sequential. A batch
// of a course withdrawn from the catalogue shows nothing (not its title, nor its online link
// and password) to whoever names it.
func TestForgedButtonsShowNoUnpublishedCourse(t *testing.T) {
	t.Parallel()
	h := newHarness(t, nil)
	hidden := course("RHS-01", "Pelatihan Rahasia", batch("Angkatan I", 20, 2, 30))
	hidden.Published = false
	hidden.Method = "daring"
	hidden.Batches[0].OnlineURL = "https://zoom.us/j/123456?pwd=rahasia"
	h.seed(hidden, course("MAN-ASN", "Manajemen ASN", batch("Angkatan I", 20, 2, 30)))
	var id int64
	err := h.db.Gorm().Raw("SELECT b.id FROM batches b JOIN courses c ON c.id = b.course_id WHERE c.code = 'RHS-01'").Scan(&id).Error
	if err != nil || id == 0 {
		t.Fatalf("the withdrawn batch: %d %v", id, err)
	}
	u := h.tg.User(newUserID(), "Eko")
	register(t, u, validNIP)
	for _, data := range []string{fmt.Sprintf("k:b:%d", id), fmt.Sprintf("k:y:%d", id), "k:c:RHS-01"} {
		before := len(u.Messages())
		u.PressData(u.Last(), data)
		h.tg.WaitIdle(t)
		for _, m := range u.Messages() {
			if strings.Contains(m.Text, "Rahasia") || strings.Contains(m.Text, "zoom.us") {
				t.Errorf("%s shows the withdrawn course: %q", data, m.Text)
			}
		}
		if len(u.Messages()) < before {
			t.Errorf("%s deleted a message", data)
		}
	}
	if got := h.enrolmentsOf(u.ID); len(got) != 0 {
		t.Errorf("enrolled by a forged button: %v", got)
	}
}

// TestGreetingsOpenTheMenuAndSynonymsFindCourses: typed words outside a conversation search
// the catalogue, but a greeting or a question opens the menu with a hint instead of "no
// course matches 'halo'"; and the words ASN use for trainings (latsar, bimtek, PKP, webinar,
// diklat) find the courses named otherwise (locales/words/pencarian.yaml).
func TestGreetingsOpenTheMenuAndSynonymsFindCourses(t *testing.T) {
	t.Parallel()
	h := newHarness(t, map[string]string{"FLOOD_LIMIT": "1000"}) // one person types a dozen texts at once
	online := course("LD-01", "Literasi Digital", batch("Angkatan I", 12, 1, 20))
	online.Method = "daring"
	online.Batches[0].Location, online.Batches[0].OnlineURL = "", "https://zoom.example/j/1"
	h.seed(
		course("LS-01", "Latihan Dasar CPNS Golongan III", batch("Angkatan I", 10, 5, 30)),
		course("BT-01", "Bimbingan Teknis Pengadaan Barang/Jasa", batch("Angkatan I", 11, 2, 30)),
		course("KP-01", "Pelatihan Kepemimpinan Pengawas", batch("Angkatan I", 13, 5, 30)),
		course("MR-01", "Manajemen Risiko", batch("Angkatan I", 14, 2, 30)),
		online,
	)
	u := h.tg.User(newUserID(), "Sari")
	register(t, u, validNIP)

	for _, greeting := range []string{"halo", "Selamat pagi, Pak", "cara daftar?", "Assalamualaikum"} {
		u.Send(greeting)
		m := expect(t, u, "Menu Utama", "Untuk mencari pelatihan")
		if strings.Contains(m.Text, "Tidak ada pelatihan") || len(m.Buttons) == 0 {
			t.Errorf("%q: %q with buttons %v", greeting, m.Text, m.ButtonTexts())
		}
	}

	for _, tt := range []struct {
		typed string
		found []string
		count string
	}{
		{"latsar", []string{"Latihan Dasar CPNS"}, "1 pelatihan"},
		{"bimtek pengadaan", []string{"Bimbingan Teknis Pengadaan"}, "1 pelatihan"},
		{"PKP", []string{"Kepemimpinan Pengawas"}, "1 pelatihan"},
		{"webinar", []string{"Literasi Digital"}, "1 pelatihan"},
		{"diklat", []string{"Pelatihan Kepemimpinan Pengawas"}, "1 pelatihan"},
		{"manajemen risiko", []string{"Manajemen Risiko"}, "1 pelatihan"},
	} {
		u.Send(tt.typed)
		m := expect(t, u, append([]string{"Pencarian", tt.count}, tt.found...)...)
		if strings.Contains(m.Text, "Tidak ada") {
			t.Errorf("%q: %q", tt.typed, m.Text)
		}
	}
	u.Send("akuntansi forensik")
	expect(t, u, "Tidak ada pelatihan yang cocok", "akuntansi forensik")
}
