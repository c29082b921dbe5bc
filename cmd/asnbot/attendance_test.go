package main

import (
	"bytes"
	"context"
	"image/png"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/makiuchi-d/gozxing"
	zxingqr "github.com/makiuchi-d/gozxing/qrcode"

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
	expect(t, admin, "Presensi Pelayanan Prima — Angkatan I dibuka untuk Minggu, 22 November 2026", "setelah pukul 10.05")
	screen := board(t, admin, "Presensi dibuka", "Pelayanan Prima — Angkatan I", "Minggu, 22 November 2026", "Kode:",
		"Hadir 0 dari 4 peserta", "setelah pukul 10.05")
	shown := regexp.MustCompile(`Kode: (\d{3}) (\d{3})`).FindStringSubmatch(screen.Caption)
	if shown == nil {
		t.Fatalf("no code on the board: %q", screen.Caption)
	}
	if link := decodeQR(t, screen.Photo.Content); link != "https://t.me/"+telegramtest.BotUsername+"?start=h_"+shown[1]+shown[2] {
		t.Errorf("the QR opens %q", link)
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

	// 10.10: the board has changed its code and QR in place by itself. Bayu types the code
	// that changed 10 seconds ago (valid) and is late; Cici types one from two minutes ago
	// (expired), then a wrong one, then opens the QR's link.
	at := testNow.Add(10 * time.Minute)
	h.clock.Set(at)
	moved := board(t, admin, "Presensi dibuka")
	if now := s.Code(at); moved.ID != screen.ID || !moved.Edited || !strings.Contains(moved.Caption, "Kode: "+now[:3]+" "+now[3:]) ||
		decodeQR(t, moved.Photo.Content) != "https://t.me/"+telegramtest.BotUsername+"?start=h_"+now {
		t.Fatalf("the board did not change to the code of 10.10 (%s) in place: %+v", now, moved)
	}
	people["Bayu"].Send(s.Code(at.Add(-15 * time.Second)))
	expect(t, people["Bayu"], "Kehadiran Anda tercatat", "pukul 10.10", "Tercatat terlambat (setelah pukul 10.05)")
	people["Cici"].Send(s.Code(at.Add(-2 * time.Minute)))
	expect(t, people["Cici"], "sudah kedaluwarsa")
	wrong := "000000"
	for k := range 60 { // a code shown in the last half hour would be "expired", not unknown
		if s.Code(at.Add(-time.Duration(k)*30*time.Second)) == wrong {
			wrong = "999999"
		}
	}
	people["Cici"].Send(wrong)
	expect(t, people["Cici"], "tidak dikenali")
	people["Cici"].Send("/start h_" + s.Code(at))
	expect(t, people["Cici"], "Kehadiran Anda tercatat", "terlambat")

	// The admin's board: three present, two late; Eko is missing, and is marked by hand. The
	// lists come as messages of their own, so the board stays on the projector.
	admin.Press(t, screen, "🔄 Perbarui")
	screen = board(t, admin, "Hadir 3 dari 4 peserta", "2 terlambat")
	admin.Press(t, screen, "👥 Belum hadir")
	expect(t, admin, "Belum hadir: 1", "Eko Peserta")
	admin.Press(t, screen, "✋ Tandai hadir")
	list := expect(t, admin, "Tandai satu per satu")
	admin.Press(t, list, "Eko Peserta")
	expect(t, admin, "Semua peserta sudah hadir")
	admin.Press(t, screen, "🔄 Perbarui")
	screen = board(t, admin, "Hadir 4 dari 4 peserta")
	var audited int64
	h.db.Gorm().Raw("SELECT count(*) FROM audit_log WHERE action = 'presensi_tandai' AND subject = 'Eko Peserta' AND actor = ?", root).Scan(&audited)
	if audited != 1 {
		t.Errorf("%d audit entries for marking Eko", audited)
	}

	// Closed: the code no longer works.
	admin.Press(t, screen, "🛑 Tutup")
	closed := board(t, admin, "Presensi ditutup", "Hadir 4 dari 4")
	if len(closed.Buttons) != 0 || strings.Contains(closed.Caption, "Kode:") || decodeQR(t, closed.Photo.Content) != "" {
		t.Errorf("a closed board still offers a way in: %+v", closed)
	}
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

// board waits for the admin's check-in board (a picture, new or edited) and checks its caption.
func board(t *testing.T, u *telegramtest.User, fragments ...string) telegramtest.Message {
	t.Helper()
	m := u.Next(t)
	if m.Photo == nil {
		t.Fatalf("not the board: %+v", m)
	}
	for _, f := range fragments {
		if !strings.Contains(m.Caption, f) {
			t.Fatalf("board %q\n  does not contain %q", m.Caption, f)
		}
	}
	return m
}

// decodeQR reads the QR code in a PNG, as a phone's camera would; "" when there is none.
func decodeQR(t *testing.T, b []byte) string {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("not a PNG: %v", err)
	}
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		t.Fatal(err)
	}
	res, err := zxingqr.NewQRCodeReader().Decode(bmp, nil)
	if err != nil {
		return ""
	}
	return res.GetText()
}
