package catalogfile

import (
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/charmap"
)

// Columns of a CSV or XLSX file. Course columns repeat on each of a course's rows; the others
// describe the row's batch.
var (
	requiredColumns = []string{"kode", "judul", "kategori", "metode", "jp", "deskripsi", "angkatan",
		"mulai", "selesai", "lokasi", "tautan_daring", "kuota", "pendaftaran_dibuka", "pendaftaran_ditutup"}
	optionalColumns = []string{"sasaran", "zona", "terbit", "survei", "pengajar", "catatan", "kontak_nama", "kontak_wa", "min_kehadiran"}
	courseColumns   = []string{"kode", "judul", "kategori", "metode", "jp", "deskripsi", "sasaran", "terbit", "survei", "min_kehadiran"}
	dateColumns     = map[string]bool{"mulai": true, "selesai": true, "pendaftaran_dibuka": true, "pendaftaran_ditutup": true}
)

// tableRow is one row of a sheet, with its number as the admin's spreadsheet shows it.
type tableRow struct {
	row   int
	cells []value
}

// readCSV reads a CSV as Excel writes it: UTF-8 with a BOM ("CSV UTF-8") or Windows-1252
// (plain "CSV" on Windows), separated by "," or, where the decimal mark is a comma as in
// Indonesia, by ";". Records are read one at a time and kept only up to the caps (see
// tableCaps), so a file of millions of tiny rows costs what MaxRows of them cost.
func (p *parser) readCSV(data []byte) []rawCourse {
	s := strings.TrimPrefix(string(data), bom)
	if !utf8.ValidString(s) {
		if d, err := charmap.Windows1252.NewDecoder().String(s); err == nil {
			s = d
		}
	}
	r := csv.NewReader(strings.NewReader(s))
	r.Comma = separator(s)
	r.FieldsPerRecord = -1 // Excel drops nothing, but hand-made files do; missing cells are empty
	r.ReuseRecord = true   // each record is copied into values below
	var (
		rows     []tableRow
		row      int
		nextLine = 1 // the line the next record starts on if no blank line comes first
		offset   int64
	)
	for {
		if p.expired() {
			return nil
		}
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		// A spreadsheet shows a blank line as a row and a cell's line breaks inside one
		// row, so the row number counts records plus the blank lines the reader skips.
		if pe := (*csv.ParseError)(nil); errors.As(err, &pe) {
			p.add(row+1+max(0, pe.StartLine-nextLine), "impor.csv_rusak")
			return nil
		} else if err != nil {
			p.add(0, "impor.berkas_rusak", "Format", "CSV")
			return nil
		}
		line, _ := r.FieldPos(0)
		row += 1 + max(0, line-nextLine)
		next := r.InputOffset()
		nextLine += strings.Count(s[offset:next], "\n")
		offset = next
		tr, ok := p.capRow(row, rec, func(int) bool { return false })
		if !ok {
			return nil
		}
		if tr.cells != nil {
			rows = append(rows, tr)
		}
	}
	return p.fromTable(rows)
}

// Caps on what a table may hold, checked as it is read: a province's catalogue is a few
// hundred batches over the 19 columns, while a small hostile file (one cell at column XFD in
// every row, millions of one-letter rows) would otherwise grow to gigabytes once padded.
const (
	MaxRows    = 5000 // rows of the sheet, the header included, as the spreadsheet numbers them
	MaxColumns = 60
)

// capRow turns one record into a row, or refuses the file (ok false) when the row lies past
// MaxRows or fills a cell past MaxColumns. A blank row gives a row without cells: it is
// dropped, but rows keep the numbers the admin's spreadsheet shows. serial says whether the
// cell at a column index is a date serial (XLSX only).
func (p *parser) capRow(row int, rec []string, serial func(col int) bool) (tableRow, bool) {
	last := -1
	for i, c := range rec {
		if strings.TrimSpace(c) != "" {
			last = i
		}
	}
	switch {
	case last < 0:
		return tableRow{row: row}, true
	case row > MaxRows:
		p.add(0, "impor.terlalu_banyak_baris", "Max", MaxRows)
		return tableRow{}, false
	case last >= MaxColumns:
		p.add(row, "impor.terlalu_banyak_kolom", "Col", last+1, "Max", MaxColumns)
		return tableRow{}, false
	}
	tr := tableRow{row: row, cells: make([]value, last+1)}
	for i, c := range rec[:last+1] {
		tr.cells[i] = value{text: c, row: row}
		if serial(i) {
			tr.cells[i].serial, _ = strconv.ParseFloat(strings.TrimSpace(c), 64)
			tr.cells[i].isSerial = true
		}
	}
	return tr, true
}

// separator guesses the CSV separator from the header line, which has one between each
// pair of column names and no other punctuation. Lines before it with only separators (rows
// an admin emptied) say nothing.
func separator(s string) rune {
	var line string
	for l := range strings.Lines(s) {
		if strings.Trim(l, ",;\t\r\n \"") != "" {
			line = l
			break
		}
	}
	best, count := ',', strings.Count(line, ",")
	for _, c := range []rune{';', '\t'} {
		if n := strings.Count(line, string(c)); n > count {
			best, count = c, n
		}
	}
	return best
}

// readXLSX reads the first sheet of a workbook, row by row as its XML streams in: excelize's
// GetRows and GetCellType load the whole sheet and pad every row to its last column, which
// is how a 12 KB file took gigabytes. Cells are read raw, so that a date cell gives its
// serial number rather than a text formatted by the admin's locale; a second reader of the
// same rows, formatted, tells a date cell (whose number format changes what it shows) from
// a number or text cell that merely holds digits.
func (p *parser) readXLSX(data []byte) []rawCourse {
	// The size limits bound what a small zip can expand to (a "zip bomb"); a catalogue's
	// sheet is a few megabytes of XML at most.
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{UnzipSizeLimit: 64 << 20, UnzipXMLSizeLimit: 16 << 20})
	if err != nil {
		p.add(0, "impor.berkas_rusak", "Format", "Excel (.xlsx)")
		return nil
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		p.add(0, "impor.berkas_kosong")
		return nil
	}
	if props, err := f.GetWorkbookProps(); err == nil && props.Date1904 != nil {
		p.date1904 = *props.Date1904
	}
	raw, err := f.Rows(sheets[0])
	if err != nil {
		p.add(0, "impor.berkas_rusak", "Format", "Excel (.xlsx)")
		return nil
	}
	defer raw.Close()
	shown, err := f.Rows(sheets[0])
	if err != nil {
		p.add(0, "impor.berkas_rusak", "Format", "Excel (.xlsx)")
		return nil
	}
	defer shown.Close()
	var rows []tableRow
	for row := 1; raw.Next() && shown.Next(); row++ {
		if p.expired() {
			return nil
		}
		cells, err := raw.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			p.add(0, "impor.berkas_rusak", "Format", "Excel (.xlsx)")
			return nil
		}
		texts, err := shown.Columns()
		if err != nil {
			p.add(0, "impor.berkas_rusak", "Format", "Excel (.xlsx)")
			return nil
		}
		tr, ok := p.capRow(row, cells, func(i int) bool {
			_, isNumber := strconv.ParseFloat(strings.TrimSpace(cells[i]), 64)
			return isNumber == nil && i < len(texts) && texts[i] != cells[i]
		})
		if !ok {
			return nil
		}
		if tr.cells != nil {
			rows = append(rows, tr)
		}
	}
	if raw.Error() != nil {
		p.add(0, "impor.berkas_rusak", "Format", "Excel (.xlsx)")
		return nil
	}
	return p.fromTable(rows)
}

// fromTable maps the header, then groups rows by kode into courses.
func (p *parser) fromTable(rows []tableRow) []rawCourse {
	if len(rows) == 0 {
		return nil
	}
	header, ok := p.header(rows[0])
	if !ok {
		return nil
	}
	var (
		courses []*rawCourse
		byCode  = map[string]*rawCourse{}
	)
	for _, tr := range rows[1:] {
		rec := record{row: tr.row, fields: map[string]value{}}
		for i, v := range tr.cells {
			name := ""
			if i < len(header) {
				name = header[i]
			}
			switch {
			case name == unknownColumn: // reported once, in the header
			case name != "":
				v.isSerial = v.isSerial && dateColumns[name]
				rec.fields[name] = v
			case strings.TrimSpace(v.text) != "":
				p.add(tr.row, "impor.sel_tanpa_kolom", "Col", i+1)
			}
		}
		code := rec.get("kode").text
		c := byCode[code]
		if c == nil || code == "" {
			// A row without a code is its own course, so its other fields are still checked.
			c = &rawCourse{record: record{row: tr.row, fields: map[string]value{}}}
			courses = append(courses, c)
			if code != "" {
				byCode[code] = c
			}
		}
		p.inherit(c, rec)
		c.batches = append(c.batches, rec)
	}
	out := make([]rawCourse, len(courses))
	for i, c := range courses {
		out[i] = *c
	}
	return out
}

// inherit takes a row's course columns into its course: the first row to fill a column
// sets it, later rows may leave it empty or repeat it, and a different value is a problem
// (which of the two the admin meant is theirs to say).
func (p *parser) inherit(c *rawCourse, rec record) {
	for _, name := range courseColumns {
		v := rec.get(name)
		if v.text == "" {
			continue
		}
		cur, ok := c.fields[name]
		if !ok {
			c.fields[name] = v
			continue
		}
		same := cur.text == v.text
		if name == "metode" || name == "terbit" {
			same = strings.EqualFold(cur.text, v.text)
		}
		if !same {
			p.add(rec.row, "impor.beda_isian", "Field", name, "Code", rec.get("kode").text, "FirstRow", cur.row)
		}
	}
}

// unknownColumn marks a column whose header is not a field name.
const unknownColumn = "?"

// header maps each column to its field name: "" for one without a header, unknownColumn
// for one with an unknown header. ok is false
// when the rows cannot be read at all (a required column missing or doubled): every row
// would then repeat the same problem.
func (p *parser) header(tr tableRow) (names []string, ok bool) {
	known := map[string]bool{}
	for _, c := range append(requiredColumns, optionalColumns...) {
		known[c] = true
	}
	seen := map[string]bool{}
	ok = true
	names = make([]string, len(tr.cells))
	for i, v := range tr.cells {
		name := strings.ToLower(strings.TrimSpace(v.text))
		switch {
		case name == "":
		case !known[name]:
			p.add(tr.row, "impor.kolom_tidak_dikenal", "Column", strings.TrimSpace(v.text))
			names[i] = unknownColumn
		case seen[name]:
			p.add(tr.row, "impor.kolom_ganda", "Column", name)
			ok = false
		default:
			seen[name] = true
			names[i] = name
		}
	}
	for _, c := range requiredColumns {
		if !seen[c] {
			p.add(tr.row, "impor.kolom_hilang", "Column", c)
			ok = false
		}
	}
	return names, ok
}
