package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/bpsdm/asnbot/bot/telegramtest"
	"github.com/bpsdm/asnbot/flows"
	"github.com/bpsdm/asnbot/flows/asn"
	"github.com/bpsdm/asnbot/flows/catalogfile"
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

	// The board was deleted in the meantime (Telegram: "message to edit not found"): its next
	// change posts a new one instead of retrying the edit for ever.
	h.tg.Fail("editMessageMedia", 1, telegramtest.Fault{Code: 400, Description: "Bad Request: message to edit not found"})

	// 16.01, the batch has ended: settled, and the admin told.
	h.clock.Set(day(0, 16).Add(time.Minute))
	report := nextWith(t, admin, "Rekap kehadiran")
	// The board's job and the completion's run side by side: wait for the new board.
	boards, stored := 0, 0
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); sleepBriefly() {
		boards = 0
		for _, m := range admin.Messages() {
			if m.Photo != nil {
				boards++
			}
		}
		h.db.Gorm().Raw("SELECT board FROM attendance_sessions WHERE batch_id = ? AND day = '2026-11-22'", id).Scan(&stored)
		if boards == 2 && stored != screen.ID {
			break
		}
	}
	if boards != 2 || stored == screen.ID {
		t.Errorf("after the board was lost: %d boards, the session names message %d (the first was %d)", boards, stored, screen.ID)
	}
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

// /jp: this calendar year's completed trainings against the 20 JP a PNS owes, or the 24 JP a
// PPPK may take; a training counts once "selesai", in the year its batch ended.
func TestJPLedger(t *testing.T) {
	t.Parallel()
	h := newHarness(t, map[string]string{"FLOOD_LIMIT": "1000"})
	ctx := context.Background()
	past := func(name string, startDay int) catalogfile.Batch {
		b := batch(name, startDay, 2, 30)
		b.RegOpens, b.RegCloses = day(startDay-30, 0), day(startDay-1, 23)
		return b
	}
	tek := course("JP-TEK", "Analisis Jabatan", past("Angkatan I", -60), past("Angkatan II", -400))
	man := course("JP-MAN", "Kepemimpinan Pengawas", past("Angkatan I", -30))
	man.Category, man.JP = "Manajerial", 8
	half := course("JP-HLF", "Literasi Digital", past("Angkatan I", -20))
	h.seed(tek, man, half)

	pns := h.tg.User(newUserID(), "Rudi")
	h.seedParticipant(pns, 90)
	pppk := h.tg.User(newUserID(), "Sari")
	p := flows.Participant{TelegramID: pppk.ID, ChatID: pppk.ID, Name: "Sari Peserta", Kind: asn.PPPK, NIP: "199001012022212003",
		Agency: "Pemprov Jateng", Unit: "BPSDM", Position: "Guru", Rank: "IX", Phone: "+6281234567891", ConsentAt: testNow}
	if err := h.db.SaveParticipant(ctx, &p); err != nil {
		t.Fatal(err)
	}
	settle := func(u *telegramtest.User, code, batchName string, st flows.EnrolmentStatus, startDay int) {
		t.Helper()
		who, _ := h.participant(u.ID)
		e, err := h.db.Enrol(ctx, who.ID, h.batchID(code, batchName), day(startDay-5, 9))
		if err != nil {
			t.Fatal(err)
		}
		h.db.Gorm().Exec("UPDATE enrolments SET status = ? WHERE id = ?", string(st), e.ID)
	}
	settle(pns, "JP-TEK", "Angkatan I", flows.Completed, -60)   // 2026, 32 JP
	settle(pns, "JP-TEK", "Angkatan II", flows.Completed, -400) // 2025: another year
	settle(pns, "JP-MAN", "Angkatan I", flows.Completed, -30)   // 2026, 8 JP
	settle(pns, "JP-HLF", "Angkatan I", flows.Attended, -20)    // attended, not completed
	settle(pppk, "JP-MAN", "Angkatan I", flows.Completed, -30)

	pns.Send("/jp")
	m := expect(t, pns, "JP Anda tahun 2026", "▓▓▓▓▓▓▓▓▓▓ 40 dari 20 JP", "Kewajiban 20 JP setahun sudah terpenuhi",
		"1. Analisis Jabatan", "2. Kepemimpinan Pengawas", "8 JP", "Teknis 32 JP · Manajerial 8 JP")
	if strings.Contains(m.Text, "Literasi Digital") || strings.Contains(m.Text, "3.") {
		t.Errorf("counts what is not completed this year: %q", m.Text)
	}
	pppk.Send("/saya")
	mine := expect(t, pppk, "Pelatihan Saya", "Kepemimpinan Pengawas")
	pppk.Press(t, mine, "📊 JP tahun ini")
	expect(t, pppk, "▓▓▓░░░░░░░ 8 dari 24 JP", "Batas pengembangan kompetensi PPPK 24 JP", "masih tersisa 16 JP")
}

// /rekapjp: a workbook of every registered ASN's JP in the year, for all agencies or one, and
// who reached 20 JP; operators may ask, participants not; the export is audited.
func TestJPRecapWorkbook(t *testing.T) {
	t.Parallel()
	root, op := newUserID(), newUserID()
	h := newHarness(t, map[string]string{"ADMIN_IDS": itoa(root), "FLOOD_LIMIT": "1000"})
	ctx := context.Background()
	b := batch("Angkatan I", -60, 2, 30)
	b.RegOpens, b.RegCloses = day(-90, 0), day(-61, 23)
	h.seed(course("RJ-01", "Analisis Jabatan", b))
	people := []*telegramtest.User{h.tg.User(newUserID(), "Ani"), h.tg.User(newUserID(), "Budi"), h.tg.User(newUserID(), "Cici")}
	for i, u := range people {
		h.seedParticipant(u, 70+i)
	}
	h.db.Gorm().Exec("UPDATE participants SET agency = 'BKD Kota Semarang' WHERE telegram_id = ?", people[2].ID)
	for _, u := range people[:2] {
		p, _ := h.participant(u.ID)
		e, err := h.db.Enrol(ctx, p.ID, h.batchID("RJ-01", "Angkatan I"), day(-70, 9))
		if err != nil {
			t.Fatal(err)
		}
		st := flows.Completed
		if u == people[1] {
			st = flows.Attended
		}
		h.db.Gorm().Exec("UPDATE enrolments SET status = ? WHERE id = ?", string(st), e.ID)
	}
	if err := h.db.AddStaff(ctx, flows.StaffMember{TelegramID: op, Role: flows.RoleOperator, Name: "Operator"}, flows.Actor{ID: root}, testNow); err != nil {
		t.Fatal(err)
	}

	people[0].Send("/rekapjp")
	expect(t, people[0], "khusus untuk admin")
	o := h.tg.User(op, "Operator")
	o.Send("/rekapjp 2026")
	expect(t, o, "Rekap JP 2026", "3 ASN terdaftar; 1 (33%) sudah mencapai 20 JP")
	file := o.Next(t)
	if file.Document == nil || file.Document.Name != "rekap-jp-2026.xlsx" {
		t.Fatalf("no workbook: %+v", file)
	}
	rows := xlsxRows(t, file.Document.Content)
	want := [][]string{
		{"instansi", "nama", "nip", "jenis", "unit_kerja", "jabatan", "jp", "capai_20_jp"},
		{"BKD Kota Semarang", "Cici Peserta"},
		{"Pemprov Jateng", "Ani Peserta"},
		{"Pemprov Jateng", "Budi Peserta"},
	}
	if len(rows) != len(want) || strings.Join(rows[0], ",") != strings.Join(want[0], ",") {
		t.Fatalf("workbook rows %v", rows)
	}
	for i, w := range want[1:] {
		r := rows[i+1]
		if r[0] != w[0] || r[1] != w[1] || r[3] != "PNS" || len(r[2]) != 18 {
			t.Errorf("row %d: %v", i+1, r)
		}
	}
	if rows[2][6] != "32" || rows[2][7] != "ya" || rows[3][6] != "0" || rows[3][7] != "tidak" || rows[1][6] != "0" {
		t.Errorf("JP columns: %v", rows)
	}
	// One agency, written as people write it.
	o.Send("/rekapjp 2026 bkd  kota semarang")
	expect(t, o, "Rekap JP 2026 — bkd kota semarang", "1 ASN terdaftar")
	if f := o.Next(t); f.Document == nil || len(xlsxRows(t, f.Document.Content)) != 2 {
		t.Errorf("one agency's workbook: %+v", f)
	}
	var audited int64
	h.db.Gorm().Raw("SELECT count(*) FROM audit_log WHERE action = 'ekspor' AND subject LIKE 'rekap-jp-2026%' AND actor = ?", op).Scan(&audited)
	if audited != 2 {
		t.Errorf("%d exports audited", audited)
	}
}

// xlsxRows reads the first sheet of a workbook the bot sent.
func xlsxRows(t *testing.T, b []byte) [][]string {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows(f.GetSheetList()[0])
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// From October a PNS below 20 JP gets one nudge a month, at 09.00, with open trainings; it can
// be turned off; a PNS at 20 JP and a PPPK get none.
func TestJPNudgeInTheLastQuarter(t *testing.T) {
	t.Parallel()
	h := newHarness(t, map[string]string{"JP_NUDGE": "true", "FLOOD_LIMIT": "1000"})
	ctx := context.Background()
	sweep := func(day string) {
		t.Helper()
		for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); sleepBriefly() {
			var done int64
			h.db.Gorm().Raw(`SELECT count(*) FROM river_job WHERE kind = 'jp_nudge_sweep' AND args->>'day' = ? AND state = 'completed'`, day).Scan(&done)
			if done == 1 {
				var left int64
				h.db.Gorm().Raw(`SELECT count(*) FROM river_job WHERE kind = 'jp_nudge' AND state NOT IN ('completed','cancelled','discarded')`).Scan(&left)
				if left == 0 {
					h.tg.WaitIdle(t)
					return
				}
			}
		}
		t.Fatalf("the sweep of %s did not finish", day)
	}
	sweep("2026-11-22") // at start, in the day: before anyone registered

	past := batch("Angkatan I", -30, 2, 30)
	past.RegOpens, past.RegCloses = day(-60, 0), day(-31, 23)
	man := course("NG-MAN", "Kepemimpinan Pengawas", past)
	man.JP = 8
	big := course("NG-TEK", "Analisis Jabatan", past)
	h.seed(man, big, course("NG-OPEN", "Literasi Digital", batch("Angkatan I", 30, 2, 30)))
	people := map[string]*telegramtest.User{}
	for i, name := range []string{"Ani", "Budi", "Cici"} {
		u := h.tg.User(newUserID(), name)
		h.seedParticipant(u, 80+i)
		u.Send("/menu")
		u.Next(t)
		people[name] = u
	}
	pppk := h.tg.User(newUserID(), "Dewi")
	p := flows.Participant{TelegramID: pppk.ID, ChatID: pppk.ID, Name: "Dewi Peserta", Kind: asn.PPPK, NIP: "199001012022212003",
		Agency: "Pemprov Jateng", Unit: "BPSDM", Position: "Guru", Rank: "IX", Phone: "+6281234567891", ConsentAt: testNow}
	if err := h.db.SaveParticipant(ctx, &p); err != nil {
		t.Fatal(err)
	}
	for name, code := range map[string]string{"Ani": "NG-MAN", "Cici": "NG-TEK"} {
		who, _ := h.participant(people[name].ID)
		e, err := h.db.Enrol(ctx, who.ID, h.batchID(code, "Angkatan I"), day(-40, 9))
		if err != nil {
			t.Fatal(err)
		}
		h.db.Gorm().Exec("UPDATE enrolments SET status = 'selesai' WHERE id = ?", e.ID)
	}

	// Monday 23 November, 09.01: Ani (8 JP) and Budi (none) are nudged; Cici (32 JP) and the
	// PPPK are not.
	h.clock.Set(day(1, 9).Add(time.Minute))
	sweep("2026-11-23")
	nudge := nextWith(t, people["Ani"], "Pengingat JP 2026") // after her survey's invitation, for the past batch
	expectText(t, nudge, "baru 8 dari 20 JP", "kurang 12 JP", "Pelatihan yang masih dibuka", "1. Literasi Digital · 32 JP")
	if !hasButton(nudge, "1") || !hasButton(nudge, "🔕 Jangan ingatkan lagi") {
		t.Errorf("the nudge's buttons: %v", nudge.ButtonTexts())
	}
	expect(t, people["Budi"], "baru 0 dari 20 JP")
	if n := countWith(people["Cici"], "Pengingat JP") + countWith(pppk, "Pengingat JP"); n != 0 {
		t.Errorf("%d nudges to those it does not concern", n)
	}
	people["Ani"].Press(t, nudge, "🔕 Jangan ingatkan lagi")
	nextWith(t, people["Ani"], "tidak kami kirim lagi")

	// The next day: one a month, nobody again.
	h.clock.Set(day(2, 9).Add(time.Minute))
	sweep("2026-11-24")
	// 1 December: Budi again, Ani not (turned off). The sweep planned for 25 November runs
	// now, late, and goes by the clock: December's.
	h.clock.Set(day(9, 9).Add(time.Minute))
	sweep("2026-11-25")
	// Ani's one nudge became the note that it is off.
	a := countWith(people["Ani"], "Pengingat JP") + countWith(people["Ani"], "tidak kami kirim lagi")
	if b := countWith(people["Budi"], "Pengingat JP"); a != 1 || b != 2 {
		t.Errorf("nudges: Ani %d (want 1), Budi %d (want 2)", a, b)
	}
	people["Ani"].Send("/jp")
	if m := nextWith(t, people["Ani"], "8 dari 20 JP"); !hasButton(m, "🔔 Ingatkan JP bulanan") {
		t.Errorf("no way to turn the nudge on again: %v", m.ButtonTexts())
	}
}
