package catalogfile

import (
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/bpsdm/asnbot/flows/asn"
)

// codeShape is what a course code may look like. The code travels in Telegram deep links
// (start=c_<kode>, which allow only these characters and 64 of them) and in callback data.
var codeShape = regexp.MustCompile(`^[A-Za-z0-9_-]{2,20}$`)

// Limits on the lengths of texts, in characters. A title and a batch name must fit on a
// button or a line of a list; a category travels in callback data, limited to 64 bytes.
const (
	maxTitle       = 150
	maxCategory    = 30
	maxBatchName   = 40
	maxDescription = 2000
	maxJP          = 1000
	maxQuota       = 10000
	maxTrainerName = 80
	maxTrainers    = 8
	maxNotes       = 300 // a few lines under the confirmation, on a phone
	maxContactName = 80
)

// surveyShape is what a survey template's id looks like (flows/survey).
var surveyShape = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{1,39}$`)

// course validates a course and its batches. ok is false when it had any problem.
func (p *parser) course(rc rawCourse) (Course, bool) {
	before := p.found
	c := Course{Published: true}
	code := rc.get("kode")
	c.Code = code.text
	switch {
	case c.Code == "":
		p.add(code.row, "impor.wajib_diisi", "Field", "kode")
	case !codeShape.MatchString(c.Code):
		p.add(code.row, "impor.kode_tidak_sah", "Code", c.Code)
	}
	c.Title = p.text(rc.record, "judul", true, maxTitle)
	c.Category = p.text(rc.record, "kategori", true, maxCategory)
	c.Description = p.text(rc.record, "deskripsi", false, maxDescription)
	c.Audience = p.text(rc.record, "sasaran", false, 0)
	if c.Survey = rc.get("survei").text; c.Survey != "" && !surveyShape.MatchString(c.Survey) {
		p.add(rc.get("survei").row, "impor.survei_tidak_sah", "Value", c.Survey)
	}
	c.MinAttendance = DefaultMinAttendance
	if v := rc.get("min_kehadiran"); v.text != "" {
		// "80", "80%", or a percent cell Excel keeps as 0.8.
		t := strings.ReplaceAll(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v.text), "%")), ",", ".")
		n, err := strconv.ParseFloat(t, 64)
		if err == nil && n > 0 && n <= 1 && strings.Contains(t, ".") {
			n *= 100
		}
		if err != nil || n < 1 || n > 100 || n != float64(int(n)) {
			p.add(v.row, "impor.min_kehadiran_tidak_sah", "Value", v.text)
		} else {
			c.MinAttendance = int(n)
		}
	}
	c.Method = p.method(rc.record)
	c.JP = p.whole(rc.record, "jp", maxJP, "impor.jp_tidak_sah")
	if v := rc.get("terbit"); v.text != "" {
		if b, ok := parseBool(v.text); ok {
			c.Published = b
		} else {
			p.add(v.row, "impor.terbit_tidak_sah", "Value", v.text)
		}
	}
	// Storage matches batches by name within a course, so two with one name would be one.
	seen := map[string]int{}
	for _, br := range rc.batches {
		b := p.batch(br, c.Method)
		key := strings.ToLower(strings.Join(strings.Fields(b.Name), " "))
		if first, dup := seen[key]; dup && key != "" {
			p.add(b.Row, "impor.angkatan_ganda", "Name", b.Name, "FirstRow", first)
		} else {
			seen[key] = b.Row
		}
		c.Batches = append(c.Batches, b)
	}
	return c, p.found == before
}

// batch validates one batch of a course given in method ("" when the method was wrong).
func (p *parser) batch(r record, method string) Batch {
	b := Batch{Row: r.row}
	b.Name = p.text(r, "angkatan", true, maxBatchName)
	loc := p.defaultZone
	if z := r.get("zona"); z.text != "" {
		if l, ok := asn.ZoneByName(z.text); ok {
			loc = l
		} else {
			// The dates are still read in the default zone, to report their own problems.
			p.add(z.row, "impor.zona_tidak_dikenal", "Value", z.text)
		}
	}
	b.TimeZone = loc.String()
	b.Start = p.date(r, "mulai", loc, false)
	b.End = p.date(r, "selesai", loc, true)
	b.RegOpens = p.date(r, "pendaftaran_dibuka", loc, false)
	b.RegCloses = p.date(r, "pendaftaran_ditutup", loc, true)
	if !b.Start.IsZero() && !b.End.IsZero() && !b.End.After(b.Start) {
		p.add(r.get("selesai").row, "impor.selesai_sebelum_mulai")
	}
	if !b.RegOpens.IsZero() && !b.RegCloses.IsZero() && !b.RegCloses.After(b.RegOpens) {
		p.add(r.get("pendaftaran_ditutup").row, "impor.pendaftaran_terbalik")
	}
	if !b.RegCloses.IsZero() && !b.Start.IsZero() && b.RegCloses.After(b.Start) {
		p.add(r.get("pendaftaran_ditutup").row, "impor.pendaftaran_setelah_mulai")
	}
	b.Location = r.get("lokasi").text
	link := r.get("tautan_daring")
	b.OnlineURL = link.text
	switch {
	case b.OnlineURL != "" && !isHTTPURL(b.OnlineURL):
		p.add(link.row, "impor.tautan_tidak_sah", "Value", b.OnlineURL)
	case b.OnlineURL == "" && (method == MethodOnline || method == MethodBlended):
		p.add(link.row, "impor.tautan_wajib", "Method", method)
	}
	if b.Location == "" && method == MethodClassroom {
		p.add(r.get("lokasi").row, "impor.lokasi_wajib")
	}
	b.Quota = p.whole(r, "kuota", maxQuota, "impor.kuota_tidak_sah")
	b.Trainers = p.trainers(r)
	b.Notes = p.notes(r)
	b.ContactName = strings.Join(strings.Fields(p.text(r, "kontak_nama", false, maxContactName)), " ")
	b.ContactWA = p.whatsApp(r)
	return b
}

// notes reads the catatan column: its lines kept (an admin may list what to bring), spaces
// within a line and blank lines between them collapsed.
func (p *parser) notes(r record) string {
	v := r.get("catatan")
	var lines []string
	for _, l := range strings.Split(strings.ReplaceAll(v.text, "\r\n", "\n"), "\n") {
		if l = strings.Join(strings.Fields(l), " "); l != "" {
			lines = append(lines, l)
		}
	}
	out := strings.Join(lines, "\n")
	if n := utf8.RuneCountInString(out); n > maxNotes {
		p.add(v.row, "impor.terlalu_panjang", "Field", "catatan", "Max", maxNotes, "Length", n)
	}
	return out
}

// whatsApp reads the kontak_wa column as Indonesians write a number ("0812-3456-7891",
// "+62 812 3456 7891") or as Excel keeps it once it took the cell for a number (the leading
// 0 dropped, or a long one shown as 6,28123E+12): a mobile number, as the digits wa.me takes.
func (p *parser) whatsApp(r record) string {
	v := r.get("kontak_wa")
	raw := v.text
	if v.isSerial {
		raw = strconv.FormatFloat(v.serial, 'f', -1, 64)
	}
	if raw == "" {
		return ""
	}
	phone, prob := asn.NormalizePhone(raw)
	if prob != nil || !strings.HasPrefix(phone, "+628") {
		p.add(v.row, "impor.kontak_wa_tidak_sah", "Value", raw)
		return ""
	}
	return strings.TrimPrefix(phone, "+")
}

// trainers reads the pengajar column: names separated by ";".
func (p *parser) trainers(r record) []string {
	v := r.get("pengajar")
	var out []string
	for _, name := range strings.Split(v.text, ";") {
		name = strings.Join(strings.Fields(name), " ")
		switch n := utf8.RuneCountInString(name); {
		case name == "":
			continue
		case n > maxTrainerName:
			p.add(v.row, "impor.terlalu_panjang", "Field", "pengajar", "Max", maxTrainerName, "Length", n)
		}
		out = append(out, name)
	}
	if len(out) > maxTrainers {
		p.add(v.row, "impor.pengajar_terlalu_banyak", "Max", maxTrainers)
	}
	return out
}

// text reads a text field, checking it is present when required and not longer than max
// (0: no limit).
func (p *parser) text(r record, name string, required bool, max int) string {
	v := r.get(name)
	if v.text == "" && required {
		p.add(v.row, "impor.wajib_diisi", "Field", name)
	}
	if n := length(name, v.text); max > 0 && n > max {
		p.add(v.row, "impor.terlalu_panjang", "Field", name, "Max", max, "Length", n)
	}
	return v.text
}

// length measures a text as its limit means it: a category in bytes, since callback data
// is limited in bytes; anything else in characters, as an admin counts.
func length(name, s string) int {
	if name == "kategori" {
		return len(s)
	}
	return utf8.RuneCountInString(s)
}

// method reads the method, normalised to lowercase; "" when it is missing or unknown.
func (p *parser) method(r record) string {
	v := r.get("metode")
	m := strings.ToLower(v.text)
	switch {
	case m == "":
		p.add(v.row, "impor.wajib_diisi", "Field", "metode")
	case slices.Contains(Methods, m):
		return m
	default:
		p.add(v.row, "impor.metode_tidak_dikenal", "Method", v.text)
	}
	return ""
}

// whole reads a required whole number from 1 to max. Only plain digits are accepted: an
// Indonesian "1.000" means a thousand, and reading it as 1 would be worse than refusing it.
func (p *parser) whole(r record, name string, max int, badKey string) int {
	v := r.get(name)
	if v.text == "" {
		p.add(v.row, "impor.wajib_diisi", "Field", name)
		return 0
	}
	n, err := strconv.Atoi(v.text)
	if err != nil || n < 1 || n > max {
		p.add(v.row, badKey, "Value", v.text, "Max", max)
		return 0
	}
	return n
}

// parseBool reads the terbit column as an admin would fill it.
func parseBool(s string) (b, ok bool) {
	switch strings.ToLower(s) {
	case "ya", "yes", "true", "1":
		return true, true
	case "tidak", "no", "false", "0":
		return false, true
	}
	return false, false
}

// isHTTPURL reports whether s is a link a participant can open: http(s) with a host.
func isHTTPURL(s string) bool {
	if strings.ContainsAny(s, " \t\r\n") {
		return false
	}
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}
