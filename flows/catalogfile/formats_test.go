package catalogfile

import (
	"bytes"
	"context"
	"encoding/csv"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// mustParse parses a file that must have no problems.
func mustParse(t *testing.T, name string, data []byte, zone *time.Location) []Course {
	t.Helper()
	courses, problems := Parse(context.Background(), name, data, zone)
	if len(problems) > 0 {
		t.Fatalf("%s: unexpected problems: %+v", name, problems)
	}
	return courses
}

// TestCSVDialects checks the CSVs Excel writes in Indonesia read like a plain one.
func TestCSVDialects(t *testing.T) {
	t.Parallel()
	rows := []map[string]string{
		validRow("deskripsi", "Uraian; peta jabatan, dan \"beban kerja\"."),
		validRow("angkatan", "Angkatan II", "judul", "", "deskripsi", ""),
	}
	want := mustParse(t, "k.csv", csvOf(rows...), wib)
	write := func(comma rune, crlf bool, prefix string) []byte {
		var buf bytes.Buffer
		buf.WriteString(prefix)
		w := csv.NewWriter(&buf)
		w.Comma, w.UseCRLF = comma, crlf
		_ = w.Write(testColumns)
		for _, r := range rows {
			rec := make([]string, len(testColumns))
			for i, c := range testColumns {
				rec[i] = r[c]
			}
			_ = w.Write(rec)
		}
		w.Flush()
		return buf.Bytes()
	}
	tests := []struct {
		name string
		data []byte
	}{
		{"semicolon, BOM, CRLF", write(';', true, bom)},
		{"semicolon after an emptied row", write(';', false, ";;;;\n")},
		{"tab", write('\t', true, "")},
		{"comma, CRLF", write(',', true, "")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := mustParse(t, "KATALOG.CSV", tt.data, wib)
			if diff := cmp.Diff(want, got, cmpIgnoreRow); diff != "" {
				t.Errorf("(-comma +%s):\n%s", tt.name, diff)
			}
		})
	}
}

func TestCSVWindows1252(t *testing.T) {
	t.Parallel()
	data := bytes.Replace(csvOf(validRow("judul", "Kafe")), []byte("Kafe"), []byte("Caf\xe9 \x93Prima\x94"), 1)
	got := mustParse(t, "k.csv", data, wib)
	if got[0].Title != "Café “Prima”" {
		t.Errorf("title %q", got[0].Title)
	}
}

// TestZones checks each row's zone makes its wall clock the right instant.
func TestZones(t *testing.T) {
	t.Parallel()
	tests := []struct {
		zona     string
		def      *time.Location
		want     time.Time
		wantZone string
	}{
		{"", wib, time.Date(2027, 1, 12, 1, 0, 0, 0, time.UTC), "Asia/Jakarta"},
		{"", wita, time.Date(2027, 1, 12, 0, 0, 0, 0, time.UTC), "Asia/Makassar"},
		{"", nil, time.Date(2027, 1, 12, 1, 0, 0, 0, time.UTC), "Asia/Jakarta"},
		{"WIB", wit, time.Date(2027, 1, 12, 1, 0, 0, 0, time.UTC), "Asia/Jakarta"},
		{"wita", wib, time.Date(2027, 1, 12, 0, 0, 0, 0, time.UTC), "Asia/Makassar"},
		{" WIT ", wib, time.Date(2027, 1, 11, 23, 0, 0, 0, time.UTC), "Asia/Jayapura"},
		{"Asia/Makassar", wib, time.Date(2027, 1, 12, 0, 0, 0, 0, time.UTC), "Asia/Makassar"},
		{"asia/jayapura", wib, time.Date(2027, 1, 11, 23, 0, 0, 0, time.UTC), "Asia/Jayapura"},
	}
	for _, tt := range tests {
		t.Run(tt.zona+"/"+tt.wantZone, func(t *testing.T) {
			t.Parallel()
			b := mustParse(t, "k.csv", csvOf(validRow("zona", tt.zona)), tt.def)[0].Batches[0]
			if !b.Start.Equal(tt.want) || b.TimeZone != tt.wantZone {
				t.Errorf("start %v in %s, want %v in %s", b.Start, b.TimeZone, tt.want, tt.wantZone)
			}
			if b.Start.Location().String() != tt.wantZone {
				t.Errorf("start shown in %s, want %s", b.Start.Location(), tt.wantZone)
			}
		})
	}
}

func TestDates(t *testing.T) {
	t.Parallel()
	at := func(d, h, m int) time.Time { return time.Date(2027, 1, d, h, m, 0, 0, wita) }
	tests := []struct {
		in       string
		endOfDay bool
		want     time.Time
	}{
		{"2027-01-12 08:00", false, at(12, 8, 0)},
		{"2027-01-12 08.00", false, at(12, 8, 0)},
		{"2027-1-5 8:30", false, at(5, 8, 30)},
		{"2027-01-12 08:00:00", false, at(12, 8, 0)},
		{"12/01/2027 08:00", false, at(12, 8, 0)},
		{"12/01/2027 08.00", false, at(12, 8, 0)},
		{"5/1/2027 13:15", false, at(5, 13, 15)},
		{"12-01-2027 08:00", false, at(12, 8, 0)},
		{"2027-01-12  08:00 ", false, at(12, 8, 0)},
		{"2027-01-12T08:00", false, at(12, 8, 0)},
		{"2027-01-12", false, at(12, 0, 0)},
		{"2027-01-12", true, at(12, 23, 59)},
		{"12/01/2027", true, at(12, 23, 59)},
		{"2027-01-12T08:00:00+07:00", false, at(12, 9, 0)},
		{"2027-01-12T00:00:00Z", false, at(12, 8, 0)},
	}
	for _, tt := range tests {
		got, ok := ParseDate(tt.in, wita, tt.endOfDay)
		if !ok || !got.Equal(tt.want) {
			t.Errorf("ParseDate(%q, end=%v) = %v, %v; want %v", tt.in, tt.endOfDay, got, ok, tt.want)
		}
	}
	for _, bad := range []string{"", "besok", "2027-13-01", "30/02/2027", "01/25/2027", "2027-01-12 25:00", "12 Januari 2027"} {
		if got, ok := ParseDate(bad, wita, false); ok {
			t.Errorf("ParseDate(%q) = %v, want a problem", bad, got)
		}
	}
}

// TestRowsOfOneCourse checks rows with one code make one course, in the order of first
// appearance, and that later rows may leave the course columns empty.
func TestRowsOfOneCourse(t *testing.T) {
	t.Parallel()
	blank := []string{"judul", "", "kategori", "", "metode", "", "jp", "", "deskripsi", "", "terbit", ""}
	data := csvOf(
		validRow("terbit", "tidak", "sasaran", "Pengelola kepegawaian"),
		validRow("kode", "SOS-LITDIG", "metode", "daring", "tautan_daring", "https://zoom.us/j/9", "lokasi", ""),
		with(validRow(blank...), "angkatan", "Angkatan II", "zona", "WITA"),
		nil, // a blank row is skipped, and still counted
		with(validRow(blank...), "angkatan", "Angkatan III", "terbit", "TIDAK"),
	)
	got := mustParse(t, "k.csv", data, wib)
	if len(got) != 2 || got[0].Code != "TEK-ANJAB" || got[1].Code != "SOS-LITDIG" {
		t.Fatalf("courses %+v", got)
	}
	c := got[0]
	if c.Published || c.Audience != "Pengelola kepegawaian" || c.Title != "Analisis Jabatan" || c.JP != 32 {
		t.Errorf("course fields not kept from the first row: %+v", c)
	}
	var rows []int
	for _, b := range c.Batches {
		rows = append(rows, b.Row)
	}
	if diff := cmp.Diff([]int{2, 4, 6}, rows); diff != "" {
		t.Errorf("batch rows (-want +got):\n%s", diff)
	}
	if c.Batches[1].TimeZone != "Asia/Makassar" || !got[1].Published || got[1].Method != "daring" {
		t.Errorf("batch zone %s, second course %+v", c.Batches[1].TimeZone, got[1])
	}
}

// TestXLSXCells checks an admin's workbook: real date cells (in the row's zone), a date cell
// without a time, text dates, numbers as number cells, a code of digits as text.
func TestXLSXCells(t *testing.T) {
	t.Parallel()
	r := xlsxRow(validRow("kode", "0012", "zona", "WITA", "selesai", "2027-01-15"), wita)
	for i, c := range testColumns {
		switch c {
		case "jp", "kuota":
			r[i] = 32
		case "pendaftaran_ditutup":
			r[i] = "05/01/2027 23:59" // typed as text
		}
	}
	got := mustParse(t, "Katalog.XLSX", xlsxOf(t, [][]any{headerCells(), r}), wib)
	b := got[0].Batches[0]
	if got[0].Code != "0012" || got[0].JP != 32 || b.Quota != 32 {
		t.Errorf("code %q, jp %d, quota %d", got[0].Code, got[0].JP, b.Quota)
	}
	if want := time.Date(2027, 1, 12, 0, 0, 0, 0, time.UTC); !b.Start.Equal(want) {
		t.Errorf("start %v, want %v (08:00 WITA)", b.Start, want)
	}
	if want := time.Date(2027, 1, 15, 23, 59, 0, 0, wita); !b.End.Equal(want) {
		t.Errorf("end %v, want %v: a date cell without a time ends the day", b.End, want)
	}
	if want := time.Date(2027, 1, 5, 23, 59, 0, 0, wita); !b.RegCloses.Equal(want) {
		t.Errorf("registration closes %v, want %v", b.RegCloses, want)
	}
}

// TestYAMLScalars checks YAML keeps what the admin wrote: no timestamps, no numbers from codes.
func TestYAMLScalars(t *testing.T) {
	t.Parallel()
	data := []byte(`pelatihan:
  - kode: 0012
    judul: Literasi Digital
    kategori: Sosial Kultural
    metode: Daring
    jp: 16
    deskripsi: |
      Keamanan akun.
    terbit: false
    angkatan:
      - nama: Angkatan I
        mulai: 2027-01-12 08:00
        selesai: 2027-01-12
        zona: WIT
        tautan_daring: https://zoom.us/j/1
        kuota: 40
        pendaftaran_dibuka: 2026-12-01T00:00:00+07:00
        pendaftaran_ditutup: 05/01/2027 23.59
`)
	got := mustParse(t, "katalog.yaml", data, wib)
	c := got[0]
	if c.Code != "0012" || c.Method != "daring" || c.Published || c.Description != "Keamanan akun." || c.Audience != "" {
		t.Errorf("course %+v", c)
	}
	b := c.Batches[0]
	if b.Row != 11 {
		t.Errorf("batch row %d, want the line of its item, 11", b.Row)
	}
	if want := time.Date(2027, 1, 11, 23, 0, 0, 0, time.UTC); !b.Start.Equal(want) {
		t.Errorf("start %v, want %v", b.Start, want)
	}
	if want := time.Date(2027, 1, 12, 23, 59, 0, 0, wit); !b.End.Equal(want) {
		t.Errorf("end %v, want %v", b.End, want)
	}
	if want := time.Date(2026, 11, 30, 17, 0, 0, 0, time.UTC); !b.RegOpens.Equal(want) {
		t.Errorf("registration opens %v, want %v: RFC 3339 keeps its offset", b.RegOpens, want)
	}
}

// cmpIgnoreRow compares courses read from different formats, whose rows differ by nature.
var cmpIgnoreRow = cmp.FilterPath(func(p cmp.Path) bool {
	sf, ok := p.Last().(cmp.StructField)
	return ok && sf.Name() == "Row"
}, cmp.Ignore())

func TestParsePeriod(t *testing.T) {
	t.Parallel()
	at := func(d, h, m int) time.Time { return time.Date(2027, 1, d, h, m, 0, 0, wita) }
	tests := []struct {
		in         string
		start, end time.Time
	}{
		{"12/01/2027 08:00 - 14/01/2027 16:00", at(12, 8, 0), at(14, 16, 0)},
		{"12/01/2027 08.00 s.d. 14/01/2027 16.00", at(12, 8, 0), at(14, 16, 0)},
		{"2027-01-12 08:00 – 2027-01-14 16:00", at(12, 8, 0), at(14, 16, 0)},
		{"2027-01-12T08:00:00+08:00 - 2027-01-14T08:00:00Z", at(12, 8, 0), at(14, 16, 0)},
		{"12/01/2027 SAMPAI 12/01/2027", at(12, 0, 0), at(12, 23, 59)},
		{"  12/01/2027   sd   14/01/2027 ", at(12, 0, 0), at(14, 23, 59)},
	}
	for _, tt := range tests {
		start, end, ok := ParsePeriod(tt.in, wita)
		if !ok || !start.Equal(tt.start) || !end.Equal(tt.end) {
			t.Errorf("%q: %v %v %v, want %v %v", tt.in, start, end, ok, tt.start, tt.end)
		}
	}
	for _, bad := range []string{"", "minggu depan", "12/01/2027 08:00", "12/01/2027 - besok", "32/01/2027 - 14/01/2027"} {
		if _, _, ok := ParsePeriod(bad, wita); ok {
			t.Errorf("%q was accepted", bad)
		}
	}
}

func TestSurveyAndTrainers(t *testing.T) {
	t.Parallel()
	c := mustParse(t, "k.csv", csvOf(validRow("survei", "evaluasi-teknis", "pengajar", " Dr. Ani Suryani ;  Budi,  M.Si.; ")), wib)[0]
	if c.Survey != "evaluasi-teknis" {
		t.Errorf("survey %q", c.Survey)
	}
	if got := c.Batches[0].Trainers; len(got) != 2 || got[0] != "Dr. Ani Suryani" || got[1] != "Budi, M.Si." {
		t.Errorf("trainers %q", got)
	}
	if c := mustParse(t, "k.csv", csvOf(validRow()), wib)[0]; c.Survey != "" || c.Batches[0].Trainers != nil {
		t.Errorf("without the columns: %q %q", c.Survey, c.Batches[0].Trainers)
	}
}

// The optional catatan, kontak_nama and kontak_wa columns, in the three formats, with the
// WhatsApp number as admins type it and as Excel keeps it.
func TestNotesAndContact(t *testing.T) {
	t.Parallel()
	const wa = "6281234567891"
	rows := []map[string]string{
		validRow("kode", "A-1", "kontak_wa", "0812-3456-7891", "kontak_nama", "  Ibu   Rina  ", "catatan", "Bawa laptop\n\n\n  SK   terakhir "),
		validRow("kode", "A-2", "kontak_wa", "+62 812 3456 7891"),
		validRow("kode", "A-3", "kontak_wa", "6281234567891"),
		validRow("kode", "A-4"),
	}
	got := mustParse(t, "k.csv", csvOf(rows...), wib)
	b := got[0].Batches[0]
	if b.ContactWA != wa || b.ContactName != "Ibu Rina" || b.Notes != "Bawa laptop\nSK terakhir" {
		t.Errorf("csv: %q %q %q", b.ContactWA, b.ContactName, b.Notes)
	}
	for _, c := range got[1:3] {
		if c.Batches[0].ContactWA != wa {
			t.Errorf("csv %s: %q", c.Code, c.Batches[0].ContactWA)
		}
	}
	if b := got[3].Batches[0]; b.ContactWA != "" || b.ContactName != "" || b.Notes != "" {
		t.Errorf("empty columns read as %+v", b)
	}

	// Excel took the number for a number: the leading 0 gone, or 62… shown as 6,28E+12.
	var cells [][]any
	cells = append(cells, headerCells())
	for i, n := range []float64{81234567891, 6281234567891} {
		r := xlsxRow(validRow("kode", "X-"+string(rune('1'+i))), wib)
		r[slices.Index(testColumns, "kontak_wa")] = n
		cells = append(cells, r)
	}
	for _, c := range mustParse(t, "k.xlsx", xlsxOf(t, cells), wib) {
		if c.Batches[0].ContactWA != wa {
			t.Errorf("xlsx %s: %q", c.Code, c.Batches[0].ContactWA)
		}
	}

	y := mustParse(t, "k.yaml", []byte(`pelatihan:
  - kode: Y-1
    judul: Literasi Digital
    kategori: Teknis
    metode: klasikal
    jp: 16
    deskripsi: Keamanan akun.
    angkatan:
      - nama: Angkatan I
        mulai: 2027-01-12 08:00
        selesai: 2027-01-13 16:00
        lokasi: BPSDM, Bandung
        kuota: 40
        pendaftaran_dibuka: 2026-12-01 00:00
        pendaftaran_ditutup: 2027-01-05 23:59
        catatan: Membawa laptop
        kontak_nama: Pak Budi
        kontak_wa: 0812 3456 7891
`), wib)
	if b := y[0].Batches[0]; b.ContactWA != wa || b.ContactName != "Pak Budi" || b.Notes != "Membawa laptop" {
		t.Errorf("yaml: %+v", b)
	}

	// Not a mobile number: refused with its row.
	for _, bad := range []string{"021-555-1234", "nomor WA", "+44 7911 123456"} {
		_, probs := Parse(context.Background(), "k.csv", csvOf(validRow("kontak_wa", bad)), wib)
		if len(probs) != 1 || probs[0].Key != "impor.kontak_wa_tidak_sah" || probs[0].Row != 2 {
			t.Errorf("%q: %+v", bad, probs)
		}
	}
	_, probs := Parse(context.Background(), "k.csv", csvOf(validRow("catatan", strings.Repeat("a", 301))), wib)
	if len(probs) != 1 || probs[0].Key != "impor.terlalu_panjang" {
		t.Errorf("long notes: %+v", probs)
	}
}

func TestMinAttendance(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]int{"": DefaultMinAttendance, "75": 75, "90%": 90, " 100 % ": 100, "0.8": 80, "0,75": 75} {
		got := mustParse(t, "k.csv", csvOf(validRow("min_kehadiran", in)), wib)
		if got[0].MinAttendance != want {
			t.Errorf("%q: %d, want %d", in, got[0].MinAttendance, want)
		}
	}
	for _, bad := range []string{"0", "101", "80.5", "delapan puluh"} {
		if _, probs := Parse(context.Background(), "k.csv", csvOf(validRow("min_kehadiran", bad)), wib); len(probs) != 1 ||
			probs[0].Key != "impor.min_kehadiran_tidak_sah" {
			t.Errorf("%q: %+v", bad, probs)
		}
	}
}
