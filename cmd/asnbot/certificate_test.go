package main

import (
	"context"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bpsdm/asnbot/bot/telegramtest"
	"github.com/bpsdm/asnbot/flows"
	"github.com/bpsdm/asnbot/flows/asn"
)

// The certificate waits for the evaluation: a participant who completed the batch is told so
// in the survey's invitation and when asking for it in Pelatihan Saya, and gets the PDF once,
// right after sending the evaluation. The PDF says who, what, when and how many JP, with
// diacritics intact, and its QR code opens the verification page, which says valid, unknown
// or revoked, as /verifikasi does in chat. The SIASN export has SIASN's columns.
func TestCertificateAfterEvaluation(t *testing.T) {
	t.Parallel()
	root := newUserID()
	h := newHarness(t, map[string]string{"ADMIN_IDS": itoa(root), "FLOOD_LIMIT": "1000",
		"PUBLIC_URL": "https://pelatihan.bpsdm.example.go.id/", "CERT_ORGANISER": "BPSDM Provinsi Jawa Tengah",
		"CERT_CITY": "Semarang", "CERT_SIGNER_NAME": "Dr. Ir. Hārjanto Wibowo, M.Si.", "CERT_SIGNER_TITLE": "Kepala BPSDM"})
	ctx := context.Background()
	b := batch("Angkatan II", -4, 4, 30) // Wednesday 18 to Sunday 22 November, 08.00–16.00 WIB
	b.RegOpens, b.RegCloses = day(-20, 0), day(-5, 23)
	c := course("SRT-01", "Manajemen Kinerja Pegawai", b)
	c.JP = 24
	h.seed(c)
	id := h.batchID("SRT-01", "Angkatan II")
	admin := h.tg.User(root, "Admin")
	admin.Send("/admin") // a bot cannot write first to someone who never wrote to it
	admin.Next(t)
	var people []*telegramtest.User
	var seats []flows.Enrolment
	for i, name := range []string{"Dede", "Bayu"} {
		u := h.tg.User(newUserID(), name)
		h.seedParticipant(u, 300+i)
		u.Send("/menu")
		u.Next(t)
		p, _ := h.participant(u.ID)
		e, err := h.db.Enrol(ctx, p.ID, id, day(-10, 9))
		if err != nil {
			t.Fatal(err)
		}
		people, seats = append(people, u), append(seats, e)
	}
	dede, bayu := people[0], people[1]
	h.db.Gorm().Exec("UPDATE participants SET name = 'Dédé Ayu Sántika Nuñez' WHERE telegram_id = ?", dede.ID)
	dedeNIP := nipFor(300)

	// Check-in opened on the last day; both come.
	s, err := h.db.OpenAttendance(ctx, id, day(0, 0), day(0, 16), time.Time{}, flows.Actor{ID: root, Name: "Admin"}, day(0, 8))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range seats {
		if _, err := h.db.CheckIn(ctx, s.ID, e.ParticipantID, day(0, 8).Add(5*time.Minute)); err != nil {
			t.Fatal(err)
		}
	}

	// 16.01: the batch is settled; 17.01: the survey's invitation says the certificate waits.
	h.clock.Set(day(0, 16).Add(time.Minute))
	nextWith(t, admin, "Rekap kehadiran")
	h.clock.Set(day(0, 17).Add(time.Minute))
	inv := nextWith(t, dede, "Evaluasi pelatihan")
	expectText(t, inv, "Sertifikat Anda sudah menunggu")
	binv := nextWith(t, bayu, "Evaluasi pelatihan")

	// Asked for in Pelatihan Saya before the evaluation: withheld, with the way to it.
	dede.Send("/saya")
	list := expect(t, dede, "Pelatihan Saya", "Manajemen Kinerja Pegawai")
	dede.Press(t, list, "1")
	page := expect(t, dede, "Status: selesai", "terbit setelah Anda mengisi evaluasi")
	dede.Press(t, page, "📜 Sertifikat")
	wait := expect(t, dede, "Sertifikat Anda menunggu evaluasi pelatihan")
	if !hasButton(wait, "📝 Isi survei") {
		t.Errorf("no way to the evaluation: %v", wait.ButtonTexts())
	}
	if n := documents(dede); n != 0 {
		t.Fatalf("%d documents before the evaluation", n)
	}

	// The evaluation sent: the certificate comes, once.
	thanks := answerSurvey(t, dede, wait)
	expectText(t, thanks, "segera kami kirim")
	pdf := nextDocument(t, dede)
	for _, want := range []string{"Selamat, Dédé Ayu Sántika Nuñez", "SRT-01/II/001/2026", "Pelatihan Saya"} {
		if !strings.Contains(pdf.Caption, want) {
			t.Errorf("caption %q lacks %q", pdf.Caption, want)
		}
	}
	if pdf.Document.Name != "sertifikat-srt-01-ii-001-2026.pdf" {
		t.Errorf("file name %q", pdf.Document.Name)
	}
	waitJobs(t, h, "certificate_notice")
	if n := documents(dede); n != 1 {
		t.Errorf("%d certificates sent, want 1", n)
	}
	var cert struct {
		Number string
		Code   string
	}
	h.db.Gorm().Raw("SELECT number, code FROM certificates WHERE enrolment_id = ?", seats[0].ID).Scan(&cert)
	if cert.Number != "SRT-01/II/001/2026" || len(cert.Code) != 10 {
		t.Fatalf("stored certificate %+v", cert)
	}
	url := "https://pelatihan.bpsdm.example.go.id/verifikasi/" + cert.Code

	// What the PDF says, read back by another program than the one that wrote it.
	text := pdfText(t, pdf.Document.Content)
	for _, want := range []string{"BPSDM PROVINSI JAWA TENGAH", "SERTIFIKAT", "Nomor: SRT-01/II/001/2026", "Dédé Ayu Sántika Nuñez",
		"NIP " + asn.NIP{Digits: dedeNIP}.Formatted(), "Manajemen Kinerja Pegawai", "18 November 2026 s.d. 22 November 2026", "sebanyak 24 jam pelajaran (JP)",
		"Kode verifikasi: " + cert.Code[:5] + "-" + cert.Code[5:], "Semarang, 22 November 2026", "Kepala BPSDM",
		"Dr. Ir. Hārjanto Wibowo, M.Si."} {
		if !strings.Contains(text, want) {
			t.Errorf("the PDF lacks %q:\n%s", want, text)
		}
	}
	if got := pdfQR(t, pdf.Document.Content); got != url {
		t.Errorf("the QR code opens %q, want %q", got, url)
	}

	// The card to copy into SIASN, from the certificate's button.
	dede.Press(t, pdf, "📋 Salin ke SIASN")
	expect(t, dede, "Salin ke SIASN", "Nama Kursus: Manajemen Kinerja Pegawai", "Jenis Kursus: Teknis", "Jumlah Jam: 24",
		"Tanggal Mulai: 18-11-2026", "Tanggal Selesai: 22-11-2026", "Tahun: 2026", "Institusi Penyelenggara: BPSDM Provinsi Jawa Tengah",
		"Nomor Sertifikat: SRT-01/II/001/2026")
	// Pelatihan Saya keeps it: the same certificate again, no new number.
	dede.Send("/saya")
	list = expect(t, dede, "Pelatihan Saya")
	dede.Press(t, list, "1")
	page = expect(t, dede, "Sertifikat: SRT-01/II/001/2026")
	dede.Press(t, page, "📜 Sertifikat")
	again := nextDocument(t, dede)
	if !strings.Contains(pdfText(t, again.Document.Content), "SRT-01/II/001/2026") {
		t.Error("the certificate sent again is another")
	}
	dede.Send("/jp")
	expect(t, dede, "Manajemen Kinerja Pegawai", "📜 SRT-01/II/001/2026")

	// Bayu evaluates too: the next serial.
	answerSurvey(t, bayu, binv)
	nextDocument(t, bayu)
	var numbers []string
	h.db.Gorm().Raw("SELECT number FROM certificates WHERE batch_id = ? ORDER BY number", id).Scan(&numbers)
	if strings.Join(numbers, ",") != "SRT-01/II/001/2026,SRT-01/II/002/2026" {
		t.Errorf("numbers %v", numbers)
	}

	// The SIASN export: SIASN's columns, one row per certificate.
	admin.Send("/siasn SRT-01 II")
	file := nextDocument(t, admin)
	rows := xlsxRows(t, file.Document.Content)
	if got := strings.Join(rows[0], ","); got != "nip,nama,nama_kursus,jenis_kursus,jumlah_jam,tanggal_mulai,tanggal_selesai,tahun,institusi_penyelenggara,nomor_sertifikat" {
		t.Errorf("columns %s", got)
	}
	if len(rows) != 3 || strings.Join(rows[1], "|") != dedeNIP+"|Dédé Ayu Sántika Nuñez|Manajemen Kinerja Pegawai|Teknis|24|18-11-2026|22-11-2026|2026|BPSDM Provinsi Jawa Tengah|SRT-01/II/001/2026" {
		t.Errorf("rows %q", rows)
	}

	// Verification over HTTP: valid, with the NIP masked; unknown.
	page200, status := getPage(t, "http://"+h.addr+"/verifikasi/"+strings.ToLower(cert.Code[:5]+"-"+cert.Code[5:]))
	if status != 200 || !strings.Contains(page200, "Sertifikat sah") || !strings.Contains(page200, "Dédé Ayu Sántika Nuñez") ||
		!strings.Contains(page200, flows.PublicNIP(dedeNIP)) || strings.Contains(page200, dedeNIP) {
		t.Errorf("valid: %d %s", status, page200)
	}
	if body, status := getPage(t, "http://"+h.addr+"/verifikasi/ZZZZZZZZZZ"); status != 404 || !strings.Contains(body, "tidak dikenal") {
		t.Errorf("unknown: %d %s", status, body)
	}
	// And in chat: anyone may verify; only an admin may revoke.
	bayu.Send("/verifikasi " + cert.Code)
	m := expect(t, bayu, "Sertifikat sah", "Dédé Ayu Sántika Nuñez", flows.PublicNIP(dedeNIP), "24 JP")
	if len(m.Buttons) != 0 {
		t.Errorf("a participant may revoke: %v", m.ButtonTexts())
	}
	bayu.Send("/verifikasi ABCDE-12345")
	expect(t, bayu, "tidak dikenal")
	// The QR code without PUBLIC_URL opens the bot: t.me/<bot>?start=v_<kode>.
	bayu.Send("/start v_" + cert.Code)
	expect(t, bayu, "Sertifikat sah", "Manajemen Kinerja Pegawai — Angkatan II")

	admin.Send("/verifikasi " + cert.Code)
	m = expect(t, admin, "Sertifikat sah")
	admin.Press(t, m, "🚫 Cabut sertifikat")
	expect(t, admin, "Ketik alasannya")
	admin.Send("ok")
	expect(t, admin, "5 sampai 200 karakter")
	admin.Send("Data kehadiran ternyata keliru")
	expect(t, admin, "sudah dicabut", "Data kehadiran ternyata keliru")
	told := nextWith(t, dede, "Sertifikat Anda nomor SRT-01/II/001/2026 dicabut") // the holder is told, with the reason
	expectText(t, told, "Alasan: Data kehadiran ternyata keliru")
	var audited int64
	h.db.Gorm().Raw("SELECT count(*) FROM audit_log WHERE action = 'cabut_sertifikat' AND subject = ?", cert.Number).Scan(&audited)
	if audited != 1 {
		t.Errorf("%d audit entries for the revocation", audited)
	}
	body, _ := getPage(t, "http://"+h.addr+"/verifikasi/"+cert.Code)
	if !strings.Contains(body, "Sertifikat sudah dicabut") || !strings.Contains(body, "Data kehadiran ternyata keliru") {
		t.Errorf("revoked: %s", body)
	}
	bayu.Send("/verifikasi " + cert.Code)
	expect(t, bayu, "Sertifikat sudah dicabut")
	dede.Press(t, page, "📜 Sertifikat")
	expect(t, dede, "dicabut penyelenggara", "Data kehadiran ternyata keliru")
	// A revoked certificate leaves the SIASN export; its number is not given again.
	admin.Send("/siasn SRT-01 II")
	if rows := xlsxRows(t, nextDocument(t, admin).Document.Content); len(rows) != 2 || rows[1][9] != "SRT-01/II/002/2026" {
		t.Errorf("after the revocation: %q", rows)
	}
}

// documents counts the files sent to u.
func documents(u *telegramtest.User) int {
	n := 0
	for _, m := range u.Messages() {
		if m.Document != nil {
			n++
		}
	}
	return n
}

// nextDocument waits for the next file sent to u.
func nextDocument(t *testing.T, u *telegramtest.User) telegramtest.Message {
	t.Helper()
	for {
		if m := u.Next(t); m.Document != nil {
			return m
		}
	}
}

// getPage fetches url.
func getPage(t *testing.T, url string) (string, int) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b), resp.StatusCode
}

// poppler is a PDF reader of its own (Debian's poppler-utils), so the test reads the PDF as
// any viewer would, not as the library that wrote it.
func poppler(t *testing.T, tool string) string {
	t.Helper()
	path, err := exec.LookPath(tool)
	if err != nil {
		t.Fatalf("%s is needed to read the certificate: install Debian's poppler-utils (apt-get install poppler-utils); .ci/run does", tool)
	}
	return path
}

// pdfText is the text of a PDF, as a reader copies it out.
func pdfText(t *testing.T, pdf []byte) string {
	t.Helper()
	dir := t.TempDir()
	in := filepath.Join(dir, "c.pdf")
	if err := os.WriteFile(in, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(poppler(t, "pdftotext"), "-enc", "UTF-8", in, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return string(out)
}

// pdfQR renders the PDF's page as an image and reads the QR code on it, as a phone's camera
// would read the printed page.
func pdfQR(t *testing.T, pdf []byte) string {
	t.Helper()
	dir := t.TempDir()
	in := filepath.Join(dir, "c.pdf")
	if err := os.WriteFile(in, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(poppler(t, "pdftoppm"), "-png", "-r", "150", "-singlefile", in, filepath.Join(dir, "page")).CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm: %v %s", err, out)
	}
	img, err := os.ReadFile(filepath.Join(dir, "page.png"))
	if err != nil {
		t.Fatal(err)
	}
	if os.Getenv("CERT_PAGE_OUT") != "" {
		_ = os.WriteFile(os.Getenv("CERT_PAGE_OUT"), img, 0o644) // for the note
	}
	return decodeQR(t, img)
}
