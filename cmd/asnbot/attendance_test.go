package main

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/bpsdm/asnbot/bot/telegramtest"
)

// Check-in: an admin opens the day; participants type the code on the screen (or open the
// QR's link); the current and the previous code work, an older one is expired, a wrong one
// unknown; someone without a seat is refused; once a day; late after the admin's time; the
// admin sees the count and who is missing, marks one by hand (audited), and closes.
func TestAttendanceCheckIn(t *testing.T) {
	t.Parallel()
	root := newUserID()
	h := newHarness(t, map[string]string{"ADMIN_IDS": itoa(root), "FLOOD_LIMIT": "1000"})
	ctx := context.Background()
	b := batch("Angkatan I", -1, 2, 30) // started yesterday 08.00 WIB, ends tomorrow
	b.RegOpens, b.RegCloses = day(-20, 0), day(-2, 23)
	h.seed(course("PRS-01", "Pelayanan Prima", b))
	id := h.batchID("PRS-01", "Angkatan I")
	people := map[string]*telegramtest.User{}
	for i, name := range []string{"Ani", "Bayu", "Cici", "Eko", "Dodi"} {
		u := h.tg.User(newUserID(), name)
		h.seedParticipant(u, 40+i)
		u.Send("/menu")
		u.Next(t)
		people[name] = u
		if name == "Dodi" {
			continue // registered with the bot, not in this batch
		}
		p, _ := h.participant(u.ID)
		if _, err := h.db.Enrol(ctx, p.ID, id, day(-10, 9)); err != nil {
			t.Fatal(err)
		}
	}
	admin := h.tg.User(root, "Admin")

	// A participant cannot open it; the admin opens today's, late after 10.05.
	people["Ani"].Send("/presensi PRS-01")
	expect(t, people["Ani"], "khusus")
	admin.Send("/presensi PRS-01 10.05")
	screen := expect(t, admin, "Presensi dibuka", "Pelayanan Prima — Angkatan I", "Minggu, 22 November 2026", "Kode:",
		"Hadir 0 dari 4 peserta", "setelah pukul 10.05")
	shown := regexp.MustCompile(`Kode: (\d{3}) (\d{3})`).FindStringSubmatch(screen.Text)
	if shown == nil {
		t.Fatalf("no code on the screen: %q", screen.Text)
	}
	var sessionID int64
	h.db.Gorm().Raw("SELECT id FROM attendance_sessions WHERE batch_id = ?", id).Scan(&sessionID)
	s, err := h.db.AttendanceSession(ctx, sessionID)
	if err != nil {
		t.Fatal(err)
	}
	if s.Code(testNow) != shown[1]+shown[2] {
		t.Fatalf("the screen shows %s%s, the session's code is %s", shown[1], shown[2], s.Code(testNow))
	}

	// 10.00: Ani types the code as shown, with its space; again, nothing changes.
	people["Ani"].Send(shown[1] + " " + shown[2])
	expect(t, people["Ani"], "Kehadiran Anda tercatat", "Pelayanan Prima — Angkatan I", "pukul 10.00")
	people["Ani"].Send(shown[1] + shown[2])
	expect(t, people["Ani"], "sudah tercatat pukul 10.00")
	// Dodi holds no seat.
	people["Dodi"].Send(s.Code(testNow))
	expect(t, people["Dodi"], "tidak terdaftar sebagai peserta Pelayanan Prima")

	// 10.10: Bayu types the code that changed 10 seconds ago (valid) and is late; Cici types
	// one from two minutes ago (expired), then a wrong one, then opens the QR's link.
	at := testNow.Add(10 * time.Minute)
	h.clock.Set(at)
	people["Bayu"].Send(s.Code(at.Add(-15 * time.Second)))
	expect(t, people["Bayu"], "Kehadiran Anda tercatat", "pukul 10.10", "Tercatat terlambat (setelah pukul 10.05)")
	people["Cici"].Send(s.Code(at.Add(-2 * time.Minute)))
	expect(t, people["Cici"], "sudah kedaluwarsa")
	wrong := "000000"
	for k := 0; k < 60 && wrong != ""; k++ {
		if s.Code(at.Add(-time.Duration(k)*30*time.Second)) == wrong {
			wrong = "999999"
		}
	}
	people["Cici"].Send(wrong)
	expect(t, people["Cici"], "tidak dikenali")
	people["Cici"].Send("/start h_" + s.Code(at))
	expect(t, people["Cici"], "Kehadiran Anda tercatat", "terlambat")

	// The admin's screen: three present, one late; Eko is missing, and is marked by hand.
	admin.Press(t, screen, "🔄 Perbarui")
	screen = expect(t, admin, "Hadir 3 dari 4 peserta", "2 terlambat")
	if now := s.Code(at); !strings.Contains(screen.Text, "Kode: "+now[:3]+" "+now[3:]) {
		t.Errorf("the refreshed screen does not show the current code %s: %q", now, screen.Text)
	}
	admin.Press(t, screen, "👥 Belum hadir")
	missing := expect(t, admin, "Belum hadir: 1", "Eko Peserta")
	admin.Press(t, missing, "⬅️ Kembali")
	screen = expect(t, admin, "Presensi dibuka")
	admin.Press(t, screen, "✋ Tandai hadir")
	list := expect(t, admin, "Tandai satu per satu")
	admin.Press(t, list, "Eko Peserta")
	screen = expect(t, admin, "Hadir 4 dari 4 peserta")
	var audited int64
	h.db.Gorm().Raw("SELECT count(*) FROM audit_log WHERE action = 'presensi_tandai' AND subject = 'Eko Peserta' AND actor = ?", root).Scan(&audited)
	if audited != 1 {
		t.Errorf("%d audit entries for marking Eko", audited)
	}

	// Closed: the code no longer works.
	admin.Press(t, screen, "🛑 Tutup")
	expect(t, admin, "Presensi ditutup", "Hadir 4 dari 4")
	people["Dodi"].Send(s.Code(at))
	expect(t, people["Dodi"], "tidak ada presensi yang sedang dibuka")

	var rows []struct {
		Name     string
		Late     bool
		MarkedBy *int64
	}
	h.db.Gorm().Raw(`SELECT p.name, a.late, a.marked_by FROM attendance a JOIN enrolments e ON e.id = a.enrolment_id
		JOIN participants p ON p.id = e.participant_id ORDER BY p.name`).Scan(&rows)
	got := []string{}
	for _, r := range rows {
		got = append(got, r.Name+map[bool]string{true: " late", false: ""}[r.Late]+map[bool]string{true: " by hand", false: ""}[r.MarkedBy != nil])
	}
	if want := "Ani Peserta,Bayu Peserta late,Cici Peserta late,Eko Peserta by hand"; strings.Join(got, ",") != want {
		t.Errorf("attendance %v, want %s", got, want)
	}
}
