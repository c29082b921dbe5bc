package document

import (
	"bytes"
	"encoding/csv"
	"image"
	"image/color"
	pngenc "image/png"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/xuri/excelize/v2"
)

var people = Table{
	Header: []string{"nama", "nip", "catatan"},
	Rows: [][]string{
		{"Siti Aminah", "198609262015052001", "=HYPERLINK(\"http://x\")"},
		{"Budi", "001234", "+62 812"},
	},
}

// Review defect 9: Excel set to Indonesian splits a CSV on ";", so a field holding one must be
// quoted, or what follows it becomes a cell of its own (and a formula); a formula may hide
// behind spaces; a phone number must show without an apostrophe.
func TestCSVIsSafeInIndonesianExcel(t *testing.T) {
	t.Parallel()
	tricky := Table{Header: []string{"nama", "telepon", "catatan"}, Rows: [][]string{
		{"Budi;=HYPERLINK(\"http://x\")", "+6281234567890", "  =1+1"},
		{"\t@SUM(A1)", "+62 812", "-5"},
	}}
	data := string(tricky.CSV())
	lines := strings.Split(strings.TrimPrefix(data, "\ufeff"), "\r\n")
	want := []string{
		`"nama","telepon","catatan"`,
		`"Budi;=HYPERLINK(""http://x"")","=""+6281234567890""","'  =1+1"`,
		`"'` + "\t" + `@SUM(A1)","'+62 812","'-5"`,
		``,
	}
	if d := cmp.Diff(want, lines); d != "" {
		t.Errorf("lines (-want +got):\n%s", d)
	}
}

func TestCSVOpensInExcelAsTyped(t *testing.T) {
	t.Parallel()
	data := people.CSV()
	if !bytes.HasPrefix(data, []byte("\ufeff")) {
		t.Error("no byte order mark: Excel would garble the names")
	}
	rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(data, []byte("\ufeff")))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"nama", "nip", "catatan"},
		{"Siti Aminah", "198609262015052001", "'=HYPERLINK(\"http://x\")"},
		{"Budi", "001234", "'+62 812"},
	}
	if d := cmp.Diff(want, rows); d != "" {
		t.Errorf("rows (-want +got):\n%s", d)
	}
	if people.Rows[0][2][0] != '=' {
		t.Error("CSV changed the table it wrote")
	}
}

func TestXLSXKeepsTextAndFreezesTheHeader(t *testing.T) {
	t.Parallel()
	data, err := people.XLSX()
	if err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sheet := f.GetSheetName(0)
	rows, err := f.GetRows(sheet)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(people.all(), rows); d != "" {
		t.Errorf("rows (-want +got):\n%s", d)
	}
	// Leading zeros survive only in a text cell.
	if typ, _ := f.GetCellType(sheet, "B3"); typ != excelize.CellTypeSharedString && typ != excelize.CellTypeInlineString {
		t.Errorf("NIP cell is of type %v, want text", typ)
	}
	panes, err := f.GetPanes(sheet)
	if err != nil || !panes.Freeze || panes.YSplit != 1 {
		t.Errorf("header not frozen: %+v %v", panes, err)
	}
}

func TestICS(t *testing.T) {
	t.Parallel()
	wib := time.FixedZone("WIB", 7*3600)
	ev := Event{UID: "enrolment-7@asnbot", Summary: "Analisis Kebijakan – Angkatan I", Location: "Aula BPSDM",
		URL: "https://zoom.us/j/1", Description: "AK-01", Start: time.Date(2027, 1, 12, 8, 0, 0, 0, wib),
		End: time.Date(2027, 1, 14, 16, 0, 0, 0, wib), Stamp: time.Date(2026, 12, 1, 10, 0, 0, 0, wib)}
	got := string(ev.ICS())
	for _, want := range []string{"BEGIN:VCALENDAR", "UID:enrolment-7@asnbot", "DTSTART:20270112T010000Z",
		"DTEND:20270114T090000Z", "SUMMARY:Analisis Kebijakan – Angkatan I", "LOCATION:Aula BPSDM", "URL:https://zoom.us/j/1"} {
		if !strings.Contains(got, want) {
			t.Errorf("calendar file lacks %q:\n%s", want, got)
		}
	}
}

// An agency's background goes under the page; what is not a PNG or JPEG is refused by name.
func TestCertificateBackground(t *testing.T) {
	var png bytes.Buffer
	img := image.NewRGBA(image.Rect(0, 0, 297, 210))
	for x := range 297 {
		img.Set(x, 5, color.RGBA{R: 200, G: 160, A: 255})
	}
	if err := pngenc.Encode(&png, img); err != nil {
		t.Fatal(err)
	}
	page := CertificatePage{Heading: "SERTIFIKAT", Name: "Ni Luh Ayu Wīdyāsari", URL: "https://example.go.id/verifikasi/K7Q29XRM4T",
		Issued: time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC)}
	plain, err := CertificatePDF(page)
	if err != nil {
		t.Fatal(err)
	}
	page.Background = png.Bytes()
	framed, err := CertificatePDF(page)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(framed, []byte("%PDF-")) || bytes.Count(framed, []byte("/Subtype /Image")) <= bytes.Count(plain, []byte("/Subtype /Image")) {
		t.Errorf("the background is not an image of the PDF")
	}
	// The same certificate prints the same bytes: a download again is the same file.
	again, _ := CertificatePDF(page)
	if !bytes.Equal(framed, again) {
		t.Error("two prints of one certificate differ")
	}
	if _, err := CertificatePDF(CertificatePage{URL: "x", Background: []byte("GIF89a")}); err == nil {
		t.Error("a GIF background was taken")
	}
	if CheckBackground([]byte{0xff, 0xd8, 0xff, 0xe0}) != nil || CheckBackground([]byte("%PDF")) == nil {
		t.Error("CheckBackground")
	}
}

// BenchmarkCertificatePDF: one certificate printed, its QR code included (the bot prints one
// per send). go test -run '^$' -bench CertificatePDF -count 3 ./flows/document/
func BenchmarkCertificatePDF(b *testing.B) {
	page := CertificatePage{Agency: "BPSDM PROVINSI JAWA TENGAH", Heading: "SERTIFIKAT", Number: "Nomor: MAN-ASN/II/001/2026",
		Name: "Dédé Ayu Sántika Nuñez", NIP: "NIP 19860926 201505 1 001", Course: "Manajemen Kinerja Pegawai",
		Details: "Angkatan II, 18 November 2026 s.d. 22 November 2026, sebanyak 24 jam pelajaran (JP)",
		URL:     "https://pelatihan.bpsdm.example.go.id/verifikasi/K7Q29XRM4T", Issued: time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC)}
	size := 0
	for b.Loop() {
		pdf, err := CertificatePDF(page)
		if err != nil {
			b.Fatal(err)
		}
		size = len(pdf)
	}
	b.ReportMetric(float64(size), "bytes/pdf")
}
