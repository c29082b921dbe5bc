// Package catalogfile reads a training catalogue from the file an admin made in Excel (CSV or
// XLSX) or by hand (YAML) and validates every row. A file with any problem is rejected whole,
// with the row and the reason for each problem, so that storage can upsert the result in one
// transaction and a catalogue is never half-imported.
package catalogfile

import (
	"cmp"
	"context"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/bpsdm/asnbot/flows/asn"
)

// Training methods: how a course is given. The catalogue's filters list them in this order.
const (
	MethodClassroom = "klasikal" // in a classroom
	MethodOnline    = "daring"   // online, live or self-paced
	MethodBlended   = "blended"  // both
)

// DefaultMinAttendance is the attendance that completes a batch when the catalogue does not
// say: 80% of its check-in days, the usual rule of Indonesian training agencies.
const DefaultMinAttendance = 80

// Methods lists the methods a catalogue may name, in the order filters show them.
var Methods = []string{MethodClassroom, MethodOnline, MethodBlended}

// Course is one training (pelatihan) with its batches, as read from a file.
type Course struct {
	Code, Title, Category string
	Method                string // one of Methods (normalised lowercase)
	JP                    int    // hours of learning, > 0
	Description           string
	Audience              string // who it is for (sasaran); optional
	Published             bool   // default true
	Survey                string // the evaluation's template id (survei); "" for the default
	// MinAttendance is the share of the check-in days, in percent, that completes a batch
	// (min_kehadiran); DefaultMinAttendance when the column is empty.
	MinAttendance int
	Batches       []Batch
}

// Batch is one angkatan. Times are absolute instants (time.Time with a location); TimeZone is
// the IANA name the times belong to.
type Batch struct {
	Name                string // "Angkatan I"
	Start, End          time.Time
	TimeZone            string // "Asia/Jakarta", "Asia/Makassar" or "Asia/Jayapura"
	Location            string // address, may be empty for daring
	OnlineURL           string // may be empty for klasikal
	Quota               int
	RegOpens, RegCloses time.Time
	Trainers            []string // pengajar: the trainers (widyaiswara) evaluated one by one
	Notes               string   // catatan: what to bring or prepare; optional
	ContactName         string   // kontak_nama: whom participants ask; optional
	ContactWA           string   // kontak_wa: their WhatsApp, international digits ("6281234567891"); optional
	Row                 int      // the file row (1-based, header = row 1) or YAML line, for messages
}

// Problem is one reason a file is rejected: a row (0 = the whole file) and a locale key with
// its arguments (user-facing texts live in locales/impor.id.yaml, in polite Indonesian).
type Problem struct {
	Row  int
	Key  string
	Args map[string]any
}

// MaxFileSize is the largest file Parse reads: 5 MB, far more than a quarter's catalogue,
// and small enough that a mistaken upload (a video, a database dump) is refused at once.
const MaxFileSize = 5 << 20

// MaxProblems caps the problems returned: an admin fixes a file a screenful at a time, and a
// wholly wrong file (the wrong sheet, say) would otherwise give thousands of lines.
const MaxProblems = 50

// Parse reads a .csv, .xlsx or .yaml/.yml file (chosen by the file name's extension,
// case-insensitive). defaultZone is the agency's time zone, used when a row names none; nil
// means Asia/Jakarta (WIB). When any problem is found, Parse returns no courses: the caller
// must import nothing. Reading stops with a problem (impor.terlalu_lama) once ctx is done,
// so the caller keeps time to say so.
func Parse(ctx context.Context, fileName string, data []byte, defaultZone *time.Location) ([]Course, []Problem) {
	p := &parser{ctx: ctx, defaultZone: defaultZone}
	if p.defaultZone == nil {
		p.defaultZone = asn.WIB
	}
	ext := strings.ToLower(filepath.Ext(fileName))
	var read func([]byte) []rawCourse
	switch ext {
	case ".csv":
		read = p.readCSV
	case ".xlsx":
		read = p.readXLSX
	case ".yaml", ".yml":
		read = p.readYAML
	default:
		p.add(0, "impor.format_tidak_didukung", "Name", filepath.Base(fileName))
		return nil, p.result()
	}
	if len(data) > MaxFileSize {
		p.add(0, "impor.terlalu_besar", "MaxMB", MaxFileSize>>20)
		return nil, p.result()
	}
	if len(strings.TrimSpace(strings.TrimPrefix(string(data), bom))) == 0 {
		p.add(0, "impor.berkas_kosong")
		return nil, p.result()
	}
	raws := read(data)
	if len(raws) == 0 && len(p.problems) == 0 {
		p.add(0, "impor.tanpa_baris")
	}
	courses := make([]Course, 0, len(raws))
	for _, rc := range raws {
		if p.expired() {
			break
		}
		if c, ok := p.course(rc); ok {
			courses = append(courses, c)
		}
	}
	if len(p.problems) > 0 {
		return nil, p.result()
	}
	return courses, nil
}

// bom is the byte order mark Excel puts at the start of a "CSV UTF-8" export.
const bom = "\uFEFF"

// value is one field as read from a file, with the row it came from so that a problem can
// point at it. serial is set for a real Excel date cell, whose text is just a number.
type value struct {
	text     string
	row      int
	serial   float64
	isSerial bool
}

// record is the fields of one course or batch, by column name (the CSV header names, which
// YAML shares), and the row it starts on.
type record struct {
	row    int
	fields map[string]value
}

// get returns the trimmed text of a field, empty when absent.
func (r record) get(name string) value {
	v := r.fields[name]
	v.text = strings.TrimSpace(v.text)
	if v.row == 0 {
		v.row = r.row
	}
	return v
}

// rawCourse is a course before validation: its own fields, and its batches' fields.
type rawCourse struct {
	record
	batches []record
}

// parser collects problems across a whole file.
type parser struct {
	ctx         context.Context
	defaultZone *time.Location
	date1904    bool // an XLSX workbook counting days from 1904 (old Excel for Mac)
	problems    []Problem
	found       int  // problems found, including those past hardLimit
	timedOut    bool // the caller's context ended while reading
}

// expired reports whether the caller's time is up, and says so once as the file's problem.
func (p *parser) expired() bool {
	if p.ctx.Err() == nil {
		return false
	}
	if !p.timedOut {
		p.timedOut = true
		p.add(0, "impor.terlalu_lama")
	}
	return true
}

// hardLimit bounds the memory a hostile file can make us spend on problems; only
// MaxProblems of them are returned anyway.
const hardLimit = 10 * MaxProblems

// add records a problem. kv are the template arguments as name, value pairs; Row is added
// whenever the problem has one, since every such text says "Baris {{.Row}}".
func (p *parser) add(row int, key string, kv ...any) {
	p.found++
	if len(p.problems) >= hardLimit {
		return
	}
	args := make(map[string]any, len(kv)/2+1)
	for i := 0; i+1 < len(kv); i += 2 {
		args[kv[i].(string)] = kv[i+1]
	}
	if row > 0 {
		args["Row"] = row
	}
	p.problems = append(p.problems, Problem{Row: row, Key: key, Args: args})
}

// result sorts the problems by row (whole-file problems first), the order an admin fixes
// them in, and caps them, saying so in the last one.
func (p *parser) result() []Problem {
	slices.SortStableFunc(p.problems, func(a, b Problem) int { return cmp.Compare(a.Row, b.Row) })
	if len(p.problems) <= MaxProblems {
		return p.problems
	}
	out := slices.Clone(p.problems[:MaxProblems-1])
	return append(out, Problem{Key: "impor.terlalu_banyak", Args: map[string]any{"Shown": MaxProblems - 1}})
}
