package main

import (
	"context"
	"io"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/bpsdm/asnbot/bot/telegramtest"
	"github.com/bpsdm/asnbot/flows"
	"github.com/bpsdm/asnbot/flows/catalogfile"
	"github.com/bpsdm/asnbot/flows/survey"
)

// surveyJobs lists an enrolment's survey invitations and nudges still to run, as
// kind@scheduled time in WIB.
func (h *harness) surveyJobs(enrolmentID int64) []string {
	h.t.Helper()
	var rows []struct {
		Kind        string
		ScheduledAt time.Time
	}
	err := h.db.Gorm().Raw(`SELECT kind, scheduled_at FROM river_job WHERE kind IN ('survey_invitation','survey_nudge')
		AND (args->>'enrolment_id')::bigint = ? AND state IN ('scheduled','available') ORDER BY scheduled_at`, enrolmentID).Scan(&rows).Error
	if err != nil {
		h.t.Fatal(err)
	}
	var out []string
	for _, r := range rows {
		out = append(out, strings.TrimPrefix(r.Kind, "survey_")+"@"+r.ScheduledAt.In(wib).Format("2006-01-02 15:04"))
	}
	return out
}

// waitJobsDone waits until River has run every job due by the bot's clock.
func (h *harness) waitJobsDone(t *testing.T) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		var left int64
		h.db.Gorm().Raw(`SELECT count(*) FROM river_job WHERE state IN ('available','running','retryable','pending')
			OR (state = 'scheduled' AND scheduled_at <= ?)`, h.clock.Now()).Scan(&left)
		if left == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d jobs still to run", left)
		}
		time.Sleep(50 * time.Millisecond)
	}
	h.tg.WaitIdle(t)
}

// zoneBatch is a batch of a course in loc: Monday 11 to Wednesday 13 January 2027, 08.00 to
// 16.00 local time.
func zoneBatch(loc *time.Location, name string, trainers ...string) catalogfile.Batch {
	return catalogfile.Batch{Name: "Angkatan I", TimeZone: name, Location: "Aula", Quota: 10, Trainers: trainers,
		Start: time.Date(2027, 1, 11, 8, 0, 0, 0, loc), End: time.Date(2027, 1, 13, 16, 0, 0, 0, loc),
		RegOpens: testNow.Add(-time.Hour), RegCloses: time.Date(2027, 1, 8, 0, 0, 0, 0, loc)}
}

// TestSurveyInvitationsFollowTheClock: each seat is invited an hour after its batch ends, in
// the batch's own zone, and reminded after one and three days until it answers; a batch moved
// moves its invitations, a seat or a batch cancelled drops them.
func TestSurveyInvitationsFollowTheClock(t *testing.T) {
	t.Parallel()
	h := newHarness(t, fastTaps)
	zones := []struct {
		loc  *time.Location
		name string
		abbr string
	}{{wit, "Asia/Jayapura", "WIT"}, {wita, "Asia/Makassar", "WITA"}, {wib, "Asia/Jakarta", "WIB"}}
	var courses []catalogfile.Course
	for _, z := range zones {
		courses = append(courses, course("SRV-"+z.abbr, "Pelatihan "+z.abbr, zoneBatch(z.loc, z.name, "Dr. Ani")))
	}
	courses = append(courses, course("SRV-MOVE", "Pelatihan Pindah", zoneBatch(wib, "Asia/Jakarta")),
		course("SRV-OFF", "Pelatihan Batal", zoneBatch(wib, "Asia/Jakarta")))
	h.seed(courses...)
	ctx := context.Background()
	users := map[string]*telegramtest.User{}
	seats := map[string]int64{}
	for i, code := range []string{"SRV-WIT", "SRV-WITA", "SRV-WIB", "SRV-MOVE", "SRV-OFF"} {
		u, e := h.enrolled(t, h.batchID(code, "Angkatan I"), 400+i, "Peserta"+code[4:])
		users[code], seats[code] = u[0], e[0].ID
	}
	q, eq := h.enrolled(t, h.batchID("SRV-WIB", "Angkatan I"), 420, "Mundur")
	if _, _, err := h.db.Cancel(ctx, eq[0].ParticipantID, eq[0].ID, testNow); err != nil {
		t.Fatal(err)
	}
	// Planned with the seat: 17.00 local on the last day, nudges a day and three days later.
	want := []string{"invitation@2027-01-13 15:00", "nudge@2027-01-14 15:00", "nudge@2027-01-16 15:00"} // 17.00 WIT in WIB
	if got := h.surveyJobs(seats["SRV-WIT"]); !slices.Equal(got, want) {
		t.Errorf("WIT survey jobs %v, want %v", got, want)
	}
	if got := h.surveyJobs(eq[0].ID); len(got) != 0 {
		t.Errorf("a cancelled seat keeps survey jobs %v", got)
	}
	// The moved batch ends a week later; the cancelled one never.
	moveID, offID := h.batchID("SRV-MOVE", "Angkatan I"), h.batchID("SRV-OFF", "Angkatan I")
	if _, err := h.db.ChangeBatch(ctx, moveID, flowsDates(time.Date(2027, 1, 18, 8, 0, 0, 0, wib), time.Date(2027, 1, 20, 16, 0, 0, 0, wib)), testNow, testActor); err != nil {
		t.Fatal(err)
	}
	if got := h.surveyJobs(seats["SRV-MOVE"]); len(got) != 3 || got[0] != "invitation@2027-01-20 17:00" {
		t.Errorf("moved batch's survey jobs %v", got)
	}
	if _, err := h.db.CancelBatch(ctx, offID, testNow, testActor); err != nil {
		t.Fatal(err)
	}
	if got := h.surveyJobs(seats["SRV-OFF"]); len(got) != 0 {
		t.Errorf("cancelled batch keeps survey jobs %v", got)
	}
	nextWith(t, users["SRV-MOVE"], "Perubahan jadwal")
	nextWith(t, users["SRV-OFF"], "dibatalkan")

	// 17.00 comes first in the east.
	for i, z := range zones {
		h.at(z.loc, 2027, 1, 13, 17, 0)
		m := nextWith(t, users["SRV-"+z.abbr], "Evaluasi pelatihan")
		if !strings.Contains(m.Text, "Pelatihan "+z.abbr) || !strings.Contains(m.Text, "20 pertanyaan") ||
			!strings.Contains(m.Text, "Rabu, 27 Januari 2027 pukul 17.00 "+z.abbr) {
			t.Errorf("%s invitation: %q", z.abbr, m.Text)
		}
		for _, later := range zones[i+1:] {
			if got := h.surveyJobs(seats["SRV-"+later.abbr]); len(got) != 3 {
				t.Errorf("at 17.00 %s, %s has %v left", z.abbr, later.abbr, got)
			}
		}
	}
	h.waitJobsDone(t)
	for _, who := range []*telegramtest.User{users["SRV-MOVE"], users["SRV-OFF"], q[0]} {
		if n := countWith(who, "Evaluasi pelatihan"); n != 0 {
			t.Errorf("%s was invited %d times", who.FirstName, n)
		}
	}
	// The WIT participant answers; only the others are reminded the next day, and again two
	// days later.
	invitation := users["SRV-WIT"].Messages()[len(users["SRV-WIT"].Messages())-1]
	expectText(t, answerSurvey(t, users["SRV-WIT"], invitation), "Terima kasih")
	h.at(wib, 2027, 1, 14, 17, 0)
	nextWith(t, users["SRV-WIB"], "belum selesai")
	nextWith(t, users["SRV-WITA"], "belum selesai")
	h.at(wib, 2027, 1, 16, 17, 0)
	nextWith(t, users["SRV-WIB"], "belum selesai")
	h.waitJobsDone(t)
	if n := countWith(users["SRV-WIT"], "belum selesai"); n != 0 {
		t.Errorf("a participant who answered was reminded %d times", n)
	}
	if n := countWith(users["SRV-WITA"], "belum selesai"); n != 2 {
		t.Errorf("WITA reminded %d times, want 2", n)
	}
}

// fastTaps lets a test tap faster than the flood limit lets a person.
var fastTaps = map[string]string{"FLOOD_LIMIT": "500"}

func flowsDates(start, end time.Time) flows.BatchChange {
	return flows.BatchChange{Dates: true, StartsAt: start.UTC(), EndsAt: end.UTC()}
}

// hasButton reports whether m has a button labelled label.
func hasButton(m telegramtest.Message, label string) bool {
	return slices.Contains(m.ButtonTexts(), label)
}

func expectText(t *testing.T, m telegramtest.Message, fragments ...string) {
	t.Helper()
	for _, f := range fragments {
		if !strings.Contains(m.Text, f) {
			t.Fatalf("message %q\n  does not contain %q", m.Text, f)
		}
	}
}

// answerSurvey answers, from m (the invitation or a question), every question as it comes:
// the top of each scale, 9 of 10, the first option of a choice, the first of a multiple
// choice, a short text; then sends the answers and returns the thanks.
func answerSurvey(t *testing.T, u *telegramtest.User, m telegramtest.Message) telegramtest.Message {
	t.Helper()
	if hasButton(m, "📝 Isi survei") {
		u.Press(t, m, "📝 Isi survei")
		m = u.Next(t)
	}
	for range 80 {
		switch {
		case strings.Contains(m.Text, "Kirim sekarang?"):
			u.Press(t, m, "✅ Kirim jawaban")
			return u.Next(t)
		case hasButton(m, "Lanjut ›"):
			u.Press(t, m, m.ButtonTexts()[0])
			m = u.Next(t)
			u.Press(t, m, "Lanjut ›")
		case hasButton(m, "10"):
			u.Press(t, m, "9")
		case hasButton(m, "1") && hasButton(m, "2"):
			u.Press(t, m, m.Buttons[0][len(m.Buttons[0])-1].Text)
		case strings.Contains(m.Text, "Ketik jawaban"):
			u.Send("Materi sangat bermanfaat.")
		case len(m.Buttons) == 0:
			t.Fatalf("a question without buttons: %q", m.Text)
		default:
			u.Press(t, m, m.ButtonTexts()[0])
		}
		m = u.Next(t)
	}
	t.Fatalf("the survey did not end: %q", m.Text)
	return m
}

// TestDefaultSurveyWithTwoTrainers: an admin opens the survey in the closing session; a
// participant answers the whole shipped survey, every trainer by name, goes back, skips,
// types where a button is expected and too much where text is, presses an old button, sends
// once. The answers are stored with nothing that leads back to her.
func TestDefaultSurveyWithTwoTrainers(t *testing.T) {
	t.Parallel()
	admin := newUserID()
	h := newHarness(t, map[string]string{"ADMIN_IDS": itoa(admin), "FLOOD_LIMIT": "500"})
	b := batch("Angkatan I", 30, 2, 10)
	b.Trainers = []string{"Dr. Ani Suryani", "Budi Santoso, M.Si."}
	h.seed(course("EVA-01", "Analisis Kebijakan", b))
	id := h.batchID("EVA-01", "Angkatan I")
	people, seats := h.enrolled(t, id, 500, "Ayu", "Bima")
	ayu, bima := people[0], people[1]

	a := h.tg.User(admin, "Admin")
	a.Send("/ubahjadwal EVA-01 Angkatan I")
	card := expect(t, a, "Ubah jadwal angkatan")
	a.Press(t, card, "📝 Buka survei sekarang")
	ask := expect(t, a, "Buka survei evaluasi", "2 peserta")
	a.Press(t, ask, "📝 Ya, buka survei")
	expect(t, a, "Survei dibuka", "2 peserta")

	inv := nextWith(t, ayu, "Evaluasi pelatihan")
	expectText(t, inv, "Analisis Kebijakan", "26 pertanyaan")
	ayu.Send("/menu")
	if m := expect(t, ayu, "Menu Utama"); !hasButton(m, "📝 Isi survei (1)") {
		t.Errorf("the menu does not lead to the survey: %v", m.ButtonTexts())
	}
	ayu.Press(t, inv, "📝 Isi survei")
	q := expect(t, ayu, "Pertanyaan 1 dari 26", "Penyelenggaraan", "Materi pelatihan sesuai", "1 = Sangat tidak setuju · 4 = Sangat setuju")
	if got := q.ButtonTexts(); !slices.Equal(got, []string{"1", "2", "3", "4"}) {
		t.Errorf("first question's buttons %q", got)
	}
	ayu.Send("empat")
	expect(t, ayu, "menekan salah satu tombol")
	expect(t, ayu, "Pertanyaan 1 dari 26")
	ayu.Press(t, q, "3")
	q = expect(t, ayu, "Pertanyaan 2 dari 26", "Metode pembelajaran")
	ayu.Press(t, q, "‹ Kembali")
	q = expect(t, ayu, "Pertanyaan 1 dari 26")
	if !hasButton(q, "✓ 3") {
		t.Errorf("the earlier answer is not marked: %q", q.ButtonTexts())
	}
	first := q
	ayu.Press(t, q, "4")
	q = expect(t, ayu, "Pertanyaan 2 dari 26")
	// The first question's button again (a double tap arriving late): told, and shown where she is.
	ayu.PressData(first, "v:a:"+itoa(seats[0].ID)+":0:1")
	h.tg.WaitIdle(t) // the message shows question 2 already: Telegram has nothing to change
	if got := ayu.CallbackAnswers(); !strings.Contains(got[len(got)-1].Text, "pertanyaan lain") {
		t.Errorf("stale button answered %+v", got[len(got)-1])
	}

	trainers := map[string]int{}
	for n := 2; n <= 26; n++ {
		if !strings.Contains(q.Text, "Pertanyaan "+itoa(int64(n))+" dari 26") {
			t.Fatalf("want question %d: %q", n, q.Text)
		}
		for _, name := range b.Trainers {
			if strings.Contains(q.Text, "👤 "+name) {
				trainers[name]++
				if !strings.Contains(q.Text, name+" ") {
					t.Errorf("the question does not name the trainer: %q", q.Text)
				}
			}
		}
		switch {
		case strings.Contains(q.Text, "Bagaimana Anda akan menerapkannya"):
			ayu.Press(t, q, "Lewati ›")
		case strings.Contains(q.Text, "Saran Anda"):
			ayu.Send(strings.Repeat("panjang ", 80))
			expect(t, ayu, "paling banyak 500")
			expect(t, ayu, "Saran Anda")
			ayu.Send("Ruang kelas terlalu dingin.")
		case hasButton(q, "10"):
			ayu.Press(t, q, "10")
		case hasButton(q, "4"):
			ayu.Press(t, q, "4")
		default:
			ayu.Press(t, q, q.ButtonTexts()[0])
		}
		q = ayu.Next(t)
	}
	if trainers["Dr. Ani Suryani"] != 6 || trainers["Budi Santoso, M.Si."] != 6 {
		t.Errorf("trainer questions %v", trainers)
	}
	expectText(t, q, "25 dari 26 pertanyaan", "1 dilewati", "tanpa nama Anda")
	summary := q
	ayu.Press(t, summary, "✅ Kirim jawaban")
	expect(t, ayu, "Terima kasih")
	ayu.PressData(summary, "v:k:"+itoa(seats[0].ID))
	expect(t, ayu, "sudah Anda kirim")
	ayu.Send("/survei")
	expect(t, ayu, "Belum ada survei")
	ayu.Send("/menu")
	if m := expect(t, ayu, "Menu Utama"); strings.Contains(strings.Join(m.ButtonTexts(), "|"), "survei") {
		t.Errorf("the menu still offers the survey she sent: %v", m.ButtonTexts())
	}

	var linked, stored, done int64
	h.db.Gorm().Raw("SELECT count(*) FROM survey_responses WHERE enrolment_id IS NOT NULL").Scan(&linked)
	h.db.Gorm().Raw("SELECT count(*) FROM survey_responses").Scan(&stored)
	h.db.Gorm().Raw("SELECT count(*) FROM survey_completions WHERE enrolment_id = ?", seats[0].ID).Scan(&done)
	if linked != 0 || stored != 1 || done != 1 {
		t.Errorf("responses %d (linked %d), completions %d", stored, linked, done)
	}

	// The results show no one: neither names nor NIPs, in the message or the files.
	a.Send("/hasil EVA-01")
	report := expect(t, a, "Responden: 1 dari 2 peserta (50,00%)", "Dr. Ani Suryani: 4,00 · n=6", "“Ruang kelas terlalu dingin.”")
	var files []string
	for range 3 {
		m := a.Next(t)
		switch {
		case m.Document != nil:
			files = append(files, string(m.Document.Content))
		case m.Photo == nil:
			t.Errorf("unexpected after the results: %+v", m)
		}
	}
	p, _ := h.participant(ayu.ID)
	for _, f := range append(files, report.Text) {
		if strings.Contains(f, "Ayu") || strings.Contains(f, p.NIP) {
			t.Errorf("an anonymous survey's results name the participant")
		}
	}
	if len(files) != 2 || !strings.Contains(files[1], "penyelenggaraan.relevansi") {
		t.Errorf("files %d", len(files))
	}

	// The invitation planned for the batch's end finds Bima invited already: no second one.
	nextWith(t, bima, "Evaluasi pelatihan")
	h.clock.Set(day(32, 18))
	h.waitJobsDone(t)
	if n := countWith(bima, "Evaluasi pelatihan"); n != 1 {
		t.Errorf("Bima was invited %d times", n)
	}
	// A participant cannot open the survey of an enrolment that is not theirs.
	bima.PressData(inv, "v:o:"+itoa(seats[0].ID))
	h.tg.WaitIdle(t)
	if got := bima.CallbackAnswers(); !strings.Contains(got[len(got)-1].Text, "tidak berlaku") {
		t.Errorf("someone else's survey: %+v", got[len(got)-1])
	}
}

// teknisTemplate is an agency's own template, named by its participants (not anonymous),
// with every kind of question. broken puts an unknown kind on line 10.
func teknisTemplate(broken bool) []byte {
	kind := "skala"
	if broken {
		kind = "bintang"
	}
	return []byte(`id: evaluasi-teknis
judul: Evaluasi Teknis
anonim: tidak
bagian:
  - id: umum
    judul: Umum
    pertanyaan:
      - id: manfaat
        skala: 5
        jenis: ` + kind + `
        teks: Pelatihan ini bermanfaat.
        label_rendah: Tidak
        label_tinggi: Sangat
        ikm: produk
      - id: ruang
        jenis: skala
        teks: Ruang kelas nyaman.
        label_rendah: Tidak
        label_tinggi: Sangat
        ikm: sarana
      - id: kapan
        jenis: pilihan
        teks: Kapan diterapkan?
        pilihan: [Segera, Nanti]
      - id: cara
        jenis: pilihan_ganda
        teks: Bagaimana?
        pilihan: [Tugas, Dokumen, Berbagi]
      - id: rekomendasi
        jenis: rekomendasi
        teks: Rekomendasikan?
      - id: saran
        jenis: teks
        teks: Saran?
        maks: 40
        wajib: tidak
`)
}

// TestOwnTemplateResumeAndResults: an admin loads a template of the agency's own (a broken
// one is refused with its line and question); a participant answers every kind of question,
// stops, comes back after a restart and goes on where she was; the results of three fixed
// responses are what they are by hand; a survey past its days is closed.
func TestOwnTemplateResumeAndResults(t *testing.T) {
	t.Parallel()
	admin := newUserID()
	h := newHarness(t, map[string]string{"ADMIN_IDS": itoa(admin), "FLOOD_LIMIT": "500"})
	ctx := context.Background()
	a := h.tg.User(admin, "Admin")
	a.SendDocument("evaluasi-teknis.yaml", teknisTemplate(true))
	expect(t, a, "ditolak", "Baris 10 (umum.manfaat)", "bintang")
	a.SendDocument("evaluasi-teknis.yaml", teknisTemplate(false))
	expect(t, a, "Templat survei evaluasi-teknis dimuat", "versi 1", "6 pertanyaan")
	a.SendDocument("evaluasi-teknis.yaml", teknisTemplate(false))
	expect(t, a, "sama dengan versi 1")
	// A catalogue that names a template not loaded is refused.
	good, err := os.ReadFile("../../examples/katalog.csv")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitN(string(good), "\n", 3)
	a.SendDocument("katalog.csv", []byte(lines[0]+",survei\n"+lines[1]+",belum-ada\n"))
	expect(t, a, "ditolak", "Baris 2", "belum-ada", "belum dimuat")

	c := course("TEK-02", "Penyusunan SOP", batch("Angkatan I", 30, 2, 10))
	c.Survey = "evaluasi-teknis"
	h.seed(c)
	id := h.batchID("TEK-02", "Angkatan I")
	people, seats := h.enrolled(t, id, 600, "Citra", "Dedi", "Eka", "Fikri")
	citra := people[0]
	if n, err := h.db.OpenSurveyNow(ctx, id, testNow, testActor); err != nil || n != 4 {
		t.Fatalf("open now: %d %v", n, err)
	}
	inv := nextWith(t, citra, "Evaluasi pelatihan")
	citra.Press(t, inv, "📝 Isi survei")
	q := expect(t, citra, "Pertanyaan 1 dari 6", "Pelatihan ini bermanfaat.", "1 = Tidak · 5 = Sangat")
	citra.Press(t, q, "5")
	q = expect(t, citra, "Pertanyaan 2 dari 6")
	citra.Press(t, q, "4")
	expect(t, citra, "Pertanyaan 3 dari 6")

	// She stops; the bot restarts; /survei takes her back to question 3.
	h.restart()
	citra.Send("/survei")
	list := expect(t, citra, "Survei yang menunggu Anda", "Penyusunan SOP", "2 dari 6 pertanyaan")
	citra.Press(t, list, "📝 Penyusunan SOP")
	q = expect(t, citra, "Pertanyaan 3 dari 6", "Kapan diterapkan?")
	citra.Press(t, q, "Segera")
	q = expect(t, citra, "Pertanyaan 4 dari 6", "Pilih semua yang sesuai")
	citra.Press(t, q, "Lanjut ›") // nothing ticked yet
	h.tg.WaitIdle(t)
	if got := citra.CallbackAnswers(); !strings.Contains(got[len(got)-1].Text, "paling sedikit satu") {
		t.Errorf("Lanjut with nothing ticked: %+v", got[len(got)-1])
	}
	for _, o := range []string{"▫️ Tugas", "▫️ Dokumen", "✅ Dokumen", "▫️ Berbagi"} {
		citra.Press(t, q, o)
		q = citra.Next(t)
	}
	if !hasButton(q, "✅ Tugas") || !hasButton(q, "▫️ Dokumen") || !hasButton(q, "✅ Berbagi") {
		t.Errorf("ticks %q", q.ButtonTexts())
	}
	citra.Press(t, q, "Lanjut ›")
	q = expect(t, citra, "Pertanyaan 5 dari 6", "0 = sangat tidak mungkin")
	if len(q.Buttons) < 2 || len(q.Buttons[0]) != 6 || len(q.Buttons[1]) != 5 {
		t.Errorf("0-10 buttons %q", q.ButtonTexts())
	}
	citra.Press(t, q, "10")
	expect(t, citra, "Pertanyaan 6 dari 6", "Saran?", "boleh dilewati", "paling banyak 40 karakter")
	citra.Send("Sangat bagus, tetapi waktu praktiknya terlalu singkat sekali.")
	expect(t, citra, "paling banyak 40")
	expect(t, citra, "Pertanyaan 6 dari 6")
	citra.Send("Bagus")
	q = expect(t, citra, "6 dari 6 pertanyaan")
	if strings.Contains(q.Text, "tanpa nama") {
		t.Errorf("a named template says it is anonymous: %q", q.Text)
	}
	citra.Press(t, q, "✅ Kirim jawaban")
	expect(t, citra, "Terima kasih")

	// Dedi and Eka answer too (as stored, without the chat's taps).
	for i, ans := range []map[string]survey.Answer{
		{"umum.manfaat": {N: 3}, "umum.ruang": {N: 2}, "umum.kapan": {N: 1}, "umum.cara": {Set: []int{1}},
			"umum.rekomendasi": {N: 6}, "umum.saran": {Skipped: true}},
		{"umum.manfaat": {N: 1}, "umum.ruang": {N: 1}, "umum.kapan": {N: 0}, "umum.cara": {Set: []int{0}},
			"umum.rekomendasi": {N: 8}, "umum.saran": {Text: "Kurang praktik"}},
	} {
		e, s := seats[1+i], int64(0)
		sv, err := h.db.SurveyOf(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		s = sv.ID
		for k, v := range ans {
			if err := h.db.SaveAnswer(ctx, e.ID, s, k, v, 6); err != nil {
				t.Fatal(err)
			}
		}
		if err := h.db.Submit(ctx, e.ID, testNow.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
	}

	// By hand: bermanfaat (1-5) 5, 3, 1: 3,00; on 1-4 that is 4, 2.5, 1: 2.50. Ruang 4, 2, 1:
	// 2,33. IKM (2.50 + 2.33) / 2 × 25 = 60,42: D. Recommendation 10, 6, 8: one promoter, one
	// detractor: +0. Four held a seat: 3 of 4, 75%.
	a.Send("/hasil TEK-02")
	expect(t, a, "Hasil evaluasi: Penyusunan SOP", "Angkatan I", "Responden: 3 dari 4 peserta (75,00%)",
		"IKM: 60,42 — mutu D (Tidak Baik)", "Rekomendasi (NPS): +0 dari 3 jawaban (1 promotor, 1 kritikus)",
		"Pelatihan ini bermanfaat.: 3,00/5 · 1/0/1/0/1 · n=3", "Ruang kelas nyaman.: 2,33/4 · 1/1/0/1 · n=3",
		"Kapan diterapkan?: Segera 2 · Nanti 1 · n=3", "Bagaimana?: Tugas 2 · Dokumen 1 · Berbagi 1 · n=3",
		"“Kurang praktik”", "“Bagus”")
	if m := a.Next(t); m.Photo == nil {
		t.Errorf("no chart: %+v", m)
	}
	if m := a.Next(t); m.Document == nil || !strings.HasSuffix(m.Document.Name, ".xlsx") {
		t.Errorf("no workbook: %+v", m)
	}
	raw := a.Next(t)
	if raw.Document == nil || !strings.Contains(string(raw.Document.Content), "Citra Peserta") ||
		!strings.Contains(string(raw.Document.Content), "Kurang praktik") {
		t.Errorf("raw answers: %+v", raw)
	}

	// The IKM of the period that holds the survey's opening.
	a.Send("/hasil ikm 2026-11 2026-12")
	expect(t, a, "Rekap IKM", "Minggu, 1 November 2026 s.d. Kamis, 31 Desember 2026", "1 survei angkatan, 3 responden",
		"IKM: 60,42 — mutu D (Tidak Baik)", "U5 Produk layanan: 2,50 (n=3)", "U9 Sarana dan prasarana: 2,33 (n=3)")
	if m := a.Next(t); m.Document == nil {
		t.Errorf("no IKM workbook: %+v", m)
	}
	a.Send("/hasil ikm 2027-01")
	expect(t, a, "Belum ada jawaban survei")

	// Fifteen days on, the survey is closed for Fikri.
	h.clock.Set(testNow.AddDate(0, 0, 15))
	fikri := people[3]
	fInv := nextWith(t, fikri, "Evaluasi pelatihan")
	fikri.Press(t, fInv, "📝 Isi survei")
	expect(t, fikri, "sudah ditutup")
	// Only admins see results.
	fikri.Send("/hasil TEK-02")
	expect(t, fikri, "khusus untuk admin")
}

// TestSurveyImportCommand: `asnbot survey-import` refuses a broken template, printing each
// problem with its line as the bot says it, and stores a good one as its next version once.
func TestSurveyImportCommand(t *testing.T) {
	t.Parallel()
	h := newHarness(t, nil)
	dir := t.TempDir()
	env := map[string]string{"DATABASE_URL": h.env["DATABASE_URL"]}
	importFile := func(name string, data []byte) (string, error) {
		path := dir + "/" + name
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		var out strings.Builder
		err := run(t.Context(), []string{"survey-import", path}, env, &out, io.Discard)
		return out.String(), err
	}
	out, err := importFile("rusak.yaml", teknisTemplate(true))
	if err == nil || !strings.Contains(out, "Baris 10 (umum.manfaat): jenis “bintang” tidak dikenal") {
		t.Errorf("broken template: %v\n%s", err, out)
	}
	for i, want := range []string{"version 1 stored (6 questions", "the same as version 1"} {
		if out, err := importFile("teknis.yaml", teknisTemplate(false)); err != nil || !strings.Contains(out, want) {
			t.Errorf("import %d: %v %s, want %q", i+1, err, out, want)
		}
	}
	if known, _ := h.db.TemplatesExist(t.Context(), []string{"evaluasi-teknis"}); !known["evaluasi-teknis"] {
		t.Error("the template was not stored")
	}
}
